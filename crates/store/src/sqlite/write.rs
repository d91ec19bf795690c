//! Writes. Each public function is one `BEGIN IMMEDIATE` transaction, so that a
//! writer waits for another (up to the busy timeout) instead of failing on a stale
//! snapshot.

use crate::codec::{self, ProfileRow, effective_time, to_ns};
use crate::error::{Result, StoreError};
use crate::model::{
    At, CheckinId, ImportBatch, ImportCounts, ImportMode, KeyedSession, NewCheckin, NewCheckpoint, NewScreening,
    NewSession, NewSymmetryTest, Revision, ScreeningId, SessionId, StoredProfile, SymmetryTestId, User, UserId,
    WorkoutCounts,
};
use crate::reimport::{self, Changes, StoredEntry, StoredSet, StoredWorkout};
use jiff::Timestamp;
use jiff::tz::Offset;
use pullback_core::{ExerciseLog, History, Note, Point, SessionCheckin, Set, Side};
use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior, params};
use std::collections::HashSet;

pub(super) fn db(e: rusqlite::Error) -> StoreError {
    StoreError::backend(e)
}

/// A write transaction (`BEGIN IMMEDIATE`) that holds this process's turn to write
/// to its database file.
///
/// SQLite has one writer at a time; the others wait in its busy handler, which
/// sleeps in growing steps (up to 100 ms) and retries. Under many writers at once
/// that sleeping, not the writing, made the slowest writes slow (p99 of 78–160 ms
/// at 64 connections, issue 16). Writers of this process queue on a mutex instead
/// and start the moment the previous one ends; the busy handler still covers
/// writers in other processes (the command line, a second server).
pub(super) struct WriteTx<'c> {
    // Dropped first: a transaction not committed rolls back while the turn is held.
    tx: Transaction<'c>,
    _turn: std::sync::MutexGuard<'static, ()>,
}

impl<'c> WriteTx<'c> {
    pub(super) fn commit(self) -> rusqlite::Result<()> {
        self.tx.commit()
    }
}

impl<'c> std::ops::Deref for WriteTx<'c> {
    type Target = Transaction<'c>;
    fn deref(&self) -> &Transaction<'c> {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// The turn to write to the database file at `path`: one mutex per file, made
/// the first time a file is written and kept for the life of the process (a few
/// bytes per file).
fn write_turn(path: &str) -> &'static std::sync::Mutex<()> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static TURNS: OnceLock<Mutex<HashMap<String, &'static Mutex<()>>>> = OnceLock::new();
    let mut turns = TURNS.get_or_init(Default::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    turns.entry(path.to_owned()).or_insert_with(|| Box::leak(Box::new(Mutex::new(()))))
}

pub(super) fn immediate(c: &mut Connection) -> Result<WriteTx<'_>> {
    let turn = write_turn(c.path().unwrap_or_default());
    // A writer that panicked left nothing half-done (its transaction rolled back).
    let turn = turn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    Ok(WriteTx { tx, _turn: turn })
}

/// The user's revision; `NotFound` if there is no such user.
pub(super) fn require_user(c: &Connection, user: UserId) -> Result<Revision> {
    c.prepare_cached("SELECT revision FROM users WHERE id = ?1")
        .and_then(|mut s| s.query_row([user.0], |r| r.get(0)).optional())
        .map_err(db)?
        .map(Revision)
        .ok_or_else(|| StoreError::not_found("user", user))
}

/// Records that `user`'s events changed at `affected` (UTC ns): the revision rises,
/// and a checkpoint covering that instant is deleted.
pub(super) fn changed(tx: &Transaction<'_>, user: UserId, affected: Option<i64>) -> Result<()> {
    tx.prepare_cached("UPDATE users SET revision = revision + 1 WHERE id = ?1")
        .and_then(|mut s| s.execute([user.0]))
        .map_err(db)?;
    if let Some(ns) = affected {
        tx.prepare_cached("DELETE FROM checkpoints WHERE user_id = ?1 AND covers_until_ns >= ?2")
            .and_then(|mut s| s.execute(params![user.0, ns]))
            .map_err(db)?;
    }
    Ok(())
}

