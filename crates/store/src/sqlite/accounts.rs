//! Accounts: passwords, web sessions, API tokens, the shared server secret and
//! attempts of guarded actions (log-ins, sign-ups) for their rate limits.

use super::read::{to_user, user_row};
use super::write::{db, require_user};
use crate::codec::{from_ns, to_ns};
use crate::error::{Result, StoreError};
use crate::model::{ApiToken, Caller, Credentials, Digest, Revision, TokenId, Tokens, UserId};
use crate::throttle::{Admission, Counted, Limit, decide};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

pub(super) fn set_password(c: &mut Connection, user: UserId, hash: &str, tokens: Tokens) -> Result<()> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    require_user(&tx, user)?;
    tx.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![user.0, hash]).map_err(db)?;
    // A new password signs every browser out.
    tx.execute("DELETE FROM web_sessions WHERE user_id = ?1", [user.0]).map_err(db)?;
    if tokens == Tokens::Revoke {
        tx.execute("DELETE FROM api_tokens WHERE user_id = ?1", [user.0]).map_err(db)?;
    }
    tx.commit().map_err(db)
}

pub(super) fn credentials(c: &mut Connection, name: &str) -> Result<Option<Credentials>> {
    c.prepare_cached(
        "SELECT id, name, created_at, clinician, password_hash FROM users WHERE name IN (?1, ?2)
         ORDER BY name = ?1 DESC LIMIT 1",
    )
    .and_then(|mut s| {
        s.query_row(crate::codec::lookup_names(name), |r| {
            Ok((super::read::user_row(r)?, r.get::<_, Option<String>>(4)?))
        })
        .optional()
    })
    .map_err(db)?
    .map(|(row, password_hash)| Ok(Credentials { user: super::read::to_user(row)?, password_hash }))
    .transpose()
}

pub(super) fn create_web_session(c: &mut Connection, user: UserId, id: &Digest, expires: Timestamp) -> Result<()> {
    let (now, expires) = (to_ns(Timestamp::now())?, to_ns(expires)?);
    c.prepare_cached("INSERT INTO web_sessions (id_hash, user_id, created_ns, expires_ns) VALUES (?1, ?2, ?3, ?4)")
        .and_then(|mut s| s.execute(params![id, user.0, now, expires]))
        .map_err(db)?;
    Ok(())
}

pub(super) fn web_session(c: &mut Connection, id: &Digest, now: Timestamp) -> Result<Option<Caller>> {
    let now = to_ns(now)?;
    c.prepare_cached(
        "SELECT u.id, u.name, u.created_at, u.clinician, u.revision
         FROM web_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?1 AND s.expires_ns > ?2",
    )
    .and_then(|mut s| s.query_row(params![id, now], caller_row).optional())
    .map_err(db)?
    .map(to_caller)
    .transpose()
}

/// A user's columns (as [`user_row`] reads them) and then their revision.
fn caller_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<((i64, String, String, bool), i64)> {
    Ok((user_row(r)?, r.get(4)?))
}

fn to_caller((user, revision): ((i64, String, String, bool), i64)) -> Result<Caller> {
    Ok(Caller { user: to_user(user)?, revision: Revision(revision) })
}

pub(super) fn delete_web_session(c: &mut Connection, id: &Digest) -> Result<()> {
    c.prepare_cached("DELETE FROM web_sessions WHERE id_hash = ?1").and_then(|mut s| s.execute([id])).map_err(db)?;
    Ok(())
}

pub(super) fn delete_expired_web_sessions(c: &mut Connection, now: Timestamp) -> Result<usize> {
    c.execute("DELETE FROM web_sessions WHERE expires_ns <= ?1", [to_ns(now)?]).map_err(db)
}

pub(super) fn create_api_token(c: &mut Connection, user: UserId, name: &str, hash: &Digest) -> Result<TokenId> {
    let name = crate::codec::check_token_name(name)?;
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    require_user(&tx, user)?;
    tx.execute(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![user.0, name, hash, Timestamp::now().to_string()],
    )
    .map_err(db)?;
    let id = TokenId(tx.last_insert_rowid());
    tx.commit().map_err(db)?;
    Ok(id)
}

