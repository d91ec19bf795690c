//! Reminders and secret feed links (issue 18), on every backend.

use super::{join_all, pain, simple_session, ts};
use pullback_core::{Point, Units};
use pullback_store::{
    FeedKind, NewCheckin, PushSubscription, QuietHours, ReminderSettings, Store, StoreError, StoredProfile, UserId,
};

async fn two_lifters(store: &dyn Store) -> (UserId, UserId) {
    let ana = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let bo = store.create_user("bo", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    (ana, bo)
}

pub async fn reminder_settings_round_trip_per_lifter(store: &dyn Store) {
    let (ana, bo) = two_lifters(store).await;
    let r = store.reminders();
    assert_eq!(r.reminder_settings(ana).await.unwrap(), ReminderSettings::default());
    let chosen =
        ReminderSettings { after_1h: false, after_24h: true, quiet: QuietHours::new(23 * 60, 6 * 60).unwrap() };
    r.set_reminder_settings(ana, &chosen).await.unwrap();
    assert_eq!(r.reminder_settings(ana).await.unwrap(), chosen);
    assert_eq!(r.reminder_settings(bo).await.unwrap(), ReminderSettings::default(), "bo's are his own");
    let again = ReminderSettings { after_1h: true, after_24h: false, quiet: QuietHours::NONE };
    r.set_reminder_settings(ana, &again).await.unwrap();
    assert_eq!(r.reminder_settings(ana).await.unwrap(), again);
    assert!(matches!(r.reminder_settings(UserId(9999)).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(r.set_reminder_settings(UserId(9999), &again).await, Err(StoreError::NotFound { .. })));
    store.delete_user(ana).await.unwrap();
    assert!(matches!(r.reminder_settings(ana).await, Err(StoreError::NotFound { .. })));
}

pub async fn feed_links_are_replaced_and_revoked(store: &dyn Store) {
    let (ana, bo) = two_lifters(store).await;
    let r = store.reminders();
    let (first, second, bos) = ([1u8; 32], [2u8; 32], [3u8; 32]);
    assert_eq!(r.feed_link(ana, FeedKind::Calendar).await.unwrap(), None);
    r.replace_feed_link(ana, FeedKind::Calendar, &first, ts("2026-03-02T07:00:00Z")).await.unwrap();
    r.replace_feed_link(bo, FeedKind::Calendar, &bos, ts("2026-03-02T07:00:00Z")).await.unwrap();
    assert_eq!(r.feed_owner(FeedKind::Calendar, &first).await.unwrap(), Some(ana));
    assert_eq!(r.feed_owner(FeedKind::Digest, &first).await.unwrap(), None, "a calendar secret opens no digest");
    assert_eq!(r.feed_link(ana, FeedKind::Calendar).await.unwrap(), Some(ts("2026-03-02T07:00:00Z")));

    // A new link replaces the old one, which then opens nothing.
    r.replace_feed_link(ana, FeedKind::Calendar, &second, ts("2026-03-03T07:00:00Z")).await.unwrap();
    assert_eq!(r.feed_owner(FeedKind::Calendar, &first).await.unwrap(), None);
    assert_eq!(r.feed_owner(FeedKind::Calendar, &second).await.unwrap(), Some(ana));
    assert_eq!(r.feed_link(ana, FeedKind::Calendar).await.unwrap(), Some(ts("2026-03-03T07:00:00Z")));

    r.revoke_feed_link(ana, FeedKind::Calendar).await.unwrap();
    assert_eq!(r.feed_owner(FeedKind::Calendar, &second).await.unwrap(), None);
    assert_eq!(r.feed_link(ana, FeedKind::Calendar).await.unwrap(), None);
    assert_eq!(r.feed_owner(FeedKind::Calendar, &bos).await.unwrap(), Some(bo), "bo's link stays");
    r.revoke_feed_link(ana, FeedKind::Calendar).await.unwrap();

    // Deleting an account deletes its links (and everything else of its reminders).
    r.add_push_subscription(
        &PushSubscription { user: bo, endpoint: "https://push/x".into(), p256dh: "k".into(), auth: "a".into() },
        ts("2026-03-03T07:00:00Z"),
    )
    .await
    .unwrap();
    store.delete_user(bo).await.unwrap();
    assert_eq!(r.feed_owner(FeedKind::Calendar, &bos).await.unwrap(), None);
    assert!(r.push_users().await.unwrap().is_empty());
    assert!(matches!(
        r.replace_feed_link(UserId(9999), FeedKind::Digest, &first, ts("2026-03-03T07:00:00Z")).await,
        Err(StoreError::NotFound { .. })
    ));
}

fn subscription(user: UserId, endpoint: &str, key: &str) -> PushSubscription {
    PushSubscription { user, endpoint: endpoint.into(), p256dh: key.into(), auth: "auth".into() }
}

pub async fn push_subscriptions_belong_to_one_lifter(store: &dyn Store) {
    let (ana, bo) = two_lifters(store).await;
    let r = store.reminders();
    let now = ts("2026-03-02T07:00:00Z");
    assert!(r.push_users().await.unwrap().is_empty());
    r.add_push_subscription(&subscription(ana, "http://push/a", "k1"), now).await.unwrap();
    r.add_push_subscription(&subscription(ana, "http://push/b", "k2"), now).await.unwrap();
    r.add_push_subscription(&subscription(bo, "http://push/c", "k3"), now).await.unwrap();
    assert_eq!(r.push_subscriptions(ana).await.unwrap().len(), 2);
    assert_eq!(r.push_users().await.unwrap(), vec![ana, bo]);

    // The same browser subscribed by bo moves to him with its new keys.
    r.add_push_subscription(&subscription(bo, "http://push/b", "k4"), now).await.unwrap();
    assert_eq!(r.push_subscriptions(ana).await.unwrap(), vec![subscription(ana, "http://push/a", "k1")]);
    assert_eq!(r.push_subscriptions(bo).await.unwrap().len(), 2);

    // Ana cannot remove bo's; the push service's "gone" removes any.
    r.delete_push_subscription(ana, "http://push/c").await.unwrap();
    assert_eq!(r.push_subscriptions(bo).await.unwrap().len(), 2);
    r.delete_push_subscription(ana, "http://push/a").await.unwrap();
    assert!(r.push_subscriptions(ana).await.unwrap().is_empty());
    r.forget_push_endpoint("http://push/c").await.unwrap();
    assert_eq!(r.push_subscriptions(bo).await.unwrap(), vec![subscription(bo, "http://push/b", "k4")]);
    assert_eq!(r.push_users().await.unwrap(), vec![bo]);

    let Err(StoreError::Invalid(why)) = r.add_push_subscription(&subscription(bo, "", "k"), now).await else {
        panic!("an empty endpoint was stored")
    };
    assert!(why.starts_with("endpoint"), "{why}");
    let long = format!("http://push/{}", "x".repeat(2048));
    assert!(matches!(r.add_push_subscription(&subscription(bo, &long, "k"), now).await, Err(StoreError::Invalid(_))));
}

pub async fn a_reminder_is_claimed_once_and_never_when_answered(store: &dyn Store) {
    let (ana, bo) = two_lifters(store).await;
    let r = store.reminders();
    let session = store.add_session(ana, &simple_session("2026-03-02T07:00:00Z", 1)).await.unwrap();
    let now = ts("2026-03-02T08:01:00Z");
    assert!(!r.claim_reminder(bo, session.0, Point::After1h, now).await.unwrap(), "not bo's session");
    assert!(r.claim_reminder(ana, session.0, Point::After1h, now).await.unwrap());
    assert!(!r.claim_reminder(ana, session.0, Point::After1h, now).await.unwrap(), "claimed twice");

    // Claims made together: exactly one wins.
    let claims = (0..8).map(|_| r.claim_reminder(ana, session.0, Point::After24h, now));
    let won = join_all(claims).await.into_iter().filter(|won| *won.as_ref().unwrap()).count();
    assert_eq!(won, 1);

    // An answered check-in is never claimed.
    let later = store.add_session(ana, &simple_session("2026-03-03T07:00:00Z", 1)).await.unwrap();
    store.add_checkin(ana, &NewCheckin::of_session(later, Point::After1h, pain(2), None)).await.unwrap();
    assert!(!r.claim_reminder(ana, later.0, Point::After1h, now).await.unwrap());
    assert!(r.claim_reminder(ana, later.0, Point::After24h, now).await.unwrap());
}

pub async fn a_server_value_is_made_once(store: &dyn Store) {
    let r = store.reminders();
    let first = r.server_value("vapid", b"first").await.unwrap();
    assert_eq!(first, b"first");
    assert_eq!(r.server_value("vapid", b"second").await.unwrap(), b"first");
    assert_eq!(r.server_value("other", b"x").await.unwrap(), b"x");
}
