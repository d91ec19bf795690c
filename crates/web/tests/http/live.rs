//! Issue 13 through the real server: a live session pre-filled from the plan, one
//! session of several exercises, saves that happen once per client id, changing
//! and deleting entries (and the plan following), and the installable app's files.

use crate::{Browser, Server};
use pullback_store::{Store, StoredHistory, UserId};
use reqwest::StatusCode;

async fn id_of(server: &Server, name: &str) -> UserId {
    server.store.user_by_name(name).await.unwrap().id
}

async fn history(server: &Server, name: &str) -> StoredHistory {
    server.store.history(id_of(server, name).await).await.unwrap()
}

/// A deadlift session at 06:00 today of three sets of 5 at `load`, rated `pain` during.
async fn log(browser: &Browser, load: &str, pain: &str, extra: &[(&str, &str)]) -> crate::Answer {
    let mut fields = vec![
        ("at", "2026-03-02T06:00"),
        ("exercise_0", "deadlift"),
        ("load_0_0", load),
        ("reps_0_0", "5"),
        ("load_0_1", load),
        ("reps_0_1", "5"),
        ("pain_during", pain),
    ];
    fields.extend_from_slice(extra);
    browser.submit("/log", "/log", &fields).await
}

fn status_of(today: &str) -> &'static str {
    if today.contains("episode day") || today.contains("rung") { "episode" } else { "normal" }
}

