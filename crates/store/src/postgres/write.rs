//! Writes. Each public function is one transaction. One that raises a revision or
//! replaces a checkpoint locks the lifter's row first ([`lock_user`]), so that writers
//! of one lifter take turns, as SQLite's `BEGIN IMMEDIATE` makes them.

use super::db;
use super::rows::{
    Batch, CheckinRow, IdCounts, Ids, Replay, SessionInput, insert_sessions, lock_user_taking_ids, next_id,
};
use crate::codec::{self, ProfileRow, effective_time, to_ns};
use crate::error::{Result, StoreError};
use crate::model::{
    At, CheckinId, ClientId, ImportCounts, ImportMode, NewCheckin, NewCheckpoint, NewScreening, NewSession,
    NewSymmetryTest, Revision, ScreeningId, SessionId, StoredProfile, SymmetryTestId, User, UserId,
};
use jiff::Timestamp;
use pullback_core::History;
use sqlx::postgres::{PgConnection, PgPool};

/// Locks the user's row until the transaction ends and gives their revision;
/// `NotFound` if there is no such user. `NO KEY UPDATE` is the lock the revision
/// bump takes anyway: it makes writers of this lifter wait for each other, but
/// not rows elsewhere that merely reference the user (a web session, a note).
pub(super) async fn lock_user(c: &mut PgConnection, user: UserId) -> Result<Revision> {
    sqlx::query_scalar("SELECT revision FROM users WHERE id = $1 FOR NO KEY UPDATE")
        .bind(user.0)
        .fetch_optional(c)
        .await
        .map_err(db)?
        .map(Revision)
        .ok_or_else(|| StoreError::not_found("user", user))
}

/// Records that `user`'s events changed at `affected` (UTC ns): the revision rises,
/// and a checkpoint covering that instant is deleted (none when `affected` is `None`).
pub(super) async fn changed(c: &mut PgConnection, user: UserId, affected: Option<i64>) -> Result<()> {
    sqlx::query(
        "WITH bump AS (UPDATE users SET revision = revision + 1 WHERE id = $1)
         DELETE FROM checkpoints WHERE user_id = $1 AND covers_until_ns >= $2",
    )
    .bind(user.0)
    .bind(affected)
    .execute(c)
    .await
    .map_err(db)?;
    Ok(())
}

pub(super) async fn create_user(
    pool: &PgPool,
    name: &str,
    profile: &StoredProfile,
    password_hash: Option<&str>,
) -> Result<User> {
    let name = codec::check_user_name(name)?;
    codec::check_profile(profile)?;
    let mut tx = pool.begin().await.map_err(db)?;
    let created_at = Timestamp::now();
    let inserted =
        sqlx::query_scalar("INSERT INTO users (name, created_at, password_hash) VALUES ($1, $2, $3) RETURNING id")
            .bind(&name)
            .bind(created_at.to_string())
            .bind(password_hash)
            .fetch_one(&mut *tx)
            .await;
    let id = match inserted {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(StoreError::Conflict(format!("a user named {name:?} exists already; choose another name")));
        }
        other => UserId(other.map_err(db)?),
    };
    upsert_profile(&mut tx, id, profile).await?;
    tx.commit().await.map_err(db)?;
    Ok(User { id, name: name.to_owned(), created_at, clinician: false })
}

pub(super) async fn delete_user(pool: &PgPool, user: UserId) -> Result<()> {
    let deleted = sqlx::query("DELETE FROM users WHERE id = $1").bind(user.0).execute(pool).await.map_err(db)?;
    if deleted.rows_affected() == 0 {
        return Err(StoreError::not_found("user", user));
    }
    Ok(())
}

pub(super) async fn upsert_profile(c: &mut PgConnection, user: UserId, profile: &StoredProfile) -> Result<()> {
    let r = ProfileRow::from_profile(profile);
    sqlx::query(
        "INSERT INTO profiles (user_id, units, working_weight, usual_variation, load_increment, bar_weight,
                               kettlebell_weight, time_zone, plates, overrides)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (user_id) DO UPDATE SET
             units = excluded.units, working_weight = excluded.working_weight,
             usual_variation = excluded.usual_variation, load_increment = excluded.load_increment,
             bar_weight = excluded.bar_weight, kettlebell_weight = excluded.kettlebell_weight,
             time_zone = excluded.time_zone, plates = excluded.plates, overrides = excluded.overrides",
    )
    .bind(user.0)
    .bind(r.units)
    .bind(r.working_weight)
    .bind(r.usual_variation)
    .bind(r.load_increment)
    .bind(r.bar_weight)
    .bind(r.kettlebell_weight)
    .bind(r.time_zone)
    .bind(r.plates)
    .bind(r.overrides)
    .execute(c)
    .await
    .map_err(db)?;
    Ok(())
}

