//! Table-driven rule tests for `pullback.plan/v1`, written from
//! `protocol.md` and `plan-contract.md` only.
//!
//! Every test runs [`pullback_contract::plan_value`] on a small history and
//! compares the fields the specification fixes, with partial-object semantics
//! (see [`check`]). Expected numbers carry their arithmetic in a comment.
//!
//! Time helper: `t(d, h)` is 2026-01-01T00:00Z plus `d` days and `h` hours.
//! Unless said otherwise sessions are deadlifts of 3 × 5 at the given load.
//!
//! Places where the specification leaves room are marked `SPEC-AMBIGUOUS`.

mod actions;
mod blocks;
mod errors;
mod examples;
mod flags;
mod imported;
mod ladder;
mod layoff;
mod loads;
mod ordering;
mod overrides;
mod referrals;
mod tolerance;
mod transitions;

use pullback_contract::plan_value;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------

/// Numbers compare by value (70 == 70.0), with a tiny relative tolerance.
fn numbers_equal(expected: &serde_json::Number, actual: &serde_json::Number) -> bool {
    match (expected.as_f64(), actual.as_f64()) {
        (Some(e), Some(a)) => (e - a).abs() <= 1e-9 * e.abs().max(a.abs()).max(1.0),
        _ => expected == actual,
    }
}

/// Collects every difference between `expected` and `actual` under `path`.
///
/// An object in `expected` is compared field by field (fields it does not list
/// are free); arrays must have the same length and are compared element by
/// element with the same rule; scalars must be equal (numbers by value).
pub fn diff(path: &str, expected: &Value, actual: Option<&Value>, out: &mut Vec<String>) {
    let shown = if path.is_empty() { "/" } else { path };
    let Some(actual) = actual else {
        out.push(format!("{shown}: expected {expected}, but the field is missing"));
        return;
    };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                diff(&format!("{path}/{escaped}"), value, a.get(key), out);
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() == a.len() {
                for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                    diff(&format!("{path}/{i}"), ev, Some(av), out);
                }
            } else {
                out.push(format!(
                    "{shown}: expected {} elements {expected}, got {} elements {actual}",
                    e.len(),
                    a.len()
                ));
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            if !numbers_equal(e, a) {
                out.push(format!("{shown}: expected {expected}, got {actual}"));
            }
        }
        _ => {
            if expected != actual {
                out.push(format!("{shown}: expected {expected}, got {actual}"));
            }
        }
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// Runs the engine on a history that must be valid.
pub fn run(history: &Value) -> Value {
    match plan_value(history) {
        Ok(output) => output,
        Err(problems) => {
            let listed: Vec<String> = problems.iter().map(|p| format!("  {}: {}", p.pointer, p.message)).collect();
            panic!("plan_value refused a valid history:\n{}\ninput:\n{}", listed.join("\n"), pretty(history));
        }
    }
}

/// Like [`check`], naming the case in the failure message (for loops).
pub fn check_as(label: &str, history: Value, expected: Value) -> Value {
    let actual = run(&history);
    let mut diffs = Vec::new();
    diff("", &expected, Some(&actual), &mut diffs);
    if !diffs.is_empty() {
        panic!(
            "{}{} mismatch(es):\n  {}\n\nactual output:\n{}\n\ninput:\n{}",
            if label.is_empty() { String::new() } else { format!("case `{label}`: ") },
            diffs.len(),
            diffs.join("\n  "),
            pretty(&actual),
            pretty(&history)
        );
    }
    actual
}

/// Runs `plan_value` and asserts every field listed in `expected` (partial
/// objects, see [`diff`]). Returns the whole output for further checks.
pub fn check(history: Value, expected: Value) -> Value {
    check_as("", history, expected)
}

fn problems_of(label: &str, history: &Value) -> Vec<pullback_contract::Problem> {
    match plan_value(history) {
        Ok(output) => panic!(
            "case `{label}`: expected input problems, but plan_value accepted it:\n{}\ninput:\n{}",
            pretty(&output),
            pretty(history)
        ),
        Err(problems) => problems,
    }
}

