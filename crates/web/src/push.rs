//! Web Push reminders of due check-ins.
//!
//! - **Keys.** The server's VAPID key pair (P-256) is made at the first start and
//!   kept in the database ([`Vapid::load`]), like the signing secret, so that every
//!   instance signs with the same key and browsers' subscriptions survive restarts.
//! - **Messages** are encrypted for the browser (RFC 8291, `aes128gcm`) and signed
//!   (VAPID, RFC 8292) by `web-push-native`, and sent with `reqwest`. They carry
//!   plain words (which check-in, a link), never advice or a diagnosis.
//! - **The sender** ([`send_due`]) finds each lifter's due check-ins, with the same
//!   definition as Today ([`crate::calendar::wanted_checkins`]), outside the
//!   lifter's quiet hours, and sends each **at most once**: it first claims the
//!   reminder in the store, which records it as sent in the same statement
//!   (`Reminders::claim_reminder`), and sends only if the claim was its own. Two
//!   servers, or a restart in the middle, never send one twice; a send that fails
//!   is not tried again (a missed reminder is better than a repeated one). A
//!   check-in that is answered is never claimed. A push service that answers 404
//!   or 410 has forgotten the browser: its subscription is deleted.
//! - `pullback serve` runs [`send_due`] every minute ([`spawn_sender`]).

use crate::calendar::wanted_checkins;
use base64ct::{Base64UrlUnpadded, Encoding as _};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use pullback_app::planning::Owed;
use pullback_core::Point;
use pullback_store::{PushSubscription, Store, StoreError, UserId};
use std::sync::Arc;
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike as _, ES256KeyPair};
use web_push_native::{Auth, WebPushBuilder, p256};

/// The database key of the VAPID private key.
const VAPID_KEY: &str = "vapid_p256";
/// How often the sender looks for due reminders.
pub const SEND_EVERY: std::time::Duration = std::time::Duration::from_secs(60);
/// How long a push service may take to answer.
const PUSH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The contact in the VAPID signature when none is configured (`--push-contact`).
pub const DEFAULT_CONTACT: &str = "mailto:admin@pullback.invalid";

/// The server's VAPID key pair.
#[derive(Debug, Clone)]
pub struct Vapid {
    key: Arc<ES256KeyPair>,
}

impl Vapid {
    /// The stored key pair, or (on the very first start) a new one, stored now by
    /// the first instance to ask.
    pub async fn load(store: &dyn Store) -> anyhow::Result<Vapid> {
        let candidate = ES256KeyPair::generate().to_bytes();
        let stored = store.reminders().server_value(VAPID_KEY, &candidate).await?;
        let key = ES256KeyPair::from_bytes(&stored).map_err(|e| anyhow::anyhow!("the stored VAPID key: {e}"))?;
        Ok(Vapid { key: Arc::new(key) })
    }

    /// The public key as `PushManager.subscribe` takes it (`applicationServerKey`):
    /// an uncompressed P-256 point, base64url without padding.
    pub fn public_key(&self) -> String {
        Base64UrlUnpadded::encode_string(&self.key.public_key().public_key().to_bytes_uncompressed())
    }
}

/// Reads a subscription as the browser sent it; the problem names the field.
///
/// The server will POST to the endpoint, so only what a push service looks like is
/// taken: `https://` on a public host name. An address (`https://10.0.0.7/`),
/// `localhost` or a name without a dot never is one, and would let a lifter aim the
/// server at the machines around it.
pub fn parse_subscription(user: UserId, endpoint: &str, p256dh: &str, auth: &str) -> Result<PushSubscription, String> {
    let endpoint = endpoint.trim();
    // Read as the client that sends will read it (WHATWG URLs: `0x7f.1` is an address).
    let url = reqwest::Url::parse(endpoint).map_err(|_| "endpoint: not a URL".to_owned())?;
    if url.scheme() != "https" {
        return Err("endpoint: a push service's URL starts with https://".into());
    }
    let public = url.domain().is_some_and(public_host_name);
    if !public || endpoint.parse::<axum::http::Uri>().is_err() {
        return Err("endpoint: a push service has a public host name".into());
    }
    browser_key(p256dh.trim()).map_err(|_| "p256dh: not a P-256 public key in base64url".to_owned())?;
    browser_auth(auth.trim()).map_err(|_| "auth: not a 16-byte secret in base64url".to_owned())?;
    Ok(PushSubscription {
        user,
        endpoint: endpoint.to_owned(),
        p256dh: p256dh.trim().to_owned(),
        auth: auth.trim().to_owned(),
    })
}

