//! A lifter seen by their clinician: the plan and history as the lifter sees them,
//! tuning the protocol, the working weight and variation, private notes, the
//! audit log of every read and change, and 404 for anyone without a care link.

use crate::history::{log_deadlift, user_id};
use crate::{Answer, Browser, Server};
use pullback_core::{Load, Point, Variation};
use pullback_store::{AuditEntry, Store, UserId};
use reqwest::StatusCode;

/// A signed-in clinician: their browser and id.
async fn clinician(server: &Server, name: &str) -> (Browser, UserId) {
    let browser = server.lifter(name).await;
    let id = user_id(server, name).await;
    server.store.set_clinician(id, true).await.unwrap();
    (browser, id)
}

/// Links `lifter` to `clinician` the way the app does: an invitation, accepted.
async fn link(server: &Server, clinician: UserId, lifter: UserId, code: &str) {
    let digest = pullback_app::secrets::sha256(code.as_bytes());
    let expires = "2026-03-09T07:00:00Z".parse().unwrap();
    server.store.create_invitation(clinician, &digest, expires).await.unwrap();
    let lifter = server.store.user(lifter).await.unwrap();
    server.store.accept_invitation(&lifter, &digest, crate::NOW.parse().unwrap()).await.unwrap();
}

/// Ana, with a session two days ago that was a 4 out of 10 at 24 h: tolerable
/// under the default `tolerable_max` of 4 (so "train"), a flare under 3.
struct Setup {
    server: Server,
    kim: Browser,
    kim_id: UserId,
    ana: Browser,
    ana_id: UserId,
}

impl Setup {
    async fn new() -> Setup {
        let server = Server::start().await;
        let (kim, kim_id) = clinician(&server, "dr-kim").await;
        let ana = server.lifter("ana").await;
        let ana_id = user_id(&server, "ana").await;
        log_deadlift(&server, ana_id, "2026-02-28T17:00:00Z", 100, &[(Point::During, 2), (Point::After24h, 4)]).await;
        link(&server, kim_id, ana_id, "kim-invites-ana").await;
        Setup { server, kim, kim_id, ana, ana_id }
    }

    fn page(&self) -> String {
        format!("/clinic/lifters/{}", self.ana_id)
    }

    /// Dr Kim's form token, from a page that records nothing in Ana's log.
    async fn kim_token(&self) -> String {
        self.kim.get("/").await.csrf()
    }

    async fn audit(&self) -> Vec<AuditEntry> {
        self.server.store.audit_log(self.ana_id, 100).await.unwrap()
    }

    async fn save_protocol(&self, fields: &[(&str, &str)]) -> Answer {
        let token = self.kim_token().await;
        self.kim.post_form(&format!("{}/protocol", self.page()), &token, fields).await
    }
}

/// The plan's action on a page (`data-action` of the plan card).
fn action(page: &Answer) -> &str {
    let marker = "class=\"plan ";
    let card = page.body.find(marker).unwrap_or_else(|| panic!("no plan card in:\n{}", page.body));
    let rest = &page.body[card..];
    let start = rest.find("data-action=\"").unwrap() + "data-action=\"".len();
    rest[start..].split('"').next().unwrap()
}

