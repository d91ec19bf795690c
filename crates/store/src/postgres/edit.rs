//! Writes that a phone may repeat (by client id), and changes and deletions of
//! logged entries. Each public function is one transaction that locks the lifter's
//! row first, as every write of their log does.

use super::care::audit;
use super::db;
use super::rows::{Batch, ExerciseRows, IdCounts, Replay, SessionRows, SetRows, ordinal, take_ids};
use super::write::{changed, lock_for_checkin, lock_for_session, lock_user, log_checkin, log_session};
use crate::codec::{self, effective_time, from_ns, to_ns};
use crate::error::{Result, StoreError};
use crate::model::{At, CheckinId, ClientId, Edit, Entry, Logged, NewAudit, NewCheckin, NewSession, SessionId, UserId};
use pullback_core::{ExerciseLog, Point, Side};
use sqlx::postgres::{PgConnection, PgPool};

/// The id of `table`'s row that `user` stored under `client`, if any.
async fn by_client(c: &mut PgConnection, table: &str, user: UserId, client: &ClientId) -> Result<Option<i64>> {
    sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE user_id = $1 AND client_id = $2"))
        .bind(user.0)
        .bind(client.as_str())
        .fetch_optional(c)
        .await
        .map_err(db)
}

pub(super) async fn add_session_once(
    pool: &PgPool,
    user: UserId,
    client: &ClientId,
    session: &NewSession,
) -> Result<Logged<SessionId>> {
    let mut tx = pool.begin().await.map_err(db)?;
    // The lock makes a retry racing its original wait, then find it. (The ids it
    // takes are lost then: a gap in a sequence, which nothing reads.)
    let ids = lock_for_session(&mut tx, user, session).await?;
    if let Some(id) = by_client(&mut tx, "sessions", user, client).await? {
        return Ok(Logged { id: SessionId(id), created: false });
    }
    let id = log_session(&mut tx, user, session, ids, Some(client)).await?;
    tx.commit().await.map_err(db)?;
    Ok(Logged { id, created: true })
}

pub(super) async fn add_checkin_once(
    pool: &PgPool,
    user: UserId,
    client: &ClientId,
    checkin: &NewCheckin,
) -> Result<Logged<CheckinId>> {
    let mut tx = pool.begin().await.map_err(db)?;
    let id = lock_for_checkin(&mut tx, user).await?;
    if let Some(id) = by_client(&mut tx, "checkins", user, client).await? {
        return Ok(Logged { id: CheckinId(id), created: false });
    }
    let id = log_checkin(&mut tx, user, checkin, id, Some(client)).await?;
    tx.commit().await.map_err(db)?;
    Ok(Logged { id, created: true })
}

/// The UTC ns of an entry of `user`'s (a session check-in counts at its session's
/// time, since that session's outcome is what changes); `NotFound` otherwise.
async fn entry_time(c: &mut PgConnection, user: UserId, entry: Entry) -> Result<i64> {
    let sql = match entry {
        Entry::Session(_) => "SELECT at_ns FROM sessions WHERE id = $1 AND user_id = $2",
        Entry::Checkin(_) => {
            "SELECT coalesce(s.at_ns, c.effective_ns) FROM checkins c LEFT JOIN sessions s ON s.id = c.session_id
             WHERE c.id = $1 AND c.user_id = $2"
        }
        Entry::Screening(_) => "SELECT at_ns FROM screenings WHERE id = $1 AND user_id = $2",
        Entry::SymmetryTest(_) => "SELECT at_ns FROM symmetry_tests WHERE id = $1 AND user_id = $2",
    };
    sqlx::query_scalar(sql)
        .bind(entry.id())
        .bind(user.0)
        .fetch_optional(c)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found(entry.kind(), entry.id()))
}

fn in_replay(entry: Entry) -> bool {
    matches!(entry, Entry::Session(_) | Entry::Checkin(_))
}

pub(super) async fn edit_entry(pool: &PgPool, entry: Entry, edit: &Edit, record: &NewAudit<'_>) -> Result<()> {
    let user = record.lifter;
    let mut tx = pool.begin().await.map_err(db)?;
    lock_user(&mut tx, user).await?;
    let old_ns = entry_time(&mut tx, user, entry).await?;
    let new_ns = match (entry, edit) {
        (Entry::Session(id), Edit::Session { at, exercises }) => {
            edit_session(&mut tx, user, id, *at, exercises).await?
        }
        (Entry::Checkin(id), Edit::Checkin { pain, side, bottom_only }) => {
            edit_checkin(&mut tx, id, pain.value(), *side, *bottom_only).await?;
            old_ns
        }
        (Entry::Screening(id), Edit::Screening { answers: a }) => {
            sqlx::query(
                "UPDATE screenings SET saddle_anesthesia = $2, bladder_bowel = $3, progressive_weakness = $4,
                     fever = $5, trauma = $6, cancer_history = $7, weight_loss = $8, night_pain = $9
                 WHERE id = $1",
            )
            .bind(id.0)
            .bind(a.saddle_anesthesia)
            .bind(a.bladder_bowel)
            .bind(a.progressive_weakness)
            .bind(a.fever)
            .bind(a.trauma)
            .bind(a.cancer_history)
            .bind(a.weight_loss)
            .bind(a.night_pain)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            old_ns
        }
        (Entry::SymmetryTest(id), Edit::SymmetryTest { left, right }) => {
            sqlx::query("UPDATE symmetry_tests SET left_strength = $2, right_strength = $3 WHERE id = $1")
                .bind(id.0)
                .bind(left.value().to_string())
                .bind(right.value().to_string())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            old_ns
        }
        _ => return Err(StoreError::Invalid(format!("that change does not fit a {}", entry.kind()))),
    };
    changed(&mut tx, user, in_replay(entry).then_some(old_ns.min(new_ns))).await?;
    audit(&mut tx, record).await?;
    tx.commit().await.map_err(db)
}

