//! One lifter, seen by a clinician they linked to: the plan and history exactly as
//! the lifter sees them, and the clinician's tools — tuning the protocol's
//! parameters (section 9) for this lifter, their working weight and usual
//! variation, and private notes.
//!
//! Every route takes the lifter from the `{lifter}` path parameter through
//! [`Patient`], so without a care link the answer is 404. Everything the clinician
//! does with the lifter's data, reading included, goes into the lifter's audit log,
//! which the lifter can read; a note's text never does, since notes are private.

use crate::auth::Patient;
use crate::csrf::{CsrfToken, Form};
use crate::error::{FieldProblem, PageError};
use crate::pages::history::{self, Listing};
use crate::pages::today::plan_card;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use maud::{Markup, html};
use pullback_app::planning::stored_decision;
use pullback_core::{Decimal, Load, Overrides, ParamKey, Params, Variation};
use pullback_store::{AuditEntry, ClinicalNote, NewAudit, StoreError, StoredHistory, StoredProfile, User};
use serde::Deserialize;
use std::collections::HashMap;
use std::str::FromStr;

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

    fn protocol_section(&self, data: &Data, here: &str) -> Markup {
        let stored = &data.profile.overrides;
        let current = Params::from_overrides(stored).unwrap_or_default();
        let defaults = Params::default();
        html! {
            section.clinic-form #protocol aria-labelledby="protocol-title" {
                h2 #protocol-title { "Tune the protocol for this lifter" }
                p.hint { "Each parameter of the protocol (section 9). Leave a field empty for the default. \
                    The plan follows at once, and every change goes into the lifter's log with your reason." }
                (problem_summary(&self.protocol_problems))
                form.stack method="post" action=(format!("{here}/protocol")) {
                    (csrf_field(self.token))
                    @for spec in PARAMS {
                        @let id = spec.key.id();
                        @let value = match &self.protocol_sent {
                            Some(sent) => sent.get(id).cloned().unwrap_or_default(),
                            None => override_text(stored, spec.key).unwrap_or_default(),
                        };
                        @let problem = problem_for(&self.protocol_problems, id);
                        label.param {
                            span { code { (id) } " — " (spec.words) }
                            input name=(id) id=(id) value=(value) inputmode=(spec.range.input_mode())
                                placeholder=(effective_text(&defaults, spec.key))
                                aria-describedby=(format!("{id}-hint")) aria-invalid=[problem.map(|_| "true")];
                            span.hint id=(format!("{id}-hint")) {
                                "Default " strong { (effective_text(&defaults, spec.key)) } " · allowed: "
                                (spec.range.text())
                                " · now: " strong { (effective_text(&current, spec.key)) }
                                @if override_text(stored, spec.key).is_some() { " (set for this lifter)" }
                                @else { " (the default)" }
                            }
                            @if let Some(p) = problem { span.problem { (p) } }
                        }
                    }
                    (reason_field("protocol-reason", self.protocol_sent.as_ref().and_then(|s| s.get(REASON)),
                        &self.protocol_problems))
                    button type="submit" { "Save the protocol" }
                }
            }
        }
    }

    fn profile_section(&self, data: &Data, here: &str) -> Markup {
        let p = &data.profile.profile;
        let fields = self.profile_sent.clone().unwrap_or_else(|| ProfileFields::from_stored(&data.profile));
        let unit = p.units.load_symbol();
        let weight_problem = problem_for(&self.profile_problems, "working_weight");
        html! {
            section.clinic-form #profile aria-labelledby="profile-title" {
                h2 #profile-title { "Working weight and usual variation" }
                (problem_summary(&self.profile_problems))
                form.stack method="post" action=(format!("{here}/profile")) {
                    (csrf_field(self.token))
                    label {
                        "Working weight (" (unit) ")"
                        input name="working_weight" id="working_weight" value=(fields.working_weight) inputmode="decimal"
                            aria-describedby="working_weight-hint" aria-invalid=[weight_problem.map(|_| "true")];
                        span.hint id="working_weight-hint" { "The lifter's 100 % for the ladder. Leave it empty to \
                            take it from their log." }
                        @if let Some(problem) = weight_problem { span.problem { (problem) } }
                    }
                    label {
                        "Usual variation"
                        select name="usual_variation" {
                            @for (v, name) in VARIATIONS {
                                option value=(v.exercise().id()) selected[fields.usual_variation == v.exercise().id()] {
                                    (name)
                                }
                            }
                        }
                        @if let Some(problem) = problem_for(&self.profile_problems, "usual_variation") {
                            span.problem { (problem) }
                        }
                    }
                    (reason_field("profile-reason", self.profile_sent.as_ref().map(|f| &f.reason),
                        &self.profile_problems))
                    button type="submit" { "Save" }
                }
            }
        }
    }

    fn notes_section(&self, data: &Data, here: &str) -> Markup {
        let problem = problem_for(&self.note_problems, "text");
        html! {
            section.clinic-notes #notes aria-labelledby="notes-title" {
                h2 #notes-title { "Your private notes" }
                p.hint { "Only you can read these: not the lifter, not their other clinicians. The lifter's log \
                    says that you added a note, never what it says." }
                @if data.notes.is_empty() {
                    p.muted { "No notes yet." }
                } @else {
                    ol.plain.notes {
                        @for note in &data.notes {
                            li {
                                time datetime=(note.created_at.to_string()) { (moment(note.created_at, data.zone())) }
                                p.note-text { (note.text) }
                            }
                        }
                    }
                }
                form.stack method="post" action=(format!("{here}/notes")) {
                    (csrf_field(self.token))
                    label {
                        "New note"
                        textarea name="text" id="text" rows="4" maxlength="10000" required
                            aria-invalid=[problem.map(|_| "true")] { (self.note_sent) }
                        @if let Some(problem) = problem { span.problem role="alert" { (problem) } }
                    }
                    button type="submit" { "Add the note" }
                }
            }
        }
    }
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

