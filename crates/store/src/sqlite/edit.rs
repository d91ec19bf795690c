//! Writes that a phone may repeat (by client id), and changes and deletions of
//! logged entries. Each public function is one `BEGIN IMMEDIATE` transaction.

use super::care::audit;
use super::write::{changed, flag, immediate, insert_exercises, log_checkin, log_session, text};
use super::{db, require_user};
use crate::codec::{self, effective_time, from_ns, to_ns};
use crate::error::{Result, StoreError};
use crate::model::{
    At, CheckinId, ClientId, Edit, Entry, ImportCounts, Logged, NewAudit, NewCheckin, NewSession, SessionId, UserId,
};
use pullback_core::{Point, Side};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// The id of `table`'s row that `user` stored under `client`, if any.
fn by_client(tx: &Transaction<'_>, table: &str, user: UserId, client: &ClientId) -> Result<Option<i64>> {
    tx.prepare_cached(&format!("SELECT id FROM {table} WHERE user_id = ?1 AND client_id = ?2"))
        .and_then(|mut s| s.query_row(params![user.0, client.as_str()], |r| r.get(0)).optional())
        .map_err(db)
}

fn set_client(tx: &Transaction<'_>, table: &str, id: i64, client: &ClientId) -> Result<()> {
    tx.prepare_cached(&format!("UPDATE {table} SET client_id = ?1 WHERE id = ?2"))
        .and_then(|mut s| s.execute(params![client.as_str(), id]))
        .map_err(db)?;
    Ok(())
}

pub(super) fn add_session_once(
    c: &mut Connection,
    user: UserId,
    client: &ClientId,
    session: &NewSession,
) -> Result<Logged<SessionId>> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    if let Some(id) = by_client(&tx, "sessions", user, client)? {
        return Ok(Logged { id: SessionId(id), created: false });
    }
    let id = log_session(&tx, user, session)?;
    set_client(&tx, "sessions", id.0, client)?;
    tx.commit().map_err(db)?;
    Ok(Logged { id, created: true })
}

pub(super) fn add_checkin_once(
    c: &mut Connection,
    user: UserId,
    client: &ClientId,
    checkin: &NewCheckin,
) -> Result<Logged<CheckinId>> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    if let Some(id) = by_client(&tx, "checkins", user, client)? {
        return Ok(Logged { id: CheckinId(id), created: false });
    }
    let id = log_checkin(&tx, user, checkin)?;
    set_client(&tx, "checkins", id.0, client)?;
    tx.commit().map_err(db)?;
    Ok(Logged { id, created: true })
}

/// The UTC ns of an entry of `user`'s (its time; a session check-in's session
/// time, since that session's outcome is what changes); `NotFound` otherwise.
fn entry_time(tx: &Transaction<'_>, user: UserId, entry: Entry) -> Result<i64> {
    let sql = match entry {
        Entry::Session(_) => "SELECT at_ns FROM sessions WHERE id = ?1 AND user_id = ?2",
        Entry::Checkin(_) => {
            "SELECT coalesce(s.at_ns, c.effective_ns) FROM checkins c LEFT JOIN sessions s ON s.id = c.session_id
             WHERE c.id = ?1 AND c.user_id = ?2"
        }
        Entry::Screening(_) => "SELECT at_ns FROM screenings WHERE id = ?1 AND user_id = ?2",
        Entry::SymmetryTest(_) => "SELECT at_ns FROM symmetry_tests WHERE id = ?1 AND user_id = ?2",
    };
    tx.prepare_cached(sql)
        .and_then(|mut s| s.query_row(params![entry.id(), user.0], |r| r.get(0)).optional())
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found(entry.kind(), entry.id()))
}

/// Whether the entry is in the replay: a session's or check-in's change can move
/// the ladder (the checkpoint goes), a screening's or symmetry test's cannot.
fn in_replay(entry: Entry) -> bool {
    matches!(entry, Entry::Session(_) | Entry::Checkin(_))
}

