//! Check-ins, red-flag screenings and symmetry tests: each read with the plan
//! contract's request reader for the same kind of event, `at` defaulting to now.

use super::docs::{
    ErrorBody, NewCheckin as NewCheckinDoc, NewScreening as NewScreeningDoc, NewSymmetryTest as NewSymmetryTestDoc,
    ScreeningSaved,
};
use super::input::{JsonObject, refused};
use super::{Created, written_once};
use crate::auth::ApiLifter;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pullback_contract::CheckinOf;
use pullback_core::RedFlags;
use pullback_store::{NewCheckin, NewScreening, NewSymmetryTest, SessionId};

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
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let now = state.now();
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    let posted = pullback_contract::read_posted_checkin(body, profile.profile.units, &profile.profile.time_zone, now)
        .map_err(refused)?;
    let new = match posted.checkin {
        CheckinOf::Session { session_id, checkin, at } => NewCheckin {
            session: Some(SessionId(session_id)),
            point: Some(checkin.point),
            pain: checkin.pain,
            at,
            side: checkin.side,
            bottom_only: checkin.bottom_only,
        },
        CheckinOf::Standalone { checkin, at } => {
            NewCheckin { side: checkin.side, ..NewCheckin::standalone(checkin.pain, at) }
        }
    };
    match posted.client_id {
        Some(client) => {
            let stored = state.store.add_checkin_once(user, &client, &new).await?;
            Ok(written_once(stored.id.0, stored.created))
        }
        None => Ok((StatusCode::CREATED, Json(Created { id: state.store.add_checkin(user, &new).await?.0 }))),
    }
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
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<ScreeningSaved>), ApiError> {
    let now = state.now();
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    let posted = pullback_contract::read_posted_screening(body, profile.profile.units, &profile.profile.time_zone, now)
        .map_err(refused)?;
    let answers = posted.screening.answers;
    let screening = NewScreening { at: posted.at, answers };
    let id = state.store.add_screening(user, &screening).await?;
    Ok((StatusCode::CREATED, Json(screening_saved(id.0, &answers))))
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
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let now = state.now();
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    let posted =
        pullback_contract::read_posted_symmetry_test(body, profile.profile.units, &profile.profile.time_zone, now)
            .map_err(refused)?;
    let test = NewSymmetryTest { at: posted.at, left: posted.test.left, right: posted.test.right };
    let id = state.store.add_symmetry_test(user, &test).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}