pub(super) async fn set_profile(pool: &PgPool, user: UserId, profile: &StoredProfile) -> Result<()> {
    codec::check_profile(profile)?;
    let mut tx = pool.begin().await.map_err(db)?;
    lock_user(&mut tx, user).await?;
    upsert_profile(&mut tx, user, profile).await?;
    // The replay reads the usual variation, the working weight and the parameters.
    changed(&mut tx, user, Some(i64::MIN)).await?;
    tx.commit().await.map_err(db)
}

pub(super) async fn add_session(pool: &PgPool, user: UserId, session: &NewSession) -> Result<SessionId> {
    let mut tx = pool.begin().await.map_err(db)?;
    let ids = lock_for_session(&mut tx, user, session).await?;
    let id = log_session(&mut tx, user, session, ids, None).await?;
    tx.commit().await.map_err(db)?;
    Ok(id)
}

/// `session` as the one session of a write.
fn session_input(session: &NewSession) -> SessionInput<'_> {
    SessionInput {
        at: session.at,
        external_id: session.external_id.as_deref(),
        exercises: &session.exercises,
        checkins: &session.checkins,
        note: session.note.as_ref(),
    }
}

/// Locks the user, as [`lock_user`], and takes the ids `session` needs, in one
/// round trip: a session is then logged in four (this, [`log_session`]'s one
/// statement, and the transaction's begin and commit).
pub(super) async fn lock_for_session(tx: &mut PgConnection, user: UserId, session: &NewSession) -> Result<Ids> {
    lock_user_taking_ids(tx, user, IdCounts::of(&[session_input(session)], 0)).await
}

/// Inserts a session with the `ids` taken for it, under `client` if given, and
/// records the change, in one statement inside the caller's transaction (which
/// has locked the user).
pub(super) async fn log_session(
    tx: &mut PgConnection,
    user: UserId,
    session: &NewSession,
    ids: Ids,
    client: Option<&ClientId>,
) -> Result<SessionId> {
    let (mut batch, ids) = Batch::of_sessions(&[session_input(session)], &[], ids, &mut ImportCounts::default())?;
    let id = ids.first().copied().ok_or_else(|| codec::corrupt("the session got no id"))?;
    batch.session_client = client.map(|c| c.as_str().to_owned());
    batch.write(tx, user.0, Replay::ChangedAt(to_ns(session.at.instant)?)).await?;
    Ok(SessionId(id))
}

/// The instant a check-in counts at, or why it cannot be stored.
fn effective(session: Option<Timestamp>, checkin: &NewCheckin) -> Result<Timestamp> {
    match (session, checkin.point, checkin.at) {
        (Some(session_at), Some(point), at) => Ok(effective_time(session_at, point, at.map(|a| a.instant))),
        (None, None, Some(at)) => Ok(at.instant),
        (Some(_), None, _) => Err(StoreError::Invalid("a check-in of a session needs its point".into())),
        (None, Some(_), _) => Err(StoreError::Invalid("a check-in with a point must name its session".into())),
        (None, None, None) => Err(StoreError::Invalid("a standalone check-in needs its time".into())),
    }
}

pub(super) async fn add_checkin(pool: &PgPool, user: UserId, checkin: &NewCheckin) -> Result<CheckinId> {
    let mut tx = pool.begin().await.map_err(db)?;
    let id = lock_for_checkin(&mut tx, user).await?;
    let id = log_checkin(&mut tx, user, checkin, id, None).await?;
    tx.commit().await.map_err(db)?;
    Ok(id)
}

/// Locks the user, as [`lock_user`], and takes a check-in's id, in one round trip.
pub(super) async fn lock_for_checkin(tx: &mut PgConnection, user: UserId) -> Result<i64> {
    let ids = lock_user_taking_ids(tx, user, IdCounts { checkins: 1, ..IdCounts::default() }).await?;
    next_id(&mut ids.checkins.iter())
}

