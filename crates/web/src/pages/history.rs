//! History: the charts, then sessions (newest first) with their check-ins,
//! check-ins of any day, and screenings, over the last [`LIST_DAYS`] days or all.

use crate::auth::Lifter;
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::pages::charts::{self, Window};
use crate::pages::parts::capitalised;
use crate::pages::tolerance::{self, Reader};
use crate::pages::{Nav, app_page};
use crate::state::AppState;
use axum::extract::{Query, State};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use maud::{Markup, html};
use pullback_core::{ExerciseLog, Point, Profile, RedFlags, Session, Set};
use pullback_store::{SessionId, StoredHistory};
use serde::Deserialize;

/// How far back the lists reach unless all is asked for.
pub const LIST_DAYS: i64 = 60;

#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    /// `?all=1` lists everything.
    #[serde(default)]
    all: Option<String>,
}

impl HistoryQuery {
    /// Whether everything is asked for (`?all=1`), not only the last [`LIST_DAYS`] days.
    pub fn wants_all(&self) -> bool {
        self.all.as_deref().is_some_and(|v| !v.is_empty() && v != "0")
    }
}

pub async fn page(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Query(query): Query<HistoryQuery>,
) -> Result<Markup, PageError> {
    let stored = state.store.history(lifter.user.id).await?;
    let decision = state.plans.decision(state.store.as_ref(), lifter.user.id, lifter.revision, state.now()).await?;
    let listing = Listing { all: query.wants_all(), here: "/history", own: true };
    let body = html! {
        h1 { "History" }
        (tolerance::card(&decision.tolerance, &stored.history.profile, Reader::Lifter))
        (sections(&stored, state.now(), listing))
    };
    Ok(app_page("History", &lifter.user, &token, Nav::History, body))
}

/// How a history is listed: everything or the last [`LIST_DAYS`] days, the page it
/// is on (for the range links), and whether the viewer is the lifter (who is
/// offered to log a session) or their clinician.
#[derive(Debug, Clone, Copy)]
pub struct Listing<'a> {
    pub all: bool,
    pub here: &'a str,
    pub own: bool,
}

/// The History page below its title: the charts, then the lists. The clinician's
/// view of a lifter shows the same.
pub fn sections(stored: &StoredHistory, now: Timestamp, listing: Listing<'_>) -> Markup {
    let history = &stored.history;
    let zone = history.profile.time_zone.clone();
    let since = if listing.all { Timestamp::MIN } else { now.checked_sub(days(LIST_DAYS)).unwrap_or(Timestamp::MIN) };
    // The ladder over time is the engine's own per-event replay (`trace`: one
    // `Step` per session or standalone check-in, with the state after it). It is one
    // pass over the history, linear in its events: two years (420 sessions, 1,700
    // check-ins) render in about 80 ms in a debug build, where planning again at
    // every session's time would be quadratic.
    let steps = pullback_core::trace(history, now);
    let window = Window::fitted(now, zone.clone(), history).with_episodes(&steps);
    let tolerance = pullback_core::tolerance::tally(history, now);
    let flares_above = pullback_core::tolerance::estimate(&tolerance, None).estimate().map(|e| e.load);
    let figures = [
        charts::top_sets(history, &window, flares_above),
        charts::pain(history, &window),
        charts::ladder(&steps, &window),
    ];
    let sessions: Vec<(&Session, SessionId)> =
        history.sessions.iter().zip(stored.session_ids.iter().copied()).filter(|(s, _)| s.at >= since).collect();
    html! {
        section.charts aria-label="Charts" { @for f in &figures { (charts::figure(f)) } }
        (range_switch(listing, history.sessions.len()))
        (session_list(&sessions, &history.profile, &zone, listing.own))
        (standalone_checkins(stored, since, &zone, listing.own))
        (screenings(stored, since, &zone, listing.own))
        (symmetry_tests(stored, since, &zone, listing.own))
    }
}

