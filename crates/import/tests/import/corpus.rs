//! The `import_csv` fuzz target's body on every fixture, and on every cut of
//! the new dialects' fixtures: no input of any shape panics.

use crate::fixture;
use pullback_import::fuzzing::read_every_way;

const FIXTURES: [&str; 18] = [
    "strong_comma.csv",
    "strong_semicolon.csv",
    "strong_quoted.csv",
    "hevy_imperial.csv",
    "fitnotes.csv",
    "fitnotes_legacy.csv",
    "strong_no_unit.csv",
    "strong_bodyweight.csv",
    "strong_failed_set.csv",
    "hevy_notes.csv",
    "fitnotes_timed.csv",
    "fitnotes_no_comment.csv",
    "fitnotes_comments.csv",
    "strong_semicolon_13.csv",
    "strong_semicolon_11.csv",
    "strong_translated_zh.csv",
    "strong_resaved_semicolon.csv",
    "strong_deadlift_family.csv",
];

#[test]
fn every_fixture_reads_some_way_and_none_panics() {
    let listed = std::fs::read_dir(format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR")))
        .map(|dir| dir.filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "csv"))).count());
    assert_eq!(listed.ok(), Some(FIXTURES.len()), "every fixture is in this list");
    for name in FIXTURES {
        assert!(read_every_way(fixture(name).as_bytes()) > 0, "{name} reads at least one way");
    }
}

#[test]
fn every_cut_of_the_new_dialects_is_refused_or_read_without_panicking() {
    for name in ["strong_translated_zh.csv", "hevy_notes.csv", "fitnotes_timed.csv", "strong_deadlift_family.csv"] {
        let bytes = fixture(name).into_bytes();
        for end in (0..bytes.len()).step_by(7) {
            read_every_way(&bytes[..end]);
        }
    }
}
