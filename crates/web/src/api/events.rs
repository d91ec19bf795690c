//! Check-ins, red-flag screenings and symmetry tests: each read with the plan
//! contract's reader for the same kind of event, `at` defaulting to now.

use super::docs::{
    ErrorBody, NewCheckin as NewCheckinDoc, NewScreening as NewScreeningDoc, NewSymmetryTest as NewSymmetryTestDoc,
    ScreeningSaved,
};
use super::input::{
    JsonObject, at_or_now, bottom_only_goes_with_during, not_in_future, problem, settle, stored_at, take_client_id,
};
use super::{Created, written_once};
use crate::auth::ApiLifter;
use crate::error::{ApiError, FieldProblem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use pullback_core::RedFlags;
use pullback_store::{NewCheckin, NewScreening, NewSymmetryTest, SessionId, StoredProfile};
use serde_json::{Map, Value};

/// The eight red-flag questions, by the contract's field names.
pub const RED_FLAGS: [&str; 8] = RedFlags::IDS;

/// Logs a check-in: of one of the lifter's sessions (`session` and `point`), or
/// standalone (neither: "my back is 6/10 today"). Another lifter's session, or
/// one that does not exist, is 404. With a `client_id`, a retry of a check-in
/// already stored stores nothing and answers 200 with the stored id.
#[utoipa::path(
    post,
    path = "/api/v1/me/checkins",
    operation_id = "log_checkin",
    tag = "log",
    request_body = NewCheckinDoc,
    responses(
        (status = 201, description = "Stored.", body = Created),
        (status = 200, description = "Stored before, under this `client_id`: nothing was written; the id is the stored check-in's.", body = Created),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 404, description = "The lifter has no session with that id.", body = ErrorBody),
        (status = 422, description = "Problems, by JSON pointer into the body; nothing was stored.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn checkin(
    State(state): State<AppState>,
    lifter: ApiLifter,
    JsonObject(mut body): JsonObject,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let now = state.now();
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    at_or_now(&mut body, now, &profile.profile.time_zone);
    let client = take_client_id(&mut body);
    let rules: Vec<FieldProblem> = client.as_ref().err().cloned().into_iter().collect();
    let new = match body.remove("session") {
        None | Some(Value::Null) => standalone_checkin(body, &profile, now, rules)?,
        Some(session) => session_checkin(&session, body, &profile, now, rules)?,
    };
    match client.ok().flatten() {
        Some(client) => {
            let stored = state.store.add_checkin_once(user, &client, &new).await?;
            Ok(written_once(stored.id.0, stored.created))
        }
        None => Ok((StatusCode::CREATED, Json(Created { id: state.store.add_checkin(user, &new).await?.0 }))),
    }
}

/// A check-in of a session, read as the contract reads a session's check-in.
fn session_checkin(
    session: &Value,
    checkin: Map<String, Value>,
    profile: &StoredProfile,
    now: Timestamp,
    mut rules: Vec<FieldProblem>,
) -> Result<NewCheckin, ApiError> {
    let id = session.as_i64().filter(|id| *id >= 1);
    if id.is_none() {
        rules.push(problem("/session", format!("must be the id of one of your sessions, not {session}")));
    }
    rules.extend(not_in_future(&checkin, "/at", now));
    rules.extend(bottom_only_goes_with_during(&checkin, "/bottom_only"));
    let at = checkin.get("at").cloned();
    // Placed in a session at now: that time is never stored, only the check-in is read.
    let read = settle(pullback_contract::read_session_checkin(checkin, now, profile.profile.units, now), rules)?;
    let Some(id) = id else { return Err(anyhow::anyhow!("the session id was not read").into()) };
    let when = read.at.map(|instant| stored_at(at.as_ref(), instant, &profile.profile.time_zone));
    Ok(NewCheckin {
        session: Some(SessionId(id)),
        point: Some(read.point),
        pain: read.pain,
        at: when,
        side: read.side,
        bottom_only: read.bottom_only,
    })
}

/// A check-in not tied to a session, read as the contract reads a standalone one.
fn standalone_checkin(
    mut checkin: Map<String, Value>,
    profile: &StoredProfile,
    now: Timestamp,
    mut rules: Vec<FieldProblem>,
) -> Result<NewCheckin, ApiError> {
    // The contract's standalone check-in has neither: refuse them rather than drop them.
    if checkin.get("point").is_some_and(|point| !point.is_null()) {
        rules.push(problem(
            "/point",
            "goes with \"session\" (the id of the session); leave both out for a standalone check-in",
        ));
    }
    if checkin.get("bottom_only") == Some(&Value::Bool(true)) {
        rules.push(problem("/bottom_only", "goes with a check-in of a session at point \"during\""));
    }
    rules.extend(not_in_future(&checkin, "/at", now));
    checkin.retain(|key, _| matches!(key.as_str(), "at" | "pain" | "side"));
    let at = checkin.get("at").cloned();
    let read = settle(pullback_contract::read_checkin(checkin, profile.profile.units, now), rules)?;
    Ok(NewCheckin {
        side: read.side,
        ..NewCheckin::standalone(read.pain, stored_at(at.as_ref(), read.at, &profile.profile.time_zone))
    })
}

/// Logs a red-flag screening. All eight answers are required, so that a
/// forgotten question is never stored as "no".
#[utoipa::path(
    post,
    path = "/api/v1/me/screenings",
    operation_id = "log_screening",
    tag = "log",
    request_body = NewScreeningDoc,
    responses(
        (status = 201, description = "Stored; `message` says what to do now.", body = ScreeningSaved),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 422, description = "Problems, by JSON pointer into the body; nothing was stored.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn screening(
    State(state): State<AppState>,
    lifter: ApiLifter,
    JsonObject(mut body): JsonObject,
) -> Result<(StatusCode, Json<ScreeningSaved>), ApiError> {
    let now = state.now();
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    let zone = &profile.profile.time_zone;
    at_or_now(&mut body, now, zone);
    let mut rules = every_answer_given(&body);
    rules.extend(not_in_future(&body, "/at", now));
    let at = body.get("at").cloned();
    let read = settle(pullback_contract::read_screening(body, profile.profile.units, now), rules)?;
    let screening = NewScreening { at: stored_at(at.as_ref(), read.at, zone), answers: read.answers };
    let id = state.store.add_screening(user, &screening).await?;
    Ok((StatusCode::CREATED, Json(screening_saved(id.0, &read.answers))))
}

/// A problem for each red-flag question left out: a forgotten question is never
/// stored as "no".
pub(super) fn every_answer_given(body: &Map<String, Value>) -> Vec<FieldProblem> {
    RED_FLAGS
        .iter()
        .filter(|key| body.get(**key).is_none_or(Value::is_null))
        .map(|key| problem(&format!("/{key}"), "is required: answer true or false"))
        .collect()
}

/// What the lifter should do after answering, as the command line says it: the
/// cauda equina signs send them to emergency care, the others to a doctor.
pub(super) fn screening_saved(id: i64, answers: &RedFlags) -> ScreeningSaved {
    let red_flags: Vec<String> = answers.yes().into_iter().map(str::to_owned).collect();
    let message = answers.outcome();
    ScreeningSaved { id, red_flags, message: message.to_owned() }
}

/// Logs a left/right strength test (any positive measure, the same for both sides).
#[utoipa::path(
    post,
    path = "/api/v1/me/symmetry-tests",
    operation_id = "log_symmetry_test",
    tag = "log",
    request_body = NewSymmetryTestDoc,
    responses(
        (status = 201, description = "Stored.", body = Created),
        (status = 401, description = "No valid token.", body = ErrorBody),
        (status = 422, description = "Problems, by JSON pointer into the body; nothing was stored.", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn symmetry_test(
    State(state): State<AppState>,
    lifter: ApiLifter,
    JsonObject(mut body): JsonObject,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let now = state.now();
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    let zone = &profile.profile.time_zone;
    at_or_now(&mut body, now, zone);
    let rules: Vec<FieldProblem> = not_in_future(&body, "/at", now).into_iter().collect();
    let at = body.get("at").cloned();
    let read = settle(pullback_contract::read_symmetry_test(body, profile.profile.units, now), rules)?;
    let test = NewSymmetryTest { at: stored_at(at.as_ref(), read.at, zone), left: read.left, right: read.right };
    let id = state.store.add_symmetry_test(user, &test).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}
