//! Check-in: how the back feels, 0–10, for a session (before, during, 1 h or 24 h
//! after) or on its own ("how is your back today?").

use crate::auth::Lifter;
use crate::csrf::{CsrfToken, Form};
use crate::error::PageError;
use crate::pages::log::{pain_scale, problem_list};
use crate::pages::today::point_words;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use maud::{Markup, html};
use pullback_app::planning::{Owed, owed};
use pullback_core::{Pain, Point, Side};
use pullback_store::{At, ClientId, NewCheckin, SessionEntry, SessionId, Store, UserId};
use serde::Deserialize;

/// How many recent sessions are searched for owed check-ins (they are owed for 72 h only).
const RECENT_SESSIONS: usize = 10;

/// What a check-in is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    Standalone,
    Session { id: SessionId, point: Point, at: At },
}

/// The page's query and the form's hidden fields: which session and point, if any.
#[derive(Debug, Default, Deserialize)]
pub struct About {
    #[serde(default)]
    session: Option<String>,
    #[serde(default)]
    point: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CheckinForm {
    #[serde(default)]
    pain: String,
    #[serde(default)]
    side: String,
    #[serde(default)]
    bottom_only: String,
    /// Made with the form: a save sent twice (a retry, an offline sync) is stored once.
    #[serde(default)]
    client_id: String,
    #[serde(flatten)]
    about: About,
}

/// The session named by `about`, among the lifter's own; `NotFound` for anything else.
async fn subject(store: &dyn Store, user: UserId, about: &About, now: Timestamp) -> Result<Subject, PageError> {
    let Some(text) = about.session.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(Subject::Standalone);
    };
    let id = text.parse::<i64>().map(SessionId).map_err(|_| PageError::NotFound)?;
    let entry = find_session(store, user, id).await?.ok_or(PageError::NotFound)?;
    let point = match about.point.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => Point::from_id(text).ok_or_else(|| {
            PageError::BadForm(format!(
                "Point: {text:?} is not a check-in point; use before, during, after_1h or after_24h."
            ))
        })?,
        None => first_owed_point(&entry, now),
    };
    Ok(Subject::Session { id, point, at: entry.at })
}

/// A session of the lifter's, by id: recent ones first, then the whole log.
async fn find_session(store: &dyn Store, user: UserId, id: SessionId) -> Result<Option<SessionEntry>, PageError> {
    let recent = store.sessions(user, Some(RECENT_SESSIONS)).await?;
    if let Some(entry) = recent.into_iter().find(|s| s.id == id) {
        return Ok(Some(entry));
    }
    Ok(store.sessions(user, None).await?.into_iter().find(|s| s.id == id))
}

/// Without a point in the link: the first check-in the session still owes, else 1 h after.
fn first_owed_point(entry: &SessionEntry, now: Timestamp) -> Point {
    owed(std::slice::from_ref(entry), now).first().map_or(Point::After1h, |o| o.point)
}

pub async fn page(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Query(about): Query<About>,
) -> Result<Markup, PageError> {
    let now = state.now();
    let user = lifter.user.id;
    let subject = subject(state.store.as_ref(), user, &about, now).await?;
    let view = View::read(state.store.as_ref(), user, now).await?;
    let typed = Typed { client_id: hex::encode(pullback_app::secrets::random_bytes::<16>()?), ..Typed::default() };
    Ok(checkin_page(&lifter, &token, &view, subject, &typed, &[]))
}

