//! Deterministic synthetic histories in the `pullback.plan/v1` input format.
//!
//! [`history`] builds one lifter's training log: about ten years of sessions
//! (one or two every ~3.6 days, with the odd holiday and layoff), each with a
//! main lift and its warm-up sets, hinge accessories and other lifts, and the
//! four session check-ins, plus standalone check-ins, a few red-flag screenings
//! (all answered no) and a few symmetry tests.
//!
//! Pain follows a hidden "irritation" level that decays day by day and that
//! tweaks (flares above 4), niggles (a run of sore sessions) and bad sessions
//! raise, so a replay of the history enters episodes, regresses, adds and
//! lowers blocks, holds on missing check-ins and resolves, again and again.
//!
//! The output depends only on the [`Spec`]: the random numbers come from a
//! ChaCha8 generator seeded with [`Spec::seed`], whose stream is portable, and
//! the document is built in a fixed order.

use jiff::Timestamp;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

/// The contract name every generated document carries.
pub const CONTRACT: &str = "pullback.plan/v1";

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 0x5EED_DEAD_11F7;

/// 2016-01-04T00:00:00Z, the day of the first session.
const START_SECOND: i64 = 1_451_865_600;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const MINUTE: i64 = 60;

/// How much of the irritation is left after one day.
const DECAY_PER_DAY: f64 = 0.9;

/// The highest pain the generator writes.
const PAIN_MAX: f64 = 6.0;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// Number of sessions.
    pub sessions: usize,
    /// Mean number of sets per session; each session has this ± 20 %.
    pub sets_per_session: usize,
    /// Number of check-ins not tied to a session (none when there are no sessions).
    pub standalone_checkins: usize,
    /// Seed of the random number generator.
    pub seed: u64,
}

impl Default for Spec {
    /// 2,000 sessions of 30 sets (about 60,000 sets), 400 standalone check-ins
    /// (about 8,000 check-ins in all).
    fn default() -> Self {
        Spec::for_sessions(2000)
    }
}

impl Spec {
    /// The default spec scaled to `sessions`: 30 sets per session and one
    /// standalone check-in for every five sessions.
    pub fn for_sessions(sessions: usize) -> Spec {
        Spec { sessions, sets_per_session: 30, standalone_checkins: sessions / 5, seed: DEFAULT_SEED }
    }
}

/// Generates the history document described by `spec`.
///
/// The same spec always gives the same document. Sessions are in time order,
/// every time is RFC 3339 in UTC with a `Z`, loads are in kg, and `as_of` is 25
/// hours after the last session, so that every check-in exists at `as_of`.
pub fn history(spec: &Spec) -> Value {
    Generator::new(spec).run()
}

/// A pain location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Central,
    Left,
    Right,
    Both,
}

impl Side {
    fn id(self) -> &'static str {
        match self {
            Side::Central => "central",
            Side::Left => "left",
            Side::Right => "right",
            Side::Both => "both",
        }
    }
}

/// What kind of day a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Day {
    /// Conventional deadlift, the usual variation.
    Deadlift,
    Sumo,
    TrapBar,
    /// Squat and bench; counted only if a good morning is added.
    SquatBench,
    /// Bird dogs, unloaded good mornings, kettlebell pulls: a sore back's day.
    Rehab,
}

/// What happens to the back in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    /// Pain jumps above 4: a flare.
    Tweak,
    /// A stiff, sore spell (irritation 2–3.4), enough for a soreness pattern.
    Niggle,
    /// Worse than usual afterwards.
    Bad,
    Normal,
}

struct Generator<'a> {
    spec: &'a Spec,
    rng: ChaCha8Rng,
    /// The hidden level of back irritation, 0 to ~7.
    irritation: f64,
    /// The side that hurts in the current spell of pain.
    side: Side,
    /// Deadlift working weight in kg (a realistic heavy set of five).
    working: f64,
    /// The current spell started with pain at the bottom of the pull.
    bottom: bool,
}

impl<'a> Generator<'a> {
    fn new(spec: &'a Spec) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
        let working = 120.0 + f64::from(rng.random_range(0u32..=8)) * 2.5;
        Generator { spec, rng, irritation: 0.0, side: Side::Central, working, bottom: false }
    }

