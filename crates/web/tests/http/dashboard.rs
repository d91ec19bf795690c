//! The caseload dashboard (`GET /clinic`) on the demo data: the demo lifters are in
//! the states they claim, the order is by urgency, filters and search work, the
//! cache follows the lifters' writes, and nobody sees lifters who are not theirs.

use crate::{Browser, NOW, Server};
use jiff::Timestamp;
use pullback_app::planning::{owed, stored_decision};
use pullback_core::{Decimal, Load};
use pullback_store::{Store, StoredProfile};
use pullback_web::clinic::dashboard::Status;
use pullback_web::demo::{self, DemoLogin, Expect};
use reqwest::StatusCode;

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

async fn seeded() -> (Server, DemoLogin) {
    let server = Server::start().await;
    let login = demo::seed(server.store.as_ref(), now()).await.unwrap();
    (server, login)
}

async fn sign_in(server: &Server, name: &str, password: &str) -> Browser {
    let browser = server.browser();
    let answer = browser.submit("/login", "/login", &[("name", name), ("password", password)]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "log-in of {name} failed: {}", answer.body);
    browser
}

/// The `data-status` of each row, in page order.
fn statuses(body: &str) -> Vec<String> {
    attribute_values(body, "data-status")
}

/// The lifter ids of the rows, in page order.
fn row_lifters(body: &str) -> Vec<i64> {
    attribute_values(body, "data-lifter").iter().map(|id| id.parse().unwrap()).collect()
}

fn attribute_values(body: &str, attribute: &str) -> Vec<String> {
    let marker = format!("{attribute}=\"");
    body.match_indices(&marker).map(|(at, _)| body[at + marker.len()..].split('"').next().unwrap().to_owned()).collect()
}

async fn lifter_id(server: &Server, name: &str) -> i64 {
    server.store.user_by_name(name).await.unwrap().id.0
}

#[tokio::test]
async fn every_demo_lifter_is_in_the_state_it_claims() {
    let (server, login) = seeded().await;
    assert!(login.seeded);
    let store: &dyn Store = server.store.as_ref();
    for lifter in demo::lifters() {
        let user = store.user_by_name(lifter.name).await.unwrap();
        let d = stored_decision(store, user.id, now()).await.unwrap();
        let sessions = store.sessions(user.id, Some(10)).await.unwrap();
        let got = Expect {
            action: d.action,
            rung: d.rung.map(|r| r.value()),
            block: d.block,
            flags: d.flags.clone(),
            referrals: d.see_clinician.clone(),
            overdue: owed(&sessions, now()).iter().filter(|o| o.status == "overdue").count(),
            status: lifter.expect.status,
        };
        assert_eq!(got, lifter.expect, "{}: {:?}", lifter.name, d.reasons);
    }
}

#[tokio::test]
async fn the_demo_covers_every_action_flag_and_referral() {
    use pullback_core::{Action, Flag, Referral};
    let lifters = demo::lifters();
    let actions = [Action::UrgentCare, Action::SeeDoctor, Action::RestActive, Action::Train];
    let flags = [
        Flag::IntensitySpike,
        Flag::Layoff,
        Flag::MissingCheckin,
        Flag::Pattern,
        Flag::VolumeSpike,
        Flag::WorkingWeightUnknown,
    ];
    let referrals = [Referral::Asymmetry, Referral::Duration, Referral::NoTolerableRung, Referral::RepeatedFlares];
    for action in actions {
        assert!(lifters.iter().any(|l| l.expect.action == action), "no demo lifter with {action:?}");
    }
    for flag in flags {
        assert!(lifters.iter().any(|l| l.expect.flags.contains(&flag)), "no demo lifter with {flag:?}");
    }
    for referral in referrals {
        assert!(lifters.iter().any(|l| l.expect.referrals.contains(&referral)), "no demo lifter with {referral:?}");
    }
    let rungs: Vec<u8> =
        lifters.iter().filter(|l| l.expect.action == Action::Train).filter_map(|l| l.expect.rung).collect();
    assert!(rungs.len() >= 3 && rungs.iter().any(|&r| r != rungs[0]), "episodes at different rungs: {rungs:?}");
    assert!(lifters.iter().any(|l| l.expect.block.is_some()), "a lifter on a block");
}

