//! Accounts: passwords, web sessions, API tokens, the shared server secret and
//! attempts of guarded actions (log-ins, sign-ups) for their rate limits.

use super::db;
use super::read::{USER_COLUMNS, get, require_user, timestamp, to_user};
use crate::codec::{from_ns, to_ns};
use crate::error::{Result, StoreError};
use crate::model::{ApiToken, Caller, Credentials, Digest, Revision, TokenId, Tokens, UserId};
use crate::throttle::{Admission, Counted, Limit, decide};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::postgres::{PgPool, PgRow};

/// [`KEPT`](crate::throttle::KEPT) in nanoseconds: how long attempts are kept.
const KEPT_NS: i64 = crate::throttle::KEPT.as_secs() * 1_000_000_000;

pub(super) async fn set_password(pool: &PgPool, user: UserId, hash: &str, tokens: Tokens) -> Result<()> {
    let mut tx = pool.begin().await.map_err(db)?;
    require_user(&mut tx, user).await?;
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user.0)
        .bind(hash)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    // A new password signs every browser out.
    sqlx::query("DELETE FROM web_sessions WHERE user_id = $1").bind(user.0).execute(&mut *tx).await.map_err(db)?;
    if tokens == Tokens::Revoke {
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1").bind(user.0).execute(&mut *tx).await.map_err(db)?;
    }
    tx.commit().await.map_err(db)
}

pub(super) async fn credentials(pool: &PgPool, name: &str) -> Result<Option<Credentials>> {
    let [typed, normal] = crate::codec::lookup_names(name);
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE name IN ($1, $2) ORDER BY name = $1 DESC LIMIT 1"
    ))
    .bind(typed)
    .bind(normal)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.map(|r| Ok(Credentials { user: to_user(&r)?, password_hash: r.try_get(4).map_err(db)? })).transpose()
}

pub(super) async fn create_web_session(pool: &PgPool, user: UserId, id: &Digest, expires: Timestamp) -> Result<()> {
    let (now, expires) = (to_ns(Timestamp::now())?, to_ns(expires)?);
    sqlx::query("INSERT INTO web_sessions (id_hash, user_id, created_ns, expires_ns) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(user.0)
        .bind(now)
        .bind(expires)
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(())
}

pub(super) async fn web_session(pool: &PgPool, id: &Digest, now: Timestamp) -> Result<Option<Caller>> {
    let row = sqlx::query(
        "SELECT u.id, u.name, u.created_at, u.clinician, u.revision
         FROM web_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_ns > $2",
    )
    .bind(id)
    .bind(to_ns(now)?)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.as_ref().map(to_caller).transpose()
}

/// A user from the first four columns (as [`to_user`] reads them) and their
/// revision from the fifth.
fn to_caller(r: &PgRow) -> Result<Caller> {
    Ok(Caller { user: to_user(r)?, revision: Revision(get(r, 4)?) })
}

pub(super) async fn delete_web_session(pool: &PgPool, id: &Digest) -> Result<()> {
    sqlx::query("DELETE FROM web_sessions WHERE id_hash = $1").bind(id).execute(pool).await.map_err(db)?;
    Ok(())
}

pub(super) async fn delete_expired_web_sessions(pool: &PgPool, now: Timestamp) -> Result<usize> {
    let done = sqlx::query("DELETE FROM web_sessions WHERE expires_ns <= $1")
        .bind(to_ns(now)?)
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(usize::try_from(done.rows_affected()).unwrap_or(usize::MAX))
}

pub(super) async fn create_api_token(pool: &PgPool, user: UserId, name: &str, hash: &Digest) -> Result<TokenId> {
    let name = crate::codec::check_token_name(name)?;
    let mut tx = pool.begin().await.map_err(db)?;
    require_user(&mut tx, user).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user.0)
    .bind(name)
    .bind(hash)
    .bind(Timestamp::now().to_string())
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(TokenId(id))
}

