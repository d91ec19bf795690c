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
use super::rows::{Batch, ExerciseRows, IdCounts, Replay, SessionRows, SetRows, next_id, take_ids};
use super::write::{changed, delete_events, lock_user};
use crate::codec::to_ns;
use crate::error::{Result, StoreError};
use crate::model::{ImportBatch, KeyedSession, UserId, WorkoutCounts};
use crate::reimport::{self, Changes, StoredEntry, StoredSet, StoredWorkout};
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
    /// What was stored before this batch, for a re-import's changes.
    stored: StoredWorkout,
}

/// The rows a batch adds, with references to the new sessions and exercises by
/// their place in these lists until their ids are taken.
#[derive(Default)]
struct Plan<'a> {
    sessions: Vec<&'a KeyedSession>,
    exercises: Vec<(SessionRef, i64, &'a ExerciseLog)>,
    sets: Vec<(usize, i64, &'a Set, u128)>,
    /// A re-import's changes to stored workouts, by session id.
    changes: Vec<(i64, Changes)>,
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
    let mut changed_sets = false;
    if let Some(Workout { session: SessionRef::Stored(id), stored, .. }) = seen.get(&session.external_id) {
        let changes = reimport::changes(stored, session, counts);
        if !changes.is_empty() {
            changed_sets = true;
            plan.changes.push((*id, changes));
        }
    }
    let known = seen.get(&session.external_id).map(|w| &w.keys);
    let fresh = session.set_keys.iter().filter(|k| known.is_none_or(|known| !known.contains(*k))).count();
    counts.known_sets += total - fresh;
    if fresh == 0 {
        return Ok(changed_sets.then_some(at_ns));
    }
    let workout = match seen.get_mut(&session.external_id) {
        Some(workout) => {
            counts.extended += 1;
            workout
        }
        None => {
            counts.sessions += 1;
            plan.sessions.push(session);
            let new = Workout {
                session: SessionRef::New(plan.sessions.len() - 1),
                next_exercise: 0,
                keys: HashSet::new(),
                stored: StoredWorkout::default(),
            };
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
                coalesce((SELECT max(position) + 1 FROM exercises WHERE session_id = s.id), 0), s.note IS NOT NULL
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
        let has_note: bool = r.try_get(3).map_err(db)?;
        let stored = StoredWorkout { has_note, ..StoredWorkout::default() };
        workouts.insert(name, Workout { session: SessionRef::Stored(id), next_exercise, keys: HashSet::new(), stored });
    }
    if by_id.is_empty() {
        return Ok(workouts);
    }
    let ids: Vec<i64> = by_id.keys().copied().collect();
    let entries: Vec<(i64, i64, String, Option<String>, bool)> = sqlx::query_as(
        "SELECT e.session_id, e.id, e.exercise, e.block_height, e.note IS NOT NULL FROM exercises e
         WHERE e.session_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(&mut *c)
    .await
    .map_err(db)?;
    for (session, id, exercise, block_height, has_note) in entries {
        if let Some(workout) = by_id.get(&session).and_then(|name| workouts.get_mut(name)) {
            workout.stored.entries.insert(id, StoredEntry { exercise, block_height, has_note });
        }
    }
    let keys: Vec<(i64, Vec<u8>, i64, i64, String, bool)> = sqlx::query_as(
        "SELECT e.session_id, st.import_key, st.exercise_id, st.position, st.load, st.note IS NOT NULL
         FROM exercises e JOIN sets st ON st.exercise_id = e.id
         WHERE e.session_id = ANY($1) AND st.import_key IS NOT NULL",
    )
    .bind(&ids)
    .fetch_all(&mut *c)
    .await
    .map_err(db)?;
    for (session, key, exercise_id, position, load, has_note) in keys {
        let key: [u8; 16] =
            key.try_into().map_err(|_| crate::codec::corrupt(format!("an import key of session {session}")))?;
        if let Some(workout) = by_id.get(&session).and_then(|name| workouts.get_mut(name)) {
            let key = u128::from_be_bytes(key);
            workout.keys.insert(key);
            workout.stored.sets.insert(key, StoredSet { exercise_id, position, load, has_note });
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
    Batch::of_rows(sessions, exercises, sets).write(c, user.0, Replay::Untouched).await?;
    apply(c, &plan.changes).await
}

/// Writes a re-import's changes to the sets imported before (see [`reimport`]),
/// one statement per kind of change.
async fn apply(c: &mut PgConnection, changes: &[(i64, Changes)]) -> Result<()> {
    let all = || changes.iter().map(|(_, ch)| ch);
    let (ids, names, blocks): (Vec<i64>, Vec<&str>, Vec<Option<&str>>) =
        unzip3(all().flat_map(|ch| ch.entries.iter()).map(|(id, name, block)| (*id, name.as_str(), block.as_deref())));
    if !ids.is_empty() {
        sqlx::query(
            "UPDATE exercises e SET exercise = u.exercise, block_height = u.block_height
             FROM UNNEST($1::bigint[], $2::text[], $3::text[]) AS u (id, exercise, block_height) WHERE e.id = u.id",
        )
        .bind(ids)
        .bind(names)
        .bind(blocks)
        .execute(&mut *c)
        .await
        .map_err(db)?;
    }
    let loads: Vec<&(i64, i64, String)> = all().flat_map(|ch| &ch.loads).collect();
    update_sets(
        c,
        "UPDATE sets s SET load = u.text FROM UNNEST($1::bigint[], $2::bigint[], $3::text[]) AS u (e, p, text)
         WHERE s.exercise_id = u.e AND s.position = u.p",
        &loads,
    )
    .await?;
    let notes: Vec<&(i64, i64, String)> = all().flat_map(|ch| &ch.set_notes).collect();
    update_sets(
        c,
        "UPDATE sets s SET note = u.text FROM UNNEST($1::bigint[], $2::bigint[], $3::text[]) AS u (e, p, text)
         WHERE s.exercise_id = u.e AND s.position = u.p AND s.note IS NULL",
        &notes,
    )
    .await?;
    let (ids, notes): (Vec<i64>, Vec<&str>) =
        all().flat_map(|ch| &ch.entry_notes).map(|(id, note)| (*id, note.as_str())).unzip();
    if !ids.is_empty() {
        sqlx::query(
            "UPDATE exercises e SET note = u.note FROM UNNEST($1::bigint[], $2::text[]) AS u (id, note)
             WHERE e.id = u.id AND e.note IS NULL",
        )
        .bind(ids)
        .bind(notes)
        .execute(&mut *c)
        .await
        .map_err(db)?;
    }
    let (ids, notes): (Vec<i64>, Vec<&str>) =
        changes.iter().filter_map(|(id, ch)| Some((*id, ch.session_note.as_deref()?))).unzip();
    if !ids.is_empty() {
        sqlx::query(
            "UPDATE sessions s SET note = u.note FROM UNNEST($1::bigint[], $2::text[]) AS u (id, note)
             WHERE s.id = u.id AND s.note IS NULL",
        )
        .bind(ids)
        .bind(notes)
        .execute(&mut *c)
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// Runs `sql` over (exercise id, position, text) rows, as three arrays.
async fn update_sets(c: &mut PgConnection, sql: &str, rows: &[&(i64, i64, String)]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let (exercises, positions, texts) = unzip3(rows.iter().map(|(e, p, text)| (*e, *p, text.as_str())));
    sqlx::query(sql).bind(exercises).bind(positions).bind(texts).execute(c).await.map_err(db)?;
    Ok(())
}

fn unzip3<A, B, C>(items: impl Iterator<Item = (A, B, C)>) -> (Vec<A>, Vec<B>, Vec<C>) {
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    for (x, y, z) in items {
        a.push(x);
        b.push(y);
        c.push(z);
    }
    (a, b, c)
}
