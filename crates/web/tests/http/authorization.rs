//! Authorization, driven by the route table: every route in `ROUTES` is called by
//! an anonymous browser, by another lifter, and with the wrong kind of credential.
//! A route added to the table is checked here without anyone editing this file
//! (unless it has a new kind of path parameter, which fails loudly below).

use crate::{Answer, Browser, Server, answer};
use pullback_core::{Exercise, ExerciseId, ExerciseLog, Load, Pain, Point, RedFlags, Reps, Set, Strength, Units};
use pullback_store::{At, NewCheckin, NewScreening, NewSession, NewSymmetryTest, Store, StoredProfile};
use pullback_web::{Access, ROUTES, Route};
use reqwest::{Method, StatusCode};

/// Marks the victim's data: no answer to anyone else may contain it.
const SECRET_EXERCISE: &str = "victim-secret-lift";
const VICTIM: &str = "victim-7f3a";

/// Whether `body` shows `marker`, in any letter case (pages capitalise names).
fn shows(body: &str, marker: &str) -> bool {
    body.to_lowercase().contains(&marker.to_lowercase())
}

/// The victim's resources, for path parameters.
struct Victim {
    id: i64,
    session: i64,
    token_id: i64,
    token: String,
    /// A standalone check-in, a screening and a symmetry test (issue 13's edits).
    checkin: i64,
    screening: i64,
    symmetry_test: i64,
}

async fn victim(server: &Server) -> Victim {
    let store = server.store.as_ref();
    let user = store.create_user(VICTIM, &StoredProfile::new(Units::Kg)).await.unwrap();
    let set = Set {
        load: Load::parse(100.into()).unwrap(),
        reps: Reps::parse(5).unwrap(),
        rpe: None,
        warmup: false,
        note: None,
    };
    let secret = ExerciseLog {
        exercise: ExerciseId::Other(SECRET_EXERCISE.into()),
        tempo: None,
        block_height: None,
        sets: vec![set.clone()],
        note: None,
    };
    let deadlift = ExerciseLog {
        exercise: ExerciseId::Known(Exercise::Deadlift),
        tempo: None,
        block_height: None,
        sets: vec![set],
        note: None,
    };
    let at: At = "2026-03-01T07:00:00Z".parse().unwrap();
    let session = NewSession { at, external_id: None, exercises: vec![deadlift, secret], checkins: vec![], note: None };
    let session = store.add_session(user.id, &session).await.unwrap();
    let checkin = NewCheckin::of_session(session, Point::After1h, Pain::parse(4).unwrap(), None);
    store.add_checkin(user.id, &checkin).await.unwrap();
    let (token, digest) = pullback_app::secrets::new_token().unwrap();
    let token_id = store.create_api_token(user.id, "victim's phone", &digest).await.unwrap();
    let (checkin, screening, symmetry_test) = victims_events(store, user.id, at).await;
    Victim { id: user.id.0, session: session.0, token_id: token_id.0, token, checkin, screening, symmetry_test }
}

/// A standalone check-in, a screening and a symmetry test of the victim's: their ids.
async fn victims_events(store: &dyn Store, user: pullback_store::UserId, at: At) -> (i64, i64, i64) {
    let checkin = store.add_checkin(user, &NewCheckin::standalone(Pain::parse(6).unwrap(), at)).await.unwrap();
    let answers = RedFlags { night_pain: true, ..RedFlags::default() };
    let screening = store.add_screening(user, &NewScreening { at, answers }).await.unwrap();
    let strength = |n: u32| Strength::parse(n.into()).unwrap();
    let test = NewSymmetryTest { at, left: strength(310), right: strength(265) };
    let symmetry_test = store.add_symmetry_test(user, &test).await.unwrap();
    (checkin.0, screening.0, symmetry_test.0)
}

