//! The JSON API's writes of issue 13: once per client id (a phone's retries), and
//! changes and deletions of every kind of entry, audited, with the plan following.

use crate::Server;
use crate::api::{Api, fields, five_sets};
use pullback_store::{AuditEntry, Store, StoredHistory};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SESSIONS: &str = "/api/v1/me/sessions";
const CHECKINS: &str = "/api/v1/me/checkins";
const SCREENINGS: &str = "/api/v1/me/screenings";
const SYMMETRY_TESTS: &str = "/api/v1/me/symmetry-tests";

async fn history(server: &Server, name: &str) -> StoredHistory {
    let user = server.store.user_by_name(name).await.unwrap();
    server.store.history(user.id).await.unwrap()
}

/// The lifter's audit log, newest first.
async fn audit_log(server: &Server, name: &str) -> Vec<AuditEntry> {
    let user = server.store.user_by_name(name).await.unwrap();
    server.store.audit_log(user.id, 50).await.unwrap()
}

/// Posts `body` to `path` and gives the stored id.
async fn created(api: &Api, path: &str, body: &Value) -> i64 {
    let answer = api.post(path, body).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{path}: {}", answer.body);
    answer.json()["id"].as_i64().unwrap()
}

/// The ids of the entries of a listing (`list` is the field of the list).
async fn listed_ids(api: &Api, path: &str, list: &str) -> Vec<i64> {
    let answer = api.get(path).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    answer.json()[list].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect()
}

fn no_red_flags() -> Value {
    json!({
        "saddle_anesthesia": false, "bladder_bowel": false, "progressive_weakness": false, "fever": false,
        "trauma": false, "cancer_history": false, "weight_loss": false, "night_pain": false,
    })
}

/// Ana's log: a session (during 2, bottom only) with an after-1h check-in, a
/// standalone check-in, a screening (night pain) and a symmetry test.
struct Log {
    session: i64,
    after_1h: i64,
    standalone: i64,
    screening: i64,
    test: i64,
}

async fn log(api: &Api) -> Log {
    let session = created(api, SESSIONS, &five_sets("2026-03-01T18:00:00Z", 2)).await;
    let after_1h = created(api, CHECKINS, &json!({ "session": session, "point": "after_1h", "pain": 4 })).await;
    let standalone = created(api, CHECKINS, &json!({ "pain": 6, "side": "left", "at": "2026-02-28T09:00:00Z" })).await;
    let mut answers = no_red_flags();
    answers["night_pain"] = json!(true);
    let screening = created(api, SCREENINGS, &answers).await;
    let test = created(api, SYMMETRY_TESTS, &json!({ "left": 310, "right": 265, "at": "2026-02-27T10:00:00Z" })).await;
    Log { session, after_1h, standalone, screening, test }
}

#[tokio::test]
async fn a_retry_with_the_same_client_id_stores_one_session_and_one_checkin() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let mut session = five_sets("2026-03-01T18:00:00Z", 2);
    session["client_id"] = json!("phone-5f0c2a9e-0001");
    let first = ana.post(SESSIONS, &session).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let retry = ana.post(SESSIONS, &session).await;
    assert_eq!(retry.status, StatusCode::OK, "a retry is not created again: {}", retry.body);
    assert_eq!(retry.json(), first.json(), "the same id, in the same shape");
    assert_eq!(history(&server, "ana").await.session_ids.len(), 1);

    let id = first.json()["id"].clone();
    let checkin = json!({ "session": id, "point": "after_1h", "pain": 3, "client_id": "phone-5f0c2a9e-0002" });
    let first = ana.post(CHECKINS, &checkin).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let retry = ana.post(CHECKINS, &checkin).await;
    assert_eq!((retry.status, retry.json()), (StatusCode::OK, first.json()));
    let standalone = json!({ "pain": 5, "client_id": "phone-5f0c2a9e-0003" });
    let first = ana.post(CHECKINS, &standalone).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let retry = ana.post(CHECKINS, &standalone).await;
    assert_eq!((retry.status, retry.json()), (StatusCode::OK, first.json()));
    let stored = history(&server, "ana").await.history;
    assert_eq!(stored.sessions[0].checkins.len(), 2, "during and one after-1h: {:?}", stored.sessions[0].checkins);
    assert_eq!(stored.checkins.len(), 1, "one standalone check-in");

    let without = five_sets("2026-03-01T18:00:00Z", 2);
    assert_eq!(ana.post(SESSIONS, &without).await.status, StatusCode::CREATED);
    assert_eq!(ana.post(SESSIONS, &without).await.status, StatusCode::CREATED, "no client id: logged twice");
    assert_eq!(history(&server, "ana").await.session_ids.len(), 3);

    // Client ids are each lifter's own: Ben's phone may make the same one.
    let ben = Api::lifter(&server, "ben").await;
    let bens = ben.post(SESSIONS, &session).await;
    assert_eq!(bens.status, StatusCode::CREATED, "{}", bens.body);
    assert_ne!(bens.json()["id"], id);
    assert_eq!(history(&server, "ben").await.session_ids.len(), 1);
    assert_eq!(history(&server, "ana").await.session_ids.len(), 3);
}

