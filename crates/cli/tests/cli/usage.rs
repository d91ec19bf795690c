//! Command-line usage: help, usage errors and files that cannot be read.

use crate::{plan_path, run};

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let example = crate::example_inputs().remove(0);
    let out = plan_path(&example, &["--bogus"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    assert!(out.stderr.contains("--bogus"), "{}", out.stderr);
}

#[test]
fn a_plan_from_an_empty_log_asks_for_a_user_first() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("pullback.db");
    let out = run(["plan", "--database", db.to_str().expect("utf-8 path")]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    assert!(out.stderr.contains("pullback user add"), "{}", out.stderr);
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let out = run(["plan", "--input", "-", "--format", "yaml"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn no_subcommand_is_a_usage_error() {
    let out = run(std::iter::empty::<&str>());
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_file_exits_1_naming_the_path() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("no-such-history.json");
    let out = plan_path(&path, &[]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    assert!(out.stderr.starts_with("error:"), "{}", out.stderr);
    assert!(out.stderr.contains(&path.display().to_string()), "{}", out.stderr);
}

#[test]
fn top_level_help_exits_0() {
    let out = run(["--help"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("plan"), "{}", out.stdout);
    assert!(out.stdout.contains("Usage: pullback"), "{}", out.stdout);
}

#[test]
fn plan_help_exits_0_and_shows_an_example() {
    let out = run(["plan", "--help"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("--input"), "{}", out.stdout);
    assert!(out.stdout.contains("Examples:"), "{}", out.stdout);
    assert!(out.stdout.contains("pullback plan --input examples/"), "{}", out.stdout);
    assert!(out.stdout.contains("--input -"), "{}", out.stdout);
}

#[test]
fn version_exits_0() {
    let out = run(["--version"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.starts_with("pullback "), "{}", out.stdout);
}
