//! Reads. A history is read with one query per table (joined by ids, not one query
//! per session) inside one `REPEATABLE READ` transaction, so it is one snapshot.

use super::db;
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
use sqlx::postgres::{PgConnection, PgPool, PgRow, Postgres};
use sqlx::{Row, Transaction};
use std::collections::HashMap;

/// A column of a row.
pub(super) fn get<'r, T>(r: &'r PgRow, i: usize) -> Result<T>
where
    T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
{
    r.try_get(i).map_err(db)
}

pub(super) fn timestamp(text: &str, what: &str) -> Result<Timestamp> {
    text.parse().map_err(|_| codec::corrupt(format!("{what}: {text:?} is not a time")))
}

/// A transaction that sees one snapshot of the database throughout.
pub(super) async fn snapshot(pool: &PgPool) -> Result<Transaction<'static, Postgres>> {
    pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await.map_err(db)
}

/// The user's revision; `NotFound` if there is no such user.
pub(super) async fn require_user(c: &mut PgConnection, user: UserId) -> Result<Revision> {
    sqlx::query_scalar("SELECT revision FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_optional(c)
        .await
        .map_err(db)?
        .map(Revision)
        .ok_or_else(|| StoreError::not_found("user", user))
}

/// The columns [`to_user`] reads, first in a query.
pub(super) const USER_COLUMNS: &str = "id, name, created_at, clinician";

/// A user from the first four columns of `r` (see [`USER_COLUMNS`]).
pub(super) fn to_user(r: &PgRow) -> Result<User> {
    Ok(User {
        id: UserId(get(r, 0)?),
        name: get(r, 1)?,
        created_at: timestamp(get(r, 2)?, "users.created_at")?,
        clinician: get(r, 3)?,
    })
}

pub(super) async fn users(pool: &PgPool) -> Result<Vec<User>> {
    let rows =
        sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id")).fetch_all(pool).await.map_err(db)?;
    rows.iter().map(to_user).collect()
}

pub(super) async fn user(pool: &PgPool, id: UserId) -> Result<User> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    to_user(&row.ok_or_else(|| StoreError::not_found("user", id))?)
}

pub(super) async fn user_by_name(pool: &PgPool, name: &str) -> Result<User> {
    let [typed, normal] = crate::codec::lookup_names(name);
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE name IN ($1, $2) ORDER BY name = $1 DESC LIMIT 1"
    ))
    .bind(typed)
    .bind(normal)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    to_user(&row.ok_or_else(|| StoreError::not_found("user", name))?)
}

const PROFILE_COLUMNS: &str = "p.units, p.working_weight, p.usual_variation, p.load_increment, p.bar_weight, \
                               p.kettlebell_weight, p.time_zone, p.plates, p.overrides";

