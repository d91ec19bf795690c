//! The History page: sessions with their check-ins, check-ins of other days,
//! screenings, the charts, and the page's weight.

use crate::Server;
use pullback_core::{
    Exercise, ExerciseId, ExerciseLog, Load, Note, Pain, Point, RedFlags, Reps, SessionCheckin, Set, Units,
};
use pullback_store::{At, NewCheckin, NewScreening, NewSession, SessionId, Store, StoredProfile, UserId};
use reqwest::StatusCode;

pub async fn user_id(server: &Server, name: &str) -> UserId {
    server.store.user_by_name(name).await.unwrap().id
}

pub fn sets(exercise: Exercise, load: i64, reps: i64, count: usize, warmup: bool) -> ExerciseLog {
    let set = Set {
        load: Load::parse(load.into()).unwrap(),
        reps: Reps::parse(reps).unwrap(),
        rpe: None,
        warmup,
        note: None,
    };
    ExerciseLog {
        exercise: ExerciseId::Known(exercise),
        tempo: None,
        block_height: None,
        sets: vec![set; count],
        note: None,
    }
}

/// `log` with a warm-up set of `load`×5 first.
pub fn with_warmup(mut log: ExerciseLog, load: i64) -> ExerciseLog {
    let warmup = Set {
        load: Load::parse(load.into()).unwrap(),
        reps: Reps::parse(5).unwrap(),
        rpe: None,
        warmup: true,
        note: None,
    };
    log.sets.insert(0, warmup);
    log
}

pub fn rated(point: Point, pain: i64) -> SessionCheckin {
    SessionCheckin { point, pain: Pain::parse(pain).unwrap(), at: None, side: None, bottom_only: false }
}

/// Logs a session at `at` (RFC 3339) with a deadlift of `load`×5×3 and the given ratings.
pub async fn log_deadlift(server: &Server, user: UserId, at: &str, load: i64, ratings: &[(Point, i64)]) -> SessionId {
    let session = NewSession {
        at: at.parse().unwrap(),
        external_id: None,
        exercises: vec![with_warmup(sets(Exercise::Deadlift, load, 5, 3, false), 60)],
        checkins: ratings.iter().map(|(point, pain)| rated(*point, *pain)).collect(),
        note: None,
    };
    server.store.add_session(user, &session).await.unwrap()
}

#[tokio::test]
async fn history_lists_sessions_check_ins_and_screenings_in_the_lifters_zone_with_charts() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let user = user_id(&server, "ana").await;
    let profile = StoredProfile::new(Units::Kg).with_time_zone("Europe/Oslo").unwrap();
    server.store.set_profile(user, &profile).await.unwrap();
    log_deadlift(&server, user, "2025-11-20T17:00:00Z", 90, &[(Point::During, 1)]).await;
    log_deadlift(&server, user, "2026-02-20T17:00:00Z", 100, &[(Point::During, 2), (Point::After24h, 1)]).await;
    // A flare: during above the tolerable maximum starts an episode at rung 3.
    log_deadlift(&server, user, "2026-02-27T17:00:00Z", 110, &[(Point::During, 7)]).await;
    let today: At = "2026-03-01T09:00:00Z".parse().unwrap();
    server.store.add_checkin(user, &NewCheckin::standalone(Pain::parse(4).unwrap(), today)).await.unwrap();
    let answers = RedFlags { fever: true, ..RedFlags::default() };
    server.store.add_screening(user, &NewScreening { at: today, answers }).await.unwrap();

    let page = ana.get("/history").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("aria-current=\"page\">History"), "the History tab is marked");
    assert!(body.contains("Fri 27 Feb 2026, 18:00"), "session time in Oslo time:\n{body}");
    assert!(body.contains("Deadlift 110×5×3 kg · warm-up 60×5 kg"), "{body}");
    assert!(body.contains("Pain (0–10): during <strong>2</strong> · 24 h after <strong>1</strong>"), "{body}");
    assert!(body.contains("pain <strong>4/10</strong>"), "the standalone check-in: {body}");
    assert!(body.contains("red-flag") && body.contains("fever or feeling unwell"), "{body}");
    assert!(!body.contains("Thu 20 Nov 2025"), "older than 60 days: only with ?all=1");
    assert!(body.contains("href=\"/history?all=1\""));
    assert_eq!(body.matches("<svg role=\"img\"").count(), 3, "three charts: {body}");
    for title in ["Top set of your deadlifts", "Pain over time", "Where you stand on the ladder"] {
        assert!(body.contains(&format!("<title>{title}</title>")), "{title}");
    }
    assert!(body.contains("role=\"img\" aria-describedby=\"chart-pain-summary\""));
    assert!(body.contains("Load (kg)") && body.contains("Pain (0–10)") && body.contains(">normal<"), "axis labels");
    assert!(body.contains("Deadlift: 100 kg on 20 Feb to 110 kg on 27 Feb"), "top-set summary: {body}");
    assert!(body.contains("rung 3 of 0–11"), "the flare entered an episode at rung 3: {body}");
    assert!(body.contains("1 episode started"), "{body}");
    assert!(body.contains("does not replace a clinician"), "the disclaimer");

    let all = ana.get("/history?all=1").await;
    assert!(all.body.contains("Thu 20 Nov 2025, 18:00"), "{}", all.body);
    assert!(all.body.contains("3 sessions"));
}

