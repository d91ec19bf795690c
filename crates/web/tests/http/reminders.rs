//! Settings → Reminders and the secret calendar feed (issue 18): the feed parses as
//! iCalendar with an alarmed event at each due check-in, follows the lifter's
//! choices, and a revoked or replaced link is a 404 that reveals nothing.

use crate::{Answer, Browser, Server};
use pullback_core::{Exercise, ExerciseId, ExerciseLog, Load, Pain, Point, Reps, Set};
use pullback_store::{NewCheckin, NewSession, SessionId, Store, UserId};
use reqwest::StatusCode;

/// Logs a deadlift session for `user` at `at` (RFC 3339) straight into the store.
pub async fn session_at(store: &dyn Store, user: UserId, at: &str) -> SessionId {
    let set = Set {
        load: Load::parse(100.into()).unwrap(),
        reps: Reps::parse(5).unwrap(),
        rpe: None,
        warmup: false,
        note: None,
    };
    let deadlift = ExerciseLog {
        exercise: ExerciseId::Known(Exercise::Deadlift),
        tempo: None,
        block_height: None,
        sets: vec![set],
        note: None,
    };
    let session = NewSession {
        at: at.parse().unwrap(),
        external_id: None,
        exercises: vec![deadlift],
        checkins: vec![],
        note: None,
    };
    store.add_session(user, &session).await.unwrap()
}

async fn user_id(server: &Server, name: &str) -> UserId {
    server.store.credentials(name).await.unwrap().unwrap().user.id
}

/// Makes a calendar link on the Reminders page and gives its https:// form.
async fn new_calendar_link(browser: &Browser) -> String {
    let page = browser.get("/settings/reminders").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let shown = browser.post_form("/settings/reminders/calendar", &page.csrf(), &[]).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert_eq!(shown.headers["cache-control"], "no-store", "a secret shown once is never cached");
    let link = link_in(&shown, "http://");
    let webcal = link_in(&shown, "webcal://");
    assert_eq!(webcal.trim_start_matches("webcal://"), link.trim_start_matches("http://"), "the same link twice");
    link
}

/// The first `/calendar/….ics` link in the page that starts with `scheme`.
fn link_in(page: &Answer, scheme: &str) -> String {
    page.body
        .match_indices(scheme)
        .map(|(i, _)| {
            let rest = &page.body[i..];
            &rest[..rest.find('"').unwrap_or(rest.len())]
        })
        .find(|link| link.contains("/calendar/") && link.ends_with(".ics"))
        .unwrap_or_else(|| panic!("no {scheme} calendar link in:\n{}", page.body))
        .to_owned()
}

/// The feed's events: (UID, DTSTART, whether it has a display alarm), parsed with
/// the `ical` crate (another implementation than the one that wrote it).
fn events(text: &str) -> Vec<(String, String, bool)> {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars.next().expect("one calendar").expect("a valid calendar");
    assert!(calendars.next().is_none(), "exactly one calendar");
    let property = |props: &[ical::property::Property], name: &str| {
        props.iter().find(|p| p.name == name).and_then(|p| p.value.clone())
    };
    assert_eq!(property(&calendar.properties, "VERSION").as_deref(), Some("2.0"));
    assert!(property(&calendar.properties, "PRODID").is_some(), "PRODID is required");
    calendar
        .events
        .iter()
        .map(|event| {
            let uid = property(&event.properties, "UID").expect("every event has a UID");
            assert!(property(&event.properties, "DTSTAMP").is_some(), "every event has a DTSTAMP");
            let start = property(&event.properties, "DTSTART").expect("every event starts");
            let summary = property(&event.properties, "SUMMARY").unwrap_or_default();
            assert!(summary.contains("check-in"), "{summary}");
            let alarmed = event.alarms.iter().any(|alarm| {
                property(&alarm.properties, "ACTION").as_deref() == Some("DISPLAY")
                    && property(&alarm.properties, "TRIGGER").is_some()
                    && property(&alarm.properties, "DESCRIPTION").is_some()
            });
            (uid, start, alarmed)
        })
        .collect()
}