/// A domain name (the URL parser has already told addresses apart) with a dot,
/// and not a local-only one.
fn public_host_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let local = [".localhost", ".local", ".internal", ".home.arpa"];
    host.contains('.') && !local.iter().any(|suffix| host.ends_with(suffix))
}

fn browser_key(text: &str) -> anyhow::Result<p256::PublicKey> {
    let bytes = Base64UrlUnpadded::decode_vec(text.trim_end_matches('='))?;
    Ok(p256::PublicKey::from_sec1_bytes(&bytes)?)
}

fn browser_auth(text: &str) -> anyhow::Result<Auth> {
    let bytes = Base64UrlUnpadded::decode_vec(text.trim_end_matches('='))?;
    anyhow::ensure!(bytes.len() == 16, "{} bytes", bytes.len());
    Ok(Auth::clone_from_slice(&bytes))
}

/// What became of one push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    /// The push service no longer knows the browser (404, 410).
    Gone,
    Failed,
}

/// Sends pushes: the key pair, the contact and an HTTP client.
#[derive(Debug, Clone)]
pub struct Sender {
    vapid: Vapid,
    contact: String,
    client: reqwest::Client,
}

impl Sender {
    pub fn new(vapid: Vapid, contact: &str) -> anyhow::Result<Sender> {
        // No redirects: a push service answers itself, and a redirect could lead
        // the server to a host that parse_subscription would have refused.
        let client =
            reqwest::Client::builder().timeout(PUSH_TIMEOUT).redirect(reqwest::redirect::Policy::none()).build()?;
        Ok(Sender { vapid, contact: contact.to_owned(), client })
    }

    /// Encrypts `payload` for the browser of `subscription`, signs and sends it.
    pub async fn push(&self, subscription: &PushSubscription, payload: &[u8]) -> Delivery {
        match self.try_push(subscription, payload).await {
            Ok(status) if status.is_success() => Delivery::Delivered,
            Ok(status) if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE => {
                Delivery::Gone
            }
            Ok(status) => {
                tracing::warn!(%status, "a push service refused a reminder");
                Delivery::Failed
            }
            Err(e) => {
                tracing::warn!(error = %e, "sending a reminder failed");
                Delivery::Failed
            }
        }
    }

    async fn try_push(&self, subscription: &PushSubscription, payload: &[u8]) -> anyhow::Result<reqwest::StatusCode> {
        let request = WebPushBuilder::new(
            subscription.endpoint.parse()?,
            browser_key(&subscription.p256dh)?,
            browser_auth(&subscription.auth)?,
        )
        .with_vapid(&self.vapid.key, &self.contact)
        .build(payload.to_vec())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let request = reqwest::Request::try_from(request)?;
        Ok(self.client.execute(request).await?.status())
    }
}

/// What one round of [`send_due`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Reminders claimed (each sent to every device of its lifter).
    pub reminders: usize,
    /// Pushes the push services took.
    pub delivered: usize,
    /// Subscriptions deleted because their push service had forgotten them.
    pub gone: usize,
}

/// Sends every reminder due at `now` that no one sent before: one round of the
/// sender. Lifters in their quiet hours are left for a later round (the first
/// after the quiet hours, while the check-in is still due). A lifter's failure is
/// logged and does not stop the others'.
pub async fn send_due(store: &dyn Store, sender: &Sender, now: Timestamp) -> Result<Round, StoreError> {
    let mut round = Round::default();
    for user in store.reminders().push_users().await? {
        match remind(store, sender, user, now, &mut round).await {
            Ok(()) | Err(StoreError::NotFound { .. }) => {}
            Err(e) => tracing::warn!(error = %e, user = %user, "reminding a lifter failed"),
        }
    }
    Ok(round)
}

async fn remind(
    store: &dyn Store,
    sender: &Sender,
    user: UserId,
    now: Timestamp,
    round: &mut Round,
) -> Result<(), StoreError> {
    let settings = store.reminders().reminder_settings(user).await?;
    let zone = store.profile(user).await?.profile.time_zone;
    if settings.quiet.contains(minute_of_day(now, &zone)) {
        return Ok(());
    }
    for owed in wanted_checkins(store, user, now).await?.into_iter().filter(|o| o.status == "due") {
        // Claimed (and recorded as sent) before sending: at most once.
        if !store.reminders().claim_reminder(user, owed.session, owed.point, now).await? {
            continue;
        }
        round.reminders += 1;
        let payload = message(&owed);
        for subscription in store.reminders().push_subscriptions(user).await? {
            match sender.push(&subscription, payload.as_bytes()).await {
                Delivery::Delivered => round.delivered += 1,
                Delivery::Gone => {
                    store.reminders().forget_push_endpoint(&subscription.endpoint).await?;
                    round.gone += 1;
                }
                Delivery::Failed => {}
            }
        }
    }
    Ok(())
}

