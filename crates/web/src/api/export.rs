//! The lifter's whole log as a file: JSON (a plan document with the export's
//! extras, which `pullback import` reads), the plan document alone, CSV or FHIR.

use super::docs::ErrorBody;
use super::input::{invalid, query_param};
use crate::auth::ApiLifter;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use pullback_app::export::{fhir_document, full_document, plan_document, write_csv};

/// The formats of `GET /api/v1/me/export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Format {
    /// Everything: the plan document plus a `pullback_export` object (the default).
    Json,
    /// The `pullback.plan/v1` history document alone.
    Plan,
    /// One row per set.
    Csv,
    /// A FHIR R4 bundle of the pain check-ins.
    Fhir,
}

impl Format {
    const ALL: [Format; 4] = [Format::Json, Format::Plan, Format::Csv, Format::Fhir];

    pub fn id(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Plan => "plan",
            Format::Csv => "csv",
            Format::Fhir => "fhir",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json | Format::Plan => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Fhir => "application/fhir+json",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Format::Json => "pullback-export.json",
            Format::Plan => "pullback-plan-input.json",
            Format::Csv => "pullback-sets.csv",
            Format::Fhir => "pullback-fhir.json",
        }
    }
}

/// The lifter's log in `format` (default `json`), as a download.
#[utoipa::path(
    get,
    path = "/api/v1/me/export",
    operation_id = "export",
    tag = "export",
    params(("format" = Option<Format>, Query, description = "json (default), plan, csv or fhir.")),
    responses(
        (status = 200, description = "The file.", content(
            (serde_json::Value = "application/json"),
            (String = "text/csv"),
            (serde_json::Value = "application/fhir+json"),
        )),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 422, description = "An unknown format.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn export(
    State(state): State<AppState>,
    lifter: ApiLifter,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let format = match query_param(query.as_deref(), "format")? {
        None => Format::Json,
        Some(id) => Format::ALL.into_iter().find(|f| f.id() == id).ok_or_else(|| {
            invalid("format", format!("{id:?} is not an export format; use \"json\", \"plan\", \"csv\" or \"fhir\""))
        })?,
    };
    let user = &lifter.user;
    let now = state.now();
    let stored = state.store.history(user.id).await?;
    let profile = state.store.profile(user.id).await?;
    let bytes = match format {
        Format::Json => serde_json::to_vec_pretty(&full_document(now, &user.name, &stored, &profile)),
        Format::Plan => serde_json::to_vec_pretty(&plan_document(now, &stored, &profile)),
        Format::Fhir => serde_json::to_vec_pretty(&fhir_document(now, &user.name, &stored)),
        Format::Csv => {
            let mut out = Vec::new();
            write_csv(&mut out, &stored, &profile).map_err(|e| anyhow::anyhow!("writing the CSV: {e}"))?;
            Ok(out)
        }
    }
    .map_err(|e| anyhow::anyhow!("writing the export: {e}"))?;
    let disposition = format!("attachment; filename=\"{}\"", format.file_name());
    Ok(([(CONTENT_TYPE, format.content_type().to_owned()), (CONTENT_DISPOSITION, disposition)], bytes).into_response())
}