#[tokio::test]
async fn the_calendar_feed_is_valid_icalendar_with_an_alarmed_event_at_each_due_checkin() {
    // Now is 2026-03-02T07:00Z.
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let id = user_id(&server, "ana").await;
    let store = server.store.as_ref();
    let today = session_at(store, id, "2026-03-02T05:30:00Z").await;
    let answered = session_at(store, id, "2026-03-01T20:00:00Z").await;
    store
        .add_checkin(id, &NewCheckin::of_session(answered, Point::After1h, Pain::parse(2).unwrap(), None))
        .await
        .unwrap();
    // Too old to be chased (72 h): no event.
    session_at(store, id, "2026-02-20T07:00:00Z").await;

    let link = new_calendar_link(&ana).await;
    let feed = crate::answer(reqwest::get(&link).await.unwrap()).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(feed.headers["content-type"], "text/calendar; charset=utf-8");
    assert_eq!(feed.headers["cache-control"], "private, no-store");
    let mut found = events(&feed.body);
    found.sort_by(|a, b| a.1.cmp(&b.1));
    let starts: Vec<&str> = found.iter().map(|e| e.1.as_str()).collect();
    // ana's 1 h and 24 h check-ins of today's session; the 24 h one of last night's
    // (its 1 h one is answered). Times in UTC.
    assert_eq!(starts, ["20260302T063000Z", "20260302T200000Z", "20260303T053000Z"]);
    assert!(found.iter().all(|e| e.2), "every event has a display alarm: {found:?}");
    let uids: std::collections::BTreeSet<&str> = found.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(uids.len(), 3, "UIDs are unique");
    assert!(uids.contains(format!("checkin-{}-after_1h@pullback", today.0).as_str()), "{uids:?}");

    // Stable: the same feed again has the same UIDs.
    let again = crate::answer(reqwest::get(&link).await.unwrap()).await;
    assert_eq!(events(&again.body).iter().map(|e| e.0.clone()).collect::<Vec<_>>().len(), 3);

    // Answering a check-in takes its event out of the feed.
    store.add_checkin(id, &NewCheckin::of_session(today, Point::After1h, Pain::parse(1).unwrap(), None)).await.unwrap();
    let after = crate::answer(reqwest::get(&link).await.unwrap()).await;
    assert_eq!(events(&after.body).len(), 2);
}

