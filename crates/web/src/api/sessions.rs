//! Sessions: list them with their ids, log one with its sets and check-ins (once
//! per client id), change or delete one.

use super::docs::{
    ErrorBody, NewSession as NewSessionDoc, SessionChange as SessionChangeDoc, SessionList, StoredSession,
};
use super::entries::find_session;
use super::input::{JsonObject, PathId, invalid, query_param, refused};
use super::{Created, audit, written_once};
use crate::auth::ApiLifter;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use pullback_contract::{ListedSession, Lister};
use pullback_core::Units;
use pullback_store::{Edit, Entry, NewSession, SessionEntry, SessionId, StoredProfile};
use serde_json::Value;

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
    let sessions: Vec<ListedSession<'_>> = entries.iter().map(stored).collect();
    Ok(Json(lister(&profile, state.now()).sessions(&sessions)))
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
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let now = state.now();
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    let posted = pullback_contract::read_posted_session(body, profile.profile.units, &profile.profile.time_zone, now)
        .map_err(refused)?;
    let new = NewSession {
        at: posted.at,
        external_id: None,
        exercises: posted.session.exercises,
        checkins: posted.session.checkins,
        note: posted.session.note,
    };
    match posted.client_id {
        Some(client) => {
            let stored = state.store.add_session_once(user, &client, &new).await?;
            Ok(written_once(stored.id.0, stored.created))
        }
        None => Ok((StatusCode::CREATED, Json(Created { id: state.store.add_session(user, &new).await?.0 }))),
    }
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
    let change = pullback_contract::read_session_change(
        &body,
        before.at,
        profile.profile.units,
        &profile.profile.time_zone,
        now,
    )
    .map_err(refused)?;
    let (at, exercises) = (change.at, change.exercises);
    let changes =
        audit::session_changes((before.at, &before.session.exercises), (at, &exercises), profile.profile.units);
    let detail = audit::detail(&audit::session_name(before.at), &changes);
    let entry = Entry::Session(id);
    let record = audit::by_lifter(user, audit::changed_action(entry), detail, now);
    state.store.edit_entry(entry, &Edit::Session { at, exercises }, &record).await?;
    let after = find_session(state.store.as_ref(), user.id, id).await?;
    Ok(Json(lister(&profile, now).session(&stored(&after))))
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

/// The listings' writer for the lifter's profile.
pub(super) fn lister(profile: &StoredProfile, now: Timestamp) -> Lister<'_> {
    Lister { profile: &profile.profile, time_zone: &profile.time_zone_name, now }
}

/// A stored session as the contract lists it.
pub(super) fn stored(entry: &SessionEntry) -> ListedSession<'_> {
    ListedSession {
        session: &entry.session,
        offset: entry.at.offset,
        id: entry.id.0,
        checkin_ids: entry.checkin_ids.iter().map(|id| id.0).collect(),
    }
}
