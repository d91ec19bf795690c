//! Reminders on PostgreSQL: choices, secret feed links, push subscriptions and the
//! claim of each reminder (see [`crate::reminders`]).

use super::read::require_user;
use super::write::lock_user;
use super::{PostgresStore, db};
use crate::codec::{from_ns, to_ns};
use crate::error::{Result, StoreError};
use crate::model::{Digest, UserId};
use crate::reminders::{FeedKind, PushSubscription, QuietHours, ReminderSettings, Reminders};
use async_trait::async_trait;
use jiff::Timestamp;
use pullback_core::Point;

#[async_trait]
impl Reminders for PostgresStore {
    async fn reminder_settings(&self, user: UserId) -> Result<ReminderSettings> {
        let mut c = self.pool.acquire().await.map_err(db)?;
        require_user(&mut c, user).await?;
        let row: Option<(bool, bool, i64, i64)> = sqlx::query_as(
            "SELECT after_1h, after_24h, quiet_start, quiet_end FROM reminder_settings WHERE user_id = $1",
        )
        .bind(user.0)
        .fetch_optional(&mut *c)
        .await
        .map_err(db)?;
        let Some((after_1h, after_24h, start, end)) = row else { return Ok(ReminderSettings::default()) };
        let minute = |m: i64| u16::try_from(m).unwrap_or(u16::MAX);
        let quiet = QuietHours::new(minute(start), minute(end))
            .map_err(|e| StoreError::Corrupt(format!("reminder settings: {e}")))?;
        Ok(ReminderSettings { after_1h, after_24h, quiet })
    }

    async fn set_reminder_settings(&self, user: UserId, settings: &ReminderSettings) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        lock_user(&mut tx, user).await?;
        sqlx::query(
            "INSERT INTO reminder_settings (user_id, after_1h, after_24h, quiet_start, quiet_end)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_id) DO UPDATE SET after_1h = excluded.after_1h, after_24h = excluded.after_24h,
                 quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end",
        )
        .bind(user.0)
        .bind(settings.after_1h)
        .bind(settings.after_24h)
        .bind(i64::from(settings.quiet.start()))
        .bind(i64::from(settings.quiet.end()))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn replace_feed_link(
        &self,
        user: UserId,
        kind: FeedKind,
        secret_hash: &Digest,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        // Two replacements at once take turns on the user's row.
        lock_user(&mut tx, user).await?;
        sqlx::query("DELETE FROM feed_links WHERE user_id = $1 AND kind = $2")
            .bind(user.0)
            .bind(kind.id())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query("INSERT INTO feed_links (secret_hash, user_id, kind, created_ns) VALUES ($1, $2, $3, $4)")
            .bind(&secret_hash[..])
            .bind(user.0)
            .bind(kind.id())
            .bind(to_ns(now)?)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn feed_link(&self, user: UserId, kind: FeedKind) -> Result<Option<Timestamp>> {
        sqlx::query_scalar::<_, i64>("SELECT created_ns FROM feed_links WHERE user_id = $1 AND kind = $2")
            .bind(user.0)
            .bind(kind.id())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .map(from_ns)
            .transpose()
    }

    async fn revoke_feed_link(&self, user: UserId, kind: FeedKind) -> Result<()> {
        sqlx::query("DELETE FROM feed_links WHERE user_id = $1 AND kind = $2")
            .bind(user.0)
            .bind(kind.id())
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn feed_owner(&self, kind: FeedKind, secret_hash: &Digest) -> Result<Option<UserId>> {
        let id: Option<i64> = sqlx::query_scalar("SELECT user_id FROM feed_links WHERE secret_hash = $1 AND kind = $2")
            .bind(&secret_hash[..])
            .bind(kind.id())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(id.map(UserId))
    }

    async fn add_push_subscription(&self, subscription: &PushSubscription, now: Timestamp) -> Result<()> {
        crate::reminders::check_endpoint(&subscription.endpoint)?;
        let mut tx = self.pool.begin().await.map_err(db)?;
        require_user(&mut tx, subscription.user).await?;
        sqlx::query(
            "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_ns) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh,
                 auth = excluded.auth, created_ns = excluded.created_ns",
        )
        .bind(subscription.user.0)
        .bind(&subscription.endpoint)
        .bind(&subscription.p256dh)
        .bind(&subscription.auth)
        .bind(to_ns(now)?)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn delete_push_subscription(&self, user: UserId, endpoint: &str) -> Result<()> {
        sqlx::query("DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2")
            .bind(user.0)
            .bind(endpoint)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn forget_push_endpoint(&self, endpoint: &str) -> Result<()> {
        sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1")
            .bind(endpoint)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn push_subscriptions(&self, user: UserId) -> Result<Vec<PushSubscription>> {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = $1 ORDER BY id")
                .bind(user.0)
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        Ok(rows.into_iter().map(|(endpoint, p256dh, auth)| PushSubscription { user, endpoint, p256dh, auth }).collect())
    }

    async fn push_users(&self) -> Result<Vec<UserId>> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT user_id FROM push_subscriptions ORDER BY user_id")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        Ok(ids.into_iter().map(UserId).collect())
    }

    /// One statement: the row goes in only for the user's own session, only while
    /// no check-in answers that point, and only once (the primary key; a second
    /// claim at the same moment waits for the first and then inserts nothing).
    async fn claim_reminder(&self, user: UserId, session: i64, point: Point, now: Timestamp) -> Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO reminders_sent (session_id, point, sent_ns)
             SELECT id, $3, $4 FROM sessions WHERE id = $2 AND user_id = $1
                 AND NOT EXISTS (SELECT 1 FROM checkins WHERE session_id = $2 AND point = $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(user.0)
        .bind(session)
        .bind(point.id())
        .bind(to_ns(now)?)
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        Ok(inserted == 1)
    }

    async fn server_value(&self, key: &str, candidate: &[u8]) -> Result<Vec<u8>> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        sqlx::query("INSERT INTO server_settings (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(key)
            .bind(candidate)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let value = sqlx::query_scalar("SELECT value FROM server_settings WHERE key = $1")
            .bind(key)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(value)
    }
}
