//! Protocol parameters (protocol.md section 9): defaults, overrides and their ranges.

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

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

    /// What the parameter means, in a few words for a form.
    pub fn words(self) -> &'static str {
        match self {
            ParamKey::TolerableMax => "the highest pain (0–10) that is still tolerable; above it is a flare",
            ParamKey::WorseDelta => "in an episode, 24 h pain this much above the baseline is significantly worse",
            ParamKey::SoreMin => "24 h pain from which a session counts as sore",
            ParamKey::PatternWindow => "how many recent sessions the soreness pattern looks at",
            ParamKey::PatternMin => "how many of them must be sore to start an episode",
            ParamKey::IntensitySpikeRatio => "top sets are capped at this × the heaviest of the last 28 days",
            ParamKey::VolumeSpikeAcwr => "an acute:chronic workload ratio above this is a volume spike",
            ParamKey::LayoffCaps => "after this many days off, loads are capped at this share of the working weight",
            ParamKey::EpisodeReferralDays => "an episode longer than this many days recommends a clinician",
            ParamKey::LsiMin => "a limb symmetry index below this (with one-sided pain) recommends a clinician",
        }
    }

    /// What the parameter accepts (section 9): the ranges [`Params::from_overrides`] checks.
    pub fn range(self) -> ParamRange {
        match self {
            ParamKey::TolerableMax => ParamRange::Whole(1, 8),
            ParamKey::WorseDelta => ParamRange::Whole(1, 5),
            ParamKey::SoreMin => ParamRange::Whole(1, 10),
            ParamKey::PatternWindow => ParamRange::Whole(2, 10),
            ParamKey::PatternMin => ParamRange::UpToPatternWindow,
            ParamKey::IntensitySpikeRatio => ParamRange::Ratio(Decimal::new(10, 1), Decimal::new(20, 1)),
            ParamKey::VolumeSpikeAcwr => ParamRange::Ratio(Decimal::new(10, 1), Decimal::new(30, 1)),
            ParamKey::LayoffCaps => ParamRange::Bands,
            ParamKey::EpisodeReferralDays => ParamRange::Whole(7, 365),
            ParamKey::LsiMin => ParamRange::Ratio(Decimal::new(5, 1), Decimal::new(10, 1)),
        }
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

/// What a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamRange {
    /// A whole number from the first to the second, both included.
    Whole(i64, i64),
    /// A whole number from 1 to the effective `pattern_window`.
    UpToPatternWindow,
    /// A number from the first to the second, both included.
    Ratio(Decimal, Decimal),
    /// `[days, factor]` bands: days rising, factors above 0 and at most 1.
    Bands,
}

