//! Reading request bodies: a JSON object, read by the plan contract's request
//! readers (`pullback_contract::read_posted_session` and the others, which name
//! every field and give the contract's exact value rules and the rules of logging
//! something new, with messages by pointer into the body).

use crate::error::{ApiError, FieldProblem};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use pullback_contract::{Problem, json_kind};
use serde_json::{Map, Value};

/// A request body that is one JSON object. Anything else is 422 at the root
/// pointer (`""`), with a JSON body like every other API error.
#[derive(Debug)]
pub struct JsonObject(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<JsonObject, ApiError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| invalid("", format!("the body could not be read: {}", e.body_text())))?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(object)) => Ok(JsonObject(object)),
            Ok(other) => Err(invalid("", format!("must be a JSON object, not {}", json_kind(&other)))),
            Err(e) => Err(invalid("", format!("not valid JSON: {e}"))),
        }
    }
}

/// One problem as an [`ApiError`].
pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(vec![problem(field, message)])
}

pub fn problem(field: &str, message: impl Into<String>) -> FieldProblem {
    FieldProblem { field: field.to_owned(), message: message.into() }
}

/// The value of query parameter `name`, if given; an unreadable query string is 422.
pub fn query_param(query: Option<&str>, name: &str) -> Result<Option<String>, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
        .map_err(|e| invalid("", format!("the query string cannot be read: {e}")))?;
    Ok(pairs.into_iter().find(|(key, _)| key == name).map(|(_, value)| value))
}

/// The contract's problems (pointers into the request body already) as the API's.
pub fn field_problems(problems: Vec<Problem>) -> Vec<FieldProblem> {
    problems.into_iter().map(|p| FieldProblem { field: p.pointer, message: p.message }).collect()
}

/// The contract's refusal of a request (its problems and the API's own rules,
/// by JSON pointer into the body) as a 422.
pub fn refused(problems: Vec<Problem>) -> ApiError {
    ApiError::Invalid(field_problems(problems))
}

/// The id in an entry's path (`/api/v1/me/sessions/{id}`). One that is not a
/// positive whole number names nothing: 404, like an id that is not the lifter's.
#[derive(Debug, Clone, Copy)]
pub struct PathId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<PathId, ApiError> {
        let Path(text) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| ApiError::NotFound)?;
        text.parse::<i64>().ok().filter(|id| *id >= 1).map(PathId).ok_or(ApiError::NotFound)
    }
}