pub async fn save(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Form(form): Form<CheckinForm>,
) -> Result<Response, PageError> {
    let now = state.now();
    let user = lifter.user.id;
    let subject = subject(state.store.as_ref(), user, &form.about, now).await?;
    let view = View::read(state.store.as_ref(), user, now).await?;
    let typed = Typed {
        pain: form.pain,
        side: form.side,
        bottom_only: !form.bottom_only.is_empty(),
        client_id: form.client_id,
    };
    let at = At::in_zone(now, &view.zone);
    match typed.checkin(subject, at) {
        Ok((checkin, None)) => {
            state.store.add_checkin(user, &checkin).await?;
            Ok(crate::pages::log::saved("checkin"))
        }
        Ok((checkin, Some(client))) => {
            state.store.add_checkin_once(user, &client, &checkin).await?;
            Ok(crate::pages::log::saved("checkin"))
        }
        Err(problems) => {
            let page = checkin_page(&lifter, &token, &view, subject, &typed, &problems);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// The answers as typed, kept for a refused form.
#[derive(Debug, Clone, Default)]
struct Typed {
    pain: String,
    side: String,
    bottom_only: bool,
    client_id: String,
}

impl Typed {
    /// The check-in to store, with the form's client id when it has one.
    fn checkin(&self, subject: Subject, at: At) -> Result<(NewCheckin, Option<ClientId>), Vec<String>> {
        let mut problems = Vec::new();
        let client = match self.client_id.trim() {
            "" => None,
            text => ClientId::parse(text).map_err(|_| problems.push("The form is damaged: reload it.".into())).ok(),
        };
        let pain = self
            .pain
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|v| Pain::parse(v).ok())
            .ok_or_else(|| problems.push("Pain: choose a number from 0 (no pain) to 10 (the worst imaginable).".into()))
            .ok();
        let side = match self.side.trim() {
            "" => None,
            text => Side::from_id(text)
                .ok_or_else(|| problems.push("Side: choose central, left, right or both, or leave it empty.".into()))
                .ok(),
        };
        let during = matches!(subject, Subject::Session { point: Point::During, .. });
        if self.bottom_only && !during {
            problems.push("Pain only at the bottom: this goes with the check-in during a session.".into());
        }
        let Some(pain) = pain.filter(|_| problems.is_empty()) else { return Err(problems) };
        let checkin = match subject {
            Subject::Standalone => NewCheckin { side, ..NewCheckin::standalone(pain, at) },
            Subject::Session { id, point, .. } => {
                NewCheckin { side, bottom_only: self.bottom_only, ..NewCheckin::of_session(id, point, pain, Some(at)) }
            }
        };
        Ok((checkin, client))
    }
}

/// What the page shows besides the form: the zone for dates and the owed check-ins.
#[derive(Debug)]
struct View {
    zone: TimeZone,
    owed: Vec<Owed>,
}

impl View {
    async fn read(store: &dyn Store, user: UserId, now: Timestamp) -> Result<View, PageError> {
        let profile = store.profile(user).await?;
        let sessions = store.sessions(user, Some(RECENT_SESSIONS)).await?;
        let owed = owed(&sessions, now).into_iter().filter(|o| o.status != "upcoming").collect();
        Ok(View { zone: profile.profile.time_zone, owed })
    }

    fn date(&self, instant: Timestamp) -> String {
        instant.to_zoned(self.zone.clone()).strftime("%a %-d %b").to_string()
    }
}

/// "How is your back 1 hour after your session of Mon 2 Mar?"
fn question(subject: Subject, view: &View) -> String {
    match subject {
        Subject::Standalone => "How is your back today?".to_owned(),
        Subject::Session { point, at, .. } => {
            let verb = if matches!(point, Point::Before | Point::During) { "was" } else { "is" };
            format!("How {verb} your back {} your session of {}?", point_words(point), view.date(at.instant))
        }
    }
}

fn checkin_page(
    lifter: &Lifter,
    token: &CsrfToken,
    view: &View,
    subject: Subject,
    typed: &Typed,
    problems: &[String],
) -> Markup {
    // On the plain Check-in tab, what is due comes first: the standalone rating
    // ("how is your back today?") is for days without a session to rate.
    let due_first = subject == Subject::Standalone && !view.owed.is_empty();
    let body = html! {
        @if due_first {
            h1 { "Check-ins due" }
            (owed_list(view, subject))
            h2 { "Or: " (question(subject, view)) }
        } @else {
            h1 { (question(subject, view)) }
        }
        (problem_list(problems))
        form.stack method="post" action="/checkin" data-offline="checkin" {
            (csrf_field(token))
            input type="hidden" name="client_id" value=(typed.client_id) data-client-id;
            @if let Subject::Session { id, point, .. } = subject {
                input type="hidden" name="session" value=(id);
                input type="hidden" name="point" value=(point.id());
            }
            fieldset {
                legend { "Pain, 0 to 10" }
                p.hint { "0 is no pain, 10 the worst pain you can imagine." }
                (pain_scale("pain", &typed.pain, false))
            }
            fieldset.choice {
                legend { "Where (optional)" }
                @for side in Side::ALL {
                    label { input type="radio" name="side" value=(side.id()) checked[typed.side == side.id()];
                        " " (side_words(side)) }
                }
            }
            @if matches!(subject, Subject::Session { point: Point::During, .. }) {
                label.check {
                    input type="checkbox" name="bottom_only" value="on" checked[typed.bottom_only];
                    span { "It hurt only at the bottom of the lift" }
                }
            }
            button type="submit" { "Save check-in" }
        }
        @if !due_first && !others_owed(view, subject).is_empty() {
            section.due aria-label="Check-ins due" { h2 { "Also due" } (owed_list(view, subject)) }
        }
        p.links {
            @if subject != Subject::Standalone { a href="/checkin" { "Rate your back today instead" } " · " }
            a href="/screening" { "Red-flag screening" }
        }
    };
    app_page("Check-in", &lifter.user, token, Nav::Checkin, body)
}

/// When the session of an owed check-in was: its due time less the point's offset.
fn session_time(owed: &Owed) -> Timestamp {
    owed.due.checked_sub(owed.point.default_offset()).unwrap_or(owed.due)
}

pub fn side_words(side: Side) -> &'static str {
    match side {
        Side::Central => "In the middle",
        Side::Left => "Left",
        Side::Right => "Right",
        Side::Both => "Both sides",
    }
}

/// The check-ins still owed, except the one on this page.
fn others_owed(view: &View, subject: Subject) -> Vec<&Owed> {
    view.owed
        .iter()
        .filter(|o| !matches!(subject, Subject::Session { id, point, .. } if id.0 == o.session && point == o.point))
        .collect()
}

/// Links to the owed check-ins, each naming its session.
fn owed_list(view: &View, subject: Subject) -> Markup {
    html! {
        ul.plain.owed {
            @for o in others_owed(view, subject) {
                li {
                    a.button href=(format!("/checkin?session={}&point={}", o.session, o.point.id())) {
                        "Rate your back " (point_words(o.point)) " your session of "
                        (view.date(session_time(o)))
                        @if o.status == "overdue" { " (overdue)" }
                    }
                }
            }
        }
    }
}
