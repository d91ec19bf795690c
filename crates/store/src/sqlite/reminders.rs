//! Reminders on SQLite: choices, secret feed links, push subscriptions and the
//! claim of each reminder (see [`crate::reminders`]).

use super::SqliteStore;
use super::write::immediate;
use super::{db, require_user};
use crate::codec::{from_ns, to_ns};
use crate::error::{Result, StoreError};
use crate::model::{Digest, UserId};
use crate::reminders::{FeedKind, PushSubscription, QuietHours, ReminderSettings, Reminders};
use async_trait::async_trait;
use jiff::Timestamp;
use pullback_core::Point;
use rusqlite::{Connection, OptionalExtension, params};

#[async_trait]
impl Reminders for SqliteStore {
    async fn reminder_settings(&self, user: UserId) -> Result<ReminderSettings> {
        self.run(move |c| reminder_settings(c, user)).await
    }

    async fn set_reminder_settings(&self, user: UserId, settings: &ReminderSettings) -> Result<()> {
        let settings = *settings;
        self.run(move |c| set_reminder_settings(c, user, &settings)).await
    }

    async fn replace_feed_link(
        &self,
        user: UserId,
        kind: FeedKind,
        secret_hash: &Digest,
        now: Timestamp,
    ) -> Result<()> {
        let hash = *secret_hash;
        self.run(move |c| replace_feed_link(c, user, kind, &hash, now)).await
    }

    async fn feed_link(&self, user: UserId, kind: FeedKind) -> Result<Option<Timestamp>> {
        self.run(move |c| {
            c.prepare_cached("SELECT created_ns FROM feed_links WHERE user_id = ?1 AND kind = ?2")
                .and_then(|mut s| s.query_row(params![user.0, kind.id()], |r| r.get::<_, i64>(0)).optional())
                .map_err(db)?
                .map(from_ns)
                .transpose()
        })
        .await
    }

