//! The personal tolerance estimate: from the lifter's own rated sessions, the load
//! above which sessions tended to flare and at or below which they were tolerated.
//!
//! **In one sentence:** of every way to cut the lifter's rated sessions, sorted by
//! top-set load, into "at or below a load" and "above it", take the cut that gets
//! the most sessions right when those below are called tolerated and those above
//! flared (ties go to the lighter, safer load), and say how many above and below
//! actually flared.
//!
//! It is information only: nothing here changes the protocol's prescription
//! (`protocol.md` decides that), and the decision never reads it.
//!
//! - A **rated session** has a top set of the usual variation (the lift W and the
//!   ladder are about) and pain ratings that settle its response: it **flared** if
//!   `during`, `after_1h` or `after_24h` is above `tolerable_max`, and it was
//!   **tolerated** if none is and `after_24h` is known. (`before` is left out: pain
//!   before lifting is not the load's doing.) Other sessions are not counted.
//! - Below [`MIN_SESSIONS`] rated sessions, or fewer than [`MIN_EACH`] flares or
//!   tolerated sessions, there is no estimate ([`Verdict::NotEnoughData`]).
//! - The cuts include "no cut" both ways (all tolerated, all flared); when one of
//!   those wins, flares do not follow the load ([`Verdict::NoClearThreshold`]).
//!   When a real cut wins, more than half the sessions above it flared and fewer
//!   than half at or below it did (the counts follow from the cut beating both).
//! - **How sure:** the Wilson score interval (95 %) of the flare rate above and at
//!   or below; the estimate is [`Confidence::Clear`] when the two intervals do not
//!   overlap, else [`Confidence::Tentative`]. The interval is the one statistic in
//!   `f64`; every load is exact.
//!
//! Properties (tested): with an estimate before and after, adding a flared session
//! above it never raises it, adding a tolerated session at or below it never lowers
//! it, and turning a tolerated session into a flared one never raises it; and no
//! estimate ever comes from fewer than [`MIN_SESSIONS`] sessions.

use crate::history::{Exercise, History, Point, Profile};
use crate::timeline::{SessionView, Timeline};
use crate::values::Load;
use jiff::Timestamp;
use rust_decimal::{Decimal, RoundingStrategy};

/// The fewest rated sessions an estimate is made from.
pub const MIN_SESSIONS: u32 = 10;
/// The fewest flares, and the fewest tolerated sessions, an estimate is made from.
pub const MIN_EACH: u32 = 3;
/// The normal quantile of a two-sided 95 % interval.
const Z_95: f64 = 1.96;

/// How a rated session went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    Flared,
    Tolerated,
}

/// Rated sessions at one top-set load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AtLoad {
    pub load: Load,
    pub flared: u32,
    pub tolerated: u32,
}

/// Every rated session, counted per load (sorted by load, each load once), and the
/// time of the earliest. Small whatever the history's length (loads repeat), so a
/// checkpoint can carry it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Tally {
    loads: Vec<AtLoad>,
    first: Option<Timestamp>,
}

impl Tally {
    /// Counts one rated session.
    pub fn add(&mut self, load: Load, response: Response, at: Timestamp) {
        let slot = self.slot(load);
        match response {
            Response::Flared => slot.flared = slot.flared.saturating_add(1),
            Response::Tolerated => slot.tolerated = slot.tolerated.saturating_add(1),
        }
        self.first = Some(self.first.map_or(at, |f| f.min(at)));
    }

    /// The counts at `load`, made empty if there are none yet.
    fn slot(&mut self, load: Load) -> &mut AtLoad {
        let i = self.loads.binary_search_by_key(&load, |a| a.load).unwrap_or_else(|i| {
            self.loads.insert(i, AtLoad { load, flared: 0, tolerated: 0 });
            i
        });
        &mut self.loads[i]
    }

    /// Counts `view` if it is a rated session of `usual`.
    pub(crate) fn observe(&mut self, view: &SessionView<'_>, usual: Exercise, tolerable_max: u8) {
        let Some(load) = view.top_set(usual) else { return };
        if let Some(response) = judge(view, tolerable_max) {
            self.add(load, response, view.at());
        }
    }

    pub fn loads(&self) -> &[AtLoad] {
        &self.loads
    }

    pub fn flared(&self) -> u32 {
        total(self.loads.iter().map(|a| a.flared))
    }

    pub fn tolerated(&self) -> u32 {
        total(self.loads.iter().map(|a| a.tolerated))
    }

