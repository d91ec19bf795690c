//! The lifter's side of sharing with clinicians: accepting an invitation (by link
//! or by typed code), who can see my data, stopping sharing, and the log of
//! everything clinicians did with the data.

use crate::auth::Lifter;
use crate::clinic::invite;
use crate::csrf::{CsrfToken, Form, NoFields};
use crate::error::PageError;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use maud::{Markup, html};
use pullback_store::{AuditEntry, CareLink, StoreError, User, UserId};
use serde::Deserialize;

/// How many audit entries the page lists.
const AUDIT_SHOWN: usize = 100;

// --- Accepting an invitation ---

/// What accepting means, shown before the lifter accepts.
pub async fn invitation(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let Some(code) = invite::normalize(&code) else { return Ok(not_valid(&lifter, &token)) };
    // Unknown, used, expired, or its clinician no longer one: the same answer.
    let Some(clinician) = state.store.invitation(&invite::digest(&code), state.now()).await? else {
        return Ok(not_valid(&lifter, &token));
    };
    if clinician.id == lifter.user.id {
        return Err(PageError::BadForm("This is your own invitation: give it to a lifter.".into()));
    }
    let body = html! {
        h1 { (clinician.name) " invites you to share your data" }
        (what_sharing_means(&clinician.name))
        form.stack method="post" action=(format!("/invite/{code}")) {
            (csrf_field(&token))
            button type="submit" { "Share my data with " (clinician.name) }
        }
        p { a href="/" { "Not now" } " (the invitation stays valid until it expires)." }
    };
    Ok(app_page("Invitation", &lifter.user, &token, Nav::Settings, body).into_response())
}

fn what_sharing_means(clinician: &str) -> Markup {
    html! {
        p { "If you accept, " strong { (clinician) } ":" }
        ul {
            li { "sees your history (sessions, check-ins, screenings), your plan and your charts;" }
            li { "can change your protocol settings, your working weight and your usual variation;" }
            li { "may keep their own notes about your training." }
        }
        p { "Every view and every change is logged, and you can read the log in Settings → Who can see my data. \
            You can stop sharing there at any time: their access ends at once." }
    }
}