#[tokio::test]
async fn seeding_twice_writes_nothing_new_and_gives_a_new_password() {
    let (server, first) = seeded().await;
    let users = server.store.users().await.unwrap().len();
    let second = demo::seed(server.store.as_ref(), now()).await.unwrap();
    assert!(!second.seeded);
    assert_eq!(server.store.users().await.unwrap().len(), users);
    assert_ne!(first.password, second.password);
    let refused =
        server.browser().submit("/login", "/login", &[("name", demo::CLINICIAN), ("password", &first.password)]).await;
    assert_ne!(refused.status, StatusCode::SEE_OTHER, "the old password still works");
    sign_in(&server, demo::CLINICIAN, &second.password).await;
    sign_in(&server, demo::SHOWCASE, &second.password).await;
}

#[tokio::test]
async fn the_dashboard_lists_the_most_urgent_first() {
    let (server, login) = seeded().await;
    let pt = sign_in(&server, &login.clinician, &login.password).await;
    let page = pt.get("/clinic").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let got = statuses(&page.body);
    let expected: Vec<&str> = demo::lifters().iter().map(|l| l.expect.status.id()).collect();
    assert_eq!(got, expected);
    // Urgent, then see a doctor, then flaring, then see a clinician, overdue, the rest.
    let ranks: Vec<Status> = got.iter().map(|s| Status::from_id(s).unwrap()).collect();
    assert!(ranks.is_sorted(), "{got:?}");
    assert_eq!(ranks[..3], [Status::Urgent, Status::Doctor, Status::Flaring]);
    assert!(page.body.contains("href=\"/clinic/invite\""), "the invite link");
    assert!(page.body.contains("does not replace a"), "the disclaimer");
    assert!(page.body.contains("<svg class=\"sparkline\""), "a pain sparkline");
    // Each row links to the lifter's page.
    let bea = lifter_id(&server, demo::SHOWCASE).await;
    assert!(page.body.contains(&format!("href=\"/clinic/lifters/{bea}\"")));
    assert!(page.body.contains("rung 3 of 11, from a 10 cm block"), "Bea's rung and block");
}

#[tokio::test]
async fn within_a_status_the_latest_activity_comes_first() {
    let (server, login) = seeded().await;
    let pt = sign_in(&server, &login.clinician, &login.password).await;
    let page = pt.get("/clinic?status=ok").await;
    let ids = row_lifters(&page.body);
    // Among the on-track lifters, Quinn (five weeks quiet) is last.
    assert_eq!(ids.last(), Some(&lifter_id(&server, "demo-quinn").await));
    assert_eq!(ids.len(), 7, "{:?}", statuses(&page.body));
}

#[tokio::test]
async fn filter_by_status_and_search_by_name() {
    let (server, login) = seeded().await;
    let pt = sign_in(&server, &login.clinician, &login.password).await;

    let clinician = pt.get("/clinic?status=clinician").await;
    let mut ids = row_lifters(&clinician.body);
    ids.sort_unstable();
    let mut expected = vec![
        lifter_id(&server, "demo-reza").await,
        lifter_id(&server, "demo-dan").await,
        lifter_id(&server, "demo-asha").await,
    ];
    expected.sort_unstable();
    assert_eq!(ids, expected);

    let overdue = pt.get("/clinic?status=overdue").await;
    assert_eq!(row_lifters(&overdue.body), [lifter_id(&server, "demo-owen").await]);
    assert!(overdue.body.contains("2 check-ins overdue"));

    let search = pt.get("/clinic?q=BEA&status=").await;
    assert_eq!(row_lifters(&search.body), [lifter_id(&server, demo::SHOWCASE).await]);
    assert!(search.body.contains("value=\"BEA\""), "the search is kept in the form");

    let nobody = pt.get("/clinic?q=zzz").await;
    assert!(statuses(&nobody.body).is_empty());
    assert!(nobody.body.contains("No lifter matches"));

    let bad = pt.get("/clinic?status=worried").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("status"), "{}", bad.body);
}