fn list_problems(problems: &[pullback_contract::Problem]) -> String {
    problems.iter().map(|p| format!("  {}: {}", p.pointer, p.message)).collect::<Vec<_>>().join("\n")
}

/// Asserts that `plan_value` refuses the history with, for each wanted
/// `(pointer, substring)`, a problem at exactly that pointer whose message
/// contains the substring.
pub fn check_errors_as(label: &str, history: Value, wanted: &[(&str, &str)]) {
    let problems = problems_of(label, &history);
    for (pointer, needle) in wanted {
        let found = problems.iter().any(|p| p.pointer == *pointer && p.message.contains(needle));
        assert!(
            found,
            "case `{label}`: no problem at `{pointer}` with a message containing `{needle}`; got:\n{}",
            list_problems(&problems)
        );
    }
}

pub fn check_errors(history: Value, wanted: &[(&str, &str)]) {
    check_errors_as("", history, wanted);
}

/// Asserts a refusal with some problem whose pointer starts with `prefix`
/// (used where the exact pointer is not fixed by the contract).
pub fn check_error_under(label: &str, history: Value, prefix: &str) {
    let problems = problems_of(label, &history);
    assert!(
        problems.iter().any(|p| p.pointer.starts_with(prefix)),
        "case `{label}`: no problem under `{prefix}`; got:\n{}",
        list_problems(&problems)
    );
}

/// Asserts that `output.reasons` contains an entry for each rule (inclusion).
pub fn assert_reason_rules(output: &Value, rules: &[&str]) {
    let present: Vec<&str> = output["reasons"]
        .as_array()
        .map(|reasons| reasons.iter().filter_map(|r| r["rule"].as_str()).collect())
        .unwrap_or_default();
    for rule in rules {
        assert!(
            present.contains(rule),
            "expected a reason with rule `{rule}`; reasons have rules {present:?}\noutput:\n{}",
            pretty(output)
        );
    }
}

// ---------------------------------------------------------------------------
// JSON editing
// ---------------------------------------------------------------------------

/// Sets the field at an RFC 6901 pointer (the parent must exist).
pub fn set(mut document: Value, pointer: &str, value: Value) -> Value {
    let (parent, last) = pointer.rsplit_once('/').expect("pointer starts with /");
    let target = document.pointer_mut(parent).unwrap_or_else(|| panic!("no parent {parent} for {pointer}"));
    match target {
        Value::Object(map) => {
            map.insert(last.replace("~1", "/").replace("~0", "~"), value);
        }
        Value::Array(items) => {
            let index: usize = last.parse().expect("array index");
            items[index] = value;
        }
        other => panic!("cannot set {pointer} inside {other}"),
    }
    document
}

/// Removes the field at an RFC 6901 pointer.
pub fn remove(mut document: Value, pointer: &str) -> Value {
    let (parent, last) = pointer.rsplit_once('/').expect("pointer starts with /");
    let target = document.pointer_mut(parent).unwrap_or_else(|| panic!("no parent {parent} for {pointer}"));
    match target {
        Value::Object(map) => {
            map.remove(last);
        }
        other => panic!("cannot remove {pointer} inside {other}"),
    }
    document
}

/// Sets a top-level field of a history (`checkins`, `protocol`, ...).
pub fn with(mut history: Value, key: &str, value: Value) -> Value {
    history[key] = value;
    history
}

// ---------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------

/// 2026-01-01T00:00:00Z in Unix seconds.
const BASE_EPOCH: i64 = 1_767_225_600;

/// 2026-01-01T00:00Z + `day` days + `hour` hours + `minute` minutes, RFC 3339 UTC.
pub fn ts(day: i64, hour: i64, minute: i64) -> String {
    let seconds = BASE_EPOCH + day * 86_400 + hour * 3_600 + minute * 60;
    jiff::Timestamp::from_second(seconds).expect("time in range").to_string()
}

