//! The decision from a stored log, resumed from the lifter's replay checkpoint
//! when there is a usable one; every front end (the command line, the web app)
//! asks here, so that all of them keep the checkpoint the same way.

use jiff::{SignedDuration, Timestamp};
use pullback_core::{Checkpoint, Decision, History, Point, plan, plan_resumed};
use pullback_store::{NewCheckpoint, Result, Resume, Revision, SessionEntry, Store, StoreError, UserId};
use std::sync::Arc;

/// How far behind "now" a new checkpoint stops: late check-ins (the 24 h one,
/// logged a day late) usually land after it, so they rarely invalidate it.
pub const CHECKPOINT_LAG: SignedDuration = SignedDuration::from_hours(72);
/// A checkpoint is refreshed when it has fallen this far behind.
pub const CHECKPOINT_REFRESH: SignedDuration = SignedDuration::from_hours(24 * 7);

/// The decision as of `as_of`: resumed from the checkpoint when there is a usable
/// one, else a full replay; then the checkpoint is moved forward if it lags. The
/// result is the same as [`plan`] on the whole history (a property test checks).
pub async fn stored_decision(store: &dyn Store, user: UserId, as_of: Timestamp) -> Result<Decision> {
    Ok(decide_and_fold(store, user, as_of).await?.0)
}

/// A lifter's log as a plan reads it, parsed once: the checkpoint, when there is a
/// usable one, and what came after it (else the whole history), as of one
/// revision of the log. Every decision from it equals [`stored_decision`]'s at
/// that revision, whatever `as_of`: nothing in it depends on the clock.
#[derive(Debug)]
pub struct Folded {
    revision: Revision,
    base: Option<Checkpoint>,
    later: History,
}

impl Folded {
    /// The decision at `as_of`; `None` when the checkpoint was made after it (the
    /// caller then replays the whole history, as [`stored_decision`] does).
    fn decide(&self, as_of: Timestamp) -> Option<Decision> {
        match &self.base {
            Some(checkpoint) => plan_resumed(checkpoint, &self.later, as_of).ok(),
            None => Some(plan(&self.later, as_of)),
        }
    }

    /// Only a short log after the checkpoint is kept: deciding from it then costs
    /// microseconds, on the request's own thread, and holds little memory.
    fn worth_keeping(&self) -> bool {
        self.later.sessions.len() <= KEPT_SESSIONS
    }
}

/// At most this many sessions after the checkpoint make a [`Folded`] worth
/// keeping (a checkpoint lags "now" by 3 to 10 days: a few sessions).
const KEPT_SESSIONS: usize = 64;

/// The decision, and the folded log it came from.
async fn decide_and_fold(store: &dyn Store, user: UserId, as_of: Timestamp) -> Result<(Decision, Folded)> {
    let resume: Resume = store.resume(user).await?;
    // The replay is CPU work: it runs on a blocking thread, so that a long history
    // never holds up the async threads that serve everyone else's requests.
    let (decided, base, resume) = off_thread(move || {
        // A checkpoint folded by other rules (an older engine) counts as unreadable.
        let base = resume
            .checkpoint
            .as_ref()
            .and_then(|c| serde_json::from_slice::<Checkpoint>(&c.state).ok())
            .filter(Checkpoint::is_current);
        let decided = match &base {
            Some(cp) => plan_resumed(cp, &resume.history.history, as_of).ok(),
            None if resume.checkpoint.is_none() => Some(plan(&resume.history.history, as_of)),
            // An unreadable checkpoint: replay everything instead.
            None => None,
        };
        (decided, base, resume)
    })
    .await?;
    let Some(decision) = decided else {
        // Made after this as_of, or unreadable: replay everything, and replace the
        // checkpoint from the whole history so the next read can resume again.
        let full = store.history(user).await?;
        let (decision, full) = off_thread(move || (plan(&full.history, as_of), full)).await?;
        let whole = Resume { checkpoint: None, history: full };
        refresh_checkpoint(store, user, &whole, None, as_of).await;
        let folded = Folded { revision: whole.history.revision, base: None, later: whole.history.history };
        return Ok((decision, folded));
    };
    refresh_checkpoint(store, user, &resume, base.as_ref(), as_of).await;
    Ok((decision, Folded { revision: resume.history.revision, base, later: resume.history.history }))
}

/// Plan reads that skip the log: each lifter's [`Folded`] log, kept while their
/// revision (which every write that can change a decision raises, in the write's
/// own transaction) is the one the request's caller was read with. A repeated
/// read then costs the one store read that says who is asking, and the decision
/// from the few events after the checkpoint; no history is read or parsed.
///
/// What is kept does not depend on `as_of`, so a decision is never served stale
/// by the clock: a rendered decision is not kept, since it quotes `as_of` and
/// changes with it (a check-in falls due, an entry timed later comes into being).
pub struct PlanCache {
    lifters: quick_cache::sync::Cache<UserId, Arc<Folded>>,
}

impl std::fmt::Debug for PlanCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanCache").field("lifters", &self.lifters.len()).finish()
    }
}

impl PlanCache {
    /// Keeps the logs of up to `lifters` lifters (the most used).
    pub fn new(lifters: usize) -> PlanCache {
        PlanCache { lifters: quick_cache::sync::Cache::new(lifters.max(1)) }
    }

    /// The same decision as [`stored_decision`], for a lifter whose revision was
    /// just read as `revision` (with who is asking, in the same store read).
    pub async fn decision(
        &self,
        store: &dyn Store,
        user: UserId,
        revision: Revision,
        as_of: Timestamp,
    ) -> Result<Decision> {
        let kept = self.lifters.get(&user).filter(|folded| folded.revision == revision);
        if let Some(decision) = kept.and_then(|folded| folded.decide(as_of)) {
            return Ok(decision);
        }
        let (decision, folded) = decide_and_fold(store, user, as_of).await?;
        if folded.worth_keeping() {
            self.lifters.insert(user, Arc::new(folded));
        } else {
            self.lifters.remove(&user);
        }
        Ok(decision)
    }
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
