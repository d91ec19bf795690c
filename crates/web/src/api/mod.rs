//! The JSON API under `/api/v1`: a lifter's log and plan for scripts and other apps.
//!
//! - Callers prove who they are with a personal access token only
//!   (`Authorization: Bearer pb_…`, see [`crate::auth::ApiLifter`]); the browser's
//!   session cookie is never accepted here, so the API needs no CSRF tokens.
//! - Every answer is JSON, errors too ([`crate::error::ApiError`]). Bad input gets
//!   422 with every problem named by JSON pointer into the request body, and
//!   nothing is stored.
//! - Events are read, and listed, by the plan contract
//!   (`pullback_contract::read_posted_session` and the other request readers,
//!   `pullback_contract::Lister`), so a session posted here obeys exactly the rules
//!   of a session in a `pullback.plan/v1` document, its problems read the same, and
//!   no JSON field name of an event is written here.
//! - [`docs`] serves the OpenAPI document; a test checks it lists every route of
//!   the route table under `/api/v1`.

pub mod audit;
pub mod docs;
pub mod edits;
pub mod entries;
pub mod events;
pub mod export;
mod input;
pub mod plan;
pub mod sessions;

/// The prefix of every API route.
pub const PREFIX: &str = "/api/v1";

/// The answer to a write: the id of what was stored.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    /// The stored id (a session id names the session in `POST /api/v1/me/checkins`).
    pub id: i64,
}

/// The answer to a write with a client id: 201 when this call stored it, 200 when
/// an earlier call did (the same body, so that a client handles both alike).
fn written_once(id: i64, created: bool) -> (axum::http::StatusCode, axum::Json<Created>) {
    let status = if created { axum::http::StatusCode::CREATED } else { axum::http::StatusCode::OK };
    (status, axum::Json(Created { id }))
}
