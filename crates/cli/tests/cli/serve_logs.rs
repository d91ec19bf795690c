//! What `pullback serve` writes to its log: even at the debug level, never an
//! invitation code (its link is `/invite/CODE`, and a code grants access to a
//! lifter's data until it is used).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const CODE: &str = "K7QX2M9HPT";

#[test]
fn invitation_codes_are_redacted_from_the_debug_log() {
    let dir = tempfile::tempdir().expect("a folder");
    let log = dir.path().join("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pullback"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database"])
        .arg(dir.path().join("pullback.db"))
        .env("RUST_LOG", "debug")
        .env("PULLBACK_NOW", "2026-03-02T07:00:00Z")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(std::fs::File::create(&log).expect("a log file")))
        .spawn()
        .expect("pullback serve starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the address line");
    let base = line.strip_prefix("Pullback is serving on ").and_then(|r| r.split_whitespace().next());
    let base = base.unwrap_or_else(|| panic!("no address in {line:?}")).to_owned();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let statuses = runtime.block_on(async {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
        let mut statuses = Vec::new();
        for path in [format!("/invite/{CODE}"), format!("/invite/{}", CODE.to_lowercase())] {
            statuses.push(client.get(format!("{base}{path}")).send().await.expect("an answer").status().as_u16());
            let post = client.post(format!("{base}{path}")).form(&[("csrf", "x")]).send().await;
            statuses.push(post.expect("an answer").status().as_u16());
        }
        statuses
    });
    let _ = child.kill();
    let _ = child.wait();
    let written = std::fs::read_to_string(&log).expect("the log");
    assert!(statuses.iter().all(|s| *s < 500), "{statuses:?}");
    assert!(written.contains("/invite/"), "the requests were logged at all:\n{written}");
    assert!(!written.to_lowercase().contains(&CODE.to_lowercase()), "the code is in the log:\n{written}");
}

/// `serve --log-format json`: every line on standard error is one JSON object
/// with its level, and the start is among them.
#[test]
fn serve_writes_json_lines_when_asked() {
    let dir = tempfile::tempdir().expect("a folder");
    let log = dir.path().join("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pullback"))
        .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json", "--database"])
        .arg(dir.path().join("pullback.db"))
        .env_remove("RUST_LOG")
        .env("PULLBACK_NOW", "2026-03-02T07:00:00Z")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(std::fs::File::create(&log).expect("a log file")))
        .spawn()
        .expect("pullback serve starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the address line");
    // The "serving" line is logged as the address is printed: wait for it.
    let started = std::time::Instant::now();
    while !std::fs::read_to_string(&log).expect("the log").contains("\"serving\"")
        && started.elapsed() < std::time::Duration::from_secs(10)
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    let written = std::fs::read_to_string(&log).expect("the log");
    let lines: Vec<serde_json::Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l:?}\n{written}")))
        .collect();
    assert!(lines.iter().all(|l| l["level"].is_string()), "{written}");
    assert!(lines.iter().any(|l| l["fields"]["message"] == "serving"), "the start is logged:\n{written}");
}

/// Commands other than `serve` log too (warnings and up): under `pullback plan`,
/// a replay checkpoint the database refuses is reported, and the plan still printed.
#[test]
fn plan_reports_a_checkpoint_it_could_not_keep() {
    let mut log = crate::story::Log::new();
    log.at("2026-03-01T12:00:00Z");
    log.cmd(["user", "add", "ana", "--units", "kg"]);
    log.cmd(["log", "deadlift", "140x5x3"]);
    let db = rusqlite::Connection::open(log.db()).expect("the database");
    db.execute_batch(
        "CREATE TRIGGER refuse_checkpoints BEFORE INSERT ON checkpoints
         BEGIN SELECT RAISE(ABORT, 'checkpoints refused by the test'); END;",
    )
    .expect("the trigger");
    log.at("2026-03-10T12:00:00Z");
    let out = log.command(["plan"]).env_remove("RUST_LOG").output().expect("pullback plan runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!out.stdout.is_empty(), "the plan is printed");
    assert!(stderr.contains("could not store the replay checkpoint"), "the warning is logged: {stderr:?}");
    assert!(stderr.contains("WARN"), "{stderr:?}");
}
