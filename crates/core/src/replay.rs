//! The replay of protocol section 4: a fold over the events, from the normal state.
//!
//! [`Replay::apply`] takes one event and returns the [`Step`] it made, so callers
//! can keep only what they need (the decision keeps the last transition; the
//! history page and the property tests keep them all).

use crate::history::{Exercise, Point, Side};
use crate::ladder::{Block, Rung};
use crate::params::{LayoffBand, Params};
use crate::timeline::{Event, Known, SessionView, Timeline};
use crate::values::{Load, Pain};
use jiff::Timestamp;
use rust_decimal::Decimal;
use std::collections::VecDeque;

/// What the last event did to the ladder (the contract's `transition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Transition {
    Enter,
    Progress,
    Regress,
    Hold,
    BlockAdd,
    BlockLower,
    Resolve,
    None,
}

impl Transition {
    pub fn id(self) -> &'static str {
        match self {
            Transition::Enter => "enter",
            Transition::Progress => "progress",
            Transition::Regress => "regress",
            Transition::Hold => "hold",
            Transition::BlockAdd => "block_add",
            Transition::BlockLower => "block_lower",
            Transition::Resolve => "resolve",
            Transition::None => "none",
        }
    }
}

/// Where on the ladder an episode stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Position {
    pub rung: Rung,
    pub block: Option<Block>,
}

/// An episode in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Episode {
    /// Time of the event that started it.
    pub started: Timestamp,
    pub position: Position,
    /// W as history gives it at the start: the heaviest normal-state top set of the
    /// usual variation in the 28 days ending at the entering event.
    pub w_at_entry: Option<Load>,
}

/// The lifter's state: normal, or in an episode at a rung.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum State {
    Normal,
    Episode(Episode),
}

impl State {
    pub fn position(&self) -> Option<Position> {
        match self {
            State::Normal => None,
            State::Episode(e) => Some(e.position),
        }
    }
}

/// Why a session was a flare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Flare {
    pub point: Point,
    pub pain: Pain,
    /// Set when the flare is "significantly worse" than this baseline rather than
    /// above the tolerable maximum.
    pub worse_than: Option<Pain>,
    /// `during` said it hurt only at the bottom of the pull.
    pub bottom_only: bool,
}

/// How a session was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Response {
    Flare(Flare),
    Tolerated { after_24h: Pain },
    Pending,
}

/// Why a transition happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Cause {
    Session(Response),
    /// `sore` of the last `window` normal-state sessions with an `after_24h` were sore.
    Pattern {
        sore: usize,
        window: usize,
    },
    Checkin {
        pain: Pain,
    },
}

/// A rung lowered by a layoff gap (section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LayoffDrop {
    pub from: Rung,
    pub to: Rung,
    pub gap_days: i64,
    pub band: LayoffBand,
    /// The last counted session before the gap.
    pub since: Timestamp,
    /// The session after the gap, or `as_of`.
    pub until: Timestamp,
}

/// What one event did.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Step {
    pub event: Event,
    pub at: Timestamp,
    pub before: State,
    pub after: State,
    /// `None` for a standalone check-in that did not enter an episode.
    pub transition: Option<Transition>,
    pub cause: Option<Cause>,
    pub layoff_drop: Option<LayoffDrop>,
}

/// What the decision needs to know of a session that is no longer in the timeline
/// (it was folded into a [`crate::Checkpoint`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SessionFacts {
    /// Its top set of the usual variation.
    pub usual_top: Option<Load>,
    pub tonnage: Decimal,
    /// It had a check-in with pain ≥ 1 on this side.
    pub hurt_left: bool,
    pub hurt_right: bool,
    pub has_after_24h: bool,
    /// It has at least one check-in (sessions imported from other apps have none).
    #[cfg_attr(feature = "serde", serde(default))]
    pub rated: bool,
}

