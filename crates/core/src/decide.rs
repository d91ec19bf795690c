//! The decision at `as_of` (protocol sections 2 and 5–7), from the end of the replay.

use crate::decision::{Action, Decision, EpisodeInfo, Flag, Metrics, Referral};
use crate::explain;
use crate::history::{History, Screening, Side, SymmetryTest};
use crate::ladder::{self, Prescribed, round_down_to_increment};
use crate::params::LayoffBand;
use crate::replay::{Episode, LayoffDrop, Replay, SessionOutcome, State, Step, in_window, layoff_drop, whole_days};
use crate::timeline::{OrderedCheckin, Timeline};
use crate::tolerance::Tally;
use crate::values::Load;
use jiff::Timestamp;
use rust_decimal::{Decimal, RoundingStrategy};

/// The engine: what to do next session, and why, from `history` as it stands at `as_of`.
///
/// Pure: the same history and `as_of` always give the same decision.
pub fn plan(history: &History, as_of: Timestamp) -> Decision {
    let timeline = Timeline::build(history, as_of);
    let mut run = Run::new(Replay::new(&history.params, history.profile.usual_variation.exercise()));
    run.fold(&timeline, None);
    run.decide(history, &timeline)
}

/// Every step of the replay at `as_of`, in event order: the ladder over time.
pub fn trace(history: &History, as_of: Timestamp) -> Vec<Step> {
    let timeline = Timeline::build(history, as_of);
    let mut replay = Replay::new(&history.params, history.profile.usual_variation.exercise());
    timeline.events.iter().map(|&event| replay.apply(&timeline, event)).collect()
}

/// A replay in progress, with the steps the decision explains.
#[derive(Debug, Clone)]
pub(crate) struct Run<'p> {
    pub replay: Replay<'p>,
    pub last_transition: Option<Step>,
    /// The step that entered the latest episode.
    pub episode_start: Option<Step>,
    /// The rated sessions of a checkpoint resumed from (the tolerance estimate's),
    /// and the instant it covers: sessions after it are counted at the decision.
    pub tolerance: Tally,
    pub tolerance_until: Option<Timestamp>,
}

impl<'p> Run<'p> {
    pub fn new(replay: Replay<'p>) -> Self {
        Run { replay, last_transition: None, episode_start: None, tolerance: Tally::default(), tolerance_until: None }
    }

    /// Applies the timeline's events, those at or before `until` when given.
    pub fn fold(&mut self, timeline: &Timeline<'_>, until: Option<Timestamp>) {
        for &event in &timeline.events {
            if until.is_some_and(|t| timeline.event_time(event) > t) {
                break;
            }
            let step = self.replay.apply(timeline, event);
            if step.transition.is_some() {
                self.last_transition = Some(step);
            }
            if step.transition == Some(crate::Transition::Enter) {
                self.episode_start = Some(step);
            }
        }
    }

    pub fn decide(self, history: &History, timeline: &Timeline<'_>) -> Decision {
        let tally = self.tally(history, timeline, None);
        let mut facts = Facts::new(history, timeline, self.replay, self.last_transition);
        facts.episode_start = self.episode_start.filter(|_| facts.episode.is_some());
        facts.decide(&tally)
    }

    /// The rated sessions of the checkpoint resumed from, plus those of `timeline`
    /// after it (and at or before `until`, when given).
    pub fn tally(&self, history: &History, timeline: &Timeline<'_>, until: Option<Timestamp>) -> Tally {
        let mut tally = self.tolerance.clone();
        let usual = history.profile.usual_variation.exercise();
        let tolerable_max = history.params.tolerable_max();
        for view in &timeline.sessions {
            let after_base = self.tolerance_until.is_none_or(|t| view.at() > t);
            if after_base && until.is_none_or(|u| view.at() <= u) {
                tally.observe(view, usual, tolerable_max);
            }
        }
        tally
    }
}

const DAYS_28: i64 = 28;
const DAYS_7: i64 = 7;

/// A heaviest top set of the usual variation, and the session it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TopSet {
    pub load: Load,
    pub at: Timestamp,
}

