//! Detection of each header, and the errors before the first row.

use crate::{bare, fixture, options};
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
fn headers_are_read_by_name_in_any_order_and_without_optional_columns() {
    for (header, format) in [
        // Without RPE, in another order: the names say Strong.
        (
            "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes",
            Format::StrongComma,
        ),
        (
            "Workout Name,Date,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE",
            Format::StrongComma,
        ),
        ("date,workout name,exercise name,set order,weight,weight unit,reps", Format::StrongSemicolon),
        ("Date;Exercise;Category;Weight;Weight Unit;Reps", Format::FitNotes),
    ] {
        assert_eq!(detect(header), Some(format), "{header:?}");
    }
}

#[test]
fn a_header_without_the_columns_a_set_needs_names_them_and_the_columns_found() {
    let options = bare(Units::Kg, "UTC");
    let err = read("Date,Exercise,Reps\n2025-01-01,Deadlift,5\n".as_bytes(), &options).unwrap_err();
    let message = err.to_string();
    match err {
        ImportError::MissingColumns { format, missing, columns } => {
            assert_eq!((format, missing), (Format::FitNotes, vec!["Weight"]));
            assert_eq!(columns, ["Date", "Exercise", "Reps"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(message.contains("no Weight column, which a FitNotes export needs"), "{message}");
    assert!(message.contains("the columns found are \"Date\", \"Exercise\", \"Reps\""), "{message}");
}

#[test]
fn unknown_and_empty_files_are_refused_with_the_columns_found_and_the_nearest_format() {
    let options = bare(Units::Kg, "UTC");
    let err = read("Day,Lift,Kilos\n1,pull,100\n".as_bytes(), &options).unwrap_err();
    assert!(matches!(&err, ImportError::UnknownFormat { header, nearest: None, .. } if header == "Day,Lift,Kilos"));
    let message = err.to_string();
    assert!(message.contains("3 columns: \"Day\", \"Lift\", \"Kilos\""), "{message}");
    assert!(!message.contains("--format"), "no hint at a value the command line refuses: {message}");

    // Close to Hevy: the nearest app, and what it still needs.
    let err = read("start_time,exercise_title,weight_kg,reps\n".as_bytes(), &options).unwrap_err();
    match &err {
        ImportError::UnknownFormat { nearest: Some((format, missing)), .. } => {
            assert_eq!(*format, Format::Hevy);
            assert_eq!(missing, &["set_index", "set_type"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("The nearest is a Hevy export, which also needs set_index, set_type"), "{err}");
    assert!(matches!(read("".as_bytes(), &options), Err(ImportError::Empty)));
    assert!(matches!(read("\n\n".as_bytes(), &options), Err(ImportError::Empty)));
}

#[test]
fn a_forced_format_needs_its_columns() {
    let options = Options { format: Some(Format::Hevy), ..options(Units::Kg, "UTC") };
    let err = read(fixture("fitnotes.csv").as_bytes(), &options).unwrap_err();
    match err {
        ImportError::MissingColumns { format, missing, .. } => {
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
