//! Issue 14.5: rows of timed or cardio exercises, empty ones included, are
//! skipped and counted, never bad rows.

use crate::{counts, fixture, options, render};
use pullback_import::{Units, read};

#[test]
fn an_empty_timed_row_does_not_block_the_file() {
    // `2017-08-10,Side Plank,Abs,,,0.0,kg,0:00:00`: no weight, no reps, no time.
    let parsed = read(fixture("fitnotes_timed.csv").as_bytes(), &options(Units::Kg, "UTC")).unwrap();
    assert_eq!(parsed.report.skipped, counts(&[("timed or cardio", 3)]));
    assert!(parsed.report.bad_rows.is_empty());
    assert_eq!(parsed.report.sets, 3);
    let lines = render(&parsed);
    assert!(lines.contains("deadlift: 120x5 120x5") && lines.contains("romanian_deadlift: 80x8"), "{lines}");
    assert!(!lines.contains("Side Plank"), "{lines}");
}

#[test]
fn hevy_and_strong_timed_rows_are_skipped_too() {
    // Hevy: a plank of 0 seconds, no weight, no reps.
    let hevy = read(fixture("hevy_notes.csv").as_bytes(), &options(Units::Kg, "UTC")).unwrap();
    assert_eq!(hevy.report.skipped, counts(&[("timed or cardio", 1)]));
    // Strong: 0 kg × 0 with 0 seconds, an empty timed row; a weighted set without
    // reps is still a bad row.
    let strong =
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE
2025-01-01 10:00:00,A,1h,Plank,1,0,0,0,0,,,
2025-01-01 10:00:00,A,1h,Deadlift (Barbell),1,100,5,0,0,,,
2025-01-01 10:00:00,A,1h,Deadlift (Barbell),2,100,,0,0,,,
";
    let err = read(strong.as_bytes(), &options(Units::Kg, "UTC")).unwrap_err();
    assert!(err.to_string().contains("line 4, column \"Reps\": the reps are empty"), "{err}");
}
