//! The lifter's logging pages: log a session, check in, the red-flag screening and
//! the symmetry test, through the real server.

use crate::{Browser, Server};
use pullback_core::{Exercise, ExerciseId, Point, Side};
use pullback_store::{Store, StoredHistory, User};
use reqwest::StatusCode;

async fn user(server: &Server, name: &str) -> User {
    server.store.user_by_name(name).await.unwrap()
}

async fn history(server: &Server, name: &str) -> StoredHistory {
    server.store.history(user(server, name).await.id).await.unwrap()
}

/// Logs a deadlift session of three sets at `load` on 2 March at `time` (UTC), `extra` fields added.
async fn log(browser: &Browser, time: &str, load: &str, extra: &[(&str, &str)]) -> crate::Answer {
    let at = format!("2026-03-02T{time}");
    let mut fields = vec![
        ("at", at.as_str()),
        ("exercise_0", "deadlift"),
        ("load_0_0", "60"),
        ("reps_0_0", "5"),
        ("warmup_0_0", "on"),
        ("load_0_1", load),
        ("reps_0_1", "5"),
        ("rpe_0_1", "7.5"),
        ("load_0_2", load),
        ("reps_0_2", "5"),
    ];
    fields.extend_from_slice(extra);
    browser.submit("/log", "/log", &fields).await
}

#[tokio::test]
async fn a_logged_session_is_stored_with_its_sets_tempo_and_block() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let saved = log(&ana, "06:00", "100", &[("tempo_0", "3-1-3"), ("block_height_0", "10")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), Some("/?saved=session"));
    assert!(ana.get("/?saved=session").await.body.contains("Session saved."), "Today says what was saved");

    let stored = history(&server, "ana").await;
    assert_eq!(stored.history.sessions.len(), 1);
    let session = &stored.history.sessions[0];
    assert_eq!(session.at, "2026-03-02T06:00:00Z".parse().unwrap());
    let exercise = &session.exercises[0];
    assert_eq!(exercise.exercise, ExerciseId::Known(Exercise::Deadlift));
    assert_eq!(exercise.tempo.map(|t| t.to_string()).as_deref(), Some("3-1-3"));
    assert_eq!(exercise.block_height.map(|b| b.value().to_string()).as_deref(), Some("10"));
    let sets: Vec<(String, u32, bool)> =
        exercise.sets.iter().map(|s| (s.load.to_string(), s.reps.value(), s.warmup)).collect();
    assert_eq!(sets, [("60".into(), 5, true), ("100".into(), 5, false), ("100".into(), 5, false)]);
    assert_eq!(exercise.sets[1].rpe.map(|r| r.value().to_string()).as_deref(), Some("7.5"));
    assert!(session.checkins.is_empty(), "no pain was rated");
}

#[tokio::test]
async fn the_log_form_has_the_fields_and_prefills_the_last_set() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let empty = ana.get("/log").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("value=\"2026-03-02T07:00\""), "the time defaults to now:\n{}", empty.body);
    assert!(empty.body.contains("<option value=\"deadlift\" selected>Deadlift</option>"), "{}", empty.body);
    assert_eq!(empty.body.matches("data-set-row").count(), 5, "five rows without JavaScript");
    assert!(empty.body.contains("id=\"sets_0\"") && empty.body.contains("data-add-set=\"sets_0\""));
    assert!(empty.body.contains("name=\"load_0_4\"") && !empty.body.contains("name=\"load_0_5\""));
    assert_eq!(empty.body.matches("name=\"pain_during\"").count(), 12, "0 to 10 and not rated");
    assert!(!empty.body.contains("name=\"load_0_0\" value=\"1"), "nothing to prefill yet");
    assert!(empty.body.contains("name=\"client_id\""), "a client id makes a repeated save harmless");

    log(&ana, "06:00", "102.5", &[]).await;
    let again = ana.get("/log").await;
    assert!(again.body.contains("name=\"load_0_0\" value=\"102.5\""), "{}", again.body);
    assert!(again.body.contains("name=\"reps_0_0\" value=\"5\""), "{}", again.body);
}

