//! Changing and deleting what was logged: check-ins, screenings and symmetry tests
//! here (sessions in `log.rs`, with the logging form), and deleting any of them.
//!
//! A mis-tapped 8/10 starts an episode and cuts the load: the lifter fixes it here,
//! and the plan, the checkpoint and the clinician's caseload row follow at once (the
//! store raises the lifter's revision). Every change and deletion is in the lifter's
//! audit log, which their clinicians see. Deleting asks once, on its own page.

use crate::api::audit;
use crate::auth::Lifter;
use crate::csrf::{CsrfToken, Form, NoFields};
use crate::error::PageError;
use crate::pages::log::{own_session, pain_scale, problem_list, saved};
use crate::pages::screening::{SymmetryForm, answers};
use crate::pages::today::point_words;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use maud::{Markup, html};
use pullback_core::{Pain, Point, RedFlags, Side, Strength};
use pullback_store::{At, CheckinId, Edit, Entry, NewAudit, ScreeningId, Store, SymmetryTestId, UserId};
use std::collections::HashMap;

/// A stored check-in as the pages show it.
#[derive(Debug, Clone)]
struct CheckinView {
    id: CheckinId,
    pain: Pain,
    side: Option<Side>,
    bottom_only: bool,
    /// `(point, session time)` for a session's check-in; `None` standalone.
    of_session: Option<(Point, Timestamp)>,
    at: Timestamp,
}

impl CheckinView {
    /// "1 hour after your session of Mon 2 Mar" or "your back on Tue 3 Mar".
    fn words(&self, zone: &TimeZone) -> String {
        match self.of_session {
            Some((point, at)) => format!("{} your session of {}", point_words(point), day(at, zone)),
            None => format!("your back on {}", day(self.at, zone)),
        }
    }
}

fn day(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%a %-d %b %Y").to_string()
}

fn parse_id(text: &str) -> Result<i64, PageError> {
    text.parse::<i64>().map_err(|_| PageError::NotFound)
}

