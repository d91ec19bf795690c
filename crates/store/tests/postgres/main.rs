//! The PostgreSQL backend against a real server: the shared behaviour suite, plus
//! what only a server has (migrations and their lock, pool parameters, writers in
//! several processes, failures inside a transaction).
//!
//! Every test gets a database of its own, made on the server that
//! `PULLBACK_TEST_POSTGRES_URL` names (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! and dropped afterwards. Without a server the tests fail, saying so:
//! `scripts/postgres` starts one and prints the URL.

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

#[path = "../suite/mod.rs"]
#[macro_use]
mod suite;

use pullback_core::{History, Profile, Units};
use pullback_store::postgres::{MIGRATIONS, Migrate, PoolSettings};
use pullback_store::{
    ImportBatch, ImportMode, KeyedSession, NewCheckpoint, PostgresStore, Store, StoreError, StoredProfile, UserId,
};
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Executor};
use std::time::Instant;
use suite::{deadlift, rich_session, set, simple_session};

use pullback_store::testing::TestDatabase;

/// A database of this test's own, with the store's ways to open it.
type TestDb = TestDatabase;

trait Open {
    async fn store(&self, migrate: Migrate) -> Result<PostgresStore, StoreError>;
    async fn raw(&self) -> PgConnection;
}

impl Open for TestDatabase {
    async fn store(&self, migrate: Migrate) -> Result<PostgresStore, StoreError> {
        PostgresStore::connect_with(self.options(), PoolSettings::default(), migrate).await
    }

    async fn raw(&self) -> PgConnection {
        PgConnection::connect_with(&self.options()).await.unwrap()
    }
}

/// A fresh, migrated store in a database of its own.
async fn fresh() -> (PostgresStore, TestDb) {
    let db = TestDatabase::create("pullback_test").await;
    let store = db.store(Migrate::Apply).await.unwrap();
    (store, db)
}

shared_suite!(crate::fresh);

async fn count(store: &PostgresStore, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(store.pool()).await.unwrap()
}

#[tokio::test]
async fn connect_migrates_an_empty_database_and_records_it() {
    let db = TestDatabase::create("pullback_test").await;
    let store = db.store(Migrate::Apply).await.unwrap();
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(versions, MIGRATIONS.iter().map(|m| m.version).collect::<Vec<_>>());
    assert_eq!(store.schema_version().await.unwrap(), MIGRATIONS.last().unwrap().version);
    assert!(store.migrate().await.unwrap().is_empty(), "nothing is left to apply");
    for table in ["users", "profiles", "sessions", "exercises", "sets", "checkins", "screenings", "checkpoints"] {
        assert_eq!(count(&store, table).await, 0, "{table}");
    }
    let name: String =
        sqlx::query_scalar("SELECT current_setting('application_name')").fetch_one(store.pool()).await.unwrap();
    assert_eq!(name, "pullback");
}

#[tokio::test]
async fn reconnecting_is_idempotent_and_keeps_the_data() {
    let db = TestDatabase::create("pullback_test").await;
    let store = db.store(Migrate::Apply).await.unwrap();
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    store.add_session(user, &rich_session("2026-03-02T07:00:00+01:00")).await.unwrap();
    drop(store);
    for migrate in [Migrate::Apply, Migrate::Skip, Migrate::Apply] {
        let store = db.store(migrate).await.unwrap();
        assert_eq!(store.history(user).await.unwrap().history.sessions.len(), 1);
    }
    let store = db.store(Migrate::Skip).await.unwrap();
    assert_eq!(count(&store, "schema_migrations").await, i64::try_from(MIGRATIONS.len()).unwrap());
}

#[tokio::test]
async fn a_database_from_a_newer_pullback_is_refused() {
    let db = TestDatabase::create("pullback_test").await;
    drop(db.store(Migrate::Apply).await.unwrap());
    db.raw()
        .await
        .execute("INSERT INTO schema_migrations VALUES (9999, 'future', '2030-01-01T00:00:00Z')")
        .await
        .unwrap();
    for migrate in [Migrate::Apply, Migrate::Skip] {
        let refused = db.store(migrate).await;
        assert!(matches!(&refused, Err(StoreError::Schema(m)) if m.contains("9999")), "{refused:?}");
    }
}