/// The route's path with its parameters naming the victim's resources.
fn path_for(route: &Route, victim: &Victim) -> String {
    let mut path = route.path.to_owned();
    while let Some(start) = path.find('{') {
        let end = path[start..].find('}').map(|e| start + e).unwrap();
        let name = &path[start + 1..end];
        let value = match (name, route.path) {
            ("file", _) => "style.css".to_owned(),
            ("lifter", _) => victim.id.to_string(),
            // An invitation that does not exist: accepting it must be a 404 for everyone.
            ("code", _) => "NOSUCHCODE1".to_owned(),
            // A clinician on no one's care team (the victim): revoking them is a 404.
            ("clinician", _) => victim.id.to_string(),
            ("id", p) if p.contains("token") => victim.token_id.to_string(),
            // Keyed on the kind of entry in the path, API and pages alike.
            ("id", p) if p.contains("checkins") => victim.checkin.to_string(),
            ("id", p) if p.contains("screenings") => victim.screening.to_string(),
            ("id", p) if p.contains("symmetry-tests") => victim.symmetry_test.to_string(),
            ("id", p) if p.contains("session") => victim.session.to_string(),
            (other, p) => panic!("{p}: add path parameter {other:?} to the authorization test's path_for"),
        };
        path.replace_range(start..=end, &value);
    }
    path
}

/// Calls `route` from `browser` (its cookies), with a bearer token if given. Form
/// routes get `csrf` when given; API POSTs and PATCHes an empty JSON object.
async fn call(
    browser: &Browser,
    base: &str,
    route: &Route,
    path: &str,
    token: Option<&str>,
    csrf: Option<&str>,
) -> Answer {
    let url = format!("{base}{path}");
    let mut request = browser.client.request(route.method.clone(), &url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let api = route.path.starts_with("/api/");
    if api && [Method::POST, Method::PATCH].contains(&route.method) {
        request = request.header("content-type", "application/json").body("{}");
    } else if route.method == Method::POST {
        request = request.form(&csrf.map(|c| vec![("csrf", c)]).unwrap_or_default());
    }
    answer(request.send().await.unwrap()).await
}

/// A form token of a signed-in page, signing in again first if a route (log-out)
/// ended the session.
async fn signed_in_token(browser: &Browser) -> String {
    let today = browser.get("/").await;
    if today.status == StatusCode::OK {
        return today.csrf();
    }
    let fields = [("name", "intruder"), ("password", crate::PASSWORD)];
    let back = browser.submit("/login", "/login", &fields).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "signing in again: {}", back.body);
    browser.get("/").await.csrf()
}

fn has_params(route: &Route) -> bool {
    route.path.contains('{') && !route.path.starts_with("/assets/")
}

#[tokio::test]
async fn anonymous_callers_get_the_log_in_page_or_401_and_public_routes_answer() {
    let server = Server::start().await;
    let victim = victim(&server).await;
    let anonymous = server.browser();
    let csrf = anonymous.get("/login").await.csrf();
    let base = server.url("");
    for route in ROUTES {
        let path = path_for(route, &victim);
        let got = call(&anonymous, &base, route, &path, None, Some(&csrf)).await;
        let what = format!("{} {path} ({:?})", route.method, route.access);
        match route.access {
            Access::Public => {
                assert_ne!(got.status, StatusCode::UNAUTHORIZED, "{what}");
                assert_ne!(got.location(), Some("/login"), "{what}");
                assert!(!got.status.is_server_error(), "{what}: {}", got.status);
            }
            Access::Lifter | Access::Clinician => {
                assert_eq!(got.status, StatusCode::SEE_OTHER, "{what}");
                assert_eq!(got.location(), Some("/login"), "{what}");
            }
            Access::Token => {
                assert_eq!(got.status, StatusCode::UNAUTHORIZED, "{what}");
                assert!(got.json()["error"].is_string(), "{what}: {}", got.body);
            }
        }
        assert!(!shows(&got.body, SECRET_EXERCISE), "{what} leaked the victim's data");
    }
}

