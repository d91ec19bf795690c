//! Changing and deleting check-ins, screenings and symmetry tests (sessions: see
//! [`super::sessions`]). Each handler finds the entry among the lifter's own
//! first, so another lifter's id is 404 whatever the body says; reads the change
//! with the plan contract's reader, as the POST does; and stores it with an audit
//! entry in one transaction. The plan follows at once (the store drops the replay
//! checkpoint).

use super::docs::{
    CheckinChange, ErrorBody, ListedCheckin, ScreeningChange, ScreeningSaved, StoredSymmetryTest, SymmetryTestChange,
};
use super::entries::{
    FoundCheckin, find_checkin, find_screening, find_symmetry_test, standalone_json, symmetry_test_json,
};
use super::events::screening_saved;
use super::input::{JsonObject, PathId, refused};
use super::{audit, sessions};
use crate::auth::ApiLifter;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use pullback_contract::StoredCheckin;
use pullback_core::{Pain, Side};
use pullback_store::{CheckinId, Edit, Entry, ScreeningId, StoredProfile, SymmetryTestId};
use serde_json::{Map, Value};

/// A check-in's answers: pain, side, pain only at the bottom of the lift.
type Answers = (Pain, Option<Side>, bool);

/// Changes a check-in's answers. `pain` is required; `side` and `bottom_only`
/// keep their stored values when left out (`null` clears them); `bottom_only`
/// goes only with a check-in at point `during`. Its time, point and session stay.
#[utoipa::path(
    patch,
    path = "/api/v1/me/checkins/{id}",
    operation_id = "change_checkin",
    tag = "log",
    params(("id" = i64, Path, description = "The check-in's id (from `GET /api/v1/me/sessions` or `/checkins`).")),
    request_body = CheckinChange,
    responses(
        (status = 200, description = "Changed; the check-in as listed now.", body = ListedCheckin),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 404, description = "You have no check-in with that id.", body = ErrorBody),
        (status = 422, description = "Problems, by JSON pointer into the body; nothing was changed.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn change_checkin(
    State(state): State<AppState>,
    lifter: ApiLifter,
    PathId(id): PathId,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let (now, user, id) = (state.now(), &lifter.user, CheckinId(id));
    let before = find_checkin(state.store.as_ref(), user.id, id).await?;
    let profile = state.store.profile(user.id).await?;
    let after = read_checkin_change(body, &before, &profile, now)?;
    let name = checkin_name(&before, &profile);
    let detail = audit::detail(&name, &audit::checkin_changes(answers(&before), after));
    let entry = Entry::Checkin(id);
    let record = audit::by_lifter(user, audit::changed_action(entry), detail, now);
    let (pain, side, bottom_only) = after;
    state.store.edit_entry(entry, &Edit::Checkin { pain, side, bottom_only }, &record).await?;
    let changed = find_checkin(state.store.as_ref(), user.id, id).await?;
    Ok(Json(checkin_json(id, changed, &profile, now)))
}

