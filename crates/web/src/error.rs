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
    #[error("too many failed log-ins")]
    TooManyAttempts,
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
            PageError::TooManyAttempts => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many failed log-ins",
                "Wait 15 minutes, then try again.".to_owned(),
            ),
            PageError::Store(StoreError::Invalid(why) | StoreError::Conflict(why)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "Please check the form", why)
            }
            PageError::Store(e) => internal(&e),
            PageError::Internal(e) => internal(&*e),
        };
        (status, crate::pages::message_page(title, &text)).into_response()
    }
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
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
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
        response
    }
}