impl SessionFacts {
    pub fn of(view: &SessionView<'_>, usual: Exercise) -> SessionFacts {
        let hurt = |side| view.known().any(|(_, k)| k.side == Some(side) && k.pain.value() >= 1);
        SessionFacts {
            usual_top: view.top_set(usual),
            tonnage: view.tonnage(),
            hurt_left: hurt(Side::Left),
            hurt_right: hurt(Side::Right),
            has_after_24h: view.point(Point::After24h).is_some(),
            rated: view.known().next().is_some(),
        }
    }
}

/// Where the details of a processed session are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Source {
    /// Index into [`Timeline::sessions`].
    Timeline(usize),
    /// Saved in a checkpoint.
    Saved(SessionFacts),
}

/// How a counted session was processed; the flags and referrals read these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SessionOutcome {
    pub source: Source,
    pub at: Timestamp,
    /// Processed in the normal state (an entering session was).
    pub normal: bool,
    /// The rung it was judged at, in an episode.
    pub rung: Option<Rung>,
    pub flare: bool,
}

/// The fold state of the replay.
#[derive(Debug, Clone)]
pub struct Replay<'p> {
    params: &'p Params,
    /// The usual variation: the lift whose top sets make W.
    usual: Exercise,
    pub state: State,
    /// Soreness of the last normal-state sessions with an `after_24h` since the last
    /// resolve, newest last, at most `pattern_window` long.
    pub pattern: VecDeque<bool>,
    pub outcomes: Vec<SessionOutcome>,
    /// Layoff drops since the current episode began.
    pub episode_drops: Vec<LayoffDrop>,
    /// The first counted session ever processed (outcomes may have been trimmed).
    pub first_at: Option<Timestamp>,
    /// W at the last normal-state session, saved with a checkpoint when that
    /// session is older than the checkpoint (its window may be trimmed).
    pub saved_normal_w: Option<(Timestamp, Option<Load>)>,
    /// The normal-state top sets of the last 28 days, for W at an episode's entry.
    normal_tops: WindowMax,
    /// From a checkpoint: the time of its last counted session, and how many
    /// sessions that do not count (no lift of protocol section 2) came after it
    /// up to the checkpoint. Only words read it (the layoff reason).
    pub uncounted_before: Option<(Timestamp, usize)>,
}

/// The heaviest top set in a window of days that slides forward with the replay:
/// a monotonic queue, so every session is pushed and popped at most once and an
/// episode's entry finds W in amortised O(1), however many sessions crowd a day
/// (a scan of the window at every entry was quadratic there).
#[derive(Debug, Clone, Default)]
pub struct WindowMax {
    /// Loads falling from front to back; among equal loads the older stays in
    /// front, because the scan this replaces reported the oldest of equal maxima.
    queue: VecDeque<(Load, Timestamp)>,
}

impl WindowMax {
    /// Adds a top set; `at` is never before an earlier push.
    pub fn push(&mut self, load: Load, at: Timestamp) {
        while self.queue.back().is_some_and(|(back, _)| *back < load) {
            self.queue.pop_back();
        }
        self.queue.push_back((load, at));
    }

    /// The heaviest of those pushed in the `days` days ending at `end` (the oldest
    /// of equal ones). `end` never goes back between calls and is never before a push.
    pub fn max_in(&mut self, end: Timestamp, days: i64) -> Option<(Load, Timestamp)> {
        while self.queue.front().is_some_and(|(_, at)| !in_window(*at, end, days)) {
            self.queue.pop_front();
        }
        self.queue.front().copied()
    }
}

impl<'p> Replay<'p> {
    pub fn new(params: &'p Params, usual: Exercise) -> Self {
        Replay {
            params,
            usual,
            state: State::Normal,
            pattern: VecDeque::new(),
            outcomes: Vec::new(),
            episode_drops: Vec::new(),
            first_at: None,
            saved_normal_w: None,
            normal_tops: WindowMax::default(),
            uncounted_before: None,
        }
    }

