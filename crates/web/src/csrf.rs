//! CSRF protection for the pages' forms: a signed double-submit token.
//!
//! Every browser gets a random nonce in the HttpOnly `pb_csrf` cookie. A form's
//! token is HMAC-SHA256(server secret, nonce + the session id's digest): another
//! site can make the browser send the cookie, but cannot read a page to learn the
//! token, and a token from before log-in (or from another session) does not work
//! after it. The nonce is renewed at log-in.

use crate::auth::{SESSION_COOKIE, cookie_value, secure, set_cookie};
use crate::error::PageError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use hmac::{Hmac, Mac};
use jiff::SignedDuration;
use pullback_app::secrets::sha256;
use serde::de::DeserializeOwned;

pub const CSRF_COOKIE: &str = "pb_csrf";
/// The form field that carries the token.
pub const FIELD: &str = "csrf";
const NONCE_LIFETIME: SignedDuration = SignedDuration::from_hours(24 * 365);
/// The largest form body read (the CSV upload is multipart and has its own limit).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// A nonce made for this request, when the browser had none yet.
#[derive(Debug, Clone)]
struct FreshNonce(String);

/// Middleware: gives a browser without a nonce a new one (cookie set on the response).
pub async fn ensure_nonce(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if cookie_value(request.headers(), CSRF_COOKIE).is_some() {
        return next.run(request).await;
    }
    let Ok(bytes) = pullback_app::secrets::random_bytes::<32>() else { return next.run(request).await };
    let nonce = hex::encode(bytes);
    let secure = secure(&state, request.headers());
    request.extensions_mut().insert(FreshNonce(nonce.clone()));
    let mut response = next.run(request).await;
    // A handler that set its own (log-in renews it) wins.
    let already =
        response.headers().get_all(SET_COOKIE).iter().any(|v| v.as_bytes().starts_with(CSRF_COOKIE.as_bytes()));
    if !already {
        response.headers_mut().append(SET_COOKIE, set_cookie(CSRF_COOKIE, &nonce, Some(NONCE_LIFETIME), secure));
    }
    response
}

/// A new nonce cookie, for log-in and sign-up.
pub fn renewed_nonce_cookie(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<axum::http::HeaderValue, PageError> {
    let nonce = hex::encode(pullback_app::secrets::random_bytes::<32>()?);
    Ok(set_cookie(CSRF_COOKIE, &nonce, Some(NONCE_LIFETIME), secure(state, headers)))
}

fn mac(secret: &[u8], nonce: &str, session: Option<&str>) -> Option<Hmac<sha2::Sha256>> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).ok()?;
    mac.update(nonce.as_bytes());
    mac.update(b"|");
    if let Some(session) = session {
        mac.update(&sha256(session.as_bytes()));
    }
    Some(mac)
}

fn token_for(secret: &[u8], nonce: &str, session: Option<&str>) -> String {
    mac(secret, nonce, session).map(|m| hex::encode(m.finalize().into_bytes())).unwrap_or_default()
}

/// The token to put in this page's forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

impl FromRequestParts<AppState> for CsrfToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<CsrfToken, Self::Rejection> {
        let nonce = cookie_value(&parts.headers, CSRF_COOKIE)
            .or_else(|| parts.extensions.get::<FreshNonce>().map(|n| n.0.clone()))
            .unwrap_or_default();
        let session = cookie_value(&parts.headers, SESSION_COOKIE);
        Ok(CsrfToken(token_for(&state.secret, &nonce, session.as_deref())))
    }
}

/// Checks `token` against the browser's nonce cookie and session. Only a nonce the
/// browser sent counts: one made for this very request was never in a form.
pub fn verify(state: &AppState, headers: &axum::http::HeaderMap, token: Option<&str>) -> Result<(), PageError> {
    let nonce = cookie_value(headers, CSRF_COOKIE).ok_or(PageError::Csrf)?;
    let session = cookie_value(headers, SESSION_COOKIE);
    let given = token.and_then(|t| hex::decode(t).ok()).ok_or(PageError::Csrf)?;
    let mac = mac(&state.secret, &nonce, session.as_deref()).ok_or(PageError::Csrf)?;
    // In constant time.
    mac.verify_slice(&given).map_err(|_| PageError::Csrf)
}

/// A form with nothing but its token (log out, delete).
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

/// A URL-encoded form whose CSRF token has been checked. Unknown fields (the token
/// among them) are ignored by `T`.
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Form<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Form<T>, PageError> {
        let headers = request.headers().clone();
        let body = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|_| PageError::BadForm("the form is too large".into()))?;
        let token = field(&body, FIELD);
        verify(state, &headers, token.as_deref())?;
        serde_urlencoded::from_bytes(&body).map(Form).map_err(|e| PageError::BadForm(e.to_string()))
    }
}

fn field(body: &Bytes, name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}
