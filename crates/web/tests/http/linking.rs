//! Linking a lifter to a clinician: roles, one-time invitations (by link or typed
//! code), the lifter's care team, revoking, and the audit log the lifter reads.

use crate::{Browser, NOW, Server};
use jiff::{SignedDuration, Timestamp};
use pullback_store::{Store, UserId};
use pullback_web::Config;
use reqwest::StatusCode;

async fn id_of(server: &Server, name: &str) -> UserId {
    server.store.credentials(name).await.unwrap().unwrap().user.id
}

/// A signed-in user with the clinician role (granted as the admin would).
async fn clinician(server: &Server, name: &str) -> Browser {
    let browser = server.lifter(name).await;
    server.store.set_clinician(id_of(server, name).await, true).await.unwrap();
    browser
}

/// An invitation made on the clinician's page.
#[derive(Debug)]
struct Invitation {
    /// The absolute link, as given to the lifter.
    link: String,
    /// The code as shown (two groups of five).
    code: String,
}

impl Invitation {
    /// The link's path and query, for the test's browsers.
    fn path(&self) -> &str {
        let start = self.link.find("/invite/").unwrap();
        &self.link[start..]
    }

    /// Where the lifter's page posts the acceptance.
    fn accept_path(&self) -> String {
        format!("/invite/{}", self.code.replace('-', ""))
    }
}

/// The values of the page's read-only `input.token` fields, unescaped.
fn shown_values(body: &str) -> Vec<String> {
    let marker = "class=\"token\" readonly value=\"";
    body.match_indices(marker)
        .map(|(at, _)| body[at + marker.len()..].split('"').next().unwrap().replace("&amp;", "&"))
        .collect()
}

async fn invite(server: &Server, clinician: &Browser) -> Invitation {
    let form = clinician.get("/clinic/invite").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let made = clinician.post_form("/clinic/invitations", &form.csrf(), &[]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert_eq!(made.headers.get("cache-control").unwrap(), "no-store", "the code is shown once");
    let values = shown_values(&made.body);
    assert_eq!(values.len(), 2, "a link and a code: {}", made.body);
    let invitation = Invitation { link: values[0].clone(), code: values[1].clone() };
    assert!(invitation.link.starts_with(&server.url("/invite/")), "an absolute link: {}", invitation.link);
    assert_eq!(invitation.code.len(), 11, "{}", invitation.code);
    invitation
}

/// The lifter opens the link and accepts.
async fn accept(lifter: &Browser, invitation: &Invitation) -> crate::Answer {
    lifter.submit(invitation.path(), &invitation.accept_path(), &[]).await
}

#[tokio::test]
async fn a_lifter_accepts_an_invitation_by_link_and_the_code_cannot_be_used_again() {
    let server = Server::start().await;
    let maria = clinician(&server, "maria").await;
    let ana = server.lifter("ana").await;
    let (maria_id, ana_id) = (id_of(&server, "maria").await, id_of(&server, "ana").await);
    let invitation = invite(&server, &maria).await;
    assert!(server.store.caseload(maria_id).await.unwrap().is_empty(), "nothing is shared before accepting");

    let offer = ana.get(invitation.path()).await;
    assert_eq!(offer.status, StatusCode::OK, "{}", offer.body);
    assert!(offer.body.contains("maria invites you to share your data"), "{}", offer.body);
    for says in ["your history", "your plan and your charts", "protocol settings", "is logged", "stop sharing"] {
        assert!(offer.body.contains(says), "the offer must say {says:?}: {}", offer.body);
    }
    assert!(!server.store.can_view(maria_id, ana_id).await.unwrap(), "opening the link shares nothing");

    let accepted = accept(&ana, &invitation).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let next = accepted.location().unwrap().to_owned();
    assert_eq!(next, format!("/settings/care-team?shared={}", maria_id.0));
    assert!(ana.get(&next).await.body.contains("maria can now see your data."));
    let caseload = server.store.caseload(maria_id).await.unwrap();
    assert_eq!(caseload.iter().map(|e| e.lifter.name.as_str()).collect::<Vec<_>>(), ["ana"]);
    assert!(server.store.can_view(maria_id, ana_id).await.unwrap());

    // Used once: by link and by typed code, for anyone.
    let bob = server.lifter("bob").await;
    let again = accept(&bob, &invitation).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.body);
    assert!(again.body.contains("This invitation is not valid"), "{}", again.body);
    let typed = bob.submit("/settings/care-team", "/settings/care-team/accept", &[("code", &invitation.code)]).await;
    assert_eq!(typed.status, StatusCode::NOT_FOUND, "{}", typed.body);
    assert!(typed.body.contains("Invitation code: this invitation is not valid"), "{}", typed.body);
    assert_eq!(server.store.caseload(maria_id).await.unwrap().len(), 1, "bob was not added");
}

