//! The worked examples in `examples/`: each `NAME.input.json` against its
//! `NAME.expected.json`, with the same partial comparison as [`crate::check`].

use crate::diff;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

#[test]
fn worked_examples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".input.json")))
        .collect();
    inputs.sort();

    let mut failures = Vec::new();
    let mut pairs = 0;
    for input_path in &inputs {
        let name = input_path
            .file_name()
            .and_then(|n| n.to_str())
            .map(|n| n.trim_end_matches(".input.json").to_string())
            .unwrap_or_default();
        let expected_path = dir.join(format!("{name}.expected.json"));
        assert!(expected_path.exists(), "{name}: no {}", expected_path.display());
        pairs += 1;
        let input = read_json(input_path);
        let expected = read_json(&expected_path);
        match pullback_contract::plan_value(&input) {
            Ok(actual) => {
                let mut diffs = Vec::new();
                diff("", &expected, Some(&actual), &mut diffs);
                if !diffs.is_empty() {
                    failures.push(format!(
                        "{name}:\n  {}\nactual output:\n{}",
                        diffs.join("\n  "),
                        serde_json::to_string_pretty(&actual).unwrap_or_default()
                    ));
                }
            }
            Err(problems) => failures.push(format!(
                "{name}: refused:\n{}",
                problems.iter().map(|p| format!("  {}: {}", p.pointer, p.message)).collect::<Vec<_>>().join("\n")
            )),
        }
    }
    assert!(pairs >= 4, "expected at least 4 example pairs in {}, found {pairs}", dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