#[tokio::test]
async fn the_same_client_id_stores_one_session_and_one_check_in() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let client = [("client_id", "4b1d7e0c2f9a4d3e8c6b5a4f3e2d1c0b")];
    for _ in 0..3 {
        let saved = log(&ana, "100", "2", &client).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert_eq!(saved.location(), Some("/?saved=session"), "a retry ends on the same page");
    }
    assert_eq!(history(&server, "ana").await.history.sessions.len(), 1, "three sends, one session");
    // A fresh form has another client id: a second session is a second session.
    assert_eq!(log(&ana, "100", "2", &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(history(&server, "ana").await.history.sessions.len(), 2);

    let standalone = [("pain", "3"), ("client_id", "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b")];
    for _ in 0..2 {
        assert_eq!(ana.submit("/checkin", "/checkin", &standalone).await.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(history(&server, "ana").await.history.checkins.len(), 1);
    let broken = ana.submit("/log", "/log", &[("client_id", "x y"), ("exercise_0", "deadlift")]).await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn several_exercises_make_one_session_and_add_exercise_works_without_javascript() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let page = ana.get("/log").await;
    let more = ana
        .post_form("/log", &page.csrf(), &[("exercise_0", "bird_dog"), ("load_0_0", "0"), ("intent", "add_exercise")])
        .await;
    assert_eq!(more.status, StatusCode::OK, "{}", more.body);
    assert!(more.body.contains("name=\"exercise_1\""), "a second exercise: {}", more.body);
    assert!(more.body.contains("name=\"load_0_0\" value=\"0\""), "what was typed stays");
    assert!(history(&server, "ana").await.history.sessions.is_empty(), "adding an exercise saves nothing");

    let fields = [
        ("at", "2026-03-02T06:00"),
        ("exercise_0", "bird_dog"),
        ("load_0_0", "0"),
        ("reps_0_0", "10"),
        ("exercise_1", "good_morning"),
        ("load_1_0", "0"),
        ("reps_1_0", "10"),
    ];
    assert_eq!(ana.post_form("/log", &more.csrf(), &fields).await.status, StatusCode::SEE_OTHER);
    let stored = history(&server, "ana").await;
    assert_eq!(stored.history.sessions.len(), 1, "one session");
    let names: Vec<&str> = stored.history.sessions[0].exercises.iter().map(|e| e.exercise.as_str()).collect();
    assert_eq!(names, ["bird_dog", "good_morning"]);
    let due = ana.get("/").await;
    assert_eq!(due.body.matches("Rate your back 1 hour after").count(), 1, "one check-in button: {}", due.body);
}

#[tokio::test]
async fn a_live_session_is_prefilled_from_the_plan_with_its_block_and_saves_ticked_sets() {
    let server = Server::start_at("2026-03-03T07:00:00Z").await;
    let ana = server.lifter("ana").await;
    let id = id_of(&server, "ana").await;
    let profile = server.store.profile(id).await.unwrap();
    let mut profile = profile;
    profile.profile.working_weight = Some(pullback_core::Load::parse(140.into()).unwrap());
    server.store.set_profile(id, &profile).await.unwrap();
    // Pain 6 during, only at the bottom: an episode at rung 3 (50 % = 70 kg) from a 15 cm
    // block; 3/10 the next day, so today is a training day (not rest).
    let at = [("at", "2026-03-02T06:00"), ("bottom_only", "on")];
    assert_eq!(log(&ana, "140", "6", &at).await.status, StatusCode::SEE_OTHER);
    let session = server.store.sessions(id, None).await.unwrap()[0].id.to_string();
    let next_day = [("session", session.as_str()), ("point", "after_24h"), ("pain", "3")];
    assert_eq!(ana.submit("/checkin", "/checkin", &next_day).await.status, StatusCode::SEE_OTHER);

    let today = ana.get("/").await;
    assert!(today.body.contains("href=\"/session\""), "Today offers to start a session: {}", today.body);
    let live = ana.get("/session").await;
    assert_eq!(live.status, StatusCode::OK);
    let body = &live.body;
    assert!(body.contains("<option value=\"deadlift\" selected>"), "{body}");
    assert!(body.contains("name=\"block_height_0\" value=\"15\""), "the block height comes with the plan: {body}");
    assert_eq!(body.matches("name=\"load_0_").count(), 3, "3 × 5 prescribed: {body}");
    assert!(body.contains("name=\"load_0_2\" value=\"70\"") && body.contains("name=\"reps_0_2\" value=\"5\""));
    assert_eq!(body.matches("data-done").count(), 3, "each set ticks as done");
    assert!(body.contains("name=\"live\" value=\"1\"") && body.contains("data-rest-timer"));

    // Two of the three sets done, then the pain at the end.
    let fields = [
        ("live", "1"),
        ("at", "2026-03-03T06:30"),
        ("exercise_0", "deadlift"),
        ("block_height_0", "15"),
        ("load_0_0", "70"),
        ("reps_0_0", "5"),
        ("done_0_0", "on"),
        ("load_0_1", "72.5"),
        ("reps_0_1", "5"),
        ("done_0_1", "on"),
        ("load_0_2", "70"),
        ("reps_0_2", "5"),
        ("pain_during", "2"),
    ];
    let saved = ana.post_form("/log", &live.csrf(), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let session = history(&server, "ana").await.history.sessions.pop().unwrap();
    let logged = &session.exercises[0];
    assert_eq!(logged.sets.len(), 2, "the unticked set was not done");
    assert_eq!(logged.sets[1].load.to_string(), "72.5", "a load changed in place");
    assert_eq!(logged.block_height.map(|h| h.value().to_string()).as_deref(), Some("15"));
}

#[tokio::test]
async fn changing_a_mis_tapped_pain_rating_ends_the_episode_and_is_audited() {
    let server = Server::start_at("2026-03-02T09:00:00Z").await;
    let ana = server.lifter("ana").await;
    assert_eq!(log(&ana, "100", "8", &[]).await.status, StatusCode::SEE_OTHER);
    let before = ana.get("/").await;
    assert!(before.body.contains("rung 3"), "pain 8 starts an episode: {}", before.body);

    let stored = server.store.sessions(id_of(&server, "ana").await, None).await.unwrap();
    let (session, during) = (stored[0].id, stored[0].checkin_ids[0]);
    let history_page = ana.get("/history").await;
    assert!(history_page.body.contains(&format!("href=\"/history/sessions/{session}\"")), "{}", history_page.body);
    let edit = ana.get(&format!("/history/sessions/{session}")).await;
    assert!(edit.body.contains(&format!("href=\"/history/checkins/{during}\"")), "{}", edit.body);
    assert!(edit.body.contains("during: 8/10 — change"), "{}", edit.body);

    let page = ana.get(&format!("/history/checkins/{during}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("logged as <strong>8/10</strong>."), "{}", page.body);
    assert!(page.body.contains("name=\"pain\" value=\"8\" checked"), "the rating as logged is chosen: {}", page.body);
    let changed = ana.post_form(&format!("/history/checkins/{during}"), &page.csrf(), &[("pain", "3")]).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(changed.location(), Some("/?saved=changed"));
    let after = ana.get("/?saved=changed").await;
    assert!(after.body.contains("Change saved."), "{}", after.body);
    assert!(!after.body.contains("rung 3"), "the episode is gone: {}", after.body);
    assert_eq!(status_of(&after.body), "normal");

    let log = server.store.audit_log(id_of(&server, "ana").await, 10).await.unwrap();
    let entry = log.iter().find(|e| e.action == "checkin_changed").expect("audited");
    assert!(entry.detail.contains("pain 8 → 3"), "{}", entry.detail);
    assert_eq!(entry.actor, "ana");
}

#[tokio::test]
async fn a_session_is_changed_then_deleted_after_asking_once() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    assert_eq!(log(&ana, "100", "1", &[]).await.status, StatusCode::SEE_OTHER);
    let session = server.store.sessions(id_of(&server, "ana").await, None).await.unwrap()[0].id;

    let edit = ana.get(&format!("/history/sessions/{session}")).await;
    assert!(edit.body.contains("name=\"load_0_1\" value=\"100\""), "{}", edit.body);
    let fields = [("at", "2026-03-02T05:00"), ("exercise_0", "deadlift"), ("load_0_0", "110"), ("reps_0_0", "3")];
    let saved = ana.post_form(&format!("/history/sessions/{session}"), &edit.csrf(), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stored = history(&server, "ana").await;
    let changed = &stored.history.sessions[0];
    assert_eq!(changed.at, "2026-03-02T05:00:00Z".parse().unwrap());
    assert_eq!(changed.exercises[0].sets.len(), 1);
    assert_eq!(changed.checkins.len(), 1, "its pain rating stays");

    let ask = ana.get(&format!("/history/sessions/{session}/delete")).await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(
        ask.body.contains("Delete the session of Mon 2 Mar 2026 05:00 (1 set, with its check-in)?"),
        "{}",
        ask.body
    );
    assert_eq!(history(&server, "ana").await.history.sessions.len(), 1, "asking deletes nothing");
    let gone = ana.post_form(&format!("/history/sessions/{session}/delete"), &ask.csrf(), &[]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(gone.location(), Some("/?saved=deleted"));
    let stored = history(&server, "ana").await;
    assert!(stored.history.sessions.is_empty());
    let actions: Vec<String> =
        server.store.audit_log(id_of(&server, "ana").await, 10).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"session_deleted".to_owned()) && actions.contains(&"session_changed".to_owned()));
}

#[tokio::test]
async fn editing_or_deleting_another_lifters_entry_is_not_found() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    assert_eq!(log(&ana, "100", "1", &[]).await.status, StatusCode::SEE_OTHER);
    let entry = &server.store.sessions(id_of(&server, "ana").await, None).await.unwrap()[0];
    let (session, checkin) = (entry.id, entry.checkin_ids[0]);
    let ben = server.lifter("ben").await;
    let csrf = ben.get("/").await.csrf();
    for path in [
        format!("/history/sessions/{session}"),
        format!("/history/sessions/{session}/delete"),
        format!("/history/checkins/{checkin}"),
        format!("/history/checkins/{checkin}/delete"),
    ] {
        assert_eq!(ben.get(&path).await.status, StatusCode::NOT_FOUND, "GET {path}");
        let posted = ben.post_form(&path, &csrf, &[("pain", "0"), ("exercise_0", "deadlift")]).await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    let stored = history(&server, "ana").await;
    assert_eq!(stored.history.sessions.len(), 1);
    assert_eq!(stored.history.sessions[0].checkins[0].pain.value(), 1);
}

#[tokio::test]
async fn the_app_installs_and_has_an_offline_page() {
    let server = Server::start().await;
    let anyone = server.browser();
    let manifest = anyone.get("/manifest.webmanifest").await;
    assert_eq!(manifest.status, StatusCode::OK);
    assert_eq!(manifest.headers["content-type"], "application/manifest+json");
    let json = manifest.json();
    assert_eq!((json["display"].as_str(), json["start_url"].as_str()), (Some("standalone"), Some("/")));
    let worker = anyone.get("/sw.js").await;
    assert_eq!(worker.status, StatusCode::OK);
    assert!(worker.headers["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(worker.body.contains("importScripts(\"/assets/outbox.js\")"));
    assert_eq!(anyone.get("/assets/outbox.js").await.status, StatusCode::OK);
    let offline = anyone.get("/offline").await;
    assert_eq!(offline.status, StatusCode::OK);
    assert!(offline.body.contains("No connection") && offline.body.contains("does not replace a clinician"));
    let ana = server.lifter("ana").await;
    assert!(ana.get("/").await.body.contains("rel=\"manifest\" href=\"/manifest.webmanifest\""));
}