/// Without migrations, a schema that is behind is refused with what to do; the
/// unchecked connection of a migrating tool applies what is missing.
#[tokio::test]
async fn a_schema_behind_is_refused_when_migrations_are_skipped() {
    let db = TestDatabase::create("pullback_test").await;
    let empty = db.store(Migrate::Skip).await;
    assert!(
        matches!(&empty, Err(StoreError::Schema(m)) if m.contains("version 0") && m.contains("migrat")),
        "{empty:?}"
    );

    // A database two migrations behind, as an older Pullback left it.
    let mut raw = db.raw().await;
    raw.execute(
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await
    .unwrap();
    for m in &MIGRATIONS[..2] {
        raw.execute(m.sql).await.unwrap();
        sqlx::query("INSERT INTO schema_migrations VALUES ($1, $2, 'then')")
            .bind(m.version)
            .bind(m.name)
            .execute(&mut raw)
            .await
            .unwrap();
    }
    let behind = db.store(Migrate::Skip).await;
    assert!(matches!(&behind, Err(StoreError::Schema(m)) if m.contains("version 2")), "{behind:?}");

    let tool = db.store(Migrate::Unchecked).await.unwrap();
    assert_eq!(tool.schema_version().await.unwrap(), 2);
    let later: Vec<i64> = MIGRATIONS[2..].iter().map(|m| m.version).collect();
    assert_eq!(tool.migrate().await.unwrap(), later);
    let store = db.store(Migrate::Skip).await.unwrap();
    store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap();
}

#[tokio::test]
async fn open_takes_postgres_urls_with_pool_parameters() {
    let db = TestDatabase::create("pullback_test").await;
    let url = db.url();
    let store = pullback_store::open(&url).await.unwrap();
    store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap();
    let other_scheme = url.replacen("postgres://", "postgresql://", 1);
    let with_pool =
        format!("{other_scheme}{}max_connections=2&acquire_timeout=3", if url.contains('?') { '&' } else { '?' });
    let store = pullback_store::open(&with_pool).await.unwrap();
    assert_eq!(store.users().await.unwrap().len(), 1);

    let bad = format!("{url}{}max_connections=lots", if url.contains('?') { '&' } else { '?' });
    let refused = pullback_store::open(&bad).await.map(drop);
    assert!(matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("max_connections")), "{refused:?}");
}

#[tokio::test]
async fn an_unreachable_server_says_where_it_was_looked_for() {
    let failed = PostgresStore::connect("postgres://ana:secret@127.0.0.1:1/log?acquire_timeout=1", Migrate::Apply)
        .await
        .map(drop);
    let Err(e) = failed else { panic!("connected to port 1") };
    let message = e.to_string();
    assert!(message.contains("cannot connect to PostgreSQL at 127.0.0.1:1/log"), "{message}");
    assert!(!message.contains("secret"), "the password is not shown: {message}");
}

#[tokio::test]
async fn an_unknown_database_or_user_is_a_mistake_in_the_url() {
    let db = TestDatabase::create("pullback_test").await;
    let url = db.url().replace(db.name(), "pullback_no_such_database");
    let refused = PostgresStore::connect(&url, Migrate::Apply).await.map(drop);
    let Err(StoreError::Invalid(message)) = refused else { panic!("{refused:?}") };
    assert!(message.contains("pullback_no_such_database") && message.contains("does not exist"), "{message}");
    let options = db.options().username("pullback_no_such_role");
    let refused = PostgresStore::connect_with(options, PoolSettings::default(), Migrate::Apply).await.map(drop);
    assert!(matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("pullback_no_such_role")), "{refused:?}");
}

