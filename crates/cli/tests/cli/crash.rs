//! `kill -9` under a write storm: a real `pullback serve` (on SQLite, and on
//! PostgreSQL) takes concurrent session writes on 127.0.0.1 and is killed with
//! SIGKILL while they are in flight; started again on the same database, it must
//! hold every write it answered 2xx, whole (the session, its five sets and its
//! check-in), and nothing that was never sent. A write without an answer may be
//! there or not, but only whole.
//!
//! Bounded: `PULLBACK_CRASH_ROUNDS` rounds (default 3) of at most 4,000 writes
//! each, 16 at a time, each round killed once 100 to 400 writes were answered (or
//! after 20 s). Each round prints its counts; `scripts/crash-test` runs more
//! rounds and shows them (BENCHMARKS.md has a record).

use pullback_store::testing::TestDatabase;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const NOW: &str = "2026-03-02T07:00:00Z";
const WORKERS: usize = 16;
const MAX_WRITES_PER_ROUND: usize = 4_000;

/// `pullback serve` on `database`; killed (SIGKILL) when dropped.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(database: &str) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pullback"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database", database])
        .env("PULLBACK_NOW", NOW)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("pullback serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the address line");
    let base = line.strip_prefix("Pullback is serving on ").and_then(|r| r.split_whitespace().next());
    let base = base.unwrap_or_else(|| panic!("pullback serve did not start: {line:?}")).to_owned();
    Served { child, base }
}

