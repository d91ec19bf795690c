//! The clinician's daily digest (`/clinic/digest`, and RSS at a secret link) on the
//! demo data plus a lifter who flared this morning: red flags of the last day,
//! the new episode and overdue check-ins, nothing for steady lifters; the feed
//! parses as RSS 2.0; a revoked link or a former clinician's is a 404; another
//! clinician's digest names none of them.

use crate::reminders::session_at;
use crate::{Answer, Browser, NOW, Server};
use jiff::{SignedDuration, Timestamp};
use pullback_app::demo;
use pullback_core::{Pain, Point, Units};
use pullback_store::{NewCheckin, Store, StoredProfile};
use reqwest::StatusCode;

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

async fn sign_in(server: &Server, name: &str, password: &str) -> Browser {
    let browser = server.browser();
    let answer = browser.submit("/login", "/login", &[("name", name), ("password", password)]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "log-in of {name} failed: {}", answer.body);
    browser
}

/// The digest's lines as (kind, lifter name), from the page.
fn lines(page: &Answer) -> Vec<(String, String)> {
    let marker = "<li data-kind=\"";
    page.body
        .match_indices(marker)
        .map(|(at, _)| {
            let rest = &page.body[at + marker.len()..];
            let kind = rest.split('"').next().unwrap().to_owned();
            let name = rest.split("\">").nth(2).unwrap().split('<').next().unwrap().to_owned();
            (kind, name)
        })
        .collect()
}

fn names_of<'a>(lines: &'a [(String, String)], kind: &str) -> Vec<&'a str> {
    let mut names: Vec<&str> = lines.iter().filter(|(k, _)| k == kind).map(|(_, n)| n.as_str()).collect();
    names.sort_unstable();
    names
}

/// The demo, plus `demo-fay`, linked to demo-pt, who flared this morning.
async fn seeded() -> (Server, Browser) {
    let server = Server::start().await;
    let login = demo::seed(server.store.as_ref(), now()).await.unwrap();
    let store: &dyn Store = server.store.as_ref();
    let fay = store.create_user("demo-fay", &StoredProfile::new(Units::Kg)).await.unwrap();
    let pt = store.user_by_name(demo::CLINICIAN).await.unwrap();
    let expires = now().checked_add(SignedDuration::from_hours(24)).unwrap();
    store.create_invitation(pt.id, &[42; 32], expires).await.unwrap();
    store.accept_invitation(&fay, &[42; 32], now()).await.unwrap();
    let session = session_at(store, fay.id, "2026-03-01T21:00:00Z").await;
    for (point, pain) in [(Point::During, 6), (Point::After1h, 6)] {
        store
            .add_checkin(fay.id, &NewCheckin::of_session(session, point, Pain::parse(pain).unwrap(), None))
            .await
            .unwrap();
    }
    let browser = sign_in(&server, demo::CLINICIAN, &login.password).await;
    (server, browser)
}

#[tokio::test]
async fn the_digest_lists_who_changed_state_in_the_last_day() {
    let (_server, pt) = seeded().await;
    let page = pt.get("/clinic/digest").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let found = lines(&page);
    // Screenings 6 and 20 hours ago.
    assert_eq!(names_of(&found, "red_flag"), ["demo-dora", "demo-ivo"], "{found:?}");
    // Fay flared last night; demo-flo's episode began two days ago: no news.
    assert_eq!(names_of(&found, "episode"), ["demo-fay"], "{found:?}");
    assert!(names_of(&found, "overdue").contains(&"demo-owen"), "{found:?}");
    for steady in ["demo-flo", "demo-nora", "demo-quinn", "demo-nils"] {
        assert!(!found.iter().any(|(kind, name)| name == steady && kind != "overdue"), "{steady}: {found:?}");
    }
    assert!(page.body.contains("do not replace"), "the page says it supports, not replaces, judgement");
    assert!(pt.get("/clinic").await.body.contains("href=\"/clinic/digest\""), "the dashboard links to it");
}

/// The feed link shown once on the page.
fn feed_link(shown: &Answer) -> String {
    let start = shown.body.find("value=\"http://").unwrap() + "value=\"".len();
    shown.body[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_digest_feed_is_rss_under_a_revocable_secret_link() {
    let (server, pt) = seeded().await;
    let page = pt.get("/clinic/digest").await;
    let shown = pt.post_form("/clinic/digest/feed", &page.csrf(), &[]).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert_eq!(shown.headers["cache-control"], "no-store");
    let link = feed_link(&shown);
    assert!(link.contains("/digest/") && link.ends_with(".rss"), "{link}");

    // A feed reader has no cookies.
    let feed = crate::answer(reqwest::get(&link).await.unwrap()).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(feed.headers["content-type"], "application/rss+xml; charset=utf-8");
    assert_eq!(feed.headers["cache-control"], "private, no-store");
    let channel = rss::Channel::read_from(feed.body.as_bytes()).expect("valid RSS");
    assert!(feed.body.contains("<rss version=\"2.0\""), "RSS 2.0");
    assert!(!channel.title.is_empty() && !channel.description.is_empty() && channel.link.ends_with("/clinic/digest"));
    let titles: Vec<&str> = channel.items.iter().filter_map(|i| i.title.as_deref()).collect();
    assert_eq!(channel.items.len(), lines(&page).len(), "the same lines as the page");
    assert!(titles.iter().any(|t| t.starts_with("demo-ivo: Red flag")), "{titles:?}");
    assert!(channel.items.iter().all(|i| i.guid.is_some() && i.link.is_some() && i.pub_date.is_some()));
    let guids: std::collections::BTreeSet<_> = channel.items.iter().map(|i| i.guid.clone().unwrap().value).collect();
    assert_eq!(guids.len(), channel.items.len(), "GUIDs are unique");

    let page = pt.get("/clinic/digest").await;
    assert!(page.body.contains("A feed link is active.") && !page.body.contains(".rss"));
    let revoked = pt.post_form("/clinic/digest/feed/revoke", &page.csrf(), &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(reqwest::get(&link).await.unwrap().status(), StatusCode::NOT_FOUND);

    // A new link, then the clinician loses the role: the link opens nothing.
    let page = pt.get("/clinic/digest").await;
    let shown = pt.post_form("/clinic/digest/feed", &page.csrf(), &[]).await;
    let link = feed_link(&shown);
    assert_eq!(reqwest::get(&link).await.unwrap().status(), StatusCode::OK);
    let pt_id = server.store.user_by_name(demo::CLINICIAN).await.unwrap().id;
    server.store.set_clinician(pt_id, false).await.unwrap();
    assert_eq!(reqwest::get(&link).await.unwrap().status(), StatusCode::NOT_FOUND);
    // A calendar-shaped guess at the digest is a 404 too.
    let guess = server.url(&format!("/digest/{}.rss", "0".repeat(64)));
    assert_eq!(reqwest::get(&guess).await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_clinicians_digest_names_none_of_these_lifters() {
    let (server, _pt) = seeded().await;
    let other = server.lifter("other-pt").await;
    let id = server.store.credentials("other-pt").await.unwrap().unwrap().user.id;
    server.store.set_clinician(id, true).await.unwrap();
    let page = other.get("/clinic/digest").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(lines(&page).is_empty());
    assert!(!page.body.contains("demo-"), "another clinician's digest shows no demo lifter");
    assert!(page.body.contains("No changes in the last 24 hours."));
    // A lifter has no digest.
    let lifter = server.lifter("lee").await;
    assert_eq!(lifter.get("/clinic/digest").await.status, StatusCode::NOT_FOUND);
}