// --- The protocol's parameters ---

/// What a parameter accepts, for the form's hints. The checks themselves are
/// [`Params::from_overrides`]'s; a test keeps these texts in step with them.
#[derive(Debug, Clone, Copy)]
enum Range {
    Whole(i64, i64),
    /// From 1 to the effective `pattern_window`.
    UpToPatternWindow,
    Ratio(&'static str, &'static str),
    Bands,
}

impl Range {
    fn text(self) -> String {
        match self {
            Range::Whole(low, high) => format!("a whole number {low}–{high}"),
            Range::UpToPatternWindow => "a whole number from 1 to pattern_window".to_owned(),
            Range::Ratio(low, high) => format!("{low}–{high}"),
            Range::Bands => "DAYS:FACTOR bands, comma-separated, days rising, factors above 0 and at most 1".to_owned(),
        }
    }

    fn input_mode(self) -> &'static str {
        match self {
            Range::Whole(..) | Range::UpToPatternWindow => "numeric",
            Range::Ratio(..) => "decimal",
            Range::Bands => "text",
        }
    }
}

/// One parameter of section 9 in the form.
struct ParamSpec {
    key: ParamKey,
    words: &'static str,
    range: Range,
}

const PARAMS: [ParamSpec; 10] = [
    ParamSpec {
        key: ParamKey::TolerableMax,
        words: "the highest pain (0–10) that is still tolerable; above it is a flare",
        range: Range::Whole(1, 8),
    },
    ParamSpec {
        key: ParamKey::WorseDelta,
        words: "in an episode, 24 h pain this much above the baseline is significantly worse",
        range: Range::Whole(1, 5),
    },
    ParamSpec {
        key: ParamKey::SoreMin,
        words: "24 h pain from which a session counts as sore",
        range: Range::Whole(1, 10),
    },
    ParamSpec {
        key: ParamKey::PatternWindow,
        words: "how many recent sessions the soreness pattern looks at",
        range: Range::Whole(2, 10),
    },
    ParamSpec {
        key: ParamKey::PatternMin,
        words: "how many of them must be sore to start an episode",
        range: Range::UpToPatternWindow,
    },
    ParamSpec {
        key: ParamKey::IntensitySpikeRatio,
        words: "top sets are capped at this × the heaviest of the last 28 days",
        range: Range::Ratio("1.0", "2.0"),
    },
    ParamSpec {
        key: ParamKey::VolumeSpikeAcwr,
        words: "an acute:chronic workload ratio above this is a volume spike",
        range: Range::Ratio("1.0", "3.0"),
    },
    ParamSpec {
        key: ParamKey::LayoffCaps,
        words: "after this many days off, loads are capped at this share of the working weight",
        range: Range::Bands,
    },
    ParamSpec {
        key: ParamKey::EpisodeReferralDays,
        words: "an episode longer than this many days recommends a clinician",
        range: Range::Whole(7, 365),
    },
    ParamSpec {
        key: ParamKey::LsiMin,
        words: "a limb symmetry index below this (with one-sided pain) recommends a clinician",
        range: Range::Ratio("0.5", "1.0"),
    },
];