pub(super) fn create_user(
    c: &mut Connection,
    name: &str,
    profile: &StoredProfile,
    password_hash: Option<&str>,
) -> Result<User> {
    let name = codec::check_user_name(name)?;
    codec::check_profile(profile)?;
    let tx = immediate(c)?;
    let created_at = Timestamp::now();
    let inserted = tx.execute(
        "INSERT INTO users (name, created_at, password_hash) VALUES (?1, ?2, ?3)",
        params![name, created_at.to_string(), password_hash],
    );
    match inserted {
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => {
            return Err(StoreError::Conflict(format!("a user named {name:?} exists already; choose another name")));
        }
        other => other.map_err(db)?,
    };
    let id = UserId(tx.last_insert_rowid());
    upsert_profile(&tx, id, profile)?;
    tx.commit().map_err(db)?;
    Ok(User { id, name: name.to_owned(), created_at, clinician: false })
}

pub(super) fn delete_user(c: &mut Connection, user: UserId) -> Result<()> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    tx.execute("DELETE FROM users WHERE id = ?1", [user.0]).map_err(db)?;
    tx.commit().map_err(db)
}

pub(super) fn upsert_profile(tx: &Transaction<'_>, user: UserId, profile: &StoredProfile) -> Result<()> {
    let r = ProfileRow::from_profile(profile);
    tx.prepare_cached(
        "INSERT INTO profiles (user_id, units, working_weight, usual_variation, load_increment, bar_weight,
                               kettlebell_weight, time_zone, plates, overrides)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (user_id) DO UPDATE SET
             units = excluded.units, working_weight = excluded.working_weight,
             usual_variation = excluded.usual_variation, load_increment = excluded.load_increment,
             bar_weight = excluded.bar_weight, kettlebell_weight = excluded.kettlebell_weight,
             time_zone = excluded.time_zone, plates = excluded.plates, overrides = excluded.overrides",
    )
    .and_then(|mut s| {
        s.execute(params![
            user.0,
            r.units,
            r.working_weight,
            r.usual_variation,
            r.load_increment,
            r.bar_weight,
            r.kettlebell_weight,
            r.time_zone,
            r.plates,
            r.overrides
        ])
    })
    .map_err(db)?;
    Ok(())
}

pub(super) fn set_profile(c: &mut Connection, user: UserId, profile: &StoredProfile) -> Result<()> {
    codec::check_profile(profile)?;
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    upsert_profile(&tx, user, profile)?;
    // The replay reads the usual variation, the working weight and the parameters.
    changed(&tx, user, Some(i64::MIN))?;
    tx.commit().map_err(db)
}

/// A position in a list, as stored.
fn ordinal(position: usize) -> i64 {
    i64::try_from(position).unwrap_or(i64::MAX)
}

pub(super) fn text(at: At) -> String {
    at.to_string()
}

const INSERT_EXERCISE: &str = "INSERT INTO exercises (session_id, position, exercise, tempo, block_height, note)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// The parameters of [`INSERT_EXERCISE`].
fn exercise_row(session: i64, position: i64, e: &ExerciseLog) -> impl rusqlite::Params + '_ {
    (
        session,
        position,
        e.exercise.as_str(),
        e.tempo.map(|t| t.to_string()),
        e.block_height.map(|h| h.value().to_string()),
        e.note.as_ref().map(Note::as_str),
    )
}

const INSERT_SET: &str = "INSERT INTO sets (exercise_id, position, load, reps, rpe, warmup, import_key, note)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// The parameters of [`INSERT_SET`].
fn set_row(exercise: i64, position: i64, set: &Set, key: Option<u128>) -> impl rusqlite::Params + '_ {
    (
        exercise,
        position,
        set.load.to_string(),
        set.reps.value(),
        set.rpe.map(|r| r.value().to_string()),
        set.warmup,
        key.map(u128::to_be_bytes),
        set.note.as_ref().map(Note::as_str),
    )
}

/// A session to write whole, with its exercises, sets and check-ins.
#[derive(Debug, Clone, Copy)]
struct Whole<'a> {
    at: At,
    external_id: Option<&'a str>,
    exercises: &'a [ExerciseLog],
    checkins: &'a [SessionCheckin],
    note: Option<&'a Note>,
}