/// Makes the database refuse the `nth` set inserted from now on, as a crash or a
/// full disk would, in the middle of a transaction.
async fn fail_on_set(db: &TestDb, nth: i64) {
    db.raw()
        .await
        .execute(
            format!(
                "CREATE SEQUENCE set_counter;
                 CREATE FUNCTION fail_nth_set() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                     IF nextval('set_counter') = {nth} THEN RAISE EXCEPTION 'injected failure'; END IF;
                     RETURN NEW;
                 END $$;
                 CREATE TRIGGER fail_nth_set BEFORE INSERT ON sets FOR EACH ROW EXECUTE FUNCTION fail_nth_set();"
            )
            .as_str(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_session_that_fails_midway_leaves_nothing() {
    let (store, db) = fresh().await;
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    fail_on_set(&db, 3).await;
    let failed = store.add_session(user, &simple_session("2026-03-02T07:00:00Z", 5)).await;
    assert!(matches!(failed, Err(StoreError::Backend(_))), "{failed:?}");
    for table in ["sessions", "exercises", "sets", "checkins"] {
        assert_eq!(count(&store, table).await, 0, "{table}");
    }
    // The store still works afterwards.
    store.add_session(user, &simple_session("2026-03-02T07:00:00Z", 1)).await.unwrap();
    assert_eq!(store.history(user).await.unwrap().history.sessions.len(), 1);
}

fn fifty_sessions() -> History {
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
    big
}

#[tokio::test]
async fn an_import_that_fails_midway_leaves_the_old_log() {
    let (store, db) = fresh().await;
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    store.add_session(user, &rich_session("2026-03-02T07:00:00+01:00")).await.unwrap();
    let before = store.history(user).await.unwrap();
    fail_on_set(&db, 150).await;
    let failed = store.import_history(user, &fifty_sessions(), ImportMode::Replace).await;
    assert!(matches!(failed, Err(StoreError::Backend(_))), "{failed:?}");

    let after = store.history(user).await.unwrap();
    assert_eq!(after.history.sessions, before.history.sessions);
    assert_eq!(after.history.profile.units, Units::Kg);
    assert_eq!(after.revision, before.revision);
    assert_eq!(count(&store, "sessions").await, 1);
    assert_eq!(count(&store, "sets").await, 5);
}

/// `n` imported workouts of `sets` sets each, keys from `first_key` on.
fn workouts(n: usize, sets: usize, first_key: u128) -> Vec<KeyedSession> {
    let start: jiff::Timestamp = "2020-01-01T07:00:00Z".parse().unwrap();
    (0..n)
        .map(|i| {
            let when = start + jiff::SignedDuration::from_hours(24 * i64::try_from(i).unwrap());
            let base = first_key + u128::try_from(i * sets).unwrap();
            KeyedSession {
                at: pullback_store::At::utc(when),
                external_id: format!("strong {i}"),
                exercises: vec![deadlift(vec![set("100", 5); sets])],
                decided: vec![true],
                set_keys: (0..u128::try_from(sets).unwrap()).map(|k| base + k).collect(),
                note: None,
            }
        })
        .collect()
}

/// Streams `batches` of workouts and a commit into the store.
async fn stream(
    store: &dyn Store,
    user: UserId,
    replace: bool,
    batches: Vec<Vec<KeyedSession>>,
) -> Result<pullback_store::WorkoutCounts, StoreError> {
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    let send = async move {
        for batch in batches {
            if sender.send(ImportBatch::Sessions(batch)).await.is_err() {
                return;
            }
        }
        let _ = sender.send(ImportBatch::Commit).await;
    };
    let (_, result) = tokio::join!(send, store.import_workouts(user, replace, receiver));
    result
}

#[tokio::test]
async fn a_streamed_import_that_fails_midway_leaves_the_old_log() {
    let (store, db) = fresh().await;
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    store.add_session(user, &rich_session("2026-03-02T07:00:00+01:00")).await.unwrap();
    let before = store.history(user).await.unwrap();
    fail_on_set(&db, 250).await;
    let all = workouts(60, 5, 1);
    let batches = all.chunks(20).map(<[KeyedSession]>::to_vec).collect();
    let failed = stream(&store, user, true, batches).await;
    assert!(matches!(failed, Err(StoreError::Backend(_))), "{failed:?}");
    let after = store.history(user).await.unwrap();
    assert_eq!(after.history.sessions, before.history.sessions);
    assert_eq!(count(&store, "sets").await, 5);
}

/// Workouts repeated within one batch and across batches are merged as SQLite
/// merges them, one after the other.
#[tokio::test]
async fn repeated_workouts_within_and_across_batches_merge() {
    let (store, _db) = fresh().await;
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let mut first = workouts(2, 2, 1);
    let mut again = first[0].clone();
    again.exercises = vec![deadlift(vec![set("100", 5), set("110", 3)])];
    again.set_keys = vec![2, 99];
    first.push(again.clone());
    let counts = stream(&store, user, false, vec![first, vec![again]]).await.unwrap();
    assert_eq!(
        counts,
        pullback_store::WorkoutCounts {
            sessions: 2,
            extended: 1,
            sets: 5,
            known_sets: 3,
            ..pullback_store::WorkoutCounts::default()
        }
    );
    let history = store.history(user).await.unwrap().history;
    let first: Vec<usize> = history.sessions[0].exercises.iter().map(|e| e.sets.len()).collect();
    assert_eq!(first, [2, 1], "the new set of the repeat went into a new entry at the end");
}

async fn write_sessions(store: &PostgresStore, user: UserId, tag: &str, n: usize) {
    for i in 0..n {
        let when = "2026-01-01T00:00:00Z".parse::<jiff::Timestamp>().unwrap()
            + jiff::SignedDuration::from_secs(60 * i64::try_from(i).unwrap());
        let mut session = simple_session("2026-01-01T00:00:00Z", 3);
        session.at = pullback_store::At::utc(when);
        session.external_id = Some(format!("{tag}-{i}"));
        store.add_session(user, &session).await.unwrap();
    }
}

async fn check_all_written(store: &PostgresStore, user: UserId, tags: &[&str], n: usize) {
    let h = store.history(user).await.unwrap();
    assert_eq!(h.history.sessions.len(), tags.len() * n);
    for tag in tags {
        let mine = h
            .history
            .sessions
            .iter()
            .filter(|s| s.id.as_deref().is_some_and(|id| id.starts_with(&format!("{tag}-"))))
            .count();
        assert_eq!(mine, n, "{tag}");
    }
    assert_eq!(count(store, "sets").await, i64::try_from(tags.len() * n * 3).unwrap());
    assert_eq!(h.revision.0, i64::try_from(tags.len() * n).unwrap(), "every write raised the revision once");
}

/// Two stores with their own pools, on two threads, writing one lifter's log at once.
#[test]
fn two_stores_writing_at_once_lose_nothing() {
    let rt = || tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (db, user) = rt().block_on(async {
        let (store, db) = fresh().await;
        (db, store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id)
    });
    std::thread::scope(|s| {
        for tag in ["a", "b"] {
            let db = &db;
            s.spawn(move || {
                rt().block_on(async { write_sessions(&db.store(Migrate::Skip).await.unwrap(), user, tag, 200).await })
            });
        }
    });
    rt().block_on(async { check_all_written(&db.store(Migrate::Skip).await.unwrap(), user, &["a", "b"], 200).await });
}

/// A checkpoint is put while sessions before it are written: whatever the
/// interleaving, a checkpoint left at the end was made from the final log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkpoints_put_while_writing_are_never_stale() {
    let (store, _db) = fresh().await;
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let cp = NewCheckpoint {
        covers_until: "2030-01-01T00:00:00Z".parse().unwrap(),
        made_at: "2030-01-01T00:00:00Z".parse().unwrap(),
        state: vec![1],
    };
    // Writes with pauses between them, so that checkpoints get stored in between
    // and the writes land while one is being put.
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            for i in 0..150_u64 {
                write_sessions(&store, user, &format!("w{i}"), 1).await;
                tokio::time::sleep(std::time::Duration::from_micros(500 + 1000 * (i % 5))).await;
            }
        })
    };
    let mut stored = 0;
    while !writer.is_finished() {
        let revision = store.history(user).await.unwrap().revision;
        stored += usize::from(store.put_checkpoint(user, &cp, revision).await.unwrap());
        // Read in one snapshot: every session is before 2030, so a write after the
        // checkpoint would have deleted it.
        let resume = store.resume(user).await.unwrap();
        if let Some(kept) = resume.checkpoint {
            assert_eq!(kept.revision, resume.history.revision, "a stale checkpoint survived a write");
        }
    }
    writer.await.unwrap();
    let resume = store.resume(user).await.unwrap();
    if let Some(kept) = resume.checkpoint {
        assert_eq!(kept.revision, resume.history.revision, "a stale checkpoint survived a write");
    }
    // With the writer done, a checkpoint of the final log is stored.
    let revision = store.history(user).await.unwrap().revision;
    assert!(store.put_checkpoint(user, &cp, revision).await.unwrap());
    eprintln!("{stored} checkpoints were stored while sessions were written");
}

