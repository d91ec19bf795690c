//! Issue 14.7: the deadlift family. Paused and deficit deadlifts are deadlifts,
//! stiff-legged ones Romanian deadlifts, a rack or block pull with a height the
//! protocol's blocks cover a deadlift from that block; the rest are named
//! variants in the report, and a mapping file can name them.

use crate::{fixture, names, options, render, unmapped};
use pullback_core::Exercise;
use pullback_import::{ExerciseMap, Options, Units, Variant, read};

#[test]
fn family_names_map_where_the_protocol_can_use_them() {
    let parsed = read(fixture("strong_deadlift_family.csv").as_bytes(), &options(Units::Kg, "UTC")).unwrap();
    let report = &parsed.report;
    assert_eq!(
        report.mapped,
        names(&[
            ("Block Pull 10cm", "deadlift from a 10 cm block"),
            ("Deficit Deadlift (Barbell)", "deadlift"),
            ("Paused Deadlift", "deadlift"),
            ("Stiff Leg Deadlift (Barbell)", "romanian_deadlift"),
        ])
    );
    assert_eq!(report.variants.get("Rack Pull"), Some(&(Variant::RackOrBlockPull, 1)));
    assert_eq!(report.variants.get("Rack Pull (Above Knee)"), Some(&(Variant::RackOrBlockPull, 1)));
    assert_eq!(report.variants.get("Deadlift (Smith Machine)"), Some(&(Variant::SmithMachine, 1)));
    assert_eq!(report.unmapped, unmapped(&[("Single Leg Deadlift (Dumbbell)", 1)]));
    let block = parsed.sessions[0].exercises.iter().find(|e| e.exercise.known() == Some(Exercise::Deadlift));
    assert_eq!(block.and_then(|e| e.block_height).map(|h| h.value().to_string()).as_deref(), Some("10"));
    // In a pound profile the height is in inches: 10 cm = 3.94 in.
    let pounds = read(fixture("strong_deadlift_family.csv").as_bytes(), &options(Units::Lb, "UTC")).unwrap();
    let block = pounds.sessions[0].exercises.iter().find_map(|e| e.block_height);
    assert_eq!(block.map(|h| h.value().to_string()).as_deref(), Some("3.94"));
}

#[test]
fn a_mapping_file_names_a_rack_pulls_height_or_keeps_a_name_as_another_exercise() {
    let file = "Rack Pull = deadlift block 15 cm\nDeadlift (Smith Machine) = other\nPaused Deadlift = other\n";
    let mapping = ExerciseMap::with_user_file(file).unwrap();
    let parsed =
        read(fixture("strong_deadlift_family.csv").as_bytes(), &Options { mapping, ..options(Units::Kg, "UTC") })
            .unwrap();
    assert_eq!(parsed.report.mapped.get("Rack Pull").map(String::as_str), Some("deadlift from a 15 cm block"));
    assert!(!parsed.report.variants.contains_key("Deadlift (Smith Machine)"), "named by the file");
    assert_eq!(parsed.report.unmapped.get("Paused Deadlift"), Some(&1));
    let session = &parsed.sessions[0];
    let decided: Vec<(&str, bool)> =
        session.exercises.iter().zip(&session.decided).map(|(e, d)| (e.exercise.as_str(), *d)).collect();
    assert_eq!(decided[0], ("deadlift", true), "the file's rack pull");
    assert!(decided.contains(&("Paused Deadlift", true)), "`= other` decides too: {decided:?}");
    assert!(decided.contains(&("Single Leg Deadlift (Dumbbell)", false)), "{decided:?}");
    assert!(render(&parsed).contains("\"Deadlift (Smith Machine)\": 110x8"));

    let too_high = ExerciseMap::with_user_file("Rack Pull = deadlift block 45 cm").unwrap_err();
    assert!(too_high.to_string().contains("not within the protocol's blocks"), "{too_high}");
}
