//! From a `pullback.plan/v1` input document to a valid [`History`].

use crate::raw::{
    Leaf, RawCheckin, RawDoc, RawExercise, RawProfile, RawScreening, RawSession, RawSet, RawStandalone, RawSymmetry,
    Slot,
};
use crate::read::{Ptr, Reader};
use crate::{CONTRACT, PlanRequest, Problem};
use jiff::tz::TimeZone;
use pullback_core::{
    BlockHeight, ExerciseId, ExerciseLog, History, Load, Note, Overrides, Pain, ParamKey, Params, Point, Profile,
    RedFlags, Reps, Rpe, Screening, Session, SessionCheckin, Set, Side, StandaloneCheckin, Strength, SymmetryTest,
    Tempo, Units, ValueError, Variation,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;

/// Parses and validates a history document held as JSON text: the fast path, with
/// no `serde_json::Value` tree in between. Every problem is reported at once.
pub fn parse_request_str(input: &str) -> Result<PlanRequest, Vec<Problem>> {
    let mut de = serde_json::Deserializer::from_str(input);
    let raw = Slot::<RawDoc<'_>>::deserialize(&mut de).and_then(|raw| de.end().map(|()| raw));
    match raw {
        Ok(raw) => validate(&raw),
        Err(e) => Err(vec![syntax_problem(&e)]),
    }
}

/// Parses and validates a whole history document. Every problem is reported at once.
pub fn parse_request(input: &Value) -> Result<PlanRequest, Vec<Problem>> {
    match Slot::<RawDoc<'_>>::deserialize(input) {
        Ok(raw) => validate(&raw),
        Err(e) => Err(vec![syntax_problem(&e)]),
    }
}

fn syntax_problem(e: &serde_json::Error) -> Problem {
    use serde_json::error::Category;
    let message = match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => format!("not valid JSON: {e}"),
        // Valid JSON this reader refuses, e.g. a duplicate key: RFC 8259 says names
        // SHOULD be unique, and a document that says two things is not guessed at.
        Category::Data => format!("not a usable document: {e}"),
    };
    Problem { pointer: String::new(), message }
}

fn validate(raw: &Slot<'_, RawDoc<'_>>) -> Result<PlanRequest, Vec<Problem>> {
    let mut r = Reader::default();
    let root = Ptr::Root;
    let doc = match raw {
        Slot::Ok(doc) => doc,
        Slot::Wrong(other) => {
            r.problem(&root, format!("must be an object, not {other}"));
            return Err(r.problems);
        }
    };
    if let Some(v) = r.required(&doc.contract, &root, "contract")
        && let Some(name) = r.string(v, &root.key("contract"))
        && name != CONTRACT
    {
        r.problem(&root.key("contract"), format!("{name:?} is not a known contract; expected {CONTRACT:?}"));
    }
    let as_of = r.required_timestamp(&doc.as_of, &root, "as_of");
    let profile_at = root.key("profile");
    let profile = match &doc.profile {
        None => {
            r.problem(&profile_at, "is required but missing");
            None
        }
        Some(Slot::Wrong(other)) => {
            r.problem(&profile_at, format!("must be an object, not {other}"));
            None
        }
        Some(Slot::Ok(p)) => profile(&mut r, p, &profile_at),
    };
    let params = match &doc.protocol {
        Some(v) => protocol(&mut r, v, &root.key("protocol")),
        None => Some(Params::default()),
    };
    let sessions = r.each(&doc.sessions, &root.key("sessions"), session);
    let checkins = r.each(&doc.checkins, &root.key("checkins"), standalone_checkin);
    let screenings = r.each(&doc.screenings, &root.key("screenings"), screening);
    let symmetry_tests = r.each(&doc.symmetry_tests, &root.key("symmetry_tests"), symmetry_test);
    match (as_of, profile, params) {
        (Some(as_of), Some(profile), Some(params)) if r.problems.is_empty() => Ok(PlanRequest {
            history: History { profile, params, sessions, checkins, screenings, symmetry_tests },
            as_of,
        }),
        _ => Err(r.problems),
    }
}

