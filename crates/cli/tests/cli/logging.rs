//! Logging through the command line: bad input is refused with one clear line and
//! exit 2 and writes nothing; good input is stored; `due`, `screen` and `symmetry`
//! reach the plan.

use crate::Run;
use crate::story::Log;
use serde_json::Value;

/// A database with one kg lifter (W 140) and one session with its check-ins, so
/// that a stray write would show in `history` or in the plan.
fn ana() -> Log {
    let mut log = Log::new();
    log.at("2026-03-02T17:00:00Z");
    log.cmd(["user", "add", "ana", "--units", "kg", "--time-zone", "Europe/Oslo"]);
    log.cmd(["profile", "set", "--working-weight", "140"]);
    log.at("2026-03-02T18:00:00Z").cmd(["log", "deadlift", "140x5x3", "--before", "0", "--during", "2"]);
    log.at("2026-03-02T19:00:00Z").cmd(["checkin", "2", "--point", "after_1h"]);
    log.at("2026-03-03T18:00:00Z");
    log
}

/// What a stray write would change: the history table and the plan (which also
/// sees standalone check-ins, screenings and symmetry tests).
fn snapshot(log: &Log, user: Option<&str>) -> (String, Value) {
    let mut args: Vec<&str> = user.map(|u| vec!["--user", u]).unwrap_or_default();
    args.push("history");
    let history = log.cmd(&args);
    args.pop();
    args.extend(["plan", "--format", "json"]);
    let plan = serde_json::from_str(&log.cmd(&args)).expect("plan prints JSON");
    (history, plan)
}

/// Runs `args`, asserts exit 2 with exactly one `error:` line that contains every
/// one of `mentions`, and that nothing was written. Returns the line.
fn refused(log: &Log, args: &[&str], mentions: &[&str]) -> String {
    refused_as(log, None, args, mentions)
}

