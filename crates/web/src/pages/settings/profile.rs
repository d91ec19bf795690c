//! The profile form: units, working weight, usual variation, time zone and plates.

use super::View;
use crate::auth::Lifter;
use crate::csrf::{CsrfToken, Form};
use crate::error::PageError;
use crate::pages::csrf_field;
use crate::pages::parts::working_weight;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use pullback_core::{Decimal, Load, Units, Variation};
use pullback_store::{StoreError, StoredProfile};
use serde::Deserialize;
use std::str::FromStr;

/// Zones offered in the time-zone field; any other IANA name may be typed.
const COMMON_ZONES: [&str; 24] = [
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Oslo",
    "Europe/Stockholm",
    "Europe/Helsinki",
    "Europe/Warsaw",
    "Europe/Athens",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
];

/// The profile form as sent (and as shown again when refused).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    units: String,
    #[serde(default)]
    working_weight: String,
    #[serde(default)]
    usual_variation: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    plates: String,
}

impl ProfileForm {
    pub(super) fn from_stored(stored: &StoredProfile) -> ProfileForm {
        let p = &stored.profile;
        ProfileForm {
            units: p.units.load_symbol().to_owned(),
            working_weight: p.working_weight.map(|w| w.to_string()).unwrap_or_default(),
            usual_variation: p.usual_variation.exercise().id().to_owned(),
            time_zone: stored.time_zone_name.clone(),
            plates: plates_text(stored.plates.as_deref()),
        }
    }
}

fn plates_text(plates: Option<&[Load]>) -> String {
    plates.map(|p| p.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")).unwrap_or_default()
}

/// The field name of a problem with the profile as a whole.
const WHOLE_PROFILE: &str = "profile";

/// One problem of a form: the field's name, its label, and what is wrong.
#[derive(Debug, Clone)]
pub(super) struct Problem {
    field: &'static str,
    label: &'static str,
    message: String,
}

impl Problem {
    fn new(field: &'static str, label: &'static str, message: impl std::fmt::Display) -> Problem {
        Problem { field, label, message: format!("{label}: {message}") }
    }
}

pub async fn save(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Form(form): Form<ProfileForm>,
) -> Result<Response, PageError> {
    let stored = state.store.profile(lifter.user.id).await?;
    let problems = match apply(&form, stored) {
        Ok(updated) => match state.store.set_profile(lifter.user.id, &updated).await {
            Ok(()) => return Ok(Redirect::to("/settings?saved=1").into_response()),
            Err(StoreError::Invalid(why)) => vec![Problem::new(WHOLE_PROFILE, "Profile", why)],
            Err(e) => return Err(e.into()),
        },
        Err(problems) => problems,
    };
    View::refused(&state, &lifter, &token, |view| {
        view.profile = form;
        view.profile_problems = problems;
    })
    .await
}

/// The profile with the form applied, or every problem found (as `pullback profile
/// set` checks them). Switching units resets the bar, load step, kettlebell and
/// plates to the new unit's defaults, unless other plates are given.
fn apply(form: &ProfileForm, mut stored: StoredProfile) -> Result<StoredProfile, Vec<Problem>> {
    let mut problems = Vec::new();
    let units = match form.units.as_str() {
        "kg" => Units::Kg,
        "lb" => Units::Lb,
        _ => {
            problems.push(Problem::new("units", "Units", "choose kilograms or pounds"));
            stored.profile.units
        }
    };
    // The plates field shows the stored plates: left as it was, they are in the old unit.
    let plates_edited = form.plates.trim() != plates_text(stored.plates.as_deref());
    let units_switched = stored.switch_units(units);
    match working_weight(&form.working_weight) {
        Ok(w) => stored.profile.working_weight = w,
        Err(message) => problems.push(Problem::new("working_weight", "Working weight", message)),
    }
    match Variation::from_id(form.usual_variation.trim()) {
        Some(v) => stored.profile.usual_variation = v,
        None => problems.push(Problem::new("usual_variation", "Usual variation", "choose one of the three deadlifts")),
    }
    if plates_edited || !units_switched {
        match plates(&form.plates) {
            Ok(p) => stored.plates = p,
            Err(message) => problems.push(Problem::new("plates", "Plates", message)),
        }
    }
    match time_zone(&form.time_zone, &stored) {
        Ok(updated) => stored = updated,
        Err(message) => problems.push(Problem::new("time_zone", "Time zone", message)),
    }
    if problems.is_empty() { Ok(stored) } else { Err(problems) }
}

/// Plates as typed, heaviest first; `None` (the unit's usual plates) when empty.
fn plates(text: &str) -> Result<Option<Vec<Load>>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let mut plates = text
        .split(',')
        .map(|item| {
            let item = item.trim();
            let number = Decimal::from_str(item).map_err(|_| format!("“{item}” is not a number"))?;
            Load::parse_positive(number).map_err(|e| format!("“{item}”: {}", e.0))
        })
        .collect::<Result<Vec<Load>, String>>()?;
    plates.sort_by(|a, b| b.cmp(a));
    Ok(Some(plates))
}