/// A check-in of the lifter's by id: of a session, or standalone; `NotFound` otherwise.
async fn own_checkin(store: &dyn Store, user: UserId, id: &str) -> Result<CheckinView, PageError> {
    let id = CheckinId(parse_id(id)?);
    let stored = store.history(user).await?;
    let history = &stored.history;
    if let Some(i) = stored.checkin_ids.iter().position(|c| *c == id) {
        let c = &history.checkins[i];
        return Ok(CheckinView { id, pain: c.pain, side: c.side, bottom_only: false, of_session: None, at: c.at });
    }
    for entry in store.sessions(user, None).await? {
        if let Some(i) = entry.checkin_ids.iter().position(|c| *c == id) {
            let c = &entry.session.checkins[i];
            let at = c
                .at
                .unwrap_or_else(|| entry.at.instant.checked_add(c.point.default_offset()).unwrap_or(entry.at.instant));
            return Ok(CheckinView {
                id,
                pain: c.pain,
                side: c.side,
                bottom_only: c.bottom_only,
                of_session: Some((c.point, entry.at.instant)),
                at,
            });
        }
    }
    Err(PageError::NotFound)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct CheckinFields {
    #[serde(default)]
    pain: String,
    #[serde(default)]
    side: String,
    #[serde(default)]
    bottom_only: String,
}

pub async fn checkin_page(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let zone = state.store.profile(lifter.user.id).await?.profile.time_zone;
    let checkin = own_checkin(state.store.as_ref(), lifter.user.id, &id).await?;
    let typed = CheckinFields {
        pain: checkin.pain.value().to_string(),
        side: checkin.side.map(|s| s.id().to_owned()).unwrap_or_default(),
        bottom_only: if checkin.bottom_only { "on".into() } else { String::new() },
    };
    Ok(checkin_form(&lifter, &token, &checkin, &zone, &typed, &[]))
}

pub async fn checkin_save(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Path(id): Path<String>,
    Form(typed): Form<CheckinFields>,
) -> Result<Response, PageError> {
    let user = lifter.user.id;
    let zone = state.store.profile(user).await?.profile.time_zone;
    let checkin = own_checkin(state.store.as_ref(), user, &id).await?;
    let mut problems = Vec::new();
    let pain = typed.pain.trim().parse::<i64>().ok().and_then(|v| Pain::parse(v).ok());
    if pain.is_none() {
        problems.push("Pain: choose a number from 0 (no pain) to 10 (the worst imaginable).".to_owned());
    }
    let side = match typed.side.trim() {
        "" => None,
        text => Side::from_id(text).or_else(|| {
            problems.push("Side: choose central, left, right or both, or leave it empty.".into());
            None
        }),
    };
    let during = matches!(checkin.of_session, Some((Point::During, _)));
    let bottom_only = !typed.bottom_only.is_empty();
    if bottom_only && !during {
        problems.push("Pain only at the bottom: this goes with the check-in during a session.".into());
    }
    let Some(pain) = pain.filter(|_| problems.is_empty()) else {
        let page = checkin_form(&lifter, &token, &checkin, &zone, &typed, &problems);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    // The audit entry in the same words as a change through the API.
    let name = match checkin.of_session {
        Some((point, session_at)) => audit::session_checkin_name(point, At::in_zone(session_at, &zone)),
        None => audit::standalone_checkin_name(checkin.at, &zone),
    };
    let changes = audit::checkin_changes((checkin.pain, checkin.side, checkin.bottom_only), (pain, side, bottom_only));
    let detail = audit::detail(&name, &changes);
    let audit = NewAudit {
        lifter: user,
        actor: &lifter.user,
        action: audit::changed_action(Entry::Checkin(checkin.id)),
        detail,
        at: state.now(),
    };
    let change = Edit::Checkin { pain, side, bottom_only };
    state.store.edit_entry(Entry::Checkin(checkin.id), &change, &audit).await?;
    Ok(saved("changed"))
}

fn checkin_form(
    lifter: &Lifter,
    token: &CsrfToken,
    checkin: &CheckinView,
    zone: &TimeZone,
    typed: &CheckinFields,
    problems: &[String],
) -> Markup {
    let body = html! {
        h1 { "Change a check-in" }
        p { "Pain " (checkin.words(zone)) ", logged as " strong { (checkin.pain) } "." }
        (problem_list(problems))
        form.stack method="post" action=(format!("/history/checkins/{}", checkin.id)) {
            (csrf_field(token))
            fieldset {
                legend { "Pain, 0 to 10" }
                (pain_scale("pain", &typed.pain, false))
            }
            fieldset.choice {
                legend { "Where (optional)" }
                label { input type="radio" name="side" value="" checked[typed.side.is_empty()]; " Not said" }
                @for side in Side::ALL {
                    label { input type="radio" name="side" value=(side.id()) checked[typed.side == side.id()];
                        " " (crate::pages::checkin::side_words(side)) }
                }
            }
            @if matches!(checkin.of_session, Some((Point::During, _))) {
                label.check {
                    input type="checkbox" name="bottom_only" value="on" checked[!typed.bottom_only.is_empty()];
                    span { "It hurt only at the bottom of the lift" }
                }
            }
            button type="submit" { "Save changes" }
        }
        p { a.button.danger href=(format!("/history/checkins/{}/delete", checkin.id)) { "Delete this check-in" } }
    };
    app_page("Change a check-in", &lifter.user, token, Nav::History, body)
}

/// A screening of the lifter's by id: `(id, time, answers)`.
async fn own_screening(
    store: &dyn Store,
    user: UserId,
    id: &str,
) -> Result<(ScreeningId, Timestamp, RedFlags), PageError> {
    let id = ScreeningId(parse_id(id)?);
    let stored = store.history(user).await?;
    let i = stored.screening_ids.iter().position(|s| *s == id).ok_or(PageError::NotFound)?;
    let s = &stored.history.screenings[i];
    Ok((id, s.at, s.answers))
}

pub async fn screening_page(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let zone = state.store.profile(lifter.user.id).await?.profile.time_zone;
    let (id, at, answers) = own_screening(state.store.as_ref(), lifter.user.id, &id).await?;
    let fields = answers.yes().into_iter().map(|id| (id.to_owned(), "yes".to_owned())).collect();
    Ok(screening_form(&lifter, &token, id, &day(at, &zone), &fields, &[]))
}

pub async fn screening_save(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Path(id): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let user = lifter.user.id;
    let zone = state.store.profile(user).await?.profile.time_zone;
    let (id, at, before) = own_screening(state.store.as_ref(), user, &id).await?;
    let answers = match answers(&fields) {
        Ok(answers) => answers,
        Err(problems) => {
            let page = screening_form(&lifter, &token, id, &day(at, &zone), &fields, &problems);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let name = audit::event_name("screening", at, &zone);
    let detail = audit::detail(&name, &audit::screening_changes(&before, &answers));
    let audit = NewAudit {
        lifter: user,
        actor: &lifter.user,
        action: audit::changed_action(Entry::Screening(id)),
        detail,
        at: state.now(),
    };
    state.store.edit_entry(Entry::Screening(id), &Edit::Screening { answers }, &audit).await?;
    Ok(saved("changed"))
}

fn screening_form(
    lifter: &Lifter,
    token: &CsrfToken,
    id: ScreeningId,
    when: &str,
    fields: &HashMap<String, String>,
    problems: &[String],
) -> Markup {
    let body = html! {
        h1 { "Change a screening" }
        p { "Your red-flag screening of " (when) ". Tick each question you answered yes to." }
        (problem_list(problems))
        form.stack method="post" action=(format!("/history/screenings/{id}")) {
            (csrf_field(token))
            fieldset.flags {
                legend { "Tick for yes" }
                @for pullback_core::RedFlagQuestion { id: qid, question, .. } in RedFlags::QUESTIONS {
                    label.check {
                        input type="checkbox" name=(qid) value="yes" checked[fields.get(qid).is_some_and(|v| v == "yes")];
                        span { (question) }
                    }
                }
            }
            button type="submit" { "Save changes" }
        }
        p { a.button.danger href=(format!("/history/screenings/{id}/delete")) { "Delete this screening" } }
    };
    app_page("Change a screening", &lifter.user, token, Nav::History, body)
}

async fn own_symmetry(
    store: &dyn Store,
    user: UserId,
    id: &str,
) -> Result<(SymmetryTestId, Timestamp, Strength, Strength), PageError> {
    let id = SymmetryTestId(parse_id(id)?);
    let stored = store.history(user).await?;
    let i = stored.symmetry_test_ids.iter().position(|s| *s == id).ok_or(PageError::NotFound)?;
    let t = &stored.history.symmetry_tests[i];
    Ok((id, t.at, t.left, t.right))
}

pub async fn symmetry_page(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let zone = state.store.profile(lifter.user.id).await?.profile.time_zone;
    let (id, at, left, right) = own_symmetry(state.store.as_ref(), lifter.user.id, &id).await?;
    let form = SymmetryForm { left: left.value().to_string(), right: right.value().to_string() };
    Ok(symmetry_form(&lifter, &token, id, &day(at, &zone), &form, &[]))
}

pub async fn symmetry_save(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Path(id): Path<String>,
    Form(form): Form<SymmetryForm>,
) -> Result<Response, PageError> {
    let user = lifter.user.id;
    let zone = state.store.profile(user).await?.profile.time_zone;
    let (id, at, old_left, old_right) = own_symmetry(state.store.as_ref(), user, &id).await?;
    let (left, right) = match form.strengths() {
        Ok(sides) => sides,
        Err(problems) => {
            let page = symmetry_form(&lifter, &token, id, &day(at, &zone), &form, &problems);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let name = audit::event_name("symmetry test", at, &zone);
    let detail = audit::detail(&name, &audit::symmetry_changes((old_left, old_right), (left, right)));
    let audit = NewAudit {
        lifter: user,
        actor: &lifter.user,
        action: audit::changed_action(Entry::SymmetryTest(id)),
        detail,
        at: state.now(),
    };
    state.store.edit_entry(Entry::SymmetryTest(id), &Edit::SymmetryTest { left, right }, &audit).await?;
    Ok(saved("changed"))
}

fn symmetry_form(
    lifter: &Lifter,
    token: &CsrfToken,
    id: SymmetryTestId,
    when: &str,
    form: &SymmetryForm,
    problems: &[String],
) -> Markup {
    let body = html! {
        h1 { "Change a symmetry test" }
        p { "Your left/right strength test of " (when) "." }
        (problem_list(problems))
        form.stack method="post" action=(format!("/history/symmetry-tests/{id}")) {
            (csrf_field(token))
            div.row {
                label { "Left" input type="number" name="left" value=(form.left) min="0" step="any" inputmode="decimal"; }
                label { "Right" input type="number" name="right" value=(form.right) min="0" step="any" inputmode="decimal"; }
            }
            button type="submit" { "Save changes" }
        }
        p { a.button.danger href=(format!("/history/symmetry-tests/{id}/delete")) { "Delete this symmetry test" } }
    };
    app_page("Change a symmetry test", &lifter.user, token, Nav::History, body)
}

// --- Deleting: a page that asks once, then the POST that deletes ---

/// The entry named by a delete route, with words for the question and the audit log.
async fn entry_to_delete(store: &dyn Store, user: UserId, kind: &str, id: &str) -> Result<(Entry, String), PageError> {
    let zone = store.profile(user).await?.profile.time_zone;
    Ok(match kind {
        "sessions" => {
            let entry = own_session(store, user, id).await?;
            let sets: usize = entry.session.exercises.iter().map(|e| e.sets.len()).sum();
            let checkins = match entry.session.checkins.len() {
                0 => String::new(),
                1 => ", with its check-in".to_owned(),
                n => format!(", with its {n} check-ins"),
            };
            let words = format!(
                "the session of {} ({}{checkins})",
                entry.at.instant.to_zoned(zone.clone()).strftime("%a %-d %b %Y %H:%M"),
                if sets == 1 { "1 set".to_owned() } else { format!("{sets} sets") },
            );
            (Entry::Session(entry.id), words)
        }
        "checkins" => {
            let c = own_checkin(store, user, id).await?;
            (Entry::Checkin(c.id), format!("the check-in of {} ({})", c.words(&zone), c.pain))
        }
        "screenings" => {
            let (id, at, _) = own_screening(store, user, id).await?;
            (Entry::Screening(id), format!("the red-flag screening of {}", day(at, &zone)))
        }
        _ => {
            let (id, at, _, _) = own_symmetry(store, user, id).await?;
            (Entry::SymmetryTest(id), format!("the symmetry test of {}", day(at, &zone)))
        }
    })
}

macro_rules! delete_routes {
    ($page:ident, $delete:ident, $kind:literal) => {
        /// The page that asks once before deleting.
        pub async fn $page(
            State(state): State<AppState>,
            lifter: Lifter,
            token: CsrfToken,
            Path(id): Path<String>,
        ) -> Result<Markup, PageError> {
            confirm_page(&state, &lifter, &token, $kind, &id).await
        }

        pub async fn $delete(
            State(state): State<AppState>,
            lifter: Lifter,
            Path(id): Path<String>,
            Form(_): Form<NoFields>,
        ) -> Result<Response, PageError> {
            delete(&state, &lifter, $kind, &id).await
        }
    };
}

delete_routes!(confirm_session, delete_session, "sessions");
delete_routes!(confirm_checkin, delete_checkin, "checkins");
delete_routes!(confirm_screening, delete_screening, "screenings");
delete_routes!(confirm_symmetry, delete_symmetry, "symmetry-tests");

async fn confirm_page(
    state: &AppState,
    lifter: &Lifter,
    token: &CsrfToken,
    kind: &str,
    id: &str,
) -> Result<Markup, PageError> {
    let (_, words) = entry_to_delete(state.store.as_ref(), lifter.user.id, kind, id).await?;
    let body = html! {
        h1 { "Delete this?" }
        p { "Delete " (words) "? Your plan is worked out again without it. This cannot be undone." }
        form.stack method="post" action=(format!("/history/{kind}/{id}/delete")) {
            (csrf_field(token))
            button.danger type="submit" { "Delete" }
        }
        p { a.button.secondary href="/history" { "Keep it" } }
    };
    Ok(app_page("Delete", &lifter.user, token, Nav::History, body))
}

async fn delete(state: &AppState, lifter: &Lifter, kind: &str, id: &str) -> Result<Response, PageError> {
    let user = lifter.user.id;
    let (entry, words) = entry_to_delete(state.store.as_ref(), user, kind, id).await?;
    let action = audit::deleted_action(entry);
    let audit = NewAudit { lifter: user, actor: &lifter.user, action, detail: words, at: state.now() };
    state.store.delete_entry(entry, &audit).await?;
    Ok(saved("deleted"))
}