fn refused_as(log: &Log, user: Option<&str>, args: &[&str], mentions: &[&str]) -> String {
    let before = snapshot(log, user);
    let out: Run = log.run(args);
    assert_eq!(
        out.code,
        Some(2),
        "pullback {args:?}: expected exit 2\nstdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    assert!(out.stdout.is_empty(), "pullback {args:?}: stdout must be empty, got {:?}", out.stdout);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "pullback {args:?}: one error line, got:\n{}", out.stderr);
    let line = lines[0];
    assert!(line.starts_with("error: "), "pullback {args:?}: not an error line: {line:?}");
    for mention in mentions {
        assert!(line.contains(mention), "pullback {args:?}: the error should mention {mention:?}: {line:?}");
    }
    assert_eq!(snapshot(log, user), before, "pullback {args:?} changed the stored log");
    line.to_owned()
}

#[test]
fn a_misspelt_exercise_suggests_the_nearest_name() {
    refused(&ana(), &["log", "dealift", "140x5"], &["dealift", "did you mean \"deadlift\"?"]);
}

#[test]
fn an_unknown_exercise_suggests_declaring_it() {
    refused(&ana(), &["log", "bench", "100x5"], &["bench", "--other bench"]);
}

#[test]
fn another_exercise_with_an_over_long_or_hidden_name_is_refused() {
    let long = "x".repeat(101);
    refused(&ana(), &["log", &long, "100x5", "--other", &long], &["at most 100 characters"]);
    refused(&ana(), &["log", "squat\u{200b}", "100x5", "--other", "squat\u{200b}"], &["U+200B"]);
}

#[test]
fn a_malformed_set_is_refused() {
    refused(&ana(), &["log", "deadlift", "140x"], &["\"140x\"", "LOADxREPS"]);
}

#[test]
fn pain_above_ten_is_refused() {
    refused(&ana(), &["log", "deadlift", "140x5", "--during", "11"], &["--during", "11"]);
    refused(&ana(), &["checkin", "11"], &["11", "0..=10"]);
}

#[test]
fn a_negative_load_is_refused_naming_it() {
    // After `--`, "-5x5" reaches the log-line parser as a token.
    refused(&ana(), &["log", "deadlift", "--", "-5x5"], &["-5x5"]);
}

#[test]
fn a_negative_load_without_dashes_is_a_usage_error() {
    // Without `--`, clap reads "-5x5" as an option: a usage error (exit 2, with
    // clap's usage lines after the error line), and nothing is written.
    let log = ana();
    let before = snapshot(&log, None);
    let out = log.run(["log", "deadlift", "-5x5"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert_eq!(snapshot(&log, None), before);
}

#[test]
fn a_session_in_the_future_is_refused() {
    // Now is 2026-03-03T18:00:00Z; one minute later is the future.
    refused(&ana(), &["log", "deadlift", "140x5", "--at", "2026-03-03T18:01:00Z"], &["--at", "future"]);
}

#[test]
fn a_checkin_for_a_missing_session_is_refused() {
    refused(&ana(), &["checkin", "3", "--point", "after_1h", "--session", "999"], &["999"]);
}

#[test]
fn a_session_checkin_before_any_session_is_refused() {
    let mut log = Log::new();
    log.at("2026-03-02T17:00:00Z").cmd(["user", "add", "ana", "--units", "kg"]);
    refused(&log, &["checkin", "3", "--point", "after_1h"], &["no session"]);
    assert!(log.cmd(["history"]).starts_with("No sessions yet"));
}

#[test]
fn an_unknown_user_is_refused() {
    let log = ana();
    refused(&log, &["--user", "nobody", "log", "deadlift", "140x5"], &["nobody"]);
}

#[test]
fn several_users_need_a_user_choice() {
    let log = ana();
    log.cmd(["user", "add", "ben", "--units", "lb"]);
    let before_ben = snapshot(&log, Some("ben"));
    let line = refused_as(&log, Some("ana"), &["log", "deadlift", "140x5"], &["several users", "--user"]);
    assert!(line.contains("ana") && line.contains("ben"), "{line}");
    assert_eq!(snapshot(&log, Some("ben")), before_ben);
    // With --user, it is logged for that lifter only.
    log.cmd(["--user", "ben", "log", "deadlift", "315x5"]);
    assert!(log.cmd(["--user", "ben", "history"]).contains("deadlift 1 × 5 at 315 lb"));
    assert!(!log.cmd(["--user", "ana", "history"]).contains("315"));
}

#[test]
fn other_exercises_and_aliases_are_logged() {
    let log = ana();
    log.cmd(["log", "squat", "100x5x5", "--other", "squat"]);
    log.cmd(["log", "sumo", "100x8x3", "--at", "2026-03-03T17:30:00Z"]);
    let history = log.cmd(["history"]);
    assert!(history.contains("squat 5 × 5 at 100 kg"), "{history}");
    assert!(history.contains("sumo deadlift 3 × 8 at 100 kg"), "{history}");
}

#[test]
fn due_lists_the_checkins_owed() {
    let mut log = ana();
    log.at("2026-03-04T18:00:00Z").cmd(["log", "deadlift", "100x5x3", "--during", "1"]);
    // 1 h 30 min after: the 1 h check-in is due, the 24 h one upcoming.
    let due = log.at("2026-03-04T19:30:00Z").cmd(["due"]);
    let line_of = |text: &str, what: &str| -> String {
        text.lines()
            .find(|l| l.contains("session 2") && l.contains(what))
            .unwrap_or_else(|| panic!("no line for session 2 {what}:\n{text}"))
            .to_owned()
    };
    assert!(line_of(&due, "1 h check-in").starts_with("due "), "{due}");
    assert!(line_of(&due, "24 h check-in").starts_with("upcoming "), "{due}");
    // 14 h after: the 1 h check-in is 13 h late, over 12 h: overdue; 24 h still upcoming.
    let due = log.at("2026-03-05T08:00:00Z").cmd(["due"]);
    assert!(line_of(&due, "1 h check-in").starts_with("overdue "), "{due}");
    assert!(line_of(&due, "24 h check-in").starts_with("upcoming "), "{due}");
    // Once answered, it is no longer listed.
    log.cmd(["checkin", "1", "--point", "after_1h", "--session", "2"]);
    let due = log.cmd(["due"]);
    assert!(!due.lines().any(|l| l.contains("session 2") && l.contains("1 h check-in")), "{due}");
}

fn action(log: &Log) -> (String, usize) {
    let plan = log.plan();
    let action = plan["action"].as_str().expect("action").to_owned();
    (action, plan["prescription"].as_array().expect("prescription").len())
}

#[test]
fn screenings_reach_the_plan() {
    let mut log = ana();
    log.at("2026-03-03T18:00:00Z").cmd(["screen", "--no-red-flags"]);
    assert_eq!(action(&log).0, "train");

    let out = log.at("2026-03-03T18:10:00Z").cmd(["screen", "--yes", "bladder_bowel"]);
    assert!(out.contains("URGENT"), "{out}");
    assert_eq!(action(&log), ("urgent_care".to_owned(), 0));

    let out = log.at("2026-03-03T18:20:00Z").cmd(["screen", "--yes", "fever"]);
    assert!(out.contains("doctor"), "{out}");
    assert_eq!(action(&log), ("see_doctor".to_owned(), 0));

    // A later screening that answers no records that the assessment cleared the lifter.
    log.at("2026-03-03T18:30:00Z").cmd(["screen", "--no-red-flags"]);
    assert_eq!(action(&log).0, "train");
}

#[test]
fn an_unknown_red_flag_is_refused() {
    refused(&ana(), &["screen", "--yes", "headache"], &["headache"]);
}

#[test]
fn symmetry_prints_and_plans_the_lsi() {
    let mut log = ana();
    // min(310, 265) / max(310, 265) = 0.8548… → half-up to 2 decimals: 0.85.
    let out = log.cmd(["symmetry", "310", "265"]);
    assert!(out.contains("0.85"), "{out}");
    let plan = log.plan_at("2026-03-03T18:05:00Z");
    assert_eq!(plan["metrics"]["lsi"].as_f64(), Some(0.85), "{plan}");
}

#[test]
fn two_processes_logging_at_once_both_land() {
    let log = ana();
    let spawn = |load: &str| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin!("pullback"))
            .arg("--database")
            .arg(log.db())
            .args(["log", "deadlift", load, "--during", "1"])
            .env("PULLBACK_NOW", log.now())
            .env_remove("PULLBACK_USER")
            .env_remove("PULLBACK_DATABASE_URL")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("pullback starts")
    };
    let (a, b) = (spawn("101x5x3"), spawn("102x5x3"));
    for (child, load) in [(a, "101"), (b, "102")] {
        let out = child.wait_with_output().expect("pullback runs");
        assert!(out.status.success(), "logging {load} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let history = log.cmd(["history"]);
    assert!(history.contains("3 × 5 at 101 kg"), "{history}");
    assert!(history.contains("3 × 5 at 102 kg"), "{history}");
    // The session of the setup and these two.
    assert_eq!(history.lines().filter(|l| l.contains(" × ")).count(), 3, "{history}");
}