#[tokio::test]
async fn a_replaced_or_revoked_calendar_link_is_a_404_that_reveals_nothing() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let first = new_calendar_link(&ana).await;
    assert_eq!(reqwest::get(&first).await.unwrap().status(), StatusCode::OK);
    let page = ana.get("/settings/reminders").await;
    assert!(page.body.contains("is active"), "the page says a link is active");
    assert!(!page.body.contains(".ics"), "the page never shows the link again");

    let second = new_calendar_link(&ana).await;
    assert_ne!(first, second);
    let old = crate::answer(reqwest::get(&first).await.unwrap()).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND, "the old link stops at once");
    assert!(!old.body.contains("ana") && !old.body.contains("VCALENDAR"));
    assert_eq!(reqwest::get(&second).await.unwrap().status(), StatusCode::OK);

    let page = ana.get("/settings/reminders").await;
    let revoked = ana.post_form("/settings/reminders/calendar/revoke", &page.csrf(), &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let gone = crate::answer(reqwest::get(&second).await.unwrap()).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(ana.get("/settings/reminders").await.body.contains("Get a calendar link"));

    // Guesses and other shapes: the same plain 404.
    let base = server.url("/calendar/");
    for file in
        [format!("{}.ics", "0".repeat(64)), "x.ics".into(), format!("{}.ics.ics", "b".repeat(64)), "a".repeat(64)]
    {
        let got = crate::answer(reqwest::get(format!("{base}{file}")).await.unwrap()).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{file}");
        assert_eq!(got.body, old.body, "{file}: every 404 is the same");
    }
    // A revoke without its CSRF token is refused.
    let refused = ana.post_without_token("/settings/reminders/calendar", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn reminder_choices_shape_the_feed_and_a_bad_time_names_its_field() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let id = user_id(&server, "ana").await;
    session_at(server.store.as_ref(), id, "2026-03-02T05:30:00Z").await;
    let link = new_calendar_link(&ana).await;

    let fields = [("after_24h", "on"), ("quiet_start", "23:00"), ("quiet_end", "06:30")];
    let saved = ana.submit("/settings/reminders", "/settings/reminders", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = ana.get("/settings/reminders?done=saved").await;
    assert!(page.body.contains("Your reminder choices are saved."));
    assert!(page.body.contains("value=\"23:00\"") && page.body.contains("value=\"06:30\""), "{}", page.body);
    let feed = crate::answer(reqwest::get(&link).await.unwrap()).await;
    let starts: Vec<String> = events(&feed.body).into_iter().map(|e| e.1).collect();
    assert_eq!(starts, ["20260303T053000Z"], "only the 24 h check-in is wanted");

    let bad = ana
        .submit("/settings/reminders", "/settings/reminders", &[("quiet_start", "25:00"), ("quiet_end", "07:00")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("quiet_start"), "{}", bad.body);
    let kept = server.store.reminders().reminder_settings(id).await.unwrap();
    assert_eq!((kept.after_1h, kept.quiet.start()), (false, 23 * 60), "a refused form stores nothing");
}

#[tokio::test]
async fn a_push_subscription_is_taken_for_https_endpoints_only_and_removed_by_its_owner() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let id = user_id(&server, "ana").await;
    let page = ana.get("/settings/reminders").await;
    let key_start = page.body.find("data-key=\"").unwrap() + "data-key=\"".len();
    let public_key = &page.body[key_start..key_start + 87];
    assert_eq!(public_key.len(), 87, "an uncompressed P-256 point in base64url");

    let browser_key = web_push_native::p256::SecretKey::from_slice(&[9u8; 32]).unwrap().public_key();
    use base64ct::Encoding as _;
    use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint as _;
    let p256dh = base64ct::Base64UrlUnpadded::encode_string(browser_key.to_encoded_point(false).as_bytes());
    let auth = base64ct::Base64UrlUnpadded::encode_string(&[4u8; 16]);

    let plain = [("endpoint", "http://127.0.0.1:9/push"), ("p256dh", p256dh.as_str()), ("auth", auth.as_str())];
    let refused = ana.post_form("/settings/reminders/push", &page.csrf(), &plain).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("endpoint"), "{}", refused.body);
    let bad_key = [("endpoint", "https://push.example/abc"), ("p256dh", "AAAA"), ("auth", auth.as_str())];
    let refused = ana.post_form("/settings/reminders/push", &page.csrf(), &bad_key).await;
    assert!(refused.body.contains("p256dh"), "{}", refused.body);
    assert!(server.store.reminders().push_subscriptions(id).await.unwrap().is_empty(), "nothing stored");

    let good = [("endpoint", "https://push.example/abc"), ("p256dh", p256dh.as_str()), ("auth", auth.as_str())];
    let taken = ana.post_form("/settings/reminders/push", &page.csrf(), &good).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    assert_eq!(server.store.reminders().push_subscriptions(id).await.unwrap().len(), 1);
    assert!(ana.get("/settings/reminders").await.body.contains("1 device gets notifications."));

    // Bo cannot remove ana's browser; ana can.
    let bo = server.lifter("bo").await;
    let bo_page = bo.get("/settings/reminders").await;
    bo.post_form("/settings/reminders/push/delete", &bo_page.csrf(), &[("endpoint", "https://push.example/abc")]).await;
    assert_eq!(server.store.reminders().push_subscriptions(id).await.unwrap().len(), 1);
    let page = ana.get("/settings/reminders").await;
    let off = ana
        .post_form("/settings/reminders/push/delete", &page.csrf(), &[("endpoint", "https://push.example/abc")])
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert!(server.store.reminders().push_subscriptions(id).await.unwrap().is_empty());
}

#[tokio::test]
async fn settings_links_to_reminders() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    assert!(ana.get("/settings").await.body.contains("href=\"/settings/reminders\""));
    let page = ana.get("/settings/reminders").await;
    assert!(page.body.contains("does not replace"), "every page carries the safety line");
}
