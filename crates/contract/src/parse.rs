//! From a `pullback.plan/v1` input document to a valid [`History`].

use crate::read::{Ptr, Reader, describe};
use crate::{CONTRACT, PlanRequest, Problem};
use jiff::tz::TimeZone;
use pullback_core::{
    BlockHeight, ExerciseId, ExerciseLog, History, Load, Overrides, Pain, ParamKey, Params, Point, Profile, RedFlags,
    Reps, Rpe, Screening, Session, SessionCheckin, Set, Side, StandaloneCheckin, Strength, SymmetryTest, Tempo, Units,
    Variation,
};
use serde_json::{Map, Value};

/// Parses and validates a whole history document. Every problem is reported at once.
pub fn parse_request(input: &Value) -> Result<PlanRequest, Vec<Problem>> {
    let mut r = Reader::default();
    let root = Ptr::root();
    let Some(doc) = r.object(input, &root) else { return Err(r.problems) };
    if let Some(v) = r.required(doc, &root, "contract")
        && let Some(name) = r.string(v, &root.key("contract"))
        && name != CONTRACT
    {
        r.problem(&root.key("contract"), format!("{name:?} is not a known contract; expected {CONTRACT:?}"));
    }
    let as_of = r.required_timestamp(doc, &root, "as_of");
    let profile = r.required(doc, &root, "profile").and_then(|v| profile(&mut r, v, &root.key("profile")));
    let params = match r.optional(doc, "protocol") {
        Some(v) => protocol(&mut r, v, &root.key("protocol")),
        None => Some(Params::default()),
    };
    let sessions = each(&mut r, doc, &root, "sessions", session);
    let checkins = each(&mut r, doc, &root, "checkins", standalone_checkin);
    let screenings = each(&mut r, doc, &root, "screenings", screening);
    let symmetry_tests = each(&mut r, doc, &root, "symmetry_tests", symmetry_test);
    match (as_of, profile, params) {
        (Some(as_of), Some(profile), Some(params)) if r.problems.is_empty() => Ok(PlanRequest {
            history: History { profile, params, sessions, checkins, screenings, symmetry_tests },
            as_of,
        }),
        _ => Err(r.problems),
    }
}

/// Parses every element of an optional array field with `item`, keeping the valid ones.
fn each<T>(
    r: &mut Reader,
    doc: &Map<String, Value>,
    at: &Ptr,
    key: &str,
    item: fn(&mut Reader, &Map<String, Value>, &Ptr) -> Option<T>,
) -> Vec<T> {
    let items = r.array(doc, at, key);
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        let here = at.key(key).index(i);
        if let Some(obj) = r.object(v, &here) {
            out.extend(item(r, obj, &here));
        }
    }
    out
}

