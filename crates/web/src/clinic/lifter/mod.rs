//! One lifter, seen by a clinician they linked to: the plan and history exactly as
//! the lifter sees them, and the clinician's tools — tuning the protocol's
//! parameters (section 9) for this lifter, their working weight and usual
//! variation, and private notes.
//!
//! Every route takes the lifter from the `{lifter}` path parameter through
//! [`Patient`], so without a care link the answer is 404. Everything the clinician
//! does with the lifter's data, reading included, goes into the lifter's audit log,
//! which the lifter can read; a note's text never does, since notes are private.

pub mod notes;
pub mod profile;
pub mod protocol;

use crate::auth::Patient;
use crate::csrf::CsrfToken;
use crate::error::{FieldProblem, PageError};
use crate::pages::history::{self, Listing};
use crate::pages::today::plan_card;
use crate::pages::tolerance::Reader;
use crate::pages::{Nav, app_page};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use maud::{Markup, html};
use profile::ProfileFields;
use pullback_app::planning::stored_decision;
use pullback_store::{AuditEntry, ClinicalNote, NewAudit, StoredHistory, StoredProfile, User};
use serde::Deserialize;
use std::collections::HashMap;

/// How many of the lifter's audit entries the page shows.
const AUDIT_SHOWN: usize = 20;
/// The longest reason taken for a change (it goes into the lifter's audit log).
const MAX_REASON_CHARS: usize = 500;
/// What a read of this page is recorded as, in the lifter's audit log.
const VIEWED_DETAIL: &str = "your plan, history and charts";
/// The form field of a change's reason.
const REASON: &str = "reason";

/// The page's path for a lifter.
fn page_path(lifter: &User) -> String {
    format!("/clinic/lifters/{}", lifter.id)
}

// --- The page ---

