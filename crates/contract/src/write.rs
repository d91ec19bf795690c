//! From a [`History`] back to a `pullback.plan/v1` input document: the inverse of
//! [`parse_request`](crate::parse_request), for `pullback export`.
//!
//! The document reads back to the same history: every load, height, RPE and
//! symmetry value is written as a JSON number from its decimal text (`142.5`, never
//! `142.49999…`), every time as RFC 3339 with an offset, and only what is set is
//! written (no `rpe` without one, no `warmup: false`).
//!
//! ```
//! use pullback_contract::{WriteOptions, history_document, parse_request};
//! let input = serde_json::json!({
//!     "contract": "pullback.plan/v1",
//!     "as_of": "2026-03-02T07:00:00Z",
//!     "profile": { "units": "kg", "working_weight": 142.5, "time_zone": "Europe/Oslo" },
//!     "sessions": [ { "id": "s1", "at": "2026-02-20T18:00:00Z",
//!         "exercises": [ { "exercise": "deadlift", "sets": [ { "load": 142.5, "reps": 5 } ] } ] } ]
//! });
//! let request = parse_request(&input).unwrap();
//! let doc = history_document(&request.history, request.as_of, &WriteOptions::default());
//! assert_eq!(doc["profile"]["working_weight"], 142.5);
//! assert_eq!(doc["sessions"][0]["at"], "2026-02-20T19:00:00+01:00");
//! let again = parse_request(&doc).unwrap();
//! assert_eq!(again.history.sessions, request.history.sessions);
//! ```

use crate::CONTRACT;
use jiff::Timestamp;
use jiff::tz::Offset;
use pullback_core::{
    Decimal, ExerciseLog, History, Note, Overrides, ParamKey, Profile, Screening, Session, SessionCheckin, Set,
    StandaloneCheckin, SymmetryTest,
};
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Number, Value, json};
use std::str::FromStr;

/// What [`history_document`] needs beyond the [`History`]: what only storage knows.
/// The default takes everything from the history itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions<'a> {
    /// The IANA name of the profile's time zone, e.g. `Europe/Oslo`. By default the
    /// zone's own name; a zone without one (a fixed offset) is left out, and so
    /// reads back as UTC.
    pub time_zone: Option<&'a str>,
    /// The protocol overrides to write under `protocol`, only the keys set. By
    /// default the parameters of the history that differ from protocol.md's.
    pub overrides: Option<&'a Overrides>,
    /// The offsets the sessions were logged with, parallel to `history.sessions`;
    /// a session's own check-in times are written with its offset too. Sessions
    /// past the end of the slice, and every other time, are written with the offset
    /// of the profile's time zone at that instant.
    pub session_offsets: &'a [Offset],
}

/// The `pullback.plan/v1` input document of `history`, deciding at `as_of`.
///
/// `parse_request` of the result gives back a history equal in everything the
/// engine reads (the profile, the parameters and every event), and so the same
/// decision. Sessions without an id are written without one.
pub fn history_document(history: &History, as_of: Timestamp, options: &WriteOptions<'_>) -> Value {
    let zone = &history.profile.time_zone;
    let local = |t: Timestamp| time(t, zone.to_offset(t));
    let sessions: Vec<Value> = history
        .sessions
        .iter()
        .enumerate()
        .map(|(i, s)| session(s, options.session_offsets.get(i).copied().unwrap_or_else(|| zone.to_offset(s.at))))
        .collect();
    let derived;
    let overrides = match options.overrides {
        Some(o) => o,
        None => {
            derived = history.params.overrides();
            &derived
        }
    };
    let mut doc = Map::new();
    doc.insert("contract".into(), json!(CONTRACT));
    doc.insert("as_of".into(), json!(as_of.to_string()));
    doc.insert("profile".into(), profile(&history.profile, options.time_zone));
    doc.insert("protocol".into(), Value::Object(protocol_object(overrides)));
    doc.insert("screenings".into(), history.screenings.iter().map(|s| screening(s, &local)).collect());
    doc.insert("sessions".into(), Value::Array(sessions));
    doc.insert("checkins".into(), history.checkins.iter().map(|c| standalone(c, &local)).collect());
    doc.insert("symmetry_tests".into(), history.symmetry_tests.iter().map(|t| symmetry(t, &local)).collect());
    Value::Object(doc)
}

