//! Input that breaks the contract: exit 2, nothing on stdout, one
//! `error: <pointer>: ...` line per problem on stderr.

use crate::{Run, plan, run_stdin, valid_history, write_doc, write_raw};
use serde_json::{Value, json};

/// Asserts a contract refusal and returns the error lines.
fn refused(out: &Run) -> Vec<&str> {
    assert_eq!(out.code, Some(2), "expected exit 2; stderr:\n{}", out.stderr);
    assert!(out.stdout.is_empty(), "stdout must be empty, got {:?}", out.stdout);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(!lines.is_empty(), "stderr must name the problem");
    for line in &lines {
        assert!(line.starts_with("error: "), "not an error line: {line:?}");
    }
    lines
}

/// Runs `doc` and asserts exactly the problems at `pointers`, one line each, in any order.
fn assert_problems(doc: &Value, pointers: &[&str]) -> Vec<String> {
    let out = plan(&write_doc(doc), &[]);
    let lines = refused(&out);
    assert_eq!(lines.len(), pointers.len(), "one line per problem; got:\n{}", out.stderr);
    for pointer in pointers {
        let prefix = format!("error: {pointer}: ");
        assert!(
            lines.iter().any(|l| l.starts_with(&prefix) && l.len() > prefix.len()),
            "no line for {pointer}; got:\n{}",
            out.stderr
        );
    }
    lines.iter().map(|l| (*l).to_owned()).collect()
}

/// `valid_history()` with one change.
fn with(change: impl FnOnce(&mut Value)) -> Value {
    let mut doc = valid_history();
    change(&mut doc);
    doc
}