#[tokio::test]
async fn a_bad_client_id_is_422_at_its_pointer_and_stores_nothing() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    for bad in [json!("short"), json!("has spaces in it"), json!("x".repeat(65)), json!(12345678), json!(true)] {
        let mut session = five_sets("2026-03-01T18:00:00Z", 2);
        session["client_id"] = bad.clone();
        assert_eq!(fields(&ana.post(SESSIONS, &session).await), ["/client_id"], "{bad}");
        let checkin = json!({ "pain": 3, "client_id": bad });
        assert_eq!(fields(&ana.post(CHECKINS, &checkin).await), ["/client_id"], "{bad}");
    }
    let mut both = five_sets("2026-03-01T18:00:00Z", 11);
    both["client_id"] = json!("no");
    let mut got = fields(&ana.post(SESSIONS, &both).await);
    got.sort();
    assert_eq!(got, ["/checkins/0/pain", "/client_id"], "every problem at once");
    let stored = history(&server, "ana").await;
    assert!(stored.session_ids.is_empty() && stored.checkin_ids.is_empty(), "nothing stored");
}

#[tokio::test]
async fn lowering_a_checkins_pain_from_8_to_3_ends_the_episode_at_once() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let mut session = five_sets("2026-03-01T18:00:00Z", 8);
    session["checkins"][0]["bottom_only"] = json!(false);
    created(&ana, SESSIONS, &session).await;
    let plan = ana.get("/api/v1/me/plan").await.json();
    assert_eq!(plan["status"], "episode", "8/10 during the session is a flare: {plan}");

    let listed = ana.get(SESSIONS).await.json();
    let during = listed["sessions"][0]["checkins"][0]["id"].as_i64().unwrap();
    let changed = ana.patch(&format!("{CHECKINS}/{during}"), &json!({ "pain": 3 })).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let body = changed.json();
    assert_eq!((body["id"].as_i64(), body["pain"].as_i64()), (Some(during), Some(3)), "{body}");
    assert_eq!(body["point"], "during", "the point stays");

    let plan = ana.get("/api/v1/me/plan").await.json();
    assert_eq!(plan["status"], "normal", "3/10 is tolerated, so there was no episode: {plan}");
    let entry = &audit_log(&server, "ana").await[0];
    assert_eq!((entry.actor.as_str(), entry.action.as_str()), ("ana", "checkin_changed"));
    assert_eq!(entry.detail, "check-in during the session of 1 Mar 2026: pain 8 → 3");
}