pub(super) fn edit_entry(c: &mut Connection, entry: Entry, edit: &Edit, record: &NewAudit<'_>) -> Result<()> {
    let user = record.lifter;
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    let old_ns = entry_time(&tx, user, entry)?;
    let new_ns = match (entry, edit) {
        (Entry::Session(id), Edit::Session { at, exercises }) => edit_session(&tx, id, *at, exercises)?,
        (Entry::Checkin(id), Edit::Checkin { pain, side, bottom_only }) => {
            edit_checkin(&tx, id, pain.value(), *side, *bottom_only)?;
            old_ns
        }
        (Entry::Screening(id), Edit::Screening { answers: a }) => {
            tx.execute(
                "UPDATE screenings SET saddle_anesthesia = ?2, bladder_bowel = ?3, progressive_weakness = ?4,
                     fever = ?5, trauma = ?6, cancer_history = ?7, weight_loss = ?8, night_pain = ?9
                 WHERE id = ?1",
                params![
                    id.0,
                    flag(a.saddle_anesthesia),
                    flag(a.bladder_bowel),
                    flag(a.progressive_weakness),
                    flag(a.fever),
                    flag(a.trauma),
                    flag(a.cancer_history),
                    flag(a.weight_loss),
                    flag(a.night_pain)
                ],
            )
            .map_err(db)?;
            old_ns
        }
        (Entry::SymmetryTest(id), Edit::SymmetryTest { left, right }) => {
            tx.execute(
                "UPDATE symmetry_tests SET left_strength = ?2, right_strength = ?3 WHERE id = ?1",
                params![id.0, left.value().to_string(), right.value().to_string()],
            )
            .map_err(db)?;
            old_ns
        }
        _ => return Err(StoreError::Invalid(format!("that change does not fit a {}", entry.kind()))),
    };
    changed(&tx, user, in_replay(entry).then_some(old_ns.min(new_ns)))?;
    audit(&tx, record)?;
    tx.commit().map_err(db)
}

/// Replaces a session's time and exercises; its check-ins without a time of their
/// own move with it. Gives the new time (UTC ns).
fn edit_session(tx: &Transaction<'_>, id: SessionId, at: At, exercises: &[pullback_core::ExerciseLog]) -> Result<i64> {
    let at_ns = to_ns(at.instant)?;
    tx.execute("UPDATE sessions SET at = ?2, at_ns = ?3 WHERE id = ?1", params![id.0, text(at), at_ns]).map_err(db)?;
    tx.execute("DELETE FROM exercises WHERE session_id = ?1", [id.0]).map_err(db)?;
    insert_exercises(tx, id, exercises, &mut ImportCounts::default())?;
    let mut untimed =
        tx.prepare_cached("SELECT id, point FROM checkins WHERE session_id = ?1 AND at IS NULL").map_err(db)?;
    let rows: Vec<(i64, String)> = untimed
        .query_map([id.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(db)?
        .collect::<std::result::Result<_, _>>()
        .map_err(db)?;
    for (checkin, point) in rows {
        let effective = to_ns(effective_time(from_ns(at_ns)?, codec::point(&point)?, None))?;
        tx.execute("UPDATE checkins SET effective_ns = ?2 WHERE id = ?1", params![checkin, effective]).map_err(db)?;
    }
    Ok(at_ns)
}

fn edit_checkin(tx: &Transaction<'_>, id: CheckinId, pain: u8, side: Option<Side>, bottom_only: bool) -> Result<()> {
    let point: Option<String> =
        tx.query_row("SELECT point FROM checkins WHERE id = ?1", [id.0], |r| r.get(0)).map_err(db)?;
    let point = point.as_deref().map(codec::point).transpose()?;
    if bottom_only && point != Some(Point::During) {
        return Err(StoreError::Invalid("only a check-in during a session can say it hurt only at the bottom".into()));
    }
    tx.execute(
        "UPDATE checkins SET pain = ?2, side = ?3, bottom_only = ?4 WHERE id = ?1",
        params![id.0, pain, side.map(Side::id), bottom_only],
    )
    .map_err(db)?;
    Ok(())
}

pub(super) fn delete_entry(c: &mut Connection, entry: Entry, record: &NewAudit<'_>) -> Result<()> {
    let user = record.lifter;
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    let at_ns = entry_time(&tx, user, entry)?;
    let table = match entry {
        Entry::Session(_) => "sessions",
        Entry::Checkin(_) => "checkins",
        Entry::Screening(_) => "screenings",
        Entry::SymmetryTest(_) => "symmetry_tests",
    };
    // A session's exercises, sets and check-ins go with it (ON DELETE CASCADE).
    tx.execute(&format!("DELETE FROM {table} WHERE id = ?1 AND user_id = ?2"), params![entry.id(), user.0])
        .map_err(db)?;
    changed(&tx, user, in_replay(entry).then_some(at_ns))?;
    audit(&tx, record)?;
    tx.commit().map_err(db)
}
