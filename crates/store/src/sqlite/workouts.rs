//! Streaming imports of other apps' workouts ([`Store::import_workouts`]): batches
//! arrive on a channel and go into one `BEGIN IMMEDIATE` transaction.
//!
//! Workout by workout: a set whose key the stored workout (the first with the
//! same external id) has is brought in line with this reading
//! ([`crate::reimport`]); the other sets go into new exercise entries at its end,
//! or into a new workout. PostgreSQL's `postgres/workouts.rs` follows the same
//! rules.
//!
//! [`Store::import_workouts`]: crate::Store::import_workouts

use super::write::{INSERT_EXERCISE, INSERT_SET, changed, delete_events, exercise_row, immediate, set_row, text};
use super::{db, require_user};
use crate::codec::to_ns;
use crate::error::{Result, StoreError};
use crate::model::{ImportBatch, KeyedSession, UserId, WorkoutCounts};
use crate::reimport::{self, Changes, StoredEntry, StoredSet, StoredWorkout};
use pullback_core::Note;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::HashSet;
pub(super) fn import_workouts(
    c: &mut Connection,
    user: UserId,
    replace: bool,
    mut batches: tokio::sync::mpsc::Receiver<ImportBatch>,
) -> Result<WorkoutCounts> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    if replace {
        delete_events(&tx, user)?;
    }
    let mut counts = WorkoutCounts::default();
    let mut earliest: Option<i64> = None;
    loop {
        match batches.blocking_recv() {
            Some(ImportBatch::Sessions(sessions)) => {
                for session in &sessions {
                    if let Some(ns) = import_workout(&tx, user, session, &mut counts)? {
                        earliest = Some(earliest.map_or(ns, |e| e.min(ns)));
                    }
                }
            }
            Some(ImportBatch::Commit) => break,
            // Dropping `tx` rolls back.
            None => return Err(StoreError::Invalid("the import stopped before its end; nothing was stored".into())),
        }
    }
    let affected = if replace { Some(i64::MIN) } else { earliest };
    if affected.is_some() {
        changed(&tx, user, affected)?;
    }
    tx.commit().map_err(db)?;
    Ok(counts)
}

/// Writes the sets of `session` whose keys its stored workout (the one with the
/// same external id) lacks, into that workout or a new one. Gives the workout's
/// time (UTC ns) when anything was written.
fn import_workout(
    tx: &Transaction<'_>,
    user: UserId,
    session: &KeyedSession,
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
    let existing = stored_workout(tx, user, &session.external_id)?;
    let stored = match existing {
        Some((id, _)) => stored_sets(tx, id)?,
        None => StoredWorkout::default(),
    };
    let mut changed_sets = false;
    if let Some((id, _)) = existing {
        let changes = reimport::changes(&stored, session, counts);
        changed_sets = !changes.is_empty();
        apply(tx, id, &changes)?;
    }
    let mut known: HashSet<u128> = stored.sets.keys().copied().collect();
    let fresh = session.set_keys.iter().filter(|k| !known.contains(*k)).count();
    counts.known_sets += total - fresh;
    if fresh == 0 {
        return Ok(changed_sets.then_some(at_ns));
    }
    let (session_id, mut next_exercise) = match existing {
        Some(found) => {
            counts.extended += 1;
            found
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO sessions (user_id, at, at_ns, external_id, note) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    user.0,
                    text(session.at),
                    at_ns,
                    session.external_id,
                    session.note.as_ref().map(Note::as_str)
                ])
            })
            .map_err(db)?;
            counts.sessions += 1;
            (tx.last_insert_rowid(), 0)
        }
    };
    let mut insert_exercise = tx.prepare_cached(INSERT_EXERCISE).map_err(db)?;
    let mut insert_set = tx.prepare_cached(INSERT_SET).map_err(db)?;
    let mut keys = session.set_keys.iter();
    for e in &session.exercises {
        let mut exercise_id: Option<i64> = None;
        let mut position = 0;
        for (set, key) in e.sets.iter().zip(&mut keys) {
            // Also skips a key repeated within the workout.
            if !known.insert(*key) {
                continue;
            }
            let id = match exercise_id {
                Some(id) => id,
                None => {
                    insert_exercise.execute(exercise_row(session_id, next_exercise, e)).map_err(db)?;
                    next_exercise += 1;
                    *exercise_id.insert(tx.last_insert_rowid())
                }
            };
            insert_set.execute(set_row(id, position, set, Some(*key))).map_err(db)?;
            position += 1;
            counts.sets += 1;
        }
    }
    Ok(Some(at_ns))
}

