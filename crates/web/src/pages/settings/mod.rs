//! Settings: the profile, exports and imports of the lifter's data, personal access
//! tokens for the JSON API, and deleting the account. Each is its own POST form, in
//! its own module; this one holds the page that shows them all, and shows it again
//! with a refused form's problems.

pub mod deletion;
pub mod exports;
pub mod import;
pub mod profile;
pub mod tokens;
mod upload;

use crate::auth::Lifter;
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::pages::{Nav, app_page};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::tz::TimeZone;
use maud::{Markup, html};
use profile::{Problem, ProfileForm};
use pullback_store::{ApiToken, StoredProfile};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct SettingsQuery {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    revoked: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Query(query): Query<SettingsQuery>,
) -> Result<Markup, PageError> {
    let profile = state.store.profile(lifter.user.id).await?;
    let mut view = View::new(&state, &lifter, &token, ProfileForm::from_stored(&profile), &profile).await?;
    view.notice = match (query.saved.is_some(), query.revoked.is_some()) {
        (true, _) => Some("Your profile is saved."),
        (_, true) => Some("The token is revoked: it no longer works."),
        _ => None,
    };
    Ok(view.render())
}

/// Everything the settings page shows, with the problems of the form just sent.
struct View<'a> {
    lifter: &'a Lifter,
    token: &'a CsrfToken,
    zone: TimeZone,
    profile: ProfileForm,
    profile_problems: Vec<Problem>,
    tokens: Vec<ApiToken>,
    token_problem: Option<String>,
    delete_problem: Option<String>,
    notice: Option<&'static str>,
}

impl<'a> View<'a> {
    async fn new(
        state: &AppState,
        lifter: &'a Lifter,
        token: &'a CsrfToken,
        profile: ProfileForm,
        stored: &StoredProfile,
    ) -> Result<View<'a>, PageError> {
        let tokens = state.store.api_tokens(lifter.user.id).await?;
        Ok(View {
            lifter,
            token,
            zone: stored.profile.time_zone.clone(),
            profile,
            profile_problems: Vec::new(),
            tokens,
            token_problem: None,
            delete_problem: None,
            notice: None,
        })
    }

    /// The page as a 422: a form on it was refused.
    async fn refused(
        state: &AppState,
        lifter: &'a Lifter,
        token: &'a CsrfToken,
        with: impl FnOnce(&mut View<'a>),
    ) -> Result<Response, PageError> {
        let stored = state.store.profile(lifter.user.id).await?;
        let mut view = View::new(state, lifter, token, ProfileForm::from_stored(&stored), &stored).await?;
        with(&mut view);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, view.render()).into_response())
    }

    fn render(&self) -> Markup {
        let body = html! {
            h1 { "Settings" }
            @if let Some(notice) = self.notice { p.notice role="status" { (notice) } }
            (self.profile_section())
            section aria-labelledby="data-title" {
                h2 #data-title { "Your data" }
                (exports::downloads())
                (self.import_form())
            }
            (self.tokens_section())
            section aria-labelledby="reminders-title" {
                h2 #reminders-title { "Reminders" }
                p { "Check-in reminders in your phone's calendar or as notifications: "
                    a href="/settings/reminders" { "Reminders" } "." }
            }
            section aria-labelledby="care-title" {
                h2 #care-title { "Who can see my data" }
                p { "Clinicians you share your data with, invitations, and everything they did with your data: "
                    a href="/settings/care-team" { "Who can see my data" } "." }
            }
            (self.delete_section())
        };
        app_page("Settings", &self.lifter.user, self.token, Nav::Settings, body)
    }
}
