//! Clinicians and the lifters they follow: roles, invitations, care links,
//! clinical notes, the audit log and the caseload's cached rows.

use super::read::{to_user, user_row};
use super::{db, require_user};
use crate::codec::{self, to_ns};
use crate::error::{Result, StoreError};
use crate::model::{
    AuditEntry, CareLink, CaseloadEntry, ClinicalNote, Digest, NewAudit, NoteId, Revision, StoredProfile, User, UserId,
};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

fn immediate(c: &mut Connection) -> Result<Transaction<'_>> {
    c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)
}

fn timestamp(text: &str, what: &str) -> Result<Timestamp> {
    text.parse().map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub(super) fn set_clinician(c: &mut Connection, user: UserId, clinician: bool) -> Result<()> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    tx.execute("UPDATE users SET clinician = ?2 WHERE id = ?1", params![user.0, clinician]).map_err(db)?;
    if !clinician {
        // A former clinician follows no one, and their unused invitations end.
        tx.execute("DELETE FROM care_links WHERE clinician_id = ?1", [user.0]).map_err(db)?;
        tx.execute("DELETE FROM invitations WHERE clinician_id = ?1 AND accepted_by IS NULL", [user.0]).map_err(db)?;
    }
    tx.commit().map_err(db)
}

pub(super) fn audit(tx: &Transaction<'_>, entry: &NewAudit<'_>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit_log (lifter_id, actor_id, actor_name, action, detail, at, at_ns)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            entry.lifter.0,
            entry.actor.id.0,
            entry.actor.name,
            entry.action,
            entry.detail,
            entry.at.to_string(),
            to_ns(entry.at).unwrap_or(i64::MAX)
        ])
    })
    .map_err(db)?;
    Ok(())
}

pub(super) fn record_audit(c: &mut Connection, entry: &NewAudit<'_>) -> Result<()> {
    let tx = immediate(c)?;
    audit(&tx, entry)?;
    tx.commit().map_err(db)
}

pub(super) fn audit_log(c: &mut Connection, lifter: UserId, last: usize) -> Result<Vec<AuditEntry>> {
    let mut s = c
        .prepare_cached(
            "SELECT actor_name, action, detail, at FROM audit_log WHERE lifter_id = ?1 ORDER BY id DESC LIMIT ?2",
        )
        .map_err(db)?;
    let limit = i64::try_from(last).unwrap_or(i64::MAX);
    let rows = s
        .query_map(params![lifter.0, limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })
        .map_err(db)?;
    rows.map(|row| {
        let (actor, action, detail, at) = row.map_err(db)?;
        Ok(AuditEntry { actor, action, detail, at: timestamp(&at, "audit_log.at")? })
    })
    .collect()
}

pub(super) fn create_invitation(
    c: &mut Connection,
    clinician: UserId,
    code: &Digest,
    expires: Timestamp,
) -> Result<()> {
    let tx = immediate(c)?;
    let is_clinician: bool = tx
        .query_row("SELECT clinician FROM users WHERE id = ?1", [clinician.0], |r| r.get(0))
        .optional()
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("user", clinician))?;
    if !is_clinician {
        return Err(StoreError::Invalid("only a clinician can invite lifters".into()));
    }
    tx.execute(
        "INSERT INTO invitations (code_hash, clinician_id, created_ns, expires_ns) VALUES (?1, ?2, ?3, ?4)",
        params![code, clinician.0, to_ns(Timestamp::now())?, to_ns(expires)?],
    )
    .map_err(db)?;
    tx.commit().map_err(db)
}

pub(super) fn invitation(c: &mut Connection, code: &Digest, now: Timestamp) -> Result<Option<User>> {
    c.prepare_cached(
        "SELECT u.id, u.name, u.created_at, u.clinician FROM invitations i JOIN users u ON u.id = i.clinician_id
         WHERE i.code_hash = ?1 AND i.accepted_by IS NULL AND i.expires_ns > ?2 AND u.clinician = 1",
    )
    .and_then(|mut s| s.query_row(params![code, to_ns(now).unwrap_or(i64::MAX)], user_row).optional())
    .map_err(db)?
    .map(to_user)
    .transpose()
}

