//! Secret feed links (a lifter's calendar, a clinician's digest): what they share.
//!
//! A link is `/{kind}/{secret}.{ext}`: the secret is 256 random bits in hex, shown
//! once when it is made; the store keeps only its SHA-256, as it does for browser
//! sessions and API tokens, so a copy of the database opens no feed. A link is no
//! session: it opens that one feed and nothing else. An unknown or revoked secret
//! is a plain 404 that says nothing more.

use crate::cookies::secure;
use crate::error::PageError;
use crate::state::AppState;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use pullback_app::secrets::{random_bytes, sha256};
use pullback_store::{Digest, FeedKind, UserId};

/// A new secret: its text (for the link, shown once) and its digest (stored).
pub fn new_secret() -> anyhow::Result<(String, Digest)> {
    let text = hex::encode(random_bytes::<32>()?);
    let digest = sha256(text.as_bytes());
    Ok((text, digest))
}

/// The owner of the link whose last path segment is `file` (`{secret}.{ext}`);
/// `NotFound` for anything else, the same for every way of being wrong.
pub async fn owner(state: &AppState, kind: FeedKind, file: &str, ext: &str) -> Result<UserId, PageError> {
    let secret = file.strip_suffix(ext).and_then(|s| s.strip_suffix('.')).ok_or(PageError::NotFound)?;
    if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(PageError::NotFound);
    }
    // Looked up by digest: the secret itself is never compared or stored.
    let digest = sha256(secret.to_ascii_lowercase().as_bytes());
    state.store.reminders().feed_owner(kind, &digest).await?.ok_or(PageError::NotFound)
}

/// `https://host` (or `http://` when the request came in plain): where links in
/// feeds and the feed links themselves point.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let scheme = if secure(state.config.secure_cookies, headers) { "https" } else { "http" };
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// A feed's answer: its content type, and never kept by any cache (the URL is a
/// secret, and the content personal).
pub fn response(content_type: &'static str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}
