//! How domain values become column values and back; shared by every backend.
//!
//! Decimals are text as `rust_decimal` prints them, times are RFC 3339 text plus
//! UTC nanoseconds, overrides are a JSON object with decimals as strings.

use crate::error::{Result, StoreError};
use crate::model::{StoredProfile, resolve_time_zone};
use jiff::Timestamp;
use pullback_core::{
    BlockHeight, ExerciseId, Load, Note, Overrides, ParamKey, Params, Point, Profile, Rpe, Side, Strength, Tempo,
    Units, Variation,
};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

/// The first and last instants a time column can hold (UTC nanoseconds in an i64:
/// 1677-09-21 to 2262-04-11).
pub fn to_ns(t: Timestamp) -> Result<i64> {
    i64::try_from(t.as_nanosecond())
        .map_err(|_| StoreError::Invalid(format!("{t} is outside the years 1678 to 2261 that the log can hold")))
}

pub fn from_ns(ns: i64) -> Result<Timestamp> {
    Timestamp::from_nanosecond(i128::from(ns)).map_err(|e| corrupt(format!("time {ns} ns: {e}")))
}

pub fn corrupt(what: impl Into<String>) -> StoreError {
    StoreError::Corrupt(what.into())
}

pub fn decimal(text: &str) -> Result<Decimal> {
    Decimal::from_str_exact(text).map_err(|_| corrupt(format!("{text:?} is not a decimal")))
}

pub fn load(text: &str) -> Result<Load> {
    Load::parse(decimal(text)?).map_err(|e| corrupt(format!("load {text}: {e}")))
}

pub fn positive_load(text: &str) -> Result<Load> {
    Load::parse_positive(decimal(text)?).map_err(|e| corrupt(format!("load {text}: {e}")))
}

pub fn rpe(text: &str) -> Result<Rpe> {
    Rpe::parse(decimal(text)?).map_err(|e| corrupt(format!("RPE {text}: {e}")))
}

pub fn block_height(text: &str) -> Result<BlockHeight> {
    BlockHeight::parse(decimal(text)?).map_err(|e| corrupt(format!("block height {text}: {e}")))
}

pub fn strength(text: &str) -> Result<Strength> {
    Strength::parse(decimal(text)?).map_err(|e| corrupt(format!("symmetry value {text}: {e}")))
}

pub fn note(text: &str) -> Result<Note> {
    Note::parse(text).map_err(|e| corrupt(format!("note: {e}")))
}

pub fn tempo(text: &str) -> Result<Tempo> {
    Tempo::parse(text).map_err(|e| corrupt(format!("tempo: {e}")))
}

/// An exercise as stored (names kept before the checks of
/// [`ExerciseId::parse`] existed read back as they are).
pub fn exercise(text: &str) -> Result<ExerciseId> {
    if text.is_empty() {
        return Err(corrupt("an exercise without a name"));
    }
    Ok(ExerciseId::stored(text))
}

pub fn pain(value: i64) -> Result<pullback_core::Pain> {
    pullback_core::Pain::parse(value).map_err(|e| corrupt(format!("pain: {e}")))
}

pub fn units_id(units: Units) -> &'static str {
    units.load_symbol()
}

pub fn units(text: &str) -> Result<Units> {
    match text {
        "kg" => Ok(Units::Kg),
        "lb" => Ok(Units::Lb),
        _ => Err(corrupt(format!("{text:?} is not a unit"))),
    }
}

pub fn variation_id(v: Variation) -> &'static str {
    v.exercise().id()
}

pub fn variation(text: &str) -> Result<Variation> {
    Variation::from_id(text).ok_or_else(|| corrupt(format!("{text:?} is not a deadlift variation")))
}

pub fn point(text: &str) -> Result<Point> {
    Point::from_id(text).ok_or_else(|| corrupt(format!("{text:?} is not a check-in point")))
}

pub fn side(text: &str) -> Result<Side> {
    Side::from_id(text).ok_or_else(|| corrupt(format!("{text:?} is not a side")))
}

