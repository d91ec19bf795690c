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
