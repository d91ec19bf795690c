//! Streaming imports of other apps' workouts ([`Store::import_workouts`]): batches
//! arrive on a channel and go into one transaction; each batch costs a handful of
//! round trips whatever its size.
//!
//! The rules are SQLite's, workout by workout: a set whose key the stored workout
//! (the first with the same external id) has is skipped, the other sets go into
//! new exercise entries at its end, or into a new workout. Within a batch, the
//! workouts already seen are remembered, so a repeated external id finds the one
//! written just before; across batches the database has them.
//!
//! [`Store::import_workouts`]: crate::Store::import_workouts

use super::db;
use super::rows::{ExerciseRows, IdCounts, SessionRows, SetRows, next_id, take_ids};
use super::write::{changed, delete_events, lock_user};
use crate::codec::to_ns;
use crate::error::{Result, StoreError};
use crate::model::{ImportBatch, KeyedSession, UserId, WorkoutCounts};
use pullback_core::{ExerciseLog, Set};
use sqlx::Row;
use sqlx::postgres::{PgConnection, PgPool};
use std::collections::{HashMap, HashSet};

pub(super) async fn import(
    pool: &PgPool,
    user: UserId,
    replace: bool,
    mut batches: tokio::sync::mpsc::Receiver<ImportBatch>,
) -> Result<WorkoutCounts> {
    let mut tx = pool.begin().await.map_err(db)?;
    lock_user(&mut tx, user).await?;
    if replace {
        delete_events(&mut tx, user).await?;
    }
    let mut counts = WorkoutCounts::default();
    let mut earliest: Option<i64> = None;
    loop {
        match batches.recv().await {
            Some(ImportBatch::Sessions(sessions)) => {
                if let Some(ns) = import_batch(&mut tx, user, &sessions, &mut counts).await? {
                    earliest = Some(earliest.map_or(ns, |e| e.min(ns)));
                }
            }
            Some(ImportBatch::Commit) => break,
            // Dropping `tx` rolls back.
            None => return Err(StoreError::Invalid("the import stopped before its end; nothing was stored".into())),
        }
    }
    let affected = if replace { Some(i64::MIN) } else { earliest };
    if affected.is_some() {
        changed(&mut tx, user, affected).await?;
    }
    tx.commit().await.map_err(db)?;
    Ok(counts)
}

/// A workout's session: stored already, or the `n`th of this batch's new ones.
#[derive(Debug, Clone, Copy)]
enum SessionRef {
    Stored(i64),
    New(usize),
}

/// What is known of a workout while a batch is planned.
struct Workout {
    session: SessionRef,
    next_exercise: i64,
    keys: HashSet<u128>,
}

/// The rows a batch adds, with references to the new sessions and exercises by
/// their place in these lists until their ids are taken.
#[derive(Default)]
struct Plan<'a> {
    sessions: Vec<&'a KeyedSession>,
    exercises: Vec<(SessionRef, i64, &'a ExerciseLog)>,
    sets: Vec<(usize, i64, &'a Set, u128)>,
}

/// Writes one batch; gives the earliest time (UTC ns) of a workout that got sets.
async fn import_batch(
    c: &mut PgConnection,
    user: UserId,
    sessions: &[KeyedSession],
    counts: &mut WorkoutCounts,
) -> Result<Option<i64>> {
    let mut seen = stored_workouts(c, user, sessions).await?;
    let mut plan = Plan::default();
    let mut earliest: Option<i64> = None;
    for session in sessions {
        if let Some(ns) = plan_workout(&mut plan, &mut seen, session, counts)? {
            earliest = Some(earliest.map_or(ns, |e| e.min(ns)));
        }
    }
    write_plan(c, user, plan).await?;
    Ok(earliest)
}

/// Plans the sets of `session` whose keys its workout lacks (see the module).
fn plan_workout<'a>(
    plan: &mut Plan<'a>,
    seen: &mut HashMap<String, Workout>,
    session: &'a KeyedSession,
    counts: &mut WorkoutCounts,
) -> Result<Option<i64>> {
    let total: usize = session.exercises.iter().map(|e| e.sets.len()).sum();
    if session.set_keys.len() != total {
        return Err(StoreError::Invalid(format!(
            "the workout {} has {total} sets but {} keys",
            session.external_id,
            session.set_keys.len()
        )));
    }
    let at_ns = to_ns(session.at.instant)?;
    let known = seen.get(&session.external_id).map(|w| &w.keys);
    let fresh = session.set_keys.iter().filter(|k| known.is_none_or(|known| !known.contains(*k))).count();
    counts.known_sets += total - fresh;
    if fresh == 0 {
        return Ok(None);
    }
    let workout = match seen.get_mut(&session.external_id) {
        Some(workout) => {
            counts.extended += 1;
            workout
        }
        None => {
            counts.sessions += 1;
            plan.sessions.push(session);
            let new =
                Workout { session: SessionRef::New(plan.sessions.len() - 1), next_exercise: 0, keys: HashSet::new() };
            seen.entry(session.external_id.clone()).or_insert(new)
        }
    };
    let mut keys = session.set_keys.iter();
    for e in &session.exercises {
        let mut entry: Option<usize> = None;
        let mut position = 0;
        for (set, key) in e.sets.iter().zip(&mut keys) {
            // Also skips a key repeated within the workout.
            if !workout.keys.insert(*key) {
                continue;
            }
            let exercise = match entry {
                Some(index) => index,
                None => {
                    plan.exercises.push((workout.session, workout.next_exercise, e));
                    workout.next_exercise += 1;
                    *entry.insert(plan.exercises.len() - 1)
                }
            };
            plan.sets.push((exercise, position, set, *key));
            position += 1;
            counts.sets += 1;
        }
    }
    Ok(Some(at_ns))
}

