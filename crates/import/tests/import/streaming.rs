//! `read_each`: workouts handed on one by one, in file order, with the same sets
//! and keys as `read`.

use crate::{fixture, options};
use pullback_import::{ImportError, ParsedSession, Units, read, read_each};

const HEADER: &str =
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n";

fn each(text: &str) -> (Vec<ParsedSession>, pullback_import::Report) {
    let mut sessions = Vec::new();
    let (_, report) = read_each(text.as_bytes(), &options(Units::Kg, "UTC"), |s| {
        sessions.push(s);
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    (sessions, report)
}

#[test]
fn every_fixture_gives_the_same_sets_and_keys_one_workout_at_a_time() {
    for name in ["strong_comma.csv", "strong_semicolon.csv", "strong_quoted.csv", "hevy_imperial.csv", "fitnotes.csv"] {
        let text = fixture(name);
        let whole = read(text.as_bytes(), &options(Units::Kg, "UTC")).unwrap();
        let (mut parts, report) = each(&text);
        parts.sort_by_key(|s| s.at.timestamp());
        assert_eq!(parts, whole.sessions, "{name}");
        assert_eq!(report, whole.report, "{name}");
    }
}

#[test]
fn a_workout_is_handed_on_when_the_next_one_starts() {
    let text = format!(
        "{HEADER}2025-01-02 18:00:00,B,1h,Deadlift (Barbell),1,100,5,0,0,,,\n\
         2025-01-01 18:00:00,A,1h,Deadlift (Barbell),1,90,5,0,0,,,\n\
         2025-01-01 18:00:00,A,1h,Deadlift (Barbell),2,95,5,0,0,,,\n"
    );
    let mut seen = Vec::new();
    let mut rows_when_handed_on = Vec::new();
    read_each(text.as_bytes(), &options(Units::Kg, "Europe/Berlin"), |s| {
        rows_when_handed_on.push(s.exercises[0].sets.len());
        seen.push(s.id);
        Ok(())
    })
    .unwrap();
    // File order, not time order: B is complete once A's first row arrives. The id
    // has the app, the start as written (not moved to the time zone) and the title.
    assert_eq!(seen, ["strong 2025-01-02T18:00:00 B", "strong 2025-01-01T18:00:00 A"]);
    assert_eq!(rows_when_handed_on, [1, 2]);
}

#[test]
fn a_scattered_workout_arrives_in_parts_that_read_joins() {
    let text = format!(
        "{HEADER}2025-01-01 18:00:00,A,1h,Deadlift (Barbell),1,90,5,0,0,,,\n\
         2025-01-02 18:00:00,B,1h,Deadlift (Barbell),1,100,5,0,0,,,\n\
         2025-01-01 18:00:00,A,1h,Good Morning,1,40,8,0,0,,,\n"
    );
    let (parts, report) = each(&text);
    assert_eq!(parts.len(), 3);
    assert_eq!(report.sessions, 2, "two workouts, whatever the parts");
    assert_eq!(report.sets, 3);
    let whole = read(text.as_bytes(), &options(Units::Kg, "UTC")).unwrap();
    assert_eq!(whole.sessions.len(), 2);
    assert_eq!(whole.sessions[0].exercises.len(), 2, "A's parts joined: deadlift then good morning");
    assert_eq!(whole.sessions[0].keys.len(), 2);
}

#[test]
fn an_error_from_the_sink_stops_the_read() {
    let text = format!(
        "{HEADER}2025-01-01 18:00:00,A,1h,Deadlift (Barbell),1,90,5,0,0,,,\n\
         2025-01-02 18:00:00,B,1h,Deadlift (Barbell),1,100,5,0,0,,,\n\
         2025-01-03 18:00:00,C,1h,Deadlift (Barbell),1,100,5,0,0,,,\n"
    );
    let mut calls = 0;
    let result = read_each(text.as_bytes(), &options(Units::Kg, "UTC"), |_| {
        calls += 1;
        Err(ImportError::Stopped("enough".into()))
    });
    assert!(matches!(result, Err(ImportError::Stopped(m)) if m == "enough"));
    assert_eq!(calls, 1);
}

#[test]
fn bad_rows_are_reported_after_the_good_workouts_were_handed_on() {
    let text = format!(
        "{HEADER}2025-01-01 18:00:00,A,1h,Deadlift (Barbell),1,90,5,0,0,,,\n\
         2025-01-02 18:00:00,B,1h,Deadlift (Barbell),1,heavy,5,0,0,,,\n\
         2025-01-03 18:00:00,C,1h,Deadlift (Barbell),1,100,5,0,0,,,\n"
    );
    let mut handed_on = 0;
    let result = read_each(text.as_bytes(), &options(Units::Kg, "UTC"), |_| {
        handed_on += 1;
        Ok(())
    });
    assert_eq!(handed_on, 1, "A was handed on before the end: the caller must undo what it stored");
    assert!(matches!(result, Err(ImportError::BadRows { total: 1, .. })));
}
