//! Domain newtypes that cannot hold invalid values ("parse, don't validate").
//!
//! Each type has a private field and a `parse` constructor; past the boundary an
//! invalid pain score, load, tempo or rating simply cannot exist.

use rust_decimal::Decimal;
use std::fmt;
use thiserror::Error;

/// Why a raw value was refused. The message says what is wrong; the caller adds where.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct ValueError(pub String);

fn refuse(message: impl Into<String>) -> ValueError {
    ValueError(message.into())
}

/// A pain rating on the 0–10 numeric pain rating scale (NPRS); integers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(try_from = "i64"))]
pub struct Pain(u8);

impl Pain {
    pub const MAX: u8 = 10;
    /// No pain: also the baseline when nothing is known.
    pub const ZERO: Pain = Pain(0);

    pub fn parse(value: i64) -> Result<Self, ValueError> {
        match u8::try_from(value) {
            Ok(v) if v <= Self::MAX => Ok(Pain(v)),
            _ => Err(refuse(format!("{value} is outside 0..=10"))),
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Pain {
    type Error = ValueError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Pain::parse(value)
    }
}

impl fmt::Display for Pain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/10", self.0)
    }
}

/// The largest load accepted, in either unit. Far above any human lift; it keeps
/// every sum and product of the engine well inside `Decimal`'s range.
pub const MAX_LOAD: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);

/// A non-negative load in the profile's unit (bodyweight is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(try_from = "Decimal"))]
pub struct Load(Decimal);

impl Load {
    pub const ZERO: Load = Load(Decimal::ZERO);

    pub fn parse(value: Decimal) -> Result<Self, ValueError> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(refuse(format!("{value} is negative; loads are 0 or more")));
        }
        if value > MAX_LOAD {
            return Err(refuse(format!("{value} is above the limit of {MAX_LOAD}")));
        }
        Ok(Load(value.normalize()))
    }

    /// A load that must be strictly positive (increments, working weights).
    pub fn parse_positive(value: Decimal) -> Result<Self, ValueError> {
        let load = Self::parse(value)?;
        if load.0.is_zero() {
            return Err(refuse("0 is not allowed here; it must be more than 0"));
        }
        Ok(load)
    }

    pub fn value(self) -> Decimal {
        self.0
    }

    /// The load as a lifter reads it, with `increment` the profile's load step: a
    /// load of at most two decimal places (as people type them: 142.5, 61.25) is
    /// shown as it is; any other (converted from the other unit, like 45 lb =
    /// 20.41165665 kg, or a float an app wrote, like 185.00000000000003) is shown
    /// rounded to the nearest multiple of the increment, half up. The stored load
    /// stays exact; only what is shown is rounded.
    pub fn shown(self, increment: Load) -> Shown {
        let exact = self.0.normalize();
        if exact.scale() <= 2 || increment.0.is_zero() {
            return Shown { value: exact, approximate: false };
        }
        let steps =
            (exact / increment.0).round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let value = (steps * increment.0).normalize();
        Shown { value, approximate: (value - exact).abs() >= Decimal::new(1, 2) }
    }

    /// Builds a load from arithmetic on valid loads. Callers guarantee the value is ≥ 0.
    pub(crate) fn from_computed(value: Decimal) -> Load {
        Load(value.max(Decimal::ZERO).normalize())
    }
}

impl TryFrom<Decimal> for Load {
    type Error = ValueError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Load::parse(value)
    }
}

impl fmt::Display for Load {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

/// A load as shown to a lifter ([`Load::shown`]): `≈ 102.5` when rounding moved
/// it by 0.01 or more, else the number alone (`185`, `142.5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub value: Decimal,
    /// Rounded by 0.01 or more: written with `≈ ` in front.
    pub approximate: bool,
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.approximate {
            f.write_str("≈ ")?;
        }
        write!(f, "{}", self.value)
    }
}

/// Repetitions in a set: a non-negative integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reps(u32);

impl Reps {
    /// Far above any set anyone performs; bounds the tonnage arithmetic.
    pub const MAX: u32 = 10_000;

    pub fn parse(value: i64) -> Result<Self, ValueError> {
        match u32::try_from(value) {
            Ok(v) if v <= Self::MAX => Ok(Reps(v)),
            Ok(_) => Err(refuse(format!("{value} is above the limit of {}", Self::MAX))),
            Err(_) => Err(refuse(format!("{value} is negative; reps are 0 or more"))),
        }
    }

    pub fn value(self) -> u32 {
        self.0
    }
}

/// Rating of perceived exertion, 6–10 in halves. Kept, not used by v1 rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rpe(Decimal);

