//! Each dialect from its fixture: sessions, sets, loads, warm-ups, the report.

use crate::{check, counts, names, options, read_fixture, render, unmapped};
use pullback_import::{Format, Note, NotesKept, Units, UnitsRead, read};

#[test]
fn strong_comma_in_the_users_unit() {
    let parsed = check(
        "strong_comma.csv",
        &options(Units::Lb, "America/New_York"),
        r#"
        2025-11-03T07:15:02-05:00[America/New_York] "Pull A" 62min
          deadlift: w135x5 w225x3 315x5@7 315x5@8 315x5@8.5
          romanian_deadlift: 185x8 185x8
          "Squat (Barbell)": 225x5 225x5
        2025-11-06T18:40:11-05:00[America/New_York] "Push" 56min
          "Bench Press (Barbell)": w95x10 185x5@8 185x5@9 135x8 135x4@10
        2025-11-10T07:05:45-05:00[America/New_York] "Pull B" 48min
          sumo_deadlift: w135x5 275x5 275x5
          good_morning: 95x10
          bird_dog: 0x10
        "#,
    );
    assert_eq!(parsed.format, Format::StrongComma);
    let report = &parsed.report;
    assert_eq!((report.rows, report.sets, report.sessions), (26, 19, 3));
    assert_eq!(report.first.as_ref().map(|z| z.date().to_string()), Some("2025-11-03".into()));
    assert_eq!(report.last.as_ref().map(|z| z.date().to_string()), Some("2025-11-10".into()));
    assert_eq!(report.skipped, counts(&[("rest timer", 4), ("timed or cardio", 2)]));
    // The workout's notes, the Note row (the deadlift's note) and a set's note are kept.
    assert_eq!(report.notes, NotesKept { sessions: 1, exercises: 1, sets: 1 });
    let pull = &parsed.sessions[0];
    assert_eq!(pull.note.as_ref().map(Note::as_str), Some("Back felt fine, no pain"));
    assert_eq!(pull.exercises[0].note.as_ref().map(Note::as_str), Some("Use straps next time"));
    assert_eq!(pull.exercises[0].sets[4].note.as_ref().map(Note::as_str), Some("Grip slipping"));
    assert_eq!(report.units, UnitsRead::Given(Units::Lb));
    assert_eq!(
        report.mapped,
        names(&[
            ("Bird Dog", "bird_dog"),
            ("Deadlift (Barbell)", "deadlift"),
            ("Good Morning (Barbell)", "good_morning"),
            ("Romanian Deadlift (Barbell)", "romanian_deadlift"),
            ("Sumo Deadlift (Barbell)", "sumo_deadlift"),
        ])
    );
    assert_eq!(report.unmapped, unmapped(&[("Bench Press (Barbell)", 5), ("Squat (Barbell)", 2)]));
    assert!(report.bad_rows.is_empty());
}

#[test]
fn strong_semicolon_with_decimal_commas_and_a_unit_per_row() {
    let parsed = check(
        "strong_semicolon.csv",
        &options(Units::Kg, "Europe/Berlin"),
        r#"
        2025-12-01T18:02:37+01:00[Europe/Berlin] "Deadlift day" 65min
          deadlift: w60x5 w100x3 142.5x3@8.5 142.5x3@9
          trap_bar_deadlift: 160x5
          kettlebell_sumo_deadlift: 24.04039561x10 24.04039561x10
        2025-12-04T07:30:00+01:00[Europe/Berlin] "Oberkörper" 45min
          "Bench Press (Barbell)": 82.5x5
          "Squat (Barbell)": 120x5@8
        "#,
    );
    assert_eq!(parsed.format, Format::StrongSemicolon);
    let report = &parsed.report;
    assert_eq!((report.rows, report.sets, report.sessions), (12, 9, 2));
    assert_eq!(report.skipped, counts(&[("rest timer", 1), ("timed or cardio", 1)]));
    assert_eq!(report.notes, NotesKept { sessions: 0, exercises: 1, sets: 0 }, "Schulter ok");
    assert_eq!(report.units, UnitsRead::Column { column: "Weight Unit".into(), kg: 7, lb: 2 });
    assert_eq!(report.unmapped, unmapped(&[("Bench Press (Barbell)", 1), ("Squat (Barbell)", 1)]));
    assert_eq!(report.mapped.len(), 3);

    // A pound user: kilograms are converted, the pound rows are kept as they are.
    let pounds = read_fixture("strong_semicolon.csv", &options(Units::Lb, "Europe/Berlin"));
    let lines = render(&pounds);
    assert!(lines.contains("deadlift: w132.277357x5 w220.462262x3 314.158724x3@8.5 314.158724x3@9"), "{lines}");
    assert!(lines.contains("kettlebell_sumo_deadlift: 53x10 53x10"), "{lines}");
}