fn cli(database: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pullback"))
        .env_remove("PULLBACK_USER")
        .args(["--database", database])
        .args(args)
        .output()
        .expect("pullback runs");
    assert!(out.status.success(), "pullback {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The instant of write `n`: one minute apart, from 2020 on, so each write is
/// known by its time.
fn instant(n: usize) -> jiff::Timestamp {
    let base: jiff::Timestamp = "2020-01-01T00:00:00Z".parse().expect("a time");
    base + jiff::SignedDuration::from_mins(i64::try_from(n).expect("small"))
}

fn session(n: usize) -> Value {
    json!({
        "at": instant(n).to_string(),
        "exercises": [{ "exercise": "deadlift",
            "sets": (0..5).map(|i| json!({ "load": 60 + 10 * i, "reps": 5 })).collect::<Vec<_>>() }],
        "checkins": [{ "point": "during", "pain": n % 11 }],
    })
}

/// What one round saw.
#[derive(Debug, Default)]
struct Round {
    sent: BTreeSet<usize>,
    acknowledged: BTreeSet<usize>,
}

/// Storms `base` with writes numbered from `first` until `kill_after` are
/// acknowledged, then kills the server while the others are in flight.
fn storm(server: Served, token: &str, first: usize, kill_after: usize) -> Round {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    let next = Arc::new(AtomicUsize::new(first));
    let (acknowledged_count, stop) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
    let base = server.base.clone();
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (next, acknowledged_count, stop) = (next.clone(), acknowledged_count.clone(), stop.clone());
        let (base, token) = (base.clone(), token.to_owned());
        workers.push(runtime.spawn(async move {
            let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("a client");
            let mut round = Round::default();
            while !stop.load(Ordering::SeqCst) {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= first + MAX_WRITES_PER_ROUND {
                    break;
                }
                round.sent.insert(n);
                let sent = client
                    .post(format!("{base}/api/v1/me/sessions"))
                    .bearer_auth(&token)
                    .json(&session(n))
                    .send()
                    .await;
                match sent {
                    Ok(answer) if answer.status().is_success() => {
                        round.acknowledged.insert(n);
                        acknowledged_count.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(answer) => panic!("write {n}: {} {}", answer.status(), answer.text().await.unwrap_or_default()),
                    // The server is gone: this write's fate is unknown, and so are the next ones'.
                    Err(_) => break,
                }
            }
            round
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while acknowledged_count.load(Ordering::SeqCst) < kill_after && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    drop(server); // SIGKILL, with writes in flight
    stop.store(true, Ordering::SeqCst);
    let mut round = Round::default();
    for worker in workers {
        let part = runtime.block_on(worker).expect("a worker");
        round.sent.extend(part.sent);
        round.acknowledged.extend(part.acknowledged);
    }
    round
}

/// The stored sessions by write number, each with its number of sets and check-ins.
fn stored(base: &str, token: &str) -> BTreeMap<usize, (usize, usize)> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let list: Value = runtime.block_on(async {
        let answer = reqwest::Client::new()
            .get(format!("{base}/api/v1/me/sessions"))
            .bearer_auth(token)
            .send()
            .await
            .expect("an answer");
        assert!(answer.status().is_success(), "{}", answer.status());
        answer.json().await.expect("JSON")
    });
    let sessions = list["sessions"].as_array().unwrap_or_else(|| panic!("no sessions in {list}"));
    let base: jiff::Timestamp = "2020-01-01T00:00:00Z".parse().expect("a time");
    sessions
        .iter()
        .map(|s| {
            let at: jiff::Timestamp = s["at"].as_str().expect("at").parse().expect("a time");
            let n = usize::try_from(at.duration_since(base).as_mins()).expect("after 2020");
            let sets = s["exercises"]
                .as_array()
                .map_or(0, |e| e.iter().map(|x| x["sets"].as_array().map_or(0, Vec::len)).sum::<usize>());
            (n, (sets, s["checkins"].as_array().map_or(0, Vec::len)))
        })
        .collect()
}

fn rounds() -> usize {
    std::env::var("PULLBACK_CRASH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(3)
}

/// Runs the rounds on `database` and checks every one.
fn crash_rounds(backend: &str, database: &str) {
    cli(database, &["user", "add", "ana"]);
    let token = cli(database, &["user", "token", "ana"]);
    let (mut sent, mut acknowledged) = (BTreeSet::<usize>::new(), BTreeSet::<usize>::new());
    for r in 0..rounds() {
        let kill_after = 100 + (r * 137) % 300;
        let round = storm(serve(database), &token, r * MAX_WRITES_PER_ROUND, kill_after);
        sent.extend(&round.sent);
        acknowledged.extend(&round.acknowledged);
        let server = serve(database);
        let found = stored(&server.base, &token);
        drop(server);
        let lost: Vec<&usize> = acknowledged.iter().filter(|n| !found.contains_key(n)).collect();
        let half: Vec<(&usize, &(usize, usize))> = found.iter().filter(|(_, parts)| **parts != (5, 1)).collect();
        let phantom: Vec<&usize> = found.keys().filter(|n| !sent.contains(n)).collect();
        let unanswered: BTreeSet<usize> = round.sent.difference(&round.acknowledged).copied().collect();
        let unanswered_stored = unanswered.iter().filter(|n| found.contains_key(n)).count();
        println!(
            "crash {backend} round {}: {} writes sent, {} answered 2xx, killed with {} in flight ({} of them \
             stored, whole); after the restart: {} acknowledged missing, {} half-written, {} never sent",
            r + 1,
            round.sent.len(),
            round.acknowledged.len(),
            unanswered.len(),
            unanswered_stored,
            lost.len(),
            half.len(),
            phantom.len()
        );
        assert!(
            round.acknowledged.len() >= kill_after.min(MAX_WRITES_PER_ROUND)
                || round.sent.len() >= MAX_WRITES_PER_ROUND
        );
        assert!(lost.is_empty(), "{backend}: acknowledged writes lost after kill -9: {lost:?}");
        assert!(half.is_empty(), "{backend}: half-written sessions (sets, check-ins): {half:?}");
        assert!(phantom.is_empty(), "{backend}: sessions that were never sent: {phantom:?}");
    }
}

#[test]
fn sqlite_keeps_every_acknowledged_write_through_kill_9() {
    let dir = tempfile::tempdir().expect("a folder");
    let db = dir.path().join("pullback.db");
    crash_rounds("sqlite", db.to_str().expect("a UTF-8 path"));
}

#[test]
fn postgres_keeps_every_acknowledged_write_through_kill_9() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let db = runtime.block_on(TestDatabase::create("pullback_crash"));
    crash_rounds("postgres", &db.url());
    drop(db);
}