/// Two stores connecting to a new database at once: both migrate it (once) and work.
#[test]
fn two_stores_migrating_a_new_database_at_once_both_work() {
    for _ in 0..3 {
        let rt = || tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let db = rt().block_on(TestDatabase::create("pullback_test"));
        std::thread::scope(|s| {
            for name in ["ana", "bo"] {
                let db = &db;
                s.spawn(move || {
                    rt().block_on(async {
                        let store = db.store(Migrate::Apply).await.unwrap();
                        store.create_user(name, &StoredProfile::new(Units::Kg)).await.unwrap();
                    });
                });
            }
        });
        rt().block_on(async {
            let store = db.store(Migrate::Skip).await.unwrap();
            assert_eq!(count(&store, "users").await, 2);
            assert_eq!(count(&store, "schema_migrations").await, i64::try_from(MIGRATIONS.len()).unwrap());
        });
    }
}

const CHILD_URL: &str = "PULLBACK_STORE_TEST_CHILD_POSTGRES_URL";
const CHILD_TAG: &str = "PULLBACK_STORE_TEST_CHILD_TAG";

/// The writer of `two_processes_writing_at_once_lose_nothing`: does nothing unless
/// that test started this binary as a child process.
#[test]
fn child_writer() {
    let (Ok(url), Ok(tag)) = (std::env::var(CHILD_URL), std::env::var(CHILD_TAG)) else { return };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = PostgresStore::connect(&url, Migrate::Skip).await.unwrap();
        write_sessions(&store, UserId(1), &tag, 200).await;
    });
}