/// The value in effect for `key`, as the form writes it (decimals without trailing
/// zeros, so that 1.10 and 1.1 are the same value).
fn effective_text(params: &Params, key: ParamKey) -> String {
    match key {
        ParamKey::TolerableMax => params.tolerable_max().to_string(),
        ParamKey::WorseDelta => params.worse_delta().to_string(),
        ParamKey::SoreMin => params.sore_min().to_string(),
        ParamKey::PatternWindow => params.pattern_window().to_string(),
        ParamKey::PatternMin => params.pattern_min().to_string(),
        ParamKey::IntensitySpikeRatio => params.intensity_spike_ratio().normalize().to_string(),
        ParamKey::VolumeSpikeAcwr => params.volume_spike_acwr().normalize().to_string(),
        ParamKey::LayoffCaps => bands_text(params.layoff_caps().iter().map(|b| (i64::from(b.days), b.factor))),
        ParamKey::EpisodeReferralDays => params.episode_referral_days().to_string(),
        ParamKey::LsiMin => params.lsi_min().normalize().to_string(),
    }
}

/// The lifter's own value for `key`, if they have one, as the form writes it.
fn override_text(o: &Overrides, key: ParamKey) -> Option<String> {
    let int = |v: Option<i64>| v.map(|v| v.to_string());
    let dec = |v: Option<Decimal>| v.map(|v| v.normalize().to_string());
    match key {
        ParamKey::TolerableMax => int(o.tolerable_max),
        ParamKey::WorseDelta => int(o.worse_delta),
        ParamKey::SoreMin => int(o.sore_min),
        ParamKey::PatternWindow => int(o.pattern_window),
        ParamKey::PatternMin => int(o.pattern_min),
        ParamKey::IntensitySpikeRatio => dec(o.intensity_spike_ratio),
        ParamKey::VolumeSpikeAcwr => dec(o.volume_spike_acwr),
        ParamKey::LayoffCaps => o.layoff_caps.as_ref().map(|bands| bands_text(bands.iter().copied())),
        ParamKey::EpisodeReferralDays => int(o.episode_referral_days),
        ParamKey::LsiMin => dec(o.lsi_min),
    }
}

/// "14:0.8, 56:0.6, 182:0.5".
fn bands_text(bands: impl Iterator<Item = (i64, Decimal)>) -> String {
    bands.map(|(days, factor)| format!("{days}:{}", factor.normalize())).collect::<Vec<_>>().join(", ")
}

/// Sets `key` in `o` from the form's text (not yet range-checked); an empty text
/// leaves it unset, which means the default.
fn set_from_text(o: &mut Overrides, key: ParamKey, text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    match key {
        ParamKey::TolerableMax => o.tolerable_max = Some(whole(text)?),
        ParamKey::WorseDelta => o.worse_delta = Some(whole(text)?),
        ParamKey::SoreMin => o.sore_min = Some(whole(text)?),
        ParamKey::PatternWindow => o.pattern_window = Some(whole(text)?),
        ParamKey::PatternMin => o.pattern_min = Some(whole(text)?),
        ParamKey::IntensitySpikeRatio => o.intensity_spike_ratio = Some(number(text)?),
        ParamKey::VolumeSpikeAcwr => o.volume_spike_acwr = Some(number(text)?),
        ParamKey::LayoffCaps => o.layoff_caps = Some(bands(text)?),
        ParamKey::EpisodeReferralDays => o.episode_referral_days = Some(whole(text)?),
        ParamKey::LsiMin => o.lsi_min = Some(number(text)?),
    }
    Ok(())
}