impl ParamRange {
    /// The range in words, for a form's hint ("a whole number 1–8").
    pub fn hint(self) -> String {
        match self {
            ParamRange::Whole(low, high) => format!("a whole number {low}–{high}"),
            ParamRange::UpToPatternWindow => "a whole number from 1 to pattern_window".to_owned(),
            ParamRange::Ratio(low, high) => format!("{low}–{high}"),
            ParamRange::Bands => {
                "DAYS:FACTOR bands, comma-separated, days rising, factors above 0 and at most 1".to_owned()
            }
        }
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
    /// A whole number in `key`'s range (`pattern_min` 1–10 here; that it fits under
    /// the window is [`Checker::check_pattern_fits`]'s).
    fn int(&mut self, key: ParamKey, value: Option<i64>, default: u32) -> u32 {
        let (low, high) = match key.range() {
            ParamRange::Whole(low, high) => (low, high),
            _ => (1, 10),
        };
        let Some(v) = value else { return default };
        if (low..=high).contains(&v) {
            // In range, and every range here fits in u32.
            u32::try_from(v).unwrap_or(default)
        } else {
            self.refuse(key, vec![], format!("{v} is outside {low}..={high}"));
            default
        }
    }

    fn ratio(&mut self, key: ParamKey, value: Option<Decimal>, default: Decimal) -> Decimal {
        let ParamRange::Ratio(low, high) = key.range() else { return default };
        let (low, high) = (low.normalize(), high.normalize());
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
        let pattern_window = small(c.int(ParamKey::PatternWindow, o.pattern_window, d.pattern_window.into()));
        let params = Params {
            tolerable_max: small(c.int(ParamKey::TolerableMax, o.tolerable_max, d.tolerable_max.into())),
            worse_delta: small(c.int(ParamKey::WorseDelta, o.worse_delta, d.worse_delta.into())),
            sore_min: small(c.int(ParamKey::SoreMin, o.sore_min, d.sore_min.into())),
            pattern_window,
            pattern_min: small(c.int(ParamKey::PatternMin, o.pattern_min, d.pattern_min.into())),
            intensity_spike_ratio: c.ratio(
                ParamKey::IntensitySpikeRatio,
                o.intensity_spike_ratio,
                d.intensity_spike_ratio,
            ),
            volume_spike_acwr: c.ratio(ParamKey::VolumeSpikeAcwr, o.volume_spike_acwr, d.volume_spike_acwr),
            layoff_caps: c.layoff_caps(o.layoff_caps.as_deref(), d.layoff_caps.clone()),
            episode_referral_days: c.int(
                ParamKey::EpisodeReferralDays,
                o.episode_referral_days,
                d.episode_referral_days,
            ),
            lsi_min: c.ratio(ParamKey::LsiMin, o.lsi_min, d.lsi_min),
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

    /// The value in effect for `key` as text (decimals without trailing zeros, so
    /// that 1.10 and 1.1 are the same value); [`Overrides::set_text`] reads it back.
    pub fn text(&self, key: ParamKey) -> String {
        match key {
            ParamKey::TolerableMax => self.tolerable_max.to_string(),
            ParamKey::WorseDelta => self.worse_delta.to_string(),
            ParamKey::SoreMin => self.sore_min.to_string(),
            ParamKey::PatternWindow => self.pattern_window.to_string(),
            ParamKey::PatternMin => self.pattern_min.to_string(),
            ParamKey::IntensitySpikeRatio => self.intensity_spike_ratio.normalize().to_string(),
            ParamKey::VolumeSpikeAcwr => self.volume_spike_acwr.normalize().to_string(),
            ParamKey::LayoffCaps => bands_text(self.layoff_caps.iter().map(|b| (i64::from(b.days), b.factor))),
            ParamKey::EpisodeReferralDays => self.episode_referral_days.to_string(),
            ParamKey::LsiMin => self.lsi_min.normalize().to_string(),
        }
    }

    /// The band a gap of `days` whole days reaches: the highest whose days it reaches.
    pub fn layoff_band(&self, days: i64) -> Option<LayoffBand> {
        self.layoff_caps.iter().rev().find(|b| days >= i64::from(b.days)).copied()
    }
}

impl Overrides {
    /// The override of `key`, if set, as text like [`Params::text`].
    pub fn text(&self, key: ParamKey) -> Option<String> {
        let int = |v: Option<i64>| v.map(|v| v.to_string());
        let dec = |v: Option<Decimal>| v.map(|v| v.normalize().to_string());
        match key {
            ParamKey::TolerableMax => int(self.tolerable_max),
            ParamKey::WorseDelta => int(self.worse_delta),
            ParamKey::SoreMin => int(self.sore_min),
            ParamKey::PatternWindow => int(self.pattern_window),
            ParamKey::PatternMin => int(self.pattern_min),
            ParamKey::IntensitySpikeRatio => dec(self.intensity_spike_ratio),
            ParamKey::VolumeSpikeAcwr => dec(self.volume_spike_acwr),
            ParamKey::LayoffCaps => self.layoff_caps.as_ref().map(|bands| bands_text(bands.iter().copied())),
            ParamKey::EpisodeReferralDays => int(self.episode_referral_days),
            ParamKey::LsiMin => dec(self.lsi_min),
        }
    }

    /// Sets `key` from text as [`Overrides::text`] writes it (not yet range-checked);
    /// an empty text leaves it unset, which means the default.
    pub fn set_text(&mut self, key: ParamKey, text: &str) -> Result<(), String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        match key {
            ParamKey::TolerableMax => self.tolerable_max = Some(whole(text)?),
            ParamKey::WorseDelta => self.worse_delta = Some(whole(text)?),
            ParamKey::SoreMin => self.sore_min = Some(whole(text)?),
            ParamKey::PatternWindow => self.pattern_window = Some(whole(text)?),
            ParamKey::PatternMin => self.pattern_min = Some(whole(text)?),
            ParamKey::IntensitySpikeRatio => self.intensity_spike_ratio = Some(number(text)?),
            ParamKey::VolumeSpikeAcwr => self.volume_spike_acwr = Some(number(text)?),
            ParamKey::LayoffCaps => self.layoff_caps = Some(bands(text)?),
            ParamKey::EpisodeReferralDays => self.episode_referral_days = Some(whole(text)?),
            ParamKey::LsiMin => self.lsi_min = Some(number(text)?),
        }
        Ok(())
    }
}

/// "14:0.8, 56:0.6, 182:0.5".
fn bands_text(bands: impl Iterator<Item = (i64, Decimal)>) -> String {
    bands.map(|(days, factor)| format!("{days}:{}", factor.normalize())).collect::<Vec<_>>().join(", ")
}

fn whole(text: &str) -> Result<i64, String> {
    text.parse().map_err(|_| format!("“{text}” is not a whole number"))
}

fn number(text: &str) -> Result<Decimal, String> {
    Decimal::from_str(text).map_err(|_| format!("“{text}” is not a number; write it like 1.2"))
}

fn bands(text: &str) -> Result<Vec<(i64, Decimal)>, String> {
    text.split(',')
        .map(str::trim)
        .enumerate()
        .map(|(i, band)| {
            let (days, factor) =
                band.split_once(':').ok_or_else(|| format!("band {}, “{band}”, is not DAYS:FACTOR", i + 1))?;
            let days = whole(days.trim()).map_err(|e| format!("band {}: {e}", i + 1))?;
            let factor = number(factor.trim()).map_err(|e| format!("band {}: {e}", i + 1))?;
            Ok((days, factor))
        })
        .collect()
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

    fn with(key: ParamKey, text: &str) -> Result<Params, Vec<ParamProblem>> {
        let mut o = Overrides::default();
        o.set_text(key, text).unwrap_or_else(|e| panic!("{key} {text}: {e}"));
        // pattern_window's low end needs pattern_min to fit under it.
        if key == ParamKey::PatternWindow {
            o.pattern_min = Some(1);
        }
        Params::from_overrides(&o)
    }

    #[test]
    fn the_ranges_shown_are_the_ranges_checked() {
        for key in ParamKey::ALL {
            match key.range() {
                ParamRange::Whole(low, high) => {
                    assert!(with(key, &low.to_string()).is_ok(), "{key} {low}");
                    assert!(with(key, &high.to_string()).is_ok(), "{key} {high}");
                    assert!(with(key, &(low - 1).to_string()).is_err(), "{key} below {low}");
                    assert!(with(key, &(high + 1).to_string()).is_err(), "{key} above {high}");
                }
                ParamRange::Ratio(low, high) => {
                    let step = Decimal::new(1, 2);
                    assert!(with(key, &low.to_string()).is_ok(), "{key} {low}");
                    assert!(with(key, &high.to_string()).is_ok(), "{key} {high}");
                    assert!(with(key, &(low - step).to_string()).is_err(), "{key} below {low}");
                    assert!(with(key, &(high + step).to_string()).is_err(), "{key} above {high}");
                }
                ParamRange::UpToPatternWindow => {
                    assert!(with(key, "1").is_ok());
                    assert!(with(key, "4").is_ok(), "the default pattern_window is 4");
                    assert!(with(key, "5").is_err());
                    assert!(with(key, "0").is_err());
                }
                ParamRange::Bands => {
                    assert!(with(key, "10:0.9, 30:0.7").is_ok());
                    assert!(with(key, "30:0.9, 10:0.7").is_err(), "days must rise");
                    assert!(with(key, "10:1.1").is_err(), "a factor above 1");
                }
            }
            assert!(!key.words().is_empty() && !key.range().hint().is_empty(), "{key}");
        }
        assert_eq!(ParamKey::IntensitySpikeRatio.range().hint(), "1.0–2.0");
        let refused = with(ParamKey::LsiMin, "1.2").err().unwrap_or_default();
        assert_eq!(refused[0].message, "1.2 is outside 0.5..=1", "the message as before the ranges moved here");
    }

    #[test]
    fn the_defaults_read_back_from_their_text() {
        let defaults = Params::default();
        let mut o = Overrides::default();
        for key in ParamKey::ALL {
            o.set_text(key, &defaults.text(key)).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!(o.text(key), Some(defaults.text(key)), "{key}");
        }
        assert_eq!(Params::from_overrides(&o), Ok(Params::default()));
        assert_eq!(defaults.text(ParamKey::LayoffCaps), "14:0.8, 56:0.6, 182:0.5");
    }

    #[test]
    fn bad_text_names_the_band() {
        assert_eq!(bands("14:0.8, 56"), Err("band 2, “56”, is not DAYS:FACTOR".to_owned()));
        assert_eq!(whole("4.0"), Err("“4.0” is not a whole number".to_owned()));
    }
}