/// A decimal as a JSON number that reads back as the same decimal: parsed from its
/// shortest text, so `142.5` is written `142.5` and `140` is written `140`.
pub fn decimal_number(d: Decimal) -> Value {
    let text = d.normalize().to_string();
    match Number::from_str(&text) {
        Ok(n) => Value::Number(n),
        // Not reached (a decimal's text is a JSON number); a string is refused
        // loudly on reading, where a null would silently read as "absent".
        Err(_) => d.to_f64().and_then(Number::from_f64).map_or(Value::String(text), Value::Number),
    }
}

/// RFC 3339 with `offset`, e.g. `2026-02-20T19:00:00+01:00`, and `Z` for UTC;
/// fractions of a second only when there are some. An offset with seconds, which
/// RFC 3339 cannot write, falls back to UTC.
fn time(t: Timestamp, offset: Offset) -> Value {
    if offset == Offset::UTC || offset.seconds() % 60 != 0 {
        return json!(t.to_string());
    }
    json!(t.display_with_offset(offset).to_string())
}

fn profile(p: &Profile, time_zone: Option<&str>) -> Value {
    let mut out = Map::new();
    out.insert("units".into(), json!(p.units.load_symbol()));
    if let Some(w) = p.working_weight {
        out.insert("working_weight".into(), decimal_number(w.value()));
    }
    out.insert("usual_variation".into(), json!(p.usual_variation.exercise().id()));
    out.insert("load_increment".into(), decimal_number(p.load_increment.value()));
    out.insert("bar_weight".into(), decimal_number(p.bar_weight.value()));
    out.insert("kettlebell_weight".into(), decimal_number(p.kettlebell_weight.value()));
    if let Some(name) = time_zone.or_else(|| p.time_zone.iana_name()) {
        out.insert("time_zone".into(), json!(name));
    }
    Value::Object(out)
}

/// The overrides as the contract's `protocol` object: only those that are set,
/// by the contract's keys (what `parse_protocol` reads back).
pub fn protocol_object(o: &Overrides) -> Map<String, Value> {
    let mut out = Map::new();
    for key in ParamKey::ALL {
        let value = match key {
            ParamKey::TolerableMax => o.tolerable_max.map(Value::from),
            ParamKey::WorseDelta => o.worse_delta.map(Value::from),
            ParamKey::SoreMin => o.sore_min.map(Value::from),
            ParamKey::PatternWindow => o.pattern_window.map(Value::from),
            ParamKey::PatternMin => o.pattern_min.map(Value::from),
            ParamKey::IntensitySpikeRatio => o.intensity_spike_ratio.map(decimal_number),
            ParamKey::VolumeSpikeAcwr => o.volume_spike_acwr.map(decimal_number),
            ParamKey::LayoffCaps => o
                .layoff_caps
                .as_ref()
                .map(|bands| bands.iter().map(|&(days, factor)| json!([days, decimal_number(factor)])).collect()),
            ParamKey::EpisodeReferralDays => o.episode_referral_days.map(Value::from),
            ParamKey::LsiMin => o.lsi_min.map(decimal_number),
        };
        if let Some(value) = value {
            out.insert(key.id().into(), value);
        }
    }
    out
}

fn session(s: &Session, offset: Offset) -> Value {
    let mut out = Map::new();
    if let Some(id) = &s.id {
        out.insert("id".into(), json!(id));
    }
    out.insert("at".into(), time(s.at, offset));
    out.insert("exercises".into(), s.exercises.iter().map(exercise).collect());
    out.insert("checkins".into(), s.checkins.iter().map(|c| session_checkin(c, offset)).collect());
    insert_note(&mut out, s.note.as_ref());
    Value::Object(out)
}

fn insert_note(out: &mut Map<String, Value>, note: Option<&Note>) {
    if let Some(note) = note {
        out.insert("note".into(), json!(note.as_str()));
    }
}

fn exercise(e: &ExerciseLog) -> Value {
    let mut out = Map::new();
    out.insert("exercise".into(), json!(e.exercise.as_str()));
    if let Some(tempo) = e.tempo {
        out.insert("tempo".into(), json!(tempo.to_string()));
    }
    if let Some(height) = e.block_height {
        out.insert("block_height".into(), decimal_number(height.value()));
    }
    out.insert("sets".into(), e.sets.iter().map(set).collect());
    insert_note(&mut out, e.note.as_ref());
    Value::Object(out)
}

fn set(s: &Set) -> Value {
    let mut out = Map::new();
    out.insert("load".into(), decimal_number(s.load.value()));
    out.insert("reps".into(), Value::from(s.reps.value()));
    if let Some(rpe) = s.rpe {
        out.insert("rpe".into(), decimal_number(rpe.value()));
    }
    if s.warmup {
        out.insert("warmup".into(), Value::Bool(true));
    }
    insert_note(&mut out, s.note.as_ref());
    Value::Object(out)
}

