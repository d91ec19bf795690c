//! Integration tests of the `pullback` binary: the plan contract as a user meets
//! it on the command line (exit codes, stdout, stderr).

mod accounts;
mod backup;
mod crash;
mod errors;
mod examples;
mod imports;
mod logging;
mod migrate;
mod serve_logs;
mod story;
mod transfer;
mod two_servers;
mod usage;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A fresh command for the `pullback` binary built with this test.
pub fn pullback() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("pullback")
}

/// The repository's `examples` folder.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Every `*.input.json` example, sorted by name.
pub fn example_inputs() -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .expect("examples folder is readable")
        .map(|entry| entry.expect("examples entry is readable").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".input.json")))
        .collect();
    inputs.sort();
    inputs
}

/// A history document written to a temporary file; the folder lives as long as this.
#[derive(Debug)]
pub struct Doc {
    _dir: TempDir,
    pub path: PathBuf,
}

/// Writes `value` as JSON into a new temporary folder.
pub fn write_doc(value: &Value) -> Doc {
    write_raw(&serde_json::to_string_pretty(value).expect("a JSON value renders"))
}

/// Writes `text` as-is into a new temporary folder, for documents that are not JSON.
pub fn write_raw(text: &str) -> Doc {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("history.json");
    std::fs::write(&path, text).expect("the temporary document is writable");
    Doc { _dir: dir, path }
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `pullback` with `args` and captures everything.
pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    finish(pullback().args(args))
}

/// Runs `pullback plan --input -` with `stdin`.
pub fn run_stdin(stdin: &str, extra: &[&str]) -> Run {
    finish(pullback().args(["plan", "--input", "-"]).args(extra).write_stdin(stdin))
}

/// Runs a prepared command and captures everything.
pub fn finish(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("pullback runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `pullback plan --input PATH EXTRA...`.
pub fn plan_path(path: &Path, extra: &[&str]) -> Run {
    finish(pullback().arg("plan").arg("--input").arg(path).args(extra))
}

/// Runs `pullback plan --input FILE EXTRA...` on a temporary document.
pub fn plan(doc: &Doc, extra: &[&str]) -> Run {
    plan_path(&doc.path, extra)
}

/// A small valid history, to break one field at a time.
pub fn valid_history() -> Value {
    serde_json::json!({
        "contract": "pullback.plan/v1",
        "as_of": "2026-03-02T07:00:00Z",
        "profile": { "units": "kg", "working_weight": 140 },
        "sessions": [
            { "id": "s1", "at": "2026-02-20T18:00:00Z",
              "exercises": [
                { "exercise": "deadlift", "sets": [ { "load": 140, "reps": 5 }, { "load": 140, "reps": 5 } ] } ],
              "checkins": [
                { "point": "before", "pain": 0 },
                { "point": "after_24h", "pain": 3 } ] }
        ],
        "checkins": [ { "at": "2026-02-23T09:00:00Z", "pain": 2 } ]
    })
}
