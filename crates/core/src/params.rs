//! Protocol parameters (protocol.md section 9): defaults, overrides and their ranges.

use rust_decimal::Decimal;
use std::fmt;

/// The keys a history's `protocol` object may override, and only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamKey {
    TolerableMax,
    WorseDelta,
    SoreMin,
    PatternWindow,
    PatternMin,
    IntensitySpikeRatio,
    VolumeSpikeAcwr,
    LayoffCaps,
    EpisodeReferralDays,
    LsiMin,
}

impl ParamKey {
    pub const ALL: [ParamKey; 10] = [
        ParamKey::TolerableMax,
        ParamKey::WorseDelta,
        ParamKey::SoreMin,
        ParamKey::PatternWindow,
        ParamKey::PatternMin,
        ParamKey::IntensitySpikeRatio,
        ParamKey::VolumeSpikeAcwr,
        ParamKey::LayoffCaps,
        ParamKey::EpisodeReferralDays,
        ParamKey::LsiMin,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ParamKey::TolerableMax => "tolerable_max",
            ParamKey::WorseDelta => "worse_delta",
            ParamKey::SoreMin => "sore_min",
            ParamKey::PatternWindow => "pattern_window",
            ParamKey::PatternMin => "pattern_min",
            ParamKey::IntensitySpikeRatio => "intensity_spike_ratio",
            ParamKey::VolumeSpikeAcwr => "volume_spike_acwr",
            ParamKey::LayoffCaps => "layoff_caps",
            ParamKey::EpisodeReferralDays => "episode_referral_days",
            ParamKey::LsiMin => "lsi_min",
        }
    }

    pub fn from_id(id: &str) -> Option<ParamKey> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Whether the key takes an integer (so `4.0` is refused).
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            ParamKey::TolerableMax
                | ParamKey::WorseDelta
                | ParamKey::SoreMin
                | ParamKey::PatternWindow
                | ParamKey::PatternMin
                | ParamKey::EpisodeReferralDays
        )
    }
}

impl fmt::Display for ParamKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One layoff band: a gap of at least `days` whole days caps loads at `factor` × W.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LayoffBand {
    pub days: u32,
    pub factor: Decimal,
}

/// Overrides as read from the outside, already typed but not yet range-checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub tolerable_max: Option<i64>,
    pub worse_delta: Option<i64>,
    pub sore_min: Option<i64>,
    pub pattern_window: Option<i64>,
    pub pattern_min: Option<i64>,
    pub intensity_spike_ratio: Option<Decimal>,
    pub volume_spike_acwr: Option<Decimal>,
    /// `[days, factor]` pairs; days are whole numbers already.
    pub layoff_caps: Option<Vec<(i64, Decimal)>>,
    pub episode_referral_days: Option<i64>,
    pub lsi_min: Option<Decimal>,
}

/// A refused override: which key, where inside it (for `layoff_caps`), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamProblem {
    pub key: ParamKey,
    /// Indices inside the value, e.g. `[1, 0]` for the days of the second band.
    pub path: Vec<usize>,
    pub message: String,
}

/// The effective parameters of the protocol for one lifter. Always within range.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    tolerable_max: u8,
    worse_delta: u8,
    sore_min: u8,
    pattern_window: u8,
    pattern_min: u8,
    intensity_spike_ratio: Decimal,
    volume_spike_acwr: Decimal,
    layoff_caps: Vec<LayoffBand>,
    episode_referral_days: u32,
    lsi_min: Decimal,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            tolerable_max: 4,
            worse_delta: 2,
            sore_min: 2,
            pattern_window: 4,
            pattern_min: 3,
            intensity_spike_ratio: Decimal::new(110, 2),
            volume_spike_acwr: Decimal::new(15, 1),
            layoff_caps: vec![
                LayoffBand { days: 14, factor: Decimal::new(8, 1) },
                LayoffBand { days: 56, factor: Decimal::new(6, 1) },
                LayoffBand { days: 182, factor: Decimal::new(5, 1) },
            ],
            episode_referral_days: 42,
            lsi_min: Decimal::new(90, 2),
        }
    }
}

struct Checker {
    problems: Vec<ParamProblem>,
}