    fn run(mut self) -> Value {
        let times = self.session_times();
        let as_of = times.last().map_or(START_SECOND + DAY, |&t| t + DAY + HOUR);
        let standalone = self.standalone_allocation();

        let mut sessions = Vec::with_capacity(times.len());
        let mut checkins = Vec::with_capacity(self.spec.standalone_checkins);
        let mut previous: Option<i64> = None;
        for (i, &at) in times.iter().enumerate() {
            if let Some(before) = previous {
                self.decay(at - before);
            }
            sessions.push(self.session(i, at));
            let next = times.get(i + 1).copied().unwrap_or(as_of);
            let count = standalone.get(i).copied().unwrap_or(0);
            self.standalone_checkins(at, next, count, &mut checkins);
            previous = Some(at);
        }

        let screenings = self.screenings(&times);
        let symmetry_tests = self.symmetry_tests(&times);

        json!({
            "contract": CONTRACT,
            "as_of": rfc3339(as_of),
            "profile": {
                "units": "kg",
                "usual_variation": "deadlift",
                "load_increment": 2.5,
                "bar_weight": 20,
                "kettlebell_weight": 16,
                "time_zone": "Europe/Oslo",
            },
            "protocol": { "tolerable_max": 4, "worse_delta": 2 },
            "screenings": screenings,
            "sessions": sessions,
            "checkins": checkins,
            "symmetry_tests": symmetry_tests,
        })
    }

    /// Session times: 1–4 days apart (mean ~1.9 with breaks), 06:00–20:59 UTC.
    fn session_times(&mut self) -> Vec<i64> {
        let mut day: i64 = 0;
        let mut times = Vec::with_capacity(self.spec.sessions);
        for i in 0..self.spec.sessions {
            if i > 0 {
                day += self.gap_days();
            }
            let hour = i64::from(self.rng.random_range(6u32..=20));
            let minute = i64::from(self.rng.random_range(0u32..60));
            times.push(START_SECOND + day * DAY + hour * HOUR + minute * MINUTE);
        }
        times
    }

    fn gap_days(&mut self) -> i64 {
        let roll: f64 = self.rng.random();
        if roll < 0.003 {
            // A layoff: injury elsewhere, a new baby, a move.
            i64::from(self.rng.random_range(15u32..=90))
        } else if roll < 0.013 {
            // A holiday.
            i64::from(self.rng.random_range(7u32..=13))
        } else {
            let roll: f64 = self.rng.random();
            if roll < 0.48 {
                1
            } else if roll < 0.88 {
                2
            } else if roll < 0.98 {
                3
            } else {
                4
            }
        }
    }

    /// How many standalone check-ins follow each session.
    fn standalone_allocation(&mut self) -> Vec<u32> {
        let mut counts = vec![0u32; self.spec.sessions];
        if self.spec.sessions == 0 {
            return counts;
        }
        let sessions = u64::try_from(self.spec.sessions).unwrap_or(u64::MAX);
        for _ in 0..self.spec.standalone_checkins {
            let pick = self.rng.random_range(0..sessions);
            if let Some(count) = usize::try_from(pick).ok().and_then(|i| counts.get_mut(i)) {
                *count += 1;
            }
        }
        counts
    }

    /// Lets `seconds` of time pass: the back settles, a long break detrains.
    fn decay(&mut self, seconds: i64) {
        let days = seconds / DAY;
        self.irritation *= DECAY_PER_DAY.powi(i32::try_from(days).unwrap_or(i32::MAX));
        if self.irritation < 0.05 {
            self.irritation = 0.0;
        }
        if days >= 14 {
            let kept = if days >= 56 { 0.85 } else { 0.95 };
            self.working = round_down(self.working * kept).max(80.0);
        }
    }

    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        self.rng.random_range(low..high)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn pain(&mut self, low: f64, high: f64) -> u8 {
        let x = (self.irritation + self.uniform(low, high)).round().clamp(0.0, PAIN_MAX);
        // Clamped to 0..=6 above, so the cast is exact.
        x as u8
    }

    fn random_side(&mut self) -> Side {
        let roll = self.rng.random_range(0u32..100);
        match roll {
            0..45 => Side::Central,
            45..70 => Side::Left,
            70..90 => Side::Right,
            _ => Side::Both,
        }
    }

    /// The side for a check-in with this pain, if the lifter gave one.
    fn side_for(&mut self, pain: u8) -> Option<Side> {
        if pain == 0 || !self.chance(0.5) {
            return None;
        }
        if self.chance(0.7) { Some(self.side) } else { Some(self.random_side()) }
    }

