//! Issue 14.8: a Hevy export lists the newest workout first; read in time order
//! from a file that can be sought in, the oldest comes first, so a log's session
//! ids run forwards.

use crate::{fixture, options};
use pullback_import::{ParsedSession, Units, read, read_each, read_each_in_time_order};
use std::io::Cursor;

fn starts(sessions: &[ParsedSession]) -> Vec<String> {
    sessions.iter().map(|s| s.at.date().to_string()).collect()
}

#[test]
fn a_newest_first_export_is_handed_on_oldest_first_with_the_same_sets_keys_and_report() {
    let text = fixture("hevy_notes.csv");
    let options = options(Units::Kg, "UTC");
    let mut file_order = Vec::new();
    read_each(text.as_bytes(), &options, |s| {
        file_order.push(s);
        Ok(())
    })
    .unwrap();
    assert_eq!(starts(&file_order), ["2026-01-14", "2026-01-10", "2026-01-07"], "the file: newest first");

    let mut in_order = Vec::new();
    let (_, report) = read_each_in_time_order(Cursor::new(text.as_bytes()), &options, |s| {
        in_order.push(s);
        Ok(())
    })
    .unwrap();
    assert_eq!(starts(&in_order), ["2026-01-07", "2026-01-10", "2026-01-14"]);
    let whole = read(text.as_bytes(), &options).unwrap();
    assert_eq!(in_order, whole.sessions, "the same workouts, sets, keys and notes as a whole read");
    assert_eq!(report, whole.report);
}

#[test]
fn parts_of_a_scattered_workout_come_together_and_errors_come_before_any_workout() {
    let header =
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n";
    let text = format!(
        "{header}2025-01-03 18:00:00,C,1h,Deadlift (Barbell),1,100,5,0,0,,,\n\
         2025-01-01 18:00:00,A,1h,Deadlift (Barbell),1,90,5,0,0,,,\n\
         2025-01-03 18:00:00,C,1h,Good Morning,1,40,8,0,0,,,\n\
         2025-01-02 18:00:00,B,1h,Deadlift (Barbell),1,95,5,0,0,,,\n"
    );
    let mut seen = Vec::new();
    read_each_in_time_order(Cursor::new(text.as_bytes()), &options(Units::Kg, "UTC"), |s| {
        seen.push((s.id.clone(), s.exercises.len()));
        Ok(())
    })
    .unwrap();
    let ids: Vec<&str> = seen.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "strong 2025-01-01T18:00:00 A",
            "strong 2025-01-02T18:00:00 B",
            "strong 2025-01-03T18:00:00 C",
            "strong 2025-01-03T18:00:00 C"
        ]
    );

    let bad = format!("{text}2025-01-04 18:00:00,D,1h,Deadlift (Barbell),1,heavy,5,0,0,,,\n");
    let mut calls = 0;
    let result = read_each_in_time_order(Cursor::new(bad.as_bytes()), &options(Units::Kg, "UTC"), |_| {
        calls += 1;
        Ok(())
    });
    assert!(result.is_err());
    assert_eq!(calls, 0, "the whole file is checked before any workout is handed on");
}