#[test]
fn strong_quoted_in_kilograms_for_a_pound_user() {
    let parsed = check(
        "strong_quoted.csv",
        &options(Units::Lb, "America/Chicago"),
        r#"
        2025-10-20T17:45:10-05:00[America/Chicago] "Hinge" 56min
          deadlift: w132.277357x5 220.462262x5@7.5 225.973819x5@8
          romanian_deadlift: 49.604009x10
          jefferson_curl: 22.046226x8
        2025-10-23T06:55:00-05:00[America/Chicago] "Legs" 45min
          trap_bar_deadlift: 308.647167x5
          "Leg Press": 440.924524x10
        "#,
    );
    assert_eq!(parsed.format, Format::StrongQuoted);
    let report = &parsed.report;
    assert_eq!((report.rows, report.sets, report.sessions), (9, 7, 2));
    assert_eq!(report.skipped, counts(&[("rest timer", 1)]));
    assert_eq!(report.units, UnitsRead::Named { unit: Units::Kg, column: "Weight (kg)".into() });
    let curl = &parsed.sessions[0].exercises[2];
    assert_eq!(curl.note.as_ref().map(Note::as_str), Some("slow; light"), "the Note row is the exercise's");
    assert_eq!(report.mapped.get("Romanian Deadlift (Dumbbell)").map(String::as_str), Some("romanian_deadlift"));
    assert_eq!(report.mapped.get("Hex Bar Deadlift").map(String::as_str), Some("trap_bar_deadlift"));
    assert_eq!(report.unmapped, unmapped(&[("Leg Press", 1)]));
}

#[test]
fn hevy_imperial_converted_exactly_to_kilograms() {
    let parsed = check(
        "hevy_imperial.csv",
        &options(Units::Kg, "Europe/London"),
        r#"
        2025-12-05T11:37:00+00:00[Europe/London] "Morning Pull" 64min
          deadlift: w61.23496995x5 w102.05828325x3 142.88159655x5@8 142.88159655x4@10
          good_morning: 43.09127515x8
        2025-12-08T07:02:00+00:00[Europe/London] "Leg Day" 68min
          "Squat (Barbell)": w61.23496995x8 111.356926835x5@8.5 83.91458845x8
          romanian_deadlift: 22.6796185x12
          trap_bar_deadlift: 124.73790175x5
        "#,
    );
    assert_eq!(parsed.format, Format::Hevy);
    let report = &parsed.report;
    assert_eq!((report.rows, report.sets, report.sessions), (12, 10, 2));
    assert_eq!(report.skipped, counts(&[("timed or cardio", 2)]));
    assert_eq!(
        report.mapped,
        names(&[
            ("Deadlift (Barbell)", "deadlift"),
            ("Deadlift (Trap bar)", "trap_bar_deadlift"),
            ("Good Morning (Barbell)", "good_morning"),
            ("Romanian Deadlift (Dumbbell)", "romanian_deadlift"),
        ])
    );
    assert_eq!(report.unmapped, unmapped(&[("Squat (Barbell)", 3)]));

    let pounds = render(&read_fixture("hevy_imperial.csv", &options(Units::Lb, "Europe/London")));
    assert!(pounds.contains("deadlift: w135x5 w225x3 315x5@8 315x4@10"), "{pounds}");
    assert!(pounds.contains("\"Squat (Barbell)\": w135x8 245.5x5@8.5 185x8"), "{pounds}");
}

