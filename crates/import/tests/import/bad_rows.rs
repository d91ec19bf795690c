//! Bad rows: reported with line, column and reason; the file refused, or the rows
//! skipped with `skip_bad_rows`.

use crate::{counts, options};
use pullback_import::{BadRow, ImportError, MAX_BAD_ROWS, Options, Units, read};

const HEADER: &str =
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE";

/// Line 3 has a note over two lines, so the rows after it are one line further down.
fn file() -> String {
    [
        HEADER,
        "2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),1,140,5,0,0,,,",
        "2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),2,140,5,0,0,\"long note,\nsecond line\",,",
        "03/11/2025 07:15,Pull,1h,Deadlift (Barbell),3,140,5,0,0,,,",
        "2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),4,-20,5,0,0,,,",
        "2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),5,140,five,0,0,,,",
        "2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),X,140,5,0,0,,,",
        "2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),6,140,5,0,0,,,5",
        "2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),7,140",
        "2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),8,145,3,0,0,,,",
    ]
    .join("\n")
}

fn bad(line: u64, column: &str, reason: &str) -> BadRow {
    BadRow { line, column: column.into(), reason: reason.into() }
}

fn expected() -> Vec<BadRow> {
    vec![
        bad(5, "Date", "\"03/11/2025 07:15\" is not a date and time like 2025-12-05 18:30:00"),
        bad(6, "Weight", "-20 is negative; weights are 0 or more"),
        bad(7, "Reps", "\"five\" is not a whole number of reps"),
        bad(8, "Set Order", "\"X\" is not a set number, W, D, F, Note or Rest Timer"),
        bad(9, "RPE", "5 is not between 6 and 10 in steps of 0.5"),
        bad(10, "", "this row has 6 fields; the header has 12"),
    ]
}

#[test]
fn a_bad_row_refuses_the_whole_file() {
    let err = read(file().as_bytes(), &options(Units::Kg, "UTC")).unwrap_err();
    let message = err.to_string();
    match err {
        ImportError::BadRows { rows, total } => {
            assert_eq!(rows, expected());
            assert_eq!(total, 6);
        }
        other => panic!("{other:?}"),
    }
    assert!(message.starts_with("6 bad rows; nothing was imported."), "{message}");
    assert!(message.contains("line 6, column \"Weight\": -20 is negative"), "{message}");
}

#[test]
fn skip_bad_rows_keeps_the_rest_and_lists_them() {
    let options = Options { skip_bad_rows: true, ..options(Units::Kg, "UTC") };
    let parsed = read(file().as_bytes(), &options).unwrap();
    assert_eq!(parsed.report.bad_rows, expected());
    assert_eq!(parsed.report.skipped, counts(&[("bad row", 6)]));
    assert_eq!((parsed.report.rows, parsed.report.sets), (9, 3));
    let loads: Vec<String> = parsed.sessions[0].exercises[0].sets.iter().map(|s| s.load.to_string()).collect();
    assert_eq!(loads, ["140", "140", "145"]);
}

#[test]
fn a_bad_row_far_down_has_its_line() {
    let mut text = String::from(HEADER);
    for i in 2..=10_000 {
        let reps = if i == 9_000 { "-3" } else { "5" };
        text.push_str(&format!("\n2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),{i},140,{reps},0,0,,,"));
    }
    match read(text.as_bytes(), &options(Units::Kg, "UTC")) {
        Err(ImportError::BadRows { rows, total }) => {
            assert_eq!(total, 1);
            assert_eq!(rows, [bad(9_000, "Reps", "-3 is negative; reps are 0 or more")]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_list_is_capped_and_the_total_counted() {
    let mut text = String::from(HEADER);
    for _ in 0..60 {
        text.push_str("\nyesterday,Pull,1h,Deadlift,1,140,5,0,0,,,");
    }
    match read(text.as_bytes(), &options(Units::Kg, "UTC")) {
        Err(ImportError::BadRows { rows, total }) => {
            assert_eq!((rows.len(), total), (MAX_BAD_ROWS, 60));
            assert!(ImportError::BadRows { rows, total }.to_string().ends_with("… and 10 more"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_utf8_is_a_bad_row() {
    let mut bytes = format!("{HEADER}\n2025-11-03 07:15:02,Pull,1h,").into_bytes();
    bytes.extend_from_slice(b"Deadlift \xff,1,140,5,0,0,,,\n2025-11-03 07:15:02,Pull,1h,Deadlift,2,140,5,0,0,,,\n");
    let options = Options { skip_bad_rows: true, ..options(Units::Kg, "UTC") };
    let parsed = read(bytes.as_slice(), &options).unwrap();
    assert_eq!(parsed.report.bad_rows, [bad(2, "Exercise Name", "the text is not valid UTF-8")]);
    assert_eq!(parsed.report.sets, 1);
}

#[test]
fn bad_units_and_hevy_fields() {
    let semicolon = "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;Distance Unit;Seconds;Notes;Workout Notes;Workout Duration
2025-12-01 18:02:37;A;Deadlift;1;100;stone;5;;;;;;;1h
";
    let hevy = r#""title","start_time","end_time","description","exercise_title","superset_id","exercise_notes","set_index","set_type","weight_kg","reps","distance_km","duration_seconds","rpe"
"A","2025-12-05 11:37","5 Dec 2025, 12:41","","Deadlift","","","0","normal","100","5","","",""
"A","5 Dec 2025, 11:37","5 Dec 2025, 12:41","","Deadlift","","","1","heavy","100","5","","",""
"A","5 Dec 2025, 11:37","5 Dec 2025, 10:00","","Deadlift","","","2","normal","100","5","","",""
"#;
    let err = |text: &str| match read(text.as_bytes(), &options(Units::Kg, "UTC")) {
        Err(ImportError::BadRows { rows, .. }) => rows,
        other => panic!("{other:?}"),
    };
    assert_eq!(err(semicolon), [bad(2, "Weight Unit", "\"stone\" is not a weight unit; expected kg, kgs, lb or lbs")]);
    assert_eq!(
        err(hevy),
        [
            bad(2, "start_time", "\"2025-12-05 11:37\" is not a date and time like \"5 Dec 2025, 11:37\""),
            bad(3, "set_type", "\"heavy\" is not a set type; expected normal, warmup, dropset or failure"),
            bad(4, "end_time", "\"5 Dec 2025, 10:00\" is before the start time"),
        ]
    );
}

#[test]
fn an_unmapped_exercise_name_that_is_too_long_or_hides_characters_is_a_bad_row() {
    let long = "x".repeat(101);
    let file = [
        HEADER.to_owned(),
        format!("2025-11-03 07:15:02,Pull,1h,{long},1,140,5,0,0,,,"),
        "2025-11-03 07:15:02,Pull,1h,Squat\u{202e},1,100,5,0,0,,,".to_owned(),
        "2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),1,140,5,0,0,,,".to_owned(),
    ]
    .join("\n");
    let err = read(file.as_bytes(), &options(Units::Kg, "UTC")).unwrap_err();
    let ImportError::BadRows { rows, .. } = err else { panic!("{err}") };
    assert_eq!(
        rows.iter().map(|r| (r.line, r.column.as_str())).collect::<Vec<_>>(),
        [(2, "Exercise Name"), (3, "Exercise Name")]
    );
    assert!(rows[0].reason.contains("at most 100 characters"), "{}", rows[0].reason);
    assert!(rows[1].reason.contains("U+202E"), "{}", rows[1].reason);
}