fn session_checkin(c: &SessionCheckin, offset: Offset) -> Value {
    let mut out = Map::new();
    out.insert("point".into(), json!(c.point.id()));
    out.insert("pain".into(), Value::from(c.pain.value()));
    if let Some(at) = c.at {
        out.insert("at".into(), time(at, offset));
    }
    if let Some(side) = c.side {
        out.insert("side".into(), json!(side.id()));
    }
    if c.bottom_only {
        out.insert("bottom_only".into(), Value::Bool(true));
    }
    Value::Object(out)
}

fn standalone(c: &StandaloneCheckin, local: &dyn Fn(Timestamp) -> Value) -> Value {
    let mut out = Map::new();
    out.insert("at".into(), local(c.at));
    out.insert("pain".into(), Value::from(c.pain.value()));
    if let Some(side) = c.side {
        out.insert("side".into(), json!(side.id()));
    }
    Value::Object(out)
}

fn screening(s: &Screening, local: &dyn Fn(Timestamp) -> Value) -> Value {
    let a = &s.answers;
    json!({
        "at": local(s.at),
        "saddle_anesthesia": a.saddle_anesthesia,
        "bladder_bowel": a.bladder_bowel,
        "progressive_weakness": a.progressive_weakness,
        "fever": a.fever,
        "trauma": a.trauma,
        "cancer_history": a.cancer_history,
        "weight_loss": a.weight_loss,
        "night_pain": a.night_pain,
    })
}

