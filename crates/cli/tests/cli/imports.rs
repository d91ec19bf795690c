//! `pullback import` of other apps' CSV exports, issue 14 point by point: each
//! test imports a fixture of that shape (`crates/import/tests/fixtures/`) into a
//! real SQLite file and reads the preview, the report, `history` and the plan.

use crate::transfer::{Log, fixture};
use serde_json::Value;

fn path(name: &str) -> String {
    fixture(name).to_str().expect("a UTF-8 path").to_owned()
}

fn plan(log: &Log) -> Value {
    serde_json::from_str(&log.ok(&["plan", "--format", "json"])).expect("JSON")
}

fn reason(plan: &Value, rule: &str) -> String {
    let reasons = plan["reasons"].as_array().cloned().unwrap_or_default();
    let text = reasons.iter().find(|r| r["rule"] == rule).and_then(|r| r["text"].as_str().map(str::to_owned));
    text.unwrap_or_else(|| panic!("no {rule} reason: {plan}"))
}

/// 14.1: a Strong file with no unit column is refused until its unit is given;
/// then the preview names it, and the plan's cap follows the converted loads.
#[test]
fn the_unit_of_a_file_without_one_must_be_given_and_is_named() {
    let log = Log::new();
    log.ok(&["user", "add", "kai", "--units", "kg"]);
    let file = path("strong_no_unit.csv");
    let refused = log.run(&["import", &file]);
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(refused.stderr.contains("has no unit column") && refused.stderr.contains("--units kg or --units lb"));
    assert!(log.ok(&["history"]).contains("No sessions yet"), "a refused import wrote something");

    let preview = log.ok(&["import", &file, "--units", "lb", "--dry-run"]);
    assert!(
        preview.contains("units: lb, as you said (the file has no unit column); loads converted to kg"),
        "{preview}"
    );
    log.ok(&["import", &file, "--units", "lb"]);
    let history = log.ok(&["history"]);
    // 225 lb = 102.05828325 kg: shown rounded to the 2.5 kg step, stored exactly.
    assert!(history.contains("deadlift 2 × 5 at ≈ 102.5 kg"), "{history}");
    let out = log.run_at("2024-03-06T12:00:00Z", &["plan", "--format", "json"]);
    let plan: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(plan["metrics"]["working_weight"], 102.05828325, "{plan}");
    // 1.10 × 102.05828325 = 112.26 → 110 kg, not 1.10 × 225 "kg".
    assert_eq!(plan["load_cap"], 110.0, "{plan}");
    assert!(reason(&plan, "train").contains("at or under 110 kg"), "{plan}");
    assert!(reason(&plan, "train").contains("(≈ 102.5 kg on 4 Mar 2024)"), "{plan}");

    // --units is for CSV exports: a JSON document names its own unit.
    let json = log.path("backup.json");
    std::fs::write(&json, log.ok(&["export", "--format", "json"])).expect("writable");
    let refused = log.run(&["import", crate::transfer::path_str(&json), "--units", "lb"]);
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(refused.stderr.contains("--units and --mapping are for CSV exports"), "{}", refused.stderr);

    // A file that names its unit says so, and a --units it did not need is reported.
    let hevy = log.ok(&["import", &path("hevy_imperial.csv"), "--units", "kg", "--dry-run"]);
    assert!(hevy.contains("units: lb, as the column \"weight_lbs\" says"), "{hevy}");
    assert!(hevy.contains("--units kg was not used: the file names its own unit."), "{hevy}");
}

/// 14.2: a failed attempt of 405 × 0 after 315 × 6 makes neither W nor the cap.
#[test]
fn a_failed_set_is_kept_and_never_sets_the_working_weight() {
    let log = Log::new();
    log.ok(&["user", "add", "lou", "--units", "lb"]);
    let out = log.ok(&["import", &path("strong_failed_set.csv"), "--units", "lb"]);
    assert!(out.contains("failed attempts (0 reps) kept, never a top set: 1 set"), "{out}");
    let run = log.run_at("2024-06-13T12:00:00Z", &["plan", "--format", "json"]);
    let plan: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(plan["metrics"]["working_weight"], 315.0, "{plan}");
    assert_eq!(plan["load_cap"], 345.0, "1.10 × 315 = 346.5 → 345, not 445: {plan}");
}

/// 14.3: notes are kept, exported and shown in history.
#[test]
fn notes_are_kept_exported_and_shown() {
    let log = Log::new();
    log.ok(&["user", "add", "mo", "--units", "kg"]);
    let out = log.ok(&["import", &path("hevy_notes.csv")]);
    assert!(out.contains("notes kept: 2 workouts, 1 exercise, 0 sets"), "{out}");
    let history = log.ok(&["history"]);
    assert!(history.contains("note: Slept badly, kept it light"), "{history}");
    assert!(history.contains("deadlift: Mixed grip on the top set"), "{history}");
    let json: Value = serde_json::from_str(&log.ok(&["export", "--format", "json"])).expect("JSON");
    let pull = &json["sessions"][2];
    assert_eq!(pull["note"], "Slept badly, kept it light", "{json}");
    assert_eq!(pull["exercises"][0]["note"], "Mixed grip on the top set");
    let csv = log.ok(&["export", "--format", "csv"]);
    assert!(csv.lines().any(|l| l.ends_with(",\"Slept badly, kept it light\",Mixed grip on the top set,")), "{csv}");

    log.ok(&["import", &path("fitnotes_comments.csv")]);
    assert!(log.ok(&["history"]).contains("deadlift, set 2: left hip tight, stopped there"));
}