/// Replaces a session's time and exercises; its check-ins without a time of their
/// own move with it. Gives the new time (UTC ns).
async fn edit_session(
    c: &mut PgConnection,
    user: UserId,
    id: SessionId,
    at: At,
    exercises: &[ExerciseLog],
) -> Result<i64> {
    let at_ns = to_ns(at.instant)?;
    sqlx::query("UPDATE sessions SET at = $2, at_ns = $3 WHERE id = $1")
        .bind(id.0)
        .bind(at.to_string())
        .bind(at_ns)
        .execute(&mut *c)
        .await
        .map_err(db)?;
    sqlx::query("DELETE FROM exercises WHERE session_id = $1").bind(id.0).execute(&mut *c).await.map_err(db)?;
    let ids = take_ids(c, IdCounts { exercises: exercises.len(), ..IdCounts::default() }).await?;
    let (mut exercise_rows, mut set_rows) = (ExerciseRows::default(), SetRows::default());
    for ((position, e), exercise_id) in exercises.iter().enumerate().zip(&ids.exercises) {
        exercise_rows.push(*exercise_id, id.0, ordinal(position), e);
        for (position, set) in e.sets.iter().enumerate() {
            set_rows.push(*exercise_id, ordinal(position), set, None);
        }
    }
    Batch::of_rows(SessionRows::default(), exercise_rows, set_rows).write(c, user.0, Replay::Untouched).await?;
    let untimed: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, point FROM checkins WHERE session_id = $1 AND at IS NULL")
            .bind(id.0)
            .fetch_all(&mut *c)
            .await
            .map_err(db)?;
    for (checkin, point) in untimed {
        let effective = to_ns(effective_time(from_ns(at_ns)?, codec::point(&point)?, None))?;
        sqlx::query("UPDATE checkins SET effective_ns = $2 WHERE id = $1")
            .bind(checkin)
            .bind(effective)
            .execute(&mut *c)
            .await
            .map_err(db)?;
    }
    Ok(at_ns)
}

async fn edit_checkin(
    c: &mut PgConnection,
    id: CheckinId,
    pain: u8,
    side: Option<Side>,
    bottom_only: bool,
) -> Result<()> {
    let point: Option<String> = sqlx::query_scalar("SELECT point FROM checkins WHERE id = $1")
        .bind(id.0)
        .fetch_one(&mut *c)
        .await
        .map_err(db)?;
    let point = point.as_deref().map(codec::point).transpose()?;
    if bottom_only && point != Some(Point::During) {
        return Err(StoreError::Invalid("only a check-in during a session can say it hurt only at the bottom".into()));
    }
    sqlx::query("UPDATE checkins SET pain = $2, side = $3, bottom_only = $4 WHERE id = $1")
        .bind(id.0)
        .bind(i64::from(pain))
        .bind(side.map(Side::id))
        .bind(bottom_only)
        .execute(c)
        .await
        .map_err(db)?;
    Ok(())
}

pub(super) async fn delete_entry(pool: &PgPool, entry: Entry, record: &NewAudit<'_>) -> Result<()> {
    let user = record.lifter;
    let mut tx = pool.begin().await.map_err(db)?;
    lock_user(&mut tx, user).await?;
    let at_ns = entry_time(&mut tx, user, entry).await?;
    let table = match entry {
        Entry::Session(_) => "sessions",
        Entry::Checkin(_) => "checkins",
        Entry::Screening(_) => "screenings",
        Entry::SymmetryTest(_) => "symmetry_tests",
    };
    // A session's exercises, sets and check-ins go with it (ON DELETE CASCADE).
    sqlx::query(&format!("DELETE FROM {table} WHERE id = $1 AND user_id = $2"))
        .bind(entry.id())
        .bind(user.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    changed(&mut tx, user, in_replay(entry).then_some(at_ns)).await?;
    audit(&mut tx, record).await?;
    tx.commit().await.map_err(db)
}