/// Inserts a session with its exercises, sets and check-ins; adds to `counts`.
fn insert_session(
    tx: &Transaction<'_>,
    user: UserId,
    whole: &Whole<'_>,
    counts: &mut ImportCounts,
) -> Result<SessionId> {
    let Whole { at, external_id, exercises, checkins, note } = *whole;
    let at_ns = to_ns(at.instant)?;
    tx.prepare_cached("INSERT INTO sessions (user_id, at, at_ns, external_id, note) VALUES (?1, ?2, ?3, ?4, ?5)")
        .and_then(|mut s| s.execute(params![user.0, text(at), at_ns, external_id, note.map(Note::as_str)]))
        .map_err(db)?;
    let session = SessionId(tx.last_insert_rowid());
    insert_exercises(tx, session, exercises, counts)?;
    for c in checkins {
        let own = c.at.map(|t| At::new(t, at.offset));
        insert_checkin(
            tx,
            user,
            Some((session, at.instant)),
            Some(c.point),
            c.pain.value(),
            own,
            c.side,
            c.bottom_only,
        )?;
        counts.checkins += 1;
    }
    counts.sessions += 1;
    Ok(session)
}

/// Inserts a session's exercises with their sets, in order; adds to `counts`.
pub(super) fn insert_exercises(
    tx: &Transaction<'_>,
    session: SessionId,
    exercises: &[ExerciseLog],
    counts: &mut ImportCounts,
) -> Result<()> {
    let mut insert_exercise = tx.prepare_cached(INSERT_EXERCISE).map_err(db)?;
    let mut insert_set = tx.prepare_cached(INSERT_SET).map_err(db)?;
    for (position, e) in exercises.iter().enumerate() {
        insert_exercise.execute(exercise_row(session.0, ordinal(position), e)).map_err(db)?;
        let exercise_id = tx.last_insert_rowid();
        for (position, set) in e.sets.iter().enumerate() {
            insert_set.execute(set_row(exercise_id, ordinal(position), set, None)).map_err(db)?;
        }
        counts.exercises += 1;
        counts.sets += e.sets.len();
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn insert_checkin(
    tx: &Transaction<'_>,
    user: UserId,
    session: Option<(SessionId, Timestamp)>,
    point: Option<Point>,
    pain: u8,
    at: Option<At>,
    side: Option<Side>,
    bottom_only: bool,
) -> Result<CheckinId> {
    let effective = match (session, point, at) {
        (Some((_, session_at)), Some(point), at) => effective_time(session_at, point, at.map(|a| a.instant)),
        (None, None, Some(at)) => at.instant,
        (Some(_), None, _) => return Err(StoreError::Invalid("a check-in of a session needs its point".into())),
        (None, Some(_), _) => {
            return Err(StoreError::Invalid("a check-in with a point must name its session".into()));
        }
        (None, None, None) => return Err(StoreError::Invalid("a standalone check-in needs its time".into())),
    };
    let at_ns = at.map(|a| to_ns(a.instant)).transpose()?;
    let effective_ns = to_ns(effective)?;
    tx.prepare_cached(
        "INSERT INTO checkins (user_id, session_id, point, pain, at, at_ns, effective_ns, side, bottom_only)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .and_then(|mut s| {
        s.execute(params![
            user.0,
            session.map(|(id, _)| id.0),
            point.map(Point::id),
            pain,
            at.map(text),
            at_ns,
            effective_ns,
            side.map(Side::id),
            bottom_only,
        ])
    })
    .map_err(db)?;
    Ok(CheckinId(tx.last_insert_rowid()))
}

pub(super) fn add_session(c: &mut Connection, user: UserId, session: &NewSession) -> Result<SessionId> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    let id = log_session(&tx, user, session)?;
    tx.commit().map_err(db)?;
    Ok(id)
}

/// Inserts a session and records the change, inside the caller's transaction.
pub(super) fn log_session(tx: &Transaction<'_>, user: UserId, session: &NewSession) -> Result<SessionId> {
    let mut counts = ImportCounts::default();
    let whole = Whole {
        at: session.at,
        external_id: session.external_id.as_deref(),
        exercises: &session.exercises,
        checkins: &session.checkins,
        note: session.note.as_ref(),
    };
    let id = insert_session(tx, user, &whole, &mut counts)?;
    changed(tx, user, Some(to_ns(session.at.instant)?))?;
    Ok(id)
}

