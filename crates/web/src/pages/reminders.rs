//! Settings → Reminders (`/settings/reminders`): which check-ins to be reminded of
//! (1 h, 24 h), quiet hours in the lifter's time zone, the secret calendar link
//! (made, shown once, revoked), and Web Push on this device.

use crate::auth::Lifter;
use crate::csrf::{CsrfToken, Form, NoFields};
use crate::error::PageError;
use crate::feeds;
use crate::pages::{Nav, app_page, csrf_field};
use crate::push::parse_subscription;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use maud::{Markup, html};
use pullback_store::{FeedKind, QuietHours, ReminderSettings};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    #[serde(default)]
    done: Option<String>,
}

impl Notice {
    fn text(&self) -> Option<&'static str> {
        match self.done.as_deref()? {
            "saved" => Some("Your reminder choices are saved."),
            "revoked" => Some("The calendar link is revoked: it no longer opens your check-ins."),
            "push-on" => Some("Notifications are on for this device."),
            "push-off" => Some("Notifications are off for this device."),
            _ => None,
        }
    }
}

/// What the page shows.
struct View {
    settings: ReminderSettings,
    zone: TimeZone,
    calendar_since: Option<Timestamp>,
    push_key: String,
    devices: usize,
}

impl View {
    async fn read(state: &AppState, lifter: &Lifter) -> Result<View, PageError> {
        let user = lifter.user.id;
        let reminders = state.store.reminders();
        Ok(View {
            settings: reminders.reminder_settings(user).await?,
            zone: state.store.profile(user).await?.profile.time_zone,
            calendar_since: reminders.feed_link(user, FeedKind::Calendar).await?,
            push_key: state.vapid.public_key(),
            devices: reminders.push_subscriptions(user).await?.len(),
        })
    }
}

/// `GET /settings/reminders`.
pub async fn page(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Markup, PageError> {
    let view = View::read(&state, &lifter).await?;
    Ok(render(&lifter, &token, &view, notice.text(), None))
}

fn render(lifter: &Lifter, token: &CsrfToken, view: &View, notice: Option<&str>, problem: Option<&str>) -> Markup {
    let body = html! {
        h1 { "Reminders" }
        p { "Pullback can remind you of your 1-hour and 24-hour check-ins: in your phone's calendar, \
             as a notification from the installed app, or both." }
        @if let Some(notice) = notice { p.notice role="status" { (notice) } }
        (choices_section(token, view, problem))
        (calendar_section(token, view))
        (push_section(token, view))
        p { a href="/settings" { "Back to Settings" } }
    };
    app_page("Reminders", &lifter.user, token, Nav::Settings, body)
}

fn choices_section(token: &CsrfToken, view: &View, problem: Option<&str>) -> Markup {
    let s = &view.settings;
    html! {
        section aria-labelledby="choices-title" {
            h2 #choices-title { "Which reminders" }
            @if let Some(p) = problem { p.problem role="alert" { (p) } }
            form.stack method="post" action="/settings/reminders" {
                (csrf_field(token))
                label.check { input type="checkbox" name="after_1h" value="on" checked[s.after_1h]; " 1 hour after a session" }
                label.check { input type="checkbox" name="after_24h" value="on" checked[s.after_24h]; " 24 hours after a session" }
                fieldset {
                    legend { "Quiet hours" }
                    p.hint { "No notification comes between these times (" (view.zone.iana_name().unwrap_or("your time zone"))
                        ", from your profile); one that falls due then comes when they end. \
                        The same time twice means no quiet hours." }
                    label { "From" input type="time" name="quiet_start" value=(clock(s.quiet.start())) required; }
                    label { "Until" input type="time" name="quiet_end" value=(clock(s.quiet.end())) required; }
                }
                button type="submit" { "Save reminders" }
            }
        }
    }
}

fn calendar_section(token: &CsrfToken, view: &View) -> Markup {
    html! {
        section aria-labelledby="calendar-title" {
            h2 #calendar-title { "In your calendar" }
            p.hint { "A private link your phone's calendar subscribes to: each check-in you owe shows at its time, \
                with an alert. The link is shown once; anyone who has it sees when your check-ins are due \
                (nothing else), so revoke it if it leaks." }
            @if let Some(since) = view.calendar_since {
                p { "A calendar link made on " (since.to_zoned(view.zone.clone()).strftime("%-d %b %Y at %H:%M")) " is active." }
                form.inline method="post" action="/settings/reminders/calendar/revoke" {
                    (csrf_field(token))
                    button.secondary type="submit" { "Revoke the link" }
                }
                " "
                form.inline method="post" action="/settings/reminders/calendar" {
                    (csrf_field(token))
                    button.secondary type="submit" { "Make a new link" }
                }
            } @else {
                form method="post" action="/settings/reminders/calendar" {
                    (csrf_field(token))
                    button type="submit" { "Get a calendar link" }
                }
            }
        }
    }
}

fn push_section(token: &CsrfToken, view: &View) -> Markup {
    html! {
        section #push aria-labelledby="push-title" data-key=(view.push_key) data-csrf=(token.0) {
            h2 #push-title { "Notifications on this device" }
            p.hint { "Needs the installed app (Settings of your browser → Install, or Add to Home Screen) \
                and your permission. " (devices(view.devices)) }
            p #push-status role="status" { "Notifications need JavaScript." }
            button #push-on type="button" hidden { "Turn on notifications" }
            " "
            button.secondary #push-off type="button" hidden { "Turn off on this device" }
            script src="/assets/reminders.js" defer {}
        }
    }
}

