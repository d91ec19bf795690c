//! `pullback backup`: a consistent copy of the SQLite database taken while a real
//! `pullback serve` keeps writing to it, restored and compared.

use crate::{finish, pullback};
use pullback_store::{SqliteStore, Store as _, StoredHistory};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const NOW: &str = "2026-03-02T07:00:00Z";

fn run(db: &Path, args: &[&str]) -> crate::Run {
    let mut cmd = pullback();
    cmd.env_remove("PULLBACK_USER").env_remove("PULLBACK_DATABASE_URL").arg("--database").arg(db).args(args);
    finish(&mut cmd)
}

/// `pullback serve` on `db`; killed when dropped.
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

fn serve(db: &Path) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pullback"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database"])
        .arg(db)
        .env("PULLBACK_NOW", NOW)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("pullback serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the address line");
    let base = line.strip_prefix("Pullback is serving on ").and_then(|r| r.split_whitespace().next());
    let base = base.unwrap_or_else(|| panic!("no address in {line:?}")).to_owned();
    Served { child, base }
}

/// A session of five sets; `n` makes each one's loads its own.
fn session(n: usize) -> serde_json::Value {
    let minute = n % 60;
    let hour = (n / 60) % 24;
    json!({
        "at": format!("2026-02-{:02}T{hour:02}:{minute:02}:00Z", 1 + (n / 1440) % 28),
        "exercises": [{ "exercise": "deadlift", "sets": (0..5).map(|i| json!({ "load": 60 + i * 10 + n % 7, "reps": 5 })).collect::<Vec<_>>() }],
    })
}

fn history(db: &Path) -> StoredHistory {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let store = SqliteStore::open(db).await.expect("the database opens");
        let ana = store.user_by_name("ana").await.expect("ana");
        store.history(ana.id).await.expect("the history")
    })
}

#[test]
fn a_backup_taken_while_the_server_writes_is_whole_and_restores() {
    let dir = tempfile::tempdir().expect("a folder");
    let db = dir.path().join("pullback.db");
    assert_eq!(run(&db, &["user", "add", "ana"]).code, Some(0));
    let token = run(&db, &["user", "token", "ana"]).stdout.trim().to_owned();
    let server = serve(&db);

    // A writer that logs sessions through the API until told to stop.
    let (stop, acknowledged) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let writer = {
        let (stop, acknowledged, base, token) =
            (stop.clone(), acknowledged.clone(), server.base.clone(), token.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async {
                let client = reqwest::Client::new();
                let mut n = 0;
                // Bounded: at most 20,000 sessions, even if no one says stop.
                while !stop.load(Ordering::SeqCst) && n < 20_000 {
                    let sent = client
                        .post(format!("{base}/api/v1/me/sessions"))
                        .bearer_auth(&token)
                        .json(&session(n))
                        .send()
                        .await
                        .expect("an answer");
                    assert_eq!(sent.status().as_u16(), 201, "{}", sent.text().await.unwrap_or_default());
                    acknowledged.fetch_add(1, Ordering::SeqCst);
                    n += 1;
                }
            });
        })
    };
    let wait_for = |count: usize| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while acknowledged.load(Ordering::SeqCst) < count {
            assert!(std::time::Instant::now() < deadline, "the writer stalled");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    };

    let mut backups = Vec::new();
    for (i, after) in [50, 150, 300].into_iter().enumerate() {
        wait_for(after);
        let acknowledged_before = acknowledged.load(Ordering::SeqCst);
        let target = dir.path().join(format!("backup-{i}.db"));
        let made = run(&db, &["backup", target.to_str().expect("a UTF-8 path")]);
        assert_eq!(made.code, Some(0), "{}", made.stderr);
        assert!(made.stdout.starts_with("Backed up "), "{}", made.stdout);
        backups.push((target, acknowledged_before));
    }
    let during = acknowledged.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.join().expect("the writer");
    drop(server);

    let source = history(&db);
    for (backup, acknowledged_before) in &backups {
        // Restore: the copy, put in place of a database, opens as one.
        let restored = dir.path().join("restored.db");
        std::fs::copy(backup, &restored).expect("a copy");
        let copy = history(&restored);
        std::fs::remove_file(&restored).expect("removed");
        let sessions = &copy.history.sessions;
        assert!(sessions.len() >= *acknowledged_before, "{} < {acknowledged_before} acknowledged", sessions.len());
        assert!(sessions.len() <= source.history.sessions.len());
        for (got, want) in sessions.iter().zip(&source.history.sessions) {
            assert_eq!(got, want, "the backup's sessions are the database's first ones, whole");
            assert_eq!(got.exercises[0].sets.len(), 5);
        }
        let listed = run(&restored_again(backup, dir.path()), &["history", "--user", "ana"]);
        assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    }
    assert!(backups[2].1 > backups[0].1, "the writes went on between the backups");
    assert!(during >= 300);

    let exists = run(&db, &["backup", backups[0].0.to_str().expect("a UTF-8 path")]);
    assert_eq!(exists.code, Some(2), "an existing file is not overwritten");
    assert!(exists.stderr.contains("exists already"), "{}", exists.stderr);
}

/// The backup copied to a fresh name, for the command line to open.
fn restored_again(backup: &Path, dir: &Path) -> std::path::PathBuf {
    let path = dir.join("restored-for-cli.db");
    let _ = std::fs::remove_file(&path);
    std::fs::copy(backup, &path).expect("a copy");
    path
}