#[tokio::test]
async fn another_lifter_cannot_read_or_change_the_victims_data_through_any_route() {
    let server = Server::start().await;
    let victim = victim(&server).await;
    let before = server.store.history(server.store.credentials(VICTIM).await.unwrap().unwrap().user.id).await.unwrap();
    let intruder = server.lifter("intruder").await;
    let intruder_id = server.store.credentials("intruder").await.unwrap().unwrap().user.id;
    let (intruder_token, digest) = pullback_app::secrets::new_token().unwrap();
    server.store.create_api_token(intruder_id, "intruder", &digest).await.unwrap();
    let base = server.url("");
    for route in ROUTES.iter().filter(|r| r.access != Access::Public) {
        let path = path_for(route, &victim);
        let csrf = signed_in_token(&intruder).await;
        let got = call(&intruder, &base, route, &path, Some(&intruder_token), Some(&csrf)).await;
        let what = format!("{} {path}", route.method);
        if has_params(route) {
            assert_eq!(got.status, StatusCode::NOT_FOUND, "{what}: another lifter's resource must look absent");
        }
        if route.access == Access::Clinician {
            assert_eq!(got.status, StatusCode::NOT_FOUND, "{what}: a lifter is not a clinician");
        }
        assert!(!shows(&got.body, SECRET_EXERCISE), "{what} showed the victim's data to another lifter");
        assert!(!shows(&got.body, VICTIM), "{what} named the victim to another lifter");
    }
    let victim_id = server.store.credentials(VICTIM).await.unwrap().unwrap().user.id;
    let after = server.store.history(victim_id).await.unwrap();
    assert_eq!(after.session_ids, before.session_ids, "the victim's sessions changed");
    assert_eq!(after.history.checkins, before.history.checkins, "the victim's check-ins changed");
    assert_eq!(after.history.sessions, before.history.sessions, "the victim's sessions changed");
    assert_eq!(after.history.screenings, before.history.screenings);
    assert_eq!(after.history.symmetry_tests, before.history.symmetry_tests);
    assert_eq!(after.revision, before.revision, "something of the victim's was written");
    assert_eq!(server.store.api_tokens(victim_id).await.unwrap().len(), 1, "the victim's token was revoked");
    let victims_token = pullback_app::secrets::sha256(victim.token.as_bytes());
    assert_eq!(server.store.api_token_user(&victims_token).await.unwrap().map(|c| c.user.id), Some(victim_id));
}

#[tokio::test]
async fn pages_refuse_tokens_and_the_api_refuses_session_cookies() {
    let server = Server::start().await;
    let victim = victim(&server).await;
    let lifter = server.lifter("ana").await;
    let tokenless = server.browser();
    let base = server.url("");
    for route in ROUTES {
        let path = path_for(route, &victim);
        let what = format!("{} {path}", route.method);
        match route.access {
            Access::Token => {
                let got = call(&lifter, &base, route, &path, None, None).await;
                assert_eq!(got.status, StatusCode::UNAUTHORIZED, "{what}: a session cookie must not open the API");
            }
            Access::Lifter | Access::Clinician => {
                let got = call(&tokenless, &base, route, &path, Some(&victim.token), None).await;
                assert_eq!(got.location(), Some("/login"), "{what}: a bearer token must not open a page");
            }
            Access::Public => {}
        }
    }
}

#[tokio::test]
async fn every_form_post_without_a_csrf_token_is_refused() {
    let server = Server::start().await;
    let victim = victim(&server).await;
    let lifter = server.lifter("ana").await;
    let base = server.url("");
    let forms = ROUTES.iter().filter(|r| r.method == Method::POST && r.access != Access::Token);
    let mut checked = 0;
    for route in forms {
        let path = path_for(route, &victim);
        let got = call(&lifter, &base, route, &path, None, None).await;
        let what = format!("{} {path}", route.method);
        // A route whose path names another lifter's resource may answer 404 first.
        // So may a clinician's page, which a lifter without the role cannot see.
        let hidden = has_params(route) || route.access == Access::Clinician;
        let refused = got.status == StatusCode::FORBIDDEN || (hidden && got.status == StatusCode::NOT_FOUND);
        assert!(refused, "{what}: a POST without a CSRF token got {}", got.status);
        checked += 1;
    }
    assert!(checked >= 3, "the route table has log-in, sign-up and log-out forms at least");
    assert_eq!(lifter.get("/").await.status, StatusCode::OK, "still signed in: the log-out was refused");
}

