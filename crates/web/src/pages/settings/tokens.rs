//! Personal access tokens for the JSON API: created, shown once, revoked.

use super::View;
use crate::auth::Lifter;
use crate::csrf::{CsrfToken, Form, NoFields};
use crate::error::PageError;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use pullback_app::secrets::new_token;
use pullback_store::{StoreError, TokenId};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

/// Creates a personal access token and shows it, this once: only its digest is kept.
pub async fn create(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let name = form.name.trim();
    let refuse = |why: String| View::refused(&state, &lifter, &token, move |view| view.token_problem = Some(why));
    if name.is_empty() {
        return refuse("Token name: give the token a name, like “my spreadsheet”.".into()).await;
    }
    let (text, digest) = new_token()?;
    match state.store.create_api_token(lifter.user.id, name, &digest).await {
        Ok(_) => {}
        Err(StoreError::Invalid(why)) => return refuse(format!("Token name: {why}")).await,
        Err(e) => return Err(e.into()),
    }
    let body = html! {
        h1 { "Token created" }
        p.notice role="status" { "The token “" (name) "” is ready. Copy it now: it is shown only this once." }
        label { "Your token" input.token readonly value=(text) aria-describedby="token-hint"; }
        p.hint #token-hint { "Send it as " code { "Authorization: Bearer " (text) } ". Anyone with it can read and \
            write your log, so keep it secret; revoke it on the Settings page." }
        p { a.button href="/settings#tokens-title" { "Back to Settings" } }
    };
    let mut response = app_page("Token created", &lifter.user, &token, Nav::Settings, body).into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Revokes one of the lifter's tokens; another lifter's (or no) token is a 404.
pub async fn revoke(
    State(state): State<AppState>,
    lifter: Lifter,
    Path(id): Path<String>,
    Form(_): Form<NoFields>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    state.store.delete_api_token(lifter.user.id, TokenId(id)).await?;
    Ok(Redirect::to("/settings?revoked=1").into_response())
}

impl View<'_> {
    pub(super) fn tokens_section(&self) -> Markup {
        html! {
            section aria-labelledby="tokens-title" {
                h2 #tokens-title { "Personal access tokens" }
                p.hint { "For scripts and other apps using the JSON API: send "
                    code { "Authorization: Bearer <token>" } ". A token acts as you; revoke it when it is no longer used." }
                @if self.tokens.is_empty() {
                    p.muted { "No tokens yet." }
                } @else {
                    table.tokens {
                        thead { tr { th { "Name" } th { "Created" } th { span.visually-hidden { "Revoke" } } } }
                        tbody {
                            @for t in &self.tokens {
                                tr {
                                    td { (t.name) }
                                    td { (t.created_at.to_zoned(self.zone.clone()).strftime("%-d %b %Y")) }
                                    td {
                                        form.inline method="post" action=(format!("/settings/tokens/{}/delete", t.id)) {
                                            (csrf_field(self.token))
                                            button.secondary type="submit" aria-label=(format!("Revoke {}", t.name)) {
                                                "Revoke"
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form.stack method="post" action="/settings/tokens" {
                    (csrf_field(self.token))
                    label {
                        "New token's name"
                        input name="name" required maxlength="64" placeholder="e.g. my spreadsheet"
                            aria-invalid=[self.token_problem.as_ref().map(|_| "true")];
                        @if let Some(p) = &self.token_problem { span.problem role="alert" { (p) } }
                    }
                    button type="submit" { "Create token" }
                }
            }
        }
    }
}
