//! `pullback export` and `pullback import` against real SQLite files.

use crate::{Run, examples_dir, finish, pullback};
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const NOW: &str = "2026-03-02T07:00:00Z";

/// A database in a temporary folder, and commands that use it at a fixed "now".
pub struct Log {
    dir: TempDir,
    pub db: PathBuf,
}

impl Log {
    pub fn new() -> Log {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = dir.path().join("pullback.db");
        Log { dir, db }
    }

    /// Runs `pullback ARGS` on this database at `NOW`.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_at(NOW, args)
    }

    pub fn run_at(&self, now: &str, args: &[&str]) -> Run {
        finish(
            pullback()
                .env_remove("PULLBACK_USER")
                .env_remove("PULLBACK_DATABASE_URL")
                .env("PULLBACK_NOW", now)
                .arg("--database")
                .arg(&self.db)
                .args(args),
        )
    }

    /// Runs and expects exit 0; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.code, Some(0), "pullback {args:?} failed: {}", out.stderr);
        out.stdout
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Runs `pullback plan --input -` on `stdin` (no database involved).
fn plan_stdin(stdin: &str) -> String {
    let out = finish(pullback().args(["plan", "--input", "-"]).write_stdin(stdin));
    assert_eq!(out.code, Some(0), "plan --input - failed: {}", out.stderr);
    out.stdout
}

