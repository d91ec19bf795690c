//! Structurally valid-ish history documents, so that the engine itself is
//! exercised and not only the parser's refusals.
//!
//! `arbitrary` picks the shape (sessions, sets, check-ins, screenings, symmetry
//! tests, protocol overrides); every value is drawn from the range the contract
//! accepts, so most documents are valid. Whatever the engine makes of them, it
//! must not panic; a document without protocol overrides (whose values are all
//! in range) must be accepted; and the text path (`plan_output_str`, what
//! `pullback plan` uses) must agree with the `Value` path (`plan_value`).
#![no_main]

use arbitrary::Arbitrary;
use jiff::{Timestamp, tz};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

/// 2020-01-01T00:00:00Z and 2030-12-31T23:59:59Z.
const FIRST: i64 = 1_577_836_800;
const LAST: i64 = 1_924_991_999;

/// Every known exercise, and one other.
fn exercise_names() -> Vec<&'static str> {
    pullback_core::Exercise::ALL.iter().map(|e| e.id()).chain(["squat"]).collect()
}
const VARIATIONS: [&str; 3] = ["deadlift", "sumo_deadlift", "trap_bar_deadlift"];
const POINTS: [&str; 4] = ["before", "during", "after_1h", "after_24h"];
const SIDES: [&str; 4] = ["central", "left", "right", "both"];
const ZONES: [&str; 7] = [
    "UTC",
    "Europe/Oslo",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Apia",
];
/// UTC offsets, in minutes, that times may be written with.
const OFFSETS: [i32; 8] = [0, 0, 60, -300, 330, 765, -570, 840];
const INCREMENTS: [f64; 5] = [2.5, 5.0, 1.0, 0.5, 1.25];

#[derive(Debug, Arbitrary)]
struct Doc {
    as_of: u32,
    lb: bool,
    working_weight: Option<u16>,
    variation: Option<u8>,
    increment: Option<u8>,
    bar: Option<u8>,
    kettlebell: Option<u8>,
    time_zone: Option<u8>,
    as_of_offset: u8,
    sessions: Vec<SessionA>,
    checkins: Vec<StandaloneA>,
    screenings: Vec<ScreeningA>,
    symmetry_tests: Vec<SymmetryA>,
    protocol: Option<ProtocolA>,
}

/// A time relative to `as_of`: mostly in the year before it, sometimes after it.
#[derive(Debug, Arbitrary)]
struct When {
    minutes_before: u32,
    offset: u8,
}

#[derive(Debug, Arbitrary)]
struct SessionA {
    at: When,
    id: Option<u8>,
    exercises: Vec<ExerciseA>,
    checkins: Vec<CheckinA>,
}

#[derive(Debug, Arbitrary)]
struct ExerciseA {
    exercise: u8,
    tempo: Option<(u8, u8, u8)>,
    block_height: Option<u8>,
    sets: Vec<SetA>,
}

#[derive(Debug, Arbitrary)]
struct SetA {
    /// Quarters of a unit: 0 to 400.
    load: u16,
    reps: u8,
    rpe: Option<u8>,
    warmup: bool,
}

#[derive(Debug, Arbitrary)]
struct CheckinA {
    point: u8,
    pain: u8,
    bottom_only: bool,
    side: Option<u8>,
    /// Its own time, this many minutes after the session.
    minutes_after: Option<u16>,
}

#[derive(Debug, Arbitrary)]
struct StandaloneA {
    at: When,
    pain: u8,
    side: Option<u8>,
}

#[derive(Debug, Arbitrary)]
struct ScreeningA {
    at: When,
    /// Red flags are rare: the answers count only when this is below 32.
    gate: u8,
    answers: u8,
}

#[derive(Debug, Arbitrary)]
struct SymmetryA {
    at: When,
    left: u16,
    right: u16,
}

#[derive(Debug, Arbitrary)]
struct ProtocolA {
    tolerable_max: Option<u8>,
    worse_delta: Option<u8>,
    sore_min: Option<u8>,
    pattern_window: Option<u8>,
    pattern_min: Option<u8>,
    intensity_spike_ratio: Option<u8>,
    volume_spike_acwr: Option<u8>,
    layoff_caps: Option<Vec<(u8, u8)>>,
    episode_referral_days: Option<u16>,
    lsi_min: Option<u8>,
}

fn pick<'a>(items: &[&'a str], i: u8) -> &'a str {
    items[usize::from(i) % items.len()]
}

/// `n` mapped into `low..=high`.
fn within(n: u64, low: u64, high: u64) -> u64 {
    low + n % (high - low + 1)
}

fn num(x: f64) -> Value {
    json!(x)
}