/// Inserts a check-in with the `id` taken for it, under `client` if given, and
/// records the change, inside the caller's transaction (which has locked the user).
pub(super) async fn log_checkin(
    tx: &mut PgConnection,
    user: UserId,
    checkin: &NewCheckin,
    id: i64,
    client: Option<&ClientId>,
) -> Result<CheckinId> {
    let session = match checkin.session {
        Some(id) => {
            let at_ns: Option<i64> = sqlx::query_scalar("SELECT at_ns FROM sessions WHERE id = $1 AND user_id = $2")
                .bind(id.0)
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
            let at_ns = at_ns.ok_or_else(|| StoreError::not_found("session", id))?;
            Some((id, codec::from_ns(at_ns)?))
        }
        None => None,
    };
    let effective_ns = to_ns(effective(session.map(|(_, at)| at), checkin)?)?;
    // A session's check-in changes that session's outcome: the session time counts.
    let affected = match (session, checkin.at) {
        (Some((_, session_at)), _) => session_at,
        (None, Some(at)) => at.instant,
        (None, None) => return Err(StoreError::Invalid("a standalone check-in needs its time".into())),
    };
    let mut batch = Batch::of_checkin(CheckinRow {
        id,
        session_id: session.map(|(id, _)| id.0),
        point: checkin.point,
        pain: checkin.pain.value(),
        at: checkin.at,
        effective_ns,
        side: checkin.side,
        bottom_only: checkin.bottom_only,
    })?;
    batch.checkin_client = client.map(|c| c.as_str().to_owned());
    batch.write(tx, user.0, Replay::ChangedAt(to_ns(affected)?)).await?;
    Ok(CheckinId(id))
}

async fn insert_screening(c: &mut PgConnection, user: UserId, s: &NewScreening) -> Result<ScreeningId> {
    let a = &s.answers;
    let at_ns = to_ns(s.at.instant)?;
    let id = sqlx::query_scalar(
        "INSERT INTO screenings (user_id, at, at_ns, saddle_anesthesia, bladder_bowel, progressive_weakness,
                                 fever, trauma, cancer_history, weight_loss, night_pain)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(user.0)
    .bind(s.at.to_string())
    .bind(at_ns)
    .bind(a.saddle_anesthesia)
    .bind(a.bladder_bowel)
    .bind(a.progressive_weakness)
    .bind(a.fever)
    .bind(a.trauma)
    .bind(a.cancer_history)
    .bind(a.weight_loss)
    .bind(a.night_pain)
    .fetch_one(c)
    .await
    .map_err(db)?;
    Ok(ScreeningId(id))
}