    pub fn sessions(&self) -> u32 {
        self.flared().saturating_add(self.tolerated())
    }
}

/// A sum of counts that cannot overflow (a checkpoint read back is data too).
fn total(counts: impl Iterator<Item = u32>) -> u32 {
    counts.fold(0, u32::saturating_add)
}

/// Every rated session of `history` as it stands at `as_of` (without a replay:
/// for a chart; the decision carries the same, see [`crate::Decision::tolerance`]).
pub fn tally(history: &History, as_of: Timestamp) -> Tally {
    let timeline = Timeline::build(history, as_of);
    let mut tally = Tally::default();
    let usual = history.profile.usual_variation.exercise();
    for view in &timeline.sessions {
        tally.observe(view, usual, history.params.tolerable_max());
    }
    tally
}

/// The response of a session from its `during`, `after_1h` and `after_24h` ratings;
/// `None` while it is not settled (nothing above the maximum and no `after_24h`).
fn judge(view: &SessionView<'_>, tolerable_max: u8) -> Option<Response> {
    let above = [Point::During, Point::After1h, Point::After24h]
        .into_iter()
        .filter_map(|p| view.point(p))
        .any(|k| k.pain.value() > tolerable_max);
    if above { Some(Response::Flared) } else { view.point(Point::After24h).map(|_| Response::Tolerated) }
}

/// Sessions on one side of the estimate, and how many of them flared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub flared: u32,
    pub sessions: u32,
}

impl Share {
    /// The Wilson score interval (95 %) of the flare rate, as (low, high) in 0–1.
    pub fn interval(&self) -> (f64, f64) {
        let n = f64::from(self.sessions);
        if self.sessions == 0 {
            return (0.0, 1.0);
        }
        let p = f64::from(self.flared) / n;
        let z2 = Z_95 * Z_95;
        let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
        let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
        ((centre - half).max(0.0), (centre + half).min(1.0))
    }
}

/// How sure the estimate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidence {
    /// The 95 % intervals of the flare rates above and at or below do not overlap.
    Clear,
    /// They overlap: the split may be chance.
    Tentative,
}

impl Confidence {
    pub fn id(self) -> &'static str {
        match self {
            Confidence::Clear => "clear",
            Confidence::Tentative => "tentative",
        }
    }
}

/// The load above which sessions tended to flare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// The heaviest top set at or below the cut: flares began above it.
    pub load: Load,
    /// `load` as a whole percentage of W (half up), when W is known.
    pub percent_of_working_weight: Option<Decimal>,
    /// The sessions above `load`.
    pub above: Share,
    /// The sessions at or below `load`.
    pub below: Share,
    pub confidence: Confidence,
}

/// What the history says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Too few rated sessions, flares or tolerated sessions.
    NotEnoughData,
    /// Enough, but flares do not follow the load.
    NoClearThreshold,
    Estimate(Estimate),
}

impl Verdict {
    pub fn id(&self) -> &'static str {
        match self {
            Verdict::NotEnoughData => "not_enough_data",
            Verdict::NoClearThreshold => "no_clear_threshold",
            Verdict::Estimate(_) => "estimate",
        }
    }

    pub fn estimate(&self) -> Option<&Estimate> {
        match self {
            Verdict::Estimate(e) => Some(e),
            _ => None,
        }
    }
}

/// The estimate as the decision carries it: the verdict, what it was made from, and
/// a sentence saying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tolerance {
    pub verdict: Verdict,
    pub sessions: u32,
    pub flared: u32,
    pub tolerated: u32,
    /// The earliest rated session.
    pub since: Option<Timestamp>,
    /// The whole estimate in words: for an estimate, "Flares began above about
    /// 130 kg (93% of the working weight): " and then [`Tolerance::detail`].
    pub text: String,
    /// For an estimate, the text after its load: the counts and how sure; else
    /// the whole text.
    pub detail: String,
}

/// The verdict on `tally`, with percentages of `working_weight` when known.
pub fn estimate(tally: &Tally, working_weight: Option<Load>) -> Verdict {
    let (flared, tolerated) = (tally.flared(), tally.tolerated());
    if flared.saturating_add(tolerated) < MIN_SESSIONS || flared < MIN_EACH || tolerated < MIN_EACH {
        return Verdict::NotEnoughData;
    }
    let Some(cut) = best_cut(tally.loads()) else { return Verdict::NoClearThreshold };
    let (lower, upper) = tally.loads().split_at(cut + 1);
    let share = |part: &[AtLoad]| Share {
        flared: total(part.iter().map(|a| a.flared)),
        sessions: total(part.iter().map(|a| a.flared.saturating_add(a.tolerated))),
    };
    let (below, above) = (share(lower), share(upper));
    let load = lower[cut].load;
    let confidence = if above.interval().0 > below.interval().1 { Confidence::Clear } else { Confidence::Tentative };
    Verdict::Estimate(Estimate {
        load,
        percent_of_working_weight: working_weight.and_then(|w| percent(load, w)),
        above,
        below,
        confidence,
    })
}