pub(super) fn add_checkin(c: &mut Connection, user: UserId, checkin: &NewCheckin) -> Result<CheckinId> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    let id = log_checkin(&tx, user, checkin)?;
    tx.commit().map_err(db)?;
    Ok(id)
}

/// Inserts a check-in and records the change, inside the caller's transaction.
pub(super) fn log_checkin(tx: &Transaction<'_>, user: UserId, checkin: &NewCheckin) -> Result<CheckinId> {
    let session = match checkin.session {
        Some(id) => {
            let at_ns: Option<i64> = tx
                .prepare_cached("SELECT at_ns FROM sessions WHERE id = ?1 AND user_id = ?2")
                .and_then(|mut s| s.query_row(params![id.0, user.0], |r| r.get(0)).optional())
                .map_err(db)?;
            let at_ns = at_ns.ok_or_else(|| StoreError::not_found("session", id))?;
            Some((id, codec::from_ns(at_ns)?))
        }
        None => None,
    };
    let id = insert_checkin(
        tx,
        user,
        session,
        checkin.point,
        checkin.pain.value(),
        checkin.at,
        checkin.side,
        checkin.bottom_only,
    )?;
    // A session's check-in changes that session's outcome: the session time counts.
    let affected = match (session, checkin.at) {
        (Some((_, session_at)), _) => session_at,
        (None, Some(at)) => at.instant,
        (None, None) => return Err(StoreError::Invalid("a standalone check-in needs its time".into())),
    };
    changed(tx, user, Some(to_ns(affected)?))?;
    Ok(id)
}

pub(super) fn flag(b: bool) -> i64 {
    i64::from(b)
}

fn insert_screening(tx: &Transaction<'_>, user: UserId, s: &NewScreening) -> Result<ScreeningId> {
    let a = &s.answers;
    let at_ns = to_ns(s.at.instant)?;
    tx.prepare_cached(
        "INSERT INTO screenings (user_id, at, at_ns, saddle_anesthesia, bladder_bowel, progressive_weakness,
                                 fever, trauma, cancer_history, weight_loss, night_pain)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut st| {
        st.execute(params![
            user.0,
            text(s.at),
            at_ns,
            flag(a.saddle_anesthesia),
            flag(a.bladder_bowel),
            flag(a.progressive_weakness),
            flag(a.fever),
            flag(a.trauma),
            flag(a.cancer_history),
            flag(a.weight_loss),
            flag(a.night_pain),
        ])
    })
    .map_err(db)?;
    Ok(ScreeningId(tx.last_insert_rowid()))
}

fn insert_symmetry(tx: &Transaction<'_>, user: UserId, t: &NewSymmetryTest) -> Result<SymmetryTestId> {
    let at_ns = to_ns(t.at.instant)?;
    tx.prepare_cached(
        "INSERT INTO symmetry_tests (user_id, at, at_ns, left_strength, right_strength) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut s| {
        s.execute(params![user.0, text(t.at), at_ns, t.left.value().to_string(), t.right.value().to_string()])
    })
    .map_err(db)?;
    Ok(SymmetryTestId(tx.last_insert_rowid()))
}

pub(super) fn add_screening(c: &mut Connection, user: UserId, s: &NewScreening) -> Result<ScreeningId> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    let id = insert_screening(&tx, user, s)?;
    // Not in the replay (the checkpoint stays), but in the decision: whatever was
    // computed from the log before (a cached caseload row) is stale now.
    changed(&tx, user, None)?;
    tx.commit().map_err(db)?;
    Ok(id)
}

pub(super) fn add_symmetry_test(c: &mut Connection, user: UserId, t: &NewSymmetryTest) -> Result<SymmetryTestId> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    let id = insert_symmetry(&tx, user, t)?;
    changed(&tx, user, None)?;
    tx.commit().map_err(db)?;
    Ok(id)
}

