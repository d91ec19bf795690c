//! Reads. A history is read with one query per table (joined by ids, not one query
//! per session) inside one read transaction, so it is a consistent snapshot.

use super::{db, require_user};
use crate::assemble::{Read, Sessions, Since, logged_at};
use crate::codec::{self, ProfileText, from_ns};
use crate::error::{Result, StoreError};
use crate::model::{
    CheckinId, Resume, Revision, ScreeningId, SessionEntry, SessionId, StoredCheckpoint, StoredHistory, StoredProfile,
    SymmetryTestId, User, UserId,
};
use jiff::Timestamp;
use pullback_core::{
    ExerciseLog, RedFlags, Reps, Screening, Session, SessionCheckin, Set, StandaloneCheckin, SymmetryTest,
};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::HashMap;

/// A TEXT column.
fn text<'r>(r: &'r Row<'_>, i: usize) -> Result<&'r str> {
    r.get_ref(i).map_err(db)?.as_str().map_err(|e| db(e.into()))
}

/// A TEXT column that may be NULL.
fn opt_text<'r>(r: &'r Row<'_>, i: usize) -> Result<Option<&'r str>> {
    r.get_ref(i).map_err(db)?.as_str_or_null().map_err(|e| db(e.into()))
}

fn timestamp(text: &str) -> Result<Timestamp> {
    text.parse().map_err(|_| codec::corrupt(format!("{text:?} is not a time")))
}

