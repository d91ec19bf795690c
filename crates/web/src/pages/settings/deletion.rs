//! Deleting the account, once the lifter has typed their user name.

use super::View;
use crate::auth::Lifter;
use crate::cookies::{SESSION_COOKIE, secure, set_cookie};
use crate::csrf::{CsrfToken, Form};
use crate::error::PageError;
use crate::pages::csrf_field;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

/// Deletes the lifter with everything logged (browser sessions and tokens too),
/// once they have typed their user name, and signs the browser out.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    lifter: Lifter,
    token: CsrfToken,
    Form(form): Form<DeleteForm>,
) -> Result<Response, PageError> {
    if form.confirm.trim() != lifter.user.name {
        let why =
            format!("Confirm: type your user name, {}, exactly as it is, to delete your account.", lifter.user.name);
        return View::refused(&state, &lifter, &token, |view| view.delete_problem = Some(why)).await;
    }
    state.store.delete_user(lifter.user.id).await?;
    let mut response = Redirect::to("/signup").into_response();
    response
        .headers_mut()
        .append(SET_COOKIE, set_cookie(SESSION_COOKIE, "", None, secure(state.config.secure_cookies, &headers)));
    Ok(response)
}

impl View<'_> {
    pub(super) fn delete_section(&self) -> Markup {
        html! {
            section.danger-zone aria-labelledby="delete-title" {
                h2 #delete-title { "Delete my account" }
                p { "This deletes your account and everything you logged, for good. Download your data first if \
                    you want to keep it." }
                form.stack method="post" action="/settings/delete" {
                    (csrf_field(self.token))
                    label {
                        span { "Type your user name, " strong { (self.lifter.user.name) } ", to confirm" }
                        input name="confirm" autocomplete="off" required
                            aria-invalid=[self.delete_problem.as_ref().map(|_| "true")];
                        @if let Some(p) = &self.delete_problem { span.problem role="alert" { (p) } }
                    }
                    button.danger type="submit" { "Delete my account and data" }
                }
            }
        }
    }
}