#[test]
fn hevy_metric_weights_with_imperial_distances() {
    let csv = r#""title","start_time","end_time","description","exercise_title","superset_id","exercise_notes","set_index","set_type","weight_kg","reps","distance_miles","duration_seconds","rpe"
"Pull","6 Jan 2026, 18:05","6 Jan 2026, 19:00","","Deadlift (Barbell)","","","0","normal","150","3","","",""
"Pull","6 Jan 2026, 18:05","6 Jan 2026, 19:00","","Walking","","","0","normal","","","1.2","1500",""
"#;
    let parsed = read(csv.as_bytes(), &options(Units::Kg, "Europe/Paris")).unwrap();
    assert_eq!(render(&parsed), "2026-01-06T18:05:00+01:00[Europe/Paris] \"Pull\" 55min\n  deadlift: 150x3\n");
    assert_eq!(parsed.report.skipped, counts(&[("timed or cardio", 1)]));
}

#[test]
fn fitnotes_dates_at_noon_with_a_unit_per_row() {
    let parsed = check(
        "fitnotes.csv",
        &options(Units::Kg, "Australia/Sydney"),
        r#"
        2025-09-15T12:00:00+10:00[Australia/Sydney] "-"
          deadlift: 100x5 140x3 140x3
          romanian_deadlift: 43.09127515x10
          "Flat Barbell Bench Press": 80x5
        2025-09-18T12:00:00+10:00[Australia/Sydney] "-"
          good_morning: 40x8
          "Barbell Squat": 110x5 110x5
        "#,
    );
    assert_eq!(parsed.format, Format::FitNotes);
    let report = &parsed.report;
    assert_eq!((report.rows, report.sets, report.sessions), (9, 8, 2));
    assert_eq!(report.skipped, counts(&[("timed or cardio", 1)]));
    assert_eq!(report.unmapped, unmapped(&[("Barbell Squat", 2), ("Flat Barbell Bench Press", 1)]));
    assert!(parsed.sessions.iter().all(|s| s.title.is_none() && s.duration.is_none()));
}

#[test]
fn fitnotes_legacy_in_pounds() {
    let parsed = check(
        "fitnotes_legacy.csv",
        &options(Units::Lb, "UTC"),
        r#"
        2019-03-02T12:00:00+00:00[UTC] "-"
          deadlift: 225x5 315x3
          sumo_deadlift: 275x5
        2019-03-05T12:00:00+00:00[UTC] "-"
          "Kettlebell Swing": 53x15
        "#,
    );
    assert_eq!(parsed.format, Format::FitNotesLegacy);
    assert_eq!((parsed.report.rows, parsed.report.sets), (5, 4));
    assert_eq!(parsed.report.skipped, counts(&[("timed or cardio", 1)]));

    let kilograms = render(&read_fixture("fitnotes_legacy.csv", &options(Units::Kg, "UTC")));
    assert!(kilograms.contains("deadlift: 102.05828325x5 142.88159655x3"), "{kilograms}");
}

#[test]
fn fitnotes_legacy_in_kilograms() {
    let csv =
        "Date,Exercise,Category,Weight (kgs),Reps,Distance,Distance Unit,Time\n2019-03-02,Deadlift,Back,100.0,5,,,\n";
    let parsed = read(csv.as_bytes(), &options(Units::Lb, "UTC")).unwrap();
    assert_eq!(parsed.format, Format::FitNotesLegacy);
    assert_eq!(render(&parsed), "2019-03-02T12:00:00+00:00[UTC] \"-\"\n  deadlift: 220.462262x5\n");
}

#[test]
fn local_times_follow_the_time_zone_across_daylight_saving() {
    // 2025-10-26 02:30 happens twice in Berlin (the clocks go back from 03:00 to 02:00):
    // the earlier reading (+02:00) is taken. 2025-03-30 02:30 does not exist: the later one.
    let csv = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE
2025-10-26 02:30:00,A,1h,Deadlift,1,100,5,0,0,,,
2025-03-30 02:30:00,B,1h,Deadlift,1,100,5,0,0,,,
";
    let parsed = read(csv.as_bytes(), &options(Units::Kg, "Europe/Berlin")).unwrap();
    let starts: Vec<String> = parsed.sessions.iter().map(|s| s.at.to_string()).collect();
    assert_eq!(
        starts,
        ["2025-03-30T03:30:00+02:00[Europe/Berlin]", "2025-10-26T02:30:00+02:00[Europe/Berlin]"],
        "sessions in time order, the gap resolved forward and the fold to the earlier offset"
    );
}