pub(super) fn user_row(r: &Row<'_>) -> rusqlite::Result<(i64, String, String, bool)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

pub(super) fn to_user((id, name, created_at, clinician): (i64, String, String, bool)) -> Result<User> {
    Ok(User { id: UserId(id), name, created_at: timestamp(&created_at)?, clinician })
}

pub(super) fn users(c: &mut Connection) -> Result<Vec<User>> {
    let mut s = c.prepare_cached("SELECT id, name, created_at, clinician FROM users ORDER BY id").map_err(db)?;
    let rows = s.query_map([], user_row).map_err(db)?.collect::<rusqlite::Result<Vec<_>>>().map_err(db)?;
    rows.into_iter().map(to_user).collect()
}

pub(super) fn user(c: &mut Connection, id: UserId) -> Result<User> {
    let row = c
        .prepare_cached("SELECT id, name, created_at, clinician FROM users WHERE id = ?1")
        .and_then(|mut s| s.query_row([id.0], user_row).optional())
        .map_err(db)?;
    to_user(row.ok_or_else(|| StoreError::not_found("user", id))?)
}

pub(super) fn user_by_name(c: &mut Connection, name: &str) -> Result<User> {
    let row = c
        .prepare_cached(
            "SELECT id, name, created_at, clinician FROM users WHERE name IN (?1, ?2) ORDER BY name = ?1 DESC LIMIT 1",
        )
        .and_then(|mut s| s.query_row(crate::codec::lookup_names(name), user_row).optional())
        .map_err(db)?;
    to_user(row.ok_or_else(|| StoreError::not_found("user", name))?)
}

pub(super) fn profile(c: &Connection, user: UserId) -> Result<StoredProfile> {
    let mut s = c
        .prepare_cached(
            "SELECT units, working_weight, usual_variation, load_increment, bar_weight, kettlebell_weight,
                    time_zone, plates, overrides
             FROM profiles WHERE user_id = ?1",
        )
        .map_err(db)?;
    let mut rows = s.query([user.0]).map_err(db)?;
    let Some(r) = rows.next().map_err(db)? else {
        require_user(c, user)?;
        return Err(codec::corrupt(format!("user {user} has no profile")));
    };
    let get = |i: usize| opt_text(r, i);
    let need = |i: usize, what: &str| get(i)?.ok_or_else(|| codec::corrupt(format!("the profile has no {what}")));
    ProfileText {
        units: need(0, "units")?,
        working_weight: get(1)?,
        usual_variation: need(2, "usual variation")?,
        load_increment: get(3)?,
        bar_weight: get(4)?,
        kettlebell_weight: get(5)?,
        time_zone: need(6, "time zone")?,
        plates: get(7)?,
        overrides: need(8, "overrides")?,
    }
    .read()
}

/// Each query's ORDER BY follows the indexes it walks (sessions by time, then
/// exercises, sets and check-ins by position), so SQLite never sorts.
fn load_sessions(c: &Connection, user: UserId, since: Since) -> Result<Sessions> {
    let mut out = Sessions::default();
    let Since::Nanos(bound) = since else { return Ok(out) };
    let args = params![user.0, bound];

    let mut index: HashMap<i64, usize> = HashMap::new();
    let mut s = c
        .prepare_cached(
            "SELECT id, at_ns, at, external_id, note FROM sessions
             WHERE user_id = ?1 AND at_ns >= ?2 ORDER BY at_ns, id",
        )
        .map_err(db)?;
    let mut rows = s.query(args).map_err(db)?;
    while let Some(r) = rows.next().map_err(db)? {
        let id: i64 = r.get(0).map_err(db)?;
        index.insert(id, out.sessions.len());
        out.sessions.push(Session {
            id: r.get(3).map_err(db)?,
            at: from_ns(r.get(1).map_err(db)?)?,
            exercises: Vec::new(),
            checkins: Vec::new(),
            note: opt_text(r, 4)?.map(codec::note).transpose()?,
        });
        out.ids.push(SessionId(id));
        out.texts.push(r.get(2).map_err(db)?);
        out.checkin_ids.push(Vec::new());
    }
    let session_index =
        |id: i64| index.get(&id).copied().ok_or_else(|| codec::corrupt(format!("session {id} vanished")));

    let mut exercises: HashMap<i64, (usize, usize)> = HashMap::new();
    let mut s = c
        .prepare_cached(
            "SELECT e.id, e.session_id, e.exercise, e.tempo, e.block_height, e.note
             FROM sessions s JOIN exercises e ON e.session_id = s.id
             WHERE s.user_id = ?1 AND s.at_ns >= ?2 ORDER BY s.at_ns, s.id, e.position",
        )
        .map_err(db)?;
    let mut rows = s.query(args).map_err(db)?;
    while let Some(r) = rows.next().map_err(db)? {
        let si = session_index(r.get(1).map_err(db)?)?;
        let list = &mut out.sessions[si].exercises;
        exercises.insert(r.get(0).map_err(db)?, (si, list.len()));
        list.push(ExerciseLog {
            exercise: codec::exercise(text(r, 2)?)?,
            tempo: opt_text(r, 3)?.map(codec::tempo).transpose()?,
            block_height: opt_text(r, 4)?.map(codec::block_height).transpose()?,
            sets: Vec::new(),
            note: opt_text(r, 5)?.map(codec::note).transpose()?,
        });
    }

    let mut s = c
        .prepare_cached(
            "SELECT st.exercise_id, st.load, st.reps, st.rpe, st.warmup, st.note
             FROM sessions s JOIN exercises e ON e.session_id = s.id JOIN sets st ON st.exercise_id = e.id
             WHERE s.user_id = ?1 AND s.at_ns >= ?2 ORDER BY s.at_ns, s.id, e.position, st.position",
        )
        .map_err(db)?;
    let mut rows = s.query(args).map_err(db)?;
    let mut current: Option<(i64, (usize, usize))> = None;
    while let Some(r) = rows.next().map_err(db)? {
        let exercise_id: i64 = r.get(0).map_err(db)?;
        let (si, ei) = match current {
            Some((id, at)) if id == exercise_id => at,
            _ => {
                let at = *exercises
                    .get(&exercise_id)
                    .ok_or_else(|| codec::corrupt(format!("exercise {exercise_id} vanished")))?;
                current = Some((exercise_id, at));
                at
            }
        };
        let reps: i64 = r.get(2).map_err(db)?;
        out.sessions[si].exercises[ei].sets.push(Set {
            load: codec::load(text(r, 1)?)?,
            reps: Reps::parse(reps).map_err(|e| codec::corrupt(format!("reps: {e}")))?,
            rpe: opt_text(r, 3)?.map(codec::rpe).transpose()?,
            warmup: r.get(4).map_err(db)?,
            note: opt_text(r, 5)?.map(codec::note).transpose()?,
        });
    }

    let mut s = c
        .prepare_cached(
            "SELECT c.id, c.session_id, c.point, c.pain, c.at_ns, c.side, c.bottom_only
             FROM sessions s JOIN checkins c ON c.session_id = s.id
             WHERE s.user_id = ?1 AND s.at_ns >= ?2 ORDER BY s.at_ns, s.id, c.id",
        )
        .map_err(db)?;
    let mut rows = s.query(args).map_err(db)?;
    while let Some(r) = rows.next().map_err(db)? {
        let si = session_index(r.get(1).map_err(db)?)?;
        out.sessions[si].checkins.push(SessionCheckin {
            point: codec::point(text(r, 2)?)?,
            pain: codec::pain(r.get(3).map_err(db)?)?,
            at: r.get::<_, Option<i64>>(4).map_err(db)?.map(from_ns).transpose()?,
            side: opt_text(r, 5)?.map(codec::side).transpose()?,
            bottom_only: r.get(6).map_err(db)?,
        });
        out.checkin_ids[si].push(CheckinId(r.get(0).map_err(db)?));
    }
    Ok(out)
}

fn standalone(c: &Connection, user: UserId, since: Since) -> Result<(Vec<StandaloneCheckin>, Vec<CheckinId>)> {
    let (mut list, mut ids) = (Vec::new(), Vec::new());
    let Since::Nanos(bound) = since else { return Ok((list, ids)) };
    let mut s = c
        .prepare_cached(
            "SELECT id, effective_ns, pain, side FROM checkins
             WHERE user_id = ?1 AND session_id IS NULL AND effective_ns >= ?2 ORDER BY effective_ns, id",
        )
        .map_err(db)?;
    let mut rows = s.query(params![user.0, bound]).map_err(db)?;
    while let Some(r) = rows.next().map_err(db)? {
        ids.push(CheckinId(r.get(0).map_err(db)?));
        list.push(StandaloneCheckin {
            at: from_ns(r.get(1).map_err(db)?)?,
            pain: codec::pain(r.get(2).map_err(db)?)?,
            side: opt_text(r, 3)?.map(codec::side).transpose()?,
        });
    }
    Ok((list, ids))
}

fn screenings(c: &Connection, user: UserId) -> Result<(Vec<Screening>, Vec<ScreeningId>)> {
    let mut s = c
        .prepare_cached(
            "SELECT at_ns, saddle_anesthesia, bladder_bowel, progressive_weakness, fever, trauma,
                    cancer_history, weight_loss, night_pain, id
             FROM screenings WHERE user_id = ?1 ORDER BY at_ns, id",
        )
        .map_err(db)?;
    let mut rows = s.query([user.0]).map_err(db)?;
    let (mut list, mut ids) = (Vec::new(), Vec::new());
    while let Some(r) = rows.next().map_err(db)? {
        ids.push(ScreeningId(r.get(9).map_err(db)?));
        let b = |i: usize| r.get::<_, bool>(i).map_err(db);
        list.push(Screening {
            at: from_ns(r.get(0).map_err(db)?)?,
            answers: RedFlags {
                saddle_anesthesia: b(1)?,
                bladder_bowel: b(2)?,
                progressive_weakness: b(3)?,
                fever: b(4)?,
                trauma: b(5)?,
                cancer_history: b(6)?,
                weight_loss: b(7)?,
                night_pain: b(8)?,
            },
        });
    }
    Ok((list, ids))
}

fn symmetry_tests(c: &Connection, user: UserId) -> Result<(Vec<SymmetryTest>, Vec<SymmetryTestId>)> {
    let mut s = c
        .prepare_cached(
            "SELECT at_ns, left_strength, right_strength, id FROM symmetry_tests WHERE user_id = ?1
             ORDER BY at_ns, id",
        )
        .map_err(db)?;
    let mut rows = s.query([user.0]).map_err(db)?;
    let (mut list, mut ids) = (Vec::new(), Vec::new());
    while let Some(r) = rows.next().map_err(db)? {
        let strength = |i: usize| text(r, i).and_then(codec::strength);
        list.push(SymmetryTest { at: from_ns(r.get(0).map_err(db)?)?, left: strength(1)?, right: strength(2)? });
        ids.push(SymmetryTestId(r.get(3).map_err(db)?));
    }
    Ok((list, ids))
}

/// The history from `since` on, read inside the caller's transaction.
fn load_history(c: &Connection, user: UserId, since: Since) -> Result<StoredHistory> {
    let revision = require_user(c, user)?;
    let profile = profile(c, user)?;
    let sessions = load_sessions(c, user, since)?;
    let (checkins, checkin_ids) = standalone(c, user, since)?;
    let ((screenings, screening_ids), (symmetry_tests, symmetry_test_ids)) =
        (screenings(c, user)?, symmetry_tests(c, user)?);
    Read {
        revision,
        profile,
        sessions,
        checkins,
        checkin_ids,
        screenings,
        screening_ids,
        symmetry_tests,
        symmetry_test_ids,
    }
    .into_stored()
}

pub(super) fn history(c: &mut Connection, user: UserId, after: Option<Timestamp>) -> Result<StoredHistory> {
    let tx = c.transaction().map_err(db)?;
    load_history(&tx, user, after.map_or(Since::ALL, Since::after))
}

fn checkpoint_in(c: &Connection, user: UserId) -> Result<Option<StoredCheckpoint>> {
    let row = c
        .prepare_cached(
            "SELECT covers_until_ns, made_at_ns, state, revision, created_at FROM checkpoints WHERE user_id = ?1",
        )
        .and_then(|mut s| {
            s.query_row([user.0], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?))
            })
            .optional()
        })
        .map_err(db)?;
    row.map(|(covers_until, made_at, state, revision, created_at)| {
        Ok(StoredCheckpoint {
            covers_until: from_ns(covers_until)?,
            made_at: from_ns(made_at)?,
            state,
            revision: Revision(revision),
            created_at: timestamp(&created_at)?,
        })
    })
    .transpose()
}