pub(super) fn api_tokens(c: &mut Connection, user: UserId) -> Result<Vec<ApiToken>> {
    let mut s =
        c.prepare_cached("SELECT id, name, created_at FROM api_tokens WHERE user_id = ?1 ORDER BY id").map_err(db)?;
    let rows = s
        .query_map([user.0], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .map_err(db)?;
    rows.map(|row| {
        let (id, name, created_at) = row.map_err(db)?;
        let created_at = created_at.parse().map_err(|e| StoreError::Corrupt(format!("api_tokens.created_at: {e}")))?;
        Ok(ApiToken { id: TokenId(id), name, created_at })
    })
    .collect()
}

pub(super) fn api_token_user(c: &mut Connection, hash: &Digest) -> Result<Option<Caller>> {
    c.prepare_cached(
        "SELECT u.id, u.name, u.created_at, u.clinician, u.revision
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1",
    )
    .and_then(|mut s| s.query_row([hash], caller_row).optional())
    .map_err(db)?
    .map(to_caller)
    .transpose()
}

pub(super) fn delete_api_token(c: &mut Connection, user: UserId, token: TokenId) -> Result<()> {
    let deleted =
        c.execute("DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2", params![token.0, user.0]).map_err(db)?;
    if deleted == 0 {
        return Err(StoreError::not_found("token", token));
    }
    Ok(())
}

pub(super) fn server_secret(c: &mut Connection, candidate: &[u8]) -> Result<Vec<u8>> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    tx.execute("INSERT INTO server_settings (key, value) VALUES ('secret', ?1) ON CONFLICT DO NOTHING", [candidate])
        .map_err(db)?;
    let secret =
        tx.query_row("SELECT value FROM server_settings WHERE key = 'secret'", [], |r| r.get(0)).map_err(db)?;
    tx.commit().map_err(db)?;
    Ok(secret)
}

/// Checks and counts in one `BEGIN IMMEDIATE` transaction: writers take turns, so
/// no other attempt is counted between this one's check and its count.
pub(super) fn admit_attempt(c: &mut Connection, limits: &[Limit], now: Timestamp) -> Result<Admission> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    let mut waits = Vec::with_capacity(limits.len());
    for limit in limits {
        let since = to_ns(limit.rule.since(now))?;
        let (count, oldest, latest): (i64, Option<i64>, Option<i64>) = tx
            .prepare_cached(
                "SELECT count(*), min(at_ns), max(at_ns) FROM login_failures WHERE subject = ?1 AND at_ns >= ?2",
            )
            .and_then(|mut s| s.query_row(params![limit.subject, since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))))
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
    for limit in limits {
        tx.prepare_cached("INSERT INTO login_failures (subject, at_ns) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![limit.subject, ns]))
            .map_err(db)?;
    }
    // Keep the table small: no rule looks back further than a day.
    tx.prepare_cached("DELETE FROM login_failures WHERE at_ns < ?1")
        .and_then(|mut s| s.execute([ns.saturating_sub(KEPT_NS)]))
        .map_err(db)?;
    tx.commit().map_err(db)?;
    Ok(Admission::Admitted)
}

/// [`KEPT`](crate::throttle::KEPT) in nanoseconds.
const KEPT_NS: i64 = crate::throttle::KEPT.as_secs() * 1_000_000_000;

pub(super) fn forget_attempt(c: &mut Connection, subject: &str, at: Timestamp) -> Result<()> {
    let at = to_ns(at)?;
    c.prepare_cached(
        "DELETE FROM login_failures WHERE id = (SELECT id FROM login_failures WHERE subject = ?1 AND at_ns = ?2 LIMIT 1)",
    )
    .and_then(|mut s| s.execute(params![subject, at]))
    .map_err(db)?;
    Ok(())
}

pub(super) fn clear_attempts(c: &mut Connection, subject: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM login_failures WHERE subject = ?1")
        .and_then(|mut s| s.execute([subject]))
        .map_err(db)?;
    Ok(())
}