/// Deletes a check-in, of a session or standalone.
#[utoipa::path(
    delete,
    path = "/api/v1/me/checkins/{id}",
    operation_id = "delete_checkin",
    tag = "log",
    params(("id" = i64, Path, description = "The check-in's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 404, description = "You have no check-in with that id.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_checkin(
    State(state): State<AppState>,
    lifter: ApiLifter,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    let (user, id) = (&lifter.user, CheckinId(id));
    let before = find_checkin(state.store.as_ref(), user.id, id).await?;
    let profile = state.store.profile(user.id).await?;
    let detail = format!("{}: pain {}", checkin_name(&before, &profile), answers(&before).0.value());
    let entry = Entry::Checkin(id);
    let record = audit::by_lifter(user, audit::deleted_action(entry), detail, state.now());
    state.store.delete_entry(entry, &record).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The new answers, read as the contract reads a check-in of the same kind (a
/// left-out `side` or `bottom_only` kept as stored).
fn read_checkin_change(
    body: Map<String, Value>,
    before: &FoundCheckin,
    profile: &StoredProfile,
    now: Timestamp,
) -> Result<Answers, ApiError> {
    let stored = match before {
        FoundCheckin::OfSession { session, checkin, .. } => {
            StoredCheckin::OfSession { session_at: session.at.instant, checkin }
        }
        FoundCheckin::Standalone(checkin) => StoredCheckin::Standalone(checkin),
    };
    let read = pullback_contract::read_checkin_change(body, stored, units(profile), now).map_err(refused)?;
    Ok((read.pain, read.side, read.bottom_only))
}

fn units(profile: &StoredProfile) -> pullback_core::Units {
    profile.profile.units
}

fn answers(found: &FoundCheckin) -> Answers {
    match found {
        FoundCheckin::OfSession { checkin: c, .. } => (c.pain, c.side, c.bottom_only),
        FoundCheckin::Standalone(c) => (c.pain, c.side, false),
    }
}

fn checkin_name(found: &FoundCheckin, profile: &StoredProfile) -> String {
    match found {
        FoundCheckin::OfSession { session, checkin, .. } => audit::session_checkin_name(checkin.point, session.at),
        FoundCheckin::Standalone(c) => audit::standalone_checkin_name(c.at, &profile.profile.time_zone),
    }
}

/// A check-in as listed: a session's as in `GET /api/v1/me/sessions`, a
/// standalone one as in `GET /api/v1/me/checkins`.
fn checkin_json(id: CheckinId, found: FoundCheckin, profile: &StoredProfile, now: Timestamp) -> Value {
    match found {
        FoundCheckin::OfSession { session, index, .. } => {
            sessions::lister(profile, now).session_checkin(&sessions::stored(&session), index)
        }
        FoundCheckin::Standalone(checkin) => standalone_json(id, checkin, profile, now),
    }
}

/// Changes a screening's answers. All eight are required, as when logging one, so
/// that a forgotten question is never stored as "no"; its time stays.
#[utoipa::path(
    patch,
    path = "/api/v1/me/screenings/{id}",
    operation_id = "change_screening",
    tag = "log",
    params(("id" = i64, Path, description = "The screening's id (from `GET /api/v1/me/screenings`).")),
    request_body = ScreeningChange,
    responses(
        (status = 200, description = "Changed; `message` says what to do now.", body = ScreeningSaved),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 404, description = "You have no screening with that id.", body = ErrorBody),
        (status = 422, description = "Problems, by JSON pointer into the body; nothing was changed.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn change_screening(
    State(state): State<AppState>,
    lifter: ApiLifter,
    PathId(id): PathId,
    JsonObject(body): JsonObject,
) -> Result<Json<ScreeningSaved>, ApiError> {
    let (now, user, id) = (state.now(), &lifter.user, ScreeningId(id));
    let before = find_screening(state.store.as_ref(), user.id, id).await?;
    let profile = state.store.profile(user.id).await?;
    let after = pullback_contract::read_screening_change(body, before.at, units(&profile), now).map_err(refused)?;
    let name = audit::event_name("screening", before.at, &profile.profile.time_zone);
    let detail = audit::detail(&name, &audit::screening_changes(&before.answers, &after.answers));
    let entry = Entry::Screening(id);
    let record = audit::by_lifter(user, audit::changed_action(entry), detail, now);
    state.store.edit_entry(entry, &Edit::Screening { answers: after.answers }, &record).await?;
    Ok(Json(screening_saved(id.0, &after.answers)))
}

/// Deletes a screening.
#[utoipa::path(
    delete,
    path = "/api/v1/me/screenings/{id}",
    operation_id = "delete_screening",
    tag = "log",
    params(("id" = i64, Path, description = "The screening's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 404, description = "You have no screening with that id.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_screening(
    State(state): State<AppState>,
    lifter: ApiLifter,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    let (user, id) = (&lifter.user, ScreeningId(id));
    let before = find_screening(state.store.as_ref(), user.id, id).await?;
    let zone = state.store.profile(user.id).await?.profile.time_zone;
    let yes = before.answers.yes();
    let flags = if yes.is_empty() { "no red flags".to_owned() } else { format!("yes to {}", yes.join(", ")) };
    let detail = format!("{}: {flags}", audit::event_name("screening", before.at, &zone)).replace('_', " ");
    let entry = Entry::Screening(id);
    let record = audit::by_lifter(user, audit::deleted_action(entry), detail, state.now());
    state.store.delete_entry(entry, &record).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes a symmetry test's `left` and `right` (both required); its time stays.
#[utoipa::path(
    patch,
    path = "/api/v1/me/symmetry-tests/{id}",
    operation_id = "change_symmetry_test",
    tag = "log",
    params(("id" = i64, Path, description = "The test's id (from `GET /api/v1/me/symmetry-tests`).")),
    request_body = SymmetryTestChange,
    responses(
        (status = 200, description = "Changed; the test as listed now.", body = StoredSymmetryTest),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 404, description = "You have no symmetry test with that id.", body = ErrorBody),
        (status = 422, description = "Problems, by JSON pointer into the body; nothing was changed.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn change_symmetry_test(
    State(state): State<AppState>,
    lifter: ApiLifter,
    PathId(id): PathId,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let (now, user, id) = (state.now(), &lifter.user, SymmetryTestId(id));
    let before = find_symmetry_test(state.store.as_ref(), user.id, id).await?;
    let profile = state.store.profile(user.id).await?;
    let after = pullback_contract::read_symmetry_change(&body, before.at, units(&profile), now).map_err(refused)?;
    let (left, right) = (after.left, after.right);
    let name = audit::event_name("symmetry test", before.at, &profile.profile.time_zone);
    let detail = audit::detail(&name, &audit::symmetry_changes((before.left, before.right), (left, right)));
    let entry = Entry::SymmetryTest(id);
    let record = audit::by_lifter(user, audit::changed_action(entry), detail, now);
    state.store.edit_entry(entry, &Edit::SymmetryTest { left, right }, &record).await?;
    let changed = find_symmetry_test(state.store.as_ref(), user.id, id).await?;
    Ok(Json(symmetry_test_json(id, changed, &profile, now)))
}

/// Deletes a symmetry test.
#[utoipa::path(
    delete,
    path = "/api/v1/me/symmetry-tests/{id}",
    operation_id = "delete_symmetry_test",
    tag = "log",
    params(("id" = i64, Path, description = "The test's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 404, description = "You have no symmetry test with that id.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_symmetry_test(
    State(state): State<AppState>,
    lifter: ApiLifter,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    let (user, id) = (&lifter.user, SymmetryTestId(id));
    let before = find_symmetry_test(state.store.as_ref(), user.id, id).await?;
    let zone = state.store.profile(user.id).await?.profile.time_zone;
    let name = audit::event_name("symmetry test", before.at, &zone);
    let detail = format!("{name}: left {}, right {}", before.left.value(), before.right.value());
    let entry = Entry::SymmetryTest(id);
    let record = audit::by_lifter(user, audit::deleted_action(entry), detail, state.now());
    state.store.delete_entry(entry, &record).await?;
    Ok(StatusCode::NO_CONTENT)
}