pub(super) fn checkpoint(c: &mut Connection, user: UserId) -> Result<Option<StoredCheckpoint>> {
    let tx = c.transaction().map_err(db)?;
    require_user(&tx, user)?;
    checkpoint_in(&tx, user)
}

pub(super) fn resume(c: &mut Connection, user: UserId) -> Result<Resume> {
    let tx = c.transaction().map_err(db)?;
    require_user(&tx, user)?;
    let checkpoint = checkpoint_in(&tx, user)?;
    let since = checkpoint.as_ref().map_or(Since::ALL, |cp| Since::after(cp.covers_until));
    let history = load_history(&tx, user, since)?;
    Ok(Resume { checkpoint, history })
}

pub(super) fn sessions(c: &mut Connection, user: UserId, last: Option<usize>) -> Result<Vec<SessionEntry>> {
    let tx = c.transaction().map_err(db)?;
    require_user(&tx, user)?;
    let since = match last {
        None => Since::ALL,
        Some(0) => Since::Nothing,
        Some(n) => {
            let offset = i64::try_from(n - 1).unwrap_or(i64::MAX);
            tx.prepare_cached(
                "SELECT at_ns FROM sessions WHERE user_id = ?1 ORDER BY at_ns DESC, id DESC LIMIT 1 OFFSET ?2",
            )
            .and_then(|mut s| s.query_row(params![user.0, offset], |r| r.get(0)).optional())
            .map_err(db)?
            .map_or(Since::ALL, Since::Nanos)
        }
    };
    let loaded = load_sessions(&tx, user, since)?;
    let skip = last.map_or(0, |n| loaded.sessions.len().saturating_sub(n));
    let entries = loaded.sessions.into_iter().zip(loaded.ids).zip(loaded.texts).zip(loaded.checkin_ids).skip(skip);
    entries
        .map(|(((session, id), text), checkin_ids)| {
            Ok(SessionEntry { id, at: logged_at(id, &text)?, session, checkin_ids })
        })
        .collect()
}
