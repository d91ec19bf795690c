//! Checkpoints of the replay: resume from a saved state instead of replaying a
//! whole history on every request.
//!
//! The replay is a fold, so its state after every event up to an instant `T`
//! (`covers_until`) can be saved. A later decision at `as_of` ≥ the checkpoint's
//! `made_at` needs only the events after `T`: sessions timed after `T` with their
//! check-ins, standalone check-ins after `T`, and the screenings and symmetry tests.
//!
//! A checkpoint is only valid while nothing at or before `T` changes: the store
//! deletes it when a session, a check-in of a session, or a standalone check-in at or
//! before `T` is written (a late check-in changes the response of an older session).
//! A property test checks that a resumed plan equals the full replay.

use crate::decide::Run;
use crate::decision::Decision;
use crate::history::History;
use crate::replay::{LayoffDrop, Replay, SessionOutcome, Source, State, Step};
use crate::timeline::{Base, Timeline, pack};
use crate::tolerance::Tally;
use crate::values::Load;
use jiff::Timestamp;

/// Outcomes older than this before `T` are never read again by any rule (the
/// longest look-back is the intensity spike: 7 + 28 days), except the last four
/// counted sessions, which are always kept.
const RETAIN_DAYS: i64 = 35;
const RETAIN_LAST: usize = 4;

/// Raised whenever a change to the rules can change a fold's state, so that stored
/// checkpoints folded by the old rules are replayed instead of resumed.
/// 1: checkpoints before the field existed (deserialised as 0).
/// 2: an entering session with bottom-only pain during starts on the first block
///    also when it enters by the pattern rule (issue 11).
/// 3: a set of 0 reps (a failed attempt) is never a top set, so it never makes
///    W or a cap (issue 14).
/// 4: checkpoints carry the rated sessions of the tolerance estimate (issue 18);
///    an older one lacks them, so it is replayed.
pub const ENGINE_REVISION: u32 = 4;

/// The replay's state after every event at or before `covers_until`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Checkpoint {
    /// The [`ENGINE_REVISION`] that folded it; a checkpoint folded by another
    /// revision of the rules is not used (see [`Checkpoint::is_current`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub engine: u32,
    /// Every event at or before this instant is folded in.
    pub covers_until: Timestamp,
    /// The `as_of` it was made at: it serves decisions at or after this instant.
    pub made_at: Timestamp,
    /// How many sessions and standalone check-ins it folded (for input-order ties).
    pub sessions_before: usize,
    pub standalone_before: usize,
    state: State,
    pattern: Vec<bool>,
    outcomes: Vec<SessionOutcome>,
    episode_drops: Vec<LayoffDrop>,
    first_at: Option<Timestamp>,
    normal_w: Option<(Timestamp, Option<Load>)>,
    last_transition: Option<Step>,
    episode_start: Option<Step>,
    /// Sessions that do not count, after the last counted session up to `T` (for
    /// the layoff reason's words), and that session's time.
    #[cfg_attr(feature = "serde", serde(default))]
    uncounted_after_last: Option<(Timestamp, usize)>,
    /// The rated sessions at or before `T`, per load (the tolerance estimate's).
    /// Their responses cannot change while the checkpoint is valid: a check-in of
    /// a session at or before `T` deletes it.
    #[cfg_attr(feature = "serde", serde(default))]
    tolerance: Tally,
    /// Packed check-ins still needed after `T`: the last one at or before `T`
    /// (a baseline), and those timed after `T` of sessions at or before `T`.
    checkins: Vec<u128>,
}

/// A checkpoint cannot serve a decision before the instant it was made at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the checkpoint was made at {made_at}, after the decision time {as_of}")]
pub struct Stale {
    pub made_at: Timestamp,
    pub as_of: Timestamp,
}

impl Checkpoint {
    /// Folds every event of `history` at or before `covers_until`, as known at
    /// `as_of`, continuing `base` when given (then `history` holds only what came
    /// after `base`, as for [`plan_resumed`]).
    pub fn make(base: Option<&Checkpoint>, history: &History, as_of: Timestamp, covers_until: Timestamp) -> Checkpoint {
        let covers_until = covers_until.min(as_of);
        let timeline = Timeline::build_on(base.map(Checkpoint::base).unwrap_or_default(), history, as_of);
        let mut run =
            base.map_or_else(|| Run::new(Replay::new(&history.params, usual(history))), |b| b.resume(history));
        run.fold(&timeline, Some(covers_until));
        let tolerance = run.tally(history, &timeline, Some(covers_until));
        Checkpoint { tolerance, ..Checkpoint::save(base, run, &timeline, as_of, covers_until) }
    }