    fn session(&mut self, index: usize, at: i64) -> Value {
        let before = self.pain(-0.4, 0.4);

        let roll: f64 = self.rng.random();
        let event = if roll < 0.012 {
            Event::Tweak
        } else if roll < 0.032 {
            Event::Niggle
        } else if roll < 0.07 {
            Event::Bad
        } else {
            Event::Normal
        };

        let day = self.day_kind();
        let exercises = self.exercises(day);

        match event {
            Event::Tweak => {
                let level = self.uniform(5.0, 7.5);
                self.irritation = self.irritation.max(level);
                self.side = self.random_side();
                self.bottom = self.chance(0.4);
            }
            Event::Niggle => {
                let level = self.uniform(2.0, 3.4);
                if self.irritation < level {
                    self.side = self.random_side();
                    self.bottom = self.chance(0.2);
                }
                self.irritation = self.irritation.max(level);
            }
            Event::Bad => self.irritation += self.uniform(1.0, 2.0),
            Event::Normal => {}
        }
        let during = self.pain(-0.5, 0.8);
        let after_1h = self.pain(-0.6, 0.6);
        let after_24h = self.pain(-0.8, 0.5);

        let mut checkins = Vec::with_capacity(4);
        if self.chance(0.96) {
            let mut c = self.checkin("before", before);
            if self.chance(0.05) {
                let back = i64::from(self.rng.random_range(5u32..=30)) * MINUTE;
                c.insert("at".into(), rfc3339(at - back).into());
            }
            checkins.push(Value::Object(c));
        }
        if self.chance(0.96) {
            let mut c = self.checkin("during", during);
            if during > 0 && (self.bottom || self.chance(0.1)) && self.chance(0.5) {
                c.insert("bottom_only".into(), true.into());
            } else if self.chance(0.1) {
                c.insert("bottom_only".into(), false.into());
            }
            checkins.push(Value::Object(c));
        }
        if self.chance(0.93) {
            let mut c = self.checkin("after_1h", after_1h);
            if self.chance(0.1) {
                let later = i64::from(self.rng.random_range(50u32..=80)) * MINUTE;
                c.insert("at".into(), rfc3339(at + later).into());
            }
            checkins.push(Value::Object(c));
        }
        if self.chance(0.95) {
            let mut c = self.checkin("after_24h", after_24h);
            if self.chance(0.25) {
                let later = i64::from(self.rng.random_range(22 * 60u32..=24 * 60)) * MINUTE;
                c.insert("at".into(), rfc3339(at + later).into());
            }
            checkins.push(Value::Object(c));
        }

        json!({
            "id": format!("s{}", index + 1),
            "at": rfc3339(at),
            "exercises": exercises,
            "checkins": checkins,
        })
    }

    fn checkin(&mut self, point: &str, pain: u8) -> Map<String, Value> {
        let mut c = Map::new();
        c.insert("point".into(), point.into());
        c.insert("pain".into(), pain.into());
        if let Some(side) = self.side_for(pain) {
            c.insert("side".into(), side.id().into());
        }
        c
    }

    fn day_kind(&mut self) -> Day {
        if self.irritation >= 3.5 && self.chance(0.5) {
            return Day::Rehab;
        }
        let roll = self.rng.random_range(0u32..100);
        match roll {
            0..45 => Day::Deadlift,
            45..55 => Day::Sumo,
            55..60 => Day::TrapBar,
            _ => Day::SquatBench,
        }
    }

    /// The share of the working weight the lifter dares today.
    fn dare(&self) -> f64 {
        match self.irritation {
            x if x >= 4.0 => 0.5,
            x if x >= 2.5 => 0.65,
            x if x >= 1.5 => 0.8,
            _ => 1.0,
        }
    }