#[tokio::test]
async fn every_kind_of_entry_is_listed_with_its_id_changed_and_shown_changed() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let log = log(&ana).await;
    assert_eq!(listed_ids(&ana, CHECKINS, "checkins").await, [log.standalone], "standalone check-ins only");
    assert_eq!(listed_ids(&ana, SCREENINGS, "screenings").await, [log.screening]);
    assert_eq!(listed_ids(&ana, SYMMETRY_TESTS, "symmetry_tests").await, [log.test]);

    // A session: new exercises, the time kept when left out, its check-ins kept.
    let exercises = json!([{ "exercise": "romanian_deadlift", "sets": [{ "load": 80, "reps": 8, "rpe": 7 }] }]);
    let changed = ana.patch(&format!("{SESSIONS}/{}", log.session), &json!({ "exercises": exercises })).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let session = &ana.get(SESSIONS).await.json()["sessions"][0];
    assert_eq!(changed.json(), *session, "the answer is the session as listed");
    assert_eq!(session["id"], log.session);
    assert_eq!(session["at"], "2026-03-01T18:00:00Z", "the stored time stays");
    assert_eq!(session["exercises"], exercises);
    assert_eq!(session["checkins"].as_array().unwrap().len(), 2, "its check-ins stay: {session}");
    let moved = json!({ "at": "2026-03-01T19:30:00+01:00", "exercises": exercises });
    assert_eq!(ana.patch(&format!("{SESSIONS}/{}", log.session), &moved).await.status, StatusCode::OK);
    assert_eq!(ana.get(SESSIONS).await.json()["sessions"][0]["at"], "2026-03-01T19:30:00+01:00");

    // A session's check-in: side and bottom-only kept when left out.
    let path = format!("{CHECKINS}/{}", log.after_1h);
    let changed = ana.patch(&path, &json!({ "pain": 1, "side": "right" })).await.json();
    assert_eq!((changed["pain"].as_i64(), changed["side"].as_str()), (Some(1), Some("right")), "{changed}");
    let changed = ana.patch(&path, &json!({ "pain": 2 })).await.json();
    assert_eq!(changed["side"], "right", "a side left out is kept: {changed}");
    let changed = ana.patch(&path, &json!({ "pain": 2, "side": null })).await.json();
    assert!(changed.get("side").is_none(), "null clears the side: {changed}");

    // A standalone check-in.
    let changed = ana.patch(&format!("{CHECKINS}/{}", log.standalone), &json!({ "pain": 2 })).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let listed = &ana.get(CHECKINS).await.json()["checkins"][0];
    assert_eq!(changed.json(), *listed);
    assert_eq!((listed["pain"].as_i64(), listed["side"].as_str()), (Some(2), Some("left")), "{listed}");
    assert_eq!(listed["at"], "2026-02-28T09:00:00Z", "its time stays");

    // A screening: the answer says what to do now.
    let mut answers = no_red_flags();
    answers["saddle_anesthesia"] = json!(true);
    let changed = ana.patch(&format!("{SCREENINGS}/{}", log.screening), &answers).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.json()["red_flags"], json!(["saddle_anesthesia"]));
    assert!(changed.json()["message"].as_str().unwrap().starts_with("URGENT"), "{}", changed.body);
    let listed = &ana.get(SCREENINGS).await.json()["screenings"][0];
    assert_eq!((listed["saddle_anesthesia"].as_bool(), listed["night_pain"].as_bool()), (Some(true), Some(false)));

    // A symmetry test.
    let changed = ana.patch(&format!("{SYMMETRY_TESTS}/{}", log.test), &json!({ "left": 300, "right": 290.5 })).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let listed = &ana.get(SYMMETRY_TESTS).await.json()["symmetry_tests"][0];
    assert_eq!(changed.json(), *listed);
    assert_eq!((listed["left"].as_f64(), listed["right"].as_f64()), (Some(300.0), Some(290.5)), "{listed}");
    assert_eq!(listed["at"], "2026-02-27T10:00:00Z");

    let log_entries = audit_log(&server, "ana").await;
    let details: Vec<(&str, &str)> = log_entries.iter().map(|e| (e.action.as_str(), e.detail.as_str())).collect();
    assert_eq!(
        details,
        [
            ("symmetry_test_changed", "symmetry test of 27 Feb 2026: left 310 → 300; right 265 → 290.5"),
            ("screening_changed", "screening of 2 Mar 2026: saddle anesthesia no → yes; night pain yes → no"),
            ("checkin_changed", "check-in of 28 Feb 2026: pain 6 → 2"),
            ("checkin_changed", "check-in 1 h after the session of 1 Mar 2026: side right → not given"),
            ("checkin_changed", "check-in 1 h after the session of 1 Mar 2026: pain 1 → 2"),
            ("checkin_changed", "check-in 1 h after the session of 1 Mar 2026: pain 4 → 1; side not given → right"),
            ("session_changed", "session of 1 Mar 2026: time 1 Mar 2026, 18:00 → 1 Mar 2026, 19:30"),
            (
                "session_changed",
                "session of 1 Mar 2026: deadlift 5 sets up to 142.5 kg → Romanian deadlift 1 set up to 80 kg"
            ),
        ]
    );
    assert!(log_entries.iter().all(|e| e.actor == "ana"), "the lifter did it all");
}