/// The index of the heaviest load at or below the best cut, or `None` when "no cut"
/// (all tolerated, or all flared) does at least as well as any real cut.
///
/// A cut after position `i` scores the tolerated sessions at or below it plus the
/// flared ones above it; the highest score wins, ties to the lowest cut, and "all
/// flared" (cut before the lightest) is the lowest of all.
fn best_cut(loads: &[AtLoad]) -> Option<usize> {
    // Scores in u64: sums of u32 counts cannot overflow it.
    let total_flared: u64 = loads.iter().map(|a| u64::from(a.flared)).sum();
    // "All flared" first: it wins every tie.
    let (mut best, mut best_score) = (None, total_flared);
    let (mut tolerated_below, mut flared_below) = (0u64, 0u64);
    for (i, a) in loads.iter().enumerate() {
        tolerated_below += u64::from(a.tolerated);
        flared_below += u64::from(a.flared);
        let score = tolerated_below + (total_flared - flared_below);
        if score > best_score {
            (best, best_score) = (Some(i), score);
        }
    }
    // The cut after the heaviest load is "all tolerated": no threshold either.
    best.filter(|&i| i + 1 < loads.len())
}

/// `load` ÷ `w` as a whole percentage, half up.
fn percent(load: Load, w: Load) -> Option<Decimal> {
    let ratio = load.value().checked_mul(Decimal::ONE_HUNDRED)?.checked_div(w.value())?;
    Some(ratio.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).normalize())
}

/// The tolerance of `tally`, with its sentence in the lifter's units and time zone.
pub fn tolerance(tally: &Tally, working_weight: Option<Load>, profile: &Profile) -> Tolerance {
    let verdict = estimate(tally, working_weight);
    let mut t = Tolerance {
        verdict,
        sessions: tally.sessions(),
        flared: tally.flared(),
        tolerated: tally.tolerated(),
        since: tally.first,
        text: String::new(),
        detail: String::new(),
    };
    (t.text, t.detail) = words(&t, profile);
    t
}

/// The text and the detail.
fn words(t: &Tolerance, profile: &Profile) -> (String, String) {
    let since = t
        .since
        .map(|at| format!(" since {}", at.to_zoned(profile.time_zone.clone()).strftime("%-d %b %Y")))
        .unwrap_or_default();
    let based_on = format!("Based on {} rated {}{since}.", t.sessions, plural(t.sessions, "session", "sessions"));
    let detail = match t.verdict {
        Verdict::NotEnoughData => format!(
            "Not enough data for a tolerance estimate yet: it needs at least {MIN_SESSIONS} rated sessions of the \
             {lift}, with at least {MIN_EACH} that flared and {MIN_EACH} that were tolerated (so far {} rated: {} \
             flared, {} tolerated).",
            t.sessions,
            t.flared,
            t.tolerated,
            lift = profile.usual_variation.exercise().name(),
        ),
        Verdict::NoClearThreshold => format!(
            "No load line found: flares ({} of {}) did not come mostly above one load. {based_on}",
            t.flared, t.sessions
        ),
        Verdict::Estimate(e) => {
            let load = format!("{} {}", e.load.shown(profile.load_increment), profile.units.load_symbol());
            let percent =
                e.percent_of_working_weight.map(|p| format!(" ({p}% of the working weight)")).unwrap_or_default();
            let sure = match e.confidence {
                Confidence::Clear => "The difference is clear.",
                Confidence::Tentative => "This is tentative: with this few sessions it could be chance.",
            };
            let detail = format!(
                "{} of {} {} above it flared, {} of {} at or below it. {based_on} {sure}",
                e.above.flared,
                e.above.sessions,
                plural(e.above.sessions, "session", "sessions"),
                e.below.flared,
                e.below.sessions,
            );
            return (format!("Flares began above about {load}{percent}: {detail}"), detail);
        }
    };
    (detail.clone(), detail)
}

fn plural(n: u32, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}