fn profile(r: &mut Reader, v: &Value, at: &Ptr) -> Option<Profile> {
    let obj = r.object(v, at)?;
    let units = r.required(obj, at, "units").and_then(|v| {
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
    p.working_weight = optional_load(r, obj, at, "working_weight", Load::parse_positive);
    if let Some(v) = r.optional(obj, "usual_variation") {
        let here = at.key("usual_variation");
        if let Some(name) = r.string(v, &here) {
            match Variation::from_id(name) {
                Some(variation) => p.usual_variation = variation,
                None => r.problem(
                    &here,
                    format!("{name:?} is not a usual variation; use \"deadlift\", \"sumo_deadlift\" or \"trap_bar_deadlift\""),
                ),
            }
        }
    }
    p.load_increment = optional_load(r, obj, at, "load_increment", Load::parse_positive).unwrap_or(p.load_increment);
    p.bar_weight = optional_load(r, obj, at, "bar_weight", Load::parse).unwrap_or(p.bar_weight);
    p.kettlebell_weight = optional_load(r, obj, at, "kettlebell_weight", Load::parse).unwrap_or(p.kettlebell_weight);
    if let Some(v) = r.optional(obj, "time_zone") {
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
    obj: &Map<String, Value>,
    at: &Ptr,
    key: &str,
    parse: fn(rust_decimal::Decimal) -> Result<Load, pullback_core::ValueError>,
) -> Option<Load> {
    let here = at.key(key);
    let value = r.optional(obj, key)?;
    let d = r.decimal(value, &here)?;
    r.check(&here, parse(d))
}

fn protocol(r: &mut Reader, v: &Value, at: &Ptr) -> Option<Params> {
    let obj = r.object(v, at)?;
    let mut o = Overrides::default();
    let before = r.problems.len();
    for (name, value) in obj {
        let here = at.key(name);
        let Some(key) = ParamKey::from_id(name) else {
            r.problem(&here, format!("{name:?} is not a protocol parameter; see protocol.md section 9"));
            continue;
        };
        override_one(r, &mut o, key, value, &here);
    }
    if r.problems.len() > before {
        return None;
    }
    Params::from_overrides(&o)
        .map_err(|problems| {
            for p in problems {
                let mut here = at.key(p.key.id());
                for i in p.path {
                    here = here.index(i);
                }
                r.problem(&here, p.message);
            }
        })
        .ok()
}

fn override_one(r: &mut Reader, o: &mut Overrides, key: ParamKey, value: &Value, at: &Ptr) {
    if key == ParamKey::LayoffCaps {
        o.layoff_caps = layoff_caps(r, value, at);
        return;
    }
    if key.is_integer() {
        let Some(n) = r.integer(value, at, "an integer") else { return };
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
    let Some(d) = r.decimal(value, at) else { return };
    let slot = match key {
        ParamKey::IntensitySpikeRatio => &mut o.intensity_spike_ratio,
        ParamKey::VolumeSpikeAcwr => &mut o.volume_spike_acwr,
        _ => &mut o.lsi_min,
    };
    *slot = Some(d);
}

fn layoff_caps(r: &mut Reader, value: &Value, at: &Ptr) -> Option<Vec<(i64, rust_decimal::Decimal)>> {
    let Value::Array(bands) = value else {
        r.problem(at, format!("must be a list of [days, factor] pairs, not {}", describe(value)));
        return None;
    };
    let before = r.problems.len();
    let mut out = Vec::with_capacity(bands.len());
    for (i, band) in bands.iter().enumerate() {
        let here = at.index(i);
        match band.as_array().map(Vec::as_slice) {
            Some([days, factor]) => {
                let days = r.integer(days, &here.index(0), "a whole number of days");
                let factor = r.decimal(factor, &here.index(1));
                if let (Some(d), Some(f)) = (days, factor) {
                    out.push((d, f));
                }
            }
            _ => r.problem(&here, format!("must be a [days, factor] pair, not {}", describe(band))),
        }
    }
    (r.problems.len() == before).then_some(out)
}

fn pain(r: &mut Reader, obj: &Map<String, Value>, at: &Ptr) -> Option<Pain> {
    let here = at.key("pain");
    let v = r.required(obj, at, "pain")?;
    let n = match v {
        Value::Number(n) if n.is_i64() => n.as_i64(),
        Value::Number(_) => {
            r.problem(&here, format!("{} is not an integer 0..=10", describe(v)));
            return None;
        }
        _ => None,
    };
    match n {
        Some(n) => r.check(&here, Pain::parse(n)),
        None => {
            r.problem(&here, format!("must be an integer 0..=10, not {}", describe(v)));
            None
        }
    }
}

fn side(r: &mut Reader, obj: &Map<String, Value>, at: &Ptr) -> Option<Side> {
    let here = at.key("side");
    let name = r.optional(obj, "side").and_then(|v| r.string(v, &here))?;
    let side = Side::from_id(name);
    if side.is_none() {
        r.problem(&here, format!("{name:?} is not a side; use \"central\", \"left\", \"right\" or \"both\""));
    }
    side
}

fn session(r: &mut Reader, obj: &Map<String, Value>, at: &Ptr) -> Option<Session> {
    let id = match r.optional(obj, "id") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            r.problem(&at.key("id"), format!("must be a string, not {}", describe(other)));
            None
        }
        None => None,
    };
    let when = r.required_timestamp(obj, at, "at");
    let exercises = each(r, obj, at, "exercises", exercise);
    let checkins = each(r, obj, at, "checkins", session_checkin);
    Some(Session { id, at: when?, exercises, checkins })
}

fn exercise(r: &mut Reader, obj: &Map<String, Value>, at: &Ptr) -> Option<ExerciseLog> {
    let name_at = at.key("exercise");
    let exercise = r
        .required(obj, at, "exercise")
        .and_then(|v| r.string(v, &name_at))
        .and_then(|name| r.check(&name_at, ExerciseId::parse(name)));
    let tempo_at = at.key("tempo");
    let tempo = match r.optional(obj, "tempo") {
        Some(v) => Some(r.string(v, &tempo_at).and_then(|t| r.check(&tempo_at, Tempo::parse(t)))?),
        None => None,
    };
    let block_at = at.key("block_height");
    let block_height = match r.optional(obj, "block_height") {
        Some(v) => Some(r.decimal(v, &block_at).and_then(|d| r.check(&block_at, BlockHeight::parse(d)))?),
        None => None,
    };
    let sets = each(r, obj, at, "sets", set);
    Some(ExerciseLog { exercise: exercise?, tempo, block_height, sets })
}

fn set(r: &mut Reader, obj: &Map<String, Value>, at: &Ptr) -> Option<Set> {
    // A set without a load is a bodyweight set: load 0.
    let load = match r.optional(obj, "load") {
        Some(v) => r.decimal(v, &at.key("load")).and_then(|d| r.check(&at.key("load"), Load::parse(d))),
        None => Some(Load::ZERO),
    };
    let reps_at = at.key("reps");
    let reps = r
        .required(obj, at, "reps")
        .and_then(|v| r.integer(v, &reps_at, "a non-negative integer"))
        .and_then(|n| r.check(&reps_at, Reps::parse(n)));
    let rpe_at = at.key("rpe");
    let rpe = match r.optional(obj, "rpe") {
        Some(v) => Some(r.decimal(v, &rpe_at).and_then(|d| r.check(&rpe_at, Rpe::parse(d)))?),
        None => None,
    };
    let warmup = r.flag(obj, at, "warmup");
    Some(Set { load: load?, reps: reps?, rpe, warmup })
}

fn session_checkin(r: &mut Reader, obj: &Map<String, Value>, at: &Ptr) -> Option<SessionCheckin> {
    let point_at = at.key("point");
    let point = r.required(obj, at, "point").and_then(|v| r.string(v, &point_at)).and_then(|name| {
        let point = Point::from_id(name);
        if point.is_none() {
            r.problem(
                &point_at,
                format!("{name:?} is not a point; use \"before\", \"during\", \"after_1h\" or \"after_24h\""),
            );
        }
        point
    });
    let pain = pain(r, obj, at);
    let when = r.optional_timestamp(obj, at, "at");
    let side = side(r, obj, at);
    let bottom_only = r.flag(obj, at, "bottom_only");
    let bad_time = r.optional(obj, "at").is_some() && when.is_none();
    let bad_side = r.optional(obj, "side").is_some() && side.is_none();
    if bad_time || bad_side {
        return None;
    }
    Some(SessionCheckin { point: point?, pain: pain?, at: when, side, bottom_only })
}

fn standalone_checkin(r: &mut Reader, obj: &Map<String, Value>, at: &Ptr) -> Option<StandaloneCheckin> {
    let when = r.required_timestamp(obj, at, "at");
    let pain = pain(r, obj, at);
    let side_given = r.optional(obj, "side").is_some();
    let side = side(r, obj, at);
    if side_given && side.is_none() {
        return None;
    }
    Some(StandaloneCheckin { at: when?, pain: pain?, side })
}

fn screening(r: &mut Reader, obj: &Map<String, Value>, at: &Ptr) -> Option<Screening> {
    let when = r.required_timestamp(obj, at, "at");
    let answers = RedFlags {
        saddle_anesthesia: r.flag(obj, at, "saddle_anesthesia"),
        bladder_bowel: r.flag(obj, at, "bladder_bowel"),
        progressive_weakness: r.flag(obj, at, "progressive_weakness"),
        fever: r.flag(obj, at, "fever"),
        trauma: r.flag(obj, at, "trauma"),
        cancer_history: r.flag(obj, at, "cancer_history"),
        weight_loss: r.flag(obj, at, "weight_loss"),
        night_pain: r.flag(obj, at, "night_pain"),
    };
    Some(Screening { at: when?, answers })
}

fn symmetry_test(r: &mut Reader, obj: &Map<String, Value>, at: &Ptr) -> Option<SymmetryTest> {
    let when = r.required_timestamp(obj, at, "at");
    let mut strength = |key: &str| {
        let here = at.key(key);
        r.required(obj, at, key).and_then(|v| r.decimal(v, &here)).and_then(|d| r.check(&here, Strength::parse(d)))
    };
    let left = strength("left");
    let right = strength("right");
    Some(SymmetryTest { at: when?, left: left?, right: right? })
}
