//! The lifter's logged entries by id: finding one of theirs (anything else is
//! 404, so another lifter's ids look like ids that do not exist), and listing the
//! standalone check-ins, screenings and symmetry tests with their ids.
//!
//! Entries are written by the plan contract's writer, as the session list is, so a
//! listed entry has the same fields as one posted, plus its `id`.

use super::docs::{CheckinList, ErrorBody, ScreeningList, SymmetryTestList};
use crate::auth::ApiLifter;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use pullback_contract::{WriteOptions, history_document};
use pullback_core::{History, Params, Screening, SessionCheckin, StandaloneCheckin, SymmetryTest};
use pullback_store::{
    CheckinId, ScreeningId, SessionEntry, SessionId, Store, StoredHistory, StoredProfile, SymmetryTestId, UserId,
};
use serde_json::{Value, json};

/// One of the lifter's sessions; `NotFound` unless it is theirs.
pub async fn find_session(store: &dyn Store, user: UserId, id: SessionId) -> Result<SessionEntry, ApiError> {
    let sessions = store.sessions(user, None).await?;
    sessions.into_iter().find(|entry| entry.id == id).ok_or(ApiError::NotFound)
}

/// A check-in of the lifter's, with what it belongs to.
#[derive(Debug, Clone)]
pub enum FoundCheckin {
    /// `checkin`, at `index` of `session`'s check-ins.
    OfSession {
        session: SessionEntry,
        index: usize,
        checkin: SessionCheckin,
    },
    Standalone(StandaloneCheckin),
}

/// One of the lifter's check-ins, of a session or standalone; `NotFound` unless it
/// is theirs.
pub async fn find_checkin(store: &dyn Store, user: UserId, id: CheckinId) -> Result<FoundCheckin, ApiError> {
    let history = store.history(user).await?;
    if let Some(i) = history.checkin_ids.iter().position(|c| *c == id) {
        let checkin = history.history.checkins.get(i).cloned().ok_or(ApiError::NotFound)?;
        return Ok(FoundCheckin::Standalone(checkin));
    }
    for session in store.sessions(user, None).await? {
        if let Some(index) = session.checkin_ids.iter().position(|c| *c == id) {
            let checkin = session.session.checkins.get(index).cloned().ok_or(ApiError::NotFound)?;
            return Ok(FoundCheckin::OfSession { session, index, checkin });
        }
    }
    Err(ApiError::NotFound)
}

/// One of the lifter's screenings; `NotFound` unless it is theirs.
pub async fn find_screening(store: &dyn Store, user: UserId, id: ScreeningId) -> Result<Screening, ApiError> {
    let history = store.history(user).await?;
    let i = history.screening_ids.iter().position(|s| *s == id).ok_or(ApiError::NotFound)?;
    history.history.screenings.get(i).cloned().ok_or(ApiError::NotFound)
}

/// One of the lifter's symmetry tests; `NotFound` unless it is theirs.
pub async fn find_symmetry_test(store: &dyn Store, user: UserId, id: SymmetryTestId) -> Result<SymmetryTest, ApiError> {
    let history = store.history(user).await?;
    let i = history.symmetry_test_ids.iter().position(|t| *t == id).ok_or(ApiError::NotFound)?;
    history.history.symmetry_tests.get(i).cloned().ok_or(ApiError::NotFound)
}