#[tokio::test]
async fn the_pain_during_is_stored_with_bottom_only() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let saved = log(&ana, "06:30", "100", &[("pain_during", "4"), ("bottom_only", "on")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stored = history(&server, "ana").await;
    let checkins = &stored.history.sessions[0].checkins;
    assert_eq!(checkins.len(), 1);
    assert_eq!(checkins[0].point, Point::During);
    assert_eq!(checkins[0].pain.value(), 4);
    assert!(checkins[0].bottom_only);
}

#[tokio::test]
async fn a_bad_set_row_is_refused_naming_the_set_and_stores_nothing() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let refused = ana
        .submit(
            "/log",
            "/log",
            &[
                ("at", "2026-03-02T06:00"),
                ("exercise_0", "deadlift"),
                ("load_0_0", "140"),
                ("reps_0_0", "5"),
                ("load_0_1", "140"),
                ("reps_0_1", "five"),
                ("load_0_2", "140"),
                ("tempo_0", "31"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Set 2: reps must be a whole number from 0 to 10000."), "{}", refused.body);
    assert!(refused.body.contains("Set 3: enter the reps too"), "{}", refused.body);
    assert!(refused.body.contains("Exercise, tempo: write three digits"), "{}", refused.body);
    assert!(refused.body.contains("name=\"reps_0_1\" value=\"five\""), "the values come back as typed");
    assert!(refused.body.contains("name=\"tempo_0\" value=\"31\""));
    assert!(history(&server, "ana").await.history.sessions.is_empty());
}

#[tokio::test]
async fn a_session_with_no_sets_is_refused() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let refused = ana.submit("/log", "/log", &[("at", "2026-03-02T06:00"), ("exercise_0", "deadlift")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Sets: enter at least one set"), "{}", refused.body);
    assert!(history(&server, "ana").await.history.sessions.is_empty());
}

#[tokio::test]
async fn a_time_after_now_is_refused() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let refused = log(&ana, "07:01", "100", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("When: Mon 2 Mar 07:01 is in the future"), "{}", refused.body);
    assert!(history(&server, "ana").await.history.sessions.is_empty());
}

#[tokio::test]
async fn the_time_is_read_in_the_lifters_time_zone() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let id = user(&server, "ana").await.id;
    let profile = server.store.profile(id).await.unwrap().with_time_zone("Europe/Oslo").unwrap();
    server.store.set_profile(id, &profile).await.unwrap();
    assert!(ana.get("/log").await.body.contains("value=\"2026-03-02T08:00\""), "now in Oslo is 08:00");

    // 07:30 in Oslo is 06:30 UTC, before now; 08:30 in Oslo is after now.
    assert_eq!(log(&ana, "08:30", "100", &[]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(log(&ana, "07:30", "100", &[]).await.status, StatusCode::SEE_OTHER);
    let stored = history(&server, "ana").await;
    assert_eq!(stored.history.sessions[0].at, "2026-03-02T06:30:00Z".parse().unwrap());
    assert_eq!(stored.session_offsets[0].seconds(), 3600);
}

#[tokio::test]
async fn a_check_in_of_your_own_session_is_stored() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    log(&ana, "05:30", "100", &[]).await;
    let session = server.store.sessions(user(&server, "ana").await.id, None).await.unwrap()[0].id;

    let path = format!("/checkin?session={session}&point=after_1h");
    let page = ana.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("How is your back 1 hour after your session of Mon 2 Mar?"), "{}", page.body);
    assert!(page.body.contains("href=\"/screening\""));
    let pain_options = page.body.matches("type=\"radio\" name=\"pain\"").count();
    assert_eq!(pain_options, 11, "0 to 10");

    let session_text = session.to_string();
    let saved = ana
        .post_form(
            "/checkin",
            &page.csrf(),
            &[("session", &session_text), ("point", "after_1h"), ("pain", "3"), ("side", "left")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), Some("/?saved=checkin"));
    assert!(ana.get("/?saved=checkin").await.body.contains("Check-in saved."));
    let checkins = &history(&server, "ana").await.history.sessions[0].checkins;
    assert_eq!(checkins.len(), 1);
    assert_eq!((checkins[0].point, checkins[0].pain.value(), checkins[0].side), (Point::After1h, 3, Some(Side::Left)));
    assert_eq!(checkins[0].at, Some("2026-03-02T07:00:00Z".parse().unwrap()), "taken now");
}

#[tokio::test]
async fn a_standalone_check_in_is_stored() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let page = ana.get("/checkin").await;
    assert!(page.body.contains("How is your back today?"), "{}", page.body);
    let saved = ana.post_form("/checkin", &page.csrf(), &[("pain", "6"), ("side", "")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stored = history(&server, "ana").await;
    assert_eq!(stored.history.checkins.len(), 1);
    assert_eq!(stored.history.checkins[0].pain.value(), 6);
    assert_eq!(stored.history.checkins[0].side, None);
    assert_eq!(stored.history.checkins[0].at, "2026-03-02T07:00:00Z".parse().unwrap());
}

#[tokio::test]
async fn a_check_in_without_a_pain_rating_is_refused_naming_pain() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    for pain in ["", "11", "lots"] {
        let refused = ana.submit("/checkin", "/checkin", &[("pain", pain)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "pain {pain:?}");
        assert!(refused.body.contains("Pain: choose a number from 0"), "{}", refused.body);
    }
    assert!(history(&server, "ana").await.history.checkins.is_empty());
}

#[tokio::test]
async fn the_check_in_page_links_the_check_ins_that_are_due() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    log(&ana, "05:30", "100", &[]).await;
    let session = server.store.sessions(user(&server, "ana").await.id, None).await.unwrap()[0].id;
    let page = ana.get("/checkin").await;
    let link = format!("href=\"/checkin?session={session}&amp;point=after_1h\"");
    assert!(page.body.contains(&link), "the 1 h check-in is due:\n{}", page.body);
    // What is due comes first; the standalone rating comes after it.
    let due_at = page.body.find(&link).unwrap();
    let standalone_at = page.body.find("How is your back today?").expect("the standalone form is there too");
    assert!(due_at < standalone_at, "the due check-in comes first:\n{}", page.body);
    assert!(page.body.contains("<h1>Check-ins due</h1>"), "{}", page.body);
    let on_its_page = ana.get(&format!("/checkin?session={session}&point=after_1h")).await;
    assert!(!on_its_page.body.contains(&link), "not linked from its own page");
}

#[tokio::test]
async fn a_check_in_of_another_lifters_session_is_not_found_and_stores_nothing() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    log(&ana, "05:30", "100", &[]).await;
    let anas = server.store.sessions(user(&server, "ana").await.id, None).await.unwrap()[0].id.to_string();
    let ben = server.lifter("ben").await;

    let page = ben.get(&format!("/checkin?session={anas}&point=after_1h")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let refused = ben.submit("/checkin", "/checkin", &[("session", &anas), ("point", "after_1h"), ("pain", "2")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(history(&server, "ana").await.history.sessions[0].checkins.is_empty());
    assert!(history(&server, "ben").await.history.checkins.is_empty());
}

#[tokio::test]
async fn a_screening_with_a_bladder_or_bowel_problem_makes_today_say_urgent_care() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let page = ana.get("/screening").await;
    assert_eq!(page.status, StatusCode::OK);
    for id in [
        "saddle_anesthesia",
        "bladder_bowel",
        "progressive_weakness",
        "fever",
        "trauma",
        "cancer_history",
        "weight_loss",
        "night_pain",
    ] {
        assert!(page.body.contains(&format!("type=\"checkbox\" name=\"{id}\" value=\"yes\"")), "{id}");
    }
    assert!(!ana.get("/").await.body.contains("data-action=\"urgent_care\""));
    let saved = ana.post_form("/screening", &page.csrf(), &[("bladder_bowel", "yes")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), Some("/?saved=screening"));

    let stored = history(&server, "ana").await;
    assert_eq!(stored.history.screenings.len(), 1);
    let answers = stored.history.screenings[0].answers;
    assert!(answers.bladder_bowel && !answers.fever && !answers.saddle_anesthesia);
    let today = ana.get("/").await;
    assert!(today.body.contains("data-action=\"urgent_care\""), "{}", today.body);
}

#[tokio::test]
async fn a_screening_answer_that_is_not_yes_is_refused() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let refused = ana.submit("/screening", "/screening", &[("fever", "maybe")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Do you have a fever"), "{}", refused.body);
    assert!(history(&server, "ana").await.history.screenings.is_empty());
}

#[tokio::test]
async fn a_symmetry_test_is_stored_and_a_bad_side_is_named() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let refused = ana.submit("/symmetry", "/symmetry", &[("left", "310"), ("right", "0")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Right: enter a number above 0"), "{}", refused.body);
    assert!(!refused.body.contains("Left: enter"), "{}", refused.body);
    let saved = ana.submit("/symmetry", "/symmetry", &[("left", "310"), ("right", "265")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let tests = history(&server, "ana").await.history.symmetry_tests;
    assert_eq!(tests.len(), 1);
    assert_eq!((tests[0].left.value().to_string(), tests[0].right.value().to_string()), ("310".into(), "265".into()));
}

#[tokio::test]
async fn every_logging_page_shows_the_disclaimer_and_today_links_the_screening() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    for path in ["/log", "/checkin", "/screening", "/symmetry"] {
        let page = ana.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains("does not replace a clinician"), "{path}:\n{}", page.body);
    }
    assert!(ana.get("/").await.body.contains("href=\"/screening\""));
}

#[tokio::test]
async fn the_logging_pages_send_a_stranger_to_log_in() {
    let server = Server::start().await;
    let stranger = server.browser();
    for path in ["/log", "/checkin", "/checkin?session=1&point=after_1h", "/screening", "/symmetry"] {
        let answer = stranger.get(path).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(answer.location(), Some("/login"), "{path}");
    }
}
