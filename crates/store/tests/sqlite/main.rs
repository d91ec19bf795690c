//! The SQLite backend against real database files in temporary directories: the
//! shared behaviour suite, plus what only SQLite has (migrations, files, locking
//! between processes, failures inside a transaction).

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

#[path = "../suite/mod.rs"]
#[macro_use]
mod suite;

use pullback_core::{History, Profile, Units};
use pullback_store::{ImportMode, SqliteStore, Store, StoreError, StoredProfile, UserId};
use rusqlite::Connection;
use std::path::Path;
use std::time::Instant;
use suite::{deadlift, rich_session, set, simple_session};
use tempfile::TempDir;

/// A fresh store in a new temporary directory (deleted with the guard).
async fn fresh() -> (SqliteStore, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("pullback.db")).await.unwrap();
    (store, dir)
}

shared_suite!(crate::fresh);

fn raw(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    c
}

fn count(path: &Path, table: &str) -> i64 {
    raw(path).query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn open_creates_directories_and_migrates_an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/pullback.db");
    let store = SqliteStore::open(&path).await.unwrap();
    assert!(path.is_file());
    assert_eq!(store.path(), path);
    let c = raw(&path);
    let versions: Vec<i64> = c
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions, pullback_store::sqlite::MIGRATIONS.iter().map(|m| m.version).collect::<Vec<_>>());
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    for table in [
        "users",
        "profiles",
        "sessions",
        "exercises",
        "sets",
        "checkins",
        "screenings",
        "symmetry_tests",
        "checkpoints",
    ] {
        assert_eq!(count(&path, table), 0, "{table}");
    }
}

#[tokio::test]
async fn reopening_is_idempotent_and_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pullback.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    store.add_session(user, &rich_session("2026-03-02T07:00:00+01:00")).await.unwrap();
    drop(store);
    for _ in 0..2 {
        let store = SqliteStore::open(&path).await.unwrap();
        assert_eq!(store.history(user).await.unwrap().history.sessions.len(), 1);
    }
    assert_eq!(count(&path, "schema_migrations"), i64::try_from(pullback_store::sqlite::MIGRATIONS.len()).unwrap());
}

#[tokio::test]
async fn a_database_from_a_newer_pullback_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pullback.db");
    drop(SqliteStore::open(&path).await.unwrap());
    raw(&path).execute("INSERT INTO schema_migrations VALUES (9999, 'future', '2030-01-01T00:00:00Z')", []).unwrap();
    let refused = SqliteStore::open(&path).await;
    assert!(matches!(refused, Err(StoreError::Schema(_))), "{refused:?}");
}

#[tokio::test]
async fn urls_name_files() {
    let dir = tempfile::tempdir().unwrap();
    let abs = dir.path().join("abs.db");
    let store = SqliteStore::open_url(&format!("sqlite://{}", abs.display())).await.unwrap();
    assert_eq!(store.path(), abs);
    let store = pullback_store::open(abs.to_str().unwrap()).await.unwrap();
    store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap();
    assert_eq!(pullback_store::sqlite::sqlite_path("sqlite://relative.db").unwrap(), Path::new("relative.db"));
    assert_eq!(pullback_store::sqlite::sqlite_path("sqlite:///abs/x.db").unwrap(), Path::new("/abs/x.db"));
    assert_eq!(pullback_store::sqlite::sqlite_path("sqlite:x.db").unwrap(), Path::new("x.db"));
    // A PostgreSQL URL goes to PostgreSQL (tests/postgres), never to a file: a malformed one is refused.
    assert!(matches!(pullback_store::open("postgres://localhost:port/db").await, Err(StoreError::Invalid(_))));
    assert!(matches!(pullback_store::sqlite::sqlite_path("sqlite://"), Err(StoreError::Invalid(_))));
}

