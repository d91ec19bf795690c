//! The worked examples run cleanly in every output format.

use crate::{example_inputs, plan_path, run_stdin, valid_history};
use serde_json::Value;

fn parse(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}"))
}

/// The four worked examples of the spec, and the repo's own (05: issue 11's trace; 06: issue 18's tolerance estimate).
#[test]
fn every_example_is_here() {
    let names: Vec<String> = example_inputs()
        .iter()
        .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(|n| n[..2].to_owned()))
        .collect();
    assert_eq!(names, ["01", "02", "03", "04", "05", "06"], "{:?}", example_inputs());
}

#[test]
fn each_example_prints_a_plan_document() {
    for input in example_inputs() {
        let out = plan_path(&input, &[]);
        assert_eq!(out.code, Some(0), "{}: {}", input.display(), out.stderr);
        assert!(out.stderr.is_empty(), "{}: stderr {:?}", input.display(), out.stderr);
        let doc = parse(&out.stdout);
        assert_eq!(doc["contract"], "pullback.plan/v1", "{}", input.display());
        assert!(doc["action"].is_string(), "{}: no action", input.display());
        assert_eq!(out.stdout.trim_end().lines().count(), 1, "{}: compact output is one line", input.display());
    }
}

#[test]
fn pretty_output_is_the_same_document_indented() {
    for input in example_inputs() {
        let compact = plan_path(&input, &[]);
        let pretty = plan_path(&input, &["--pretty"]);
        assert_eq!(pretty.code, Some(0), "{}: {}", input.display(), pretty.stderr);
        assert!(pretty.stderr.is_empty(), "{}: stderr {:?}", input.display(), pretty.stderr);
        assert!(pretty.stdout.trim_end().contains('\n'), "{}: pretty output has no newlines", input.display());
        assert_eq!(parse(&pretty.stdout), parse(&compact.stdout), "{}", input.display());
    }
}

#[test]
fn text_output_has_the_headline_and_the_disclaimer() {
    let headlines = [
        "URGENT: get emergency care now. Do not train.",
        "See a doctor before you train again.",
        "Rest from deadlifts today; stay active.",
        "Train: ",
    ];
    for input in example_inputs() {
        let json = parse(&plan_path(&input, &[]).stdout);
        let out = plan_path(&input, &["--format", "text"]);
        assert_eq!(out.code, Some(0), "{}: {}", input.display(), out.stderr);
        assert!(out.stderr.is_empty(), "{}: stderr {:?}", input.display(), out.stderr);
        let first = out.stdout.lines().next().unwrap_or_default();
        let expected = match json["action"].as_str() {
            Some("urgent_care") => headlines[0],
            Some("see_doctor") => headlines[1],
            Some("rest_active") => headlines[2],
            _ => headlines[3],
        };
        assert!(first.starts_with(expected), "{}: headline {first:?}, expected {expected:?}", input.display());
        assert!(
            out.stdout.lines().any(|l| l.contains("does not replace a clinician")),
            "{}: no disclaimer in\n{}",
            input.display(),
            out.stdout
        );
    }
}

#[test]
fn the_examples_cover_urgent_care_and_training() {
    let actions: Vec<String> = example_inputs()
        .iter()
        .map(|input| {
            let out = plan_path(input, &[]);
            parse(&out.stdout)["action"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    assert!(actions.iter().any(|a| a == "urgent_care"), "{actions:?}");
    assert!(actions.iter().any(|a| a == "train"), "{actions:?}");
}

#[test]
fn standard_input_gives_the_same_plan_as_a_file() {
    for input in example_inputs() {
        let text = std::fs::read_to_string(&input).expect("example is readable");
        let from_stdin = run_stdin(&text, &[]);
        assert_eq!(from_stdin.code, Some(0), "{}: {}", input.display(), from_stdin.stderr);
        assert!(from_stdin.stderr.is_empty());
        let from_file = plan_path(&input, &[]);
        assert_eq!(parse(&from_stdin.stdout), parse(&from_file.stdout), "{}", input.display());
    }
}

#[test]
fn standard_input_works_with_text_and_short_flag() {
    let text = valid_history().to_string();
    let out = crate::finish(crate::pullback().args(["plan", "-i", "-", "--format", "text"]).write_stdin(text));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("does not replace a clinician"), "{}", out.stdout);
}

#[test]
fn a_minimal_document_from_a_temp_file_plans() {
    let doc = crate::write_doc(&valid_history());
    let out = crate::plan(&doc, &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.is_empty());
    let decision = parse(&out.stdout);
    assert_eq!(decision["contract"], "pullback.plan/v1");
    assert_eq!(decision["as_of"], "2026-03-02T07:00:00Z");
}