/// A session whose top set jumped above the ratio × the heaviest before it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spike {
    pub at: Timestamp,
    pub top: Load,
    pub prior: TopSet,
}

/// The acute and chronic tonnage behind the ACWR.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Workload {
    pub acute: Decimal,
    pub chronic: Decimal,
}

impl Workload {
    /// acute ÷ (chronic ÷ 4); chronic is positive.
    pub fn ratio(&self) -> Decimal {
        self.acute * Decimal::from(4) / self.chronic
    }

    /// Compares the exact ratio without dividing: acute × 4 > threshold × chronic.
    pub fn exceeds(&self, threshold: Decimal) -> bool {
        self.acute * Decimal::from(4) > threshold * self.chronic
    }
}

/// The gap before `as_of`, when it reaches a layoff band.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layoff {
    pub days: i64,
    pub band: LayoffBand,
    pub since: Timestamp,
}

/// The top-level cap and its two candidates.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Caps {
    /// `intensity_spike_ratio` × the heaviest top set in the 28 days before `as_of`.
    pub intensity: Option<(Load, TopSet)>,
    pub layoff: Option<Load>,
}

impl Caps {
    pub fn least(&self) -> Option<Load> {
        match (self.intensity.map(|(cap, _)| cap), self.layoff) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Everything known at the end of the replay, and the findings derived from it.
pub(crate) struct Facts<'a, 'h> {
    pub history: &'h History,
    pub timeline: &'a Timeline<'h>,
    pub replay: Replay<'h>,
    pub last_transition: Option<Step>,
    /// The step that entered the current episode.
    pub episode_start: Option<Step>,
    /// The current episode, after any drop at `as_of`.
    pub episode: Option<Episode>,
    pub as_of_drop: Option<LayoffDrop>,
    pub working_weight: Option<Load>,
    pub screening: Option<&'h Screening>,
    pub latest_checkin: Option<OrderedCheckin>,
    pub layoff: Option<Layoff>,
    pub caps: Caps,
    pub spike: Option<Spike>,
    pub workload: Option<Workload>,
    pub symmetry: Option<&'h SymmetryTest>,
}

impl<'a, 'h> Facts<'a, 'h> {
    fn new(
        history: &'h History,
        timeline: &'a Timeline<'h>,
        replay: Replay<'h>,
        last_transition: Option<Step>,
    ) -> Self {
        let as_of = timeline.as_of;
        let last_counted = replay.last_outcome().map(|o| o.at);
        let (episode, as_of_drop) = match replay.state {
            State::Normal => (None, None),
            State::Episode(mut e) => {
                let drop = layoff_drop(&history.params, e.position.rung, last_counted, as_of);
                if let Some(d) = drop {
                    e.position.rung = d.to;
                }
                (Some(e), drop)
            }
        };
        let layoff = last_counted.and_then(|since| {
            let days = whole_days(since, as_of);
            history.params.layoff_band(days).map(|band| Layoff { days, band, since })
        });
        let mut facts = Facts {
            history,
            timeline,
            replay,
            last_transition,
            episode_start: None,
            episode,
            as_of_drop,
            working_weight: None,
            screening: latest_by_time(&history.screenings, |s| s.at, as_of),
            latest_checkin: timeline.latest_checkin(),
            layoff,
            caps: Caps::default(),
            spike: None,
            workload: None,
            symmetry: latest_by_time(&history.symmetry_tests, |s| s.at, as_of),
        };
        facts.working_weight = facts.working_weight();
        facts.caps = facts.caps();
        facts.spike = facts.intensity_spike();
        facts.workload = facts.workload();
        facts
    }

    fn decide(self, tally: &Tally) -> Decision {
        let action = self.action();
        let flags = self.flags();
        let see_clinician = self.referrals();
        let as_of = self.timeline.as_of;
        let decision = Decision {
            as_of,
            units: self.history.profile.units,
            action,
            rung: self.episode.map(|e| e.position.rung),
            block: self.episode.and_then(|e| e.position.block),
            episode: self.episode.map(|e| EpisodeInfo { started: e.started, day: whole_days(e.started, as_of) }),
            transition: self.last_transition.and_then(|s| s.transition).unwrap_or(crate::Transition::None),
            prescription: self.prescription(action),
            load_cap: if action == Action::Train && self.episode.is_none() { self.caps.least() } else { None },
            metrics: self.metrics(),
            tolerance: crate::tolerance::tolerance(tally, self.w(), &self.history.profile),
            reasons: Vec::new(),
            education: explain::education(action, self.episode.map(|e| e.position.rung), self.last_transition),
            flags,
            see_clinician,
        };
        Decision { reasons: explain::reasons(&self, &decision), ..decision }
    }

    /// The heaviest top set of the usual variation among the counted sessions in the
    /// `days` days ending at `end` that pass `keep`.
    fn heaviest(&self, end: Timestamp, days: i64, keep: impl Fn(usize, &SessionOutcome) -> bool) -> Option<TopSet> {
        self.replay.heaviest(self.timeline, end, days, keep).map(|(load, at)| TopSet { load, at })
    }

    /// W: the profile's, else the heaviest normal-state top set in the 28 days ending
    /// at the event that started the episode, or at the last normal-state session.
    fn working_weight(&self) -> Option<Load> {
        if let Some(w) = self.history.profile.working_weight {
            return Some(w);
        }
        if let Some(e) = self.episode {
            return e.w_at_entry;
        }
        self.replay.normal_w(self.timeline).and_then(|(_, w)| w)
    }

    fn w(&self) -> Option<Load> {
        self.working_weight
    }

    fn caps(&self) -> Caps {
        let profile = &self.history.profile;
        let ratio = self.history.params.intensity_spike_ratio();
        let intensity = self
            .heaviest(self.timeline.as_of, DAYS_28, |_, _| true)
            .map(|top| (round_down_to_increment(top.load.value() * ratio, profile), top));
        let layoff = match (self.layoff, self.w()) {
            (Some(layoff), Some(w)) => Some(round_down_to_increment(w.value() * layoff.band.factor, profile)),
            _ => None,
        };
        Caps { intensity, layoff }
    }

    /// The latest normal-state session of the last 7 days whose top set is above the
    /// ratio × the heaviest normal-state top set in the 28 days before it.
    ///
    /// One pass: the heaviest before each session is the larger of the heaviest
    /// earlier session in its window (a monotonic queue sliding forward) and the
    /// heaviest later session at the same instant (a window "before s" holds the
    /// sessions at s's own time, s left out). A scan of the window per session was
    /// quadratic when thousands of sessions crowd a week.
    fn intensity_spike(&self) -> Option<Spike> {
        let as_of = self.timeline.as_of;
        let ratio = self.history.params.intensity_spike_ratio();
        let outcomes = &self.replay.outcomes;
        let tops: Vec<Option<Load>> =
            outcomes.iter().map(|o| if o.normal { self.replay.usual_top(self.timeline, o) } else { None }).collect();
        let first = outcomes.len() - outcomes.iter().rev().take_while(|o| in_window(o.at, as_of, DAYS_7)).count();
        let later_same_instant = heaviest_later_at_same_instant(outcomes, &tops, first);
        let mut earlier = crate::replay::WindowMax::default();
        let mut next = outcomes[..first]
            .partition_point(|o| !in_window(o.at, outcomes.get(first).map_or(as_of, |f| f.at), DAYS_28));
        let mut spike = None;
        for i in first..outcomes.len() {
            let at = outcomes[i].at;
            for (j, top) in tops.iter().enumerate().take(i).skip(next) {
                if let Some(top) = top {
                    earlier.push(*top, outcomes[j].at);
                }
            }
            next = next.max(i);
            let before = earlier.max_in(at, DAYS_28);
            let Some(top) = tops[i] else { continue };
            // Ties go to the earlier session, as the scan's oldest-of-equal maxima did.
            let prior = match (before, later_same_instant[i - first]) {
                (Some(b), Some(l)) if l > b.0 => Some((l, at)),
                (Some(b), _) => Some(b),
                (None, Some(l)) => Some((l, at)),
                (None, None) => None,
            };
            if let Some((load, prior_at)) = prior
                && top.value() > ratio * load.value()
            {
                spike = Some(Spike { at, top, prior: TopSet { load, at: prior_at } });
            }
        }
        spike
    }

    /// The scan that [`Facts::intensity_spike`] replaced: the reference its property test compares with.
    #[cfg(test)]
    fn intensity_spike_by_scan(&self) -> Option<Spike> {
        let as_of = self.timeline.as_of;
        let ratio = self.history.params.intensity_spike_ratio();
        let outcomes = &self.replay.outcomes;
        outcomes.iter().enumerate().rev().take_while(|(_, o)| in_window(o.at, as_of, DAYS_7)).find_map(|(i, o)| {
            if !o.normal {
                return None;
            }
            let top = self.replay.usual_top(self.timeline, o)?;
            let prior = self.heaviest(o.at, DAYS_28, |j, other| j != i && other.normal)?;
            (top.value() > ratio * prior.load.value()).then_some(Spike { at: o.at, top, prior })
        })
    }

    /// Tonnage of the last 7 and 28 days, when the first counted session is at least
    /// 28 days old and the chronic tonnage is positive.
    fn workload(&self) -> Option<Workload> {
        let as_of = self.timeline.as_of;
        let first = self.replay.first_at?;
        if as_of.duration_since(first) < jiff::SignedDuration::from_hours(24 * DAYS_28) {
            return None;
        }
        let mut load = Workload { acute: Decimal::ZERO, chronic: Decimal::ZERO };
        for o in self.replay.outcomes.iter().rev().take_while(|o| in_window(o.at, as_of, DAYS_28)) {
            let tonnage = self.replay.facts(self.timeline, o).tonnage;
            load.chronic += tonnage;
            if in_window(o.at, as_of, DAYS_7) {
                load.acute += tonnage;
            }
        }
        (load.chronic > Decimal::ZERO).then_some(load)
    }

    fn action(&self) -> Action {
        let tolerable_max = self.history.params.tolerable_max();
        match self.screening.map(|s| s.answers) {
            Some(a) if a.urgent() => Action::UrgentCare,
            Some(a) if a.fever || a.trauma || a.cancer_history || a.weight_loss || a.night_pain => Action::SeeDoctor,
            _ if self.latest_checkin.is_some_and(|c| c.pain.value() > tolerable_max) => Action::RestActive,
            _ => Action::Train,
        }
    }

    fn prescription(&self, action: Action) -> Vec<Prescribed> {
        let profile = &self.history.profile;
        match (action, self.episode) {
            (Action::UrgentCare | Action::SeeDoctor, _) => Vec::new(),
            (Action::RestActive, _) => ladder::rung_zero(),
            (Action::Train, None) => vec![Prescribed::own_program(profile)],
            (Action::Train, Some(e)) => ladder::prescription(e.position.rung, e.position.block, self.w(), profile),
        }
    }

    fn flags(&self) -> Vec<Flag> {
        let normal = self.episode.is_none();
        let params = &self.history.params;
        let mut flags = Vec::new();
        if normal && self.spike.is_some() {
            flags.push(Flag::IntensitySpike);
        }
        if self.layoff.is_some() {
            flags.push(Flag::Layoff);
        }
        if self.missing_checkin().is_some() {
            flags.push(Flag::MissingCheckin);
        }
        if self.replay.pattern_holds() {
            flags.push(Flag::Pattern);
        }
        if normal && self.workload.is_some_and(|w| w.exceeds(params.volume_spike_acwr())) {
            flags.push(Flag::VolumeSpike);
        }
        if self.working_weight.is_none() {
            flags.push(Flag::WorkingWeightUnknown);
        }
        flags
    }

    /// How many sessions that do not count (protocol section 2) were logged after
    /// `since` (a counted session's time), up to `as_of`.
    pub fn uncounted_since(&self, since: Timestamp) -> usize {
        let carried = self.replay.uncounted_before.filter(|(at, _)| *at == since).map_or(0, |(_, n)| n);
        carried + self.timeline.sessions.iter().filter(|v| !v.counted && v.at() > since).count()
    }

    /// Whether a session at `at` is too long ago to rate now ([`crate::CHECKIN_LOOK_BACK`]).
    pub fn too_long_ago(&self, at: Timestamp) -> bool {
        self.timeline.as_of.duration_since(at) > crate::CHECKIN_LOOK_BACK
    }

    /// The last counted session, when it is at least 24 h old without an `after_24h`.
    pub fn missing_checkin(&self) -> Option<Timestamp> {
        let last = self.replay.last_outcome()?;
        let old_enough = self.timeline.as_of.duration_since(last.at) >= jiff::SignedDuration::from_hours(24);
        (old_enough && !self.replay.facts(self.timeline, last).has_after_24h).then_some(last.at)
    }

    fn referrals(&self) -> Vec<Referral> {
        let mut reasons = Vec::new();
        if self.asymmetric_side().is_some() {
            reasons.push(Referral::Asymmetry);
        }
        if self.episode_day().is_some_and(|day| day > i64::from(self.history.params.episode_referral_days())) {
            reasons.push(Referral::Duration);
        }
        if self.replay.last_outcome().is_some_and(|o| o.flare && o.rung == Some(ladder::Rung::BOTTOM)) {
            reasons.push(Referral::NoTolerableRung);
        }
        if self.flares_in_episode().is_some_and(|(flares, _)| flares >= 3) {
            reasons.push(Referral::RepeatedFlares);
        }
        reasons
    }

    pub fn episode_day(&self) -> Option<i64> {
        self.episode.map(|e| whole_days(e.started, self.timeline.as_of))
    }

    /// Flares among the last 4 counted sessions timed at or after the episode start,
    /// and how many sessions that was.
    pub fn flares_in_episode(&self) -> Option<(usize, usize)> {
        let started = self.episode?.started;
        let recent: Vec<&SessionOutcome> =
            self.replay.outcomes.iter().rev().take_while(|o| o.at >= started).take(4).collect();
        Some((recent.iter().filter(|o| o.flare).count(), recent.len()))
    }

    /// The side that hurt in ≥ 2 of the last 4 counted sessions, when the latest
    /// symmetry test is below `lsi_min`.
    pub fn asymmetric_side(&self) -> Option<(Side, usize)> {
        let test = self.symmetry?;
        let (weak, strong) = min_max(test.left.value(), test.right.value());
        if weak >= self.history.params.lsi_min() * strong {
            return None;
        }
        let recent = self.replay.outcomes.iter().rev().take(4);
        let mut counts = [0usize; 2];
        for o in recent {
            let facts = self.replay.facts(self.timeline, o);
            counts[0] += usize::from(facts.hurt_left);
            counts[1] += usize::from(facts.hurt_right);
        }
        [(Side::Left, counts[0]), (Side::Right, counts[1])].into_iter().find(|&(_, n)| n >= 2)
    }

    fn metrics(&self) -> Metrics {
        Metrics {
            working_weight: self.w(),
            acwr: self.workload.map(|w| round_half_up(w.ratio())),
            days_since_last_session: self.replay.last_outcome().map(|o| whole_days(o.at, self.timeline.as_of)),
            lsi: self.symmetry.map(|t| {
                let (weak, strong) = min_max(t.left.value(), t.right.value());
                round_half_up(weak / strong)
            }),
        }
    }
}

fn min_max(a: Decimal, b: Decimal) -> (Decimal, Decimal) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Rounds half-up (away from zero; all values here are ≥ 0) to 2 decimals.
pub(crate) fn round_half_up(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The last item by time at or before `as_of`; the later-listed one at the same instant.
fn latest_by_time<T>(items: &[T], at: impl Fn(&T) -> Timestamp, as_of: Timestamp) -> Option<&T> {
    items.iter().filter(|item| at(item) <= as_of).fold(None, |best: Option<&T>, item| match best {
        Some(b) if at(b) > at(item) => Some(b),
        _ => Some(item),
    })
}

/// For each outcome from `first` on, the heaviest top set among the later outcomes
/// at the very same instant (they are in its "28 days before" window too).
fn heaviest_later_at_same_instant(
    outcomes: &[SessionOutcome],
    tops: &[Option<Load>],
    first: usize,
) -> Vec<Option<Load>> {
    let mut later = vec![None; outcomes.len() - first];
    for i in (first..outcomes.len().saturating_sub(1)).rev() {
        if outcomes[i + 1].at == outcomes[i].at {
            later[i - first] = tops[i + 1].max(later[i + 1 - first]);
        }
    }
    later
}

#[cfg(test)]
mod window_tests {
    //! The one-pass window maxima (issue 16) against the scans they replaced, on
    //! histories whose sessions crowd a few days, with few distinct loads (ties).
    use super::*;
    use crate::history::{Exercise, ExerciseId, ExerciseLog, Point, Profile, Session, SessionCheckin, Set, Units};
    use crate::replay::State;
    use crate::values::{Pain, Reps};
    use proptest::prelude::*;

    const BASE: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

    fn session(minute: i64, load: u8, squat: bool, during: u8, after_24h: Option<u8>) -> Session {
        let exercise = if squat { ExerciseId::Other("squat".into()) } else { ExerciseId::Known(Exercise::Deadlift) };
        let set = |kg: u8| Set {
            load: Load::parse(Decimal::from(u32::from(kg) * 10)).expect("load"),
            reps: Reps::parse(5).expect("reps"),
            rpe: None,
            warmup: false,
            note: None,
        };
        let mut checkins = vec![SessionCheckin {
            point: Point::During,
            pain: Pain::parse(i64::from(during)).expect("pain"),
            at: None,
            side: None,
            bottom_only: false,
        }];
        if let Some(p) = after_24h {
            checkins.push(SessionCheckin {
                point: Point::After24h,
                pain: Pain::parse(i64::from(p)).expect("pain"),
                at: None,
                side: None,
                bottom_only: false,
            });
        }
        Session {
            id: None,
            at: Timestamp::from_second(BASE + minute * 60).expect("time"),
            exercises: vec![ExerciseLog {
                exercise,
                tempo: None,
                block_height: None,
                sets: vec![set(load), set(load / 2)],
                note: None,
            }],
            checkins,
            note: None,
        }
    }

    prop_compose! {
        fn crowded()(
            span in prop_oneof![Just(60i64), Just(3 * 1440), Just(40 * 1440)],
            raw in prop::collection::vec((0..1000i64, 1..=6u8, prop::bool::weighted(0.1), 0..=6u8, prop::option::of(0..=6u8)), 0..80),
        ) -> History {
            let mut history = History::new(Profile::new(Units::Kg));
            history.sessions = raw.iter()
                .map(|&(m, load, squat, during, after_24h)| session(m * span / 1000, load, squat, during, after_24h))
                .collect();
            history.sessions.sort_by_key(|s| s.at);
            history
        }
    }

    fn as_of_for(history: &History, after: i64) -> Timestamp {
        let last = history.sessions.last().map_or(BASE, |s| s.at.as_second());
        Timestamp::from_second(last + after * 60).expect("time")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn the_one_pass_spike_equals_the_scan(history in crowded(), after in 0..(3 * 1440i64)) {
            let as_of = as_of_for(&history, after);
            let timeline = Timeline::build(&history, as_of);
            let mut run = Run::new(Replay::new(&history.params, history.profile.usual_variation.exercise()));
            run.fold(&timeline, None);
            let facts = Facts::new(&history, &timeline, run.replay, run.last_transition);
            let fast = facts.intensity_spike().map(|s| (s.at, s.top, s.prior.load, s.prior.at));
            let scan = facts.intensity_spike_by_scan().map(|s| (s.at, s.top, s.prior.load, s.prior.at));
            prop_assert_eq!(fast, scan);
        }

        #[test]
        fn w_at_entry_from_the_window_equals_the_scan(history in crowded(), after in 0..(3 * 1440i64)) {
            let as_of = as_of_for(&history, after);
            let timeline = Timeline::build(&history, as_of);
            let mut replay = Replay::new(&history.params, history.profile.usual_variation.exercise());
            for &event in &timeline.events {
                let step = replay.apply(&timeline, event);
                if let (State::Normal, State::Episode(e)) = (step.before, step.after) {
                    let scanned = replay.w_from_history(&timeline, step.at).map(|(w, _)| w);
                    prop_assert_eq!(e.w_at_entry, scanned, "entry at {}", step.at);
                }
            }
        }
    }
}