/// Two OS processes logging into one database at once.
#[test]
fn two_processes_writing_at_once_lose_nothing() {
    if std::env::var_os(CHILD_URL).is_some() {
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (db, user) = rt.block_on(async {
        let (store, db) = fresh().await;
        (db, store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id)
    });
    assert_eq!(user, UserId(1));
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["p", "q"]
        .iter()
        .map(|tag| {
            std::process::Command::new(&exe)
                .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
                .env(CHILD_URL, db.url())
                .env(CHILD_TAG, tag)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    rt.block_on(async { check_all_written(&db.store(Migrate::Skip).await.unwrap(), user, &["p", "q"], 200).await });
}

/// Ten years of training (60,000 sets) written and read back as one history.
/// Prints the times; run with `--release --nocapture` for the figures.
#[tokio::test]
async fn ten_years_of_sets_read_back() {
    let (store, _db) = fresh().await;
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let mut h = History::new(Profile::new(Units::Kg));
    let start: jiff::Timestamp = "2016-01-04T07:00:00Z".parse().unwrap();
    for i in 0..3000_i64 {
        let session = rich_session("2016-01-04T07:00:00Z");
        h.sessions.push(pullback_core::Session {
            id: None,
            at: start + jiff::SignedDuration::from_hours(29 * i),
            exercises: vec![deadlift(vec![set("140", 5); 10]), deadlift(vec![set("100", 8); 10])],
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

/// 100,000 imported sets streamed in batches of 500 workouts, then the same file
/// again (every key known). Prints the rates.
#[tokio::test]
async fn a_large_streamed_import_and_its_repeat() {
    let (store, _db) = fresh().await;
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let all = workouts(4000, 25, 1);
    let batches = || all.chunks(500).map(<[KeyedSession]>::to_vec).collect::<Vec<_>>();
    let started = Instant::now();
    let counts = stream(&store, user, false, batches()).await.unwrap();
    let first = started.elapsed();
    assert_eq!((counts.sessions, counts.sets), (4000, 100_000));
    let started = Instant::now();
    let again = stream(&store, user, false, batches()).await.unwrap();
    let repeat = started.elapsed();
    assert_eq!((again.sessions, again.sets, again.known_sets), (0, 0, 100_000));
    let rate = |d: std::time::Duration| 100_000.0 / d.as_secs_f64();
    eprintln!(
        "100,000 imported sets: {first:?} ({:.0} sets/s), again {repeat:?} ({:.0} sets/s)",
        rate(first),
        rate(repeat)
    );
}

// --- TLS (managed PostgreSQL): the throwaway TLS-only cluster of scripts/postgres-tls

/// The TLS-only server's URL and its certificate authority's file, from
/// `eval "$(scripts/postgres-tls)"`; the tests fail, saying so, without them.
fn tls_server() -> (String, String) {
    let get = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: start the TLS-only PostgreSQL cluster with eval \"$(scripts/postgres-tls)\"")
        })
    };
    (get("PULLBACK_TEST_POSTGRES_TLS_URL"), get("PULLBACK_TEST_POSTGRES_TLS_CA"))
}

/// `url` with its database replaced by `database` and `query` appended.
fn on_database(url: &str, database: &str, query: &str) -> String {
    let server = url.rsplit_once('/').map_or(url, |(server, _)| server);
    format!("{server}/{database}?{query}")
}

/// A database of its own on the TLS server, made and dropped over TLS.
struct TlsDatabase {
    url: String,
    name: String,
}

impl TlsDatabase {
    async fn create() -> TlsDatabase {
        let (url, _) = tls_server();
        let name =
            format!("pullback_tls_{}_{}", std::process::id(), jiff::Timestamp::now().as_nanosecond() % 1_000_000_000);
        let mut admin = PgConnection::connect(&on_database(&url, "postgres", "sslmode=require"))
            .await
            .unwrap_or_else(|e| panic!("the TLS server at {url} does not answer over TLS: {e}"));
        admin.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
        admin.close().await.unwrap();
        TlsDatabase { url, name }
    }

    fn url(&self, query: &str) -> String {
        on_database(&self.url, &self.name, query)
    }
}

impl Drop for TlsDatabase {
    fn drop(&mut self) {
        let (admin, name) = (on_database(&self.url, "postgres", "sslmode=require"), self.name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let mut admin = PgConnection::connect(&admin).await.unwrap();
                admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await.unwrap();
            });
        })
        .join();
    }
}