fn example(name: &str) -> PathBuf {
    examples_dir().join(name)
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// A lifter with two weeks of a realistic log: a heavy session, a flare at 24 h,
/// the 50 % rung with tempo, blocks, other lifts, warm-ups, RPE, standalone
/// check-ins, a screening and a symmetry test, in a non-UTC zone with overrides.
fn two_weeks() -> Log {
    let log = Log::new();
    log.ok(&["user", "add", "ana", "--units", "kg", "--time-zone", "Europe/Oslo"]);
    log.ok(&[
        "profile",
        "set",
        "--working-weight",
        "142.5",
        "--plates",
        "25,20,10,5,2.5,1.25",
        "--protocol",
        "tolerable_max=3",
        "--protocol",
        "layoff_caps=[[10,0.8],[42,0.6]]",
    ]);
    log.ok(&["screen", "--no-red-flags", "--at", "2026-02-16T08:00:00+01:00"]);
    log.ok(&[
        "log",
        "dl",
        "w60x5",
        "w100x3",
        "142.5x5x3@8.5",
        "rdl",
        "80x8x2",
        "squat",
        "100x5",
        "--other",
        "squat",
        "--before",
        "1",
        "--during",
        "3",
        "--at",
        "2026-02-16T18:00:00+01:00",
    ]);
    log.ok(&["checkin", "3", "--point", "after_1h", "--session", "1", "--at", "2026-02-16T19:10:00+01:00"]);
    log.ok(&[
        "checkin",
        "6",
        "--point",
        "after_24h",
        "--session",
        "1",
        "--side",
        "left",
        "--at",
        "2026-02-17T18:30:00+01:00",
    ]);
    log.ok(&["checkin", "4", "--side", "left", "--at", "2026-02-18T09:00:00+01:00"]);
    log.ok(&[
        "log",
        "dl",
        "70x5x3",
        "--tempo",
        "3-1-3",
        "--before",
        "2",
        "--during",
        "2",
        "--at",
        "2026-02-20T18:00:00+01:00",
    ]);
    log.ok(&["checkin", "2", "--point", "after_1h", "--session", "2"]);
    log.ok(&["checkin", "2", "--point", "after_24h", "--session", "2", "--at", "2026-02-21T18:00:00+01:00"]);
    log.ok(&[
        "log",
        "dl",
        "85x5x3",
        "--block",
        "10",
        "--before",
        "1",
        "--during",
        "4",
        "--bottom-only",
        "--at",
        "2026-02-24T18:00:00+01:00",
    ]);
    log.ok(&["checkin", "2", "--point", "after_24h", "--session", "3", "--at", "2026-02-25T18:00:00+01:00"]);
    log.ok(&["symmetry", "310", "265", "--at", "2026-02-26T10:00:00+01:00"]);
    log.ok(&[
        "log",
        "dl",
        "w60x5",
        "100x5x3",
        "bird_dog",
        "bwx10",
        "--before",
        "0",
        "--during",
        "1",
        "--at",
        "2026-02-28T18:00:00+01:00",
    ]);
    log.ok(&["checkin", "1", "--point", "after_24h", "--session", "4", "--at", "2026-03-01T18:00:00+01:00"]);
    log
}

#[test]
fn export_plan_gives_the_same_decision_as_plan() {
    let log = two_weeks();
    let from_db = log.ok(&["plan", "--format", "json"]);
    let exported = log.ok(&["export", "--format", "plan"]);
    assert_eq!(plan_stdin(&exported), from_db);
    // The everything export is a plan document too.
    let everything = log.ok(&["export", "--format", "json"]);
    assert_eq!(plan_stdin(&everything), from_db);
    // And at another "now", with --as-of.
    let later = "2026-03-05T07:00:00Z";
    let from_db = log.run_at(later, &["plan", "--format", "json"]).stdout;
    let exported = log.run_at(later, &["export", "--format", "plan"]).stdout;
    assert_eq!(plan_stdin(&exported), from_db);
    assert!(!from_db.is_empty());
}

#[test]
fn export_keeps_offsets_ids_and_settings() {
    let log = two_weeks();
    let doc: Value = serde_json::from_str(&log.ok(&["export", "--format", "json"])).expect("JSON");
    assert_eq!(doc["contract"], "pullback.plan/v1");
    assert_eq!(doc["as_of"], NOW);
    assert_eq!(doc["profile"]["time_zone"], "Europe/Oslo");
    assert_eq!(doc["profile"]["working_weight"], serde_json::json!(142.5));
    assert_eq!(doc["protocol"], serde_json::json!({ "tolerable_max": 3, "layoff_caps": [[10, 0.8], [42, 0.6]] }));
    let first = &doc["sessions"][0];
    assert_eq!(first["id"], "1");
    assert_eq!(first["at"], "2026-02-16T18:00:00+01:00");
    assert_eq!(first["exercises"][0]["sets"][0], serde_json::json!({ "load": 60, "reps": 5, "warmup": true }));
    assert_eq!(first["exercises"][0]["sets"][2], serde_json::json!({ "load": 142.5, "reps": 5, "rpe": 8.5 }));
    assert_eq!(doc["sessions"][1]["exercises"][0]["tempo"], "3-1-3");
    assert_eq!(doc["sessions"][2]["exercises"][0]["block_height"], 10);
    let envelope = &doc["pullback_export"];
    assert_eq!(envelope["version"], 1);
    assert_eq!(envelope["user"], "ana");
    assert_eq!(envelope["plates"], serde_json::json!([25, 20, 10, 5, 2.5, 1.25]));
    assert_eq!(envelope["session_ids"], serde_json::json!([1, 2, 3, 4]));
}

#[test]
fn an_export_imported_elsewhere_plans_the_same() {
    let log = two_weeks();
    let backup = log.path("backup.json");
    log.ok(&["export", "--format", "json", "--output", path_str(&backup)]);
    let other = Log::new();
    other.ok(&["user", "add", "bo", "--units", "kg"]);
    let out = other.ok(&["import", path_str(&backup), "--replace"]);
    assert!(out.contains("4 sessions"), "{out}");
    assert_eq!(other.ok(&["plan", "--format", "json"]), log.ok(&["plan", "--format", "json"]));
    // Everything the engine reads came across: the two exports match but for the
    // envelope (user name, plates, stored ids: plates are kept on --replace).
    let strip = |text: String| {
        let mut v: Value = serde_json::from_str(&text).expect("JSON");
        v.as_object_mut().expect("an object").remove("pullback_export");
        v
    };
    let theirs = strip(log.ok(&["export", "--format", "json"]));
    let ours = strip(other.ok(&["export", "--format", "json"]));
    assert_eq!(ours["profile"], theirs["profile"]);
    assert_eq!(ours["protocol"], theirs["protocol"]);
    assert_eq!(ours["checkins"], theirs["checkins"]);
    assert_eq!(ours["screenings"], theirs["screenings"]);
    assert_eq!(ours["symmetry_tests"], theirs["symmetry_tests"]);
    assert_eq!(ours["sessions"], theirs["sessions"]);
}

#[test]
fn an_imported_example_plans_like_plan_input() {
    for name in ["01-flare-enters-episode.input.json", "03-bottom-only-pain-adds-block.input.json"] {
        let file = example(name);
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("readable")).expect("JSON");
        let as_of = doc["as_of"].as_str().expect("as_of");
        let log = Log::new();
        log.ok(&["user", "add", "ana"]);
        let out = log.run_at(as_of, &["import", path_str(&file), "--replace"]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let from_file = finish(pullback().args(["plan", "--input"]).arg(&file));
        assert_eq!(from_file.code, Some(0), "{}", from_file.stderr);
        let from_db = log.run_at(as_of, &["plan", "--format", "json"]);
        assert_eq!(from_db.code, Some(0), "{}", from_db.stderr);
        assert_eq!(from_db.stdout, from_file.stdout, "{name}");
    }
}

#[test]
fn a_bad_import_exits_2_with_the_pointer_and_writes_nothing() {
    let log = two_weeks();
    let before = log.ok(&["export", "--format", "json"]);
    let mut doc: Value = serde_json::from_str(
        &std::fs::read_to_string(example("01-flare-enters-episode.input.json")).expect("readable"),
    )
    .expect("JSON");
    doc["sessions"][0]["checkins"][2]["pain"] = serde_json::json!(11);
    let bad = log.path("bad.json");
    std::fs::write(&bad, serde_json::to_string(&doc).expect("renders")).expect("writable");
    for extra in [&[][..], &["--replace"][..]] {
        let out = log.run(&[&["import", path_str(&bad)][..], extra].concat());
        assert_eq!(out.code, Some(2), "{}", out.stderr);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert!(out.stderr.contains("error: /sessions/0/checkins/2/pain: 11 is outside 0..=10"), "{}", out.stderr);
    }
    assert_eq!(log.ok(&["export", "--format", "json"]), before);
}

#[test]
fn an_event_after_now_is_refused() {
    let log = Log::new();
    log.ok(&["user", "add", "ana"]);
    let file = example("01-flare-enters-episode.input.json");
    let out = log.run_at("2026-02-21T00:00:00Z", &["import", path_str(&file)]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("error: /sessions/0/checkins/3/at: 2026-02-21T19:00:00Z is after now"),
        "{}",
        out.stderr
    );
    assert!(log.ok(&["export", "--format", "csv"]).lines().count() == 1);
}

#[test]
fn importing_twice_adds_nothing_the_second_time() {
    let log = two_weeks();
    let backup = log.path("backup.json");
    log.ok(&["export", "--format", "json", "--output", path_str(&backup)]);
    let before = log.ok(&["export", "--format", "json"]);
    // Re-importing the lifter's own export into their log.
    let out = log.ok(&["import", path_str(&backup)]);
    assert!(out.starts_with("Nothing new to import"), "{out}");
    assert_eq!(log.ok(&["export", "--format", "json"]), before);

    // An example appended twice: the second time adds nothing.
    let fresh = Log::new();
    fresh.ok(&["user", "add", "ana"]);
    fresh.ok(&["profile", "set", "--working-weight", "140"]);
    let file = example("01-flare-enters-episode.input.json");
    let first = fresh.ok(&["import", path_str(&file)]);
    assert!(first.contains("Imported into ana's log: 1 session (1 exercise, 2 sets), 5 check-ins"), "{first}");
    let once = fresh.ok(&["export", "--format", "json"]);
    let dry = fresh.ok(&["import", path_str(&file), "--dry-run"]);
    assert!(dry.contains("Would import into ana's log: 0 sessions"), "{dry}");
    assert!(dry.contains("Would skip, already in the log: 1 session"), "{dry}");
    let second = fresh.ok(&["import", path_str(&file)]);
    assert!(second.starts_with("Nothing new to import"), "{second}");
    assert_eq!(fresh.ok(&["export", "--format", "json"]), once);
    assert_eq!(fresh.ok(&["plan", "--format", "json"]), plan_stdin(&std::fs::read_to_string(&file).expect("readable")));
}

#[test]
fn a_dry_run_writes_nothing() {
    let log = two_weeks();
    let before = log.ok(&["export", "--format", "json"]);
    let file = example("01-flare-enters-episode.input.json");
    let out = log.ok(&["import", path_str(&file), "--replace", "--dry-run"]);
    assert!(out.contains("Would replace ana's log (4 sessions"), "{out}");
    assert!(out.contains("Nothing was written"), "{out}");
    assert_eq!(log.ok(&["export", "--format", "json"]), before);
}

#[test]
fn other_formats_are_refused_clearly() {
    let log = Log::new();
    log.ok(&["user", "add", "ana"]);
    let csv = log.path("strong.csv");
    std::fs::write(&csv, "Day,Lift,Kilos\n2026-01-01,Deadlift,100\n").expect("writable");
    let out = log.run(&["import", path_str(&csv)]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("is not one of a Strong, Hevy or FitNotes export"), "{}", out.stderr);
    assert!(out.stderr.contains("3 columns: \"Day\", \"Lift\", \"Kilos\""), "{}", out.stderr);
    assert!(!out.stderr.contains("--format fitnotes"), "a hint the command line refuses: {}", out.stderr);

    // --format json wants the export envelope.
    let plan_doc = example("01-flare-enters-episode.input.json");
    let out = log.run(&["import", path_str(&plan_doc), "--format", "json"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("/pullback_export: is required with --format json"), "{}", out.stderr);

    // A JSON object that is not a plan document: the contract's own problems.
    let other = log.path("other.json");
    std::fs::write(&other, r#"{"workouts": []}"#).expect("writable");
    let out = log.run(&["import", path_str(&other)]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("error: /contract: is required but missing"), "{}", out.stderr);
}

#[test]
fn csv_has_the_documented_header_and_one_row_per_set() {
    let log = two_weeks();
    let out = log.ok(&["export", "--format", "csv"]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(
            "session_id,session_at,exercise,exercise_index,set_index,load,unit,reps,rpe,warmup,tempo,block_height,\
             session_note,exercise_note,set_note"
        )
    );
    // 2 warm-ups + 3 work sets + 2 RDL + 1 squat; 3; 3; 1 warm-up + 3 + 1 bird dog.
    assert_eq!(lines.clone().count(), 8 + 3 + 3 + 5);
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows[2], "1,2026-02-16T18:00:00+01:00,deadlift,1,3,142.5,kg,5,8.5,false,,,,,");
    assert_eq!(rows[7], "1,2026-02-16T18:00:00+01:00,squat,3,1,100,kg,5,,false,,,,,");
    assert_eq!(rows[8], "2,2026-02-20T18:00:00+01:00,deadlift,1,1,70,kg,5,,false,3-1-3,,,,");
    assert_eq!(rows[11], "3,2026-02-24T18:00:00+01:00,deadlift,1,1,85,kg,5,,false,,10,,,");
    assert!(rows[14].starts_with("4,2026-02-28T18:00:00+01:00,deadlift,1,1,60,kg,5,,true"), "{}", rows[14]);
}

#[test]
fn export_and_import_have_help_with_examples() {
    for command in ["export", "import"] {
        let out = crate::run([command, "--help"]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert!(out.stdout.contains("Examples:"), "{}", out.stdout);
    }
}

#[test]
fn fhir_export_is_a_bundle_of_one_pain_observation_per_check_in() {
    let log = two_weeks();
    let bundle: Value = serde_json::from_str(&log.ok(&["export", "--format", "fhir"])).expect("JSON");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let plan: Value = serde_json::from_str(&log.ok(&["export", "--format", "plan"])).expect("JSON");
    let session_checkins: usize = plan["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| s["checkins"].as_array().map_or(0, Vec::len))
        .sum();
    let standalone = plan["checkins"].as_array().map_or(0, Vec::len);
    let entries = bundle["entry"].as_array().expect("entries");
    assert_eq!(entries.len(), session_checkins + standalone);
    for entry in entries {
        let o = &entry["resource"];
        assert_eq!(o["resourceType"], "Observation");
        assert_eq!(o["status"], "final");
        assert_eq!(o["code"]["coding"][0]["system"], "http://loinc.org");
        assert_eq!(o["code"]["coding"][0]["code"], "72514-3");
        assert!(o["valueInteger"].as_i64().is_some_and(|v| (0..=10).contains(&v)), "{o}");
        assert!(o["effectiveDateTime"].as_str().is_some_and(|t| t.len() == 25), "{o}");
        assert!(o["component"][0]["valueString"].is_string(), "{o}");
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../import/tests/fixtures").join(name)
}

#[test]
fn a_strong_export_imports_once_and_plans() {
    let log = Log::new();
    log.ok(&["user", "add", "sam", "--units", "kg", "--time-zone", "Europe/Oslo"]);
    let strong = fixture("strong_comma.csv");
    let preview = log.ok(&["import", path_str(&strong), "--dry-run", "--units", "lb"]);
    assert!(preview.contains("3 sessions"), "{preview}");
    assert!(
        preview.contains("units: lb, as you said (the file has no unit column); loads converted to kg"),
        "{preview}"
    );
    assert!(preview.contains("mapped: Deadlift (Barbell) → deadlift"), "{preview}");
    assert!(preview.contains("rest timer"), "{preview}");
    assert!(preview.contains("notes kept: 1 workout, 1 exercise, 1 set"), "{preview}");
    assert!(log.ok(&["history"]).contains("No sessions yet"), "a dry run wrote something");

    let first = log.ok(&["import", path_str(&strong), "--units", "lb"]);
    assert!(first.contains("Imported into sam's log: 3 sessions"), "{first}");
    let again = log.ok(&["import", path_str(&strong), "--units", "lb"]);
    assert!(again.contains("Nothing new to import"), "{again}");
    let history = log.ok(&["history"]);
    assert_eq!(history.lines().filter(|l| l.contains("2025-11-")).count(), 3, "{history}");
    assert!(history.contains("note: Back felt fine, no pain"), "{history}");
    assert!(history.contains("deadlift: Use straps next time"), "{history}");
    let plan: Value = serde_json::from_str(&log.ok(&["plan", "--format", "json"])).expect("JSON");
    // W comes from the imported deadlifts: the heaviest top set, 315 lb = 142.88159655 kg.
    assert_eq!(plan["metrics"]["working_weight"], 142.88159655, "{plan}");
}

#[test]
fn a_csv_with_a_bad_row_imports_nothing_unless_told_to_skip() {
    let log = Log::new();
    log.ok(&["user", "add", "sam"]);
    let csv = log.path("strong.csv");
    std::fs::write(
        &csv,
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n\
         2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),1,140,5,0,0,,,\n\
         2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),2,-140,5,0,0,,,\n\
         2025-11-05 07:15:02,Pull,1h,Deadlift (Barbell),1,145,5,0,0,,,\n",
    )
    .expect("writable");
    let out = log.run(&["import", path_str(&csv), "--units", "kg"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("line 3") && out.stderr.contains("Weight"), "{}", out.stderr);
    assert!(log.ok(&["history"]).contains("No sessions yet"), "a refused import wrote something");

    let out = log.ok(&["import", path_str(&csv), "--skip-bad-rows", "--units", "kg"]);
    assert!(out.contains("bad row skipped: line 3"), "{out}");
    assert!(out.contains("2 sessions"), "{out}");
}

#[test]
fn a_bad_row_on_line_9000_rolls_the_whole_import_back() {
    let log = Log::new();
    log.ok(&["user", "add", "sam"]);
    let header =
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n";
    let mut csv = String::from(header);
    // Lines 2..=8999: good rows, 8 sets a workout, a workout a day from 2001.
    for row in 0..8998 {
        let day = jiff::civil::date(2001, 1, 1).checked_add(jiff::Span::new().days(row / 8)).expect("date");
        csv.push_str(&format!("{day} 07:00:00,Pull,1h,Deadlift (Barbell),{},140,5,0,0,,,\n", row % 8 + 1));
    }
    csv.push_str("2025-01-01 07:00:00,Pull,1h,Deadlift (Barbell),1,heavy,5,0,0,,,\n"); // line 9000
    let path = log.path("strong.csv");
    std::fs::write(&path, csv).expect("writable");

    let out = log.run(&["import", path_str(&path), "--units", "kg"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("line 9000") && out.stderr.contains("Weight"), "{}", out.stderr);
    assert!(log.ok(&["history"]).contains("No sessions yet"), "a refused import wrote something");
}

#[test]
fn a_json_export_imported_into_a_new_log_exports_identically() {
    let log = two_weeks();
    let first = log.ok(&["export", "--format", "json"]);
    let backup = log.path("backup.json");
    std::fs::write(&backup, &first).expect("writable");

    // The same lifter on a new database, with the plates of the original (an import
    // keeps the lifter's own plates).
    let other = Log::new();
    other.ok(&["user", "add", "ana", "--units", "kg"]);
    other.ok(&["profile", "set", "--plates", "25,20,10,5,2.5,1.25"]);
    other.ok(&["import", path_str(&backup), "--replace"]);
    assert_eq!(other.ok(&["export", "--format", "json"]), first);
}

const STRONG_HEADER: &str =
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n";

#[test]
fn a_newer_export_adds_only_the_sets_the_log_lacks() {
    let log = Log::new();
    log.ok(&["user", "add", "sam", "--units", "kg"]);
    let older = format!(
        "{STRONG_HEADER}2026-02-23 07:00:00,Pull,1h,Deadlift (Barbell),1,140,5,0,0,,,\n\
         2026-02-25 07:00:00,Pull,1h,Deadlift (Barbell),1,142.5,5,0,0,,,\n"
    );
    // The same two workouts, a third set in the second, and a new workout.
    let newer = format!(
        "{older}2026-02-25 07:00:00,Pull,1h,Deadlift (Barbell),2,145,3,0,0,,,\n\
         2026-02-27 07:00:00,Pull,1h,Deadlift (Barbell),1,145,5,0,0,,,\n"
    );
    let path = log.path("strong.csv");
    std::fs::write(&path, &older).expect("writable");
    let first = log.ok(&["import", path_str(&path), "--units", "kg"]);
    assert!(first.contains("Imported into sam's log: 2 sessions (2 sets)"), "{first}");

    std::fs::write(&path, &newer).expect("writable");
    let second = log.ok(&["import", path_str(&path), "--units", "kg"]);
    assert!(
        second.contains("Imported into sam's log: 1 session (2 sets), and new sets in 1 session already logged"),
        "{second}"
    );
    assert!(second.contains("Skipped, already in the log: 2 sets."), "{second}");
    let csv = log.ok(&["export", "--format", "csv"]);
    let loads: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').nth(5).expect("a load")).collect();
    assert_eq!(loads, ["140", "142.5", "145", "145"], "{csv}");
    assert!(log.ok(&["import", path_str(&path), "--units", "kg"]).contains("Nothing new to import: the file's 4 sets"));
}

#[test]
fn a_csv_from_standard_input_imports_and_a_future_workout_refuses_the_file() {
    let log = Log::new();
    log.ok(&["user", "add", "sam", "--units", "kg"]);
    let csv = format!(
        "{STRONG_HEADER}2026-02-23 07:00:00,Pull,1h,Deadlift (Barbell),1,140,5,0,0,,,\n\
         2026-03-09 07:00:00,Pull,1h,Deadlift (Barbell),1,150,5,0,0,,,\n"
    );
    let db = log.db.to_str().expect("UTF-8 path");
    let refused = finish(
        pullback()
            .env("PULLBACK_NOW", NOW)
            .args(["--database", db, "import", "-", "--units", "kg"])
            .write_stdin(csv.clone()),
    );
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(refused.stderr.contains("the workout of 2026-03-09 07:00 UTC is after now"), "{}", refused.stderr);
    assert!(log.ok(&["history"]).contains("No sessions yet"), "a refused import wrote something");

    let past = csv.lines().take(2).collect::<Vec<_>>().join("\n");
    let out = finish(
        pullback().env("PULLBACK_NOW", NOW).args(["--database", db, "import", "-", "--units", "kg"]).write_stdin(past),
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("Imported into sam's log: 1 session (1 set)"), "{}", out.stdout);
}