pub(super) async fn api_tokens(pool: &PgPool, user: UserId) -> Result<Vec<ApiToken>> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, created_at FROM api_tokens WHERE user_id = $1 ORDER BY id")
            .bind(user.0)
            .fetch_all(pool)
            .await
            .map_err(db)?;
    rows.into_iter()
        .map(|(id, name, created_at)| {
            Ok(ApiToken { id: TokenId(id), name, created_at: timestamp(&created_at, "api_tokens.created_at")? })
        })
        .collect()
}

pub(super) async fn api_token_user(pool: &PgPool, hash: &Digest) -> Result<Option<Caller>> {
    let row = sqlx::query(
        "SELECT u.id, u.name, u.created_at, u.clinician, u.revision
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
    )
    .bind(hash)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.as_ref().map(to_caller).transpose()
}

pub(super) async fn delete_api_token(pool: &PgPool, user: UserId, token: TokenId) -> Result<()> {
    let done = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
        .bind(token.0)
        .bind(user.0)
        .execute(pool)
        .await
        .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("token", token));
    }
    Ok(())
}

/// Two statements: under READ COMMITTED the `SELECT` takes a new snapshot, so it
/// sees the secret another instance stored while this one's insert waited.
pub(super) async fn server_secret(pool: &PgPool, candidate: &[u8]) -> Result<Vec<u8>> {
    let mut tx = pool.begin().await.map_err(db)?;
    sqlx::query("INSERT INTO server_settings (key, value) VALUES ('secret', $1) ON CONFLICT DO NOTHING")
        .bind(candidate)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let secret = sqlx::query_scalar("SELECT value FROM server_settings WHERE key = 'secret'")
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(secret)
}

/// The advisory lock every admission holds while it checks and counts ("attempts"
/// in ASCII), so that no other instance counts an attempt in between. Admissions
/// are short and rare (log-ins, sign-ups), so one lock for all of them is enough.
const ATTEMPTS_LOCK: i64 = 0x6174_7465_6d70_7473;

pub(super) async fn admit_attempt(pool: &PgPool, limits: &[Limit], now: Timestamp) -> Result<Admission> {
    let mut tx = pool.begin().await.map_err(db)?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(ATTEMPTS_LOCK).execute(&mut *tx).await.map_err(db)?;
    let mut waits = Vec::with_capacity(limits.len());
    for limit in limits {
        let (count, oldest, latest): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT count(*), min(at_ns), max(at_ns) FROM login_failures WHERE subject = $1 AND at_ns >= $2",
        )
        .bind(&limit.subject)
        .bind(to_ns(limit.rule.since(now))?)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        let counted = Counted {
            count: usize::try_from(count).unwrap_or(0),
            oldest: oldest.map(from_ns).transpose()?,
            latest: latest.map(from_ns).transpose()?,
        };
        waits.push(limit.rule.wait_until(counted, now));
    }
    let admission = decide(waits);
    if admission != Admission::Admitted {
        return Ok(admission);
    }
    let ns = to_ns(now)?;
    let subjects: Vec<&str> = limits.iter().map(|l| l.subject.as_str()).collect();
    sqlx::query(
        "INSERT INTO login_failures (subject, at_ns) SELECT subject, $2 FROM UNNEST($1::text[]) AS t (subject)",
    )
    .bind(&subjects)
    .bind(ns)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    // Keep the table small: no rule looks back further than a day.
    sqlx::query("DELETE FROM login_failures WHERE at_ns < $1")
        .bind(ns.saturating_sub(KEPT_NS))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(Admission::Admitted)
}

pub(super) async fn forget_attempt(pool: &PgPool, subject: &str, at: Timestamp) -> Result<()> {
    sqlx::query(
        "DELETE FROM login_failures WHERE id = (SELECT id FROM login_failures WHERE subject = $1 AND at_ns = $2 LIMIT 1)",
    )
    .bind(subject)
    .bind(to_ns(at)?)
    .execute(pool)
    .await
    .map_err(db)?;
    Ok(())
}

pub(super) async fn clear_attempts(pool: &PgPool, subject: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE subject = $1").bind(subject).execute(pool).await.map_err(db)?;
    Ok(())
}