/// The lifter's standalone check-ins in time order, each as in a plan document
/// plus its `id`. A session's check-ins are listed with the session
/// (`GET /api/v1/me/sessions`).
#[utoipa::path(
    get,
    path = "/api/v1/me/checkins",
    operation_id = "list_checkins",
    tag = "log",
    responses(
        (status = 200, description = "The standalone check-ins, oldest first.", body = CheckinList),
        (status = 401, description = "No valid token.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_checkins(State(state): State<AppState>, lifter: ApiLifter) -> Result<Json<Value>, ApiError> {
    let (stored, profile) = read(&state, lifter.user.id).await?;
    let ids: Vec<i64> = stored.checkin_ids.iter().map(|id| id.0).collect();
    let history = History { checkins: stored.history.checkins, ..empty(&profile) };
    Ok(Json(json!({ "checkins": written(&history, "checkins", &ids, &profile, state.now()) })))
}

/// The lifter's red-flag screenings in time order, with their ids.
#[utoipa::path(
    get,
    path = "/api/v1/me/screenings",
    operation_id = "list_screenings",
    tag = "log",
    responses(
        (status = 200, description = "The screenings, oldest first.", body = ScreeningList),
        (status = 401, description = "No valid token.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_screenings(State(state): State<AppState>, lifter: ApiLifter) -> Result<Json<Value>, ApiError> {
    let (stored, profile) = read(&state, lifter.user.id).await?;
    let ids: Vec<i64> = stored.screening_ids.iter().map(|id| id.0).collect();
    let history = History { screenings: stored.history.screenings, ..empty(&profile) };
    Ok(Json(json!({ "screenings": written(&history, "screenings", &ids, &profile, state.now()) })))
}

/// The lifter's symmetry tests in time order, with their ids.
#[utoipa::path(
    get,
    path = "/api/v1/me/symmetry-tests",
    operation_id = "list_symmetry_tests",
    tag = "log",
    responses(
        (status = 200, description = "The symmetry tests, oldest first.", body = SymmetryTestList),
        (status = 401, description = "No valid token.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_symmetry_tests(State(state): State<AppState>, lifter: ApiLifter) -> Result<Json<Value>, ApiError> {
    let (stored, profile) = read(&state, lifter.user.id).await?;
    let ids: Vec<i64> = stored.symmetry_test_ids.iter().map(|id| id.0).collect();
    let history = History { symmetry_tests: stored.history.symmetry_tests, ..empty(&profile) };
    Ok(Json(json!({ "symmetry_tests": written(&history, "symmetry_tests", &ids, &profile, state.now()) })))
}

/// A standalone check-in as listed.
pub fn standalone_json(id: CheckinId, checkin: StandaloneCheckin, profile: &StoredProfile, now: Timestamp) -> Value {
    let history = History { checkins: vec![checkin], ..empty(profile) };
    first(written(&history, "checkins", &[id.0], profile, now))
}

/// A symmetry test as listed.
pub fn symmetry_test_json(id: SymmetryTestId, test: SymmetryTest, profile: &StoredProfile, now: Timestamp) -> Value {
    let history = History { symmetry_tests: vec![test], ..empty(profile) };
    first(written(&history, "symmetry_tests", &[id.0], profile, now))
}

async fn read(state: &AppState, user: UserId) -> Result<(StoredHistory, StoredProfile), ApiError> {
    Ok((state.store.history(user).await?, state.store.profile(user).await?))
}

/// A history of the lifter's profile with nothing logged, to fill with one list.
fn empty(profile: &StoredProfile) -> History {
    History {
        profile: profile.profile.clone(),
        params: Params::default(),
        sessions: Vec::new(),
        checkins: Vec::new(),
        screenings: Vec::new(),
        symmetry_tests: Vec::new(),
    }
}

/// The document's list `list` as the contract writes it (times in the lifter's
/// zone), with `ids` (parallel to it) added.
fn written(history: &History, list: &str, ids: &[i64], profile: &StoredProfile, now: Timestamp) -> Vec<Value> {
    let options = WriteOptions { time_zone: Some(&profile.time_zone_name), overrides: None, session_offsets: &[] };
    let mut document = history_document(history, now, &options);
    let entries = match document.get_mut(list).map(Value::take) {
        Some(Value::Array(entries)) => entries,
        _ => Vec::new(),
    };
    entries.into_iter().zip(ids).map(|(entry, id)| with_id(entry, *id)).collect()
}

fn with_id(mut entry: Value, id: i64) -> Value {
    if let Some(fields) = entry.as_object_mut() {
        fields.insert("id".into(), json!(id));
    }
    entry
}

fn first(entries: Vec<Value>) -> Value {
    entries.into_iter().next().unwrap_or(Value::Null)
}