/// 2026-01-01T00:00Z + `day` days + `hour` hours.
pub fn t(day: i64, hour: i64) -> String {
    ts(day, hour, 0)
}

pub fn history(as_of: impl AsRef<str>, profile: Value, sessions: Vec<Value>) -> Value {
    json!({
        "contract": "pullback.plan/v1",
        "as_of": as_of.as_ref(),
        "profile": profile,
        "sessions": sessions,
    })
}

pub fn kg(working_weight: f64) -> Value {
    json!({ "units": "kg", "working_weight": working_weight })
}

pub fn lb(working_weight: f64) -> Value {
    json!({ "units": "lb", "working_weight": working_weight })
}

/// A kg profile without a working weight (W derived from history).
pub fn kg_derived() -> Value {
    json!({ "units": "kg" })
}

/// Adds a field to a profile.
pub fn and(mut profile: Value, key: &str, value: Value) -> Value {
    profile[key] = value;
    profile
}

pub fn ci(point: &str, pain: i64) -> Value {
    json!({ "point": point, "pain": pain })
}

pub fn cis(points: &[(&str, i64)]) -> Value {
    Value::Array(points.iter().map(|(p, pain)| ci(p, *pain)).collect())
}

/// `n` sets of 5 reps at `load`.
pub fn sets(load: f64, n: usize) -> Value {
    Value::Array((0..n).map(|_| json!({ "load": load, "reps": 5 })).collect())
}

/// A session of one exercise with the given sets and check-ins.
pub fn session_of(at: impl AsRef<str>, exercise: &str, sets: Value, checkins: Value) -> Value {
    let at = at.as_ref();
    json!({
        "id": format!("s@{at}"),
        "at": at,
        "exercises": [ { "exercise": exercise, "sets": sets } ],
        "checkins": checkins,
    })
}

/// A deadlift session, 3 × 5 at `load` (tonnage 15 × load).
pub fn session(at: impl AsRef<str>, load: f64, checkins: Value) -> Value {
    session_of(at, "deadlift", sets(load, 3), checkins)
}

/// Tolerated: after_24h 0 (not sore; never significantly worse).
pub fn ok(at: impl AsRef<str>, load: f64) -> Value {
    session(at, load, cis(&[("after_24h", 0)]))
}

/// Sore but not a flare: after_24h 2 (= sore_min).
pub fn sore(at: impl AsRef<str>, load: f64) -> Value {
    session(at, load, cis(&[("after_24h", 2)]))
}

/// A flare in either state (during 5 > 4) whose after_24h 3 keeps the latest
/// check-in tolerable, so the action stays `train`.
pub fn flare(at: impl AsRef<str>, load: f64) -> Value {
    session(at, load, cis(&[("during", 5), ("after_24h", 3)]))
}

/// A flare with pain only at the bottom of the pull.
pub fn bottom(at: impl AsRef<str>, load: f64) -> Value {
    session(
        at,
        load,
        json!([
            { "point": "during", "pain": 5, "bottom_only": true },
            { "point": "after_24h", "pain": 3 }
        ]),
    )
}

/// Pending: no after_24h, nothing above 4.
pub fn pending(at: impl AsRef<str>, load: f64) -> Value {
    session(at, load, cis(&[("during", 1)]))
}

/// Gives a session an explicit id.
pub fn id(mut session: Value, id: &str) -> Value {
    session["id"] = json!(id);
    session
}

pub fn standalone(at: impl AsRef<str>, pain: i64) -> Value {
    json!({ "at": at.as_ref(), "pain": pain })
}

/// A screening with every field false except those named.
pub fn screening(at: impl AsRef<str>, yes: &[&str]) -> Value {
    let mut s = json!({
        "at": at.as_ref(),
        "saddle_anesthesia": false, "bladder_bowel": false, "progressive_weakness": false,
        "fever": false, "trauma": false, "cancer_history": false,
        "weight_loss": false, "night_pain": false
    });
    for field in yes {
        s[*field] = json!(true);
    }
    s
}

