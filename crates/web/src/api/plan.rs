//! The plan: the lifter's stored plan, and the plan contract run on a posted
//! history document (a stateless calculator: it reads and stores nothing).
//!
//! The calculator's memory is bounded: a document is at most
//! [`MAX_DOCUMENT_BYTES`]; one larger than 64 KiB is spooled to a temporary file
//! while it arrives; and documents are read, parsed and planned on
//! [`DOCUMENT_WORKERS`] dedicated threads ([`crate::workers`]), so at most that
//! many are in memory at once.

use super::docs::{ErrorBody, HistoryDocument, Plan};
use super::input::{field_problems, problem};
use crate::auth::ApiLifter;
use crate::error::ApiError;
use crate::state::AppState;
use crate::workers::WorkError;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_LENGTH;
use http_body_util::BodyExt;
use pullback_contract::{PlanOutput, plan_output_str, render};
use std::io::{Read, Seek, Write};

/// The largest history document `POST /api/v1/plan` reads: 8 MiB, about 160,000
/// sets (a long log of many years, 60,000 sets, is about 3 MiB). A larger one gets
/// 413, and is not read past the limit.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

/// How many documents are in memory and being planned at once, across all
/// requests, each on a thread of its own. Planning takes about twelve times a
/// document's size in memory (its text, the values read from it, the history):
/// some 100 MiB for the largest, so about 200 MiB in all, however many arrive
/// together. The others wait their turn, spooled, within the request timeout.
pub const DOCUMENT_WORKERS: usize = 2;

/// How many documents may wait for a worker; past that the answer is 503.
pub const DOCUMENTS_WAITING: usize = 256;

/// Up to this much of a body is kept in memory as it arrives; the rest of a larger
/// one goes to an anonymous temporary file, so that a waiting or slow upload
/// holds little memory.
const IN_MEMORY_BYTES: usize = 64 * 1024;

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
    let decision = state.plans.decision(state.store.as_ref(), lifter.user.id, lifter.revision, state.now()).await?;
    Ok(Json(render(&decision)))
}

/// Runs the plan contract on a `pullback.plan/v1` history document (such as
/// `GET /api/v1/me/export`'s), deciding at its `as_of`. Nothing is stored. The
/// document may have at most 8 MiB.
#[utoipa::path(
    post,
    path = "/api/v1/plan",
    operation_id = "plan_document",
    tag = "plan",
    request_body = HistoryDocument,
    responses(
        (status = 200, description = "The plan (`pullback.plan/v1` output, with the disclaimer).", body = Plan),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 413, description = "The document has more than 8 MiB.", body = ErrorBody),
        (status = 422, description = "The document's problems, by JSON pointer.", body = ErrorBody),
        (status = 503, description = "Too many documents are waiting to be planned; try again shortly.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn evaluate(
    State(state): State<AppState>,
    _lifter: ApiLifter,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PlanOutput>, ApiError> {
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_DOCUMENT_BYTES as u64) {
        return Err(too_large());
    }
    let received = receive(body).await?;
    // Reading, parsing and replaying a long history is blocking CPU work, whose
    // memory grows with the document: on the few planning threads.
    let planned = state
        .documents
        .run(move || match received.into_text() {
            Ok(text) => plan_output_str(&text).map_err(|problems| field_problems(problems, "")),
            Err(e) => Err(vec![problem("", e)]),
        })
        .await;
    match planned {
        Ok(planned) => planned.map(Json).map_err(ApiError::Invalid),
        Err(WorkError::Busy) => Err(ApiError::Busy),
        Err(e @ WorkError::Failed(_)) => Err(anyhow::anyhow!("planning a document: {e}").into()),
    }
}

fn too_large() -> ApiError {
    ApiError::TooLarge(format!("a plan document has at most 8 MiB ({MAX_DOCUMENT_BYTES} bytes)"))
}

/// A body as it arrived: in memory, or (past [`IN_MEMORY_BYTES`]) in a file.
enum Received {
    Memory(Vec<u8>),
    File(std::fs::File, usize),
}

impl Received {
    /// The whole body as text (blocking: it may read the file).
    fn into_text(self) -> Result<String, String> {
        let bytes = match self {
            Received::Memory(bytes) => bytes,
            Received::File(mut file, len) => {
                let mut bytes = Vec::with_capacity(len);
                file.rewind()
                    .and_then(|()| file.read_to_end(&mut bytes))
                    .map_err(|e| format!("the body could not be read back: {e}"))?;
                bytes
            }
        };
        String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {}", e.utf8_error()))
    }
}

/// Reads the body, at most [`MAX_DOCUMENT_BYTES`] of it: the first
/// [`IN_MEMORY_BYTES`] into memory, the rest into an anonymous temporary file.
async fn receive(mut body: Body) -> Result<Received, ApiError> {
    let broken = |e: &dyn std::fmt::Display| super::input::invalid("", format!("the body could not be read: {e}"));
    let mut memory = Vec::new();
    let mut file: Option<tokio::fs::File> = None;
    let mut len = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| broken(&e))?;
        let Ok(data) = frame.into_data() else { continue };
        len += data.len();
        if len > MAX_DOCUMENT_BYTES {
            return Err(too_large());
        }
        match &mut file {
            Some(file) => tokio::io::AsyncWriteExt::write_all(file, &data).await.map_err(spool_failed)?,
            None if len <= IN_MEMORY_BYTES => memory.extend_from_slice(&data),
            None => {
                let mut spool = tokio::task::spawn_blocking(tempfile::tempfile)
                    .await
                    .map_err(|e| spool_failed(std::io::Error::other(e)))?
                    .map_err(spool_failed)?;
                spool.write_all(&memory).map_err(spool_failed)?;
                memory = Vec::new();
                let mut spool = tokio::fs::File::from_std(spool);
                tokio::io::AsyncWriteExt::write_all(&mut spool, &data).await.map_err(spool_failed)?;
                file = Some(spool);
            }
        }
    }
    match file {
        None => Ok(Received::Memory(memory)),
        Some(mut file) => {
            tokio::io::AsyncWriteExt::flush(&mut file).await.map_err(spool_failed)?;
            Ok(Received::File(file.into_std().await, len))
        }
    }
}

fn spool_failed(e: std::io::Error) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("could not spool a plan document: {e}"))
}