fn symmetry(t: &SymmetryTest, local: &dyn Fn(Timestamp) -> Value) -> Value {
    json!({ "at": local(t.at), "left": decimal_number(t.left.value()), "right": decimal_number(t.right.value()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_request, parse_request_str, plan_value};
    use proptest::prelude::*;
    use pullback_core::{Load, Point, RedFlags};

    /// Everything of a history the engine reads, in comparable form.
    fn assert_same_history(a: &History, b: &History) {
        let (pa, pb) = (&a.profile, &b.profile);
        assert_eq!(pa.units, pb.units);
        assert_eq!(pa.working_weight, pb.working_weight);
        assert_eq!(pa.usual_variation, pb.usual_variation);
        assert_eq!(pa.load_increment, pb.load_increment);
        assert_eq!(pa.bar_weight, pb.bar_weight);
        assert_eq!(pa.kettlebell_weight, pb.kettlebell_weight);
        assert_eq!(pa.time_zone.iana_name().unwrap_or("UTC"), pb.time_zone.iana_name().unwrap_or("UTC"));
        assert_eq!(a.params, b.params);
        assert_eq!(a.sessions, b.sessions);
        assert_eq!(a.checkins, b.checkins);
        assert_eq!(a.screenings, b.screenings);
        assert_eq!(a.symmetry_tests, b.symmetry_tests);
    }

    /// parse → write → parse gives the same history, the same decision, and
    /// writing again gives the same document.
    fn round_trip(doc: &Value) {
        let first = parse_request(doc).expect("the input is valid");
        let written = history_document(&first.history, first.as_of, &WriteOptions::default());
        let text = serde_json::to_string(&written).expect("renders");
        let second = match parse_request_str(&text) {
            Ok(r) => r,
            Err(problems) => panic!("the written document is refused: {problems:?}\n{text}"),
        };
        assert_eq!(second.as_of, first.as_of);
        assert_same_history(&first.history, &second.history);
        assert_eq!(plan_value(doc), plan_value(&written));
        let again = history_document(&second.history, second.as_of, &WriteOptions::default());
        assert_eq!(written, again);
    }

    #[test]
    fn examples_round_trip() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.to_string_lossy().ends_with(".input.json") {
                let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                round_trip(&doc);
                seen += 1;
            }
        }
        assert!(seen >= 4, "examples found: {seen}");
    }

    #[test]
    fn a_synthetic_year_round_trips() {
        let doc = pullback_synth::history(&pullback_synth::Spec::for_sessions(120));
        round_trip(&doc);
    }

    #[test]
    fn notes_are_written_where_they_were_read() {
        let doc = json!({ "contract": CONTRACT, "as_of": "2026-03-02T07:00:00Z", "profile": { "units": "kg" },
            "sessions": [ { "at": "2026-02-20T18:00:00Z", "note": " Garage \n session ",
                "exercises": [ { "exercise": "Pendlay Row", "note": "strict",
                    "sets": [ { "load": 60, "reps": 5 }, { "load": 80, "reps": 0, "note": "failed at the knee" } ] } ] } ] });
        let history = parse_request(&doc).unwrap().history;
        assert_eq!(history.sessions[0].note.as_ref().map(Note::as_str), Some("Garage \n session"), "trimmed");
        let written = history_document(&history, "2026-03-02T07:00:00Z".parse().unwrap(), &WriteOptions::default());
        let session = &written["sessions"][0];
        assert_eq!(session["note"], "Garage \n session");
        assert_eq!(session["exercises"][0]["note"], "strict");
        assert!(session["exercises"][0]["sets"][0].get("note").is_none(), "no note, no field");
        assert_eq!(session["exercises"][0]["sets"][1]["note"], "failed at the knee");
        round_trip(&doc);
    }

    #[test]
    fn decimals_are_written_from_their_text() {
        for text in ["140", "142.5", "0.1", "1.25", "2.675", "99999.9999", "0.0000001", "12345.6789", "0.3333333333"] {
            let d = Decimal::from_str(text).unwrap();
            if !text.starts_with("0.0") {
                assert_eq!(serde_json::to_string(&decimal_number(d)).unwrap(), text);
            }
            let doc = json!({ "contract": CONTRACT, "as_of": "2026-03-02T07:00:00Z",
                "profile": { "units": "kg", "working_weight": decimal_number(d) } });
            let text = serde_json::to_string(&doc).unwrap();
            let back = parse_request_str(&text).unwrap().history.profile.working_weight.map(Load::value);
            assert_eq!(back, Some(d), "{text}");
        }
        assert_eq!(serde_json::to_string(&decimal_number(Decimal::new(1400, 1))).unwrap(), "140");
    }

    #[test]
    fn offsets_are_kept_and_only_set_fields_written() {
        let mut history = History::new(Profile::new(pullback_core::Units::Kg));
        let at: Timestamp = "2026-02-20T18:00:00Z".parse().unwrap();
        history.sessions.push(Session {
            id: None,
            at,
            exercises: vec![],
            checkins: vec![SessionCheckin {
                point: Point::After24h,
                pain: pullback_core::Pain::parse(3).unwrap(),
                at: Some("2026-02-21T19:30:00Z".parse().unwrap()),
                side: None,
                bottom_only: false,
            }],
            note: None,
        });
        history.screenings.push(Screening { at, answers: RedFlags { fever: true, ..RedFlags::default() } });
        history.profile.working_weight = Some(Load::parse(Decimal::new(1425, 1)).unwrap());
        let offset = Offset::from_hours(-5).unwrap();
        let options = WriteOptions { time_zone: Some("America/New_York"), session_offsets: &[offset], overrides: None };
        let doc = history_document(&history, at, &options);
        assert_eq!(doc["sessions"][0]["at"], "2026-02-20T13:00:00-05:00");
        assert_eq!(
            doc["sessions"][0]["checkins"][0],
            json!({ "point": "after_24h", "pain": 3, "at": "2026-02-21T14:30:00-05:00" })
        );
        assert!(doc["sessions"][0].get("id").is_none());
        assert_eq!(doc["profile"]["time_zone"], "America/New_York");
        assert_eq!(doc["profile"]["working_weight"], json!(142.5));
        assert_eq!(doc["protocol"], json!({}));
        assert_eq!(doc["screenings"][0]["fever"], true);
        assert_eq!(doc["screenings"][0]["at"], "2026-02-20T18:00:00Z");
    }

    #[test]
    fn only_set_overrides_are_written() {
        let o = Overrides {
            tolerable_max: Some(3),
            layoff_caps: Some(vec![(3, Decimal::new(9, 1)), (10, Decimal::new(3, 1))]),
            lsi_min: Some(Decimal::new(85, 2)),
            ..Overrides::default()
        };
        let history = History::new(Profile::new(pullback_core::Units::Lb));
        let as_of: Timestamp = "2026-03-02T07:00:00.123456789Z".parse().unwrap();
        let doc = history_document(&history, as_of, &WriteOptions { overrides: Some(&o), ..WriteOptions::default() });
        assert_eq!(
            doc["protocol"],
            json!({ "tolerable_max": 3, "layoff_caps": [[3, 0.9], [10, 0.3]], "lsi_min": 0.85 })
        );
        assert_eq!(doc["as_of"], "2026-03-02T07:00:00.123456789Z");
        let back = parse_request(&doc).unwrap();
        assert_eq!(back.as_of, as_of);
        assert_eq!(back.history.params, pullback_core::Params::from_overrides(&o).unwrap());
        assert_eq!(back.history.params.overrides(), o);
    }

    const BASE: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
    /// Every known exercise, and two others (one with a name no identifier has).
    fn exercise_names() -> Vec<&'static str> {
        pullback_core::Exercise::ALL.iter().map(|e| e.id()).chain(["squat", "Bench press (paused)"]).collect()
    }
    /// Offsets in minutes; 0 is written `Z`.
    const OFFSETS: &[i32] = &[0, 60, -300, 345, -570];
    const ZONES: &[Option<&str>] = &[None, Some("UTC"), Some("Europe/Oslo"), Some("America/St_Johns")];

    /// RFC 3339 at `BASE + seconds`, with one of [`OFFSETS`] and maybe a fraction.
    fn time(seconds: i64, offset: usize, nanos: i32) -> String {
        let t = Timestamp::new(BASE + seconds, nanos).unwrap();
        match OFFSETS[offset] {
            0 => t.to_string(),
            minutes => t.display_with_offset(Offset::from_seconds(minutes * 60).unwrap()).to_string(),
        }
    }

    fn any_time(span: i64) -> impl Strategy<Value = String> {
        (0..span, 0..OFFSETS.len(), prop_oneof![3 => Just(0), 1 => 0..1_000_000_000i32])
            .prop_map(|(s, o, n)| time(s, o, n))
    }

    /// A decimal with up to `scale` places, as a JSON number written from its text.
    fn number(max: i64, scale: u32) -> impl Strategy<Value = Value> {
        (0..=max * 10i64.pow(scale), 0..=scale).prop_map(move |(m, s)| {
            let d = Decimal::new(m, scale).round_dp(s);
            decimal_number(d)
        })
    }

    /// A note as a lifter writes one: words, punctuation, a line break, other scripts.
    fn note() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 ,.!?éü汉\n-]{0,20}[a-zA-Z0-9.!汉]"
    }

    fn set() -> impl Strategy<Value = Value> {
        (
            proptest::option::of(number(400, 3)),
            0..=20i64,
            proptest::option::of(12..=20i64),
            proptest::option::of(any::<bool>()),
            proptest::option::of(note()),
        )
            .prop_map(|(load, reps, rpe, warmup, note)| {
                let mut s = json!({ "reps": reps });
                if let Some(note) = note {
                    s["note"] = json!(note);
                }
                if let Some(load) = load {
                    s["load"] = load;
                }
                if let Some(rpe) = rpe {
                    s["rpe"] = decimal_number(Decimal::new(rpe * 5, 1));
                }
                if let Some(w) = warmup {
                    s["warmup"] = json!(w);
                }
                s
            })
    }

    fn exercise() -> impl Strategy<Value = Value> {
        (
            prop::sample::select(exercise_names()),
            proptest::option::of((0..10u8, 0..10u8, 0..10u8)),
            proptest::option::of(number(60, 1)),
            prop::collection::vec(set(), 0..4),
            proptest::option::of(note()),
        )
            .prop_map(|(e, tempo, block, sets, note)| {
                let mut x = json!({ "exercise": e, "sets": sets });
                if let Some(note) = note {
                    x["note"] = json!(note);
                }
                if let Some((a, b, c)) = tempo {
                    x["tempo"] = json!(format!("{a}-{b}-{c}"));
                }
                if let Some(b) = block {
                    x["block_height"] = b;
                }
                x
            })
    }

    fn checkin(span: i64) -> impl Strategy<Value = Value> {
        (
            0..4usize,
            0..=10i64,
            proptest::option::of(any::<bool>()),
            proptest::option::of(0..4usize),
            proptest::option::of(any_time(span)),
        )
            .prop_map(|(p, pain, bottom, side, at)| {
                let point = ["before", "during", "after_1h", "after_24h"][p];
                let mut c = json!({ "point": point, "pain": pain });
                if let Some(b) = bottom {
                    c["bottom_only"] = json!(b);
                }
                if let Some(s) = side {
                    c["side"] = json!(["central", "left", "right", "both"][s]);
                }
                if let Some(at) = at {
                    c["at"] = json!(at);
                }
                c
            })
    }

    fn session(span: i64) -> impl Strategy<Value = Value> {
        (
            proptest::option::of(prop_oneof![Just(json!("s1")), (0..1000u32).prop_map(|n| json!(n))]),
            any_time(span),
            prop::collection::vec(exercise(), 0..3),
            prop::collection::vec(checkin(span), 0..5),
            proptest::option::of(note()),
        )
            .prop_map(|(id, at, exercises, checkins, note)| {
                let mut s = json!({ "at": at, "exercises": exercises, "checkins": checkins });
                if let Some(note) = note {
                    s["note"] = json!(note);
                }
                if let Some(id) = id {
                    s["id"] = id;
                }
                s
            })
    }

    fn protocol() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            Just(json!({})),
            (1..=8i64, 1..=5i64, 1..=10i64, 7..=365i64).prop_map(|(t, w, s, r)| json!({
                "tolerable_max": t, "worse_delta": w, "sore_min": s, "episode_referral_days": r
            })),
            (2..=10i64, 100..=200i64, 100..=300i64, 50..=100i64).prop_map(|(window, ratio, acwr, lsi)| json!({
                "pattern_window": window, "pattern_min": 1,
                "intensity_spike_ratio": decimal_number(Decimal::new(ratio, 2)),
                "volume_spike_acwr": decimal_number(Decimal::new(acwr, 2)),
                "lsi_min": decimal_number(Decimal::new(lsi, 2)),
                "layoff_caps": [[3, 0.9], [10, 0.35], [200, 0.125]]
            })),
        ]
    }

    prop_compose! {
        fn history()(
            lb in any::<bool>(),
            w in proptest::option::of(number(300, 2)),
            variation in proptest::option::of(0..pullback_core::Variation::ALL.len()),
            increment in proptest::option::of(number(10, 2).prop_filter("positive", |v| v.as_f64() != Some(0.0))),
            bar in proptest::option::of(number(45, 1)),
            zone in 0..ZONES.len(),
            protocol in protocol(),
            sessions in prop::collection::vec(session(200 * 86_400), 0..20),
            standalone in prop::collection::vec((any_time(200 * 86_400), 0..=10i64, proptest::option::of(0..4usize)), 0..6),
            screenings in prop::collection::vec((any_time(200 * 86_400), prop::collection::vec(any::<bool>(), 8)), 0..3),
            symmetry in prop::collection::vec((any_time(200 * 86_400), number(400, 1), number(400, 1)), 0..3),
            as_of in any_time(210 * 86_400),
        ) -> Value {
            let mut profile = json!({ "units": if lb { "lb" } else { "kg" } });
            if let Some(w) = w.filter(|v| v.as_f64() != Some(0.0)) {
                profile["working_weight"] = w;
            }
            if let Some(v) = variation {
                profile["usual_variation"] = json!(pullback_core::Variation::ALL[v].exercise().id());
            }
            if let Some(i) = increment {
                profile["load_increment"] = i;
            }
            if let Some(b) = bar {
                profile["bar_weight"] = b;
            }
            if let Some(z) = ZONES[zone] {
                profile["time_zone"] = json!(z);
            }
            let names = ["saddle_anesthesia", "bladder_bowel", "progressive_weakness", "fever", "trauma",
                "cancer_history", "weight_loss", "night_pain"];
            let mut doc = json!({
                "contract": "pullback.plan/v1",
                "as_of": as_of,
                "profile": profile,
                "sessions": sessions,
                "checkins": standalone.into_iter().map(|(at, pain, side)| {
                    let mut c = json!({ "at": at, "pain": pain });
                    if let Some(s) = side {
                        c["side"] = json!(["central", "left", "right", "both"][s]);
                    }
                    c
                }).collect::<Vec<_>>(),
                "screenings": screenings.into_iter().map(|(at, answers)| {
                    let mut s = json!({ "at": at });
                    for (name, yes) in names.iter().zip(answers) {
                        s[*name] = json!(yes);
                    }
                    s
                }).collect::<Vec<_>>(),
                "symmetry_tests": symmetry.into_iter()
                    .filter(|(_, l, r)| l.as_f64() != Some(0.0) && r.as_f64() != Some(0.0))
                    .map(|(at, l, r)| json!({ "at": at, "left": l, "right": r }))
                    .collect::<Vec<_>>(),
            });
            if !protocol.is_null() {
                doc["protocol"] = protocol;
            }
            doc
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// `parse_request(history_document(parse_request(doc)))` is the same history
        /// and gives the same decision.
        #[test]
        fn documents_round_trip(doc in history()) {
            round_trip(&doc);
        }
    }
}