fn profile(r: &mut Reader, raw: &RawProfile<'_>, at: &Ptr<'_>) -> Option<Profile> {
    let units = r.required(&raw.units, at, "units").and_then(|v| {
        let here = at.key("units");
        match r.string(v, &here)? {
            "kg" => Some(Units::Kg),
            "lb" => Some(Units::Lb),
            other => {
                r.problem(&here, format!("{other:?} is not a unit; use \"kg\" or \"lb\""));
                None
            }
        }
    });
    let mut p = Profile::new(units.unwrap_or(Units::Kg));
    p.working_weight = optional_load(r, &raw.working_weight, &at.key("working_weight"), Load::parse_positive);
    if let Some(v) = &raw.usual_variation {
        let here = at.key("usual_variation");
        if let Some(name) = r.string(v, &here) {
            match Variation::from_id(name) {
                Some(variation) => p.usual_variation = variation,
                None => r.problem(
                    &here,
                    format!("{name:?} is not a usual variation; use {}", Variation::choices(|id| format!("{id:?}"))),
                ),
            }
        }
    }
    let increment = optional_load(r, &raw.load_increment, &at.key("load_increment"), Load::parse_positive);
    p.load_increment = increment.unwrap_or(p.load_increment);
    p.bar_weight = optional_load(r, &raw.bar_weight, &at.key("bar_weight"), Load::parse).unwrap_or(p.bar_weight);
    let kettlebell = optional_load(r, &raw.kettlebell_weight, &at.key("kettlebell_weight"), Load::parse);
    p.kettlebell_weight = kettlebell.unwrap_or(p.kettlebell_weight);
    if let Some(v) = &raw.time_zone {
        let here = at.key("time_zone");
        if let Some(name) = r.string(v, &here) {
            match TimeZone::get(name) {
                Ok(tz) => p.time_zone = tz,
                Err(_) => r.problem(&here, format!("{name:?} is not an IANA time zone name, like \"Europe/Oslo\"")),
            }
        }
    }
    units.map(|_| p)
}

fn optional_load(
    r: &mut Reader,
    field: &Option<Leaf<'_>>,
    at: &Ptr<'_>,
    parse: fn(Decimal) -> Result<Load, ValueError>,
) -> Option<Load> {
    let d = r.decimal(field.as_ref()?, at)?;
    r.check(at, parse(d))
}

/// A JSON value of the small `protocol` object, seen as a leaf.
fn leaf(v: &Value) -> Leaf<'_> {
    match v {
        Value::Null => Leaf::Null,
        Value::Bool(b) => Leaf::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Leaf::Int(i),
            (None, Some(u), _) => Leaf::UInt(u),
            (_, _, f) => Leaf::Float(f.unwrap_or(f64::NAN)),
        },
        Value::String(s) => Leaf::Str(Cow::Borrowed(s)),
        Value::Array(_) => Leaf::Array,
        Value::Object(_) => Leaf::Object,
    }
}

/// Checks a `protocol` object of overrides on its own (protocol section 9), e.g. for
/// a clinician's settings. Problems name fields under `/protocol`.
pub fn parse_protocol(value: &Value) -> Result<Overrides, Vec<Problem>> {
    let mut r = Reader::default();
    let at = Ptr::Root;
    let at = at.key("protocol");
    match overrides(&mut r, value, &at) {
        Some(o) if params(&mut r, &o, &at).is_some() => Ok(o),
        _ => Err(r.problems),
    }
}

fn protocol(r: &mut Reader, v: &Value, at: &Ptr<'_>) -> Option<Params> {
    let o = overrides(r, v, at)?;
    params(r, &o, at)
}

fn overrides(r: &mut Reader, v: &Value, at: &Ptr<'_>) -> Option<Overrides> {
    let Value::Object(obj) = v else {
        r.problem(at, format!("must be an object, not {}", leaf(v)));
        return None;
    };
    let mut o = Overrides::default();
    let before = r.problems.len();
    for (name, value) in obj {
        let here = at.key(name);
        match ParamKey::from_id(name) {
            Some(key) => override_one(r, &mut o, key, value, &here),
            None => r.problem(&here, format!("{name:?} is not a protocol parameter; see protocol.md section 9")),
        }
    }
    (r.problems.len() == before).then_some(o)
}

fn params(r: &mut Reader, o: &Overrides, at: &Ptr<'_>) -> Option<Params> {
    Params::from_overrides(o)
        .map_err(|problems| {
            for p in problems {
                let here = at.key(p.key.id());
                match p.path.as_slice() {
                    [] => r.problem(&here, p.message),
                    [i] => r.problem(&here.index(*i), p.message),
                    [i, j, ..] => r.problem(&here.index(*i).index(*j), p.message),
                }
            }
        })
        .ok()
}