pub(super) fn put_checkpoint(c: &mut Connection, user: UserId, cp: &NewCheckpoint, based_on: Revision) -> Result<bool> {
    let tx = immediate(c)?;
    if require_user(&tx, user)? != based_on {
        return Ok(false);
    }
    let (covers_until_ns, made_at_ns) = (to_ns(cp.covers_until)?, to_ns(cp.made_at)?);
    tx.prepare_cached(
        "INSERT INTO checkpoints (user_id, covers_until, covers_until_ns, made_at, made_at_ns, revision, state, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (user_id) DO UPDATE SET
             covers_until = excluded.covers_until, covers_until_ns = excluded.covers_until_ns,
             made_at = excluded.made_at, made_at_ns = excluded.made_at_ns, revision = excluded.revision,
             state = excluded.state, created_at = excluded.created_at",
    )
    .and_then(|mut s| {
        s.execute(params![
            user.0,
            cp.covers_until.to_string(),
            covers_until_ns,
            cp.made_at.to_string(),
            made_at_ns,
            based_on.0,
            cp.state,
            Timestamp::now().to_string(),
        ])
    })
    .map_err(db)?;
    tx.commit().map_err(db)?;
    Ok(true)
}

pub(super) fn delete_checkpoint(c: &mut Connection, user: UserId) -> Result<()> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    tx.execute("DELETE FROM checkpoints WHERE user_id = ?1", [user.0]).map_err(db)?;
    tx.commit().map_err(db)
}

pub(super) fn import_history(c: &mut Connection, user: UserId, h: &History, mode: ImportMode) -> Result<ImportCounts> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    let mut stored = super::read::profile(&tx, user)?;
    match mode {
        ImportMode::Append => {
            if stored.profile.units != h.profile.units {
                return Err(StoreError::Invalid(format!(
                    "the imported history is in {} but this lifter logs in {}; import it with replace, or convert it",
                    h.profile.units.load_symbol(),
                    stored.profile.units.load_symbol()
                )));
            }
        }
        ImportMode::Replace => {
            delete_events(&tx, user)?;
            let name = h.profile.time_zone.iana_name().map(str::to_owned).ok_or_else(|| {
                StoreError::Invalid(
                    "the imported profile's time zone has no IANA name; use one like \"Europe/Berlin\"".into(),
                )
            })?;
            if h.profile.units != stored.profile.units {
                // The plates in the profile are in the old unit.
                stored.plates = None;
            }
            stored = StoredProfile {
                profile: h.profile.clone(),
                time_zone_name: name,
                plates: stored.plates,
                overrides: h.params.overrides(),
            };
            codec::check_profile(&stored)?;
            upsert_profile(&tx, user, &stored)?;
        }
    }
    let zone = &stored.profile.time_zone;
    let offset = |t: Timestamp| -> Offset { zone.to_offset(t) };
    let mut counts = ImportCounts::default();
    let mut earliest: Option<i64> = None;
    let mut touch = |t: Timestamp| -> Result<()> {
        let ns = to_ns(t)?;
        earliest = Some(earliest.map_or(ns, |e| e.min(ns)));
        Ok(())
    };
    for s in &h.sessions {
        let at = At::new(s.at, offset(s.at));
        let whole = Whole {
            at,
            external_id: s.id.as_deref(),
            exercises: &s.exercises,
            checkins: &s.checkins,
            note: s.note.as_ref(),
        };
        insert_session(&tx, user, &whole, &mut counts)?;
        touch(s.at)?;
    }
    for c in &h.checkins {
        let at = At::new(c.at, offset(c.at));
        insert_checkin(&tx, user, None, None, c.pain.value(), Some(at), c.side, false)?;
        counts.checkins += 1;
        touch(c.at)?;
    }
    for s in &h.screenings {
        insert_screening(&tx, user, &NewScreening { at: At::new(s.at, offset(s.at)), answers: s.answers })?;
        counts.screenings += 1;
    }
    for t in &h.symmetry_tests {
        insert_symmetry(&tx, user, &NewSymmetryTest { at: At::new(t.at, offset(t.at)), left: t.left, right: t.right })?;
        counts.symmetry_tests += 1;
    }
    let affected = match mode {
        ImportMode::Replace => Some(i64::MIN),
        ImportMode::Append => earliest,
    };
    changed(&tx, user, affected)?;
    tx.commit().map_err(db)?;
    Ok(counts)
}

/// Deletes everything a lifter logged (and their checkpoint); the profile stays.
fn delete_events(tx: &Transaction<'_>, user: UserId) -> Result<()> {
    for table in ["sessions", "checkins", "screenings", "symmetry_tests", "checkpoints"] {
        tx.execute(&format!("DELETE FROM {table} WHERE user_id = ?1"), [user.0]).map_err(db)?;
    }
    Ok(())
}

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
