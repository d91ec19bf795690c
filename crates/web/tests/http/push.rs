//! The Web Push sender (`pullback_web::push::send_due`) against a push endpoint
//! this test starts on 127.0.0.1: a due check-in is pushed exactly once, encrypted
//! for the browser and signed; never once answered; not in quiet hours but when
//! they end; and a push service's 410 removes the subscription.

use crate::reminders::session_at;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64ct::{Base64UrlUnpadded, Encoding as _};
use jiff::Timestamp;
use pullback_core::{Pain, Point, Units};
use pullback_store::{
    NewCheckin, PushSubscription, QuietHours, ReminderSettings, SqliteStore, Store, StoredProfile, UserId,
};
use pullback_web::push::{Round, Sender, Vapid, send_due};
use std::sync::{Arc, Mutex};
use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint as _;
use web_push_native::{Auth, p256};

/// One POST the push endpoint received.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    authorization: String,
    encoding: String,
    body: Vec<u8>,
}

/// A push service on 127.0.0.1:0 that records every POST; `/gone/…` answers 410.
struct PushService {
    base: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for PushService {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(
    State(received): State<Arc<Mutex<Vec<Received>>>>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let gone = path.starts_with("gone/");
    received.lock().unwrap().push(Received {
        path,
        authorization: header("authorization"),
        encoding: header("content-encoding"),
        body: body.to_vec(),
    });
    if gone { StatusCode::GONE } else { StatusCode::CREATED }
}

impl PushService {
    async fn start() -> PushService {
        let received = Arc::new(Mutex::new(Vec::new()));
        let app = axum::Router::new().route("/{*path}", axum::routing::post(record)).with_state(received.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        PushService { base, received, task }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// A browser: its key pair and auth secret, as `PushManager.subscribe` makes them.
struct Browser {
    secret: p256::SecretKey,
    auth: Auth,
}

impl Browser {
    fn new(seed: u8) -> Browser {
        Browser { secret: p256::SecretKey::from_slice(&[seed; 32]).unwrap(), auth: Auth::clone_from_slice(&[seed; 16]) }
    }

    fn subscription(&self, user: UserId, endpoint: String) -> PushSubscription {
        PushSubscription {
            user,
            endpoint,
            p256dh: Base64UrlUnpadded::encode_string(self.secret.public_key().to_encoded_point(false).as_bytes()),
            auth: Base64UrlUnpadded::encode_string(&self.auth),
        }
    }

    /// The message, decrypted as the browser would.
    fn read(&self, received: &Received) -> serde_json::Value {
        let plain = web_push_native::decrypt(received.body.clone(), &self.secret, &self.auth).unwrap();
        serde_json::from_slice(&plain).unwrap()
    }
}

struct Setup {
    store: SqliteStore,
    sender: Sender,
    service: PushService,
    lifter: UserId,
    browser: Browser,
    _dir: tempfile::TempDir,
}

/// A store with one lifter (UTC) whose browser is subscribed at `path` on a local
/// push service, and a sender.
async fn setup(path: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("pullback.db")).await.unwrap();
    let lifter = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let service = PushService::start().await;
    let browser = Browser::new(5);
    let now: Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
    store
        .reminders()
        .add_push_subscription(&browser.subscription(lifter, format!("{}{path}", service.base)), now)
        .await
        .unwrap();
    let sender = Sender::new(Vapid::load(&store).await.unwrap(), "mailto:test@example.org").unwrap();
    Setup { store, sender, service, lifter, browser, _dir: dir }
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// No quiet hours, both reminders.
async fn always(s: &Setup) {
    let settings = ReminderSettings { quiet: QuietHours::NONE, ..ReminderSettings::default() };
    s.store.reminders().set_reminder_settings(s.lifter, &settings).await.unwrap();
}

#[tokio::test]
async fn a_due_checkin_is_pushed_exactly_once_encrypted_and_signed() {
    let s = setup("/push/ana").await;
    always(&s).await;
    let session = session_at(&s.store, s.lifter, "2026-03-02T10:00:00Z").await;

    let early = send_due(&s.store, &s.sender, at("2026-03-02T10:59:00Z")).await.unwrap();
    assert_eq!(early, Round::default(), "not due yet");
    assert!(s.service.received().is_empty());

    let round = send_due(&s.store, &s.sender, at("2026-03-02T11:01:00Z")).await.unwrap();
    assert_eq!(round, Round { reminders: 1, delivered: 1, gone: 0 });
    let received = s.service.received();
    assert_eq!(received.len(), 1, "exactly one push");
    let push = &received[0];
    assert_eq!(push.path, "push/ana");
    assert_eq!(push.encoding, "aes128gcm");
    assert!(push.authorization.starts_with("vapid t="), "signed: {}", push.authorization);
    let message = s.browser.read(push);
    assert_eq!(message["url"], format!("/checkin?session={}&point=after_1h", session.0));
    let body = message["body"].as_str().unwrap();
    assert!(body.contains("1-hour check-in"), "{body}");

    // The next rounds (a minute later, or a restarted server) send nothing more.
    send_due(&s.store, &s.sender, at("2026-03-02T11:02:00Z")).await.unwrap();
    let restarted = Sender::new(Vapid::load(&s.store).await.unwrap(), "mailto:test@example.org").unwrap();
    send_due(&s.store, &restarted, at("2026-03-02T11:30:00Z")).await.unwrap();
    assert_eq!(s.service.received().len(), 1, "still one push");
}

#[tokio::test]
async fn an_answered_checkin_is_never_pushed() {
    let s = setup("/push/ana").await;
    always(&s).await;
    let session = session_at(&s.store, s.lifter, "2026-03-02T10:00:00Z").await;
    let answer = NewCheckin::of_session(session, Point::After1h, Pain::parse(2).unwrap(), None);
    s.store.add_checkin(s.lifter, &answer).await.unwrap();
    let round = send_due(&s.store, &s.sender, at("2026-03-02T11:05:00Z")).await.unwrap();
    assert_eq!(round, Round::default());
    assert!(s.service.received().is_empty(), "answered: no push");

    // Its 24 h check-in is still owed, and pushed when due.
    send_due(&s.store, &s.sender, at("2026-03-03T10:01:00Z")).await.unwrap();
    let received = s.service.received();
    assert_eq!(received.len(), 1);
    assert!(s.browser.read(&received[0])["body"].as_str().unwrap().contains("24-hour"));
}

#[tokio::test]
async fn a_checkin_due_in_quiet_hours_is_pushed_once_when_they_end() {
    let s = setup("/push/ana").await;
    // Quiet from 22:00 to 07:00 in ana's zone (UTC): the default.
    session_at(&s.store, s.lifter, "2026-03-02T21:30:00Z").await;
    for quiet in ["2026-03-02T22:31:00Z", "2026-03-03T03:00:00Z", "2026-03-03T06:59:00Z"] {
        send_due(&s.store, &s.sender, at(quiet)).await.unwrap();
    }
    assert!(s.service.received().is_empty(), "nothing in quiet hours");
    send_due(&s.store, &s.sender, at("2026-03-03T07:00:00Z")).await.unwrap();
    send_due(&s.store, &s.sender, at("2026-03-03T07:01:00Z")).await.unwrap();
    assert_eq!(s.service.received().len(), 1, "one push when the quiet hours end");
}

#[tokio::test]
async fn quiet_hours_follow_the_lifters_time_zone() {
    let s = setup("/push/ana").await;
    let mut profile = s.store.profile(s.lifter).await.unwrap();
    profile.profile.time_zone = jiff::tz::TimeZone::get("America/New_York").unwrap();
    profile.time_zone_name = "America/New_York".into();
    s.store.set_profile(s.lifter, &profile).await.unwrap();
    // 03:30 UTC is 22:30 in New York (EST): quiet there, though not in UTC.
    session_at(&s.store, s.lifter, "2026-03-03T02:30:00Z").await;
    send_due(&s.store, &s.sender, at("2026-03-03T03:31:00Z")).await.unwrap();
    assert!(s.service.received().is_empty());
    // 07:00 in New York is 12:00 UTC.
    send_due(&s.store, &s.sender, at("2026-03-03T11:59:00Z")).await.unwrap();
    assert!(s.service.received().is_empty());
    send_due(&s.store, &s.sender, at("2026-03-03T12:00:00Z")).await.unwrap();
    assert_eq!(s.service.received().len(), 1);
}

#[tokio::test]
async fn a_subscription_the_push_service_has_forgotten_is_removed() {
    let s = setup("/gone/ana").await;
    always(&s).await;
    session_at(&s.store, s.lifter, "2026-03-02T10:00:00Z").await;
    let round = send_due(&s.store, &s.sender, at("2026-03-02T11:01:00Z")).await.unwrap();
    assert_eq!(round, Round { reminders: 1, delivered: 0, gone: 1 });
    assert_eq!(s.service.received().len(), 1);
    assert!(s.store.reminders().push_subscriptions(s.lifter).await.unwrap().is_empty(), "410: removed");
    assert!(s.store.reminders().push_users().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_reminder_the_lifter_turned_off_is_not_pushed() {
    let s = setup("/push/ana").await;
    let settings = ReminderSettings { after_1h: false, after_24h: true, quiet: QuietHours::NONE };
    s.store.reminders().set_reminder_settings(s.lifter, &settings).await.unwrap();
    session_at(&s.store, s.lifter, "2026-03-02T10:00:00Z").await;
    send_due(&s.store, &s.sender, at("2026-03-02T11:01:00Z")).await.unwrap();
    assert!(s.service.received().is_empty());
}

#[tokio::test]
async fn the_vapid_key_is_made_once_and_kept() {
    let s = setup("/push/ana").await;
    let first = Vapid::load(&s.store).await.unwrap().public_key();
    let second = Vapid::load(&s.store).await.unwrap().public_key();
    assert_eq!(first, second);
    assert_eq!(Base64UrlUnpadded::decode_vec(&first).unwrap().len(), 65, "an uncompressed P-256 point");
}