#[tokio::test]
async fn the_detail_page_shows_the_plan_history_and_tools_and_records_the_view() {
    let s = Setup::new().await;
    let before = s.audit().await.len();
    let page = s.kim.get(&s.page()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert_eq!(action(&page), "train");
    let own = s.ana.get("/").await;
    assert_eq!(action(&own), "train", "Ana's own Today");
    assert!(
        body.contains("Train your own program, top sets at or under 110 kg."),
        "the headline, as Ana sees it:\n{body}"
    );
    assert!(body.contains("within your tolerable range (24 h after: 4/10)"), "the plan's reasons: {body}");
    assert!(body.contains("Deadlift 100×5×3 kg · warm-up 60×5 kg"), "the history: {body}");
    assert!(body.contains("Pain (0–10): during <strong>2</strong> · 24 h after <strong>4</strong>"), "{body}");
    assert_eq!(body.matches("<svg role=\"img\"").count(), 3, "the three charts");
    assert!(body.contains(&format!("href=\"/clinic/lifters/{}?all=1\"", s.ana_id)), "the range link stays here");
    for key in pullback_core::ParamKey::ALL {
        assert!(body.contains(&format!("name=\"{}\"", key.id())), "the protocol form has {key}");
    }
    assert!(body.contains("Default <strong>4</strong> · allowed: a whole number 1–8"), "tolerable_max's hint");
    assert!(body.contains("Default <strong>14:0.8, 56:0.6, 182:0.5</strong>"), "layoff_caps' default");
    assert!(
        body.contains("name=\"reason\"") && body.contains("name=\"working_weight\"") && body.contains("name=\"text\"")
    );
    assert!(body.contains("does not replace a clinician"), "the disclaimer");

    let log = s.audit().await;
    assert_eq!(log.len(), before + 1, "one read, one entry");
    assert_eq!((log[0].actor.as_str(), log[0].action.as_str()), ("dr-kim", "viewed"));
    assert_eq!(log[0].detail, "your plan, history and charts");
    assert!(body.contains("data-action=\"viewed\""), "the page lists Ana's log, this view included: {body}");
    assert!(body.contains("data-action=\"access_granted\""), "and what came before");

    s.kim.get(&s.page()).await;
    assert_eq!(s.audit().await.len(), before + 2, "every read is recorded");
}

#[tokio::test]
async fn lowering_tolerable_max_changes_the_plan_and_is_audited_with_the_reason() {
    let s = Setup::new().await;
    assert_eq!(action(&s.kim.get(&s.page()).await), "train");

    let saved = s.save_protocol(&[("tolerable_max", "3"), ("reason", "still flaring at 4")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), Some(format!("{}?saved=protocol#protocol", s.page()).as_str()));
    let profile = s.server.store.profile(s.ana_id).await.unwrap();
    assert_eq!(profile.overrides.tolerable_max, Some(3));
    assert_eq!(profile.overrides, pullback_core::Overrides { tolerable_max: Some(3), ..Default::default() });
    let log = s.audit().await;
    assert_eq!((log[0].actor.as_str(), log[0].action.as_str()), ("dr-kim", "protocol_changed"));
    assert_eq!(log[0].detail, "tolerable_max 4 → 3 (default 4): still flaring at 4");
    assert_eq!(log.iter().filter(|e| e.action == "protocol_changed").count(), 1, "one entry per changed key");

    // A 4 at 24 h is now above the tolerable maximum: a flare, and rest today.
    let page = s.kim.get(&s.page()).await;
    assert_eq!(action(&page), "rest_active", "{}", page.body);
    assert!(page.body.contains("above your tolerable 3"), "{}", page.body);
    assert!(page.body.contains("value=\"3\""), "the form shows the override");
    assert!(page.body.contains("(set for this lifter)"));
    let own = s.ana.get("/").await;
    assert_eq!(action(&own), "rest_active", "Ana's own Today follows at once");

    // An empty field is the default again.
    let back = s.save_protocol(&[("tolerable_max", ""), ("reason", "settled")]).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(s.server.store.profile(s.ana_id).await.unwrap().overrides, pullback_core::Overrides::default());
    assert_eq!(s.audit().await[0].detail, "tolerable_max 3 → 4 (default 4): settled");
    assert_eq!(action(&s.ana.get("/").await), "train");
}

#[tokio::test]
async fn each_changed_parameter_gets_its_own_entry_and_unchanged_ones_none() {
    let s = Setup::new().await;
    let fields = [
        ("tolerable_max", "4"),
        ("pattern_window", "2"),
        ("pattern_min", "2"),
        ("layoff_caps", "10:0.9, 30:0.7"),
        ("reason", "short training history"),
    ];
    let saved = s.save_protocol(&fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let o = s.server.store.profile(s.ana_id).await.unwrap().overrides;
    assert_eq!((o.tolerable_max, o.pattern_window, o.pattern_min), (None, Some(2), Some(2)), "4 is the default");
    assert_eq!(o.layoff_caps.map(|b| b.len()), Some(2));
    let details: Vec<String> =
        s.audit().await.into_iter().filter(|e| e.action == "protocol_changed").map(|e| e.detail).collect();
    assert_eq!(details.len(), 3, "{details:?}");
    for expected in [
        "pattern_min 3 → 2 (default 3): short training history",
        "pattern_window 4 → 2 (default 4): short training history",
        "layoff_caps 14:0.8, 56:0.6, 182:0.5 → 10:0.9, 30:0.7 (default 14:0.8, 56:0.6, 182:0.5): short training history",
    ] {
        assert!(details.iter().any(|d| d == expected), "{expected} in {details:?}");
    }

    let again = s.save_protocol(&fields).await;
    assert_eq!(again.location(), Some(format!("{}?saved=unchanged#protocol", s.page()).as_str()));
    assert_eq!(s.audit().await.iter().filter(|e| e.action == "protocol_changed").count(), 3, "nothing new");
}

#[tokio::test]
async fn out_of_range_or_unreasoned_protocol_changes_are_refused_naming_each_field_and_nothing_is_stored() {
    let s = Setup::new().await;
    let before = s.audit().await;
    let refused =
        s.save_protocol(&[("tolerable_max", "11"), ("lsi_min", "0.3"), ("reason", "testing the limits")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("tolerable_max: 11 is outside 1..=8"), "{}", refused.body);
    assert!(refused.body.contains("lsi_min: 0.3 is outside 0.5..=1"), "{}", refused.body);
    assert!(refused.body.contains("Nothing was saved. Please check: tolerable_max, lsi_min."), "{}", refused.body);
    assert!(refused.body.contains("value=\"11\""), "the form is shown as sent");

    let wrong_type = s.save_protocol(&[("sore_min", "2.5"), ("layoff_caps", "14:0.8, 56"), ("reason", "")]).await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &wrong_type.body;
    assert!(body.contains("sore_min: “2.5” is not a whole number"), "{body}");
    assert!(body.contains("layoff_caps: band 2, “56”, is not DAYS:FACTOR"), "{body}");
    assert!(body.contains("reason: say why"), "{body}");

    let no_reason = s.save_protocol(&[("tolerable_max", "3")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("reason: say why"), "{}", no_reason.body);

    let profile = s.server.store.profile(s.ana_id).await.unwrap();
    assert_eq!(profile.overrides, pullback_core::Overrides::default(), "nothing stored");
    assert_eq!(only_views_since(&s.audit().await, &before), 3, "each refusal showed the page again: a view");
}

/// How many entries `log` has beyond `before`, checking that each is a view.
fn only_views_since(log: &[AuditEntry], before: &[AuditEntry]) -> usize {
    assert!(log.ends_with(before), "the older entries stay");
    let new = &log[..log.len() - before.len()];
    assert!(new.iter().all(|e| e.action == "viewed" && e.actor == "dr-kim"), "only views: {new:?}");
    new.len()
}

#[tokio::test]
async fn a_refused_form_shows_the_lifters_data_again_and_records_the_view() {
    let s = Setup::new().await;
    let page = s.page();
    for (path, fields) in [
        (format!("{page}/protocol"), vec![("tolerable_max", "11"), ("reason", "x")]),
        (
            format!("{page}/profile"),
            vec![("working_weight", "heavy"), ("usual_variation", "deadlift"), ("reason", "x")],
        ),
        (format!("{page}/notes"), vec![("text", " ")]),
    ] {
        let before = s.audit().await;
        let refused = s.kim.post_form(&path, &s.kim_token().await, &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(refused.body.contains("Their history") && refused.body.contains("data-action="), "{path}: the data");
        let log = s.audit().await;
        assert_eq!(only_views_since(&log, &before), 1, "{path}: the render of Ana's data is recorded");
        assert_eq!(log[0].detail, "your plan, history and charts");
    }
}

#[tokio::test]
async fn working_weight_and_variation_changes_are_audited() {
    let s = Setup::new().await;
    let path = format!("{}/profile", s.page());
    let fields = [("working_weight", "140"), ("usual_variation", "sumo_deadlift"), ("reason", "after the assessment")];
    let saved = s.kim.post_form(&path, &s.kim_token().await, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let p = s.server.store.profile(s.ana_id).await.unwrap().profile;
    assert_eq!(p.working_weight, Some(Load::parse(140.into()).unwrap()));
    assert_eq!(p.usual_variation, Variation::SumoDeadlift);
    let details: Vec<String> =
        s.audit().await.into_iter().filter(|e| e.action == "profile_changed").map(|e| e.detail).collect();
    assert_eq!(
        details,
        [
            "usual_variation deadlift → sumo_deadlift: after the assessment",
            "working_weight from their log → 140 kg: after the assessment",
        ],
        "newest first"
    );

    let before = s.audit().await;
    for (fields, named) in [
        ([("working_weight", "heavy"), ("usual_variation", "deadlift"), ("reason", "x")], "working_weight: “heavy”"),
        ([("working_weight", "0"), ("usual_variation", "deadlift"), ("reason", "x")], "working_weight: “0”"),
        ([("working_weight", ""), ("usual_variation", "squat"), ("reason", "x")], "usual_variation: choose"),
        ([("working_weight", ""), ("usual_variation", "deadlift"), ("reason", " ")], "reason: say why"),
    ] {
        let refused = s.kim.post_form(&path, &s.kim_token().await, &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(refused.body.contains(named), "{named}: {}", refused.body);
    }
    let p = s.server.store.profile(s.ana_id).await.unwrap().profile;
    assert_eq!(
        (p.working_weight, p.usual_variation),
        (Some(Load::parse(140.into()).unwrap()), Variation::SumoDeadlift)
    );
    assert_eq!(only_views_since(&s.audit().await, &before), 4, "each refused form is a view, and only that");

    let cleared = [("working_weight", ""), ("usual_variation", "sumo_deadlift"), ("reason", "let the log decide")];
    assert_eq!(s.kim.post_form(&path, &s.kim_token().await, &cleared).await.status, StatusCode::SEE_OTHER);
    assert_eq!(s.server.store.profile(s.ana_id).await.unwrap().profile.working_weight, None);
    assert_eq!(s.audit().await[0].detail, "working_weight 140 kg → from their log: let the log decide");
}

#[tokio::test]
async fn notes_are_private_to_their_author_and_kept_out_of_the_lifters_log() {
    let s = Setup::new().await;
    let (lee, lee_id) = clinician(&s.server, "dr-lee").await;
    link(&s.server, lee_id, s.ana_id, "lee-invites-ana").await;
    let note = "Guarding on the left side; ask about sleep next visit";
    let path = format!("{}/notes", s.page());
    let saved = s.kim.post_form(&path, &s.kim_token().await, &[("text", note)]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), Some(format!("{}?saved=note#notes", s.page()).as_str()));

    let notes = s.server.store.notes(s.ana_id, s.kim_id).await.unwrap();
    assert_eq!(notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), [note]);
    assert!(s.kim.get(&s.page()).await.body.contains(note), "listed for its author");
    let lees_page = lee.get(&s.page()).await;
    assert_eq!(lees_page.status, StatusCode::OK);
    assert!(!lees_page.body.contains(note), "not for another clinician of Ana's");
    assert!(s.server.store.notes(s.ana_id, lee_id).await.unwrap().is_empty());

    let log = s.audit().await;
    let added: Vec<&AuditEntry> = log.iter().filter(|e| e.action == "note_added").collect();
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].actor, "dr-kim");
    assert!(log.iter().all(|e| !e.detail.contains("Guarding") && !e.detail.contains("sleep")), "{log:?}");
    let care = s.ana.get("/settings/care-team").await;
    assert_eq!(care.status, StatusCode::OK);
    assert!(!care.body.contains("Guarding"), "Ana's own pages never show the note");

    let empty = s.kim.post_form(&path, &s.kim_token().await, &[("text", "   ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("text: write the note first"), "{}", empty.body);
    let too_long = "x".repeat(10_001);
    let long = s.kim.post_form(&path, &s.kim_token().await, &[("text", &too_long)]).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s.server.store.notes(s.ana_id, s.kim_id).await.unwrap().len(), 1, "refused notes are not stored");
}

/// Every route of the page, for a caller who must get 404 from each.
async fn every_route_is_not_found(s: &Setup, browser: &Browser, lifter: UserId, who: &str) {
    let page = format!("/clinic/lifters/{lifter}");
    assert_eq!(browser.get(&page).await.status, StatusCode::NOT_FOUND, "{who}: GET {page}");
    let token = browser.get("/").await.csrf();
    let posts: [(&str, &[(&str, &str)]); 3] = [
        ("protocol", &[("tolerable_max", "2"), ("reason", "intrusion")]),
        ("profile", &[("working_weight", "10"), ("usual_variation", "trap_bar_deadlift"), ("reason", "intrusion")]),
        ("notes", &[("text", "intrusion")]),
    ];
    for (form, fields) in posts {
        let path = format!("{page}/{form}");
        let got = browser.post_form(&path, &token, fields).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{who}: POST {path}");
        assert!(got.body.contains("There is nothing here."), "{who}: the plain 404 page, naming no one");
    }
    let profile = s.server.store.profile(s.ana_id).await.unwrap();
    assert_eq!(profile.overrides, pullback_core::Overrides::default(), "{who} changed nothing");
    assert_eq!(profile.profile.working_weight, None, "{who} changed nothing");
}

#[tokio::test]
async fn without_a_care_link_every_route_is_not_found() {
    let s = Setup::new().await;
    let before = s.audit().await;
    let (lee, lee_id) = clinician(&s.server, "dr-lee").await;
    every_route_is_not_found(&s, &lee, s.ana_id, "an unlinked clinician").await;
    assert!(s.server.store.notes(s.ana_id, lee_id).await.unwrap().is_empty());
    let bob = s.server.lifter("bob").await;
    every_route_is_not_found(&s, &bob, s.ana_id, "a plain lifter").await;
    every_route_is_not_found(&s, &s.kim, UserId(999_999), "a lifter who does not exist").await;
    every_route_is_not_found(&s, &s.ana, s.ana_id, "Ana herself (not a clinician)").await;
    assert_eq!(s.audit().await, before, "nothing recorded in Ana's log");
}

#[tokio::test]
async fn after_the_lifter_revokes_the_clinician_gets_404_at_once() {
    let s = Setup::new().await;
    assert_eq!(s.kim.get(&s.page()).await.status, StatusCode::OK);
    let ana = s.server.store.user(s.ana_id).await.unwrap();
    s.server.store.revoke_care(&ana, s.kim_id, crate::NOW.parse().unwrap()).await.unwrap();
    let viewed = s.audit().await.iter().filter(|e| e.action == "viewed").count();
    every_route_is_not_found(&s, &s.kim, s.ana_id, "a revoked clinician").await;
    assert_eq!(s.audit().await.iter().filter(|e| e.action == "viewed").count(), viewed, "no read after revoking");
    assert_eq!(s.audit().await[0].action, "access_revoked");
}