#[tokio::test]
async fn history_shows_the_notes_of_a_session_its_exercises_and_sets() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let user = user_id(&server, "ana").await;
    let note = |text: &str| Some(Note::parse(text).unwrap());
    let mut deadlift = sets(Exercise::Deadlift, 140, 3, 2, false);
    deadlift.note = note("hook grip from the first set");
    deadlift.sets[1].note = note("felt heavy <but> no pain");
    let session = NewSession {
        at: "2026-02-27T17:00:00Z".parse().unwrap(),
        external_id: Some("fitnotes 2026-02-27".into()),
        exercises: vec![deadlift],
        checkins: vec![],
        note: note("Garage gym\nshort on time"),
    };
    server.store.add_session(user, &session).await.unwrap();
    let body = ana.get("/history").await.body;
    assert!(body.contains("<p class=\"note\">Note: Garage gym\nshort on time</p>"), "{body}");
    assert!(body.contains("<p class=\"note\">hook grip from the first set</p>"), "{body}");
    assert!(body.contains("<p class=\"note\">Set 2: felt heavy &lt;but&gt; no pain</p>"), "escaped: {body}");
}

#[tokio::test]
async fn an_empty_history_says_so_and_draws_nothing() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let page = ana.get("/history").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<svg role=\"img\""), "nothing to chart");
    assert!(page.body.contains("No sessions in this period."));
    assert!(page.body.contains("No check-ins in the last 90 days."));
    assert!(page.body.contains("the ladder starts with your first session"));
}

/// About three sessions a week for a year, each with warm-ups, work sets of two
/// lifts and three check-ins; a check-in on another day and a screening each week.
async fn a_year_of_training(server: &Server, user: UserId) -> usize {
    let start: jiff::Timestamp = "2025-03-02T17:00:00Z".parse().unwrap();
    let mut logged = 0;
    for day in (0..360).filter(|d| d % 7 == 0 || d % 7 == 2 || d % 7 == 4) {
        let at = start + jiff::SignedDuration::from_hours(24 * day);
        let load = 100 + (day % 60) / 2;
        // Every fifth week has a flare, so the ladder moves.
        let during = if day % 35 == 2 { 7 } else { 2 };
        let session = NewSession {
            at: At::utc(at),
            external_id: None,
            exercises: vec![
                with_warmup(sets(Exercise::Deadlift, load, 5, 3, false), 60),
                sets(Exercise::RomanianDeadlift, 70, 8, 3, false),
            ],
            checkins: vec![rated(Point::During, during), rated(Point::After1h, 2), rated(Point::After24h, 1)],
            note: None,
        };
        server.store.add_session(user, &session).await.unwrap();
        logged += 1;
        if day % 7 == 4 {
            let later = At::utc(at + jiff::SignedDuration::from_hours(48));
            server.store.add_checkin(user, &NewCheckin::standalone(Pain::parse(2).unwrap(), later)).await.unwrap();
            server.store.add_screening(user, &NewScreening { at: later, answers: RedFlags::default() }).await.unwrap();
        }
    }
    logged
}

#[tokio::test]
async fn the_history_page_of_a_year_of_training_weighs_under_50_kb() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let user = user_id(&server, "ana").await;
    let sessions = a_year_of_training(&server, user).await;
    assert!(sessions > 150, "{sessions} sessions");
    let page = ana.get("/history").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("<svg role=\"img\"").count(), 3);
    let bytes = page.body.len();
    eprintln!("History page, a year of {sessions} sessions: {bytes} bytes");
    assert!(bytes < 50_000, "the page weighs {bytes} bytes");
}