pub fn symmetry(at: impl AsRef<str>, left: f64, right: f64) -> Value {
    json!({ "at": at.as_ref(), "left": left, "right": right })
}

/// The entering flare at day 0 (140) and `n` tolerated sessions (70) every
/// two days: the episode is at rung 3 + n (n ≤ 8); n = 9 resolves.
pub fn ladder_sessions(n: i64) -> Vec<Value> {
    let mut sessions = vec![flare(t(0, 10), 140.0)];
    sessions.extend((1..=n).map(|i| ok(t(2 * i, 10), 70.0)));
    sessions
}

/// `ladder_sessions(n)` decided 1 day 2 h after the last session (its
/// after_24h exists, no layoff, acwr null because history < 28 days).
pub fn ladder_with(n: i64, profile: Value) -> Value {
    history(t(2 * n + 1, 12), profile, ladder_sessions(n))
}

/// `ladder_with(n, kg(140))`: W = 140 kg.
pub fn ladder(n: i64) -> Value {
    ladder_with(n, kg(140.0))
}

/// An entering flare at day 0 and `k` more flares every two days: rung
/// max(3 − k, 0). Decided 1 day 2 h after the last one.
pub fn descend(k: i64, profile: Value) -> Value {
    let sessions = (0..=k).map(|i| flare(t(2 * i, 10), 100.0)).collect();
    history(t(2 * k + 1, 12), profile, sessions)
}

/// The rung-0 movements (also the `rest_active` prescription).
pub fn rung0() -> Value {
    json!([
        { "exercise": "bird_dog", "load": 0, "sets": 3, "reps": 10 },
        { "exercise": "good_morning", "load": 0, "sets": 3, "reps": 10 }
    ])
}

/// The expected prescription of a ladder rung from its main-lift entry:
/// rungs 7–11 add `jefferson_curl` 2 × 8 unloaded after the main lift.
pub fn rung_prescription(rung: i64, main: Value) -> Value {
    if rung >= 7 {
        json!([main, { "exercise": "jefferson_curl", "load": 0, "sets": 2, "reps": 8 }])
    } else {
        json!([main])
    }
}

/// The normal-state `train` prescription: the lifter's own program.
pub fn own_program(exercise: &str) -> Value {
    json!([ { "exercise": exercise, "load": null, "sets": null, "reps": null } ])
}

// ---------------------------------------------------------------------------
// Self-tests of the helpers (these pass without the engine)
// ---------------------------------------------------------------------------

#[test]
fn helper_times_are_rfc3339_utc() {
    assert_eq!(t(0, 0), "2026-01-01T00:00:00Z");
    assert_eq!(ts(31, 7, 30), "2026-02-01T07:30:00Z");
    assert_eq!(t(60, 18), "2026-03-02T18:00:00Z");
}

#[test]
fn helper_diff_is_partial_and_numeric() {
    let actual = json!({
        "load": 70.0, "rung": 3, "extra": "free",
        "prescription": [ { "exercise": "deadlift", "load": 122.5, "unit": "kg" } ]
    });
    let mut out = Vec::new();
    diff("", &json!({ "load": 70, "prescription": [ { "load": 122.5 } ] }), Some(&actual), &mut out);
    assert!(out.is_empty(), "{out:?}");

    let mut out = Vec::new();
    diff("", &json!({ "rung": 4, "missing": null, "prescription": [] }), Some(&actual), &mut out);
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(out.iter().any(|d| d.starts_with("/rung")), "{out:?}");
}

#[test]
fn helper_set_and_remove_follow_pointers() {
    let doc = json!({ "a": { "b": [ { "c": 1 } ] } });
    let doc = set(doc, "/a/b/0/c", json!(2));
    assert_eq!(doc["a"]["b"][0]["c"], 2);
    let doc = remove(doc, "/a/b/0/c");
    assert_eq!(doc["a"]["b"][0], json!({}));
}
