//! The lifter's working weight and usual variation, as their clinician sets them.

use super::Data;
use super::{View, audit, problem_for, problem_summary, reason, reason_field, saved};
use crate::auth::Patient;
use crate::csrf::{CsrfToken, Form};
use crate::error::{FieldProblem, PageError};
use crate::pages::csrf_field;
use crate::pages::parts::working_weight;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};
use pullback_core::{Load, Variation};
use pullback_store::StoredProfile;
use serde::Deserialize;

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

/// `POST /clinic/lifters/{lifter}/profile`: the working weight and the usual
/// variation, each change stored with its audit entry.
pub async fn save(
    State(state): State<AppState>,
    patient: Patient,
    token: CsrfToken,
    Form(sent): Form<ProfileFields>,
) -> Result<Response, PageError> {
    let mut problems = Vec::new();
    let weight = working_weight(&sent.working_weight)
        .map_err(|why| {
            problems.push(FieldProblem { field: "working_weight".into(), message: format!("working_weight: {why}") })
        })
        .ok();
    let variation = Variation::from_id(sent.usual_variation.trim());
    if variation.is_none() {
        let message = format!("usual_variation: choose {}", Variation::choices(str::to_owned));
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

impl View<'_> {
    pub(super) fn profile_section(&self, data: &Data, here: &str) -> Markup {
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
                            @for v in Variation::ALL {
                                option value=(v.exercise().id()) selected[fields.usual_variation == v.exercise().id()] {
                                    (v.label())
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
}