/// A profile from nine columns of `r` starting at `first` (see [`PROFILE_COLUMNS`]).
fn to_profile(r: &PgRow, first: usize, user: UserId) -> Result<StoredProfile> {
    let get = |i: usize| get::<Option<&str>>(r, first + i);
    let need =
        |i: usize, what: &str| get(i)?.ok_or_else(|| codec::corrupt(format!("user {user} has no profile (no {what})")));
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

/// The revision and profile of a user, in one query.
async fn revision_and_profile(c: &mut PgConnection, user: UserId) -> Result<(Revision, StoredProfile)> {
    let row = sqlx::query(&format!(
        "SELECT u.revision, {PROFILE_COLUMNS} FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = $1"
    ))
    .bind(user.0)
    .fetch_optional(c)
    .await
    .map_err(db)?
    .ok_or_else(|| StoreError::not_found("user", user))?;
    Ok((Revision(get(&row, 0)?), to_profile(&row, 1, user)?))
}

pub(super) async fn profile(c: &mut PgConnection, user: UserId) -> Result<StoredProfile> {
    Ok(revision_and_profile(c, user).await?.1)
}

/// Rows of one of the per-table queries of a session read.
async fn session_query(c: &mut PgConnection, sql: &str, user: UserId, bound: i64) -> Result<Vec<PgRow>> {
    sqlx::query(sql).bind(user.0).bind(bound).fetch_all(c).await.map_err(db)
}

/// Sessions come in time order; exercises, sets and check-ins in the order of
/// their parent's id and their position (or id), which is all that placing them
/// needs: each goes to its parent through a map.
async fn load_sessions(c: &mut PgConnection, user: UserId, since: Since) -> Result<Sessions> {
    let mut out = Sessions::default();
    let Since::Nanos(bound) = since else { return Ok(out) };

    let mut index: HashMap<i64, usize> = HashMap::new();
    let sql =
        "SELECT id, at_ns, at, external_id, note FROM sessions WHERE user_id = $1 AND at_ns >= $2 ORDER BY at_ns, id";
    for r in session_query(c, sql, user, bound).await? {
        let id: i64 = get(&r, 0)?;
        index.insert(id, out.sessions.len());
        out.sessions.push(Session {
            id: get(&r, 3)?,
            at: from_ns(get(&r, 1)?)?,
            exercises: vec![],
            checkins: vec![],
            note: get::<Option<&str>>(&r, 4)?.map(codec::note).transpose()?,
        });
        out.ids.push(SessionId(id));
        out.texts.push(get(&r, 2)?);
        out.checkin_ids.push(Vec::new());
    }
    let session_index =
        |id: i64| index.get(&id).copied().ok_or_else(|| codec::corrupt(format!("session {id} vanished")));

    let mut exercises: HashMap<i64, (usize, usize)> = HashMap::new();
    let sql = "SELECT e.id, e.session_id, e.exercise, e.tempo, e.block_height, e.note
               FROM sessions s JOIN exercises e ON e.session_id = s.id
               WHERE s.user_id = $1 AND s.at_ns >= $2 ORDER BY e.session_id, e.position";
    for r in session_query(c, sql, user, bound).await? {
        let si = session_index(get(&r, 1)?)?;
        let list = &mut out.sessions[si].exercises;
        exercises.insert(get(&r, 0)?, (si, list.len()));
        list.push(ExerciseLog {
            exercise: codec::exercise(get(&r, 2)?)?,
            tempo: get::<Option<&str>>(&r, 3)?.map(codec::tempo).transpose()?,
            block_height: get::<Option<&str>>(&r, 4)?.map(codec::block_height).transpose()?,
            sets: Vec::new(),
            note: get::<Option<&str>>(&r, 5)?.map(codec::note).transpose()?,
        });
    }

    let sql = "SELECT st.exercise_id, st.load, st.reps, st.rpe, st.warmup, st.note
               FROM sessions s JOIN exercises e ON e.session_id = s.id JOIN sets st ON st.exercise_id = e.id
               WHERE s.user_id = $1 AND s.at_ns >= $2 ORDER BY st.exercise_id, st.position";
    let mut current: Option<(i64, (usize, usize))> = None;
    for r in session_query(c, sql, user, bound).await? {
        let exercise_id: i64 = get(&r, 0)?;
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
        let reps: i64 = get(&r, 2)?;
        out.sessions[si].exercises[ei].sets.push(Set {
            load: codec::load(get(&r, 1)?)?,
            reps: Reps::parse(reps).map_err(|e| codec::corrupt(format!("reps: {e}")))?,
            rpe: get::<Option<&str>>(&r, 3)?.map(codec::rpe).transpose()?,
            warmup: get(&r, 4)?,
            note: get::<Option<&str>>(&r, 5)?.map(codec::note).transpose()?,
        });
    }

    let sql = "SELECT c.id, c.session_id, c.point, c.pain, c.at_ns, c.side, c.bottom_only
               FROM sessions s JOIN checkins c ON c.session_id = s.id
               WHERE s.user_id = $1 AND s.at_ns >= $2 ORDER BY c.session_id, c.id";
    for r in session_query(c, sql, user, bound).await? {
        let si = session_index(get(&r, 1)?)?;
        out.sessions[si].checkins.push(SessionCheckin {
            point: codec::point(get(&r, 2)?)?,
            pain: codec::pain(get(&r, 3)?)?,
            at: get::<Option<i64>>(&r, 4)?.map(from_ns).transpose()?,
            side: get::<Option<&str>>(&r, 5)?.map(codec::side).transpose()?,
            bottom_only: get(&r, 6)?,
        });
        out.checkin_ids[si].push(CheckinId(get(&r, 0)?));
    }
    Ok(out)
}

async fn standalone(
    c: &mut PgConnection,
    user: UserId,
    since: Since,
) -> Result<(Vec<StandaloneCheckin>, Vec<CheckinId>)> {
    let (mut list, mut ids) = (Vec::new(), Vec::new());
    let Since::Nanos(bound) = since else { return Ok((list, ids)) };
    let sql = "SELECT id, effective_ns, pain, side FROM checkins
               WHERE user_id = $1 AND session_id IS NULL AND effective_ns >= $2 ORDER BY effective_ns, id";
    for r in session_query(c, sql, user, bound).await? {
        ids.push(CheckinId(get(&r, 0)?));
        list.push(StandaloneCheckin {
            at: from_ns(get(&r, 1)?)?,
            pain: codec::pain(get(&r, 2)?)?,
            side: get::<Option<&str>>(&r, 3)?.map(codec::side).transpose()?,
        });
    }
    Ok((list, ids))
}

async fn screenings(c: &mut PgConnection, user: UserId) -> Result<(Vec<Screening>, Vec<ScreeningId>)> {
    let rows = sqlx::query(
        "SELECT at_ns, saddle_anesthesia, bladder_bowel, progressive_weakness, fever, trauma,
                cancer_history, weight_loss, night_pain, id
         FROM screenings WHERE user_id = $1 ORDER BY at_ns, id",
    )
    .bind(user.0)
    .fetch_all(c)
    .await
    .map_err(db)?;
    let ids = rows.iter().map(|r| get::<i64>(r, 9).map(ScreeningId)).collect::<Result<Vec<_>>>()?;
    let list = rows
        .iter()
        .map(|r| {
            let b = |i: usize| get::<bool>(r, i);
            Ok(Screening {
                at: from_ns(get(r, 0)?)?,
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
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((list, ids))
}

async fn symmetry_tests(c: &mut PgConnection, user: UserId) -> Result<(Vec<SymmetryTest>, Vec<SymmetryTestId>)> {
    let rows = sqlx::query(
        "SELECT at_ns, left_strength, right_strength, id FROM symmetry_tests WHERE user_id = $1
         ORDER BY at_ns, id",
    )
    .bind(user.0)
    .fetch_all(c)
    .await
    .map_err(db)?;
    let ids = rows.iter().map(|r| get::<i64>(r, 3).map(SymmetryTestId)).collect::<Result<Vec<_>>>()?;
    let list = rows
        .iter()
        .map(|r| {
            let strength = |i: usize| get::<&str>(r, i).and_then(codec::strength);
            Ok(SymmetryTest { at: from_ns(get(r, 0)?)?, left: strength(1)?, right: strength(2)? })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((list, ids))
}

/// The history from `since` on, read inside the caller's transaction.
async fn load_history(c: &mut PgConnection, user: UserId, since: Since) -> Result<StoredHistory> {
    let (revision, profile) = revision_and_profile(c, user).await?;
    let sessions = load_sessions(c, user, since).await?;
    let (checkins, checkin_ids) = standalone(c, user, since).await?;
    let (screenings, screening_ids) = screenings(c, user).await?;
    let (symmetry_tests, symmetry_test_ids) = symmetry_tests(c, user).await?;
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

pub(super) async fn history(pool: &PgPool, user: UserId, after: Option<Timestamp>) -> Result<StoredHistory> {
    let mut tx = snapshot(pool).await?;
    let history = load_history(&mut tx, user, after.map_or(Since::ALL, Since::after)).await?;
    tx.commit().await.map_err(db)?;
    Ok(history)
}

/// The user's checkpoint; `NotFound` if there is no such user.
async fn checkpoint_in(c: &mut PgConnection, user: UserId) -> Result<Option<StoredCheckpoint>> {
    let row = sqlx::query(
        "SELECT c.covers_until_ns, c.made_at_ns, c.state, c.revision, c.created_at
         FROM users u LEFT JOIN checkpoints c ON c.user_id = u.id WHERE u.id = $1",
    )
    .bind(user.0)
    .fetch_optional(c)
    .await
    .map_err(db)?
    .ok_or_else(|| StoreError::not_found("user", user))?;
    let Some(covers_until) = get::<Option<i64>>(&row, 0)? else { return Ok(None) };
    Ok(Some(StoredCheckpoint {
        covers_until: from_ns(covers_until)?,
        made_at: from_ns(get(&row, 1)?)?,
        state: get(&row, 2)?,
        revision: Revision(get(&row, 3)?),
        created_at: timestamp(get(&row, 4)?, "checkpoints.created_at")?,
    }))
}

pub(super) async fn checkpoint(pool: &PgPool, user: UserId) -> Result<Option<StoredCheckpoint>> {
    let mut c = pool.acquire().await.map_err(db)?;
    checkpoint_in(&mut c, user).await
}

pub(super) async fn resume(pool: &PgPool, user: UserId) -> Result<Resume> {
    let mut tx = snapshot(pool).await?;
    let checkpoint = checkpoint_in(&mut tx, user).await?;
    let since = checkpoint.as_ref().map_or(Since::ALL, |cp| Since::after(cp.covers_until));
    let history = load_history(&mut tx, user, since).await?;
    tx.commit().await.map_err(db)?;
    Ok(Resume { checkpoint, history })
}

pub(super) async fn sessions(pool: &PgPool, user: UserId, last: Option<usize>) -> Result<Vec<SessionEntry>> {
    let mut tx = snapshot(pool).await?;
    require_user(&mut tx, user).await?;
    let since = match last {
        None => Since::ALL,
        Some(0) => Since::Nothing,
        Some(n) => {
            let offset = i64::try_from(n - 1).unwrap_or(i64::MAX);
            let nth: Option<i64> = sqlx::query_scalar(
                "SELECT at_ns FROM sessions WHERE user_id = $1 ORDER BY at_ns DESC, id DESC LIMIT 1 OFFSET $2",
            )
            .bind(user.0)
            .bind(offset)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
            nth.map_or(Since::ALL, Since::Nanos)
        }
    };
    let loaded = load_sessions(&mut tx, user, since).await?;
    tx.commit().await.map_err(db)?;
    let skip = last.map_or(0, |n| loaded.sessions.len().saturating_sub(n));
    let entries = loaded.sessions.into_iter().zip(loaded.ids).zip(loaded.texts).zip(loaded.checkin_ids).skip(skip);
    entries
        .map(|(((session, id), text), checkin_ids)| {
            Ok(SessionEntry { id, at: logged_at(id, &text)?, session, checkin_ids })
        })
        .collect()
}
