//! Downloads of everything the lifter logged: JSON, CSV and FHIR.

use crate::auth::Lifter;
use crate::error::PageError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pullback_app::export::{fhir_document, full_document, write_csv};
use pullback_store::StoredProfile;

pub async fn json(State(state): State<AppState>, lifter: Lifter) -> Result<Response, PageError> {
    let (stored, profile) = read_all(&state, &lifter).await?;
    let doc = full_document(state.now(), &lifter.user.name, &stored, &profile);
    let body = serde_json::to_vec_pretty(&doc).map_err(anyhow::Error::from)?;
    Ok(download(body, "application/json", &file_name(&state, &lifter, "json")))
}

pub async fn csv(State(state): State<AppState>, lifter: Lifter) -> Result<Response, PageError> {
    let (stored, profile) = read_all(&state, &lifter).await?;
    let mut body = Vec::new();
    write_csv(&mut body, &stored, &profile).map_err(anyhow::Error::from)?;
    Ok(download(body, "text/csv; charset=utf-8", &file_name(&state, &lifter, "csv")))
}

pub async fn fhir(State(state): State<AppState>, lifter: Lifter) -> Result<Response, PageError> {
    let stored = state.store.history(lifter.user.id).await?;
    let doc = fhir_document(state.now(), &lifter.user.name, &stored);
    let body = serde_json::to_vec_pretty(&doc).map_err(anyhow::Error::from)?;
    Ok(download(body, "application/fhir+json", &file_name(&state, &lifter, "fhir.json")))
}

async fn read_all(
    state: &AppState,
    lifter: &Lifter,
) -> Result<(pullback_store::StoredHistory, StoredProfile), PageError> {
    let stored = state.store.history(lifter.user.id).await?;
    let profile = state.store.profile(lifter.user.id).await?;
    Ok((stored, profile))
}

/// `pullback-NAME-DATE.EXT`, with anything but letters, digits, `-` and `_` in the
/// name replaced, so the header needs no quoting rules.
fn file_name(state: &AppState, lifter: &Lifter, extension: &str) -> String {
    let name: String = lifter
        .user
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    let date = state.now().strftime("%Y-%m-%d");
    format!("pullback-{name}-{date}.{extension}")
}

/// A file to save, never cached (it is personal data).
fn download(body: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CONTENT_DISPOSITION, disposition);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The links to each download.
pub(super) fn downloads() -> Markup {
    html! {
        p { "Download everything you logged:" }
        ul.plain.downloads {
            li { a.button.secondary href="/settings/export.json" download { "All data (JSON)" } }
            li { a.button.secondary href="/settings/export.csv" download { "Sets (CSV)" } }
            li { a.button.secondary href="/settings/export.fhir.json" download { "Pain scores (FHIR JSON)" } }
        }
    }
}