async fn insert_symmetry(c: &mut PgConnection, user: UserId, t: &NewSymmetryTest) -> Result<SymmetryTestId> {
    let at_ns = to_ns(t.at.instant)?;
    let id = sqlx::query_scalar(
        "INSERT INTO symmetry_tests (user_id, at, at_ns, left_strength, right_strength)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user.0)
    .bind(t.at.to_string())
    .bind(at_ns)
    .bind(t.left.value().to_string())
    .bind(t.right.value().to_string())
    .fetch_one(c)
    .await
    .map_err(db)?;
    Ok(SymmetryTestId(id))
}

pub(super) async fn add_screening(pool: &PgPool, user: UserId, s: &NewScreening) -> Result<ScreeningId> {
    let mut tx = pool.begin().await.map_err(db)?;
    lock_user(&mut tx, user).await?;
    let id = insert_screening(&mut tx, user, s).await?;
    // Not in the replay (the checkpoint stays), but in the decision: whatever was
    // computed from the log before (a cached caseload row) is stale now.
    changed(&mut tx, user, None).await?;
    tx.commit().await.map_err(db)?;
    Ok(id)
}

pub(super) async fn add_symmetry_test(pool: &PgPool, user: UserId, t: &NewSymmetryTest) -> Result<SymmetryTestId> {
    let mut tx = pool.begin().await.map_err(db)?;
    lock_user(&mut tx, user).await?;
    let id = insert_symmetry(&mut tx, user, t).await?;
    changed(&mut tx, user, None).await?;
    tx.commit().await.map_err(db)?;
    Ok(id)
}

pub(super) async fn put_checkpoint(
    pool: &PgPool,
    user: UserId,
    cp: &NewCheckpoint,
    based_on: Revision,
) -> Result<bool> {
    let mut tx = pool.begin().await.map_err(db)?;
    // Locked: no write of this lifter can come between this check and the commit.
    if lock_user(&mut tx, user).await? != based_on {
        return Ok(false);
    }
    let (covers_until_ns, made_at_ns) = (to_ns(cp.covers_until)?, to_ns(cp.made_at)?);
    sqlx::query(
        "INSERT INTO checkpoints (user_id, covers_until, covers_until_ns, made_at, made_at_ns, revision, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (user_id) DO UPDATE SET
             covers_until = excluded.covers_until, covers_until_ns = excluded.covers_until_ns,
             made_at = excluded.made_at, made_at_ns = excluded.made_at_ns, revision = excluded.revision,
             state = excluded.state, created_at = excluded.created_at",
    )
    .bind(user.0)
    .bind(cp.covers_until.to_string())
    .bind(covers_until_ns)
    .bind(cp.made_at.to_string())
    .bind(made_at_ns)
    .bind(based_on.0)
    .bind(&cp.state)
    .bind(Timestamp::now().to_string())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(true)
}

pub(super) async fn delete_checkpoint(pool: &PgPool, user: UserId) -> Result<()> {
    let mut tx = pool.begin().await.map_err(db)?;
    lock_user(&mut tx, user).await?;
    sqlx::query("DELETE FROM checkpoints WHERE user_id = $1").bind(user.0).execute(&mut *tx).await.map_err(db)?;
    tx.commit().await.map_err(db)
}

/// Deletes everything a lifter logged (and their checkpoint); the profile stays.
pub(super) async fn delete_events(c: &mut PgConnection, user: UserId) -> Result<()> {
    sqlx::query(
        "WITH s AS (DELETE FROM sessions WHERE user_id = $1),
              c AS (DELETE FROM checkins WHERE user_id = $1),
              r AS (DELETE FROM screenings WHERE user_id = $1),
              t AS (DELETE FROM symmetry_tests WHERE user_id = $1)
         DELETE FROM checkpoints WHERE user_id = $1",
    )
    .bind(user.0)
    .execute(c)
    .await
    .map_err(db)?;
    Ok(())
}

/// The profile a replacing import leaves: the file's, with the stored plates
/// unless the unit changed.
fn replaced_profile(h: &History, stored: StoredProfile) -> Result<StoredProfile> {
    let name = h.profile.time_zone.iana_name().map(str::to_owned).ok_or_else(|| {
        StoreError::Invalid("the imported profile's time zone has no IANA name; use one like \"Europe/Berlin\"".into())
    })?;
    // The plates in the profile are in the old unit.
    let plates = if h.profile.units == stored.profile.units { stored.plates } else { None };
    let profile =
        StoredProfile { profile: h.profile.clone(), time_zone_name: name, plates, overrides: h.params.overrides() };
    codec::check_profile(&profile)?;
    Ok(profile)
}

pub(super) async fn import_history(pool: &PgPool, user: UserId, h: &History, mode: ImportMode) -> Result<ImportCounts> {
    let mut tx = pool.begin().await.map_err(db)?;
    lock_user(&mut tx, user).await?;
    let mut stored = super::read::profile(&mut tx, user).await?;
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
            delete_events(&mut tx, user).await?;
            stored = replaced_profile(h, stored)?;
            upsert_profile(&mut tx, user, &stored).await?;
        }
    }
    let zone = &stored.profile.time_zone;
    let zoned = |t: Timestamp| At::new(t, zone.to_offset(t));
    let sessions: Vec<SessionInput<'_>> = h
        .sessions
        .iter()
        .map(|s| SessionInput {
            at: zoned(s.at),
            external_id: s.id.as_deref(),
            exercises: &s.exercises,
            checkins: &s.checkins,
            note: s.note.as_ref(),
        })
        .collect();
    let standalone = h
        .checkins
        .iter()
        .map(|c| {
            Ok(CheckinRow {
                id: 0,
                session_id: None,
                point: None,
                pain: c.pain.value(),
                at: Some(zoned(c.at)),
                effective_ns: to_ns(c.at)?,
                side: c.side,
                bottom_only: false,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut counts = ImportCounts::default();
    insert_sessions(&mut tx, user.0, &sessions, &standalone, &mut counts).await?;
    for s in &h.screenings {
        insert_screening(&mut tx, user, &NewScreening { at: zoned(s.at), answers: s.answers }).await?;
        counts.screenings += 1;
    }
    for t in &h.symmetry_tests {
        insert_symmetry(&mut tx, user, &NewSymmetryTest { at: zoned(t.at), left: t.left, right: t.right }).await?;
        counts.symmetry_tests += 1;
    }
    let earliest = h.sessions.iter().map(|s| s.at).chain(h.checkins.iter().map(|c| c.at)).min();
    let affected = match mode {
        ImportMode::Replace => Some(i64::MIN),
        ImportMode::Append => earliest.map(to_ns).transpose()?,
    };
    changed(&mut tx, user, affected).await?;
    tx.commit().await.map_err(db)?;
    Ok(counts)
}
