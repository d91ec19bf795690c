//! Clinicians and the lifters they follow: roles, invitations, care links,
//! clinical notes, the audit log and the caseload's cached rows.
//!
//! Text is ordered with `COLLATE "C"` (byte order), as SQLite orders it, whatever
//! the database's own collation.

use super::db;
use super::read::{USER_COLUMNS, get, require_user, timestamp, to_user};
use super::write::{changed, lock_user, upsert_profile};
use crate::codec::{self, to_ns};
use crate::error::{Result, StoreError};
use crate::model::{
    AuditEntry, CareLink, CaseloadEntry, ClinicalNote, Digest, NewAudit, NoteId, Revision, StoredProfile, User, UserId,
};
use jiff::Timestamp;
use sqlx::postgres::{PgConnection, PgPool};

pub(super) async fn set_clinician(pool: &PgPool, user: UserId, clinician: bool) -> Result<()> {
    let mut tx = pool.begin().await.map_err(db)?;
    require_user(&mut tx, user).await?;
    sqlx::query("UPDATE users SET clinician = $2 WHERE id = $1")
        .bind(user.0)
        .bind(clinician)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    if !clinician {
        // A former clinician follows no one, and their unused invitations end.
        sqlx::query("DELETE FROM care_links WHERE clinician_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query("DELETE FROM invitations WHERE clinician_id = $1 AND accepted_by IS NULL")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    tx.commit().await.map_err(db)
}

/// Writes one audit entry, on its own or inside the caller's transaction.
pub(super) async fn audit(c: &mut PgConnection, entry: &NewAudit<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (lifter_id, actor_id, actor_name, action, detail, at, at_ns)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.lifter.0)
    .bind(entry.actor.id.0)
    .bind(&entry.actor.name)
    .bind(entry.action)
    .bind(&entry.detail)
    .bind(entry.at.to_string())
    .bind(to_ns(entry.at).unwrap_or(i64::MAX))
    .execute(c)
    .await
    .map_err(db)?;
    Ok(())
}

pub(super) async fn audit_log(pool: &PgPool, lifter: UserId, last: usize) -> Result<Vec<AuditEntry>> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT actor_name, action, detail, at FROM audit_log WHERE lifter_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(lifter.0)
    .bind(i64::try_from(last).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter()
        .map(|(actor, action, detail, at)| {
            Ok(AuditEntry { actor, action, detail, at: timestamp(&at, "audit_log.at")? })
        })
        .collect()
}

pub(super) async fn create_invitation(
    pool: &PgPool,
    clinician: UserId,
    code: &Digest,
    expires: Timestamp,
) -> Result<()> {
    let mut tx = pool.begin().await.map_err(db)?;
    let is_clinician: bool = sqlx::query_scalar("SELECT clinician FROM users WHERE id = $1")
        .bind(clinician.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("user", clinician))?;
    if !is_clinician {
        return Err(StoreError::Invalid("only a clinician can invite lifters".into()));
    }
    sqlx::query("INSERT INTO invitations (code_hash, clinician_id, created_ns, expires_ns) VALUES ($1, $2, $3, $4)")
        .bind(code)
        .bind(clinician.0)
        .bind(to_ns(Timestamp::now())?)
        .bind(to_ns(expires)?)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)
}

pub(super) async fn invitation(pool: &PgPool, code: &Digest, now: Timestamp) -> Result<Option<User>> {
    let row = sqlx::query(
        "SELECT u.id, u.name, u.created_at, u.clinician FROM invitations i JOIN users u ON u.id = i.clinician_id
         WHERE i.code_hash = $1 AND i.accepted_by IS NULL AND i.expires_ns > $2 AND u.clinician",
    )
    .bind(code)
    .bind(to_ns(now)?)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.as_ref().map(to_user).transpose()
}

/// Links `lifter` to the invitation's clinician and uses the invitation up, only
/// while its maker is a clinician. Rows are locked in the order a withdrawal of
/// the role takes them (the user, then the invitations), so the two never wait on
/// each other in a circle: the clinician's row `FOR SHARE` holds the role until
/// commit (a withdrawal waits, then deletes the new link; or it commits first and
/// the role is seen gone), then the invitation's row `FOR UPDATE` (of two lifters
/// accepting one code at once, the second finds it used).
pub(super) async fn accept_invitation(pool: &PgPool, lifter: &User, code: &Digest, now: Timestamp) -> Result<User> {
    let now_ns = to_ns(now)?;
    let not_found = || StoreError::not_found("invitation", "with this code");
    let mut tx = pool.begin().await.map_err(db)?;
    let maker: i64 = sqlx::query_scalar("SELECT clinician_id FROM invitations WHERE code_hash = $1")
        .bind(code)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or_else(not_found)?;
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 FOR SHARE"))
        .bind(maker)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
    let clinician = to_user(&row)?;
    let usable: Option<i64> = sqlx::query_scalar(
        "SELECT clinician_id FROM invitations
         WHERE code_hash = $1 AND accepted_by IS NULL AND expires_ns > $2 FOR UPDATE",
    )
    .bind(code)
    .bind(now_ns)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    if usable.is_none() || !clinician.clinician {
        return Err(not_found());
    }
    if clinician.id == lifter.id {
        return Err(StoreError::Invalid("this is your own invitation: give it to a lifter".into()));
    }
    sqlx::query("UPDATE invitations SET accepted_by = $2, accepted_ns = $3 WHERE code_hash = $1")
        .bind(code)
        .bind(lifter.id.0)
        .bind(now_ns)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    sqlx::query(
        "INSERT INTO care_links (clinician_id, lifter_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(clinician.id.0)
    .bind(lifter.id.0)
    .bind(now.to_string())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    let detail = format!("{} can now see your log", clinician.name);
    audit(&mut tx, &NewAudit { lifter: lifter.id, actor: lifter, action: "access_granted", detail, at: now }).await?;
    tx.commit().await.map_err(db)?;
    Ok(clinician)
}

pub(super) async fn care_team(pool: &PgPool, lifter: UserId) -> Result<Vec<CareLink>> {
    let rows = sqlx::query(
        "SELECT u.id, u.name, u.created_at, u.clinician, l.created_at
         FROM care_links l JOIN users u ON u.id = l.clinician_id
         WHERE l.lifter_id = $1 ORDER BY l.created_at COLLATE \"C\", u.id",
    )
    .bind(lifter.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| Ok(CareLink { clinician: to_user(r)?, since: timestamp(get(r, 4)?, "care_links.created_at")? }))
        .collect()
}

pub(super) async fn can_view(pool: &PgPool, clinician: UserId, lifter: UserId) -> Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM care_links l JOIN users u ON u.id = l.clinician_id
                        WHERE l.clinician_id = $1 AND l.lifter_id = $2 AND u.clinician)",
    )
    .bind(clinician.0)
    .bind(lifter.0)
    .fetch_one(pool)
    .await
    .map_err(db)
}