#[tokio::test]
async fn every_kind_of_entry_is_deleted_with_204_and_gone_from_the_next_read() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let log = log(&ana).await;
    let during = ana.get(SESSIONS).await.json()["sessions"][0]["checkins"][0]["id"].as_i64().unwrap();
    let before = history(&server, "ana").await;

    let deleted = ana.delete(&format!("{CHECKINS}/{}", log.after_1h)).await;
    assert_eq!((deleted.status, deleted.body.as_str()), (StatusCode::NO_CONTENT, ""));
    let session = &ana.get(SESSIONS).await.json()["sessions"][0];
    assert_eq!(session["checkins"].as_array().unwrap().len(), 1, "only the during one is left: {session}");

    for (path, list) in [(CHECKINS, "checkins"), (SCREENINGS, "screenings"), (SYMMETRY_TESTS, "symmetry_tests")] {
        let id = listed_ids(&ana, path, list).await[0];
        assert_eq!(ana.delete(&format!("{path}/{id}")).await.status, StatusCode::NO_CONTENT, "{path}");
        assert!(listed_ids(&ana, path, list).await.is_empty(), "{path}");
        assert_eq!(ana.delete(&format!("{path}/{id}")).await.status, StatusCode::NOT_FOUND, "{path} again");
    }

    assert_eq!(ana.delete(&format!("{SESSIONS}/{}", log.session)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(ana.get(SESSIONS).await.json()["sessions"], json!([]));
    let after = history(&server, "ana").await;
    assert!(after.history.sessions.is_empty() && after.history.checkins.is_empty());
    assert!(after.history.screenings.is_empty() && after.history.symmetry_tests.is_empty());
    assert!(after.revision > before.revision);
    let gone = ana.patch(&format!("{CHECKINS}/{during}"), &json!({ "pain": 1 })).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "the session's check-in went with it: {}", gone.body);

    let details: Vec<String> =
        audit_log(&server, "ana").await.into_iter().map(|e| format!("{}: {}", e.action, e.detail)).collect();
    assert_eq!(
        details,
        [
            "session_deleted: session of 1 Mar 2026: deadlift 5 sets up to 142.5 kg, with its check-in",
            "symmetry_test_deleted: symmetry test of 27 Feb 2026: left 310, right 265",
            "screening_deleted: screening of 2 Mar 2026: yes to night pain",
            "checkin_deleted: check-in of 28 Feb 2026: pain 6",
            "checkin_deleted: check-in 1 h after the session of 1 Mar 2026: pain 4",
        ]
    );
}

#[tokio::test]
async fn another_lifters_entries_and_ids_that_name_nothing_are_404_and_change_nothing() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let log = log(&ana).await;
    let ben = Api::lifter(&server, "ben").await;
    let before = history(&server, "ana").await;

    let entries = [
        (
            SESSIONS,
            log.session,
            json!({ "exercises": [{ "exercise": "deadlift", "sets": [{ "load": 1, "reps": 1 }] }] }),
        ),
        (CHECKINS, log.after_1h, json!({ "pain": 0 })),
        (CHECKINS, log.standalone, json!({ "pain": 0 })),
        (SCREENINGS, log.screening, no_red_flags()),
        (SYMMETRY_TESTS, log.test, json!({ "left": 1, "right": 1 })),
    ];
    for (list, id, body) in &entries {
        let path = format!("{list}/{id}");
        for refused in [ben.patch(&path, body).await, ben.delete(&path).await, ben.patch(&path, &json!({})).await] {
            assert_eq!(refused.status, StatusCode::NOT_FOUND, "{path}: {}", refused.body);
            assert_eq!(refused.json()["error"], "not_found", "{path}");
        }
        for id in ["999999", "0", "-1", "1.5", "abc", "9999999999999999999999"] {
            let path = format!("{list}/{id}");
            assert_eq!(ana.patch(&path, body).await.status, StatusCode::NOT_FOUND, "PATCH {path}");
            assert_eq!(ana.delete(&path).await.status, StatusCode::NOT_FOUND, "DELETE {path}");
        }
    }

    let after = history(&server, "ana").await;
    assert_eq!(after.revision, before.revision, "nothing of Ana's was written");
    assert_eq!(after.history.sessions, before.history.sessions);
    assert_eq!(after.history.checkins, before.history.checkins);
    assert_eq!(after.history.screenings, before.history.screenings);
    assert_eq!(after.history.symmetry_tests, before.history.symmetry_tests);
    assert!(audit_log(&server, "ana").await.is_empty(), "and nothing was audited");
    assert_eq!(ben.get(CHECKINS).await.json()["checkins"], json!([]), "Ben lists none of hers");
    assert_eq!(ben.get(SCREENINGS).await.json()["screenings"], json!([]));
    assert_eq!(ben.get(SYMMETRY_TESTS).await.json()["symmetry_tests"], json!([]));
}