    /// The exercises of a session, with `sets_per_session` ± 20 % sets in all.
    fn exercises(&mut self, day: Day) -> Vec<Value> {
        let spread = self.spec.sets_per_session / 5;
        let low = self.spec.sets_per_session - spread;
        let high = self.spec.sets_per_session + spread;
        let mut remaining = self.rng.random_range(low as u64..=high as u64) as usize;
        let mut out = Vec::new();

        let w = self.working;
        match day {
            Day::Deadlift | Day::Sumo | Day::TrapBar => {
                let (name, factor) = match day {
                    Day::Sumo => ("sumo_deadlift", 0.95),
                    Day::TrapBar => ("trap_bar_deadlift", 1.05),
                    _ => ("deadlift", 1.0),
                };
                let main = self.main_lift(name, w * factor * self.dare(), &mut remaining);
                out.push(main);
                let hinge_roll = self.rng.random_range(0u32..10);
                if hinge_roll < 5 {
                    out.push(self.straight_sets("romanian_deadlift", w * 0.6, 8, &mut remaining));
                } else if hinge_roll < 8 {
                    out.push(self.straight_sets("good_morning", w * 0.35, 8, &mut remaining));
                }
                if day == Day::Deadlift && self.dare() >= 1.0 {
                    self.progress();
                }
            }
            Day::SquatBench => {
                out.push(self.main_lift("squat", w * 0.85, &mut remaining));
                out.push(self.straight_sets("bench_press", w * 0.55, 5, &mut remaining));
                if self.chance(0.25) {
                    out.push(self.straight_sets("good_morning", w * 0.3, 10, &mut remaining));
                }
            }
            Day::Rehab => {
                out.push(self.straight_sets("bird_dog", 0.0, 10, &mut remaining));
                out.push(self.straight_sets("good_morning", 0.0, 10, &mut remaining));
                if self.chance(0.6) {
                    out.push(self.straight_sets("kettlebell_sumo_deadlift", 16.0, 10, &mut remaining));
                }
                if self.chance(0.3) {
                    out.push(self.straight_sets("jefferson_curl", 0.0, 8, &mut remaining));
                }
            }
        }

        const ACCESSORIES: [(&str, f64, u32); 8] = [
            ("barbell_row", 0.45, 8),
            ("pull_up", 0.0, 8),
            ("overhead_press", 0.33, 6),
            ("leg_press", 1.4, 10),
            ("walking_lunge", 0.2, 12),
            ("hanging_leg_raise", 0.0, 12),
            ("bench_press", 0.5, 8),
            ("face_pull", 0.1, 15),
        ];
        let mut next = self.rng.random_range(0..ACCESSORIES.len() as u32) as usize;
        while remaining > 0 {
            let (name, share, reps) = ACCESSORIES[next % ACCESSORIES.len()];
            out.push(self.straight_sets(name, w * share, reps, &mut remaining));
            next += 1;
        }
        out.retain(|e| e["sets"].as_array().is_some_and(|s| !s.is_empty()));
        out
    }

    /// A good heavy day nudges the working weight up.
    fn progress(&mut self) {
        let gain = self.uniform(0.0, 0.5);
        self.working = (self.working + gain).min(240.0);
    }

    /// A barbell lift with warm-up sets and 3–5 working sets around `top` kg.
    fn main_lift(&mut self, name: &str, top: f64, remaining: &mut usize) -> Value {
        let (reps, share) = match self.rng.random_range(0u32..3) {
            0 => (3, 0.95),
            1 => (5, 0.9),
            _ => (8, 0.75),
        };
        let mut top = round_down(top * share).max(20.0);
        if self.chance(0.02) {
            // Too much weight too soon.
            top = round_down(top * 1.15);
        }
        let mut sets = Vec::new();
        let warmups = self.rng.random_range(2usize..=4);
        let ladder = [0.0, 0.4, 0.6, 0.8];
        for share in &ladder[ladder.len() - warmups..] {
            if *remaining == 0 {
                break;
            }
            let load = if *share == 0.0 { 20.0 } else { round_down(top * share).max(20.0) };
            let reps = if *share >= 0.8 { 2 } else { 5 };
            sets.push(json!({ "load": num(load), "reps": reps, "warmup": true }));
            *remaining -= 1;
        }
        let working = self.rng.random_range(3usize..=5);
        for k in 0..working {
            if *remaining == 0 {
                break;
            }
            let load = if k == 0 { top } else { round_down(top * 0.95).max(20.0) };
            let mut set = Map::new();
            set.insert("load".into(), num(load));
            set.insert("reps".into(), reps.into());
            if self.chance(0.35) {
                let rpe = f64::from(self.rng.random_range(12u32..=20)) / 2.0;
                set.insert("rpe".into(), num(rpe));
            }
            sets.push(Value::Object(set));
            *remaining -= 1;
        }

        let mut exercise = Map::new();
        exercise.insert("exercise".into(), name.into());
        if name.contains("deadlift") {
            let tempo_chance = if self.irritation >= 1.5 { 0.3 } else { 0.05 };
            let tempo = if self.chance(tempo_chance) {
                let tempos = ["3-0-3", "3-1-3", "5-0-5", "2-1-2"];
                tempos[self.rng.random_range(0..tempos.len() as u32) as usize].into()
            } else {
                Value::Null
            };
            let block_chance = if self.bottom && self.irritation >= 1.0 { 0.5 } else { 0.03 };
            let block = if self.chance(block_chance) {
                let heights = [5, 10, 15, 20];
                heights[self.rng.random_range(0..heights.len() as u32) as usize].into()
            } else {
                Value::Null
            };
            exercise.insert("tempo".into(), tempo);
            exercise.insert("block_height".into(), block);
        }
        exercise.insert("sets".into(), Value::Array(sets));
        Value::Object(exercise)
    }