fn devices(n: usize) -> String {
    match n {
        0 => "No device gets notifications yet.".into(),
        1 => "1 device gets notifications.".into(),
        n => format!("{n} devices get notifications."),
    }
}

/// Minutes after midnight as `HH:MM`.
fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `HH:MM` as minutes after midnight; the problem names the field.
fn minutes(field: &str, label: &str, text: &str) -> Result<u16, String> {
    let bad = || format!("{label} ({field}): {text:?} is not a time; use HH:MM, like 22:00.");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

#[derive(Debug, Deserialize)]
pub struct ChoicesForm {
    #[serde(default)]
    after_1h: Option<String>,
    #[serde(default)]
    after_24h: Option<String>,
    #[serde(default)]
    quiet_start: String,
    #[serde(default)]
    quiet_end: String,
}

impl ChoicesForm {
    fn settings(&self) -> Result<ReminderSettings, String> {
        let start = minutes("quiet_start", "Quiet hours from", &self.quiet_start)?;
        let end = minutes("quiet_end", "Quiet hours until", &self.quiet_end)?;
        let quiet = QuietHours::new(start, end).map_err(|e| e.to_string())?;
        Ok(ReminderSettings { after_1h: self.after_1h.is_some(), after_24h: self.after_24h.is_some(), quiet })
    }
}

/// `POST /settings/reminders`.
pub async fn save(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Form(form): Form<ChoicesForm>,
) -> Result<Response, PageError> {
    match form.settings() {
        Ok(settings) => {
            state.store.reminders().set_reminder_settings(lifter.user.id, &settings).await?;
            Ok(Redirect::to("/settings/reminders?done=saved").into_response())
        }
        Err(why) => {
            let view = View::read(&state, &lifter).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&lifter, &token, &view, None, Some(&why))).into_response())
        }
    }
}

/// `POST /settings/reminders/calendar`: a new link (the old one stops working),
/// shown once.
pub async fn new_calendar_link(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    headers: HeaderMap,
    Form(_): Form<NoFields>,
) -> Result<Response, PageError> {
    let (secret, digest) = feeds::new_secret()?;
    state.store.reminders().replace_feed_link(lifter.user.id, FeedKind::Calendar, &digest, state.now()).await?;
    let https = format!("{}/calendar/{secret}.ics", feeds::base_url(&state, &headers));
    let webcal = https.replacen("https://", "webcal://", 1).replacen("http://", "webcal://", 1);
    let body = html! {
        h1 { "Your calendar link" }
        p.notice role="status" { "Copy it now: it is shown only this once. Any older link no longer works." }
        p { a.button href=(webcal) { "Subscribe in this phone's calendar" } }
        label { "The link (for Google Calendar: Other calendars → From URL)"
            input.token #calendar-link readonly value=(https); }
        p.hint { "On an iPhone, the button above opens Calendar (or Settings → Calendar → Accounts → Add Account → \
            Other → Add Subscribed Calendar, and paste the link). On Android, add it in Google Calendar on the web \
            (Other calendars → From URL); the phone's calendar then shows it. Anyone with the link sees when your \
            check-ins are due; revoke it in Settings → Reminders." }
        p { a.button.secondary href="/settings/reminders" { "Back to Reminders" } }
    };
    let mut response = app_page("Your calendar link", &lifter.user, &token, Nav::Settings, body).into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `POST /settings/reminders/calendar/revoke`.
pub async fn revoke_calendar_link(
    State(state): State<AppState>,
    lifter: Lifter,
    Form(_): Form<NoFields>,
) -> Result<Response, PageError> {
    state.store.reminders().revoke_feed_link(lifter.user.id, FeedKind::Calendar).await?;
    Ok(Redirect::to("/settings/reminders?done=revoked").into_response())
}

#[derive(Debug, Deserialize)]
pub struct SubscriptionForm {
    #[serde(default)]
    endpoint: String,
    #[serde(default)]
    p256dh: String,
    #[serde(default)]
    auth: String,
}

/// `POST /settings/reminders/push`: this browser's push subscription (sent by
/// `reminders.js` after `PushManager.subscribe`).
pub async fn subscribe(
    State(state): State<AppState>,
    lifter: Lifter,
    Form(form): Form<SubscriptionForm>,
) -> Result<Response, PageError> {
    let subscription =
        parse_subscription(lifter.user.id, &form.endpoint, &form.p256dh, &form.auth).map_err(PageError::BadForm)?;
    state.store.reminders().add_push_subscription(&subscription, state.now()).await?;
    Ok(Redirect::to("/settings/reminders?done=push-on").into_response())
}

#[derive(Debug, Deserialize)]
pub struct EndpointForm {
    #[serde(default)]
    endpoint: String,
}

/// `POST /settings/reminders/push/delete`: this browser no longer takes pushes.
pub async fn unsubscribe(
    State(state): State<AppState>,
    lifter: Lifter,
    Form(form): Form<EndpointForm>,
) -> Result<Response, PageError> {
    state.store.reminders().delete_push_subscription(lifter.user.id, form.endpoint.trim()).await?;
    Ok(Redirect::to("/settings/reminders?done=push-off").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_read_as_minutes_and_bad_ones_name_their_field() {
        assert_eq!(minutes("quiet_start", "From", "22:30"), Ok(22 * 60 + 30));
        assert_eq!(minutes("quiet_start", "From", "07:00"), Ok(420));
        for bad in ["24:00", "7", "ab:cd", "12:60", ""] {
            let why = minutes("quiet_end", "Until", bad).err().unwrap_or_default();
            assert!(why.contains("quiet_end"), "{bad}: {why}");
        }
        assert_eq!(clock(7 * 60 + 5), "07:05");
    }
}