/// Minutes after midnight at `now` in `zone`.
fn minute_of_day(now: Timestamp, zone: &TimeZone) -> u16 {
    let time = now.to_zoned(zone.clone()).time();
    u16::try_from(time.hour()).unwrap_or(0) * 60 + u16::try_from(time.minute()).unwrap_or(0)
}

/// What the notification says (the service worker shows it): which check-in, and
/// where to answer it. No advice, no diagnosis.
pub fn message(owed: &Owed) -> String {
    let body = match owed.point {
        Point::After24h => "Time for your 24-hour check-in: how is your back?",
        _ => "Time for your 1-hour check-in: how is your back?",
    };
    serde_json::json!({
        "title": "Pullback check-in",
        "body": body,
        "url": format!("/checkin?session={}&point={}", owed.session, owed.point.id()),
        "tag": format!("checkin-{}-{}", owed.session, owed.point.id()),
    })
    .to_string()
}

/// Runs [`send_due`] every [`SEND_EVERY`] on a task that ends when the app's store
/// is dropped (the server has shut down). `fixed_now` is the app's fixed "now"
/// (`PULLBACK_NOW`), if any.
pub fn spawn_sender(store: &Arc<dyn Store>, vapid: Vapid, contact: String, fixed_now: Option<Timestamp>) {
    let store = Arc::downgrade(store);
    tokio::spawn(async move {
        let mut sender = None;
        let mut tick = tokio::time::interval(SEND_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(store) = store.upgrade() else { return };
            if sender.is_none() {
                // Only the HTTP client can fail here (no TLS roots, say): the app
                // serves on, and the sender tries again next minute.
                sender = match Sender::new(vapid.clone(), &contact) {
                    Ok(made) => Some(made),
                    Err(e) => {
                        tracing::warn!(error = %e, "the push sender could not start; trying again next minute");
                        continue;
                    }
                };
            }
            let Some(sender) = &sender else { continue };
            match send_due(store.as_ref(), sender, fixed_now.unwrap_or_else(Timestamp::now)).await {
                Ok(round) if round == Round::default() => {}
                Ok(round) => tracing::info!(?round, "sent check-in reminders"),
                Err(e) => tracing::warn!(error = %e, "sending check-in reminders failed"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_names_its_bad_field() {
        let key = Base64UrlUnpadded::encode_string(
            &ES256KeyPair::generate().public_key().public_key().to_bytes_uncompressed(),
        );
        let auth = Base64UrlUnpadded::encode_string(&[7u8; 16]);
        let user = UserId(1);
        assert!(parse_subscription(user, "https://push.example/abc", &key, &auth).is_ok());
        let problem = |e: &str, k: &str, a: &str| parse_subscription(user, e, k, a).err().unwrap_or_default();
        assert!(problem("http://push.example/abc", &key, &auth).starts_with("endpoint"));
        assert!(problem("not a url", &key, &auth).starts_with("endpoint"));
        for internal in [
            "https://10.0.0.7/push",
            "https://127.0.0.1:8080/push",
            "https://[::1]/push",
            "https://localhost/push",
            "https://printer.local/push",
            "https://metadata/push",
            "https://db.internal/x",
            "https://0x7f.0.0.1/push",
            "https://2130706433/push",
            "https://127.1/push",
        ] {
            assert!(problem(internal, &key, &auth).starts_with("endpoint"), "{internal} was taken");
        }
        for service in ["https://fcm.googleapis.com/fcm/send/abc", "https://web.push.apple.com/QGx"] {
            assert!(parse_subscription(user, service, &key, &auth).is_ok(), "{service}");
        }
        assert!(problem("https://push.example/abc", "AAAA", &auth).starts_with("p256dh"));
        assert!(problem("https://push.example/abc", &key, "AAAA").starts_with("auth"));
    }

    #[test]
    fn quiet_hours_are_read_in_the_lifters_zone() {
        let now: Timestamp = "2026-03-02T21:30:00Z".parse().unwrap_or_default();
        assert_eq!(minute_of_day(now, &TimeZone::UTC), 21 * 60 + 30);
        let oslo = TimeZone::get("Europe/Oslo").unwrap_or(TimeZone::UTC);
        assert_eq!(minute_of_day(now, &oslo), 22 * 60 + 30);
    }
}