/// Whether the pool's connection is encrypted, by the server's own account.
async fn encrypted(store: &PostgresStore) -> bool {
    sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn tls_sslmode_require_connects_encrypted_and_the_store_works() {
    let db = TlsDatabase::create().await;
    let store = PostgresStore::connect(&db.url("sslmode=require&max_connections=2"), Migrate::Apply).await.unwrap();
    assert!(encrypted(&store).await, "sslmode=require gave a connection without TLS");
    let ana = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap();
    store.add_session(ana.id, &simple_session("2026-03-01T07:00:00Z", 3)).await.unwrap();
    assert_eq!(store.history(ana.id).await.unwrap().history.sessions.len(), 1);
    store.pool().close().await;
}

#[tokio::test]
async fn tls_verify_full_checks_the_certificate_against_the_given_authority() {
    let db = TlsDatabase::create().await;
    let (_, ca) = tls_server();
    let url = db.url(&format!("sslmode=verify-full&sslrootcert={ca}"));
    let verified = PostgresStore::connect(&url, Migrate::Apply).await.unwrap();
    assert!(encrypted(&verified).await);
    verified.pool().close().await;
    // The test authority is in no system store: without it, verify-full refuses.
    let unknown = PostgresStore::connect(&db.url("sslmode=verify-full&acquire_timeout=5"), Migrate::Apply).await;
    assert!(unknown.is_err(), "a certificate of an unknown authority was accepted");
    // And the server takes nothing but TLS, so the connections above were TLS by need.
    let plain = PostgresStore::connect(&db.url("sslmode=disable&acquire_timeout=5"), Migrate::Apply).await;
    let plain = plain.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(plain.contains("no encryption") || plain.contains("pg_hba.conf"), "{plain}");
}

/// Counts the statements sqlx sends (each is one round trip to the server): sqlx
/// reports every one as an event of target `sqlx::query`, but for a transaction's
/// `BEGIN`, which it sends as a simple query and does not report (a round trip all
/// the same), and the pool's ping as it hands out a connection (one more). The
/// subscriber is the process's (a scoped one misses events whose call sites other tests' threads
/// met first); the count is per thread, and a counted test runs on one thread.
struct RoundTrips;

thread_local! {
    static STATEMENTS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for RoundTrips {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            let mut summary = Summary(String::new());
            event.record(&mut summary);
            STATEMENTS.with(|s| s.borrow_mut().push(summary.0));
        }
    }
}

/// The statement's summary (its first words), for the assertion's message.
struct Summary(String);

impl tracing::field::Visit for Summary {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = format!("{value:?}");
        }
    }
}