/// The stored workouts the batch names, with the keys of their sets: for each
/// external id, the first workout with it.
async fn stored_workouts(
    c: &mut PgConnection,
    user: UserId,
    sessions: &[KeyedSession],
) -> Result<HashMap<String, Workout>> {
    let names: Vec<&str> = sessions.iter().map(|s| s.external_id.as_str()).collect();
    let rows = sqlx::query(
        "SELECT DISTINCT ON (s.external_id) s.id, s.external_id,
                coalesce((SELECT max(position) + 1 FROM exercises WHERE session_id = s.id), 0)
         FROM sessions s WHERE s.user_id = $1 AND s.external_id = ANY($2) ORDER BY s.external_id, s.id",
    )
    .bind(user.0)
    .bind(&names)
    .fetch_all(&mut *c)
    .await
    .map_err(db)?;
    let mut workouts = HashMap::with_capacity(rows.len());
    let mut by_id = HashMap::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get(0).map_err(db)?;
        let name: String = r.try_get(1).map_err(db)?;
        by_id.insert(id, name.clone());
        let next_exercise = r.try_get(2).map_err(db)?;
        workouts.insert(name, Workout { session: SessionRef::Stored(id), next_exercise, keys: HashSet::new() });
    }
    if by_id.is_empty() {
        return Ok(workouts);
    }
    let ids: Vec<i64> = by_id.keys().copied().collect();
    let keys: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT e.session_id, st.import_key FROM exercises e JOIN sets st ON st.exercise_id = e.id
         WHERE e.session_id = ANY($1) AND st.import_key IS NOT NULL",
    )
    .bind(&ids)
    .fetch_all(&mut *c)
    .await
    .map_err(db)?;
    for (session, key) in keys {
        let key: [u8; 16] =
            key.try_into().map_err(|_| crate::codec::corrupt(format!("an import key of session {session}")))?;
        if let Some(workout) = by_id.get(&session).and_then(|name| workouts.get_mut(name)) {
            workout.keys.insert(u128::from_be_bytes(key));
        }
    }
    Ok(workouts)
}

/// Takes ids for the plan's new sessions and exercise entries and writes its rows.
async fn write_plan(c: &mut PgConnection, user: UserId, plan: Plan<'_>) -> Result<()> {
    let want = IdCounts { sessions: plan.sessions.len(), exercises: plan.exercises.len(), checkins: 0 };
    let ids = take_ids(c, want).await?;
    let mut sessions = SessionRows::default();
    for (session, &id) in plan.sessions.iter().zip(&ids.sessions) {
        sessions.push(id, session.at, Some(&session.external_id), session.note.as_ref())?;
    }
    let mut exercises = ExerciseRows::default();
    let mut new_exercises = ids.exercises.iter();
    for &(session, position, e) in &plan.exercises {
        let session_id = match session {
            SessionRef::Stored(id) => id,
            SessionRef::New(n) => {
                *ids.sessions.get(n).ok_or_else(|| crate::codec::corrupt("a session id is missing"))?
            }
        };
        exercises.push(next_id(&mut new_exercises)?, session_id, position, e);
    }
    let mut sets = SetRows::default();
    for &(exercise, position, set, key) in &plan.sets {
        let exercise_id =
            *exercises.id.get(exercise).ok_or_else(|| crate::codec::corrupt("an exercise id is missing"))?;
        sets.push(exercise_id, position, set, Some(key));
    }
    sessions.insert(c, user.0).await?;
    exercises.insert(c).await?;
    sets.insert(c).await?;
    Ok(())
}