/// Links `lifter` to the invitation's clinician and uses the invitation up.
pub(super) fn accept_invitation(c: &mut Connection, lifter: &User, code: &Digest, now: Timestamp) -> Result<User> {
    let tx = immediate(c)?;
    let now_ns = to_ns(now)?;
    // Only while its maker is a clinician: a withdrawn role ends their invitations.
    let clinician: Option<i64> = tx
        .query_row(
            "SELECT i.clinician_id FROM invitations i JOIN users u ON u.id = i.clinician_id
             WHERE i.code_hash = ?1 AND i.accepted_by IS NULL AND i.expires_ns > ?2 AND u.clinician = 1",
            params![code, now_ns],
            |r| r.get(0),
        )
        .optional()
        .map_err(db)?;
    let clinician = clinician.ok_or_else(|| StoreError::not_found("invitation", "with this code"))?;
    if clinician == lifter.id.0 {
        return Err(StoreError::Invalid("this is your own invitation: give it to a lifter".into()));
    }
    let clinician = tx
        .query_row("SELECT id, name, created_at, clinician FROM users WHERE id = ?1", [clinician], user_row)
        .map_err(db)
        .and_then(to_user)?;
    tx.execute(
        "UPDATE invitations SET accepted_by = ?2, accepted_ns = ?3 WHERE code_hash = ?1",
        params![code, lifter.id.0, now_ns],
    )
    .map_err(db)?;
    tx.execute(
        "INSERT INTO care_links (clinician_id, lifter_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![clinician.id.0, lifter.id.0, now.to_string()],
    )
    .map_err(db)?;
    let detail = format!("{} can now see your log", clinician.name);
    audit(&tx, &NewAudit { lifter: lifter.id, actor: lifter, action: "access_granted", detail, at: now })?;
    tx.commit().map_err(db)?;
    Ok(clinician)
}

pub(super) fn care_team(c: &mut Connection, lifter: UserId) -> Result<Vec<CareLink>> {
    let mut s = c
        .prepare_cached(
            "SELECT u.id, u.name, u.created_at, u.clinician, l.created_at
             FROM care_links l JOIN users u ON u.id = l.clinician_id
             WHERE l.lifter_id = ?1 ORDER BY l.created_at, u.id",
        )
        .map_err(db)?;
    let rows = s.query_map([lifter.0], |r| Ok((user_row(r)?, r.get::<_, String>(4)?))).map_err(db)?;
    rows.map(|row| {
        let (user, since) = row.map_err(db)?;
        Ok(CareLink { clinician: to_user(user)?, since: timestamp(&since, "care_links.created_at")? })
    })
    .collect()
}

pub(super) fn can_view(c: &mut Connection, clinician: UserId, lifter: UserId) -> Result<bool> {
    c.prepare_cached(
        "SELECT 1 FROM care_links l JOIN users u ON u.id = l.clinician_id
         WHERE l.clinician_id = ?1 AND l.lifter_id = ?2 AND u.clinician = 1",
    )
    .and_then(|mut s| s.exists(params![clinician.0, lifter.0]))
    .map_err(db)
}

pub(super) fn revoke(c: &mut Connection, lifter: &User, clinician: UserId, now: Timestamp) -> Result<()> {
    let tx = immediate(c)?;
    let name: Option<String> = tx
        .query_row(
            "SELECT u.name FROM care_links l JOIN users u ON u.id = l.clinician_id
             WHERE l.lifter_id = ?1 AND l.clinician_id = ?2",
            params![lifter.id.0, clinician.0],
            |r| r.get(0),
        )
        .optional()
        .map_err(db)?;
    let name = name.ok_or_else(|| StoreError::not_found("clinician", clinician))?;
    tx.execute("DELETE FROM care_links WHERE lifter_id = ?1 AND clinician_id = ?2", params![lifter.id.0, clinician.0])
        .map_err(db)?;
    let detail = format!("{name} can no longer see your log");
    audit(&tx, &NewAudit { lifter: lifter.id, actor: lifter, action: "access_revoked", detail, at: now })?;
    tx.commit().map_err(db)
}

