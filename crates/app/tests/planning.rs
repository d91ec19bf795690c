//! The decision from a stored log (`pullback_app::planning`) on both backends: a
//! real SQLite file and a database of its own on the test PostgreSQL server.

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use pullback_core::{Decimal, Exercise, ExerciseId, ExerciseLog, Load, Pain, Point, Reps, SessionCheckin, Set, Units};
use pullback_store::testing::TestDatabase;
use pullback_store::{NewCheckpoint, NewSession, PostgresStore, SqliteStore, Store, StoredProfile, UserId};

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn pain(v: i64) -> Pain {
    Pain::parse(v).unwrap()
}

/// A one-exercise session of `n` sets of 5 at 100.
fn simple_session(when: &str, n: usize) -> NewSession {
    let set = Set {
        load: Load::parse(Decimal::from(100)).unwrap(),
        reps: Reps::parse(5).unwrap(),
        rpe: None,
        warmup: false,
        note: None,
    };
    let deadlift = ExerciseLog {
        exercise: ExerciseId::Known(Exercise::Deadlift),
        tempo: None,
        block_height: None,
        sets: vec![set; n],
        note: None,
    };
    NewSession { at: when.parse().unwrap(), external_id: None, exercises: vec![deadlift], checkins: vec![], note: None }
}

async fn lifter(store: &dyn Store, name: &str) -> UserId {
    store.create_user(name, &StoredProfile::new(Units::Kg)).await.unwrap().id
}

#[tokio::test]
async fn sqlite_a_checkpoint_of_an_older_engine_is_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("pullback.db")).await.unwrap();
    a_checkpoint_of_an_older_engine_is_replayed(&store).await;
}

#[tokio::test]
async fn postgres_a_checkpoint_of_an_older_engine_is_replayed() {
    let db = TestDatabase::create("app_planning").await;
    let store = PostgresStore::connect(&db.url(), pullback_store::postgres::Migrate::Apply).await.unwrap();
    a_checkpoint_of_an_older_engine_is_replayed(&store).await;
}

/// A checkpoint folded by an older engine (issue 11: a pattern entry with
/// bottom-only pain during started off the block) is not resumed: the decision
/// replays the whole history by the current rules and replaces the checkpoint.
async fn a_checkpoint_of_an_older_engine_is_replayed(store: &dyn Store) {
    let user = lifter(store, "ana").await;
    let sore = |when: &str, bottom_only: bool| {
        let mut session = simple_session(when, 3);
        session.checkins = vec![
            SessionCheckin { point: Point::During, pain: pain(1), at: None, side: None, bottom_only },
            SessionCheckin { point: Point::After24h, pain: pain(2), at: None, side: None, bottom_only: false },
        ];
        session
    };
    store.add_session(user, &sore("2026-01-01T10:00:00Z", false)).await.unwrap();
    store.add_session(user, &sore("2026-01-04T10:00:00Z", false)).await.unwrap();
    store.add_session(user, &sore("2026-01-07T10:00:00Z", true)).await.unwrap();
    let full = store.history(user).await.unwrap();
    let made_at = ts("2026-01-20T00:00:00Z");
    let covers = ts("2026-01-10T00:00:00Z");
    let current = pullback_core::Checkpoint::make(None, &full.history, made_at, covers);
    assert!(current.is_current());
    // What the older engine folded: revision 1, and the episode off the block.
    // (Edited as text: the packed check-ins are u128, which serde_json::Value cannot hold.)
    let text = serde_json::to_string(&current).unwrap();
    let engine = format!("\"engine\":{}", pullback_core::ENGINE_REVISION);
    assert!(text.contains(&engine) && text.contains("\"block\":\"First\""), "{text}");
    let old = text.replace(&engine, "\"engine\":1").replace("\"block\":\"First\"", "\"block\":null");
    let cp = NewCheckpoint { covers_until: covers, made_at, state: old.into_bytes() };
    assert!(store.put_checkpoint(user, &cp, full.revision).await.unwrap());

    let as_of = ts("2026-01-21T00:00:00Z");
    let decision = pullback_app::planning::stored_decision(store, user, as_of).await.unwrap();
    assert_eq!(decision.block, Some(pullback_core::Block::First), "the current rules, not the old fold");
    assert_eq!(decision, pullback_core::plan(&full.history, as_of));
    let replaced = store.checkpoint(user).await.unwrap().expect("a checkpoint was stored again");
    let replaced: pullback_core::Checkpoint = serde_json::from_slice(&replaced.state).unwrap();
    assert!(replaced.is_current(), "the outdated checkpoint was replaced");
}
