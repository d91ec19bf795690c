//! Sessions: list them with their ids, log one with its sets and check-ins (once
//! per client id), change or delete one.

use super::docs::{
    ErrorBody, NewSession as NewSessionDoc, SessionChange as SessionChangeDoc, SessionList, StoredSession,
};
use super::entries::find_session;
use super::input::{
    JsonObject, PathId, at_or_now, bottom_only_goes_with_during, invalid, not_in_future, problem, query_param,
    refuse_fixed, settle, stored_at, take_client_id,
};
use super::{Created, audit, written_once};
use crate::auth::ApiLifter;
use crate::error::{ApiError, FieldProblem};
use crate::state::AppState;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::tz::Offset;
use pullback_contract::{WriteOptions, history_document};
use pullback_core::{ExerciseLog, History, Params, Session, Units};
use pullback_store::{At, Edit, Entry, NewSession, SessionEntry, SessionId, StoredProfile};
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
/// contract's rules, and every problem is reported at once by JSON pointer. With a
/// `client_id`, a retry of a session already stored stores nothing and answers 200
/// with the stored id.
#[utoipa::path(
    post,
    path = "/api/v1/me/sessions",
    operation_id = "log_session",
    tag = "log",
    request_body = NewSessionDoc,
    responses(
        (status = 201, description = "Stored.", body = Created),
        (status = 200, description = "Stored before, under this `client_id`: nothing was written; the id is the stored session's.", body = Created),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 422, description = "Problems, by JSON pointer into the body; nothing was stored.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    lifter: ApiLifter,
    JsonObject(mut body): JsonObject,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let now = state.now();
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    let zone = &profile.profile.time_zone;
    let client = take_client_id(&mut body);
    let mut event = session_fields(body);
    at_or_now(&mut event, now, zone);
    let mut rules = session_rules(&event, now);
    rules.extend(client.as_ref().err().cloned());
    let at = event.get("at").cloned();
    let session = read_session(event, &profile, now, rules)?;
    let new = NewSession {
        at: stored_at(at.as_ref(), session.at, zone),
        external_id: None,
        exercises: session.exercises,
        checkins: session.checkins,
        note: session.note,
    };
    match client.ok().flatten() {
        Some(client) => {
            let stored = state.store.add_session_once(user, &client, &new).await?;
            Ok(written_once(stored.id.0, stored.created))
        }
        None => Ok((StatusCode::CREATED, Json(Created { id: state.store.add_session(user, &new).await?.0 }))),
    }
}

/// `event` read as the contract reads a session, if neither the contract nor
/// `rules` found a problem.
fn read_session(
    event: Map<String, Value>,
    profile: &StoredProfile,
    now: Timestamp,
    rules: Vec<FieldProblem>,
) -> Result<Session, ApiError> {
    settle(pullback_contract::read_session(event, profile.profile.units, now), rules)
}

/// Changes one of the lifter's sessions: its time (kept when `at` is left out)
/// and its exercises, read and checked as a posted session's. Its check-ins stay
/// as they are (those without a time of their own move with the session): a
/// check-in is changed at `PATCH /api/v1/me/checkins/{id}`.
#[utoipa::path(
    patch,
    path = "/api/v1/me/sessions/{id}",
    operation_id = "change_session",
    tag = "log",
    params(("id" = i64, Path, description = "The session's id (from `GET /api/v1/me/sessions`).")),
    request_body = SessionChangeDoc,
    responses(
        (status = 200, description = "Changed; the session as listed now.", body = StoredSession),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 404, description = "You have no session with that id.", body = ErrorBody),
        (status = 422, description = "Problems, by JSON pointer into the body; nothing was changed.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn change(
    State(state): State<AppState>,
    lifter: ApiLifter,
    PathId(id): PathId,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let now = state.now();
    let user = &lifter.user;
    let id = SessionId(id);
    // Found before the body is read: another lifter's id is 404 whatever fields it has.
    let before = find_session(state.store.as_ref(), user.id, id).await?;
    let profile = state.store.profile(user.id).await?;
    let (at, exercises) = read_change(body, &before, &profile, now)?;
    let changes =
        audit::session_changes((before.at, &before.session.exercises), (at, &exercises), profile.profile.units);
    let detail = audit::detail(&audit::session_name(before.at), &changes);
    let entry = Entry::Session(id);
    let record = audit::by_lifter(user, audit::changed_action(entry), detail, now);
    state.store.edit_entry(entry, &Edit::Session { at, exercises }, &record).await?;
    let after = find_session(state.store.as_ref(), user.id, id).await?;
    Ok(Json(first_session(session_list(&[after], &profile, now))))
}

/// The new time and exercises of a session, from a body like a posted session's.
fn read_change(
    body: Map<String, Value>,
    before: &SessionEntry,
    profile: &StoredProfile,
    now: Timestamp,
) -> Result<(At, Vec<ExerciseLog>), ApiError> {
    let mut refused = refuse_fixed(&body, &["checkins"], "change a check-in at /api/v1/me/checkins/{id}");
    let mut event: Map<String, Value> =
        ["at", "exercises"].into_iter().filter_map(|key| body.get(key).map(|v| (key.to_owned(), v.clone()))).collect();
    if event.get("at").is_none_or(Value::is_null) {
        event.insert("at".into(), json!(before.at.to_string()));
    }
    refused.extend(session_rules(&event, now));
    let at = event.get("at").cloned();
    let session = read_session(event, profile, now, refused)?;
    Ok((stored_at(at.as_ref(), session.at, &profile.profile.time_zone), session.exercises))
}

/// Deletes one of the lifter's sessions, with its check-ins.
#[utoipa::path(
    delete,
    path = "/api/v1/me/sessions/{id}",
    operation_id = "delete_session",
    tag = "log",
    params(("id" = i64, Path, description = "The session's id (from `GET /api/v1/me/sessions`).")),
    responses(
        (status = 204, description = "Deleted, with its check-ins."),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 404, description = "You have no session with that id.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    lifter: ApiLifter,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    let user = &lifter.user;
    let id = SessionId(id);
    let before = find_session(state.store.as_ref(), user.id, id).await?;
    let units = state.store.profile(user.id).await?.profile.units;
    let detail = deleted_session_detail(&before, units);
    let entry = Entry::Session(id);
    let record = audit::by_lifter(user, audit::deleted_action(entry), detail, state.now());
    state.store.delete_entry(entry, &record).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "session of 2 Mar 2026: deadlift 5 sets up to 142.5 kg, with its 2 check-ins".
fn deleted_session_detail(before: &SessionEntry, units: Units) -> String {
    let name = audit::session_name(before.at);
    let checkins = match before.session.checkins.len() {
        0 => String::new(),
        1 => ", with its check-in".to_owned(),
        n => format!(", with its {n} check-ins"),
    };
    format!("{name}: {}{checkins}", audit::exercises(&before.session.exercises, units))
}

/// The one session of a listing of one.
fn first_session(mut list: Value) -> Value {
    match list.get_mut("sessions").map(Value::take) {
        Some(Value::Array(sessions)) => sessions.into_iter().next().unwrap_or(Value::Null),
        _ => Value::Null,
    }
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
pub(super) fn session_list(entries: &[SessionEntry], profile: &StoredProfile, now: Timestamp) -> Value {
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