fn whole(text: &str) -> Result<i64, String> {
    text.parse().map_err(|_| format!("“{text}” is not a whole number"))
}

fn number(text: &str) -> Result<Decimal, String> {
    Decimal::from_str(text).map_err(|_| format!("“{text}” is not a number; write it like 1.2"))
}

fn bands(text: &str) -> Result<Vec<(i64, Decimal)>, String> {
    text.split(',')
        .map(str::trim)
        .enumerate()
        .map(|(i, band)| {
            let (days, factor) =
                band.split_once(':').ok_or_else(|| format!("band {}, “{band}”, is not DAYS:FACTOR", i + 1))?;
            let days = whole(days.trim()).map_err(|e| format!("band {}: {e}", i + 1))?;
            let factor = number(factor.trim()).map_err(|e| format!("band {}: {e}", i + 1))?;
            Ok((days, factor))
        })
        .collect()
}

/// The overrides the protocol form asks for, checked against section 9: every
/// problem at once, one per field.
fn overrides_from_form(sent: &HashMap<String, String>) -> Result<Params, Vec<FieldProblem>> {
    let mut overrides = Overrides::default();
    let mut problems = Vec::new();
    for spec in &PARAMS {
        let text = sent.get(spec.key.id()).map(String::as_str).unwrap_or_default();
        if let Err(message) = set_from_text(&mut overrides, spec.key, text) {
            problems.push(param_problem(spec.key, &message));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Params::from_overrides(&overrides).map_err(|found| {
        let mut problems: Vec<FieldProblem> = Vec::new();
        for p in found {
            let message = match p.path.first() {
                Some(band) => format!("band {}: {}", band + 1, p.message),
                None => p.message,
            };
            // One message per field: a second problem of a field joins the first.
            match problems.iter_mut().find(|q| q.field == p.key.id()) {
                Some(q) => q.message.push_str(&format!("; {message}")),
                None => problems.push(param_problem(p.key, &message)),
            }
        }
        problems
    })
}

fn param_problem(key: ParamKey, message: &str) -> FieldProblem {
    FieldProblem { field: key.id().to_owned(), message: format!("{key}: {message}") }
}

/// `POST /clinic/lifters/{lifter}/protocol`: the lifter's overrides, all or none,
/// with one audit entry per changed parameter, in one transaction.
pub async fn save_protocol(
    State(state): State<AppState>,
    patient: Patient,
    token: CsrfToken,
    Form(sent): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let params = overrides_from_form(&sent);
    let mut problems = params.as_ref().err().cloned().unwrap_or_default();
    let why = reason(sent.get(REASON), &mut problems);
    let params = match params {
        Ok(params) if problems.is_empty() => params,
        _ => {
            let mut view = View::new(&patient, &token);
            view.protocol_sent = Some(sent);
            view.protocol_problems = problems;
            return view.refused(&state).await;
        }
    };
    let stored = state.store.profile(patient.lifter.id).await?;
    let before = Params::from_overrides(&stored.overrides).unwrap_or_default();
    // Only what differs from the defaults is kept: "4" where 4 is the default is no override.
    let wanted = params.overrides();
    let changed: Vec<ParamKey> =
        ParamKey::ALL.into_iter().filter(|k| effective_text(&before, *k) != effective_text(&params, *k)).collect();
    if changed.is_empty() {
        return Ok(saved(&patient, "unchanged", "protocol"));
    }
    let entries: Vec<NewAudit<'_>> = changed
        .into_iter()
        .map(|key| {
            let detail = format!(
                "{key} {} → {} (default {}): {why}",
                effective_text(&before, key),
                effective_text(&params, key),
                effective_text(&Params::default(), key)
            );
            audit(&patient, "protocol_changed", detail, state.now())
        })
        .collect();
    let mut profile = stored;
    profile.overrides = wanted;
    state.store.set_profile_audited(patient.lifter.id, &profile, &entries).await?;
    Ok(saved(&patient, "protocol", "protocol"))
}

fn saved(patient: &Patient, what: &str, anchor: &str) -> Response {
    Redirect::to(&format!("{}?saved={what}#{anchor}", page_path(&patient.lifter))).into_response()
}

// --- Working weight and usual variation ---

const VARIATIONS: [(Variation, &str); 3] = [
    (Variation::Deadlift, "Deadlift (conventional)"),
    (Variation::SumoDeadlift, "Sumo deadlift"),
    (Variation::TrapBarDeadlift, "Trap bar deadlift"),
];

/// The working weight and usual variation form, as sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProfileFields {
    #[serde(default)]
    working_weight: String,
    #[serde(default)]
    usual_variation: String,
    #[serde(default)]
    reason: String,
}

impl ProfileFields {
    fn from_stored(stored: &StoredProfile) -> ProfileFields {
        let p = &stored.profile;
        ProfileFields {
            working_weight: p.working_weight.map(|w| w.to_string()).unwrap_or_default(),
            usual_variation: p.usual_variation.exercise().id().to_owned(),
            reason: String::new(),
        }
    }
}

fn working_weight(text: &str) -> Result<Option<Load>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let number = Decimal::from_str(text).map_err(|_| {
        format!("working_weight: “{text}” is not a number; write it like 140 or 142.5, or leave it empty")
    })?;
    Load::parse_positive(number).map(Some).map_err(|e| format!("working_weight: “{text}”: {}", e.0))
}