/// 14.4: a mapping given on a later import re-maps the sets of that file.
#[test]
fn a_mapping_on_a_later_import_re_maps_what_was_imported() {
    let log = Log::new();
    log.ok(&["user", "add", "ned", "--units", "kg"]);
    let csv = log.path("strong.csv");
    std::fs::write(
        &csv,
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n\
         2026-02-20 07:00:00,Pull,1h,Deadlift Old Data,1,140,5,0,0,,,\n\
         2026-02-20 07:00:00,Pull,1h,Deadlift Old Data,2,140,5,0,0,,,\n",
    )
    .expect("writable");
    let first = log.ok(&["import", crate::transfer::path_str(&csv), "--units", "kg"]);
    assert!(first.contains("kept as another exercise: Deadlift Old Data"), "{first}");
    assert_eq!(plan(&log)["metrics"]["working_weight"], Value::Null);

    let mapping = log.path("names.txt");
    std::fs::write(&mapping, "Deadlift Old Data = deadlift\n").expect("writable");
    let again = log.ok(&[
        "import",
        crate::transfer::path_str(&csv),
        "--units",
        "kg",
        "--mapping",
        crate::transfer::path_str(&mapping),
    ]);
    assert!(again.contains("mapped: Deadlift Old Data → deadlift"), "{again}");
    assert!(!again.contains("Nothing new to import"), "{again}");
    assert!(again.contains("Re-mapped 2 sets imported before: Deadlift Old Data → deadlift (2 sets)."), "{again}");
    assert_eq!(plan(&log)["metrics"]["working_weight"], 140.0);
    assert!(log.ok(&["history"]).contains("deadlift 2 × 5 at 140 kg"));

    // Without the mapping file, a later import leaves the re-mapped sets as they are.
    let third = log.ok(&["import", crate::transfer::path_str(&csv), "--units", "kg"]);
    assert!(third.contains("Nothing new to import"), "{third}");
    assert_eq!(plan(&log)["metrics"]["working_weight"], 140.0);
}

/// 14.5: FitNotes' empty timed row is skipped and counted, not a bad row.
#[test]
fn empty_timed_rows_are_skipped_and_counted() {
    let log = Log::new();
    log.ok(&["user", "add", "ola", "--units", "kg"]);
    let out = log.ok(&["import", &path("fitnotes_timed.csv")]);
    assert!(out.contains("skipped: 3 rows (timed or cardio)"), "{out}");
    assert!(out.contains("Imported into ola's log: 2 sessions (3 sets)"), "{out}");
}

/// 14.6: headers of other shapes are read; an unknown one lists its columns.
#[test]
fn real_headers_of_other_shapes_are_read() {
    let log = Log::new();
    log.ok(&["user", "add", "pia", "--units", "kg"]);
    for file in ["strong_semicolon_13.csv", "strong_semicolon_11.csv", "fitnotes_no_comment.csv"] {
        let out = log.ok(&["import", &path(file)]);
        assert!(out.contains("Imported into pia's log"), "{file}: {out}");
    }
    let out = log.ok(&["import", &path("strong_resaved_semicolon.csv"), "--units", "kg"]);
    assert!(out.contains("Imported into pia's log: 1 session (2 sets)"), "{out}");
    let out = log.ok(&["import", &path("strong_translated_zh.csv"), "--units", "kg"]);
    assert!(out.contains("header: not in English; its 12 columns were read by the position of Strong's"), "{out}");
    assert!(out.contains("Imported into pia's log: 1 session (4 sets)"), "{out}");
}

/// 14.7: the deadlift family in the preview, and a mapping file naming a rack pull's height.
#[test]
fn deadlift_variants_are_mapped_or_named() {
    let log = Log::new();
    log.ok(&["user", "add", "rui", "--units", "kg"]);
    let file = path("strong_deadlift_family.csv");
    let preview = log.ok(&["import", &file, "--units", "kg", "--dry-run"]);
    assert!(preview.contains("mapped: Block Pull 10cm → deadlift from a 10 cm block"), "{preview}");
    assert!(preview.contains("mapped: Paused Deadlift → deadlift"), "{preview}");
    assert!(preview.contains("mapped: Stiff Leg Deadlift (Barbell) → romanian_deadlift"), "{preview}");
    assert!(preview.contains("deadlift variant kept as another exercise: Rack Pull (1 set): a rack or block pull"));
    assert!(preview.contains("deadlift variant kept as another exercise: Deadlift (Smith Machine) (1 set)"));
    let mapping = log.path("names.txt");
    std::fs::write(&mapping, "Rack Pull = deadlift block 15 cm\n").expect("writable");
    let out = log.ok(&["import", &file, "--units", "kg", "--mapping", crate::transfer::path_str(&mapping)]);
    assert!(out.contains("mapped: Rack Pull → deadlift from a 15 cm block"), "{out}");
    let history = log.ok(&["history"]);
    assert!(history.contains("deadlift 1 × 5 at 180 kg, from a 15 block"), "{history}");
}

/// 14.8: a Hevy export (newest first) gets session ids that run with time.
#[test]
fn a_newest_first_export_gets_ids_in_time_order() {
    let log = Log::new();
    log.ok(&["user", "add", "sia", "--units", "kg"]);
    log.ok(&["import", &path("hevy_notes.csv")]);
    let history = log.ok(&["history"]);
    let rows: Vec<(&str, &str)> = history
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?, words.next()?))
        })
        .filter(|(id, _)| id.parse::<u32>().is_ok())
        .collect();
    assert_eq!(rows, [("1", "2026-01-07"), ("2", "2026-01-10"), ("3", "2026-01-14")], "{history}");
}
