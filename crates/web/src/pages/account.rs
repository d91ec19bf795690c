//! Sign up, log in, log out.

use crate::auth::{
    Lifter, SESSION_COOKIE, admit, login_limits, password_work, secure, set_cookie, signup_limits, start_session,
};
use crate::csrf::{CsrfToken, Form, NoFields, renewed_nonce_cookie};
use crate::error::{Attempted, PageError};
use crate::pages::{csrf_field, public_page};
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use pullback_app::secrets::{MIN_PASSWORD_CHARS, hash_password, verify_password};
use pullback_core::Units;
use pullback_store::{StoreError, StoredProfile};
use serde::Deserialize;
use std::net::SocketAddr;

/// The same words for a wrong password and an unknown user, so that the answer
/// does not tell whether an account exists.
const WRONG_CREDENTIALS: &str = "Wrong user name or password.";

pub async fn login_page(token: CsrfToken) -> Markup {
    login_form(&token, None, "")
}

fn login_form(token: &CsrfToken, problem: Option<&str>, name: &str) -> Markup {
    public_page(
        "Log in",
        html! {
            h1 { "Log in" }
            @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
            form.stack method="post" action="/login" {
                (csrf_field(token))
                label { "User name" input name="name" autocomplete="username" required value=(name); }
                label { "Password" input name="password" type="password" autocomplete="current-password" required; }
                button type="submit" { "Log in" }
            }
            p { "New here? " a href="/signup" { "Create an account" } }
            p.hint { "Forgot your password? Your server's admin can set a new one with "
                code { "pullback user reset-password" } "." }
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    token: CsrfToken,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let name = form.name.trim().to_owned();
    let address = crate::auth::client_address(&state, &headers, address.ip());
    // Counted before the password is checked, in one step with the check of the
    // limits, so that guesses sent together cannot all get past it.
    let limits = login_limits(&name, address);
    admit(&state, &limits, Attempted::LogIn).await?;
    let admitted_at = state.now();
    let credentials = state.store.credentials(&name).await?;
    let hash = credentials.as_ref().and_then(|c| c.password_hash.clone());
    let password = form.password;
    let ok = password_work(&state.passwords, move || verify_password(&password, hash.as_deref())).await?;
    let Some(user) = credentials.filter(|_| ok).map(|c| c.user) else {
        let page = login_form(&token, Some(WRONG_CREDENTIALS), &name);
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    // Not a failure after all: this address starts afresh at this account, and the
    // address's count loses this attempt.
    state.store.clear_attempts(&limits[0].subject).await?;
    state.store.forget_attempt(&limits[1].subject, admitted_at).await?;
    signed_in(&state, &headers, &user).await
}

/// Redirects with a new session cookie and a new CSRF nonce: a clinician to their
/// caseload (the page they come for), a lifter to Today.
async fn signed_in(state: &AppState, headers: &HeaderMap, user: &pullback_store::User) -> Result<Response, PageError> {
    let session = start_session(state, user, headers).await?;
    let nonce = renewed_nonce_cookie(state, headers)?;
    let mut response = Redirect::to(if user.clinician { "/clinic" } else { "/" }).into_response();
    response.headers_mut().append(SET_COOKIE, session);
    response.headers_mut().append(SET_COOKIE, nonce);
    Ok(response)
}

pub async fn signup_page(State(state): State<AppState>, token: CsrfToken) -> Markup {
    signup_form(&token, None, "", state.config.allow_clinician_signup)
}

/// The sign-up form; the clinician box only when the server lets clinicians sign up.
fn signup_form(token: &CsrfToken, problem: Option<&str>, name: &str, clinician_box: bool) -> Markup {
    public_page(
        "Create an account",
        html! {
            h1 { "Create an account" }
            @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
            form.stack method="post" action="/signup" {
                (csrf_field(token))
                label { "User name" input name="name" autocomplete="username" required maxlength="64" value=(name); }
                label { "Password (at least " (MIN_PASSWORD_CHARS) " characters)"
                    input name="password" type="password" autocomplete="new-password" required minlength=(MIN_PASSWORD_CHARS); }
                fieldset.choice {
                    legend { "You lift in" }
                    label { input type="radio" name="units" value="kg" checked; " kilograms" }
                    label { input type="radio" name="units" value="lb"; " pounds" }
                }
                // Filled in by app.js from the browser; UTC without JavaScript (change it in Settings).
                input type="hidden" name="time_zone" value="UTC" data-fill="time-zone";
                @if clinician_box {
                    label.check { input type="checkbox" name="clinician" value="on";
                        " I am a clinician (physical therapist or coach)" }
                    p.hint { "Clinicians can invite lifters, who choose to share their training data with them." }
                }
                button type="submit" { "Create account" }
            }
            p { "Have an account? " a href="/login" { "Log in" } }
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct SignupForm {
    name: String,
    password: String,
    units: String,
    #[serde(default)]
    time_zone: String,
    /// `on` when the clinician box is ticked (ignored unless the server allows it).
    #[serde(default)]
    clinician: Option<String>,
}

pub async fn signup(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    token: CsrfToken,
    Form(form): Form<SignupForm>,
) -> Result<Response, PageError> {
    let name = form.name.trim().to_owned();
    let refuse = |problem: &str| {
        let page = signup_form(&token, Some(problem), &name, state.config.allow_clinician_signup);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    if form.password.chars().count() < MIN_PASSWORD_CHARS {
        return refuse(&format!("The password needs at least {MIN_PASSWORD_CHARS} characters."));
    }
    let units = match form.units.as_str() {
        "kg" => Units::Kg,
        "lb" => Units::Lb,
        _ => return refuse("Choose kilograms or pounds."),
    };
    let zone = if form.time_zone.trim().is_empty() { "UTC" } else { form.time_zone.trim() };
    let profile =
        StoredProfile::new(units).with_time_zone(zone).or_else(|_| Ok::<_, StoreError>(StoredProfile::new(units)))?;
    // Counted before the password is hashed: a sign-up costs the server a hash.
    let address = crate::auth::client_address(&state, &headers, address.ip());
    admit(&state, &signup_limits(address), Attempted::SignUp).await?;
    let password = form.password;
    let hash = password_work(&state.passwords, move || hash_password(&password)).await??;
    let user = match state.store.create_account(&name, &profile, &hash).await {
        Ok(user) => user,
        Err(StoreError::Conflict(_)) => return refuse("That user name is taken; choose another."),
        Err(StoreError::Invalid(why)) => return refuse(&why),
        Err(e) => return Err(e.into()),
    };
    let user = if state.config.allow_clinician_signup && form.clinician.as_deref() == Some("on") {
        state.store.set_clinician(user.id, true).await?;
        pullback_store::User { clinician: true, ..user }
    } else {
        user
    };
    signed_in(&state, &headers, &user).await
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    lifter: Lifter,
    Form(_): Form<NoFields>,
) -> Result<Response, PageError> {
    state.store.delete_web_session(&lifter.session).await?;
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(SET_COOKIE, set_cookie(SESSION_COOKIE, "", None, secure(&state, &headers)));
    Ok(response)
}