/// `POST /clinic/lifters/{lifter}/profile`: the working weight and the usual
/// variation, each change stored with its audit entry.
pub async fn save_profile(
    State(state): State<AppState>,
    patient: Patient,
    token: CsrfToken,
    Form(sent): Form<ProfileFields>,
) -> Result<Response, PageError> {
    let mut problems = Vec::new();
    let weight = working_weight(&sent.working_weight)
        .map_err(|message| problems.push(FieldProblem { field: "working_weight".into(), message }))
        .ok();
    let variation = Variation::from_id(sent.usual_variation.trim());
    if variation.is_none() {
        let message = "usual_variation: choose deadlift, sumo_deadlift or trap_bar_deadlift".to_owned();
        problems.push(FieldProblem { field: "usual_variation".into(), message });
    }
    let why = reason(Some(&sent.reason), &mut problems);
    let (weight, variation) = match (weight, variation) {
        (Some(weight), Some(variation)) if problems.is_empty() => (weight, variation),
        _ => return refuse_profile(&state, &patient, &token, sent, problems).await,
    };
    let mut profile = state.store.profile(patient.lifter.id).await?;
    let unit = profile.profile.units.load_symbol();
    let weight_words = |w: Option<Load>| w.map_or_else(|| "from their log".to_owned(), |w| format!("{w} {unit}"));
    let mut entries = Vec::new();
    if profile.profile.working_weight != weight {
        let detail = format!(
            "working_weight {} → {}: {why}",
            weight_words(profile.profile.working_weight),
            weight_words(weight)
        );
        profile.profile.working_weight = weight;
        entries.push(audit(&patient, "profile_changed", detail, state.now()));
    }
    if profile.profile.usual_variation != variation {
        let detail = format!(
            "usual_variation {} → {}: {why}",
            profile.profile.usual_variation.exercise().id(),
            variation.exercise().id()
        );
        profile.profile.usual_variation = variation;
        entries.push(audit(&patient, "profile_changed", detail, state.now()));
    }
    if entries.is_empty() {
        return Ok(saved(&patient, "unchanged", "profile"));
    }
    state.store.set_profile_audited(patient.lifter.id, &profile, &entries).await?;
    Ok(saved(&patient, "profile", "profile"))
}

async fn refuse_profile(
    state: &AppState,
    patient: &Patient,
    token: &CsrfToken,
    sent: ProfileFields,
    problems: Vec<FieldProblem>,
) -> Result<Response, PageError> {
    let mut view = View::new(patient, token);
    view.profile_sent = Some(sent);
    view.profile_problems = problems;
    view.refused(state).await
}

// --- Private notes ---

#[derive(Debug, Deserialize)]
pub struct NoteFields {
    #[serde(default)]
    text: String,
}