impl Rpe {
    pub fn parse(value: Decimal) -> Result<Self, ValueError> {
        // In range first: doubling a huge value would overflow.
        let in_range = value >= Decimal::from(6) && value <= Decimal::from(10);
        if !in_range || !(value * Decimal::TWO).fract().is_zero() {
            return Err(refuse(format!("{value} is not between 6 and 10 in steps of 0.5")));
        }
        Ok(Rpe(value.normalize()))
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

/// A lifting tempo `E-P-C`: seconds of eccentric, pause and concentric, one digit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tempo {
    eccentric: u8,
    pause: u8,
    concentric: u8,
}

impl Tempo {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let bad = || refuse(format!("{text:?} is not a tempo of three digits joined by '-', like \"3-1-3\""));
        let mut parts = text.split('-');
        let mut digit = || -> Result<u8, ValueError> {
            let part = parts.next().ok_or_else(bad)?;
            let mut chars = part.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_digit() => Ok(c as u8 - b'0'),
                _ => Err(bad()),
            }
        };
        let tempo = Tempo { eccentric: digit()?, pause: digit()?, concentric: digit()? };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(tempo)
    }

    pub(crate) const fn fixed(eccentric: u8, pause: u8, concentric: u8) -> Tempo {
        Tempo { eccentric, pause, concentric }
    }

    pub fn eccentric(self) -> u8 {
        self.eccentric
    }

    pub fn pause(self) -> u8 {
        self.pause
    }

    pub fn concentric(self) -> u8 {
        self.concentric
    }
}

impl fmt::Display for Tempo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.eccentric, self.pause, self.concentric)
    }
}

/// A block (start) height as logged, in cm for kg profiles and inches for lb profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlockHeight(Decimal);

impl BlockHeight {
    /// Higher than any pulling block; anything above is a typing error.
    const MAX: Decimal = Decimal::from_parts(200, 0, 0, false, 0);