/// The id of `user`'s workout with `external_id`, and the position its next
/// exercise entry takes.
fn stored_workout(tx: &Transaction<'_>, user: UserId, external_id: &str) -> Result<Option<(i64, i64)>> {
    tx.prepare_cached(
        "SELECT s.id, coalesce((SELECT max(position) + 1 FROM exercises WHERE session_id = s.id), 0)
         FROM sessions s WHERE s.user_id = ?1 AND s.external_id = ?2 ORDER BY s.id LIMIT 1",
    )
    .and_then(|mut s| s.query_row(params![user.0, external_id], |r| Ok((r.get(0)?, r.get(1)?))).optional())
    .map_err(db)
}

/// The imported sets of a stored workout by key, its entries, and whether it has a note.
fn stored_sets(tx: &Transaction<'_>, session: i64) -> Result<StoredWorkout> {
    let mut workout = StoredWorkout::default();
    let mut statement = tx
        .prepare_cached(
            "SELECT e.id, e.exercise, e.block_height, e.note IS NOT NULL FROM exercises e WHERE e.session_id = ?1",
        )
        .map_err(db)?;
    let mut rows = statement.query([session]).map_err(db)?;
    while let Some(r) = rows.next().map_err(db)? {
        let entry = StoredEntry {
            exercise: r.get(1).map_err(db)?,
            block_height: r.get(2).map_err(db)?,
            has_note: r.get(3).map_err(db)?,
        };
        workout.entries.insert(r.get(0).map_err(db)?, entry);
    }
    let mut statement = tx
        .prepare_cached(
            "SELECT st.import_key, st.exercise_id, st.position, st.load, st.note IS NOT NULL
             FROM exercises e JOIN sets st ON st.exercise_id = e.id
             WHERE e.session_id = ?1 AND st.import_key IS NOT NULL",
        )
        .map_err(db)?;
    let mut rows = statement.query([session]).map_err(db)?;
    while let Some(r) = rows.next().map_err(db)? {
        let key = u128::from_be_bytes(r.get::<_, [u8; 16]>(0).map_err(db)?);
        let set = StoredSet {
            exercise_id: r.get(1).map_err(db)?,
            position: r.get(2).map_err(db)?,
            load: r.get(3).map_err(db)?,
            has_note: r.get(4).map_err(db)?,
        };
        workout.sets.insert(key, set);
    }
    workout.has_note = tx
        .prepare_cached("SELECT note IS NOT NULL FROM sessions WHERE id = ?1")
        .and_then(|mut s| s.query_row([session], |r| r.get(0)))
        .map_err(db)?;
    Ok(workout)
}

/// Writes a re-import's changes to the sets imported before (see [`reimport`]).
fn apply(tx: &Transaction<'_>, session: i64, changes: &Changes) -> Result<()> {
    let mut rename =
        tx.prepare_cached("UPDATE exercises SET exercise = ?2, block_height = ?3 WHERE id = ?1").map_err(db)?;
    for (id, exercise, block) in &changes.entries {
        rename.execute(params![id, exercise, block]).map_err(db)?;
    }
    let mut reload =
        tx.prepare_cached("UPDATE sets SET load = ?3 WHERE exercise_id = ?1 AND position = ?2").map_err(db)?;
    for (exercise, position, load) in &changes.loads {
        reload.execute(params![exercise, position, load]).map_err(db)?;
    }
    let mut set_note = tx
        .prepare_cached("UPDATE sets SET note = ?3 WHERE exercise_id = ?1 AND position = ?2 AND note IS NULL")
        .map_err(db)?;
    for (exercise, position, note) in &changes.set_notes {
        set_note.execute(params![exercise, position, note]).map_err(db)?;
    }
    let mut entry_note =
        tx.prepare_cached("UPDATE exercises SET note = ?2 WHERE id = ?1 AND note IS NULL").map_err(db)?;
    for (id, note) in &changes.entry_notes {
        entry_note.execute(params![id, note]).map_err(db)?;
    }
    if let Some(note) = &changes.session_note {
        tx.prepare_cached("UPDATE sessions SET note = ?2 WHERE id = ?1 AND note IS NULL")
            .and_then(|mut s| s.execute(params![session, note]))
            .map_err(db)?;
    }
    Ok(())
}