/// `POST /clinic/lifters/{lifter}/notes`: a private note. The lifter's log records
/// that a note was added, never its text.
pub async fn add_note(
    State(state): State<AppState>,
    patient: Patient,
    token: CsrfToken,
    Form(sent): Form<NoteFields>,
) -> Result<Response, PageError> {
    let text = sent.text.trim();
    let refusal = if text.is_empty() {
        Some("text: write the note first".to_owned())
    } else {
        match state.store.add_note(patient.lifter.id, patient.clinician.id, text, state.now()).await {
            Ok(_) => None,
            Err(StoreError::Invalid(why)) => Some(format!("text: {why}")),
            Err(e) => return Err(e.into()),
        }
    };
    if let Some(message) = refusal {
        let mut view = View::new(&patient, &token);
        view.note_problems = vec![FieldProblem { field: "text".into(), message }];
        view.note_sent = sent.text;
        return view.refused(&state).await;
    }
    let entry = audit(&patient, "note_added", "a private note (only its author can read it)".to_owned(), state.now());
    state.store.record_audit(&entry).await?;
    Ok(saved(&patient, "note", "notes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(key: ParamKey, text: &str) -> Result<Params, Vec<pullback_core::ParamProblem>> {
        let mut o = Overrides::default();
        set_from_text(&mut o, key, text).unwrap_or_else(|e| panic!("{key} {text}: {e}"));
        // pattern_window's low end needs pattern_min to fit under it.
        if key == ParamKey::PatternWindow {
            o.pattern_min = Some(1);
        }
        Params::from_overrides(&o)
    }

    #[test]
    fn the_ranges_shown_are_the_ranges_checked() {
        for spec in &PARAMS {
            let key = spec.key;
            match spec.range {
                Range::Whole(low, high) => {
                    assert!(with(key, &low.to_string()).is_ok(), "{key} {low}");
                    assert!(with(key, &high.to_string()).is_ok(), "{key} {high}");
                    assert!(with(key, &(low - 1).to_string()).is_err(), "{key} below {low}");
                    assert!(with(key, &(high + 1).to_string()).is_err(), "{key} above {high}");
                }
                Range::Ratio(low, high) => {
                    let step = Decimal::new(1, 2);
                    let (low, high) = (number(low).unwrap(), number(high).unwrap());
                    assert!(with(key, &low.to_string()).is_ok(), "{key} {low}");
                    assert!(with(key, &high.to_string()).is_ok(), "{key} {high}");
                    assert!(with(key, &(low - step).to_string()).is_err(), "{key} below {low}");
                    assert!(with(key, &(high + step).to_string()).is_err(), "{key} above {high}");
                }
                Range::UpToPatternWindow => {
                    assert!(with(key, "1").is_ok());
                    assert!(with(key, "4").is_ok(), "the default pattern_window is 4");
                    assert!(with(key, "5").is_err());
                    assert!(with(key, "0").is_err());
                }
                Range::Bands => {
                    assert!(with(key, "10:0.9, 30:0.7").is_ok());
                    assert!(with(key, "30:0.9, 10:0.7").is_err(), "days must rise");
                    assert!(with(key, "10:1.1").is_err(), "a factor above 1");
                }
            }
        }
    }

    #[test]
    fn every_parameter_is_in_the_form_and_the_defaults_read_back() {
        let keys: Vec<ParamKey> = PARAMS.iter().map(|p| p.key).collect();
        assert_eq!(keys, ParamKey::ALL);
        let defaults = Params::default();
        let mut o = Overrides::default();
        for key in ParamKey::ALL {
            set_from_text(&mut o, key, &effective_text(&defaults, key)).unwrap();
        }
        assert_eq!(Params::from_overrides(&o), Ok(Params::default()));
        assert_eq!(effective_text(&defaults, ParamKey::LayoffCaps), "14:0.8, 56:0.6, 182:0.5");
    }

    #[test]
    fn bad_text_names_the_band() {
        assert_eq!(bands("14:0.8, 56"), Err("band 2, “56”, is not DAYS:FACTOR".to_owned()));
        assert_eq!(whole("4.0"), Err("“4.0” is not a whole number".to_owned()));
    }
}
