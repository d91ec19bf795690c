//! Integration tests of `pullback-import`: every dialect from its fixture in
//! `tests/fixtures/`, detection, bad rows, the user mapping file and set keys, and
//! the shapes of issue 14 (units, failed sets, notes, timed rows, headers, the
//! deadlift family, time order), one module each.
//!
//! Sessions are compared as text through [`check`], one line per session and one
//! per exercise: `deadlift: w60x5 142.5x3@8.5` is a warm-up of 60 × 5 and a set
//! of 142.5 × 3 at RPE 8.5; other exercises show the app's name in quotes.

mod bad_rows;
mod corpus;
mod detect;
mod dialects;
mod failed_sets;
mod family;
mod headers;
mod keys;
mod mapping;
mod notes;
mod order;
mod streaming;
mod timed;
mod units;

use pullback_import::{ExerciseId, Options, Parsed, Units, read};
use std::collections::BTreeMap;

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Options for a lifter in `units` and `zone`, with a file that does not say its
/// unit (Strong's comma export) read in the lifter's unit, as `--units` would.
pub fn options(units: Units, zone: &str) -> Options {
    Options { file_units: Some(units), ..bare(units, zone) }
}

/// Options as [`Options::new`] makes them: no unit given for the file.
pub fn bare(units: Units, zone: &str) -> Options {
    Options::new(units, jiff::tz::TimeZone::get(zone).expect("a known time zone"))
}

pub fn read_fixture(name: &str, options: &Options) -> Parsed {
    read(fixture(name).as_bytes(), options).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The sessions as text (see the module documentation).
pub fn render(parsed: &Parsed) -> String {
    let mut out = String::new();
    for session in &parsed.sessions {
        out.push_str(&format!("{} {:?}", session.at, session.title.as_deref().unwrap_or("-")));
        if let Some(duration) = session.duration {
            out.push_str(&format!(" {}min", duration.as_secs() / 60));
        }
        out.push('\n');
        for exercise in &session.exercises {
            match &exercise.exercise {
                ExerciseId::Known(known) => out.push_str(&format!("  {known}:")),
                ExerciseId::Other(name) => out.push_str(&format!("  {name:?}:")),
            }
            for set in &exercise.sets {
                let warmup = if set.warmup { "w" } else { "" };
                out.push_str(&format!(" {warmup}{}x{}", set.load, set.reps.value()));
                if let Some(rpe) = set.rpe {
                    out.push_str(&format!("@{}", rpe.value()));
                }
            }
            out.push('\n');
        }
    }
    out
}

/// Reads a fixture and compares its sessions with `expected` (indentation-insensitive).
pub fn check(name: &str, options: &Options, expected: &str) -> Parsed {
    let parsed = read_fixture(name, options);
    let actual = render(&parsed);
    let trimmed = |text: &str| text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
    assert_eq!(trimmed(&actual), trimmed(expected), "\n--- actual ---\n{actual}--- expected ---\n{expected}");
    for session in &parsed.sessions {
        let sets: usize = session.exercises.iter().map(|e| e.sets.len()).sum();
        assert_eq!(session.keys.len(), sets, "one key per set");
    }
    parsed
}

pub fn counts<'a>(pairs: &[(&'a str, usize)]) -> BTreeMap<&'a str, usize> {
    pairs.iter().copied().collect()
}

pub fn names(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

pub fn unmapped(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(a, n)| (a.to_string(), *n)).collect()
}