/// Accepts the invitation of a link.
pub async fn accept_link(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Path(code): Path<String>,
    Form(_): Form<NoFields>,
) -> Result<Response, PageError> {
    let Some(code) = invite::normalize(&code) else { return Ok(not_valid(&lifter, &token)) };
    match state.store.accept_invitation(&lifter.user, &invite::digest(&code), state.now()).await {
        Ok(clinician) => Ok(shared(&clinician)),
        Err(StoreError::NotFound { .. }) => Ok(not_valid(&lifter, &token)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Accepts an invitation by its code, typed by hand.
pub async fn accept_code(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let refuse = |status: StatusCode, problem: String| {
        let form = form.code.clone();
        let state = state.clone();
        let (lifter, token) = (&lifter, &token);
        async move {
            let mut page = CarePage::load(&state, lifter, token).await?;
            page.code = form;
            page.code_problem = Some(problem);
            Ok((status, page.render()).into_response())
        }
    };
    let Some(code) = invite::normalize(&form.code) else {
        let why = format!("Invitation code: a code has {} letters and digits, like K7QX2-M9HPT.", invite::CODE_CHARS);
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, why).await;
    };
    match state.store.accept_invitation(&lifter.user, &invite::digest(&code), state.now()).await {
        Ok(clinician) => Ok(shared(&clinician)),
        Err(StoreError::NotFound { .. }) => {
            let why = "Invitation code: this invitation is not valid. It may be mistyped, already used or expired; \
                ask your clinician for a new one.";
            refuse(StatusCode::NOT_FOUND, why.into()).await
        }
        Err(StoreError::Invalid(why)) => {
            refuse(StatusCode::UNPROCESSABLE_ENTITY, format!("Invitation code: {why}")).await
        }
        Err(e) => Err(e.into()),
    }
}

/// After accepting: the care team, naming the new member.
fn shared(clinician: &User) -> Response {
    Redirect::to(&format!("/settings/care-team?shared={}", clinician.id.0)).into_response()
}

/// The 404 of an unknown, used, expired or forged invitation.
fn not_valid(lifter: &Lifter, token: &CsrfToken) -> Response {
    let body = html! {
        h1 { "This invitation is not valid" }
        p { "It may be mistyped, already used, or more than 7 days old. Ask your clinician for a new one." }
        p { a.button href="/settings/care-team" { "Who can see my data" } }
    };
    (StatusCode::NOT_FOUND, app_page("Invitation not valid", &lifter.user, token, Nav::Settings, body)).into_response()
}

// --- Who can see my data ---

#[derive(Debug, Deserialize)]
pub struct CareQuery {
    /// The id of the clinician just added.
    #[serde(default)]
    shared: Option<String>,
    #[serde(default)]
    stopped: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Query(query): Query<CareQuery>,
) -> Result<Markup, PageError> {
    let mut page = CarePage::load(&state, &lifter, &token).await?;
    let added = query.shared.and_then(|id| id.parse().ok()).map(UserId);
    let added = added.and_then(|id| page.team.iter().find(|link| link.clinician.id == id));
    page.notice = match (added, query.stopped.is_some()) {
        (Some(link), _) => Some(format!("{} can now see your data.", link.clinician.name)),
        (None, true) => Some("Stopped sharing: they can no longer see your data.".to_owned()),
        (None, false) => None,
    };
    Ok(page.render())
}

/// Ends a clinician's access at once; one not on the lifter's team is a 404.
pub async fn revoke(
    State(state): State<AppState>,
    lifter: Lifter,
    Path(clinician): Path<String>,
    Form(_): Form<NoFields>,
) -> Result<Response, PageError> {
    let id: i64 = clinician.parse().map_err(|_| PageError::NotFound)?;
    state.store.revoke_care(&lifter.user, UserId(id), state.now()).await?;
    Ok(Redirect::to("/settings/care-team?stopped=1").into_response())
}

/// Everything the care-team page shows.
struct CarePage<'a> {
    lifter: &'a Lifter,
    token: &'a CsrfToken,
    zone: TimeZone,
    team: Vec<CareLink>,
    log: Vec<AuditEntry>,
    notice: Option<String>,
    /// The code typed, shown again with its problem.
    code: String,
    code_problem: Option<String>,
}

impl<'a> CarePage<'a> {
    async fn load(state: &AppState, lifter: &'a Lifter, token: &'a CsrfToken) -> Result<CarePage<'a>, PageError> {
        let zone = state.store.profile(lifter.user.id).await?.profile.time_zone;
        let team = state.store.care_team(lifter.user.id).await?;
        let log = state.store.audit_log(lifter.user.id, AUDIT_SHOWN).await?;
        Ok(CarePage { lifter, token, zone, team, log, notice: None, code: String::new(), code_problem: None })
    }

    fn render(&self) -> Markup {
        let body = html! {
            h1 { "Who can see my data" }
            @if let Some(notice) = &self.notice { p.notice role="status" { (notice) } }
            (self.team_section())
            (self.code_section())
            (self.log_section())
        };
        app_page("Who can see my data", &self.lifter.user, self.token, Nav::Settings, body)
    }

    fn when(&self, at: Timestamp, format: &str) -> String {
        at.to_zoned(self.zone.clone()).strftime(format).to_string()
    }

    fn team_section(&self) -> Markup {
        html! {
            section aria-labelledby="team-title" {
                h2 #team-title { "Your care team" }
                @if self.team.is_empty() {
                    p.muted { "No one: your data is yours alone. A physical therapist or coach who uses Pullback can \
                        give you an invitation to follow your training." }
                } @else {
                    p.hint { "They see your history, plan and charts, and can change your protocol settings, working \
                        weight and usual variation. Stopping ends their access at once." }
                    table {
                        thead { tr { th { "Clinician" } th { "Since" } th { span.visually-hidden { "Stop sharing" } } } }
                        tbody {
                            @for link in &self.team {
                                tr {
                                    td { (link.clinician.name) }
                                    td { (self.when(link.since, "%-d %b %Y")) }
                                    td { (self.stop_form(&link.clinician)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn stop_form(&self, clinician: &User) -> Markup {
        html! {
            form.inline method="post" action=(format!("/settings/care-team/{}/revoke", clinician.id.0)) {
                (csrf_field(self.token))
                button.danger type="submit" aria-label=(format!("Stop sharing with {}", clinician.name)) {
                    "Stop sharing"
                }
            }
        }
    }

    fn code_section(&self) -> Markup {
        let problem = self.code_problem.as_deref();
        html! {
            section aria-labelledby="code-title" {
                h2 #code-title { "Accept an invitation" }
                p.hint { "If your clinician gave you a code instead of a link, type it here. This shares your data \
                    at once: they will see your history, plan and charts, and can change your protocol settings, \
                    working weight and usual variation. Every view and change is logged below." }
                form.stack method="post" action="/settings/care-team/accept" {
                    (csrf_field(self.token))
                    label {
                        "Invitation code"
                        input name="code" required autocomplete="off" autocapitalize="characters" maxlength="20"
                            placeholder="K7QX2-M9HPT" value=(self.code) aria-invalid=[problem.map(|_| "true")];
                        @if let Some(p) = problem { span.problem role="alert" { (p) } }
                    }
                    button type="submit" { "Share my data" }
                }
            }
        }
    }

    fn log_section(&self) -> Markup {
        html! {
            section aria-labelledby="log-title" {
                h2 #log-title { "What was done with your data" }
                p.hint { "Every time someone on your care team looks at or changes your data, and every time you \
                    start or stop sharing, it is written here (newest first, the last " (AUDIT_SHOWN) ")." }
                @if self.log.is_empty() {
                    p.muted { "Nothing yet." }
                } @else {
                    table.audit {
                        thead { tr { th { "When" } th { "Who" } th { "What" } } }
                        tbody {
                            @for entry in &self.log {
                                tr data-action=(entry.action) {
                                    td { time datetime=(entry.at) { (self.when(entry.at, "%a %-d %b %Y, %H:%M")) } }
                                    td { (entry.actor) }
                                    td { (action_words(&entry.action)) @if !entry.detail.is_empty() { ": " (entry.detail) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An audit action in words; an action this page does not know is shown as it is.
fn action_words(action: &str) -> String {
    match action {
        "access_granted" => "Started sharing".to_owned(),
        "access_revoked" => "Stopped sharing".to_owned(),
        "viewed" => "Looked at your data".to_owned(),
        "protocol_changed" => "Changed your protocol settings".to_owned(),
        "profile_changed" => "Changed your profile".to_owned(),
        "session_changed" => "Changed a session".to_owned(),
        "session_deleted" => "Deleted a session".to_owned(),
        "checkin_changed" => "Changed a check-in".to_owned(),
        "checkin_deleted" => "Deleted a check-in".to_owned(),
        "screening_changed" => "Changed a screening".to_owned(),
        "screening_deleted" => "Deleted a screening".to_owned(),
        "symmetry_test_changed" => "Changed a symmetry test".to_owned(),
        "symmetry_test_deleted" => "Deleted a symmetry test".to_owned(),
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::action_words;

    #[test]
    fn actions_read_as_words() {
        assert_eq!(action_words("access_granted"), "Started sharing");
        assert_eq!(action_words("working_weight_changed"), "Working weight changed");
        assert_eq!(action_words("checkin_changed"), "Changed a check-in");
        assert_eq!(action_words(""), "");
    }
}