    /// Rebuilds the sliding window of normal-state top sets from outcomes restored
    /// from a checkpoint (all saved facts; they cover the 35 days before it, more
    /// than the 28 that W looks back).
    pub fn restore_window(&mut self) {
        let mut window = WindowMax::default();
        for o in self.outcomes.iter().filter(|o| o.normal) {
            if let Source::Saved(SessionFacts { usual_top: Some(top), .. }) = o.source {
                window.push(top, o.at);
            }
        }
        self.normal_tops = window;
    }

    /// The top set of the usual variation of a processed session.
    pub fn usual_top(&self, timeline: &Timeline<'_>, outcome: &SessionOutcome) -> Option<Load> {
        match outcome.source {
            Source::Timeline(i) => timeline.sessions[i].top_set(self.usual),
            Source::Saved(facts) => facts.usual_top,
        }
    }

    /// The facts of a processed session, wherever they are.
    pub fn facts(&self, timeline: &Timeline<'_>, outcome: &SessionOutcome) -> SessionFacts {
        match outcome.source {
            Source::Timeline(i) => SessionFacts::of(&timeline.sessions[i], self.usual),
            Source::Saved(facts) => facts,
        }
    }

    /// The heaviest top set of the usual variation among the processed sessions in
    /// the `days` days ending at `end` that pass `keep` (given the outcome's index).
    pub fn heaviest(
        &self,
        timeline: &Timeline<'_>,
        end: Timestamp,
        days: i64,
        keep: impl Fn(usize, &SessionOutcome) -> bool,
    ) -> Option<(Load, Timestamp)> {
        let stop = self.outcomes.partition_point(|o| o.at <= end);
        self.outcomes[..stop]
            .iter()
            .enumerate()
            .rev()
            .take_while(|(_, o)| in_window(o.at, end, days))
            .filter(|(i, o)| keep(*i, o))
            .filter_map(|(_, o)| self.usual_top(timeline, o).map(|load| (load, o.at)))
            .max_by_key(|(load, _)| *load)
    }

    /// The last normal-state session and W from history at it (protocol section 2,
    /// normal state), also when that session was folded into a checkpoint.
    pub fn normal_w(&self, timeline: &Timeline<'_>) -> Option<(Timestamp, Option<Load>)> {
        let last_normal = self.outcomes.iter().rev().find(|o| o.normal).map(|o| o.at);
        let at_last = |at| (at, self.w_from_history(timeline, at).map(|(w, _)| w));
        match (last_normal, self.saved_normal_w) {
            (Some(at), Some((saved_at, _))) if at > saved_at => Some(at_last(at)),
            (_, Some(saved)) => Some(saved),
            (Some(at), None) => Some(at_last(at)),
            (None, None) => None,
        }
    }

    /// W from history at `end`: the heaviest normal-state top set in the 28 days ending there.
    pub fn w_from_history(&self, timeline: &Timeline<'_>, end: Timestamp) -> Option<(Load, Timestamp)> {
        self.heaviest(timeline, end, 28, |_, o| o.normal)
    }

    /// The last counted session processed so far.
    pub fn last_outcome(&self) -> Option<&SessionOutcome> {
        self.outcomes.last()
    }

    /// Whether the pattern condition holds on the sessions seen so far.
    pub fn pattern_holds(&self) -> bool {
        self.pattern.iter().filter(|&&sore| sore).count() >= usize::from(self.params.pattern_min())
    }

    /// Applies one event of `timeline`.
    pub fn apply(&mut self, timeline: &Timeline<'_>, event: Event) -> Step {
        let before = self.state;
        let at = timeline.event_time(event);
        let (transition, cause, layoff_drop) = match event {
            Event::Session(i) => {
                let (t, c, d) = self.apply_session(timeline, i);
                (Some(t), Some(c), d)
            }
            Event::Checkin(i) => match self.apply_checkin(timeline.standalone[i].at, timeline.standalone[i].pain) {
                Some(cause) => (Some(Transition::Enter), Some(cause), None),
                None => (None, None, None),
            },
        };
        Step { event, at, before, after: self.state, transition, cause, layoff_drop }
    }

