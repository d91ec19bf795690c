//! What exists at `as_of`, in the order of protocol section 1.
//!
//! Everything timed after `as_of` is dropped; a point given twice counts once;
//! events and check-ins are put in their documented order. The rest of the engine
//! only ever sees this view.

use crate::history::{Exercise, History, Point, Session, Side};
use crate::values::{Load, Pain};
use jiff::Timestamp;
use rust_decimal::Decimal;

/// A check-in as known at `as_of`, with its effective time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Known {
    pub pain: Pain,
    pub at: Timestamp,
    pub side: Option<Side>,
    pub bottom_only: bool,
}

/// A session that exists at `as_of`, with its check-ins resolved per point.
#[derive(Debug, Clone)]
pub struct SessionView<'h> {
    pub session: &'h Session,
    /// Position in the history's `sessions` array.
    pub input_index: usize,
    /// Contains at least one of the seven counted exercises.
    pub counted: bool,
    points: [Option<Known>; 4],
}

impl<'h> SessionView<'h> {
    fn new(session: &'h Session, input_index: usize, as_of: Timestamp) -> Self {
        let mut points = [None; 4];
        // The later-listed check-in of a point wins, after dropping those not yet taken.
        for c in &session.checkins {
            let at = c.at.unwrap_or_else(|| session.at.saturating_add(c.point.default_offset()).unwrap_or(session.at));
            if at <= as_of {
                points[c.point as usize] = Some(Known { pain: c.pain, at, side: c.side, bottom_only: c.bottom_only });
            }
        }
        let counted = session.exercises.iter().any(|e| e.exercise.known().is_some_and(Exercise::counts));
        SessionView { session, input_index, counted, points }
    }

    pub fn at(&self) -> Timestamp {
        self.session.at
    }

    pub fn point(&self, point: Point) -> Option<Known> {
        self.points[point as usize]
    }

    /// The known check-ins, in point order.
    pub fn known(&self) -> impl Iterator<Item = (Point, Known)> + '_ {
        Point::ALL.into_iter().filter_map(|p| self.point(p).map(|k| (p, k)))
    }

    /// The top set of `exercise` ([`Session::top_set`]), if any.
    pub fn top_set(&self, exercise: Exercise) -> Option<Load> {
        self.session.top_set(exercise)
    }

    /// Σ load × reps over every set of the seven counted exercises, warm-ups included.
    pub fn tonnage(&self) -> Decimal {
        self.session
            .exercises
            .iter()
            .filter(|e| e.exercise.known().is_some_and(Exercise::counts))
            .flat_map(|e| e.sets.iter())
            .map(|s| s.load.value() * Decimal::from(s.reps.value()))
            .sum()
    }
}

/// One event of the replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Event {
    /// Index into [`Timeline::sessions`] of a counted session.
    Session(usize),
    /// Index into [`Timeline::standalone`].
    Checkin(usize),
}

/// A standalone check-in that exists at `as_of`.
#[derive(Debug, Clone, Copy)]
pub struct StandaloneView {
    pub input_index: usize,
    pub at: Timestamp,
    pub pain: Pain,
}

/// One entry of the global check-in order.
#[derive(Debug, Clone, Copy)]
pub struct OrderedCheckin {
    pub at: Timestamp,
    pub pain: Pain,
}

/// The history as it stands at `as_of`.
#[derive(Debug)]
pub struct Timeline<'h> {
    pub as_of: Timestamp,
    /// Every session at or before `as_of`, in event order (time, then input order).
    pub sessions: Vec<SessionView<'h>>,
    pub standalone: Vec<StandaloneView>,
    /// Counted sessions and standalone check-ins, in event order.
    pub events: Vec<Event>,
    /// Every known check-in, in check-in order (section 1).
    pub checkins: Vec<OrderedCheckin>,
    /// The same check-ins as packed sort keys (see [`pack`]), for checkpoints.
    pub(crate) keys: Vec<u128>,
}

/// What a resumed timeline inherits from a checkpoint: check-ins that stay relevant
/// (as packed keys) and how many sessions and standalone check-ins came before, so
/// that input-order ties break as they would in a full replay.
#[derive(Debug, Clone, Copy, Default)]
pub struct Base<'c> {
    pub checkins: &'c [u128],
    pub sessions_before: usize,
    pub standalone_before: usize,
}

impl<'h> Timeline<'h> {
    pub fn build(history: &'h History, as_of: Timestamp) -> Timeline<'h> {
        Self::build_on(Base::default(), history, as_of)
    }

    /// The timeline of `history` continuing a checkpoint's `base`.
    pub fn build_on(base: Base<'_>, history: &'h History, as_of: Timestamp) -> Timeline<'h> {
        let mut sessions: Vec<SessionView<'h>> = history
            .sessions
            .iter()
            .enumerate()
            .filter(|(_, s)| s.at <= as_of)
            .map(|(i, s)| SessionView::new(s, base.sessions_before + i, as_of))
            .collect();
        // Stable: sessions at the same instant keep their input order. Histories
        // usually arrive in order, and the views are large: check before moving them.
        if !sessions.is_sorted_by_key(SessionView::at) {
            sessions.sort_by_key(SessionView::at);
        }

        let mut standalone: Vec<StandaloneView> = history
            .checkins
            .iter()
            .enumerate()
            .filter(|(_, c)| c.at <= as_of)
            .map(|(i, c)| StandaloneView { input_index: base.standalone_before + i, at: c.at, pain: c.pain })
            .collect();
        standalone.sort_by_key(|c| c.at);

        let events = merge_events(&sessions, &standalone);
        let keys = order_checkins(&sessions, &standalone, base.checkins);
        let checkins = keys.iter().map(|&k| unpack(k)).collect();
        Timeline { as_of, sessions, standalone, events, checkins, keys }
    }