fn override_one(r: &mut Reader, o: &mut Overrides, key: ParamKey, value: &Value, at: &Ptr<'_>) {
    if key == ParamKey::LayoffCaps {
        o.layoff_caps = layoff_caps(r, value, at);
        return;
    }
    if key.is_integer() {
        let Some(n) = r.integer(&leaf(value), at, "an integer") else { return };
        let slot = match key {
            ParamKey::TolerableMax => &mut o.tolerable_max,
            ParamKey::WorseDelta => &mut o.worse_delta,
            ParamKey::SoreMin => &mut o.sore_min,
            ParamKey::PatternWindow => &mut o.pattern_window,
            ParamKey::PatternMin => &mut o.pattern_min,
            _ => &mut o.episode_referral_days,
        };
        *slot = Some(n);
        return;
    }
    let Some(d) = r.decimal(&leaf(value), at) else { return };
    let slot = match key {
        ParamKey::IntensitySpikeRatio => &mut o.intensity_spike_ratio,
        ParamKey::VolumeSpikeAcwr => &mut o.volume_spike_acwr,
        _ => &mut o.lsi_min,
    };
    *slot = Some(d);
}

fn layoff_caps(r: &mut Reader, value: &Value, at: &Ptr<'_>) -> Option<Vec<(i64, Decimal)>> {
    let Value::Array(bands) = value else {
        r.problem(at, format!("must be a list of [days, factor] pairs, not {}", leaf(value)));
        return None;
    };
    let before = r.problems.len();
    let mut out = Vec::with_capacity(bands.len());
    for (i, band) in bands.iter().enumerate() {
        let here = at.index(i);
        match band.as_array().map(Vec::as_slice) {
            Some([days, factor]) => {
                let days = r.integer(&leaf(days), &here.index(0), "a whole number of days");
                let factor = r.decimal(&leaf(factor), &here.index(1));
                if let (Some(d), Some(f)) = (days, factor) {
                    out.push((d, f));
                }
            }
            _ => r.problem(&here, format!("must be a [days, factor] pair, not {}", leaf(band))),
        }
    }
    (r.problems.len() == before).then_some(out)
}

fn pain(r: &mut Reader, field: &Option<Leaf<'_>>, at: &Ptr<'_>) -> Option<Pain> {
    let v = r.required(field, at, "pain")?;
    let here = at.key("pain");
    match v {
        Leaf::Int(n) => r.check(&here, Pain::parse(*n)),
        Leaf::UInt(_) | Leaf::Float(_) => {
            r.problem(&here, format!("{v} is not an integer 0..=10"));
            None
        }
        other => {
            r.problem(&here, format!("must be an integer 0..=10, not {other}"));
            None
        }
    }
}

/// An optional side: `Some(None)` when absent, `None` when invalid.
fn side(r: &mut Reader, field: &Option<Leaf<'_>>, at: &Ptr<'_>) -> Option<Option<Side>> {
    r.optional(field, at, "side", |r, v, here| {
        let name = r.string(v, here)?;
        let side = Side::from_id(name);
        if side.is_none() {
            r.problem(here, format!("{name:?} is not a side; use \"central\", \"left\", \"right\" or \"both\""));
        }
        side
    })
}

fn session(r: &mut Reader, raw: &RawSession<'_>, at: &Ptr<'_>) -> Option<Session> {
    let id = match &raw.id {
        Some(Leaf::Str(s)) => Some(s.to_string()),
        Some(v @ (Leaf::Int(_) | Leaf::UInt(_))) => Some(v.to_string()),
        Some(other) => {
            r.problem(&at.key("id"), format!("must be a string, not {other}"));
            None
        }
        None => None,
    };
    let when = r.required_timestamp(&raw.at, at, "at");
    let exercises = r.each(&raw.exercises, &at.key("exercises"), exercise);
    let checkins = r.each(&raw.checkins, &at.key("checkins"), session_checkin);
    let note = note(r, &raw.note, at);
    Some(Session { id, at: when?, exercises, checkins, note: note? })
}

fn exercise(r: &mut Reader, raw: &RawExercise<'_>, at: &Ptr<'_>) -> Option<ExerciseLog> {
    let name_at = at.key("exercise");
    let exercise = r
        .required(&raw.exercise, at, "exercise")
        .and_then(|v| r.string(v, &name_at))
        .and_then(|name| r.check(&name_at, ExerciseId::parse(name)));
    let tempo = r
        .optional(&raw.tempo, at, "tempo", |r, v, here| r.string(v, here).and_then(|t| r.check(here, Tempo::parse(t))));
    let block_height = r.optional(&raw.block_height, at, "block_height", |r, v, here| {
        r.decimal(v, here).and_then(|d| r.check(here, BlockHeight::parse(d)))
    });
    let sets = r.each(&raw.sets, &at.key("sets"), set);
    let note = note(r, &raw.note, at);
    Some(ExerciseLog { exercise: exercise?, tempo: tempo?, block_height: block_height?, sets, note: note? })
}