    fn apply_checkin(&mut self, at: Timestamp, pain: Pain) -> Option<Cause> {
        if self.state != State::Normal || pain.value() <= self.params.tolerable_max() {
            return None;
        }
        self.enter(at, None);
        Some(Cause::Checkin { pain })
    }

    fn apply_session(&mut self, timeline: &Timeline<'_>, index: usize) -> (Transition, Cause, Option<LayoffDrop>) {
        let session = &timeline.sessions[index];
        match self.state {
            State::Normal => {
                let response = normal_response(session, self.params.tolerable_max());
                self.record(index, session.at(), None, matches!(response, Response::Flare(_)));
                if let Some(top) = session.top_set(self.usual) {
                    self.normal_tops.push(top, session.at());
                }
                let (transition, cause) = self.judge_normal(timeline, index, response);
                (transition, cause, None)
            }
            State::Episode(mut episode) => {
                // A layoff gap lowers the rung just before the session is judged.
                let since = self.last_outcome().map(|o| o.at);
                let drop = layoff_drop(self.params, episode.position.rung, since, session.at());
                if let Some(d) = drop {
                    episode.position.rung = d.to;
                    self.episode_drops.push(d);
                }
                let response = self.episode_response(timeline, session);
                let (transition, position) = episode_transition(episode.position, response);
                self.record(index, session.at(), Some(episode.position.rung), matches!(response, Response::Flare(_)));
                self.state = match transition {
                    Transition::Resolve => {
                        self.pattern.clear();
                        State::Normal
                    }
                    _ => State::Episode(Episode { position, ..episode }),
                };
                (transition, Cause::Session(response), drop)
            }
        }
    }

    fn record(&mut self, session: usize, at: Timestamp, rung: Option<Rung>, flare: bool) {
        self.first_at.get_or_insert(at);
        self.outcomes.push(SessionOutcome {
            source: Source::Timeline(session),
            at,
            normal: rung.is_none(),
            rung,
            flare,
        });
    }

    /// Judges a session in the normal state; enters an episode on a flare or a pattern.
    fn judge_normal(&mut self, timeline: &Timeline<'_>, index: usize, response: Response) -> (Transition, Cause) {
        let session = &timeline.sessions[index];
        if let Some(after_24h) = session.point(Point::After24h) {
            self.pattern.push_back(after_24h.pain.value() >= self.params.sore_min());
            while self.pattern.len() > usize::from(self.params.pattern_window()) {
                self.pattern.pop_front();
            }
        }
        // Section 4: "An entering session whose `during` says `bottom_only` also starts
        // on the first block", whichever rule made it enter (a flare or the pattern).
        let entry_block = bottom_only(session).then_some(Block::First);
        match response {
            Response::Flare(_) => {
                self.enter(session.at(), entry_block);
                (Transition::Enter, Cause::Session(response))
            }
            Response::Tolerated { .. } if self.pattern_holds() => {
                self.enter(session.at(), entry_block);
                let sore = self.pattern.iter().filter(|&&s| s).count();
                (Transition::Enter, Cause::Pattern { sore, window: self.pattern.len() })
            }
            _ => (Transition::None, Cause::Session(response)),
        }
    }

    fn enter(&mut self, at: Timestamp, block: Option<Block>) {
        // W from history at the entering event: the window of normal-state top sets.
        let w_at_entry = self.normal_tops.max_in(at, 28).map(|(w, _)| w);
        self.state =
            State::Episode(Episode { started: at, position: Position { rung: Rung::ENTRY, block }, w_at_entry });
        self.episode_drops.clear();
    }