/// A link to change or delete an entry, for the lifter's own history only.
fn change_link(own: bool, path: String) -> Markup {
    html! { @if own { " " a.change href=(path) { "Change" } } }
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn range_switch(listing: Listing<'_>, total: usize) -> Markup {
    html! {
        p.range {
            @if listing.all {
                "Everything you logged (" (total) " session" @if total != 1 { "s" } "). "
                a href=(listing.here) { "Show the last " (LIST_DAYS) " days" }
            } @else {
                "The last " (LIST_DAYS) " days. "
                a href=(format!("{}?all=1", listing.here)) { "Show all (" (total) " session" @if total != 1 { "s" } ")" }
            }
        }
    }
}

fn session_list(sessions: &[(&Session, SessionId)], profile: &Profile, zone: &TimeZone, own: bool) -> Markup {
    html! {
        section.sessions aria-labelledby="sessions-title" {
            h2 #sessions-title { "Sessions" }
            @if sessions.is_empty() {
                p.muted { "No sessions in this period." @if own { " " a href="/log" { "Log one" } "." } }
            } @else {
                ol.plain.history {
                    @for (session, id) in sessions.iter().rev() {
                        li.entry id=(format!("session-{id}")) {
                            time datetime=(session.at.to_string()) { (when(session.at, zone)) }
                            @if let Some(note) = &session.note { p.note { "Note: " (note) } }
                            ul.exercises {
                                @for e in &session.exercises { li { (exercise_line(e, profile)) (exercise_notes(e)) } }
                            }
                            (session_pain(session))
                            @if own { a.change href=(format!("/history/sessions/{id}")) { "Change or delete" } }
                        }
                    }
                }
            }
        }
    }
}

/// "Mon 2 Mar 2026, 07:00" in the lifter's zone.
fn when(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%a %-d %b %Y, %H:%M").to_string()
}

/// "Deadlift 140×5×3, 150×3 · warm-up 60×5, 100×3 · tempo 3-0-3 · from a 15 cm block";
/// loads as the lifter reads them ([`pullback_core::Load::shown`]: a converted load rounded, "≈ 102.5").
pub fn exercise_line(e: &ExerciseLog, profile: &Profile) -> String {
    let units = profile.units;
    let name =
        capitalised(&e.exercise.known().map_or_else(|| e.exercise.as_str().replace('_', " "), |x| x.name().to_owned()));
    let (warmups, work): (Vec<&Set>, Vec<&Set>) = e.sets.iter().partition(|s| s.warmup);
    let mut parts = vec![if work.is_empty() { name } else { format!("{name} {}", short_sets(&work, profile)) }];
    if !warmups.is_empty() {
        parts.push(format!("warm-up {}", short_sets(&warmups, profile)));
    }
    if let Some(tempo) = e.tempo {
        parts.push(format!("tempo {tempo}"));
    }
    if let Some(block) = e.block_height {
        parts.push(format!("from a {} {} block", block.value().normalize(), units.height_symbol()));
    }
    parts.join(" · ")
}

/// An exercise's note and its sets' notes ("Set 2: felt heavy"), as the lifter wrote them.
fn exercise_notes(e: &ExerciseLog) -> Markup {
    html! {
        @if let Some(note) = &e.note { p.note { (note) } }
        @for (i, set) in e.sets.iter().enumerate() {
            @if let Some(note) = &set.note { p.note { "Set " (i + 1) ": " (note) } }
        }
    }
}

/// Sets as `LOAD×REPS×SETS` (equal consecutive sets grouped), `bw` for bodyweight,
/// `@RPE` when logged; the unit once at the end.
fn short_sets(sets: &[&Set], profile: &Profile) -> String {
    let mut groups: Vec<(&Set, usize)> = Vec::new();
    for set in sets {
        match groups.last_mut() {
            Some((first, count)) if first.load == set.load && first.reps == set.reps && first.rpe == set.rpe => {
                *count += 1;
            }
            _ => groups.push((set, 1)),
        }
    }
    let text: Vec<String> = groups
        .iter()
        .map(|(set, count)| {
            let load = if set.load.value().is_zero() {
                "bw".to_owned()
            } else {
                set.load.shown(profile.load_increment).to_string()
            };
            let mut group = format!("{load}×{}", set.reps.value());
            if *count > 1 {
                group.push_str(&format!("×{count}"));
            }
            if let Some(rpe) = set.rpe {
                group.push_str(&format!(" @{}", rpe.value().normalize()));
            }
            group
        })
        .collect();
    let any_load = sets.iter().any(|s| !s.load.value().is_zero());
    let unit = profile.units.load_symbol();
    format!("{}{}", text.join(", "), if any_load { format!(" {unit}") } else { String::new() })
}

/// The session's pain at each point it was rated (the latest rating of a point counts).
fn session_pain(session: &Session) -> Markup {
    let rated: Vec<(Point, u8, bool)> = Point::ALL
        .into_iter()
        .filter_map(|point| {
            let c = session.checkins.iter().rev().find(|c| c.point == point)?;
            Some((point, c.pain.value(), c.bottom_only))
        })
        .collect();
    html! {
        p.pain {
            @if rated.is_empty() {
                span.muted { "No pain ratings." }
            } @else {
                "Pain (0–10): "
                @for (i, (point, pain, bottom)) in rated.iter().enumerate() {
                    @if i > 0 { " · " }
                    (short_point(*point)) " " strong { (pain) }
                    @if *bottom { " (only at the bottom)" }
                }
            }
        }
    }
}

fn short_point(point: Point) -> &'static str {
    match point {
        Point::Before => "before",
        Point::During => "during",
        Point::After1h => "1 h after",
        Point::After24h => "24 h after",
    }
}

