//! The lifter's logged entries by id: finding one of theirs (anything else is
//! 404, so another lifter's ids look like ids that do not exist), and listing the
//! standalone check-ins, screenings and symmetry tests with their ids.
//!
//! Entries are written by the plan contract's listing writer
//! (`pullback_contract::Lister`), as the session list is, so a listed entry has the
//! same fields as one posted, plus its `id`.

use super::docs::{CheckinList, ErrorBody, ScreeningList, SymmetryTestList};
use super::sessions::lister;
use crate::auth::ApiLifter;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use pullback_contract::StoredEntries;
use pullback_core::{Screening, SessionCheckin, StandaloneCheckin, SymmetryTest};
use pullback_store::{
    CheckinId, ScreeningId, SessionEntry, SessionId, Store, StoredHistory, StoredProfile, SymmetryTestId, UserId,
};
use serde_json::Value;

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
    let checkins = StoredEntries::Checkins(stored.history.checkins);
    Ok(Json(lister(&profile, state.now()).entries(checkins, &ids)))
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
    let screenings = StoredEntries::Screenings(stored.history.screenings);
    Ok(Json(lister(&profile, state.now()).entries(screenings, &ids)))
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
    let tests = StoredEntries::SymmetryTests(stored.history.symmetry_tests);
    Ok(Json(lister(&profile, state.now()).entries(tests, &ids)))
}

/// A standalone check-in as listed.
pub fn standalone_json(id: CheckinId, checkin: StandaloneCheckin, profile: &StoredProfile, now: Timestamp) -> Value {
    lister(profile, now).entry(StoredEntries::Checkins(vec![checkin]), id.0)
}

/// A symmetry test as listed.
pub fn symmetry_test_json(id: SymmetryTestId, test: SymmetryTest, profile: &StoredProfile, now: Timestamp) -> Value {
    lister(profile, now).entry(StoredEntries::SymmetryTests(vec![test]), id.0)
}

async fn read(state: &AppState, user: UserId) -> Result<(StoredHistory, StoredProfile), ApiError> {
    Ok((state.store.history(user).await?, state.store.profile(user).await?))
}
