//! Check-in reminders and secret feeds (issue 18): a lifter's reminder choices,
//! the secret links of calendar and digest feeds (kept by SHA-256 only), the
//! browsers that take Web Push, and the claim that sends each reminder at most
//! once. A trait of its own, reached through [`Store::reminders`](crate::Store::reminders),
//! so that the storage trait stays one list of the log's own methods.

use crate::error::{Result, StoreError};
use crate::model::{Digest, UserId};
use async_trait::async_trait;
use jiff::Timestamp;
use pullback_core::Point;

/// Minutes in a day: quiet hours are minutes after local midnight, below this.
pub const MINUTES_PER_DAY: u16 = 24 * 60;

/// Hours in which no push is sent, in the lifter's time zone: from `start` up to
/// `end` (minutes after midnight), across midnight when `end` is earlier; none
/// when they are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    start: u16,
    end: u16,
}

impl QuietHours {
    /// No quiet hours.
    pub const NONE: QuietHours = QuietHours { start: 0, end: 0 };

    /// `Invalid` (naming the field) unless both are minutes of a day.
    pub fn new(start: u16, end: u16) -> Result<QuietHours> {
        for (field, value) in [("quiet_start", start), ("quiet_end", end)] {
            if value >= MINUTES_PER_DAY {
                return Err(StoreError::Invalid(format!("{field}: {value} is not a time of day (0 to 1439 minutes)")));
            }
        }
        Ok(QuietHours { start, end })
    }

    pub fn start(self) -> u16 {
        self.start
    }

    pub fn end(self) -> u16 {
        self.end
    }

    pub fn is_none(self) -> bool {
        self.start == self.end
    }

    /// Whether `minute` (after local midnight) falls in the quiet hours.
    pub fn contains(self, minute: u16) -> bool {
        if self.start <= self.end {
            self.start <= minute && minute < self.end
        } else {
            minute >= self.start || minute < self.end
        }
    }
}

/// Which reminders a lifter gets, and when not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderSettings {
    pub after_1h: bool,
    pub after_24h: bool,
    pub quiet: QuietHours,
}

impl Default for ReminderSettings {
    /// Both reminders, quiet from 22:00 to 07:00.
    fn default() -> ReminderSettings {
        ReminderSettings { after_1h: true, after_24h: true, quiet: QuietHours { start: 22 * 60, end: 7 * 60 } }
    }
}

impl ReminderSettings {
    /// Whether the lifter wants reminding of check-ins at `point`.
    pub fn wants(&self, point: Point) -> bool {
        match point {
            Point::After1h => self.after_1h,
            Point::After24h => self.after_24h,
            _ => false,
        }
    }
}

/// What a secret feed link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// A lifter's due check-ins, as a calendar.
    Calendar,
    /// A clinician's daily digest of their caseload.
    Digest,
}

impl FeedKind {
    pub fn id(self) -> &'static str {
        match self {
            FeedKind::Calendar => "calendar",
            FeedKind::Digest => "digest",
        }
    }
}

/// A browser's push subscription, as `PushManager.subscribe` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSubscription {
    pub user: UserId,
    /// The push service's URL for this browser.
    pub endpoint: String,
    /// The browser's P-256 public key (base64url, uncompressed point).
    pub p256dh: String,
    /// The browser's authentication secret (base64url, 16 bytes).
    pub auth: String,
}

/// The reminders part of a store; both backends implement it.
#[async_trait]
pub trait Reminders: Send + Sync {
    /// The lifter's choices ([`ReminderSettings::default`] until they save some).
    async fn reminder_settings(&self, user: UserId) -> Result<ReminderSettings>;

    async fn set_reminder_settings(&self, user: UserId, settings: &ReminderSettings) -> Result<()>;

    /// Makes `secret_hash` the user's one link of `kind`, replacing (and so
    /// revoking) any older one, in one transaction.
    async fn replace_feed_link(&self, user: UserId, kind: FeedKind, secret_hash: &Digest, now: Timestamp)
    -> Result<()>;

    /// When the user's link of `kind` was made; `None` if they have none.
    async fn feed_link(&self, user: UserId, kind: FeedKind) -> Result<Option<Timestamp>>;

    /// Revokes the user's link of `kind` (nothing happens if there is none).
    async fn revoke_feed_link(&self, user: UserId, kind: FeedKind) -> Result<()>;

    /// The user whose link of `kind` has this secret.
    async fn feed_owner(&self, kind: FeedKind, secret_hash: &Digest) -> Result<Option<UserId>>;

    /// Stores a browser's subscription for `subscription.user`. An endpoint is one
    /// browser: subscribing it again (after a log-in as someone else, say) moves it
    /// to this user and its new keys. `Invalid` for an empty or over-long endpoint.
    async fn add_push_subscription(&self, subscription: &PushSubscription, now: Timestamp) -> Result<()>;

    /// Removes one of the user's subscriptions; someone else's endpoint is left alone.
    async fn delete_push_subscription(&self, user: UserId, endpoint: &str) -> Result<()>;

    /// Removes an endpoint the push service says is gone (404 or 410).
    async fn forget_push_endpoint(&self, endpoint: &str) -> Result<()>;

    /// The user's subscriptions.
    async fn push_subscriptions(&self, user: UserId) -> Result<Vec<PushSubscription>>;

    /// The users with at least one subscription, by id.
    async fn push_users(&self) -> Result<Vec<UserId>>;

    /// Claims the reminder of `session`'s check-in at `point` for sending, and
    /// records it as sent, in one transaction: `true` for the one caller that got
    /// it; `false` if it was claimed before, the check-in is answered, or the
    /// session is not the user's. The sender claims first and sends after, so a
    /// reminder is sent at most once, however many servers run the sender.
    async fn claim_reminder(&self, user: UserId, session: i64, point: Point, now: Timestamp) -> Result<bool>;

    /// A server-wide value named `key` (a key pair, say): the stored one, or
    /// `candidate`, stored now by the first instance to ask.
    async fn server_value(&self, key: &str, candidate: &[u8]) -> Result<Vec<u8>>;
}

/// `Invalid` for an endpoint the table cannot hold.
pub(crate) fn check_endpoint(endpoint: &str) -> Result<()> {
    if endpoint.is_empty() || endpoint.len() > 2048 {
        return Err(StoreError::Invalid("endpoint: a push endpoint has 1 to 2048 characters".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_may_cross_midnight() {
        let night = QuietHours::new(22 * 60, 7 * 60).unwrap_or(QuietHours::NONE);
        assert!(night.contains(23 * 60));
        assert!(night.contains(0));
        assert!(night.contains(6 * 60 + 59));
        assert!(!night.contains(7 * 60));
        assert!(!night.contains(12 * 60));
        let lunch = QuietHours::new(12 * 60, 13 * 60).unwrap_or(QuietHours::NONE);
        assert!(lunch.contains(12 * 60 + 30));
        assert!(!lunch.contains(13 * 60));
        assert!(!lunch.contains(11 * 60));
        assert!((0..MINUTES_PER_DAY).all(|m| !QuietHours::NONE.contains(m)));
    }

    #[test]
    fn a_quiet_hour_outside_the_day_names_its_field() {
        let Err(StoreError::Invalid(why)) = QuietHours::new(1440, 0) else { panic!("1440 was taken") };
        assert!(why.starts_with("quiet_start"), "{why}");
        let Err(StoreError::Invalid(why)) = QuietHours::new(0, 2000) else { panic!("2000 was taken") };
        assert!(why.starts_with("quiet_end"), "{why}");
    }
}