fn standalone_checkins(stored: &StoredHistory, since: Timestamp, zone: &TimeZone, own: bool) -> Markup {
    let history = &stored.history;
    let checkins: Vec<_> = history.checkins.iter().zip(&stored.checkin_ids).filter(|(c, _)| c.at >= since).collect();
    html! {
        section.checkins aria-labelledby="checkins-title" {
            h2 #checkins-title { "Check-ins on other days" }
            @if checkins.is_empty() {
                p.muted { "None in this period." }
            } @else {
                ul.plain.history {
                    @for (c, id) in checkins.iter().rev() {
                        li {
                            time datetime=(c.at.to_string()) { (when(c.at, zone)) } ": pain "
                            strong { (c.pain.value()) "/10" }
                            @if let Some(side) = c.side { " (" (side.id()) ")" }
                            (change_link(own, format!("/history/checkins/{id}")))
                        }
                    }
                }
            }
        }
    }
}

/// The red-flag questions in a few words, in the screening's order.
fn answered_yes(answers: &RedFlags) -> Vec<&'static str> {
    answers.answered_yes().map(|q| q.short).collect()
}

fn screenings(stored: &StoredHistory, since: Timestamp, zone: &TimeZone, own: bool) -> Markup {
    let history = &stored.history;
    let screenings: Vec<_> =
        history.screenings.iter().zip(&stored.screening_ids).filter(|(s, _)| s.at >= since).collect();
    html! {
        section.screenings aria-labelledby="screenings-title" {
            h2 #screenings-title { "Red-flag screenings" }
            @if screenings.is_empty() {
                p.muted { "None in this period." }
            } @else {
                ul.plain.history {
                    @for (s, id) in screenings.iter().rev() {
                        @let yes = answered_yes(&s.answers);
                        li class=(if yes.is_empty() { "screening" } else { "screening red-flag" }) {
                            time datetime=(s.at.to_string()) { (when(s.at, zone)) } ": "
                            @if yes.is_empty() {
                                "no red flags"
                            } @else {
                                strong { "Red flag" @if yes.len() > 1 { "s" } ": " (yes.join(", ")) }
                            }
                            (change_link(own, format!("/history/screenings/{id}")))
                        }
                    }
                }
            }
        }
    }
}

fn symmetry_tests(stored: &StoredHistory, since: Timestamp, zone: &TimeZone, own: bool) -> Markup {
    let history = &stored.history;
    let tests: Vec<_> =
        history.symmetry_tests.iter().zip(&stored.symmetry_test_ids).filter(|(t, _)| t.at >= since).collect();
    html! {
        @if !tests.is_empty() {
            section.symmetry aria-labelledby="symmetry-title" {
                h2 #symmetry-title { "Left/right strength tests" }
                ul.plain.history {
                    @for (t, id) in tests.iter().rev() {
                        li {
                            time datetime=(t.at.to_string()) { (when(t.at, zone)) } ": left "
                            (t.left.value().normalize()) ", right " (t.right.value().normalize())
                            (change_link(own, format!("/history/symmetry-tests/{id}")))
                        }
                    }
                }
            }
        }
    }
}