    /// 3–5 sets of `reps` at `load` kg (0 for bodyweight).
    fn straight_sets(&mut self, name: &str, load: f64, reps: u32, remaining: &mut usize) -> Value {
        let count = self.rng.random_range(3usize..=5).min(*remaining);
        *remaining -= count;
        let load = if load > 0.0 { round_down(load).max(2.5) } else { load };
        let sets: Vec<Value> = (0..count).map(|_| json!({ "load": num(load), "reps": reps })).collect();
        json!({ "exercise": name, "sets": sets })
    }

    /// `count` standalone check-ins between a session at `at` and the next
    /// event at `next`, in time order.
    fn standalone_checkins(&mut self, at: i64, next: i64, count: u32, out: &mut Vec<Value>) {
        if count == 0 {
            return;
        }
        let first = at + 2 * HOUR;
        let last = (next - HOUR).max(first + 1);
        let mut times: Vec<i64> = (0..count)
            .map(|_| {
                let t = self.rng.random_range(first..last);
                t - t.rem_euclid(MINUTE)
            })
            .collect();
        times.sort_unstable();
        for t in times {
            let days = i32::try_from((t - at) / DAY).unwrap_or(i32::MAX);
            let saved = self.irritation;
            self.irritation *= DECAY_PER_DAY.powi(days);
            let mut pain = self.pain(-0.5, 0.7);
            self.irritation = saved;
            if self.chance(0.03) {
                // "My back is 6/10 today": it carries into the next session.
                pain = self.rng.random_range(5u8..=6);
                self.irritation = self.irritation.max(f64::from(pain) - 1.0);
                self.side = self.random_side();
            }
            let mut c = Map::new();
            c.insert("at".into(), rfc3339(t).into());
            c.insert("pain".into(), pain.into());
            if let Some(side) = self.side_for(pain) {
                c.insert("side".into(), side.id().into());
            }
            out.push(Value::Object(c));
        }
    }

    /// A few red-flag screenings, all answered no, spread over the history.
    fn screenings(&mut self, times: &[i64]) -> Vec<Value> {
        let count = (times.len() / 400).max(2).min(times.len());
        (0..count)
            .map(|k| {
                let at = times[spaced(k, count, times.len())] - 2 * HOUR;
                if k % 3 == 2 {
                    // An absent answer counts as no.
                    json!({ "at": rfc3339(at), "saddle_anesthesia": false,
                            "bladder_bowel": false, "progressive_weakness": false })
                } else {
                    json!({
                        "at": rfc3339(at),
                        "saddle_anesthesia": false, "bladder_bowel": false,
                        "progressive_weakness": false, "fever": false, "trauma": false,
                        "cancer_history": false, "weight_loss": false, "night_pain": false,
                    })
                }
            })
            .collect()
    }

    /// A few left/right strength tests; some show an asymmetry (LSI < 0.90).
    fn symmetry_tests(&mut self, times: &[i64]) -> Vec<Value> {
        let count = (times.len() / 300).max(2).min(times.len());
        (0..count)
            .map(|k| {
                let index = spaced(k, count, times.len()).saturating_sub(1);
                let at = times[index] - 3 * HOUR;
                let strong = self.rng.random_range(260u32..=340);
                let lsi = self.uniform(0.78, 1.0);
                let weak = ((f64::from(strong) * lsi).round() as u32).max(1);
                let (left, right) = if self.chance(0.5) { (strong, weak) } else { (weak, strong) };
                json!({ "at": rfc3339(at), "left": left, "right": right })
            })
            .collect()
    }
}

/// The index of the `k`-th of `count` items spread evenly over `len`.
fn spaced(k: usize, count: usize, len: usize) -> usize {
    ((k + 1) * len / (count + 1)).min(len.saturating_sub(1))
}

/// Rounds a load down to a multiple of 2.5 kg.
fn round_down(load: f64) -> f64 {
    (load / 2.5).floor() * 2.5
}

/// A JSON number: an integer when the value is whole, so loads print as `140`.
fn num(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        // Whole and small, so the cast is exact.
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

/// Seconds since the Unix epoch as RFC 3339 in UTC, e.g. `2016-01-04T17:23:00Z`.
fn rfc3339(second: i64) -> String {
    Timestamp::from_second(second).map(|t| t.to_string()).unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

mod strong;
pub use strong::{STRONG_HEADER, write_strong_csv};

#[cfg(test)]
mod tests;