/// Makes the database refuse the third set ever inserted from now on, as a crash
/// or a full disk would, in the middle of a transaction.
fn fail_on_set(path: &Path, nth: i64) {
    raw(path)
        .execute_batch(&format!(
            "CREATE TABLE set_counter (n INTEGER NOT NULL);
             INSERT INTO set_counter VALUES (0);
             CREATE TRIGGER fail_nth_set BEFORE INSERT ON sets BEGIN
                 UPDATE set_counter SET n = n + 1;
                 SELECT RAISE(ABORT, 'injected failure') WHERE (SELECT n FROM set_counter) = {nth};
             END;"
        ))
        .unwrap();
}

#[tokio::test]
async fn a_session_that_fails_midway_leaves_nothing() {
    let (store, dir) = fresh().await;
    let path = dir.path().join("pullback.db");
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    fail_on_set(&path, 3);
    let failed = store.add_session(user, &simple_session("2026-03-02T07:00:00Z", 5)).await;
    assert!(matches!(failed, Err(StoreError::Backend(_))), "{failed:?}");
    for table in ["sessions", "exercises", "sets", "checkins"] {
        assert_eq!(count(&path, table), 0, "{table}");
    }
    // The store still works afterwards.
    store.add_session(user, &simple_session("2026-03-02T07:00:00Z", 1)).await.unwrap();
    assert_eq!(store.history(user).await.unwrap().history.sessions.len(), 1);
}

#[tokio::test]
async fn an_import_that_fails_midway_leaves_the_old_log() {
    let (store, dir) = fresh().await;
    let path = dir.path().join("pullback.db");
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    store.add_session(user, &rich_session("2026-03-02T07:00:00+01:00")).await.unwrap();
    let before = store.history(user).await.unwrap();

    let mut big = History::new(Profile::new(Units::Lb));
    for day in 0..50 {
        let when =
            "2025-01-01T07:00:00Z".parse::<jiff::Timestamp>().unwrap() + jiff::SignedDuration::from_hours(24 * day);
        big.sessions.push(pullback_core::Session {
            id: None,
            at: when,
            exercises: vec![deadlift(vec![set("100", 5); 4])],
            checkins: vec![],
            note: None,
        });
    }
    fail_on_set(&path, 150);
    let failed = store.import_history(user, &big, ImportMode::Replace).await;
    assert!(matches!(failed, Err(StoreError::Backend(_))), "{failed:?}");

    let after = store.history(user).await.unwrap();
    assert_eq!(after.history.sessions, before.history.sessions);
    assert_eq!(after.history.profile.units, Units::Kg);
    assert_eq!(count(&path, "sessions"), 1);
    assert_eq!(count(&path, "sets"), 5);
}

async fn write_sessions(path: &Path, user: UserId, tag: &str, n: usize) {
    let store = SqliteStore::open(path).await.unwrap();
    for i in 0..n {
        let when = "2026-01-01T00:00:00Z".parse::<jiff::Timestamp>().unwrap()
            + jiff::SignedDuration::from_secs(60 * i64::try_from(i).unwrap());
        let mut session = simple_session("2026-01-01T00:00:00Z", 3);
        session.at = pullback_store::At::utc(when);
        session.external_id = Some(format!("{tag}-{i}"));
        store.add_session(user, &session).await.unwrap();
    }
}

async fn check_all_written(path: &Path, user: UserId, tags: &[&str], n: usize) {
    let store = SqliteStore::open(path).await.unwrap();
    let h = store.history(user).await.unwrap().history;
    assert_eq!(h.sessions.len(), tags.len() * n);
    for tag in tags {
        let mine =
            h.sessions.iter().filter(|s| s.id.as_deref().is_some_and(|id| id.starts_with(&format!("{tag}-")))).count();
        assert_eq!(mine, n, "{tag}");
    }
    assert_eq!(count(path, "sets"), i64::try_from(tags.len() * n * 3).unwrap());
}