/// A signed-up user made a clinician, with their browser and id.
async fn clinician(server: &Server, name: &str) -> (Browser, pullback_store::UserId) {
    let browser = server.lifter(name).await;
    let id = server.store.credentials(name).await.unwrap().unwrap().user.id;
    server.store.set_clinician(id, true).await.unwrap();
    (browser, id)
}

/// The five actors of the clinician routes: anonymous and a plain lifter are
/// checked above; here the victim herself, her clinician and another clinician.
/// Her clinician reaches every clinician route for her; the other clinician finds
/// none of them (404, not 403); the victim, a lifter, finds no clinician page; and
/// her clinician loses access the moment she revokes it.
#[tokio::test]
async fn clinicians_reach_their_own_lifters_only_and_lose_access_at_once() {
    let server = Server::start().await;
    let victim = victim(&server).await;
    let victim_user = server.store.credentials(VICTIM).await.unwrap().unwrap().user;
    let (hers, hers_id) = clinician(&server, "her-pt").await;
    let (other, _) = clinician(&server, "other-pt").await;
    server.store.create_invitation(hers_id, &[7; 32], "2026-03-09T00:00:00Z".parse().unwrap()).await.unwrap();
    server.store.accept_invitation(&victim_user, &[7; 32], "2026-03-02T00:00:00Z".parse().unwrap()).await.unwrap();
    let victim_browser = server.browser();
    server
        .store
        .set_password(
            victim_user.id,
            &pullback_app::secrets::hash_password(crate::PASSWORD).unwrap(),
            pullback_store::Tokens::Keep,
        )
        .await
        .unwrap();
    let fields = [("name", VICTIM), ("password", crate::PASSWORD)];
    assert_eq!(victim_browser.submit("/login", "/login", &fields).await.status, StatusCode::SEE_OTHER);

    let base = server.url("");
    let clinic: Vec<&Route> = ROUTES.iter().filter(|r| r.access == Access::Clinician).collect();
    assert!(clinic.iter().any(|r| r.path.contains("{lifter}")), "the table has clinician routes about a lifter");
    for route in &clinic {
        let path = path_for(route, &victim);
        let what = format!("{} {path}", route.method);
        let about_her = route.path.contains("{lifter}");

        let csrf = hers.get("/").await.csrf();
        let got = call(&hers, &base, route, &path, None, Some(&csrf)).await;
        assert!(
            ![StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&got.status),
            "{what}: her clinician got {}",
            got.status
        );
        assert!(!got.status.is_server_error(), "{what}: {}", got.status);
        if route.method == Method::GET {
            assert_eq!(got.status, StatusCode::OK, "{what}: her clinician");
        }
        if route.method == Method::GET && about_her {
            assert!(shows(&got.body, SECRET_EXERCISE), "{what}: her clinician sees her log");
        }

        let csrf = other.get("/").await.csrf();
        let got = call(&other, &base, route, &path, None, Some(&csrf)).await;
        if about_her {
            assert_eq!(got.status, StatusCode::NOT_FOUND, "{what}: another clinician");
        }
        assert!(
            !shows(&got.body, SECRET_EXERCISE) && !shows(&got.body, VICTIM),
            "{what} showed her to another clinician"
        );

        let csrf = victim_browser.get("/").await.csrf();
        let got = call(&victim_browser, &base, route, &path, None, Some(&csrf)).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{what}: a lifter has no clinician pages");
    }

    server.store.revoke_care(&victim_user, hers_id, "2026-03-02T07:00:00Z".parse().unwrap()).await.unwrap();
    for route in clinic.iter().filter(|r| r.path.contains("{lifter}")) {
        let path = path_for(route, &victim);
        let csrf = hers.get("/").await.csrf();
        let got = call(&hers, &base, route, &path, None, Some(&csrf)).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{} {path}: revoked, at once", route.method);
    }
}