#[tokio::test]
async fn a_new_flare_moves_the_lifter_up_at_once() {
    let (server, login) = seeded().await;
    let pt = sign_in(&server, &login.clinician, &login.password).await;
    let before = pt.get("/clinic").await;
    let bea = lifter_id(&server, demo::SHOWCASE).await;
    let position = |body: &str| row_lifters(body).iter().position(|&id| id == bea).unwrap();
    assert_eq!(statuses(&before.body)[position(&before.body)], "ok");

    // Every row is cached now.
    let clinician = server.store.user_by_name(demo::CLINICIAN).await.unwrap();
    let caseload = server.store.caseload(clinician.id).await.unwrap();
    assert!(caseload.iter().all(|entry| entry.cached.is_some()), "rows not cached");

    // Bea checks in at 7/10: above tolerable.
    let lifter = sign_in(&server, demo::SHOWCASE, &login.password).await;
    let saved = lifter.submit("/checkin", "/checkin", &[("pain", "7")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let after = pt.get("/clinic").await;
    let now_at = position(&after.body);
    assert_eq!(statuses(&after.body)[now_at], "flaring");
    assert!(now_at < position(&before.body), "Bea moved up");
    // The latest activity first among the flaring: Bea (now) before Flo (3 h ago).
    assert_eq!(statuses(&after.body)[..4], ["urgent", "doctor", "flaring", "flaring"]);
    assert_eq!(row_lifters(&after.body)[2], bea);
}

#[tokio::test]
async fn a_lifter_without_the_role_gets_404() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let answer = ana.get("/clinic").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(!answer.body.contains("Your lifters"));
}

#[tokio::test]
async fn a_clinician_sees_only_their_own_lifters() {
    let (server, login) = seeded().await;
    // Another clinician, with one lifter of their own.
    server.lifter("pt-two").await;
    let two = server.store.user_by_name("pt-two").await.unwrap();
    server.store.set_clinician(two.id, true).await.unwrap();
    let mut profile = StoredProfile::new(pullback_core::Units::Kg);
    profile.profile.working_weight = Some(Load::parse(Decimal::from(100)).unwrap());
    let carl = server.store.create_user("carl", &profile).await.unwrap();
    let code = pullback_app::secrets::sha256(b"carl's invitation");
    server
        .store
        .create_invitation(two.id, &code, now().checked_add(jiff::SignedDuration::from_hours(1)).unwrap())
        .await
        .unwrap();
    server.store.accept_invitation(&carl, &code, now()).await.unwrap();

    let pt_two = sign_in(&server, "pt-two", crate::PASSWORD).await;
    let theirs = pt_two.get("/clinic").await;
    assert_eq!(row_lifters(&theirs.body), [carl.id.0]);
    assert!(!theirs.body.contains("demo-"), "another clinician's lifters leaked");

    let pt = sign_in(&server, &login.clinician, &login.password).await;
    let demo_page = pt.get("/clinic").await;
    assert!(!row_lifters(&demo_page.body).contains(&carl.id.0));
    assert_eq!(row_lifters(&demo_page.body).len(), demo::lifters().len());
}

#[tokio::test]
async fn a_clinician_with_no_lifters_is_offered_the_invitation() {
    let server = Server::start().await;
    server.lifter("pt-new").await;
    let user = server.store.user_by_name("pt-new").await.unwrap();
    server.store.set_clinician(user.id, true).await.unwrap();
    let pt = sign_in(&server, "pt-new", crate::PASSWORD).await;
    let page = pt.get("/clinic").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(statuses(&page.body).is_empty());
    assert!(page.body.contains("No lifters yet"));
    assert!(page.body.contains("href=\"/clinic/invite\""));
}

#[tokio::test]
async fn a_red_flag_screening_moves_the_lifter_to_the_top_at_once() {
    let (server, login) = seeded().await;
    let pt = sign_in(&server, &login.clinician, &login.password).await;
    pt.get("/clinic").await;
    let lifter = sign_in(&server, demo::SHOWCASE, &login.password).await;
    let saved = lifter.submit("/screening", "/screening", &[("bladder_bowel", "yes")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = pt.get("/clinic").await;
    let bea = lifter_id(&server, demo::SHOWCASE).await;
    let first_two = &row_lifters(&after.body)[..2];
    assert!(first_two.contains(&bea), "{:?}", statuses(&after.body));
    assert_eq!(statuses(&after.body)[..2], ["urgent", "urgent"]);
}