#[tokio::test]
async fn an_invitation_cannot_be_accepted_once_its_clinician_lost_the_role() {
    let server = Server::start().await;
    let maria = clinician(&server, "maria").await;
    let ana = server.lifter("ana").await;
    let maria_id = id_of(&server, "maria").await;
    let invitation = invite(&server, &maria).await;
    let offer = ana.get(invitation.path()).await;
    let token = offer.csrf();
    server.store.set_clinician(maria_id, false).await.unwrap();
    // The page was open before the role went; accepting from it is refused.
    let accepted = ana.post_form(&invitation.accept_path(), &token, &[]).await;
    assert_eq!(accepted.status, StatusCode::NOT_FOUND, "{}", accepted.body);
    assert!(accepted.body.contains("This invitation is not valid"), "{}", accepted.body);
    assert!(server.store.care_team(id_of(&server, "ana").await).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_typed_code_is_accepted_in_any_case_and_with_or_without_its_dash() {
    let server = Server::start().await;
    let maria = clinician(&server, "maria").await;
    let ana = server.lifter("ana").await;
    let invitation = invite(&server, &maria).await;
    let typed = format!("  {}  ", invitation.code.to_lowercase());
    let accepted = ana.submit("/settings/care-team", "/settings/care-team/accept", &[("code", &typed)]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert!(server.store.can_view(id_of(&server, "maria").await, id_of(&server, "ana").await).await.unwrap());

    let malformed = ana.submit("/settings/care-team", "/settings/care-team/accept", &[("code", "12345")]).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", malformed.body);
    assert!(malformed.body.contains("Invitation code: a code has 10 letters and digits"), "{}", malformed.body);
    assert!(malformed.body.contains("value=\"12345\""), "the typed code is shown again");
}

#[tokio::test]
async fn expired_unknown_and_own_invitations_are_refused() {
    let server = Server::start().await;
    let maria = clinician(&server, "maria").await;
    let ana = server.lifter("ana").await;
    let maria_id = id_of(&server, "maria").await;

    // Expired: made through the store, a minute before "now".
    let now: Timestamp = NOW.parse().unwrap();
    let expired = "ABCDEFGHJK";
    let digest = pullback_app::secrets::sha256(expired.as_bytes());
    server.store.create_invitation(maria_id, &digest, now - SignedDuration::from_mins(1)).await.unwrap();
    let refused = ana.submit("/settings/care-team", "/settings/care-team/accept", &[("code", "ABCDE-FGHJK")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    let refused = ana.submit("/settings/care-team", &format!("/invite/{expired}"), &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    assert!(refused.body.contains("This invitation is not valid"));

    // The page of an expired or made-up code is not shown either.
    let invitation = invite(&server, &maria).await;
    let path = invitation.path().to_owned();
    for gone in [format!("/invite/{expired}"), "/invite/MNPQRSTUVW".to_owned()] {
        let shown = ana.get(&gone).await;
        assert_eq!(shown.status, StatusCode::NOT_FOUND, "{gone}: {}", shown.body);
        assert!(shown.body.contains("This invitation is not valid"), "{gone}");
    }
    assert_eq!(ana.get(&path).await.status, StatusCode::OK, "the real link works");

    // One's own invitation.
    let own = maria.get(&path).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.body);
    assert!(own.body.contains("your own invitation"), "{}", own.body);
    let own = maria.submit("/settings/care-team", "/settings/care-team/accept", &[("code", &invitation.code)]).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.body);
    assert!(own.body.contains("Invitation code: this is your own invitation"), "{}", own.body);
    assert!(server.store.caseload(maria_id).await.unwrap().is_empty());
    // Still unused: the lifter it was meant for can accept it.
    assert_eq!(accept(&ana, &invitation).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_invitation_is_valid_for_seven_days() {
    let server = Server::start().await;
    let maria = clinician(&server, "maria").await;
    let invitation = invite(&server, &maria).await;
    let code: String = invitation.code.chars().filter(|c| *c != '-').collect();
    let digest = pullback_app::secrets::sha256(code.as_bytes());
    let now: Timestamp = NOW.parse().unwrap();
    let valid_at = |days: i64| now + SignedDuration::from_hours(24 * days);
    assert!(server.store.invitation(&digest, valid_at(6)).await.unwrap().is_some(), "still valid after six days");
    assert!(server.store.invitation(&digest, valid_at(8)).await.unwrap().is_none(), "expired after eight");
}

#[tokio::test]
async fn a_lifter_without_the_role_cannot_invite() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    assert_eq!(ana.get("/clinic/invite").await.status, StatusCode::NOT_FOUND);
    let made = ana.post_form("/clinic/invitations", &ana.get("/").await.csrf(), &[]).await;
    assert_eq!(made.status, StatusCode::NOT_FOUND, "{}", made.body);
    assert!(shown_values(&made.body).is_empty());
    assert!(!ana.get("/").await.body.contains("href=\"/clinic\""), "no Clinic entry for a lifter");
    let anonymous = server.browser();
    assert_eq!(anonymous.get("/clinic/invite").await.location(), Some("/login"));
    assert_eq!(anonymous.get("/invite/ABCDEFGHJK").await.location(), Some("/login"));
    let maria = clinician(&server, "maria").await;
    assert!(maria.get("/").await.body.contains("href=\"/clinic\""), "a Clinic entry for a clinician");
}

#[tokio::test]
async fn the_lifter_sees_the_care_team_and_the_log_and_stopping_ends_access_at_once() {
    let server = Server::start().await;
    let maria = clinician(&server, "maria").await;
    let ana = server.lifter("ana").await;
    let (maria_id, ana_id) = (id_of(&server, "maria").await, id_of(&server, "ana").await);
    assert!(ana.get("/settings").await.body.contains("href=\"/settings/care-team\""), "Settings links the page");
    let empty = ana.get("/settings/care-team").await;
    assert!(empty.body.contains("your data is yours alone"), "{}", empty.body);
    assert_eq!(accept(&ana, &invite(&server, &maria).await).await.status, StatusCode::SEE_OTHER);

    let team = ana.get("/settings/care-team").await;
    assert_eq!(team.status, StatusCode::OK);
    assert!(team.body.contains("<td>maria</td>"), "{}", team.body);
    assert!(team.body.contains("Mon 2 Mar 2026, 07:00"), "when, in the lifter's zone: {}", team.body);
    assert!(team.body.contains("data-action=\"access_granted\""), "{}", team.body);
    assert!(team.body.contains("Stop sharing with maria"));

    // Someone else cannot end ana's sharing, nor learn that it exists.
    let bob = server.lifter("bob").await;
    let revoke = format!("/settings/care-team/{}/revoke", maria_id.0);
    let intruded = bob.submit("/settings/care-team", &revoke, &[]).await;
    assert_eq!(intruded.status, StatusCode::NOT_FOUND, "{}", intruded.body);
    assert!(server.store.can_view(maria_id, ana_id).await.unwrap());

    let stopped = ana.submit("/settings/care-team", &revoke, &[]).await;
    assert_eq!(stopped.status, StatusCode::SEE_OTHER, "{}", stopped.body);
    assert!(!server.store.can_view(maria_id, ana_id).await.unwrap(), "access ends at once");
    assert!(server.store.caseload(maria_id).await.unwrap().is_empty());
    let log = server.store.audit_log(ana_id, 10).await.unwrap();
    assert_eq!(log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["access_revoked", "access_granted"]);
    let after = ana.get(stopped.location().unwrap()).await;
    assert!(after.body.contains("Stopped sharing: they can no longer see your data."), "{}", after.body);
    assert!(!after.body.contains("Stop sharing with maria"), "{}", after.body);
    assert!(after.body.contains("data-action=\"access_revoked\""));
    assert_eq!(ana.submit("/settings/care-team", &revoke, &[]).await.status, StatusCode::NOT_FOUND, "only once");
}

#[tokio::test]
async fn signing_up_as_a_clinician_works_only_where_the_server_allows_it() {
    let fields =
        |name: &'static str| [("name", name), ("password", crate::PASSWORD), ("units", "kg"), ("clinician", "on")];
    let strict = Server::start().await;
    let browser = strict.browser();
    let page = browser.get("/signup").await;
    assert!(!page.body.contains("name=\"clinician\""), "no clinician box: {}", page.body);
    let signed_up = browser.post_form("/signup", &page.csrf(), &fields("maria")).await;
    assert_eq!(signed_up.status, StatusCode::SEE_OTHER, "{}", signed_up.body);
    assert_eq!(signed_up.location(), Some("/"), "a lifter lands on Today");
    assert!(!strict.store.user(id_of(&strict, "maria").await).await.unwrap().clinician, "the box was ignored");

    let open = Server::start_with(Config { allow_clinician_signup: true, ..Config::default() }).await;
    let browser = open.browser();
    let page = browser.get("/signup").await;
    assert!(page.body.contains("I am a clinician (physical therapist or coach)"), "{}", page.body);
    let signed_up = browser.post_form("/signup", &page.csrf(), &fields("maria")).await;
    assert_eq!(signed_up.status, StatusCode::SEE_OTHER, "{}", signed_up.body);
    assert!(open.store.user(id_of(&open, "maria").await).await.unwrap().clinician);
    assert_eq!(signed_up.location(), Some("/clinic"), "a clinician lands on the caseload");
    assert_eq!(browser.get("/clinic/invite").await.status, StatusCode::OK);
    // Logging in again lands there too.
    let out = browser.submit("/clinic", "/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    let login = [("name", "maria"), ("password", crate::PASSWORD)];
    let back = browser.submit("/login", "/login", &login).await;
    assert_eq!(back.location(), Some("/clinic"), "{}", back.body);
    let lifter = open.lifter("ana").await;
    assert!(!open.store.user(id_of(&open, "ana").await).await.unwrap().clinician, "unticked: a lifter");
    assert_eq!(lifter.get("/clinic/invite").await.status, StatusCode::NOT_FOUND);
}