#[test]
fn the_base_document_is_valid() {
    let out = plan(&write_doc(&valid_history()), &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
}

#[test]
fn pain_above_ten_is_refused() {
    let doc = with(|d| d["sessions"][0]["checkins"][0]["pain"] = json!(11));
    let lines = assert_problems(&doc, &["/sessions/0/checkins/0/pain"]);
    assert!(lines[0].contains("11"), "{lines:?}");
}

#[test]
fn pain_written_as_a_decimal_is_refused() {
    let doc = with(|d| d["sessions"][0]["checkins"][0]["pain"] = json!(5.0));
    let lines = assert_problems(&doc, &["/sessions/0/checkins/0/pain"]);
    assert!(lines[0].contains("5.0"), "{lines:?}");
}

#[test]
fn negative_pain_on_a_standalone_checkin_is_refused() {
    let doc = with(|d| d["checkins"][0]["pain"] = json!(-1));
    assert_problems(&doc, &["/checkins/0/pain"]);
}

#[test]
fn unknown_units_are_refused() {
    let doc = with(|d| d["profile"]["units"] = json!("stone"));
    let lines = assert_problems(&doc, &["/profile/units"]);
    assert!(lines[0].contains("stone"), "{lines:?}");
}

#[test]
fn a_negative_load_is_refused() {
    let doc = with(|d| d["sessions"][0]["exercises"][0]["sets"][0]["load"] = json!(-20));
    assert_problems(&doc, &["/sessions/0/exercises/0/sets/0/load"]);
}

#[test]
fn a_non_numeric_load_is_refused() {
    let doc = with(|d| d["sessions"][0]["exercises"][0]["sets"][1]["load"] = json!("heavy"));
    assert_problems(&doc, &["/sessions/0/exercises/0/sets/1/load"]);
}

#[test]
fn as_of_without_an_offset_is_refused() {
    let doc = with(|d| d["as_of"] = json!("2026-03-02T07:00:00"));
    assert_problems(&doc, &["/as_of"]);
}

#[test]
fn a_session_time_without_an_offset_is_refused() {
    let doc = with(|d| d["sessions"][0]["at"] = json!("2026-02-20T18:00:00"));
    assert_problems(&doc, &["/sessions/0/at"]);
}

#[test]
fn a_missing_contract_is_refused() {
    let doc = with(|d| {
        d.as_object_mut().expect("an object").remove("contract");
    });
    let lines = assert_problems(&doc, &["/contract"]);
    assert!(lines[0].contains("missing"), "{lines:?}");
}

#[test]
fn an_unknown_contract_is_refused() {
    let doc = with(|d| d["contract"] = json!("pullback.plan/v2"));
    let lines = assert_problems(&doc, &["/contract"]);
    assert!(lines[0].contains("pullback.plan/v2"), "{lines:?}");
}

#[test]
fn an_unknown_protocol_key_is_refused() {
    let doc = with(|d| d["protocol"] = json!({ "tolerable_max": 5, "foo": 1 }));
    let lines = assert_problems(&doc, &["/protocol/foo"]);
    assert!(lines[0].contains("foo"), "{lines:?}");
}

#[test]
fn a_protocol_value_out_of_range_is_refused() {
    let doc = with(|d| d["protocol"] = json!({ "tolerable_max": 9 }));
    assert_problems(&doc, &["/protocol/tolerable_max"]);
}

#[test]
fn unknown_fields_outside_protocol_are_ignored() {
    let doc = with(|d| {
        d["newer_field"] = json!({ "anything": [1, 2, 3] });
        d["sessions"][0]["mood"] = json!("great");
    });
    let out = plan(&write_doc(&doc), &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
}

#[test]
fn every_problem_is_reported_at_once() {
    let doc = json!({
        "contract": "pullback.plan/v0",
        "as_of": "2026-03-02 07:00",
        "profile": { "units": "stone", "time_zone": "Mars/Olympus" },
        "protocol": { "foo": 1 },
        "sessions": [
            { "at": "2026-02-20",
              "exercises": [
                { "exercise": "deadlift",
                  "sets": [ { "load": -5, "reps": 3 }, { "load": 100, "reps": 2.5 } ] },
                { "exercise": "romanian_deadlift", "tempo": "fast" } ],
              "checkins": [
                { "point": "during", "pain": 11 },
                { "point": "after_1h", "pain": 5.0 },
                { "point": "later", "pain": 1 } ] }
        ],
        "checkins": [ { "pain": 3, "side": "top" } ],
        "symmetry_tests": [ { "at": "2026-02-22T10:00:00Z", "left": 0, "right": 265 } ]
    });
    assert_problems(
        &doc,
        &[
            "/contract",
            "/as_of",
            "/profile/units",
            "/profile/time_zone",
            "/protocol/foo",
            "/sessions/0/at",
            "/sessions/0/exercises/0/sets/0/load",
            "/sessions/0/exercises/0/sets/1/reps",
            "/sessions/0/exercises/1/tempo",
            "/sessions/0/checkins/0/pain",
            "/sessions/0/checkins/1/pain",
            "/sessions/0/checkins/2/point",
            "/checkins/0/at",
            "/checkins/0/side",
            "/symmetry_tests/0/left",
        ],
    );
}

/// The contract promises one line per problem, but `parse.rs` returns early from
/// an exercise with a bad `tempo` or `block_height` (skipping its other fields
/// and all its sets) and from a set with a bad `rpe` (skipping `warmup`).
#[test]
fn a_bad_field_does_not_hide_problems_after_it() {
    let exercise = |e: Value| with(|d| d["sessions"][0]["exercises"][0] = e);
    assert_problems(
        &exercise(json!({ "exercise": "deadlift", "tempo": "fast", "block_height": -1,
                          "sets": [ { "load": -5, "reps": 3 } ] })),
        &[
            "/sessions/0/exercises/0/tempo",
            "/sessions/0/exercises/0/block_height",
            "/sessions/0/exercises/0/sets/0/load",
        ],
    );
    assert_problems(
        &exercise(json!({ "exercise": "deadlift", "block_height": -3, "sets": [ { "load": -5, "reps": 3 } ] })),
        &["/sessions/0/exercises/0/block_height", "/sessions/0/exercises/0/sets/0/load"],
    );
    assert_problems(
        &exercise(json!({ "exercise": "deadlift", "sets": [ { "load": 5, "reps": 3, "rpe": 3, "warmup": "yes" } ] })),
        &["/sessions/0/exercises/0/sets/0/rpe", "/sessions/0/exercises/0/sets/0/warmup"],
    );
}

#[test]
fn invalid_json_syntax_is_refused() {
    let out = plan(&write_raw("{ \"contract\": \"pullback.plan/v1\", "), &[]);
    let lines = refused(&out);
    assert!(out.stderr.starts_with("error:"), "{}", out.stderr);
    assert_eq!(lines.len(), 1, "{}", out.stderr);
}

#[test]
fn invalid_json_on_standard_input_is_refused() {
    let out = run_stdin("not json at all", &[]);
    refused(&out);
    assert!(out.stderr.starts_with("error:"), "{}", out.stderr);
}

#[test]
fn a_document_that_is_not_an_object_is_refused() {
    let out = run_stdin("[1, 2, 3]", &[]);
    refused(&out);
}

#[test]
fn refusals_are_the_same_in_text_format() {
    let doc = with(|d| d["sessions"][0]["checkins"][0]["pain"] = json!(11));
    let out = plan(&write_doc(&doc), &["--format", "text"]);
    let lines = refused(&out);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with("error: /sessions/0/checkins/0/pain: "), "{lines:?}");
}