/// Deletes the link and gives the clinician's name in one statement: of two
/// revocations at once, the second deletes nothing and finds nothing.
pub(super) async fn revoke(pool: &PgPool, lifter: &User, clinician: UserId, now: Timestamp) -> Result<()> {
    let mut tx = pool.begin().await.map_err(db)?;
    let name: String = sqlx::query_scalar(
        "DELETE FROM care_links l USING users u
         WHERE u.id = l.clinician_id AND l.lifter_id = $1 AND l.clinician_id = $2 RETURNING u.name",
    )
    .bind(lifter.id.0)
    .bind(clinician.0)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .ok_or_else(|| StoreError::not_found("clinician", clinician))?;
    let detail = format!("{name} can no longer see your log");
    audit(&mut tx, &NewAudit { lifter: lifter.id, actor: lifter, action: "access_revoked", detail, at: now }).await?;
    tx.commit().await.map_err(db)
}

pub(super) async fn caseload(pool: &PgPool, clinician: UserId) -> Result<Vec<CaseloadEntry>> {
    let rows = sqlx::query(
        "SELECT u.id, u.name, u.created_at, u.clinician, u.revision, r.revision, r.computed_for_ns, r.row
         FROM care_links l JOIN users u ON u.id = l.lifter_id
         LEFT JOIN caseload_rows r ON r.lifter_id = u.id
         WHERE l.clinician_id = $1 ORDER BY u.name COLLATE \"C\"",
    )
    .bind(clinician.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            let revision: i64 = get(r, 4)?;
            let cached = match (get::<Option<i64>>(r, 5)?, get::<Option<i64>>(r, 6)?, get::<Option<String>>(r, 7)?) {
                (Some(cached), Some(ns), Some(row)) if cached == revision => Some((codec::from_ns(ns)?, row)),
                _ => None,
            };
            Ok(CaseloadEntry { lifter: to_user(r)?, revision: Revision(revision), cached })
        })
        .collect()
}

pub(super) async fn put_caseload_row(
    pool: &PgPool,
    lifter: UserId,
    revision: Revision,
    computed_for: Timestamp,
    row: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO caseload_rows (lifter_id, revision, computed_for_ns, row) VALUES ($1, $2, $3, $4)
         ON CONFLICT (lifter_id) DO UPDATE SET
             revision = excluded.revision, computed_for_ns = excluded.computed_for_ns, row = excluded.row",
    )
    .bind(lifter.0)
    .bind(revision.0)
    .bind(to_ns(computed_for).unwrap_or(i64::MAX))
    .bind(row)
    .execute(pool)
    .await
    .map_err(db)?;
    Ok(())
}

pub(super) async fn add_note(
    pool: &PgPool,
    lifter: UserId,
    clinician: UserId,
    text: &str,
    now: Timestamp,
) -> Result<NoteId> {
    let text = codec::check_note(text)?;
    let id = sqlx::query_scalar(
        "INSERT INTO clinical_notes (lifter_id, clinician_id, text, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(lifter.0)
    .bind(clinician.0)
    .bind(text)
    .bind(now.to_string())
    .fetch_one(pool)
    .await
    .map_err(db)?;
    Ok(NoteId(id))
}

pub(super) async fn notes(pool: &PgPool, lifter: UserId, clinician: UserId) -> Result<Vec<ClinicalNote>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, text, created_at FROM clinical_notes WHERE lifter_id = $1 AND clinician_id = $2 ORDER BY id DESC",
    )
    .bind(lifter.0)
    .bind(clinician.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter()
        .map(|(id, text, at)| {
            Ok(ClinicalNote { id: NoteId(id), text, created_at: timestamp(&at, "clinical_notes.created_at")? })
        })
        .collect()
}

/// A profile change made by someone (a clinician tuning the protocol), with its
/// audit entry, in one transaction.
pub(super) async fn set_profile_audited(
    pool: &PgPool,
    lifter: UserId,
    profile: &StoredProfile,
    entries: &[NewAudit<'_>],
) -> Result<()> {
    codec::check_profile(profile)?;
    let mut tx = pool.begin().await.map_err(db)?;
    lock_user(&mut tx, lifter).await?;
    upsert_profile(&mut tx, lifter, profile).await?;
    changed(&mut tx, lifter, Some(i64::MIN)).await?;
    for entry in entries {
        audit(&mut tx, entry).await?;
    }
    tx.commit().await.map_err(db)
}
