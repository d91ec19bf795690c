//! `pullback migrate`, `serve --no-migrate` and `migrate-db` (SQLite → PostgreSQL).
//!
//! The PostgreSQL tests make a database of their own on the server that
//! `PULLBACK_TEST_POSTGRES_URL` names (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! and drop it afterwards; without a server they fail, saying so (`scripts/postgres`
//! starts one).

use super::{Run, finish, pullback};
use pullback_store::testing::TestDatabase;
use std::path::Path;

const NOW: &str = "2026-03-10T08:00:00Z";

/// A database of this test's own on the test server (`pullback_store::testing`).
type TestDb = TestDatabase;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("a runtime: {e}"))
}

fn test_db() -> TestDb {
    runtime().block_on(TestDatabase::create("pullback_cli"))
}

/// Runs `pullback --database DB ARGS…` with a fixed "now".
fn on(database: &str, args: &[&str]) -> Run {
    finish(pullback().env_remove("PULLBACK_USER").env("PULLBACK_NOW", NOW).arg("--database").arg(database).args(args))
}

/// Runs a command that must succeed; gives its standard output.
fn ok(database: &str, args: &[&str]) -> String {
    let run = on(database, args);
    assert_eq!(run.code, Some(0), "pullback {args:?} failed: {}", run.stderr);
    run.stdout
}

/// Two lifters with sessions, session and standalone check-ins, in a SQLite file.
fn two_lifters(db: &str) {
    ok(db, &["user", "add", "ana", "--units", "kg"]);
    ok(db, &["user", "add", "bo", "--units", "lb"]);
    ok(
        db,
        &[
            "--user",
            "ana",
            "log",
            "deadlift",
            "w60x5",
            "140x5x3",
            "--before",
            "2",
            "--during",
            "3",
            "--at",
            "2026-03-02T07:00:00+01:00",
        ],
    );
    ok(db, &["--user", "ana", "checkin", "3", "--point", "after_1h", "--at", "2026-03-02T08:30:00+01:00"]);
    ok(db, &["--user", "ana", "checkin", "4", "--point", "after_24h", "--at", "2026-03-03T07:30:00+01:00"]);
    ok(
        db,
        &[
            "--user",
            "bo",
            "log",
            "deadlift",
            "225x5x2",
            "--before",
            "1",
            "--during",
            "1",
            "--at",
            "2026-03-04T18:00:00-05:00",
        ],
    );
    ok(
        db,
        &[
            "--user",
            "bo",
            "log",
            "deadlift",
            "235x5x2",
            "--before",
            "1",
            "--during",
            "2",
            "--at",
            "2026-03-06T18:00:00-05:00",
        ],
    );
    ok(db, &["--user", "bo", "checkin", "2", "--at", "2026-03-07T09:00:00-05:00"]);
}

fn sqlite_db(dir: &Path) -> String {
    dir.join("pullback.db").to_string_lossy().into_owned()
}

#[test]
fn migrate_db_copies_two_lifters_so_plans_and_exports_are_identical() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary folder: {e}"));
    let sqlite = sqlite_db(dir.path());
    two_lifters(&sqlite);
    let target = test_db();
    let postgres = target.url();

    let copied = finish(pullback().args(["migrate-db", "--from", &sqlite, "--to", &postgres]));
    assert_eq!(copied.code, Some(0), "migrate-db failed: {}", copied.stderr);
    assert!(copied.stdout.contains("users: 2"), "{}", copied.stdout);
    assert!(copied.stdout.contains("sessions: 3"), "{}", copied.stdout);

    for lifter in ["ana", "bo"] {
        for command in [["plan", "--format", "json"], ["export", "--format", "json"]] {
            let args = [&["--user", lifter][..], &command[..]].concat();
            let (before, after) = (ok(&sqlite, &args), ok(&postgres, &args));
            assert!(before.contains("deadlift"), "{lifter} {command:?} says nothing of the log: {before}");
            assert_eq!(before, after, "{lifter}: {command:?} differs after migrate-db");
        }
    }

    // New rows get fresh ids past the copied ones.
    let logged = ok(&postgres, &["--user", "bo", "log", "deadlift", "245x5", "--at", "2026-03-09T18:00:00-05:00"]);
    assert!(logged.contains("session 4"), "{logged}");

    let again = finish(pullback().args(["migrate-db", "--from", &sqlite, "--to", &postgres]));
    assert_eq!(again.code, Some(2), "a target with users is refused: {}", again.stderr);
    assert!(again.stderr.contains("already has users"), "{}", again.stderr);
}

