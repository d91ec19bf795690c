//! The exercise mapping: defaults, case, the user file.

use crate::{names, options, unmapped};
use pullback_core::Exercise;
use pullback_import::{DEFAULT_TABLE, ExerciseMap, MapProblem, Options, Units, Variant, read};

#[test]
fn the_default_table_covers_the_named_apps_names() {
    let map = ExerciseMap::default();
    for (name, id) in [
        ("Deadlift (Barbell)", "deadlift"),
        ("Deadlift", "deadlift"),
        ("Sumo Deadlift", "sumo_deadlift"),
        ("Sumo Deadlift (Barbell)", "sumo_deadlift"),
        ("Romanian Deadlift (Barbell)", "romanian_deadlift"),
        ("Romanian Deadlift (Dumbbell)", "romanian_deadlift"),
        ("Good Morning", "good_morning"),
        ("Good Morning (Barbell)", "good_morning"),
        ("Trap Bar Deadlift", "trap_bar_deadlift"),
        ("Hex Bar Deadlift", "trap_bar_deadlift"),
        ("Kettlebell Sumo Deadlift", "kettlebell_sumo_deadlift"),
        ("Bird Dog", "bird_dog"),
        ("Jefferson Curl", "jefferson_curl"),
        // Case and spacing do not matter.
        ("  deadlift   (BARBELL) ", "deadlift"),
    ] {
        assert_eq!(map.get(name).map(Exercise::id), Some(id), "{name:?}");
    }
    for name in ["Squat (Barbell)", "Deadlift (Dumbbell)", "Rack Pull", "Deadlift (Smith Machine)"] {
        assert_eq!(map.get(name), None, "{name:?}");
    }
    assert!(DEFAULT_TABLE.iter().all(|(name, exercise)| map.get(name) == Some(*exercise)));
    assert_eq!(ExerciseMap::empty().get("Deadlift"), None);
}

#[test]
fn a_user_file_extends_and_overrides_the_defaults() {
    let user = "# my gym's names\n\nBlock Pull = deadlift\nRomanian Deadlift (Dumbbell) = good_morning  \n";
    let mapping = ExerciseMap::with_user_file(user).unwrap();
    let csv = "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment
2025-09-15,Block Pull,Back,160,kgs,3,,,,
2025-09-15,Romanian Deadlift (Dumbbell),Back,24,kgs,10,,,,
2025-09-15,Rack Pull,Back,180,kgs,3,,,,
";
    let parsed = read(csv.as_bytes(), &Options { mapping, ..options(Units::Kg, "UTC") }).unwrap();
    assert_eq!(
        parsed.report.mapped,
        names(&[("Block Pull", "deadlift"), ("Romanian Deadlift (Dumbbell)", "good_morning")])
    );
    assert_eq!(parsed.report.unmapped, unmapped(&[]));
    assert_eq!(parsed.report.variants.get("Rack Pull"), Some(&(Variant::RackOrBlockPull, 1)));
    let ids: Vec<&str> = parsed.sessions[0].exercises.iter().map(|e| e.exercise.as_str()).collect();
    assert_eq!(ids, ["deadlift", "good_morning", "Rack Pull"]);
}

#[test]
fn unknown_ids_are_refused_with_their_lines() {
    let user = "# comment\nSquat (Barbell) = squat\nBlock Pull = deadlift\nno equals sign here\n = deadlift\n";
    let err = ExerciseMap::with_user_file(user).unwrap_err();
    let lines: Vec<usize> = err.problems.iter().map(|p: &MapProblem| p.line).collect();
    assert_eq!(lines, [2, 4, 5]);
    assert!(err.problems[0].message.starts_with("\"squat\" is not a Pullback exercise id; known ids: deadlift,"));
    assert!(err.to_string().contains("line 4: \"no equals sign here\" has no '='"), "{err}");

    // Nothing of a refused file is added.
    let mut map = ExerciseMap::default();
    assert!(map.extend_from_file(user).is_err());
    assert_eq!(map.get("Block Pull"), None);
}
