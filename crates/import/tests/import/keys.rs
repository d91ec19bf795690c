//! Stable set keys: the same across reads, different for different sets.

use crate::{fixture, options, read_fixture};
use pullback_import::{Options, SetKey, Units, read};
use std::collections::HashSet;

fn keys(parsed: &pullback_import::Parsed) -> Vec<SetKey> {
    parsed.sessions.iter().flat_map(|s| s.keys.iter().copied()).collect()
}

#[test]
fn keys_are_identical_across_reads_and_distinct_within_a_file() {
    for file in [
        "strong_comma.csv",
        "strong_semicolon.csv",
        "strong_quoted.csv",
        "hevy_imperial.csv",
        "fitnotes.csv",
        "fitnotes_legacy.csv",
    ] {
        let options = options(Units::Kg, "UTC");
        let first = keys(&read_fixture(file, &options));
        let second = keys(&read_fixture(file, &options));
        assert_eq!(first, second, "{file}");
        let distinct: HashSet<_> = first.iter().collect();
        assert_eq!(distinct.len(), first.len(), "{file}: two sets share a key");
    }
}

#[test]
fn keys_do_not_depend_on_the_users_unit_time_zone_or_mapping() {
    let base = keys(&read_fixture("hevy_imperial.csv", &options(Units::Kg, "UTC")));
    let other = Options { mapping: pullback_import::ExerciseMap::empty(), ..options(Units::Lb, "Pacific/Auckland") };
    assert_eq!(keys(&read_fixture("hevy_imperial.csv", &other)), base);
}

#[test]
fn a_changed_set_changes_only_its_key() {
    let options = options(Units::Lb, "UTC");
    let original = keys(&read_fixture("strong_comma.csv", &options));
    // The third deadlift set (line 4): 315 × 5 becomes 320 × 5.
    let text =
        fixture("strong_comma.csv").replacen("\"Deadlift (Barbell)\",1,315.0,5", "\"Deadlift (Barbell)\",1,320.0,5", 1);
    let changed = keys(&read(text.as_bytes(), &options).unwrap());
    let differing: Vec<usize> = (0..original.len()).filter(|&i| original[i] != changed[i]).collect();
    assert_eq!(differing, [2]);
    // Written the same way twice (315 and 315.0), a weight gives the same key.
    let same =
        fixture("strong_comma.csv").replacen("\"Deadlift (Barbell)\",1,315.0,5", "\"Deadlift (Barbell)\",1,315,5", 1);
    assert_eq!(keys(&read(same.as_bytes(), &options).unwrap()), original);
}

#[test]
fn keys_render_as_32_hex_digits() {
    let parsed = read_fixture("fitnotes.csv", &options(Units::Kg, "UTC"));
    let key = parsed.sessions[0].keys[0].to_string();
    assert_eq!(key.len(), 32);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
}