/// Plates as a comma-separated list, heaviest first as given.
pub fn plates_text(plates: &[Load]) -> String {
    plates.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

pub fn plates(text: &str) -> Result<Vec<Load>> {
    text.split(',').map(|p| positive_load(p.trim())).collect()
}

/// Refuses a profile the store cannot keep or the engine cannot use.
pub fn check_profile(p: &StoredProfile) -> Result<()> {
    let zone = resolve_time_zone(&p.time_zone_name)?;
    if let Some(name) = p.profile.time_zone.iana_name()
        && zone.iana_name() != Some(name)
    {
        return Err(StoreError::Invalid(format!(
            "the profile's time zone is {name} but its name says {:?}; set both to the same zone",
            p.time_zone_name
        )));
    }
    if let Some(plates) = &p.plates {
        if plates.is_empty() {
            return Err(StoreError::Invalid("the plate list is empty; list at least one plate".into()));
        }
        if plates.iter().any(|l| l.value().is_zero()) {
            return Err(StoreError::Invalid("a plate of 0 cannot be used; every plate must weigh more than 0".into()));
        }
    }
    if p.profile.load_increment.value().is_zero() {
        return Err(StoreError::Invalid("the load increment must be more than 0".into()));
    }
    Params::from_overrides(&p.overrides).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|pr| format!("{}: {}", pr.key, pr.message)).collect();
        StoreError::Invalid(format!("protocol overrides refused: {}", list.join("; ")))
    })?;
    Ok(())
}

/// The columns of a profile row, in the order of the `profiles` table.
pub struct ProfileRow {
    pub units: &'static str,
    pub working_weight: Option<String>,
    pub usual_variation: &'static str,
    pub load_increment: String,
    pub bar_weight: String,
    pub kettlebell_weight: String,
    pub time_zone: String,
    pub plates: Option<String>,
    pub overrides: String,
}

impl ProfileRow {
    pub fn from_profile(p: &StoredProfile) -> ProfileRow {
        let q = &p.profile;
        ProfileRow {
            units: units_id(q.units),
            working_weight: q.working_weight.map(|w| w.to_string()),
            usual_variation: variation_id(q.usual_variation),
            load_increment: q.load_increment.to_string(),
            bar_weight: q.bar_weight.to_string(),
            kettlebell_weight: q.kettlebell_weight.to_string(),
            time_zone: p.time_zone_name.clone(),
            plates: p.plates.as_deref().map(plates_text),
            overrides: overrides_json(&p.overrides),
        }
    }
}

/// The raw text of a profile row, as read.
pub struct ProfileText<'a> {
    pub units: &'a str,
    pub working_weight: Option<&'a str>,
    pub usual_variation: &'a str,
    pub load_increment: Option<&'a str>,
    pub bar_weight: Option<&'a str>,
    pub kettlebell_weight: Option<&'a str>,
    pub time_zone: &'a str,
    pub plates: Option<&'a str>,
    pub overrides: &'a str,
}

impl ProfileText<'_> {
    pub fn read(&self) -> Result<StoredProfile> {
        let units = units(self.units)?;
        let or_default = |text: Option<&str>, default: Load| text.map_or(Ok(default), positive_load);
        let profile = Profile {
            units,
            working_weight: self.working_weight.map(load).transpose()?,
            usual_variation: variation(self.usual_variation)?,
            load_increment: or_default(self.load_increment, units.default_increment())?,
            bar_weight: self.bar_weight.map_or(Ok(units.default_bar()), load)?,
            kettlebell_weight: self.kettlebell_weight.map_or(Ok(units.default_kettlebell()), load)?,
            time_zone: resolve_time_zone(self.time_zone)
                .map_err(|_| corrupt(format!("{:?} is not a known time zone", self.time_zone)))?,
        };
        Ok(StoredProfile {
            profile,
            time_zone_name: self.time_zone.to_owned(),
            plates: self.plates.map(plates).transpose()?,
            overrides: overrides(self.overrides)?,
        })
    }
}

/// The effective parameters of stored overrides.
pub fn params(o: &Overrides) -> Result<Params> {
    Params::from_overrides(o).map_err(|p| corrupt(format!("protocol overrides out of range ({} problems)", p.len())))
}

fn dec_value(d: Decimal) -> Value {
    Value::String(d.normalize().to_string())
}

/// Overrides as a JSON object: integers as numbers, decimals as strings.
pub fn overrides_json(o: &Overrides) -> String {
    let mut m = Map::new();
    let mut int = |k: ParamKey, v: Option<i64>| {
        if let Some(v) = v {
            m.insert(k.id().to_owned(), Value::from(v));
        }
    };
    int(ParamKey::TolerableMax, o.tolerable_max);
    int(ParamKey::WorseDelta, o.worse_delta);
    int(ParamKey::SoreMin, o.sore_min);
    int(ParamKey::PatternWindow, o.pattern_window);
    int(ParamKey::PatternMin, o.pattern_min);
    int(ParamKey::EpisodeReferralDays, o.episode_referral_days);
    let mut dec = |k: ParamKey, v: Option<Decimal>| {
        if let Some(v) = v {
            m.insert(k.id().to_owned(), dec_value(v));
        }
    };
    dec(ParamKey::IntensitySpikeRatio, o.intensity_spike_ratio);
    dec(ParamKey::VolumeSpikeAcwr, o.volume_spike_acwr);
    dec(ParamKey::LsiMin, o.lsi_min);
    if let Some(bands) = &o.layoff_caps {
        let list = bands.iter().map(|&(days, f)| Value::Array(vec![Value::from(days), dec_value(f)])).collect();
        m.insert(ParamKey::LayoffCaps.id().to_owned(), Value::Array(list));
    }
    Value::Object(m).to_string()
}

