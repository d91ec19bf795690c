//! Errors as answers: pages get an HTML page (or a redirect to log in), the API
//! gets JSON. Nothing internal leaks: a 500 says only that something failed, and
//! the details go to the log.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pullback_store::StoreError;
use serde::Serialize;

/// Why a page request failed.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("sign in first")]
    SignInFirst,
    #[error("this form has expired")]
    Csrf,
    #[error("{0}")]
    BadForm(String),
    #[error("not found")]
    NotFound,
    /// A rate limit refused the attempt; it may be tried again in `retry_after`.
    #[error("too many attempts: {what:?}")]
    TooManyAttempts { what: Attempted, retry_after: std::time::Duration },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, text) = match self {
            PageError::SignInFirst => return Redirect::to("/login").into_response(),
            PageError::Csrf => {
                (StatusCode::FORBIDDEN, "This form has expired", "Go back, reload the page and try again.".to_owned())
            }
            PageError::BadForm(why) => (StatusCode::UNPROCESSABLE_ENTITY, "Please check the form", why),
            PageError::NotFound | PageError::Store(StoreError::NotFound { .. }) => {
                (StatusCode::NOT_FOUND, "Not found", "There is nothing here.".to_owned())
            }
            PageError::TooManyAttempts { what, retry_after } => {
                let title = match what {
                    Attempted::LogIn => "Too many failed log-ins",
                    Attempted::SignUp => "Too many new accounts",
                };
                let text = format!("Wait {}, then try again.", wait_words(retry_after));
                let mut response =
                    (StatusCode::TOO_MANY_REQUESTS, crate::pages::message_page(title, &text)).into_response();
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after.as_secs().max(1).into());
                return response;
            }
            PageError::Store(StoreError::Invalid(why) | StoreError::Conflict(why)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "Please check the form", why)
            }
            PageError::Store(e) => internal(&e),
            PageError::Internal(e) => internal(&*e),
        };
        (status, crate::pages::message_page(title, &text)).into_response()
    }
}

impl From<pullback_app::secrets::SecretError> for PageError {
    fn from(e: pullback_app::secrets::SecretError) -> PageError {
        PageError::Internal(e.into())
    }
}

/// What a rate limit refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempted {
    LogIn,
    SignUp,
}

/// "3 seconds", "2 minutes", "1 hour": a wait, rounded up.
fn wait_words(wait: std::time::Duration) -> String {
    let secs = wait.as_secs().max(1);
    let (n, unit) = match secs {
        0..=90 => (secs, "second"),
        91..=5_400 => (secs.div_ceil(60), "minute"),
        _ => (secs.div_ceil(3_600), "hour"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

fn internal(e: &dyn std::error::Error) -> (StatusCode, &'static str, String) {
    tracing::error!(error = %e, "request failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Please try again in a moment.".to_owned())
}

/// One problem with an API request: the field (a JSON pointer or a name) and what is wrong.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// Why an API request failed; the body is always JSON:
/// `{"error": "invalid", "message": "…", "problems": [{"field": "/sets/0/load", "message": "…"}]}`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("a valid personal access token is required (Authorization: Bearer pb_…)")]
    Unauthorized,
    #[error("not found")]
    NotFound,
    #[error("the request has problems")]
    Invalid(Vec<FieldProblem>),
    /// The body is larger than the route takes (what the limit is).
    #[error("{0}")]
    TooLarge(String),
    /// Too much work is waiting already: try again shortly.
    #[error("the server is busy; try again in a moment")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<pullback_app::secrets::SecretError> for ApiError {
    fn from(e: pullback_app::secrets::SecretError) -> ApiError {
        ApiError::Internal(e.into())
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    problems: &'a [FieldProblem],
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let none: &[FieldProblem] = &[];
        let (status, error, message, problems) = match &self {
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", self.to_string(), none),
            ApiError::NotFound | ApiError::Store(StoreError::NotFound { .. }) => {
                (StatusCode::NOT_FOUND, "not_found", "not found".to_owned(), none)
            }
            ApiError::Invalid(problems) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid", self.to_string(), problems.as_slice())
            }
            ApiError::TooLarge(why) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", why.clone(), none),
            ApiError::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy", self.to_string(), none),
            ApiError::Store(StoreError::Invalid(why)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid", why.clone(), none)
            }
            ApiError::Store(StoreError::Conflict(why)) => (StatusCode::CONFLICT, "conflict", why.clone(), none),
            ApiError::Store(e) => {
                tracing::error!(error = %e, "API request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong".to_owned(), none)
            }
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "API request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong".to_owned(), none)
            }
        };
        let mut response = (status, Json(ErrorBody { error, message, problems })).into_response();
        if matches!(self, ApiError::Unauthorized) {
            response.headers_mut().insert("www-authenticate", axum::http::HeaderValue::from_static("Bearer"));
        }
        if matches!(self, ApiError::Busy) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
        }
        response
    }
}
