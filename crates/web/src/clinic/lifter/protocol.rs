//! The clinician's tuning of the protocol's parameters (section 9) for one lifter:
//! every parameter's field, checked against its range, saved all or none.

use super::{Data, REASON};
use super::{View, audit, problem_for, problem_summary, reason, reason_field, saved};
use crate::auth::Patient;
use crate::csrf::{CsrfToken, Form};
use crate::error::{FieldProblem, PageError};
use crate::pages::csrf_field;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};
use pullback_core::{Overrides, ParamKey, ParamRange, Params};
use pullback_store::NewAudit;
use std::collections::HashMap;

/// The input keyboard a parameter's field asks a phone for.
fn input_mode(range: ParamRange) -> &'static str {
    match range {
        ParamRange::Whole(..) | ParamRange::UpToPatternWindow => "numeric",
        ParamRange::Ratio(..) => "decimal",
        ParamRange::Bands => "text",
    }
}

/// The overrides the protocol form asks for, checked against section 9: every
/// problem at once, one per field.
fn overrides_from_form(sent: &HashMap<String, String>) -> Result<Params, Vec<FieldProblem>> {
    let mut overrides = Overrides::default();
    let mut problems = Vec::new();
    for key in ParamKey::ALL {
        let text = sent.get(key.id()).map(String::as_str).unwrap_or_default();
        if let Err(message) = overrides.set_text(key, text) {
            problems.push(param_problem(key, &message));
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
pub async fn save(
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
    let changed: Vec<ParamKey> = ParamKey::ALL.into_iter().filter(|k| before.text(*k) != params.text(*k)).collect();
    if changed.is_empty() {
        return Ok(saved(&patient, "unchanged", "protocol"));
    }
    let entries: Vec<NewAudit<'_>> = changed
        .into_iter()
        .map(|key| {
            let detail = format!(
                "{key} {} → {} (default {}): {why}",
                before.text(key),
                params.text(key),
                Params::default().text(key)
            );
            audit(&patient, "protocol_changed", detail, state.now())
        })
        .collect();
    let mut profile = stored;
    profile.overrides = wanted;
    state.store.set_profile_audited(patient.lifter.id, &profile, &entries).await?;
    Ok(saved(&patient, "protocol", "protocol"))
}

impl View<'_> {
    pub(super) fn protocol_section(&self, data: &Data, here: &str) -> Markup {
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
                    @for key in ParamKey::ALL {
                        @let id = key.id();
                        @let value = match &self.protocol_sent {
                            Some(sent) => sent.get(id).cloned().unwrap_or_default(),
                            None => stored.text(key).unwrap_or_default(),
                        };
                        @let problem = problem_for(&self.protocol_problems, id);
                        label.param {
                            span { code { (id) } " — " (key.words()) }
                            input name=(id) id=(id) value=(value) inputmode=(input_mode(key.range()))
                                placeholder=(defaults.text(key))
                                aria-describedby=(format!("{id}-hint")) aria-invalid=[problem.map(|_| "true")];
                            span.hint id=(format!("{id}-hint")) {
                                "Default " strong { (defaults.text(key)) } " · allowed: "
                                (key.range().hint())
                                " · now: " strong { (current.text(key)) }
                                @if stored.text(key).is_some() { " (set for this lifter)" }
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
}