impl Checker {
    fn int(&mut self, key: ParamKey, value: Option<i64>, low: i64, high: i64, default: u32) -> u32 {
        let Some(v) = value else { return default };
        if (low..=high).contains(&v) {
            // In range, and every range here fits in u32.
            u32::try_from(v).unwrap_or(default)
        } else {
            self.refuse(key, vec![], format!("{v} is outside {low}..={high}"));
            default
        }
    }

    fn ratio(
        &mut self,
        key: ParamKey,
        value: Option<Decimal>,
        low: Decimal,
        high: Decimal,
        default: Decimal,
    ) -> Decimal {
        let Some(v) = value else { return default };
        if v >= low && v <= high {
            v.normalize()
        } else {
            self.refuse(key, vec![], format!("{v} is outside {low}..={high}"));
            default
        }
    }

    fn refuse(&mut self, key: ParamKey, path: Vec<usize>, message: String) {
        self.problems.push(ParamProblem { key, path, message });
    }

    fn layoff_caps(&mut self, value: Option<&[(i64, Decimal)]>, default: Vec<LayoffBand>) -> Vec<LayoffBand> {
        let Some(pairs) = value else { return default };
        if pairs.is_empty() {
            self.refuse(ParamKey::LayoffCaps, vec![], "must list at least one [days, factor] band".into());
            return default;
        }
        let before = self.problems.len();
        let mut bands = Vec::with_capacity(pairs.len());
        let mut previous_days: Option<i64> = None;
        for (i, &(days, factor)) in pairs.iter().enumerate() {
            if !(1..=100_000).contains(&days) {
                self.refuse(ParamKey::LayoffCaps, vec![i, 0], format!("{days} days is outside 1..=100000"));
            } else if previous_days.is_some_and(|p| days <= p) {
                self.refuse(
                    ParamKey::LayoffCaps,
                    vec![i, 0],
                    format!("{days} days does not rise above the band before it"),
                );
            }
            if factor <= Decimal::ZERO || factor > Decimal::ONE {
                self.refuse(ParamKey::LayoffCaps, vec![i, 1], format!("factor {factor} is outside (0, 1]"));
            }
            previous_days = Some(days);
            bands.push(LayoffBand { days: u32::try_from(days).unwrap_or(1), factor: factor.normalize() });
        }
        if self.problems.len() > before { default } else { bands }
    }
}

impl Params {
    /// Applies overrides to the defaults, checking every range of section 9.
    /// Returns every problem at once.
    pub fn from_overrides(o: &Overrides) -> Result<Params, Vec<ParamProblem>> {
        let d = Params::default();
        let mut c = Checker { problems: Vec::new() };
        let small = |v: u32| u8::try_from(v).unwrap_or(u8::MAX);
        let pattern_window = small(c.int(ParamKey::PatternWindow, o.pattern_window, 2, 10, d.pattern_window.into()));
        let params = Params {
            tolerable_max: small(c.int(ParamKey::TolerableMax, o.tolerable_max, 1, 8, d.tolerable_max.into())),
            worse_delta: small(c.int(ParamKey::WorseDelta, o.worse_delta, 1, 5, d.worse_delta.into())),
            sore_min: small(c.int(ParamKey::SoreMin, o.sore_min, 1, 10, d.sore_min.into())),
            pattern_window,
            pattern_min: small(c.int(ParamKey::PatternMin, o.pattern_min, 1, 10, d.pattern_min.into())),
            intensity_spike_ratio: c.ratio(
                ParamKey::IntensitySpikeRatio,
                o.intensity_spike_ratio,
                Decimal::ONE,
                Decimal::TWO,
                d.intensity_spike_ratio,
            ),
            volume_spike_acwr: c.ratio(
                ParamKey::VolumeSpikeAcwr,
                o.volume_spike_acwr,
                Decimal::ONE,
                Decimal::from(3),
                d.volume_spike_acwr,
            ),
            layoff_caps: c.layoff_caps(o.layoff_caps.as_deref(), d.layoff_caps.clone()),
            episode_referral_days: c.int(
                ParamKey::EpisodeReferralDays,
                o.episode_referral_days,
                7,
                365,
                d.episode_referral_days,
            ),
            lsi_min: c.ratio(ParamKey::LsiMin, o.lsi_min, Decimal::new(5, 1), Decimal::ONE, d.lsi_min),
        };
        c.check_pattern_fits(&params, o);
        if c.problems.is_empty() { Ok(params) } else { Err(c.problems) }
    }

