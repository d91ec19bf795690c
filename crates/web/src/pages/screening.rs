//! The red-flag screening (eight yes/no questions) and the left/right symmetry test.
//!
//! A screening is stored as answered; the engine reads the latest one, so Today
//! shows urgent care or "see a doctor" after a yes (protocol section 5).

use crate::auth::Lifter;
use crate::csrf::{CsrfToken, Form};
use crate::error::PageError;
use crate::pages::log::problem_list;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pullback_core::{Decimal, RedFlagQuestion, RedFlags, Strength};
use pullback_store::{At, NewScreening, NewSymmetryTest};
use std::collections::HashMap;
use std::str::FromStr;

/// The answers of the form: a ticked box sends "yes", an unticked one nothing.
pub fn answers(fields: &HashMap<String, String>) -> Result<RedFlags, Vec<String>> {
    let mut flags = RedFlags::default();
    let mut problems = Vec::new();
    for RedFlagQuestion { id, question, .. } in RedFlags::QUESTIONS {
        let yes = match fields.get(id).map(|v| v.trim().to_lowercase()).as_deref() {
            None | Some("" | "no") => false,
            Some("yes" | "on") => true,
            Some(other) => {
                problems.push(format!("\"{question}\": {other:?} is not an answer; tick the box for yes."));
                continue;
            }
        };
        if let Some(answer) = flags.answer_mut(id) {
            *answer = yes;
        }
    }
    if problems.is_empty() { Ok(flags) } else { Err(problems) }
}

pub async fn page(lifter: Lifter, token: CsrfToken) -> Markup {
    screening_page(&lifter, &token, &HashMap::new(), &[])
}

pub async fn save(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let answers = match answers(&fields) {
        Ok(answers) => answers,
        Err(problems) => {
            let page = screening_page(&lifter, &token, &fields, &problems);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let profile = state.store.profile(lifter.user.id).await?;
    let at = At::in_zone(state.now(), &profile.profile.time_zone);
    state.store.add_screening(lifter.user.id, &NewScreening { at, answers }).await?;
    Ok(crate::pages::log::saved("screening"))
}

fn screening_page(lifter: &Lifter, token: &CsrfToken, fields: &HashMap<String, String>, problems: &[String]) -> Markup {
    let body = html! {
        h1 { "Red-flag screening" }
        p { "Some back pain needs a doctor rather than training. Tick each question you answer yes to now, "
            "and leave the others empty." }
        (problem_list(problems))
        form.stack method="post" action="/screening" {
            (csrf_field(token))
            fieldset.flags {
                legend { "Tick for yes" }
                @for RedFlagQuestion { id, question, .. } in RedFlags::QUESTIONS {
                    label.check {
                        input type="checkbox" name=(id) value="yes" checked[fields.get(id).is_some_and(|v| v == "yes")];
                        span { (question) }
                    }
                }
            }
            p.hint { "After you save, Today tells you what to do. With a yes to one of the first three, get "
                "emergency care now." }
            button type="submit" { "Save screening" }
        }
        p.links { a href="/symmetry" { "Record a left/right strength test" } }
    };
    app_page("Red-flag screening", &lifter.user, token, Nav::Checkin, body)
}

/// The symmetry test as typed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SymmetryForm {
    #[serde(default)]
    pub left: String,
    #[serde(default)]
    pub right: String,
}

impl SymmetryForm {
    pub fn strengths(&self) -> Result<(Strength, Strength), Vec<String>> {
        let read = |side: &str, text: &str| {
            Decimal::from_str(&text.trim().replace(',', "."))
                .ok()
                .and_then(|d| Strength::parse(d).ok())
                .ok_or_else(|| format!("{side}: enter a number above 0 (the same measure for both sides)."))
        };
        match (read("Left", &self.left), read("Right", &self.right)) {
            (Ok(left), Ok(right)) => Ok((left, right)),
            (left, right) => Err(left.err().into_iter().chain(right.err()).collect()),
        }
    }
}

pub async fn symmetry_page(lifter: Lifter, token: CsrfToken) -> Markup {
    symmetry_form(&lifter, &token, &SymmetryForm::default(), &[])
}

pub async fn save_symmetry(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Form(form): Form<SymmetryForm>,
) -> Result<Response, PageError> {
    let (left, right) = match form.strengths() {
        Ok(sides) => sides,
        Err(problems) => {
            let page = symmetry_form(&lifter, &token, &form, &problems);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let profile = state.store.profile(lifter.user.id).await?;
    let at = At::in_zone(state.now(), &profile.profile.time_zone);
    state.store.add_symmetry_test(lifter.user.id, &NewSymmetryTest { at, left, right }).await?;
    Ok(crate::pages::log::saved("symmetry"))
}

fn symmetry_form(lifter: &Lifter, token: &CsrfToken, form: &SymmetryForm, problems: &[String]) -> Markup {
    let body = html! {
        h1 { "Left/right strength test" }
        p { "Test each side the same way (a single-leg press or hip hinge, say) and enter both results." }
        (problem_list(problems))
        form.stack method="post" action="/symmetry" {
            (csrf_field(token))
            div.row {
                label { "Left" input type="number" name="left" value=(form.left) min="0" step="any" inputmode="decimal"
                    required; }
                label { "Right" input type="number" name="right" value=(form.right) min="0" step="any"
                    inputmode="decimal" required; }
            }
            button type="submit" { "Save test" }
        }
    };
    app_page("Strength test", &lifter.user, token, Nav::Checkin, body)
}
