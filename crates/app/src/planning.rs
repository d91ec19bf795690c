//! The decision from a stored log, resumed from the lifter's replay checkpoint
//! when there is a usable one; every front end (the command line, the web app)
//! asks here, so that all of them keep the checkpoint the same way.

use jiff::{SignedDuration, Timestamp};
use pullback_core::{Checkpoint, Decision, Point, plan, plan_resumed};
use pullback_store::{NewCheckpoint, Result, Resume, SessionEntry, Store, StoreError, UserId};

/// How far behind "now" a new checkpoint stops: late check-ins (the 24 h one,
/// logged a day late) usually land after it, so they rarely invalidate it.
pub const CHECKPOINT_LAG: SignedDuration = SignedDuration::from_hours(72);
/// A checkpoint is refreshed when it has fallen this far behind.
pub const CHECKPOINT_REFRESH: SignedDuration = SignedDuration::from_hours(24 * 7);

/// The decision as of `as_of`: resumed from the checkpoint when there is a usable
/// one, else a full replay; then the checkpoint is moved forward if it lags. The
/// result is the same as [`plan`] on the whole history (a property test checks).
pub async fn stored_decision(store: &dyn Store, user: UserId, as_of: Timestamp) -> Result<Decision> {
    let resume: Resume = store.resume(user).await?;
    // The replay is CPU work: it runs on a blocking thread, so that a long history
    // never holds up the async threads that serve everyone else's requests.
    let (resumed, resume) = off_thread(move || {
        // A checkpoint folded by other rules (an older engine) counts as unreadable.
        let base = resume
            .checkpoint
            .as_ref()
            .and_then(|c| serde_json::from_slice::<Checkpoint>(&c.state).ok())
            .filter(Checkpoint::is_current);
        let resumed = match base {
            Some(cp) => plan_resumed(&cp, &resume.history.history, as_of).ok().map(|d| (d, Some(cp))),
            None if resume.checkpoint.is_none() => Some((plan(&resume.history.history, as_of), None)),
            // An unreadable checkpoint: replay everything instead.
            None => None,
        };
        (resumed, resume)
    })
    .await?;
    let (decision, base) = match resumed {
        Some(found) => found,
        // Made after this as_of, or unreadable: replay everything, and replace the
        // checkpoint from the whole history so the next read can resume again.
        None => {
            let full = store.history(user).await?;
            let (decision, full) = off_thread(move || (plan(&full.history, as_of), full)).await?;
            let whole = Resume { checkpoint: None, history: full };
            refresh_checkpoint(store, user, &whole, None, as_of).await;
            return Ok(decision);
        }
    };
    refresh_checkpoint(store, user, &resume, base.as_ref(), as_of).await;
    Ok(decision)
}

/// Runs `work` on tokio's blocking threads.
async fn off_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| StoreError::Backend(format!("the replay stopped: {e}").into()))
}

/// Moves the checkpoint forward when it lags by more than [`CHECKPOINT_REFRESH`].
/// Best effort: a failure here only costs speed, never correctness.
async fn refresh_checkpoint(
    store: &dyn Store,
    user: UserId,
    resume: &Resume,
    base: Option<&Checkpoint>,
    as_of: Timestamp,
) {
    let Ok(covers_until) = as_of.checked_sub(CHECKPOINT_LAG) else { return };
    let stale = base.is_none_or(|cp| covers_until.duration_since(cp.covers_until) > CHECKPOINT_REFRESH);
    // Only a checkpoint resumed from (or a full history) matches what `resume` holds.
    let full = resume.checkpoint.is_none();
    if !stale || (base.is_none() && !full) {
        return;
    }
    let checkpoint = Checkpoint::make(base, &resume.history.history, as_of, covers_until);
    let Ok(state) = serde_json::to_vec(&checkpoint) else { return };
    let new = NewCheckpoint { covers_until: checkpoint.covers_until, made_at: checkpoint.made_at, state };
    if let Err(e) = store.put_checkpoint(user, &new, resume.history.revision).await {
        tracing::warn!(error = %e, "could not store the replay checkpoint");
    }
}

/// How long after its due time a check-in is overdue.
pub const OVERDUE_AFTER: SignedDuration = SignedDuration::from_hours(12);
/// Sessions older than this are not chased for check-ins any more (the engine's
/// reasons stop asking for them at the same age).
pub const LOOK_BACK: SignedDuration = pullback_core::CHECKIN_LOOK_BACK;

/// A check-in the lifter still owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed {
    pub session: i64,
    pub point: Point,
    pub due: Timestamp,
    pub status: &'static str,
}

/// The missing 1 h / 24 h check-ins of the sessions of the last 72 h.
pub fn owed(sessions: &[SessionEntry], now: Timestamp) -> Vec<Owed> {
    let mut owed = Vec::new();
    for entry in sessions.iter().filter(|s| s.at.instant <= now && now.duration_since(s.at.instant) <= LOOK_BACK) {
        for point in [Point::After1h, Point::After24h] {
            if entry.session.checkins.iter().any(|c| c.point == point) {
                continue;
            }
            let Ok(due) = entry.at.instant.checked_add(point.default_offset()) else { continue };
            let status = if now < due {
                "upcoming"
            } else if now.duration_since(due) < OVERDUE_AFTER {
                "due"
            } else {
                "overdue"
            };
            owed.push(Owed { session: entry.id.0, point, due, status });
        }
    }
    owed
}
