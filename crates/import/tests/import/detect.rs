//! Detection of each header, and the errors before the first row.

use crate::{fixture, options};
use pullback_import::{Format, ImportError, Options, Units, detect, read};

#[test]
fn each_fixture_header_is_recognised() {
    for (file, format) in [
        ("strong_comma.csv", Format::StrongComma),
        ("strong_semicolon.csv", Format::StrongSemicolon),
        ("strong_quoted.csv", Format::StrongQuoted),
        ("hevy_imperial.csv", Format::Hevy),
        ("fitnotes.csv", Format::FitNotes),
        ("fitnotes_legacy.csv", Format::FitNotesLegacy),
    ] {
        let text = fixture(file);
        let header = text.lines().next().unwrap();
        assert_eq!(detect(header), Some(format), "{file}");
    }
}

#[test]
fn hevy_units_vary_independently() {
    for (weight, distance) in [
        ("weight_kg", "distance_km"),
        ("weight_kg", "distance_miles"),
        ("weight_lbs", "distance_km"),
        ("weight_lbs", "distance_miles"),
    ] {
        let header = format!(
            r#""title","start_time","end_time","description","exercise_title","superset_id","exercise_notes","set_index","set_type","{weight}","reps","{distance}","duration_seconds","rpe""#
        );
        assert_eq!(detect(&header), Some(Format::Hevy), "{weight} {distance}");
    }
}

#[test]
fn fitnotes_legacy_in_either_unit() {
    for weight in ["Weight (lbs)", "Weight (kgs)"] {
        let header = format!("Date,Exercise,Category,{weight},Reps,Distance,Distance Unit,Time");
        assert_eq!(detect(&header), Some(Format::FitNotesLegacy), "{weight}");
    }
}

#[test]
fn byte_order_mark_and_line_endings_are_ignored() {
    let header = "\u{feff}Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\r\n";
    assert_eq!(detect(header), Some(Format::FitNotes));
    let file = format!("{header}2025-09-15,Deadlift,Back,100.0,kgs,5,,,,\r\n");
    let parsed = read(file.as_bytes(), &options(Units::Kg, "UTC")).unwrap();
    assert_eq!(parsed.report.sets, 1);
}

#[test]
fn other_headers_are_not_guessed() {
    for header in [
        "",
        "Date,Exercise,Reps",
        // A column missing, or in another order.
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes",
        "Workout Name,Date,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE",
        // Another weight column.
        "Date,Exercise,Category,Weight (stone),Reps,Distance,Distance Unit,Time",
    ] {
        assert_eq!(detect(header), None, "{header:?}");
    }
}

#[test]
fn unknown_and_empty_files_are_refused() {
    let options = options(Units::Kg, "UTC");
    let err = read("Day,Lift,Kilos\n1,pull,100\n".as_bytes(), &options).unwrap_err();
    assert!(matches!(&err, ImportError::UnknownFormat { header } if header == "Day,Lift,Kilos"), "{err:?}");
    assert!(err.to_string().contains("strong-comma"), "the message names the formats: {err}");
    assert!(matches!(read("".as_bytes(), &options), Err(ImportError::Empty)));
    assert!(matches!(read("\n\n".as_bytes(), &options), Err(ImportError::Empty)));
}

#[test]
fn a_forced_format_needs_its_columns() {
    let options = Options { format: Some(Format::Hevy), ..options(Units::Kg, "UTC") };
    let err = read(fixture("fitnotes.csv").as_bytes(), &options).unwrap_err();
    match err {
        ImportError::MissingColumns { format, missing } => {
            assert_eq!(format, Format::Hevy);
            assert!(missing.contains(&"start_time") && missing.contains(&"set_type"), "{missing:?}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn format_ids_round_trip() {
    for format in Format::ALL {
        assert_eq!(Format::from_id(format.id()), Some(format));
    }
}
