//! The lifter's calendar feed (`GET /calendar/{secret}.ics`, RFC 5545): one event
//! at the due time of each 1 h and 24 h check-in they still owe and want reminding
//! of, with an alarm. A phone's calendar subscribes once and refreshes it; an
//! answered check-in leaves the feed at the next refresh.
//!
//! Which check-ins are owed is [`pullback_app::planning::owed`], the one
//! definition that Today, the check-in page and `pullback due` use too.

use crate::error::PageError;
use crate::feeds;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use icalendar::{Alarm, Calendar, Component, Event, EventLike};
use jiff::{SignedDuration, Timestamp};
use pullback_app::planning::{Owed, owed};
use pullback_core::Point;
use pullback_store::{FeedKind, Store, StoreError, UserId};

/// How many recent sessions are searched for owed check-ins (owed for 72 h only).
const RECENT_SESSIONS: usize = 10;
/// How long an event lasts in the calendar: the few minutes a check-in takes.
const EVENT_LENGTH: SignedDuration = SignedDuration::from_mins(15);

/// The check-ins `user` owes at `now` (upcoming, due or overdue) that they want
/// reminding of.
pub async fn wanted_checkins(store: &dyn Store, user: UserId, now: Timestamp) -> Result<Vec<Owed>, StoreError> {
    let settings = store.reminders().reminder_settings(user).await?;
    let sessions = store.sessions(user, Some(RECENT_SESSIONS)).await?;
    Ok(owed(&sessions, now).into_iter().filter(|o| settings.wants(o.point)).collect())
}

/// `GET /calendar/{secret}.ics`.
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let user = feeds::owner(&state, FeedKind::Calendar, &file, "ics").await?;
    let now = state.now();
    let owed = wanted_checkins(state.store.as_ref(), user, now).await?;
    let body = ics(&owed, &feeds::base_url(&state, &headers), now);
    Ok(feeds::response("text/calendar; charset=utf-8", body))
}

/// The calendar: one event per owed check-in, in UTC, with a display alarm at its
/// start. UIDs are stable (session and point), so a refresh updates rather than
/// duplicates an event.
pub fn ics(owed: &[Owed], base: &str, now: Timestamp) -> String {
    let mut calendar = Calendar::new();
    calendar.name("Pullback check-ins").description("Your 1-hour and 24-hour back check-ins from Pullback.");
    for o in owed {
        calendar.push(event(o, base, now));
    }
    calendar.done().to_string()
}

fn event(o: &Owed, base: &str, now: Timestamp) -> Event {
    let what = match o.point {
        Point::After24h => "24-hour check-in",
        _ => "1-hour check-in",
    };
    let link = format!("{base}/checkin?session={}&point={}", o.session, o.point.id());
    // Plain words only: a reminder to rate, never advice or a diagnosis.
    let text = format!("Time for your {what}: rate your back in Pullback. {link}");
    let end = o.due.checked_add(EVENT_LENGTH).unwrap_or(o.due);
    Event::new()
        .uid(&format!("checkin-{}-{}@pullback", o.session, o.point.id()))
        .timestamp(utc(now))
        .starts(utc(o.due))
        .ends(utc(end))
        .summary(&format!("Pullback: {what}"))
        .description(&text)
        .url(&link)
        .alarm(Alarm::display(&text, chrono::Duration::zero()))
        .done()
}

/// A jiff instant as chrono's, which icalendar takes (whole seconds suffice).
fn utc(t: Timestamp) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.as_second(), 0).unwrap_or_default()
}