    pub fn tolerable_max(&self) -> u8 {
        self.tolerable_max
    }
    pub fn worse_delta(&self) -> u8 {
        self.worse_delta
    }
    pub fn sore_min(&self) -> u8 {
        self.sore_min
    }
    pub fn pattern_window(&self) -> u8 {
        self.pattern_window
    }
    pub fn pattern_min(&self) -> u8 {
        self.pattern_min
    }
    pub fn intensity_spike_ratio(&self) -> Decimal {
        self.intensity_spike_ratio
    }
    pub fn volume_spike_acwr(&self) -> Decimal {
        self.volume_spike_acwr
    }
    pub fn layoff_caps(&self) -> &[LayoffBand] {
        &self.layoff_caps
    }
    pub fn episode_referral_days(&self) -> u32 {
        self.episode_referral_days
    }
    pub fn lsi_min(&self) -> Decimal {
        self.lsi_min
    }

    /// The smallest overrides that give these parameters: the keys whose value
    /// differs from the default (what a store or an export writes back).
    pub fn overrides(&self) -> Overrides {
        let d = Params::default();
        let int = |v: u8, dv: u8| (v != dv).then_some(i64::from(v));
        let dec = |v: Decimal, dv: Decimal| (v != dv).then_some(v);
        Overrides {
            tolerable_max: int(self.tolerable_max, d.tolerable_max),
            worse_delta: int(self.worse_delta, d.worse_delta),
            sore_min: int(self.sore_min, d.sore_min),
            pattern_window: int(self.pattern_window, d.pattern_window),
            pattern_min: int(self.pattern_min, d.pattern_min),
            intensity_spike_ratio: dec(self.intensity_spike_ratio, d.intensity_spike_ratio),
            volume_spike_acwr: dec(self.volume_spike_acwr, d.volume_spike_acwr),
            layoff_caps: (self.layoff_caps != d.layoff_caps)
                .then(|| self.layoff_caps.iter().map(|b| (i64::from(b.days), b.factor)).collect()),
            episode_referral_days: (self.episode_referral_days != d.episode_referral_days)
                .then_some(i64::from(self.episode_referral_days)),
            lsi_min: dec(self.lsi_min, d.lsi_min),
        }
    }

    /// The band a gap of `days` whole days reaches: the highest whose days it reaches.
    pub fn layoff_band(&self, days: i64) -> Option<LayoffBand> {
        self.layoff_caps.iter().rev().find(|b| days >= i64::from(b.days)).copied()
    }
}

impl Checker {
    /// `pattern_min` must not exceed the effective `pattern_window`, whichever of
    /// the two was overridden (a default that no longer fits is an error too).
    fn check_pattern_fits(&mut self, p: &Params, o: &Overrides) {
        if p.pattern_min <= p.pattern_window {
            return;
        }
        let (key, message) = if o.pattern_min.is_some() {
            (ParamKey::PatternMin, format!("{} is more than pattern_window {}", p.pattern_min, p.pattern_window))
        } else {
            (
                ParamKey::PatternWindow,
                format!(
                    "{} is less than the default pattern_min {}; set pattern_min too",
                    p.pattern_window, p.pattern_min
                ),
            )
        };
        self.refuse(key, vec![], message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_their_own_ranges() {
        assert_eq!(Params::from_overrides(&Overrides::default()), Ok(Params::default()));
    }

    #[test]
    fn pattern_window_below_default_pattern_min_is_refused() {
        let o = Overrides { pattern_window: Some(2), ..Overrides::default() };
        let problems = Params::from_overrides(&o).unwrap_err();
        assert_eq!(problems[0].key, ParamKey::PatternWindow);
    }

    #[test]
    fn layoff_caps_must_rise() {
        let o = Overrides {
            layoff_caps: Some(vec![(14, Decimal::new(8, 1)), (14, Decimal::new(6, 1))]),
            ..Overrides::default()
        };
        let problems = Params::from_overrides(&o).unwrap_err();
        assert_eq!(problems[0].path, vec![1, 0]);
    }

    #[test]
    fn highest_band_reached_wins() {
        let p = Params::default();
        assert_eq!(p.layoff_band(13), None);
        assert_eq!(p.layoff_band(14).map(|b| b.days), Some(14));
        assert_eq!(p.layoff_band(56).map(|b| b.days), Some(56));
        assert_eq!(p.layoff_band(400).map(|b| b.days), Some(182));
    }
}