/// Writes `second` as RFC 3339 with one of the offsets, clamped to 2020–2030.
fn time(second: i64, offset: u8) -> Value {
    let second = second.clamp(FIRST, LAST);
    let ts = Timestamp::from_second(second).expect("2020–2030 is a valid time");
    let minutes = OFFSETS[usize::from(offset) % OFFSETS.len()];
    let offset = tz::Offset::from_seconds(minutes * 60).expect("offsets are within a day");
    json!(ts.to_zoned(tz::TimeZone::fixed(offset)).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

impl When {
    /// Seconds since the epoch: up to 400 days before `as_of`, or (one in eight) up to 30 days after.
    fn second(&self, as_of: i64) -> i64 {
        let minutes = i64::from(self.minutes_before);
        if minutes % 8 == 7 { as_of + (minutes / 8) % (30 * 1440) * 60 } else { as_of - minutes % (400 * 1440) * 60 }
    }
}

fn side(side: Option<u8>) -> Option<Value> {
    side.map(|s| json!(pick(&SIDES, s)))
}

fn build(doc: &Doc) -> Value {
    let as_of = FIRST + i64::from(doc.as_of) % (LAST - FIRST);
    let mut root = Map::new();
    root.insert("contract".into(), json!("pullback.plan/v1"));
    root.insert("as_of".into(), time(as_of, doc.as_of_offset));

    let mut profile = Map::new();
    profile.insert("units".into(), json!(if doc.lb { "lb" } else { "kg" }));
    if let Some(w) = doc.working_weight {
        // 1 to 400 in quarters: a working weight must be positive.
        profile.insert("working_weight".into(), num(within(w.into(), 4, 1600) as f64 / 4.0));
    }
    if let Some(v) = doc.variation {
        profile.insert("usual_variation".into(), json!(pick(&VARIATIONS, v)));
    }
    if let Some(i) = doc.increment {
        profile.insert("load_increment".into(), num(INCREMENTS[usize::from(i) % INCREMENTS.len()]));
    }
    if let Some(b) = doc.bar {
        profile.insert("bar_weight".into(), num(within(b.into(), 0, 60) as f64 / 2.0));
    }
    if let Some(k) = doc.kettlebell {
        profile.insert("kettlebell_weight".into(), json!(within(k.into(), 0, 48)));
    }
    if let Some(z) = doc.time_zone {
        profile.insert("time_zone".into(), json!(pick(&ZONES, z)));
    }
    root.insert("profile".into(), Value::Object(profile));

    let sessions: Vec<Value> = doc.sessions.iter().take(30).map(|s| session(s, as_of)).collect();
    root.insert("sessions".into(), Value::Array(sessions));

    let checkins: Vec<Value> = doc
        .checkins
        .iter()
        .take(60)
        .map(|c| {
            let mut o = Map::new();
            o.insert("at".into(), time(c.at.second(as_of), c.at.offset));
            o.insert("pain".into(), json!(within(c.pain.into(), 0, 10)));
            if let Some(s) = side(c.side) {
                o.insert("side".into(), s);
            }
            Value::Object(o)
        })
        .collect();
    root.insert("checkins".into(), Value::Array(checkins));

    let screenings: Vec<Value> = doc
        .screenings
        .iter()
        .take(10)
        .map(|s| {
            let bits = if s.gate < 32 { s.answers } else { 0 };
            let flag = |i: u8| bits & (1 << i) != 0;
            json!({
                "at": time(s.at.second(as_of), s.at.offset),
                "saddle_anesthesia": flag(0), "bladder_bowel": flag(1), "progressive_weakness": flag(2),
                "fever": flag(3), "trauma": flag(4), "cancer_history": flag(5),
                "weight_loss": flag(6), "night_pain": flag(7),
            })
        })
        .collect();
    root.insert("screenings".into(), Value::Array(screenings));

    let symmetry: Vec<Value> = doc
        .symmetry_tests
        .iter()
        .take(10)
        .map(|t| {
            json!({
                "at": time(t.at.second(as_of), t.at.offset),
                "left": within(t.left.into(), 1, 1000),
                "right": within(t.right.into(), 1, 1000),
            })
        })
        .collect();
    root.insert("symmetry_tests".into(), Value::Array(symmetry));

    if let Some(p) = &doc.protocol {
        root.insert("protocol".into(), protocol(p));
    }
    Value::Object(root)
}

fn session(s: &SessionA, as_of: i64) -> Value {
    let at = s.at.second(as_of);
    let mut o = Map::new();
    if let Some(id) = s.id {
        o.insert("id".into(), json!(format!("s{id}")));
    }
    o.insert("at".into(), time(at, s.at.offset));
    let exercises: Vec<Value> = s
        .exercises
        .iter()
        .take(6)
        .map(|e| {
            let mut x = Map::new();
            x.insert("exercise".into(), json!(pick(&exercise_names(), e.exercise)));
            if let Some((a, b, c)) = e.tempo {
                x.insert("tempo".into(), json!(format!("{}-{}-{}", a % 10, b % 10, c % 10)));
            }
            if let Some(h) = e.block_height {
                x.insert("block_height".into(), json!(within(h.into(), 0, 30)));
            }
            let sets: Vec<Value> = e
                .sets
                .iter()
                .take(12)
                .map(|set| {
                    let mut y = Map::new();
                    y.insert("load".into(), num(within(set.load.into(), 0, 1600) as f64 / 4.0));
                    y.insert("reps".into(), json!(within(set.reps.into(), 0, 20)));
                    if let Some(r) = set.rpe {
                        // 6 to 10 in halves.
                        y.insert("rpe".into(), num(6.0 + within(r.into(), 0, 8) as f64 / 2.0));
                    }
                    if set.warmup {
                        y.insert("warmup".into(), json!(true));
                    }
                    Value::Object(y)
                })
                .collect();
            x.insert("sets".into(), Value::Array(sets));
            Value::Object(x)
        })
        .collect();
    o.insert("exercises".into(), Value::Array(exercises));
    let checkins: Vec<Value> = s
        .checkins
        .iter()
        .take(8)
        .map(|c| {
            let mut y = Map::new();
            y.insert("point".into(), json!(pick(&POINTS, c.point)));
            y.insert("pain".into(), json!(within(c.pain.into(), 0, 10)));
            if c.bottom_only {
                y.insert("bottom_only".into(), json!(true));
            }
            if let Some(s) = side(c.side) {
                y.insert("side".into(), s);
            }
            if let Some(m) = c.minutes_after {
                y.insert("at".into(), time(at + i64::from(m % (3 * 1440)) * 60, 0));
            }
            Value::Object(y)
        })
        .collect();
    o.insert("checkins".into(), Value::Array(checkins));
    Value::Object(o)
}

/// Overrides mostly within the ranges of protocol.md section 9, sometimes just outside.
fn protocol(p: &ProtocolA) -> Value {
    let mut o = Map::new();
    let mut int = |key: &str, v: Option<u8>, low: u64, high: u64| {
        if let Some(v) = v {
            o.insert(key.into(), json!(within(v.into(), low.saturating_sub(1), high + 1)));
        }
    };
    int("tolerable_max", p.tolerable_max, 1, 8);
    int("worse_delta", p.worse_delta, 1, 5);
    int("sore_min", p.sore_min, 1, 10);
    int("pattern_window", p.pattern_window, 2, 10);
    int("pattern_min", p.pattern_min, 1, 10);
    if let Some(v) = p.intensity_spike_ratio {
        o.insert("intensity_spike_ratio".into(), num(1.0 + within(v.into(), 0, 20) as f64 / 20.0));
    }
    if let Some(v) = p.volume_spike_acwr {
        o.insert("volume_spike_acwr".into(), num(1.0 + within(v.into(), 0, 40) as f64 / 20.0));
    }
    if let Some(bands) = &p.layoff_caps {
        let mut days = 0u64;
        let caps: Vec<Value> = bands
            .iter()
            .take(5)
            .map(|&(d, f)| {
                days += within(d.into(), 1, 120);
                json!([days, within(f.into(), 1, 20) as f64 / 20.0])
            })
            .collect();
        o.insert("layoff_caps".into(), Value::Array(caps));
    }
    if let Some(v) = p.episode_referral_days {
        o.insert("episode_referral_days".into(), json!(within(v.into(), 6, 366)));
    }
    if let Some(v) = p.lsi_min {
        o.insert("lsi_min".into(), num(0.5 + within(v.into(), 0, 10) as f64 / 20.0));
    }
    Value::Object(o)
}

fuzz_target!(|doc: Doc| {
    let value = build(&doc);
    let result = pullback_contract::plan_value(&value);
    if doc.protocol.is_none()
        && let Err(problems) = &result
    {
        panic!("a valid document was refused: {problems:?}\n{value:#}");
    }
    if let Ok(out) = &result {
        assert_eq!(out["contract"], "pullback.plan/v1", "{out:#}");
    }
    // The text fast path that `pullback plan` uses must decide the same.
    let text = value.to_string();
    let from_text =
        pullback_contract::plan_output_str(&text).map(|out| serde_json::to_value(out).unwrap_or(Value::Null));
    match (&from_text, &result) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the text and value paths decide differently for\n{text}"),
        (Err(a), Err(b)) => assert_eq!(a, b, "the text and value paths refuse differently for\n{text}"),
        _ => panic!("one path accepts and the other refuses:\ntext:  {from_text:?}\nvalue: {result:?}\n{text}"),
    }
});