/// Two stores with their own pools, on two threads, writing at once.
#[test]
fn two_handles_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pullback.db");
    let rt = || tokio::runtime::Builder::new_current_thread().build().unwrap();
    let user = rt().block_on(async {
        let store = SqliteStore::open(&path).await.unwrap();
        store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id
    });
    std::thread::scope(|s| {
        for tag in ["a", "b"] {
            let path = &path;
            s.spawn(move || rt().block_on(write_sessions(path, user, tag, 200)));
        }
    });
    rt().block_on(check_all_written(&path, user, &["a", "b"], 200));
}

/// Two stores opening a new file at once: both migrate it (once) and work.
#[test]
fn two_handles_opening_a_new_file_at_once_both_work() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/pullback.db");
        std::thread::scope(|s| {
            for name in ["ana", "bo"] {
                let path = &path;
                s.spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
                    rt.block_on(async {
                        let store = SqliteStore::open(path).await.unwrap();
                        store.create_user(name, &StoredProfile::new(Units::Kg)).await.unwrap();
                    });
                });
            }
        });
        assert_eq!(count(&path, "users"), 2);
        assert_eq!(count(&path, "schema_migrations"), i64::try_from(pullback_store::sqlite::MIGRATIONS.len()).unwrap());
    }
}

const CHILD_DB: &str = "PULLBACK_STORE_TEST_CHILD_DB";
const CHILD_TAG: &str = "PULLBACK_STORE_TEST_CHILD_TAG";

/// The writer of `two_processes_writing_at_once_lose_nothing`: does nothing unless
/// that test started this binary as a child process.
#[test]
fn child_writer() {
    let (Some(path), Some(tag)) = (std::env::var_os(CHILD_DB), std::env::var(CHILD_TAG).ok()) else { return };
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(write_sessions(Path::new(&path), UserId(1), &tag, 200));
}

/// Two OS processes logging into one file at once.
#[test]
fn two_processes_writing_at_once_lose_nothing() {
    if std::env::var_os(CHILD_DB).is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pullback.db");
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let user = rt.block_on(async {
        let store = SqliteStore::open(&path).await.unwrap();
        store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id
    });
    assert_eq!(user, UserId(1));
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["p", "q"]
        .iter()
        .map(|tag| {
            std::process::Command::new(&exe)
                .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
                .env(CHILD_DB, &path)
                .env(CHILD_TAG, tag)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    rt.block_on(check_all_written(&path, user, &["p", "q"], 200));
}

/// Ten years of training (60,000 sets) read back as one history. Prints the time;
/// run with `--release --nocapture` for the figure.
#[tokio::test]
async fn ten_years_of_sets_read_back() {
    let (store, _dir) = fresh().await;
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let mut h = History::new(Profile::new(Units::Kg));
    let start: jiff::Timestamp = "2016-01-04T07:00:00Z".parse().unwrap();
    for i in 0..3000_i64 {
        let mut session = suite::rich_session("2016-01-04T07:00:00Z");
        session.at = pullback_store::At::utc(start + jiff::SignedDuration::from_hours(29 * i));
        session.exercises = vec![deadlift(vec![set("140", 5); 10]), deadlift(vec![set("100", 8); 10])];
        h.sessions.push(pullback_core::Session {
            id: None,
            at: session.at.instant,
            exercises: session.exercises,
            checkins: session.checkins,
            note: None,
        });
    }
    let started = Instant::now();
    let counts = store.import_history(user, &h, ImportMode::Replace).await.unwrap();
    let wrote = started.elapsed();
    assert_eq!(counts.sets, 60_000);
    let started = Instant::now();
    let back = store.history(user).await.unwrap();
    let read = started.elapsed();
    assert_eq!(back.history.sessions, h.sessions);
    let started = Instant::now();
    let after = store.history_after(user, h.sessions[2990].at).await.unwrap();
    let tail = started.elapsed();
    assert_eq!(after.history.sessions.len(), 9);
    let started = Instant::now();
    store.add_session(user, &simple_session("2026-03-02T07:00:00Z", 5)).await.unwrap();
    let one = started.elapsed();
    eprintln!("60,000 sets: import {wrote:?}, full read {read:?}, read after T {tail:?}, one session {one:?}");
}