#[derive(Debug, Deserialize)]
pub struct DetailQuery {
    /// `?all=1` lists the whole history, as on the History page.
    #[serde(default)]
    all: Option<String>,
    /// Which form was just saved: `protocol`, `profile`, `note` or `unchanged`.
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /clinic/lifters/{lifter}`: the page, recorded in the lifter's audit log
/// before anything is read ([`Data::load`]), so that no read goes unrecorded.
pub async fn page(
    State(state): State<AppState>,
    patient: Patient,
    token: CsrfToken,
    Query(query): Query<DetailQuery>,
) -> Result<Markup, PageError> {
    let mut view = View::new(&patient, &token);
    view.all = query.all.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    view.notice = query.saved.as_deref().and_then(notice);
    let data = Data::load(&state, &patient).await?;
    Ok(view.render(&data))
}

fn notice(saved: &str) -> Option<&'static str> {
    match saved {
        "protocol" => Some("The protocol for this lifter is saved, and the change is in their audit log."),
        "profile" => Some("The working weight and usual variation are saved, and the change is in their audit log."),
        "note" => Some("Your note is saved. Only you can read it."),
        "unchanged" => Some("Nothing changed: the values are the ones already in use."),
        _ => None,
    }
}

/// What the page shows of the lifter, read from the store.
struct Data {
    profile: StoredProfile,
    plan: pullback_contract::PlanOutput,
    tolerance: pullback_core::Tolerance,
    history: StoredHistory,
    notes: Vec<ClinicalNote>,
    audit: Vec<AuditEntry>,
    linked_since: Option<Timestamp>,
    now: Timestamp,
}

impl Data {
    /// Records the view in the lifter's audit log, then reads what the page shows.
    /// The only way to the lifter's data for a page, so every render of it (a
    /// refused form's page too) is recorded before anything is read.
    async fn load(state: &AppState, patient: &Patient) -> Result<Data, PageError> {
        let (store, lifter, now) = (state.store.as_ref(), patient.lifter.id, state.now());
        store.record_audit(&audit(patient, "viewed", VIEWED_DETAIL.to_owned(), now)).await?;
        let decision = stored_decision(store, lifter, now).await?;
        let linked_since = store
            .care_team(lifter)
            .await?
            .into_iter()
            .find(|l| l.clinician.id == patient.clinician.id)
            .map(|l| l.since);
        Ok(Data {
            profile: store.profile(lifter).await?,
            plan: pullback_contract::render(&decision),
            tolerance: decision.tolerance,
            history: store.history(lifter).await?,
            notes: store.notes(lifter, patient.clinician.id).await?,
            audit: store.audit_log(lifter, AUDIT_SHOWN).await?,
            linked_since,
            now,
        })
    }

    fn zone(&self) -> &TimeZone {
        &self.profile.profile.time_zone
    }
}

/// The page with the forms' values and problems (a refused form is shown again as sent).
struct View<'a> {
    patient: &'a Patient,
    token: &'a CsrfToken,
    all: bool,
    notice: Option<&'static str>,
    /// The protocol form as sent, by field name; `None` shows the stored overrides.
    protocol_sent: Option<HashMap<String, String>>,
    protocol_problems: Vec<FieldProblem>,
    profile_sent: Option<ProfileFields>,
    profile_problems: Vec<FieldProblem>,
    note_sent: String,
    note_problems: Vec<FieldProblem>,
}

impl<'a> View<'a> {
    fn new(patient: &'a Patient, token: &'a CsrfToken) -> View<'a> {
        View {
            patient,
            token,
            all: false,
            notice: None,
            protocol_sent: None,
            protocol_problems: Vec::new(),
            profile_sent: None,
            profile_problems: Vec::new(),
            note_sent: String::new(),
            note_problems: Vec::new(),
        }
    }

    /// The page as a 422, after a form on it was refused. Nothing was stored; the
    /// page shows the lifter's data again, so it is recorded as a view.
    async fn refused(self, state: &AppState) -> Result<Response, PageError> {
        let data = Data::load(state, self.patient).await?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, self.render(&data)).into_response())
    }

    fn render(&self, data: &Data) -> Markup {
        let lifter = &self.patient.lifter;
        let here = page_path(lifter);
        let body = html! {
            p.breadcrumb { a href="/clinic" { "← Your lifters" } }
            h1 { (lifter.name) }
            p.muted {
                @if let Some(since) = data.linked_since {
                    (lifter.name) " shared their log with you on " (day(since, data.zone())) ". "
                }
                "They can end your access at any time, and they see in their log what you look at and change."
            }
            @if let Some(notice) = self.notice { p.notice role="status" { (notice) } }
            // A long page: its sections, one tap away (and back, from each heading's link).
            nav.jump aria-label="On this page" {
                @for (anchor, words) in JUMPS { a href=(format!("#{anchor}")) { (words) } }
            }
            section.clinic-plan #plan aria-labelledby="plan-title" {
                h2 #plan-title { "Their plan, as they see it" }
                (plan_card(&data.plan, &data.profile))
                (crate::pages::tolerance::card(&data.tolerance, &data.profile.profile, Reader::Clinician))
            }
            section.clinic-history #history aria-labelledby="history-title" {
                h2 #history-title { "Their history" }
                (history::sections(&data.history, data.now, Listing { all: self.all, here: &here, own: false }))
            }
            (self.protocol_section(data, &here))
            (self.profile_section(data, &here))
            (self.notes_section(data, &here))
            (audit_section(data))
        };
        app_page(&lifter.name, &self.patient.clinician, self.token, Nav::Clinic, body)
    }
}

/// Back to the page after a form was saved, at the form's section.
fn saved(patient: &Patient, what: &str, anchor: &str) -> Response {
    Redirect::to(&format!("{}?saved={what}#{anchor}", page_path(&patient.lifter))).into_response()
}

/// The sections of the lifter page, in order, for its jump links.
const JUMPS: [(&str, &str); 6] = [
    ("plan", "Plan"),
    ("history", "Trend and history"),
    ("notes", "Notes"),
    ("protocol", "Protocol"),
    ("profile", "Working weight"),
    ("audit", "Audit"),
];

fn audit_section(data: &Data) -> Markup {
    html! {
        section.clinic-audit #audit aria-labelledby="audit-title" {
            h2 #audit-title { "Who did what with their data" }
            p.hint { "The lifter's log of who saw and changed their data, newest first (times in their time zone, "
                (data.profile.time_zone_name) "). They see it too." }
            @if data.audit.is_empty() {
                p.muted { "Nothing yet." }
            } @else {
                ul.plain.audit {
                    @for entry in &data.audit {
                        li data-action=(entry.action) {
                            time datetime=(entry.at.to_string()) { (moment(entry.at, data.zone())) } " · "
                            strong { (entry.actor) } " " (action_words(&entry.action))
                            @if !entry.detail.is_empty() { ": " (entry.detail) }
                        }
                    }
                }
            }
        }
    }
}

fn action_words(action: &str) -> String {
    match action {
        "viewed" => "viewed".to_owned(),
        "protocol_changed" => "changed the protocol".to_owned(),
        "profile_changed" => "changed the profile".to_owned(),
        "note_added" => "added a private note".to_owned(),
        "access_granted" => "granted access".to_owned(),
        "access_revoked" => "ended access".to_owned(),
        "session_changed" => "changed a session".to_owned(),
        "session_deleted" => "deleted a session".to_owned(),
        "checkin_changed" => "changed a check-in".to_owned(),
        "checkin_deleted" => "deleted a check-in".to_owned(),
        "screening_changed" => "changed a screening".to_owned(),
        "screening_deleted" => "deleted a screening".to_owned(),
        "symmetry_test_changed" => "changed a symmetry test".to_owned(),
        "symmetry_test_deleted" => "deleted a symmetry test".to_owned(),
        other => other.replace('_', " "),
    }
}

fn reason_field(id: &str, sent: Option<&String>, problems: &[FieldProblem]) -> Markup {
    let problem = problem_for(problems, REASON);
    html! {
        label {
            "Reason (the lifter reads it in their log)"
            input name=(REASON) id=(id) value=(sent.map(String::as_str).unwrap_or_default()) required
                maxlength=(MAX_REASON_CHARS) aria-invalid=[problem.map(|_| "true")]
                placeholder="e.g. still flaring at 4 after every session";
            @if let Some(problem) = problem { span.problem { (problem) } }
        }
    }
}

fn problem_summary(problems: &[FieldProblem]) -> Markup {
    html! {
        @if !problems.is_empty() {
            p.problem role="alert" {
                "Nothing was saved. Please check: "
                (problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>().join(", ")) "."
            }
        }
    }
}

fn problem_for<'p>(problems: &'p [FieldProblem], field: &str) -> Option<&'p str> {
    problems.iter().find(|p| p.field == field).map(|p| p.message.as_str())
}

fn day(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%-d %b %Y").to_string()
}

fn moment(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%a %-d %b %Y, %H:%M").to_string()
}

fn audit<'p>(patient: &'p Patient, action: &'static str, detail: String, at: Timestamp) -> NewAudit<'p> {
    NewAudit { lifter: patient.lifter.id, actor: &patient.clinician, action, detail, at }
}

/// The reason of a form: required, and short enough for a log line.
fn reason(sent: Option<&String>, problems: &mut Vec<FieldProblem>) -> String {
    let text = sent.map(|s| s.trim()).unwrap_or_default();
    let message = if text.is_empty() {
        "reason: say why; the lifter reads it in their log".to_owned()
    } else if text.chars().count() > MAX_REASON_CHARS {
        format!("reason: at most {MAX_REASON_CHARS} characters")
    } else {
        return text.to_owned();
    };
    problems.push(FieldProblem { field: REASON.to_owned(), message });
    String::new()
}
