//! Sessions: list them with their ids, and log one with its sets and check-ins.

use super::Created;
use super::docs::{ErrorBody, NewSession as NewSessionDoc, SessionList};
use super::input::{
    JsonObject, at_or_now, bottom_only_goes_with_during, invalid, not_in_future, problem, query_param,
    read_with_contract, settle, stored_at,
};
use crate::auth::ApiLifter;
use crate::error::{ApiError, FieldProblem};
use crate::state::AppState;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::tz::Offset;
use pullback_contract::{WriteOptions, history_document};
use pullback_core::{History, Params, Session};
use pullback_store::{NewSession, SessionEntry, StoredProfile};
use serde_json::{Map, Value, json};

/// The lifter's sessions in time order, each as in a plan document (so a listed
/// session can be posted back) plus the stored ids of the session and its check-ins.
#[utoipa::path(
    get,
    path = "/api/v1/me/sessions",
    operation_id = "list_sessions",
    tag = "log",
    params(("last" = Option<u32>, Query, minimum = 1, description = "Only the latest N sessions; all without it.")),
    responses(
        (status = 200, description = "The sessions, oldest first.", body = SessionList),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 422, description = "`last` is not a whole number of 1 or more.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    lifter: ApiLifter,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let last = match query_param(query.as_deref(), "last")? {
        None => None,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n >= 1 => Some(n),
            _ => return Err(invalid("last", format!("{text:?} is not a whole number of sessions, 1 or more"))),
        },
    };
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    let entries = state.store.sessions(user, last).await?;
    Ok(Json(session_list(&entries, &profile, state.now())))
}

/// Logs a session. `at` defaults to now; sets and check-ins follow the plan
/// contract's rules, and every problem is reported at once by JSON pointer.
#[utoipa::path(
    post,
    path = "/api/v1/me/sessions",
    operation_id = "log_session",
    tag = "log",
    request_body = NewSessionDoc,
    responses(
        (status = 201, description = "Stored.", body = Created),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 422, description = "Problems, by JSON pointer into the body; nothing was stored.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    lifter: ApiLifter,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let now = state.now();
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    let zone = &profile.profile.time_zone;
    let mut event = session_fields(body);
    at_or_now(&mut event, now, zone);
    let rules = session_rules(&event, now);
    let at = event.get("at").cloned();
    let mut wrapper = Map::new();
    wrapper.insert("sessions".into(), json!([event]));
    let read = read_with_contract(wrapper, "/sessions/0", profile.profile.units, now);
    let history = settle(read, rules)?;
    let session = history.sessions.into_iter().next().ok_or_else(|| anyhow::anyhow!("the session was not read"))?;
    let new = NewSession {
        at: stored_at(at.as_ref(), session.at, zone),
        external_id: None,
        exercises: session.exercises,
        checkins: session.checkins,
        note: session.note,
    };
    let id = state.store.add_session(user, &new).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// The fields of a new session. An `id` is left out: the store gives the id (a
/// listed session posted back is a new session).
fn session_fields(mut body: Map<String, Value>) -> Map<String, Value> {
    ["at", "exercises", "checkins"].into_iter().filter_map(|key| body.remove_entry(key)).collect()
}

/// What logging asks beyond the contract: at least one exercise, each with at
/// least one set; no time in the future; `bottom_only` only with `during`.
fn session_rules(session: &Map<String, Value>, now: Timestamp) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    match session.get("exercises") {
        None | Some(Value::Null) => problems.push(problem("/exercises", "is required: log at least one exercise")),
        Some(Value::Array(exercises)) if exercises.is_empty() => {
            problems.push(problem("/exercises", "log at least one exercise"));
        }
        Some(Value::Array(exercises)) => {
            for (i, exercise) in exercises.iter().enumerate() {
                let no_sets = match exercise.get("sets") {
                    None | Some(Value::Null) => true,
                    Some(Value::Array(sets)) => sets.is_empty(),
                    Some(_) => false,
                };
                if exercise.is_object() && no_sets {
                    problems.push(problem(&format!("/exercises/{i}/sets"), "log at least one set"));
                }
            }
        }
        Some(_) => {}
    }
    problems.extend(not_in_future(session, "/at", now));
    if let Some(Value::Array(checkins)) = session.get("checkins") {
        for (i, checkin) in checkins.iter().enumerate() {
            let Some(checkin) = checkin.as_object() else { continue };
            problems.extend(not_in_future(checkin, &format!("/checkins/{i}/at"), now));
            problems.extend(bottom_only_goes_with_during(checkin, &format!("/checkins/{i}/bottom_only")));
        }
    }
    problems
}

/// The sessions written by the contract's writer (loads as exact numbers, times
/// with the offset they were logged in), with their stored ids added.
fn session_list(entries: &[SessionEntry], profile: &StoredProfile, now: Timestamp) -> Value {
    let history = History {
        profile: profile.profile.clone(),
        params: Params::default(),
        sessions: entries.iter().map(|e| Session { id: None, ..e.session.clone() }).collect(),
        checkins: Vec::new(),
        screenings: Vec::new(),
        symmetry_tests: Vec::new(),
    };
    let offsets: Vec<Offset> = entries.iter().map(|e| e.at.offset).collect();
    let options = WriteOptions { time_zone: Some(&profile.time_zone_name), overrides: None, session_offsets: &offsets };
    let mut document = history_document(&history, now, &options);
    let written = match document.get_mut("sessions").map(Value::take) {
        Some(Value::Array(sessions)) => sessions,
        _ => Vec::new(),
    };
    let sessions: Vec<Value> =
        written.into_iter().zip(entries).map(|(session, entry)| with_ids(session, entry)).collect();
    json!({ "units": profile.profile.units.load_symbol(), "sessions": sessions })
}

/// Adds the stored ids to a written session: its own, its external one (from an
/// import) if any, and each check-in's.
fn with_ids(mut written: Value, entry: &SessionEntry) -> Value {
    if let Some(session) = written.as_object_mut() {
        session.insert("id".into(), json!(entry.id.0));
        if let Some(external) = &entry.session.id {
            session.insert("external_id".into(), json!(external));
        }
        if let Some(Value::Array(checkins)) = session.get_mut("checkins") {
            for (checkin, id) in checkins.iter_mut().zip(&entry.checkin_ids) {
                if let Some(checkin) = checkin.as_object_mut() {
                    checkin.insert("id".into(), json!(id.0));
                }
            }
        }
    }
    written
}