    pub fn parse(value: Decimal) -> Result<Self, ValueError> {
        if value.is_sign_negative() && !value.is_zero() || value > Self::MAX {
            return Err(refuse(format!("{value} is not a block height between 0 and {}", Self::MAX)));
        }
        Ok(BlockHeight(value.normalize()))
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

/// A lifter's note on a session, an exercise or a set (imported from another app's
/// comments, or written by the lifter): trimmed, 1 to [`Note::MAX_CHARS`] characters.
/// The engine never reads it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Note(String);

impl Note {
    /// The longest note kept, in characters.
    pub const MAX_CHARS: usize = 2000;

    /// A note as given: trimmed; empty or longer than [`Note::MAX_CHARS`] is refused.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(refuse("a note must not be empty; leave it out when there is none"));
        }
        let chars = text.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(refuse(format!("a note has at most {} characters, not {chars}", Self::MAX_CHARS)));
        }
        Ok(Note(text.to_owned()))
    }

    /// A note from another app's file: trimmed, `None` when empty, and a longer
    /// one cut to [`Note::MAX_CHARS`] characters ending in `…`, so that a long
    /// comment never refuses a whole export.
    pub fn clipped(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match text.char_indices().nth(Self::MAX_CHARS) {
            None => Some(Note(text.to_owned())),
            Some(_) => {
                let kept: String = text.chars().take(Self::MAX_CHARS - 1).collect();
                Some(Note(format!("{}…", kept.trim_end())))
            }
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A symmetry test value (strength of one side): strictly positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Strength(Decimal);

impl Strength {
    pub fn parse(value: Decimal) -> Result<Self, ValueError> {
        if value <= Decimal::ZERO {
            return Err(refuse(format!("{value} is not positive; symmetry values must be more than 0")));
        }
        if value > MAX_LOAD {
            return Err(refuse(format!("{value} is above the limit of {MAX_LOAD}")));
        }
        Ok(Strength(value.normalize()))
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

/// An instant with the UTC offset it was logged in ("07:00 at +01:00").
///
/// The engine only needs the instant; the offset is kept so that a log reads back
/// as it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct At {
    pub instant: jiff::Timestamp,
    pub offset: jiff::tz::Offset,
}

impl At {
    pub fn new(instant: jiff::Timestamp, offset: jiff::tz::Offset) -> At {
        At { instant, offset }
    }

    pub fn utc(instant: jiff::Timestamp) -> At {
        At { instant, offset: jiff::tz::Offset::UTC }
    }

    /// The instant with the offset `zone` has at that instant.
    pub fn in_zone(instant: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> At {
        At { instant, offset: zone.to_offset(instant) }
    }

    pub fn zoned(self) -> jiff::Zoned {
        self.instant.to_zoned(jiff::tz::TimeZone::fixed(self.offset))
    }
}

impl From<jiff::Zoned> for At {
    fn from(z: jiff::Zoned) -> At {
        At { instant: z.timestamp(), offset: z.offset() }
    }
}

impl From<&jiff::Zoned> for At {
    fn from(z: &jiff::Zoned) -> At {
        At { instant: z.timestamp(), offset: z.offset() }
    }
}

/// RFC 3339 with the numeric offset, e.g. `2026-03-02T07:00:00+01:00`.
impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.instant.display_with_offset(self.offset))
    }
}

/// Reads RFC 3339 text with an offset (`Z` reads as `+00:00`).
impl std::str::FromStr for At {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<At, ValueError> {
        let bad = |e: jiff::Error| refuse(format!("{text:?} is not an RFC 3339 time with an offset: {e}"));
        let instant: jiff::Timestamp = text.parse().map_err(bad)?;
        let pieces = jiff::fmt::temporal::Pieces::parse(text).map_err(bad)?;
        let offset = pieces.to_numeric_offset().unwrap_or(jiff::tz::Offset::UTC);
        Ok(At { instant, offset })
    }
}

/// An id a client makes for a write it may have to send again (a phone that
/// logged offline retries until it hears back): the store keeps a write of a given
/// client id once per lifter, so a retry never doubles it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientId(String);

impl ClientId {
    /// The longest client id taken (a UUID is 36 characters).
    pub const MAX_LEN: usize = 64;
    /// The shortest: anything shorter is too easy to repeat by accident.
    pub const MIN_LEN: usize = 8;

    /// 8–64 characters of ASCII letters, digits, `-` and `_`.
    pub fn parse(text: &str) -> std::result::Result<ClientId, String> {
        let text = text.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&text.len()) || !text.chars().all(allowed) {
            return Err(format!(
                "{text:?} is not a client id: use {}–{} letters, digits, '-' or '_' (a UUID, say)",
                Self::MIN_LEN,
                Self::MAX_LEN
            ));
        }
        Ok(ClientId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pain_accepts_0_to_10_only() {
        assert_eq!(Pain::parse(0).map(Pain::value), Ok(0));
        assert_eq!(Pain::parse(10).map(Pain::value), Ok(10));
        assert!(Pain::parse(11).is_err());
        assert!(Pain::parse(-1).is_err());
    }

    #[test]
    fn tempo_needs_three_single_digits() {
        assert_eq!(Tempo::parse("3-1-3").map(|t| t.to_string()), Ok("3-1-3".into()));
        for bad in ["3-1", "3-1-3-1", "31-1-3", "a-b-c", "", "3--3", "3-1-3-", "٣-1-3"] {
            assert!(Tempo::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn rpe_in_halves_between_6_and_10() {
        assert!(Rpe::parse(Decimal::new(75, 1)).is_ok());
        assert!(Rpe::parse(Decimal::new(55, 1)).is_err());
        assert!(Rpe::parse(Decimal::new(725, 2)).is_err());
        assert!(Rpe::parse(Decimal::new(105, 1)).is_err());
    }

    #[test]
    fn a_huge_or_tiny_rpe_is_refused_not_a_panic() {
        for value in [Decimal::MAX, Decimal::MIN, Decimal::from_str_exact("40439414709227850000000000000").unwrap()] {
            assert!(Rpe::parse(value).unwrap_err().0.contains("between 6 and 10"), "{value}");
        }
    }

    #[test]
    fn load_refuses_negative_and_huge() {
        assert!(Load::parse(Decimal::new(-1, 1)).is_err());
        assert!(Load::parse(Decimal::ZERO).is_ok());
        assert!(Load::parse_positive(Decimal::ZERO).is_err());
        assert!(Load::parse(MAX_LOAD + Decimal::ONE).is_err());
    }

    #[test]
    fn reps_are_non_negative_integers() {
        assert!(Reps::parse(-1).is_err());
        assert_eq!(Reps::parse(5).map(Reps::value), Ok(5));
        assert!(Reps::parse(i64::from(Reps::MAX) + 1).is_err());
    }

    #[test]
    fn notes_are_trimmed_and_bounded() {
        assert_eq!(Note::parse("  felt heavy \n").map(|n| n.as_str().to_owned()), Ok("felt heavy".to_owned()));
        assert!(Note::parse("   ").is_err());
        let long = "a".repeat(Note::MAX_CHARS + 1);
        assert!(Note::parse(&long).is_err());
        assert!(Note::parse(&long[1..]).is_ok());
        let clipped = Note::clipped(&long).expect("a note");
        assert_eq!(clipped.as_str().chars().count(), Note::MAX_CHARS);
        assert!(clipped.as_str().ends_with('…'));
        assert_eq!(Note::clipped(" \t "), None);
    }

    #[test]
    fn loads_are_shown_rounded_to_the_increment_when_they_are_not_typed_numbers() {
        let load = |text: &str| Load::parse(text.parse().unwrap()).unwrap();
        let kg = load("2.5");
        assert_eq!(load("185.00000000000003").shown(kg).to_string(), "185");
        assert_eq!(load("20.41165665").shown(kg).to_string(), "≈ 20");
        assert_eq!(load("102.05828325").shown(kg).to_string(), "≈ 102.5");
        assert_eq!(load("142.5").shown(kg).to_string(), "142.5");
        assert_eq!(load("61.25").shown(kg).to_string(), "61.25", "as typed: two decimals");
        assert_eq!(load("314.158724").shown(load("5")).to_string(), "≈ 315");
        assert_eq!(load("0").shown(kg).to_string(), "0");
        assert_eq!(load("101.25000001").shown(kg).to_string(), "≈ 102.5", "half up");
    }
}