impl RoundTrips {
    /// The statements `write` sends, in order.
    async fn of<T>(write: impl std::future::Future<Output = T>) -> (Vec<String>, T) {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            use tracing_subscriber::layer::SubscriberExt;
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(RoundTrips)).unwrap();
        });
        STATEMENTS.with(|s| s.borrow_mut().clear());
        let out = write.await;
        (STATEMENTS.with(|s| s.take()), out)
    }
}

/// The session write holds the lifter's row lock from its second round trip to
/// its commit, and every writer of that lifter waits that long: it takes four
/// (begin; lock and ids; one statement for all rows and the revision; commit),
/// five with a client id (the lookup of a retry). It took nine and eleven. The
/// counts below leave out the `BEGIN`, which sqlx does not report.
#[tokio::test(flavor = "current_thread")]
async fn a_session_write_and_a_checkin_take_four_round_trips() {
    let (store, _db) = fresh().await;
    let ana = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    // A first write warms the pool (its connection's setup is not the write's).
    store.add_session(ana, &simple_session("2026-03-01T07:00:00Z", 1)).await.unwrap();

    let (trips, id) = RoundTrips::of(store.add_session(ana, &rich_session("2026-03-02T07:00:00Z"))).await;
    id.unwrap();
    assert_eq!(trips.len(), 3, "round trips of a session write, but its BEGIN: {trips:?}");

    let client = pullback_store::ClientId::parse("3b2c1d0e-aaaa-4bbb-8ccc-0123456789ab").unwrap();
    let session = simple_session("2026-03-03T07:00:00Z", 2);
    let (trips, logged) = RoundTrips::of(store.add_session_once(ana, &client, &session)).await;
    assert!(logged.unwrap().created);
    assert_eq!(trips.len(), 4, "round trips of a session write with a client id, but its BEGIN: {trips:?}");
    let (trips, again) = RoundTrips::of(store.add_session_once(ana, &client, &session)).await;
    assert!(!again.unwrap().created, "the retry stored a second session");
    assert!(trips.len() <= 2, "a retry found at once takes, but its BEGIN, {trips:?}");

    let checkin = pullback_store::NewCheckin::standalone(
        pullback_core::Pain::parse(3).unwrap(),
        "2026-03-03T20:00:00Z".parse().unwrap(),
    );
    let (trips, id) = RoundTrips::of(store.add_checkin(ana, &checkin)).await;
    id.unwrap();
    assert_eq!(trips.len(), 3, "round trips of a standalone check-in, but its BEGIN: {trips:?}");
    // And what the one statement wrote reads back whole: rows, revision, no stale checkpoint.
    let stored = store.history(ana).await.unwrap();
    assert_eq!(stored.history.sessions.len(), 3);
    assert_eq!(stored.history.checkins.len(), 1);
    assert_eq!(stored.history.sessions[1].exercises, rich_session("2026-03-02T07:00:00Z").exercises);
}

/// The pool pings a connection as it takes it out of the pool: a round trip per
/// store call, which measured nothing under load (`scripts/load-compare --versus`,
/// BENCHMARKS.md), and without which every pooled connection failed one call
/// after the server dropped them. So after a server restart no call fails.
#[tokio::test]
async fn no_call_fails_after_the_server_drops_the_pools_connections() {
    let (store, db) = fresh().await;
    let ana = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    // Several connections in the pool, all idle: four writes at once, each on its own.
    let sessions: Vec<_> = (1..=4).map(|day| simple_session(&format!("2026-03-0{day}T07:00:00Z"), 1)).collect();
    let written = tokio::join!(
        store.add_session(ana, &sessions[0]),
        store.add_session(ana, &sessions[1]),
        store.add_session(ana, &sessions[2]),
        store.add_session(ana, &sessions[3]),
    );
    for w in [written.0, written.1, written.2, written.3] {
        w.unwrap();
    }
    let mut raw = db.raw().await;
    let dropped: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut raw)
    .await
    .unwrap();
    assert!(!dropped.is_empty(), "the pool had no connection to drop");
    for i in 0..=PoolSettings::default().max_connections {
        let session = simple_session(&format!("2026-04-{:02}T07:00:00Z", i + 1), 1);
        store.add_session(ana, &session).await.unwrap();
    }
    let stored = store.history(ana).await.unwrap().history.sessions.len();
    assert_eq!(stored, 4 + PoolSettings::default().max_connections as usize + 1);
}