#[tokio::test]
async fn bad_changes_get_422_by_pointer_and_change_nothing() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let log = log(&ana).await;
    let during = ana.get(SESSIONS).await.json()["sessions"][0]["checkins"][0]["id"].as_i64().unwrap();
    let before = history(&server, "ana").await;
    let session = format!("{SESSIONS}/{}", log.session);
    let mut bad_set = five_sets("2026-03-01T18:00:00Z", 2);
    bad_set["exercises"][0]["sets"][1]["load"] = json!(-5);
    bad_set.as_object_mut().unwrap().remove("checkins");
    let refusals: Vec<(String, Value, Vec<&str>)> = vec![
        (session.clone(), json!({}), vec!["/exercises"]),
        (session.clone(), json!({ "exercises": [] }), vec!["/exercises"]),
        (session.clone(), bad_set, vec!["/exercises/0/sets/1/load"]),
        (session.clone(), five_sets("2026-03-02T08:00:00Z", 2), vec!["/at", "/checkins"]),
        (format!("{CHECKINS}/{during}"), json!({}), vec!["/pain"]),
        (format!("{CHECKINS}/{during}"), json!({ "pain": 11, "side": "up" }), vec!["/pain", "/side"]),
        (format!("{CHECKINS}/{during}"), json!({ "pain": 3, "point": "after_1h", "at": null }), vec!["/point"]),
        (format!("{CHECKINS}/{}", log.after_1h), json!({ "pain": 3, "bottom_only": true }), vec!["/bottom_only"]),
        (format!("{CHECKINS}/{}", log.standalone), json!({ "pain": 3, "bottom_only": true }), vec!["/bottom_only"]),
        (format!("{CHECKINS}/{}", log.standalone), json!({ "pain": 3, "at": "2026-02-01T00:00:00Z" }), vec!["/at"]),
        (
            format!("{SCREENINGS}/{}", log.screening),
            json!({ "fever": "no" }),
            vec![
                "/bladder_bowel",
                "/cancer_history",
                "/fever",
                "/night_pain",
                "/progressive_weakness",
                "/saddle_anesthesia",
                "/trauma",
                "/weight_loss",
            ],
        ),
        (format!("{SYMMETRY_TESTS}/{}", log.test), json!({ "left": 310, "right": 0 }), vec!["/right"]),
        (format!("{SYMMETRY_TESTS}/{}", log.test), json!({ "right": 300 }), vec!["/left"]),
    ];
    for (path, body, expected) in refusals {
        let mut got = fields(&ana.patch(&path, &body).await);
        got.sort();
        assert_eq!(got, expected, "PATCH {path} {body}");
    }
    let mut screening = no_red_flags();
    screening["at"] = json!("2026-02-01T00:00:00Z");
    assert_eq!(fields(&ana.patch(&format!("{SCREENINGS}/{}", log.screening), &screening).await), ["/at"]);
    let not_an_object = ana.send(reqwest::Method::PATCH, &session, Some("[1]")).await;
    assert_eq!(fields(&not_an_object), [""]);

    let after = history(&server, "ana").await;
    assert_eq!(after.revision, before.revision, "nothing was changed");
    assert!(audit_log(&server, "ana").await.is_empty());

    // A `during` check-in may say the pain was only at the bottom.
    let fine = ana.patch(&format!("{CHECKINS}/{during}"), &json!({ "pain": 3, "bottom_only": false })).await;
    assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);
    assert!(fine.json().get("bottom_only").is_none(), "{}", fine.body);
}

#[tokio::test]
async fn the_openapi_document_gives_each_change_its_body_and_answers() {
    let server = Server::start().await;
    let document = crate::answer(reqwest::get(server.url("/api/v1/openapi.json")).await.unwrap()).await.json();
    let paths = &document["paths"];
    for list in ["sessions", "checkins", "screenings", "symmetry-tests"] {
        let path = format!("/api/v1/me/{list}/{{id}}");
        let patch = &paths[&path]["patch"];
        let answers = |operation: &Value| -> Vec<String> {
            let mut codes: Vec<String> = operation["responses"].as_object().unwrap().keys().cloned().collect();
            codes.sort();
            codes
        };
        assert_eq!(answers(patch), ["200", "401", "404", "422"], "PATCH {path}");
        assert!(patch["requestBody"]["content"]["application/json"]["schema"].is_object(), "PATCH {path}");
        assert_eq!(answers(&paths[&path]["delete"]), ["204", "401", "404"], "DELETE {path}");
        assert!(paths[format!("/api/v1/me/{list}")]["get"].is_object(), "GET /api/v1/me/{list}");
    }
    for schema in ["NewSession", "NewCheckin"] {
        let client_id = &document["components"]["schemas"][schema]["properties"]["client_id"];
        assert!(client_id.is_object(), "{schema} documents client_id");
    }
    let answers = paths["/api/v1/me/sessions"]["post"]["responses"].as_object().unwrap();
    assert!(answers.contains_key("200") && answers.contains_key("201"), "a retry's 200 is documented");
}