fn time_zone(text: &str, stored: &StoredProfile) -> Result<StoredProfile, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("give an IANA name like Europe/Oslo".into());
    }
    stored.clone().with_time_zone(name).map_err(|e| match e {
        StoreError::Invalid(why) => why,
        other => other.to_string(),
    })
}

impl View<'_> {
    fn problem(&self, field: &str) -> Option<&str> {
        self.profile_problems.iter().find(|p| p.field == field).map(|p| p.message.as_str())
    }

    /// A text field with its label, hint and problem.
    fn text_field(&self, field: &'static str, label: &str, value: &str, hint: &str, extra: Markup) -> Markup {
        let problem = self.problem(field);
        let described =
            format!("{field}-hint{}", if problem.is_some() { format!(" {field}-problem") } else { "".into() });
        html! {
            label {
                (label)
                input name=(field) id=(field) value=(value) aria-describedby=(described)
                    aria-invalid=[problem.map(|_| "true")] list=[(field == "time_zone").then_some("zones")];
                span.hint id=(format!("{field}-hint")) { (hint) }
                @if let Some(p) = problem { span.problem id=(format!("{field}-problem")) { (p) } }
                (extra)
            }
        }
    }

    pub(super) fn profile_section(&self) -> Markup {
        let f = &self.profile;
        html! {
            section aria-labelledby="profile-title" {
                h2 #profile-title { "Profile" }
                @if !self.profile_problems.is_empty() {
                    p.problem role="alert" {
                        "Please check: " (self.profile_problems.iter().map(|p| p.label).collect::<Vec<_>>().join(", ")) "."
                    }
                }
                // What the store refused about the profile as a whole has no field to stand by.
                @if let Some(whole) = self.problem(WHOLE_PROFILE) { p.problem { (whole) } }
                form.stack method="post" action="/settings/profile" {
                    (csrf_field(self.token))
                    fieldset.choice {
                        legend { "You lift in" }
                        label { input type="radio" name="units" value="kg" checked[f.units == "kg"]; " kilograms" }
                        label { input type="radio" name="units" value="lb" checked[f.units == "lb"]; " pounds" }
                        span.hint { "Switching units resets the bar, the load step and the plates to the new unit's \
                            defaults; enter your working weight in the new unit." }
                        @if let Some(p) = self.problem("units") { span.problem { (p) } }
                    }
                    (self.text_field("working_weight", if f.units == "lb" { "Working weight (lb)" } else { "Working weight (kg)" }, &f.working_weight,
                        "Your 100 % for the ladder. Leave it empty to take it from your log.", html! {}))
                    label {
                        "Usual variation"
                        select name="usual_variation" {
                            @for v in Variation::ALL {
                                option value=(v.exercise().id()) selected[f.usual_variation == v.exercise().id()] { (v.label()) }
                            }
                        }
                        @if let Some(p) = self.problem("usual_variation") { span.problem { (p) } }
                    }
                    (self.text_field("time_zone", "Time zone", &f.time_zone,
                        "An IANA name like Europe/Oslo: dates and check-in times are shown in it.",
                        html! { datalist #zones { @for z in COMMON_ZONES { option value=(z) {} } } }))
                    (self.text_field("plates", "Plates", &f.plates,
                        "The plates you have, comma-separated, heaviest first, like 25, 20, 15, 10, 5, 2.5, 1.25. \
                         Leave it empty for the usual ones.", html! {}))
                    button type="submit" { "Save profile" }
                }
            }
        }
    }
}