    async fn revoke_feed_link(&self, user: UserId, kind: FeedKind) -> Result<()> {
        self.run(move |c| {
            c.prepare_cached("DELETE FROM feed_links WHERE user_id = ?1 AND kind = ?2")
                .and_then(|mut s| s.execute(params![user.0, kind.id()]))
                .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn feed_owner(&self, kind: FeedKind, secret_hash: &Digest) -> Result<Option<UserId>> {
        let hash = *secret_hash;
        self.run(move |c| {
            c.prepare_cached("SELECT user_id FROM feed_links WHERE secret_hash = ?1 AND kind = ?2")
                .and_then(|mut s| s.query_row(params![hash, kind.id()], |r| r.get(0)).optional())
                .map_err(db)
                .map(|id| id.map(UserId))
        })
        .await
    }

    async fn add_push_subscription(&self, subscription: &PushSubscription, now: Timestamp) -> Result<()> {
        let subscription = subscription.clone();
        self.run(move |c| add_push_subscription(c, &subscription, now)).await
    }

    async fn delete_push_subscription(&self, user: UserId, endpoint: &str) -> Result<()> {
        let endpoint = endpoint.to_owned();
        self.run(move |c| {
            c.prepare_cached("DELETE FROM push_subscriptions WHERE user_id = ?1 AND endpoint = ?2")
                .and_then(|mut s| s.execute(params![user.0, endpoint]))
                .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn forget_push_endpoint(&self, endpoint: &str) -> Result<()> {
        let endpoint = endpoint.to_owned();
        self.run(move |c| {
            c.prepare_cached("DELETE FROM push_subscriptions WHERE endpoint = ?1")
                .and_then(|mut s| s.execute([endpoint]))
                .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn push_subscriptions(&self, user: UserId) -> Result<Vec<PushSubscription>> {
        self.run(move |c| {
            c.prepare_cached("SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = ?1 ORDER BY id")
                .and_then(|mut s| {
                    s.query_map([user.0], |r| {
                        Ok(PushSubscription { user, endpoint: r.get(0)?, p256dh: r.get(1)?, auth: r.get(2)? })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(db)
        })
        .await
    }

    async fn push_users(&self) -> Result<Vec<UserId>> {
        self.run(|c| {
            c.prepare_cached("SELECT DISTINCT user_id FROM push_subscriptions ORDER BY user_id")
                .and_then(|mut s| s.query_map([], |r| r.get(0).map(UserId))?.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(db)
        })
        .await
    }

    async fn claim_reminder(&self, user: UserId, session: i64, point: Point, now: Timestamp) -> Result<bool> {
        self.run(move |c| claim_reminder(c, user, session, point, now)).await
    }

    async fn server_value(&self, key: &str, candidate: &[u8]) -> Result<Vec<u8>> {
        let (key, candidate) = (key.to_owned(), candidate.to_vec());
        self.run(move |c| {
            let tx = immediate(c)?;
            tx.execute(
                "INSERT INTO server_settings (key, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![key, candidate],
            )
            .map_err(db)?;
            let value =
                tx.query_row("SELECT value FROM server_settings WHERE key = ?1", [&key], |r| r.get(0)).map_err(db)?;
            tx.commit().map_err(db)?;
            Ok(value)
        })
        .await
    }
}

fn reminder_settings(c: &mut Connection, user: UserId) -> Result<ReminderSettings> {
    require_user(c, user)?;
    let row: Option<(bool, bool, u16, u16)> = c
        .prepare_cached("SELECT after_1h, after_24h, quiet_start, quiet_end FROM reminder_settings WHERE user_id = ?1")
        .and_then(|mut s| s.query_row([user.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).optional())
        .map_err(db)?;
    let Some((after_1h, after_24h, start, end)) = row else { return Ok(ReminderSettings::default()) };
    let quiet = QuietHours::new(start, end).map_err(|e| StoreError::Corrupt(format!("reminder settings: {e}")))?;
    Ok(ReminderSettings { after_1h, after_24h, quiet })
}

fn set_reminder_settings(c: &mut Connection, user: UserId, settings: &ReminderSettings) -> Result<()> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    tx.execute(
        "INSERT INTO reminder_settings (user_id, after_1h, after_24h, quiet_start, quiet_end)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id) DO UPDATE SET after_1h = excluded.after_1h, after_24h = excluded.after_24h,
             quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end",
        params![user.0, settings.after_1h, settings.after_24h, settings.quiet.start(), settings.quiet.end()],
    )
    .map_err(db)?;
    tx.commit().map_err(db)
}

fn replace_feed_link(c: &mut Connection, user: UserId, kind: FeedKind, hash: &Digest, now: Timestamp) -> Result<()> {
    let tx = immediate(c)?;
    require_user(&tx, user)?;
    tx.execute("DELETE FROM feed_links WHERE user_id = ?1 AND kind = ?2", params![user.0, kind.id()]).map_err(db)?;
    tx.execute(
        "INSERT INTO feed_links (secret_hash, user_id, kind, created_ns) VALUES (?1, ?2, ?3, ?4)",
        params![hash, user.0, kind.id(), to_ns(now)?],
    )
    .map_err(db)?;
    tx.commit().map_err(db)
}

fn add_push_subscription(c: &mut Connection, subscription: &PushSubscription, now: Timestamp) -> Result<()> {
    crate::reminders::check_endpoint(&subscription.endpoint)?;
    let tx = immediate(c)?;
    require_user(&tx, subscription.user)?;
    tx.execute(
        "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_ns) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh,
             auth = excluded.auth, created_ns = excluded.created_ns",
        params![subscription.user.0, subscription.endpoint, subscription.p256dh, subscription.auth, to_ns(now)?],
    )
    .map_err(db)?;
    tx.commit().map_err(db)
}

/// One statement: the row goes in only for the user's own session, only while no
/// check-in answers that point, and only once (the primary key).
fn claim_reminder(c: &mut Connection, user: UserId, session: i64, point: Point, now: Timestamp) -> Result<bool> {
    let now = to_ns(now)?;
    let inserted = c
        .prepare_cached(
            "INSERT INTO reminders_sent (session_id, point, sent_ns)
             SELECT id, ?3, ?4 FROM sessions WHERE id = ?2 AND user_id = ?1
                 AND NOT EXISTS (SELECT 1 FROM checkins WHERE session_id = ?2 AND point = ?3)
             ON CONFLICT DO NOTHING",
        )
        .and_then(|mut s| s.execute(params![user.0, session, point.id(), now]))
        .map_err(db)?;
    Ok(inserted == 1)
}