pub(super) fn caseload(c: &mut Connection, clinician: UserId) -> Result<Vec<CaseloadEntry>> {
    let mut s = c
        .prepare_cached(
            "SELECT u.id, u.name, u.created_at, u.clinician, u.revision, r.revision, r.computed_for_ns, r.row
             FROM care_links l JOIN users u ON u.id = l.lifter_id
             LEFT JOIN caseload_rows r ON r.lifter_id = u.id
             WHERE l.clinician_id = ?1 ORDER BY u.name",
        )
        .map_err(db)?;
    let rows = s
        .query_map([clinician.0], |r| {
            Ok((
                user_row(r)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })
        .map_err(db)?;
    rows.map(|row| {
        let (user, revision, cached_revision, computed_for, cached_row) = row.map_err(db)?;
        let cached = match (cached_revision, computed_for, cached_row) {
            (Some(r), Some(ns), Some(row)) if r == revision => Some((codec::from_ns(ns)?, row)),
            _ => None,
        };
        Ok(CaseloadEntry { lifter: to_user(user)?, revision: Revision(revision), cached })
    })
    .collect()
}

pub(super) fn put_caseload_row(
    c: &mut Connection,
    lifter: UserId,
    revision: Revision,
    computed_for: Timestamp,
    row: &str,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO caseload_rows (lifter_id, revision, computed_for_ns, row) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (lifter_id) DO UPDATE SET
             revision = excluded.revision, computed_for_ns = excluded.computed_for_ns, row = excluded.row",
    )
    .and_then(|mut s| s.execute(params![lifter.0, revision.0, to_ns(computed_for).unwrap_or(i64::MAX), row]))
    .map_err(db)?;
    Ok(())
}

pub(super) fn add_note(
    c: &mut Connection,
    lifter: UserId,
    clinician: UserId,
    text: &str,
    now: Timestamp,
) -> Result<NoteId> {
    let text = codec::check_note(text)?;
    c.prepare_cached("INSERT INTO clinical_notes (lifter_id, clinician_id, text, created_at) VALUES (?1, ?2, ?3, ?4)")
        .and_then(|mut s| s.execute(params![lifter.0, clinician.0, text, now.to_string()]))
        .map_err(db)?;
    Ok(NoteId(c.last_insert_rowid()))
}

pub(super) fn notes(c: &mut Connection, lifter: UserId, clinician: UserId) -> Result<Vec<ClinicalNote>> {
    let mut s = c
        .prepare_cached(
            "SELECT id, text, created_at FROM clinical_notes WHERE lifter_id = ?1 AND clinician_id = ?2 ORDER BY id DESC",
        )
        .map_err(db)?;
    let rows = s
        .query_map(params![lifter.0, clinician.0], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .map_err(db)?;
    rows.map(|row| {
        let (id, text, at) = row.map_err(db)?;
        Ok(ClinicalNote { id: NoteId(id), text, created_at: timestamp(&at, "clinical_notes.created_at")? })
    })
    .collect()
}

/// A profile change made by someone (a clinician tuning the protocol), with its
/// audit entry, in one transaction.
pub(super) fn set_profile_audited(
    c: &mut Connection,
    lifter: UserId,
    profile: &StoredProfile,
    entries: &[NewAudit<'_>],
) -> Result<()> {
    codec::check_profile(profile)?;
    let tx = immediate(c)?;
    require_user(&tx, lifter)?;
    super::write::upsert_profile(&tx, lifter, profile)?;
    super::write::changed(&tx, lifter, Some(i64::MIN))?;
    for entry in entries {
        audit(&tx, entry)?;
    }
    tx.commit().map_err(db)
}