    pub fn event_time(&self, event: Event) -> Timestamp {
        match event {
            Event::Session(i) => self.sessions[i].at(),
            Event::Checkin(i) => self.standalone[i].at,
        }
    }

    /// The latest check-in at or before `as_of`, by the check-in order.
    pub fn latest_checkin(&self) -> Option<OrderedCheckin> {
        self.checkins.last().copied()
    }

    /// The latest check-in timed strictly before `t`.
    pub fn latest_checkin_before(&self, t: Timestamp) -> Option<OrderedCheckin> {
        let end = self.checkins.partition_point(|c| c.at < t);
        end.checked_sub(1).map(|i| self.checkins[i])
    }

    /// Baseline of a session: its `before` value; else the latest check-in strictly
    /// before it; else 0.
    pub fn baseline(&self, session: &SessionView<'_>) -> Pain {
        session
            .point(Point::Before)
            .map(|k| k.pain)
            .or_else(|| self.latest_checkin_before(session.at()).map(|c| c.pain))
            .unwrap_or(Pain::ZERO)
    }
}

/// Events by time; at the same instant a session comes before a standalone check-in.
fn merge_events(sessions: &[SessionView<'_>], standalone: &[StandaloneView]) -> Vec<Event> {
    let counted: Vec<usize> = (0..sessions.len()).filter(|&i| sessions[i].counted).collect();
    let mut events = Vec::with_capacity(counted.len() + standalone.len());
    let (mut s, mut c) = (0, 0);
    while s < counted.len() || c < standalone.len() {
        let take_session = match (counted.get(s), standalone.get(c)) {
            (Some(&i), Some(check)) => sessions[i].at() <= check.at,
            (Some(_), None) => true,
            _ => false,
        };
        if take_session {
            events.push(Event::Session(counted[s]));
            s += 1;
        } else {
            events.push(Event::Checkin(c));
            c += 1;
        }
    }
    events
}

/// Check-ins by time; at the same instant session check-ins first in point order,
/// then standalone ones; remaining ties keep the input order.
fn order_checkins(sessions: &[SessionView<'_>], standalone: &[StandaloneView], inherited: &[u128]) -> Vec<u128> {
    let session_checkins: usize = sessions.iter().map(|v| v.points.iter().flatten().count()).sum();
    let mut keys: Vec<u128> = Vec::with_capacity(session_checkins + standalone.len() + inherited.len());
    keys.extend_from_slice(inherited);
    for view in sessions {
        for (point, known) in view.known() {
            keys.push(pack(known.at, point as u8, view.input_index, known.pain));
        }
    }
    for c in standalone {
        keys.push(pack(c.at, 4, c.input_index, c.pain));
    }
    // Keys are unique, so an unstable sort gives the one documented order. Sorting
    // plain integers keeps this, the engine's largest cost, small.
    keys.sort_unstable();
    keys
}

/// Packs a check-in into one integer whose order is the check-in order:
/// `[seconds: 64][nanoseconds: 30][group × 4 + point: 3][input index: 27][pain: 4]`.
/// Input indices past 2^27 (far beyond any history) saturate, losing only their tie order.
pub(crate) fn pack(at: Timestamp, group_point: u8, input: usize, pain: Pain) -> u128 {
    // Floored seconds and a non-negative fraction, so that times before 1970 order
    // correctly too; flipping the sign bit makes the unsigned order the signed order.
    let (mut seconds, mut nanos) = (at.as_second(), at.subsec_nanosecond());
    if nanos < 0 {
        seconds -= 1;
        nanos += 1_000_000_000;
    }
    let seconds = (seconds as u64) ^ (1 << 63);
    let nanos = u128::from(nanos.unsigned_abs());
    let input = input.min((1 << 27) - 1) as u128;
    (u128::from(seconds) << 64)
        | (nanos << 34)
        | (u128::from(group_point) << 31)
        | (input << 4)
        | u128::from(pain.value())
}

pub(crate) fn unpack(key: u128) -> OrderedCheckin {
    let seconds = ((key >> 64) as u64 ^ (1 << 63)) as i64;
    let nanos = ((key >> 34) & ((1 << 30) - 1)) as i32;
    let at =
        Timestamp::new(seconds, 0).and_then(|t| t.checked_add(jiff::SignedDuration::new(0, nanos))).unwrap_or_default();
    let pain = Pain::parse(i64::from((key & 0xF) as u8)).unwrap_or(Pain::ZERO);
    OrderedCheckin { at, pain }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_check_ins_keep_time_order_and_round_trip() {
        let times =
            ["1969-12-31T23:59:58.5Z", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00.25Z", "2026-02-20T18:00:00Z"];
        let pain = Pain::parse(7).unwrap();
        let keys: Vec<u128> = times.iter().map(|t| pack(t.parse().unwrap(), 1, 3, pain)).collect();
        assert!(keys.is_sorted());
        for (key, text) in keys.iter().zip(times) {
            let back = unpack(*key);
            assert_eq!(back.at, text.parse::<Timestamp>().unwrap());
            assert_eq!(back.pain, pain);
        }
        // At one instant: session check-ins in point order, then standalone ones.
        let t: Timestamp = "2026-02-20T18:00:00Z".parse().unwrap();
        assert!(pack(t, 3, 9, pain) < pack(t, 4, 0, pain));
        assert!(pack(t, 0, 9, pain) < pack(t, 1, 0, pain));
    }
}
