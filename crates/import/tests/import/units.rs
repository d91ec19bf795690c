//! Issue 14.1: the unit of the file's weights is explicit. A file that names its
//! unit is read in it; one that does not (Strong's comma export) is read in the
//! unit the lifter gives, or refused; the report says which and why.

use crate::{bare, fixture, options, render};
use pullback_import::{Format, ImportError, Options, Units, UnitsRead, read};

#[test]
fn a_file_without_a_unit_column_is_refused_until_its_unit_is_given() {
    // A kilogram lifter's Strong export logged in pounds: 225 × 5 is not 225 kg.
    let text = fixture("strong_no_unit.csv");
    let err = read(text.as_bytes(), &bare(Units::Kg, "UTC")).unwrap_err();
    let message = err.to_string();
    match err {
        ImportError::UnitNeeded { format, line, weight } => {
            assert_eq!((format, line, weight.as_str()), (Format::StrongComma, 2, "135.0"));
        }
        other => panic!("{other:?}"),
    }
    assert!(message.contains("has no unit column") && message.contains("--units kg or --units lb"), "{message}");

    let pounds = Options { file_units: Some(Units::Lb), ..bare(Units::Kg, "UTC") };
    let parsed = read(text.as_bytes(), &pounds).unwrap();
    let lines = render(&parsed);
    // 225 lb = 102.05828325 kg exactly.
    assert!(lines.contains("deadlift: w61.23496995x5 102.05828325x5 102.05828325x5"), "{lines}");
    assert_eq!(parsed.report.units, UnitsRead::Given(Units::Lb));
    assert_eq!(parsed.report.units.to_string(), "lb, as you said (the file has no unit column)");
    assert_eq!(parsed.report.given_units_unused, None);
}

#[test]
fn a_file_of_bodyweight_sets_needs_no_unit_and_says_so() {
    let parsed = read(fixture("strong_bodyweight.csv").as_bytes(), &bare(Units::Kg, "UTC")).unwrap();
    assert_eq!(parsed.report.sets, 3);
    assert_eq!(parsed.report.units, UnitsRead::NotNeeded);
    assert!(parsed.report.units.to_string().starts_with("none needed"), "{}", parsed.report.units);
}

#[test]
fn a_file_that_names_its_unit_is_read_in_it_and_a_given_unit_is_reported_unused() {
    // Hevy names it in `weight_lbs`; the lifter said kg: the file wins, and the report says so.
    let said_kg = Options { file_units: Some(Units::Kg), ..bare(Units::Kg, "UTC") };
    let parsed = read(fixture("hevy_imperial.csv").as_bytes(), &said_kg).unwrap();
    assert_eq!(parsed.report.units, UnitsRead::Named { unit: Units::Lb, column: "weight_lbs".into() });
    assert_eq!(parsed.report.given_units_unused, Some(Units::Kg));
    assert!(render(&parsed).contains("deadlift: w61.23496995x5"), "135 lb, not 135 kg");

    // A unit per row: counted, and a row with a weight and no unit is a bad row
    // unless the lifter gave the unit.
    let per_row = read(fixture("strong_semicolon.csv").as_bytes(), &bare(Units::Kg, "UTC")).unwrap();
    assert_eq!(
        per_row.report.units.to_string(),
        "per row, from the column \"Weight Unit\": 7 rows in kg, 2 rows in lb"
    );
    let blank =
        "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps\n2025-01-01 10:00:00;A;Deadlift;1;100;;5\n";
    assert!(matches!(read(blank.as_bytes(), &bare(Units::Kg, "UTC")), Err(ImportError::BadRows { .. })));
    let given = read(blank.as_bytes(), &options(Units::Lb, "UTC")).unwrap();
    assert_eq!(given.report.given_units_unused, None, "the given unit filled the blank cell");
}

#[test]
fn a_translated_header_that_names_the_unit_in_the_weight_column_needs_none_given() {
    let text = fixture("strong_translated_zh.csv").replacen("重量", "重量 (kg)", 1);
    let parsed = read(text.as_bytes(), &bare(Units::Lb, "UTC")).unwrap();
    assert_eq!(parsed.report.units, UnitsRead::Named { unit: Units::Kg, column: "重量 (kg)".into() });
    assert!(render(&parsed).contains("deadlift: w132.277357x5 220.462262x5"), "{}", render(&parsed));
}