#[test]
fn migrate_reports_the_version_before_and_after_on_postgres() {
    let target = test_db();
    let url = target.url();
    let first = ok(&url, &["migrate"]);
    assert!(first.contains("schema version 0 →"), "{first}");
    let second = ok(&url, &["migrate"]);
    assert!(second.contains("already up to date"), "{second}");
}

#[test]
fn migrate_reports_the_version_before_and_after_on_sqlite() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary folder: {e}"));
    let db = sqlite_db(dir.path());
    let first = ok(&db, &["migrate"]);
    assert!(first.contains("schema version 0 →"), "{first}");
    assert!(ok(&db, &["migrate"]).contains("already up to date"));
}

#[test]
fn serve_no_migrate_refuses_a_database_that_is_behind() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary folder: {e}"));
    let db = sqlite_db(dir.path());
    let run = on(&db, &["serve", "--no-migrate", "--bind", "127.0.0.1:0"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("pullback migrate"), "{}", run.stderr);
    assert!(!dir.path().join("pullback.db").exists(), "--no-migrate made the database file");

    let target = test_db();
    let secret = target.url().replacen("postgres://postgres@", "postgres://postgres:hunter2@", 1);
    let run = on(&secret, &["serve", "--no-migrate", "--bind", "127.0.0.1:0"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("pullback migrate"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2"), "the password is printed: {}", run.stderr);
}

#[test]
fn migrate_db_wants_sqlite_into_postgres() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary folder: {e}"));
    let db = sqlite_db(dir.path());
    let run = finish(pullback().args(["migrate-db", "--from", &db, "--to", "/tmp/elsewhere.db"]));
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--to"), "{}", run.stderr);
}

#[test]
fn migrate_db_moves_the_demo_caseload_with_every_lifters_plan_unchanged() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary folder: {e}"));
    let sqlite = sqlite_db(dir.path());
    let now: jiff::Timestamp = NOW.parse().unwrap_or_else(|e| panic!("{e}"));
    runtime().block_on(async {
        let store = pullback_store::open(&sqlite).await.unwrap_or_else(|e| panic!("{e}"));
        pullback_app::demo::seed(store.as_ref(), now).await.unwrap_or_else(|e| panic!("seeding the demo: {e}"));
    });
    let names: Vec<String> =
        ok(&sqlite, &["user", "list"]).lines().filter_map(|l| l.split('\t').next()).map(str::to_owned).collect();
    assert!(names.len() >= 12, "the demo has a clinician and a dozen lifters: {names:?}");
    let target = test_db();
    let postgres = target.url();
    let copied = finish(pullback().args(["migrate-db", "--from", &sqlite, "--to", &postgres]));
    assert_eq!(copied.code, Some(0), "migrate-db failed: {}", copied.stderr);
    let mut actions = std::collections::BTreeSet::new();
    for name in &names {
        let args = ["--user", name.as_str(), "plan", "--format", "json"];
        let (before, after) = (ok(&sqlite, &args), ok(&postgres, &args));
        assert_eq!(before, after, "{name}'s plan differs after migrate-db");
        let plan: serde_json::Value = serde_json::from_str(&before).unwrap_or_else(|e| panic!("{e}"));
        actions.insert(plan["action"].as_str().unwrap_or("").to_owned());
    }
    assert!(actions.len() >= 4, "the demo's lifters are in different states: {actions:?}");
}
