//! Reading request bodies: a JSON object, read by the plan contract's event
//! readers (`pullback_contract::read_session` and the others, which give the
//! contract's exact value rules and messages with pointers into the body), plus
//! the few rules of logging something new (what is logged has happened).

use crate::error::{ApiError, FieldProblem};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use pullback_contract::{Problem, format_time, parse_time};
use pullback_core::Point;
use pullback_store::{At, ClientId};
use serde_json::{Map, Value, json};

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
            Ok(other) => Err(invalid("", format!("must be a JSON object, not {}", kind(&other)))),
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

/// "a string", "an array": what a JSON value is, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The contract's problems (pointers into the request body already) as the API's.
pub fn field_problems(problems: Vec<Problem>) -> Vec<FieldProblem> {
    problems.into_iter().map(|p| FieldProblem { field: p.pointer, message: p.message }).collect()
}

/// The event's `at`: the text given, or (when left out) now with the offset of the
/// lifter's zone, written into `event` so the contract reads it like a given one.
pub fn at_or_now(event: &mut Map<String, Value>, now: Timestamp, zone: &TimeZone) {
    if event.get("at").is_none_or(Value::is_null) {
        event.insert("at".into(), json!(At::in_zone(now, zone).to_string()));
    }
}

/// A problem when `event`'s `at` (at pointer `field`) is a valid time after `now`:
/// the log holds what has happened. (An invalid time is the contract's to report.)
pub fn not_in_future(event: &Map<String, Value>, field: &str, now: Timestamp) -> Option<FieldProblem> {
    let text = event.get("at")?.as_str()?;
    let instant = parse_time(text).ok()?;
    (instant > now).then(|| {
        problem(field, format!("{text:?} is in the future (now is {}); log what has happened", format_time(now)))
    })
}

/// A problem when a check-in (at pointer `field`) says `bottom_only` with a point
/// other than `during`: only pain during the lift can be at its bottom.
pub fn bottom_only_goes_with_during(checkin: &Map<String, Value>, field: &str) -> Option<FieldProblem> {
    let point = checkin.get("point").and_then(Value::as_str).and_then(Point::from_id)?;
    let bottom_only = checkin.get("bottom_only").and_then(Value::as_bool).unwrap_or(false);
    (bottom_only && point != Point::During)
        .then(|| problem(field, "goes only with point \"during\" (pain only at the bottom of the lift)"))
}

/// The time to store for a valid `at`: its instant with the offset it was written
/// with, so that a log reads back as it was written.
pub fn stored_at(at: Option<&Value>, instant: Timestamp, zone: &TimeZone) -> At {
    at.and_then(Value::as_str)
        .and_then(|text| text.parse::<At>().ok())
        .filter(|at| at.instant == instant)
        .unwrap_or_else(|| At::in_zone(instant, zone))
}

/// The event the contract read (`pullback_contract::read_session`, …), if neither
/// the contract nor the API's own `rules` found a problem; else 422 with all of
/// them. A rule's problem at a field the contract already refused is left out,
/// so one mistake is not reported twice.
pub fn settle<T>(read: Result<T, Vec<Problem>>, rules: Vec<FieldProblem>) -> Result<T, ApiError> {
    match read {
        Ok(event) if rules.is_empty() => Ok(event),
        Ok(_) => Err(ApiError::Invalid(rules)),
        Err(problems) => {
            let mut problems = field_problems(problems);
            for rule in rules {
                if !problems.iter().any(|p| p.field == rule.field) {
                    problems.push(rule);
                }
            }
            Err(ApiError::Invalid(problems))
        }
    }
}

/// The optional `client_id` of a write a client may send again (a phone retrying
/// what it logged offline), taken out of `body`. `Ok(None)` without one; a problem
/// at `/client_id` for one that is not 8–64 letters, digits, `-` or `_`.
pub fn take_client_id(body: &mut Map<String, Value>) -> Result<Option<ClientId>, FieldProblem> {
    match body.remove("client_id") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => ClientId::parse(&text).map(Some).map_err(|why| problem("/client_id", why)),
        Some(other) => Err(problem("/client_id", format!("must be a string (a UUID, say), not {}", kind(&other)))),
    }
}

/// Problems for the fields of `body` that this request cannot change: a client
/// that sends them means to change them, so they are refused rather than dropped.
pub fn refuse_fixed(body: &Map<String, Value>, fixed: &[&str], why: &str) -> Vec<FieldProblem> {
    fixed
        .iter()
        .filter(|key| body.get(**key).is_some_and(|value| !value.is_null()))
        .map(|key| problem(&format!("/{key}"), format!("cannot be changed here: {why}")))
        .collect()
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
