//! The plan: the lifter's stored plan, and the plan contract run on a posted
//! history document (a stateless calculator: it reads and stores nothing).

use super::docs::{ErrorBody, HistoryDocument, Plan};
use super::input::{field_problems, invalid, problem};
use crate::auth::ApiLifter;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use pullback_contract::{PlanOutput, plan_output_str, render};
use pullback_store::planning::stored_decision;

/// The largest history document `POST /api/v1/plan` reads: a long log of many
/// years (60,000 sets is about 3 MiB) fits many times over.
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;

/// The lifter's plan now, from their stored log: the contract's output document.
#[utoipa::path(
    get,
    path = "/api/v1/me/plan",
    operation_id = "stored_plan",
    tag = "plan",
    responses(
        (status = 200, description = "The plan (`pullback.plan/v1` output, with the disclaimer).", body = Plan),
        (status = 401, description = "No valid token.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn stored(State(state): State<AppState>, lifter: ApiLifter) -> Result<Json<PlanOutput>, ApiError> {
    let decision = stored_decision(state.store.as_ref(), lifter.user.id, state.now()).await?;
    Ok(Json(render(&decision)))
}

/// Runs the plan contract on a `pullback.plan/v1` history document (such as
/// `GET /api/v1/me/export`'s), deciding at its `as_of`. Nothing is stored.
#[utoipa::path(
    post,
    path = "/api/v1/plan",
    operation_id = "plan_document",
    tag = "plan",
    request_body = HistoryDocument,
    responses(
        (status = 200, description = "The plan (`pullback.plan/v1` output, with the disclaimer).", body = Plan),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 422, description = "The document's problems, by JSON pointer.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn evaluate(_lifter: ApiLifter, body: Body) -> Result<Json<PlanOutput>, ApiError> {
    let bytes = axum::body::to_bytes(body, MAX_DOCUMENT_BYTES)
        .await
        .map_err(|e| invalid("", format!("the body could not be read (at most {MAX_DOCUMENT_BYTES} bytes): {e}")))?;
    // Parsing and replaying a long history is CPU work: off the async threads.
    let planned = tokio::task::spawn_blocking(move || match std::str::from_utf8(&bytes) {
        Ok(text) => plan_output_str(text).map_err(|problems| field_problems(problems, "")),
        Err(e) => Err(vec![problem("", format!("not UTF-8 text: {e}"))]),
    })
    .await
    .map_err(|e| anyhow::anyhow!("planning failed: {e}"))?;
    planned.map(Json).map_err(ApiError::Invalid)
}