pub fn overrides(text: &str) -> Result<Overrides> {
    let bad = |what: &str| corrupt(format!("protocol overrides {text}: {what}"));
    let value: Value = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
    let Value::Object(map) = value else { return Err(bad("not an object")) };
    let int = |v: &Value| v.as_i64().ok_or_else(|| bad("an integer was expected"));
    let dec = |v: &Value| v.as_str().ok_or_else(|| bad("a decimal string was expected")).and_then(decimal);
    let mut o = Overrides::default();
    for (key, v) in &map {
        let Some(k) = ParamKey::from_id(key) else { return Err(bad(&format!("unknown key {key}"))) };
        match k {
            ParamKey::TolerableMax => o.tolerable_max = Some(int(v)?),
            ParamKey::WorseDelta => o.worse_delta = Some(int(v)?),
            ParamKey::SoreMin => o.sore_min = Some(int(v)?),
            ParamKey::PatternWindow => o.pattern_window = Some(int(v)?),
            ParamKey::PatternMin => o.pattern_min = Some(int(v)?),
            ParamKey::EpisodeReferralDays => o.episode_referral_days = Some(int(v)?),
            ParamKey::IntensitySpikeRatio => o.intensity_spike_ratio = Some(dec(v)?),
            ParamKey::VolumeSpikeAcwr => o.volume_spike_acwr = Some(dec(v)?),
            ParamKey::LsiMin => o.lsi_min = Some(dec(v)?),
            ParamKey::LayoffCaps => {
                let list = v.as_array().ok_or_else(|| bad("layoff_caps is not a list"))?;
                let bands = list
                    .iter()
                    .map(|band| match band.as_array().map(Vec::as_slice) {
                        Some([days, factor]) => Ok((int(days)?, dec(factor)?)),
                        _ => Err(bad("a layoff band is not [days, factor]")),
                    })
                    .collect::<Result<Vec<_>>>()?;
                o.layoff_caps = Some(bands);
            }
        }
    }
    Ok(o)
}

/// The time a check-in counts at: its own, or the session time plus the point's offset.
pub fn effective_time(session_at: Timestamp, point: Point, at: Option<Timestamp>) -> Timestamp {
    at.unwrap_or_else(|| session_at.saturating_add(point.default_offset()).unwrap_or(session_at))
}

/// The longest user name kept.
pub const MAX_NAME: usize = 64;
/// The longest token name kept.
pub const MAX_TOKEN_NAME: usize = 64;
/// The longest clinical note kept.
pub const MAX_NOTE_CHARS: usize = 10_000;

/// A user name in its normal form ([`pullback_core::names`]): NFKC, trimmed,
/// 1 to [`MAX_NAME`] characters, none of them hidden.
pub fn check_user_name(name: &str) -> Result<String> {
    pullback_core::clean_name(name, MAX_NAME).map_err(|e| StoreError::Invalid(format!("a user name {e}")))
}

/// The names a lookup tries, best first: the name as typed (trimmed), which finds a
/// name stored before names were normalised, and its normal form, which finds
/// every other (`ｄｅｍｏ` finds `demo`).
pub fn lookup_names(name: &str) -> [String; 2] {
    let typed = name.trim().to_owned();
    let normal = pullback_core::clean_name(name, MAX_NAME).unwrap_or_else(|_| typed.clone());
    [typed, normal]
}

/// A token's name in its normal form: 1 to [`MAX_TOKEN_NAME`] characters, none hidden.
pub fn check_token_name(name: &str) -> Result<String> {
    pullback_core::clean_name(name, MAX_TOKEN_NAME).map_err(|e| StoreError::Invalid(format!("a token name {e}")))
}

/// A clinical note, trimmed: 1 to [`MAX_NOTE_CHARS`] characters.
pub fn check_note(text: &str) -> Result<&str> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
        return Err(StoreError::Invalid(format!("a note has 1 to {MAX_NOTE_CHARS} characters")));
    }
    Ok(text)
}