fn set(r: &mut Reader, raw: &RawSet<'_>, at: &Ptr<'_>) -> Option<Set> {
    // A set without a load is a bodyweight set: load 0.
    let load = match &raw.load {
        Some(v) => {
            let here = at.key("load");
            r.decimal(v, &here).and_then(|d| r.check(&here, Load::parse(d)))
        }
        None => Some(Load::ZERO),
    };
    let reps_at = at.key("reps");
    let reps = r
        .required(&raw.reps, at, "reps")
        .and_then(|v| r.integer(v, &reps_at, "a non-negative integer"))
        .and_then(|n| r.check(&reps_at, Reps::parse(n)));
    let rpe =
        r.optional(&raw.rpe, at, "rpe", |r, v, here| r.decimal(v, here).and_then(|d| r.check(here, Rpe::parse(d))));
    let warmup = r.flag(&raw.warmup, at, "warmup");
    let note = note(r, &raw.note, at);
    Some(Set { load: load?, reps: reps?, rpe: rpe?, warmup, note: note? })
}

/// An optional `note` (a session's, an exercise's or a set's): `Some(None)` when
/// absent, `None` when invalid.
fn note(r: &mut Reader, field: &Option<Leaf<'_>>, at: &Ptr<'_>) -> Option<Option<Note>> {
    r.optional(field, at, "note", |r, v, here| r.string(v, here).and_then(|text| r.check(here, Note::parse(text))))
}

fn session_checkin(r: &mut Reader, raw: &RawCheckin<'_>, at: &Ptr<'_>) -> Option<SessionCheckin> {
    let point_at = at.key("point");
    let point = r.required(&raw.point, at, "point").and_then(|v| r.string(v, &point_at)).and_then(|name| {
        let point = Point::from_id(name);
        if point.is_none() {
            r.problem(
                &point_at,
                format!("{name:?} is not a point; use \"before\", \"during\", \"after_1h\" or \"after_24h\""),
            );
        }
        point
    });
    let pain = pain(r, &raw.pain, at);
    let when = r.optional(&raw.at, at, "at", |r, v, here| r.timestamp(v, here));
    let side = side(r, &raw.side, at);
    let bottom_only = r.flag(&raw.bottom_only, at, "bottom_only");
    Some(SessionCheckin { point: point?, pain: pain?, at: when?, side: side?, bottom_only })
}

fn standalone_checkin(r: &mut Reader, raw: &RawStandalone<'_>, at: &Ptr<'_>) -> Option<StandaloneCheckin> {
    let when = r.required_timestamp(&raw.at, at, "at");
    let pain = pain(r, &raw.pain, at);
    let side = side(r, &raw.side, at);
    Some(StandaloneCheckin { at: when?, pain: pain?, side: side? })
}

fn screening(r: &mut Reader, raw: &RawScreening<'_>, at: &Ptr<'_>) -> Option<Screening> {
    let when = r.required_timestamp(&raw.at, at, "at");
    let answers = RedFlags {
        saddle_anesthesia: r.flag(&raw.saddle_anesthesia, at, "saddle_anesthesia"),
        bladder_bowel: r.flag(&raw.bladder_bowel, at, "bladder_bowel"),
        progressive_weakness: r.flag(&raw.progressive_weakness, at, "progressive_weakness"),
        fever: r.flag(&raw.fever, at, "fever"),
        trauma: r.flag(&raw.trauma, at, "trauma"),
        cancer_history: r.flag(&raw.cancer_history, at, "cancer_history"),
        weight_loss: r.flag(&raw.weight_loss, at, "weight_loss"),
        night_pain: r.flag(&raw.night_pain, at, "night_pain"),
    };
    Some(Screening { at: when?, answers })
}

fn symmetry_test(r: &mut Reader, raw: &RawSymmetry<'_>, at: &Ptr<'_>) -> Option<SymmetryTest> {
    let when = r.required_timestamp(&raw.at, at, "at");
    let mut strength = |field: &Option<Leaf<'_>>, key: &str| {
        let here = at.key(key);
        r.required(field, at, key).and_then(|v| r.decimal(v, &here)).and_then(|d| r.check(&here, Strength::parse(d)))
    };
    let left = strength(&raw.left, "left");
    let right = strength(&raw.right, "right");
    Some(SymmetryTest { at: when?, left: left?, right: right? })
}
