//! The decision from a stored log (`pullback_app::planning`) on both backends: a
//! real SQLite file and a database of its own on the test PostgreSQL server.

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use pullback_core::{Decimal, Exercise, ExerciseId, ExerciseLog, Load, Pain, Point, Reps, SessionCheckin, Set, Units};
use pullback_store::testing::TestDatabase;
use pullback_store::{
    Entry, NewAudit, NewCheckin, NewCheckpoint, NewSession, PostgresStore, SqliteStore, Store, StoredProfile, UserId,
};

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

#[tokio::test]
async fn sqlite_the_plan_cache_answers_as_a_full_replay_after_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("pullback.db")).await.unwrap();
    let elsewhere = SqliteStore::open(dir.path().join("empty.db")).await.unwrap();
    the_plan_cache_answers_as_a_full_replay_after_every_change(&store, &elsewhere).await;
}

#[tokio::test]
async fn postgres_the_plan_cache_answers_as_a_full_replay_after_every_change() {
    let db = TestDatabase::create("app_plan_cache").await;
    let store = PostgresStore::connect(&db.url(), pullback_store::postgres::Migrate::Apply).await.unwrap();
    let empty = TestDatabase::create("app_plan_cache_empty").await;
    let elsewhere = PostgresStore::connect(&empty.url(), pullback_store::postgres::Migrate::Apply).await.unwrap();
    the_plan_cache_answers_as_a_full_replay_after_every_change(&store, &elsewhere).await;
}

/// The plan cache (issue 16) gives the decision a full replay of the whole stored
/// history gives, at every instant asked (before and after the checkpoint it
/// made, across days, as check-ins fall due), after each kind of change: a
/// session, a check-in, a profile change, a deletion. Between changes a repeated
/// read is served without the store: asked through a store that holds nothing
/// (`elsewhere`), it still answers.
async fn the_plan_cache_answers_as_a_full_replay_after_every_change(store: &dyn Store, elsewhere: &dyn Store) {
    let user = lifter(store, "ana").await;
    store.create_api_token(user, "phone", &[5; 32]).await.unwrap();
    let sore = |when: &str, during: i64, after: i64| {
        let mut session = simple_session(when, 3);
        session.checkins = vec![
            SessionCheckin { point: Point::During, pain: pain(during), at: None, side: None, bottom_only: false },
            SessionCheckin { point: Point::After24h, pain: pain(after), at: None, side: None, bottom_only: false },
        ];
        session
    };
    for day in 1..=20 {
        store.add_session(user, &sore(&format!("2026-01-{day:02}T10:00:00Z"), 1, 1 + day % 3)).await.unwrap();
    }
    let cache = &pullback_app::planning::PlanCache::new(8);
    let asked = [
        "2026-01-21T09:00:00Z",
        "2026-01-21T10:30:00Z",
        "2026-01-25T07:00:00Z",
        "2026-02-10T07:00:00Z",
        "2026-01-22T11:00:00Z",
        "2026-01-20T12:00:00Z",
    ];
    let check = |step: &'static str| async move {
        let caller = store.api_token_user(&[5; 32]).await.unwrap().unwrap();
        for as_of in asked.map(ts) {
            let full = store.history(user).await.unwrap().history;
            let cached = cache.decision(store, user, caller.revision, as_of).await.unwrap();
            assert_eq!(cached, pullback_core::plan(&full, as_of), "{step}, as of {as_of}");
        }
        // The last instant again, through a store with nothing in it: only the
        // cache can answer, and does.
        let as_of = ts(asked[asked.len() - 1]);
        let kept = cache.decision(elsewhere, user, caller.revision, as_of).await;
        assert_eq!(kept.ok(), Some(pullback_core::plan(&store.history(user).await.unwrap().history, as_of)), "{step}");
    };
    check("at first").await;
    assert!(store.checkpoint(user).await.unwrap().is_some(), "the first read made a checkpoint");

    let late = store.add_session(user, &sore("2026-01-21T10:00:00Z", 5, 6)).await.unwrap();
    check("after a flare").await;
    let checkin = NewCheckin {
        session: Some(late),
        point: Some(Point::After1h),
        pain: pain(7),
        at: None,
        side: None,
        bottom_only: false,
    };
    store.add_checkin(user, &checkin).await.unwrap();
    check("after a check-in").await;
    let mut profile = store.profile(user).await.unwrap();
    profile.profile.working_weight = Some(Load::parse(Decimal::from(180)).unwrap());
    store.set_profile(user, &profile).await.unwrap();
    check("after a profile change").await;
    let ana = store.user(user).await.unwrap();
    let audit =
        NewAudit { lifter: user, actor: &ana, action: "delete", detail: "test".into(), at: ts("2026-01-22T12:00:00Z") };
    store.delete_entry(Entry::Session(late), &audit).await.unwrap();
    check("after a deletion").await;
}