    /// Whether the current rules folded it: only such a checkpoint may be resumed.
    pub fn is_current(&self) -> bool {
        self.engine == ENGINE_REVISION
    }

    fn base(&self) -> Base<'_> {
        Base {
            checkins: &self.checkins,
            sessions_before: self.sessions_before,
            standalone_before: self.standalone_before,
        }
    }

    fn resume<'p>(&self, history: &'p History) -> Run<'p> {
        let mut replay = Replay::new(&history.params, usual(history));
        replay.state = self.state;
        replay.pattern = self.pattern.iter().copied().collect();
        replay.outcomes = self.outcomes.clone();
        replay.episode_drops = self.episode_drops.clone();
        replay.first_at = self.first_at;
        replay.saved_normal_w = self.normal_w;
        replay.restore_window();
        replay.uncounted_before = self.uncounted_after_last;
        Run {
            replay,
            last_transition: self.last_transition,
            episode_start: self.episode_start,
            tolerance: self.tolerance.clone(),
            tolerance_until: Some(self.covers_until),
        }
    }

    fn save(
        base: Option<&Checkpoint>,
        run: Run<'_>,
        timeline: &Timeline<'_>,
        as_of: Timestamp,
        t: Timestamp,
    ) -> Checkpoint {
        let replay = &run.replay;
        let outcomes = &replay.outcomes;
        let recent = outcomes.iter().rev().take_while(|o| crate::replay::in_window(o.at, t, RETAIN_DAYS)).count();
        let keep_from = outcomes.len() - recent.max(RETAIN_LAST).min(outcomes.len());
        let saved = outcomes[keep_from..]
            .iter()
            .map(|o| SessionOutcome { source: Source::Saved(replay.facts(timeline, o)), ..*o })
            .collect();

        // The last check-in at or before T, then check-ins after T of sessions at or before T.
        let before_t = timeline.checkins.partition_point(|c| c.at <= t);
        let mut checkins: Vec<u128> = before_t.checked_sub(1).map(|i| timeline.keys[i]).into_iter().collect();
        for view in timeline.sessions.iter().take_while(|v| v.at() <= t) {
            for (point, known) in view.known().filter(|(_, k)| k.at > t) {
                checkins.push(pack(known.at, point as u8, view.input_index, known.pain));
            }
        }
        if let Some(b) = base {
            checkins.extend(b.checkins.iter().filter(|&&k| crate::timeline::unpack(k).at > t));
        }
        checkins.sort_unstable();

        let last_counted = replay.last_outcome().map(|o| o.at);
        let uncounted_after_last = last_counted.map(|last| {
            let here = timeline.sessions.iter().take_while(|v| v.at() <= t).filter(|v| !v.counted && v.at() > last);
            let carried = base.and_then(|b| b.uncounted_after_last).filter(|(at, _)| *at == last).map_or(0, |(_, n)| n);
            (last, carried + here.count())
        });

        let folded_sessions = timeline.sessions.iter().take_while(|v| v.at() <= t).count();
        let folded_standalone = timeline.standalone.iter().take_while(|c| c.at <= t).count();
        Checkpoint {
            engine: ENGINE_REVISION,
            covers_until: t,
            made_at: as_of,
            sessions_before: base.map_or(0, |b| b.sessions_before) + folded_sessions,
            standalone_before: base.map_or(0, |b| b.standalone_before) + folded_standalone,
            state: replay.state,
            pattern: replay.pattern.iter().copied().collect(),
            outcomes: saved,
            episode_drops: replay.episode_drops.clone(),
            first_at: replay.first_at,
            normal_w: replay.normal_w(timeline),
            last_transition: run.last_transition,
            episode_start: run.episode_start,
            uncounted_after_last,
            tolerance: Tally::default(),
            checkins,
        }
    }
}

/// Decides at `as_of` from a checkpoint and what came after it.
///
/// `later` holds the profile, the parameters, every screening and symmetry test,
/// and only the sessions and standalone check-ins timed after
/// `checkpoint.covers_until` (anything earlier in it is ignored), in time order.
/// The result equals [`crate::plan`] on the whole history.
pub fn plan_resumed(checkpoint: &Checkpoint, later: &History, as_of: Timestamp) -> Result<Decision, Stale> {
    if as_of < checkpoint.made_at {
        return Err(Stale { made_at: checkpoint.made_at, as_of });
    }
    let timeline = Timeline::build_on(checkpoint.base(), later, as_of);
    let mut run = checkpoint.resume(later);
    run.fold(&timeline, None);
    Ok(run.decide(later, &timeline))
}

fn usual(history: &History) -> crate::history::Exercise {
    history.profile.usual_variation.exercise()
}