    /// In an episode `before` is only the baseline; "significantly worse" also flares.
    fn episode_response(&self, timeline: &Timeline<'_>, session: &SessionView<'_>) -> Response {
        let tolerable_max = self.params.tolerable_max();
        if let Some(flare) = worst_above(session, &[Point::During, Point::After1h, Point::After24h], tolerable_max) {
            return Response::Flare(flare);
        }
        let Some(after_24h) = session.point(Point::After24h) else { return Response::Pending };
        let baseline = timeline.baseline(session);
        if u16::from(after_24h.pain.value()) >= u16::from(baseline.value()) + u16::from(self.params.worse_delta()) {
            return Response::Flare(Flare {
                point: Point::After24h,
                pain: after_24h.pain,
                worse_than: Some(baseline),
                bottom_only: bottom_only(session),
            });
        }
        Response::Tolerated { after_24h: after_24h.pain }
    }
}

/// In the normal state any of the four points above the tolerable maximum is a flare.
fn normal_response(session: &SessionView<'_>, tolerable_max: u8) -> Response {
    if let Some(flare) = worst_above(session, &Point::ALL, tolerable_max) {
        return Response::Flare(flare);
    }
    match session.point(Point::After24h) {
        Some(k) => Response::Tolerated { after_24h: k.pain },
        None => Response::Pending,
    }
}

/// The highest pain above `tolerable_max` among `points` (the earliest point on ties).
fn worst_above(session: &SessionView<'_>, points: &[Point], tolerable_max: u8) -> Option<Flare> {
    let mut worst: Option<(Point, Known)> = None;
    for &point in points {
        if let Some(k) = session.point(point)
            && k.pain.value() > tolerable_max
            && worst.is_none_or(|(_, w)| k.pain > w.pain)
        {
            worst = Some((point, k));
        }
    }
    worst.map(|(point, k)| Flare { point, pain: k.pain, worse_than: None, bottom_only: bottom_only(session) })
}

fn bottom_only(session: &SessionView<'_>) -> bool {
    session.point(Point::During).is_some_and(|k| k.bottom_only)
}

/// The transition table's episode rows.
fn episode_transition(at: Position, response: Response) -> (Transition, Position) {
    match response {
        Response::Flare(flare) if flare.bottom_only && at.rung.is_barbell() && Block::add(at.block).is_some() => {
            (Transition::BlockAdd, Position { block: Block::add(at.block), ..at })
        }
        Response::Flare(_) => {
            let rung = at.rung.down();
            // Regressing below rung 2 takes the block away.
            let block = at.block.filter(|_| rung.is_barbell());
            (Transition::Regress, Position { rung, block })
        }
        Response::Tolerated { .. } => match at.block {
            Some(block) => (Transition::BlockLower, Position { block: block.lower(), ..at }),
            None if at.rung == Rung::TOP => (Transition::Resolve, at),
            None => (Transition::Progress, Position { rung: at.rung.up(), ..at }),
        },
        Response::Pending => (Transition::Hold, at),
    }
}

/// The layoff drop at `rung` for the gap from `since` to `until`, if it lowers the rung.
pub fn layoff_drop(params: &Params, rung: Rung, since: Option<Timestamp>, until: Timestamp) -> Option<LayoffDrop> {
    let since = since?;
    let gap_days = whole_days(since, until);
    let band = params.layoff_band(gap_days)?;
    let to = Rung::highest_within(band.factor);
    (rung > to).then_some(LayoffDrop { from: rung, to, gap_days, band, since, until })
}

/// Whole days from `a` to `b`, floored.
pub fn whole_days(a: Timestamp, b: Timestamp) -> i64 {
    let d = b.duration_since(a);
    let seconds = if d.subsec_nanos() < 0 { d.as_secs() - 1 } else { d.as_secs() };
    seconds.div_euclid(86_400)
}

/// Whether `t` lies in the half-open window of `days` days that ends at `end`:
/// `end - days < t <= end`.
pub fn in_window(t: Timestamp, end: Timestamp, days: i64) -> bool {
    t <= end && end.duration_since(t) < jiff::SignedDuration::from_secs(days * 86_400)
}
