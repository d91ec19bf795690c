//! The ladder of protocol section 3: rungs, blocks, prescriptions and load rounding.

use crate::history::{Exercise, Profile, Units};
use crate::values::{Load, Tempo};
use rust_decimal::Decimal;

/// A rung of the ladder, 0 (most regressed) to 11 (100 % of W).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(try_from = "u8"))]
pub struct Rung(u8);

impl TryFrom<u8> for Rung {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Rung::new(value).ok_or_else(|| format!("rung {value} is not on the ladder"))
    }
}

impl Rung {
    pub const BOTTOM: Rung = Rung(0);
    /// Where every episode starts: 50 % of W.
    pub const ENTRY: Rung = Rung(3);
    pub const TOP: Rung = Rung(11);
    /// The first barbell rung: below it there is no block.
    pub const FIRST_BARBELL: Rung = Rung(2);

    pub fn new(value: u8) -> Option<Rung> {
        (value <= Self::TOP.0).then_some(Rung(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    pub fn up(self) -> Rung {
        Rung((self.0 + 1).min(Self::TOP.0))
    }

    pub fn down(self) -> Rung {
        Rung(self.0.saturating_sub(1))
    }

    /// The share of W this rung loads: 0 for rungs 0–2 (fixed loads), 50 % for 3–6,
    /// then 60–100 %.
    pub fn share_of_w(self) -> Decimal {
        match self.0 {
            0..=2 => Decimal::ZERO,
            3..=6 => Decimal::new(50, 2),
            n => Decimal::new(i64::from(n - 1) * 10, 2),
        }
    }

    /// The highest rung whose share of W is at most `factor` (the layoff drop).
    pub fn highest_within(factor: Decimal) -> Rung {
        (0..=Self::TOP.0).rev().map(Rung).find(|r| r.share_of_w() <= factor).unwrap_or(Rung::BOTTOM)
    }

    pub fn is_barbell(self) -> bool {
        self >= Self::FIRST_BARBELL
    }

    /// The tempo this rung prescribes (rungs 4–6).
    pub fn tempo(self) -> Option<Tempo> {
        match self.0 {
            4 => Some(Tempo::fixed(3, 0, 3)),
            5 => Some(Tempo::fixed(3, 1, 3)),
            6 => Some(Tempo::fixed(5, 0, 5)),
            _ => None,
        }
    }
}

/// A start height under the bar. Four positions; their heights depend on the units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Block {
    /// 5 cm / 2 in
    Low,
    /// 10 cm / 4 in
    Mid,
    /// 15 cm / 6 in: the first block
    First,
    /// 20 cm / 8 in: the highest
    Highest,
}

impl Block {
    /// One step higher, or the first block from none; `None` when already at the highest.
    pub fn add(current: Option<Block>) -> Option<Block> {
        match current {
            None => Some(Block::First),
            Some(Block::Low) => Some(Block::Mid),
            Some(Block::Mid) => Some(Block::First),
            Some(Block::First) => Some(Block::Highest),
            Some(Block::Highest) => None,
        }
    }

    /// One step lower; `None` means off the block.
    pub fn lower(self) -> Option<Block> {
        match self {
            Block::Highest => Some(Block::First),
            Block::First => Some(Block::Mid),
            Block::Mid => Some(Block::Low),
            Block::Low => None,
        }
    }

    /// The height in cm (kg profiles) or inches (lb profiles).
    pub fn height(self, units: Units) -> Decimal {
        let (cm, inches) = match self {
            Block::Low => (5, 2),
            Block::Mid => (10, 4),
            Block::First => (15, 6),
            Block::Highest => (20, 8),
        };
        Decimal::from(if units == Units::Kg { cm } else { inches })
    }
}

/// One line of a prescription.
#[derive(Debug, Clone, PartialEq)]
pub struct Prescribed {
    pub exercise: Exercise,
    /// `None` when the lifter's own program decides, or W is unknown.
    pub load: Option<Load>,
    pub sets: Option<u8>,
    pub reps: Option<u8>,
    pub tempo: Option<Tempo>,
    pub block: Option<Block>,
}

impl Prescribed {
    fn fixed(exercise: Exercise, load: Load, sets: u8, reps: u8) -> Prescribed {
        Prescribed { exercise, load: Some(load), sets: Some(sets), reps: Some(reps), tempo: None, block: None }
    }

    /// The usual variation under the lifter's own program (normal state).
    pub fn own_program(profile: &Profile) -> Prescribed {
        Prescribed {
            exercise: profile.usual_variation.exercise(),
            load: None,
            sets: None,
            reps: None,
            tempo: None,
            block: None,
        }
    }
}

/// The rung-0 movements: bird dog, then unloaded good mornings, 3 × 10 each.
pub fn rung_zero() -> Vec<Prescribed> {
    vec![
        Prescribed::fixed(Exercise::BirdDog, Load::ZERO, 3, 10),
        Prescribed::fixed(Exercise::GoodMorning, Load::ZERO, 3, 10),
    ]
}

/// What to do at `rung` on `block`, with `w` the working weight (if known).
pub fn prescription(rung: Rung, block: Option<Block>, w: Option<Load>, profile: &Profile) -> Vec<Prescribed> {
    let mut main = match rung.value() {
        0 => return rung_zero(),
        1 => Prescribed::fixed(Exercise::KettlebellSumoDeadlift, profile.kettlebell_weight, 3, 10),
        2 => Prescribed::fixed(Exercise::SumoDeadlift, profile.bar_weight, 3, 10),
        _ => Prescribed {
            exercise: profile.usual_variation.exercise(),
            load: w.map(|w| percent_load(w, rung.share_of_w(), profile)),
            sets: Some(3),
            reps: Some(5),
            tempo: rung.tempo(),
            block: None,
        },
    };
    main.block = block.filter(|_| rung.is_barbell());
    let mut lines = vec![main];
    if rung.value() >= 7 {
        lines.push(Prescribed::fixed(Exercise::JeffersonCurl, Load::ZERO, 2, 8));
    }
    lines
}

/// `share` × `w`, computed exactly, rounded down to the increment, never below the bar.
pub fn percent_load(w: Load, share: Decimal, profile: &Profile) -> Load {
    round_down_to_increment(w.value() * share, profile)
}

/// Rounds an exact load down to a multiple of the profile's increment and raises it
/// to the bar weight if it falls below: the one exception to "a multiple of the increment".
pub fn round_down_to_increment(exact: Decimal, profile: &Profile) -> Load {
    let increment = profile.load_increment.value();
    let steps = (exact / increment).floor();
    Load::from_computed((steps * increment).max(profile.bar_weight.value()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kg() -> Profile {
        Profile::new(Units::Kg)
    }

    #[test]
    fn seventy_percent_of_175_is_exactly_122_5() {
        let load = percent_load(Load::parse(Decimal::from(175)).unwrap(), Decimal::new(70, 2), &kg());
        assert_eq!(load.value(), Decimal::new(1225, 1));
    }

    #[test]
    fn percent_loads_round_down_and_respect_the_bar() {
        let p = kg();
        assert_eq!(round_down_to_increment(Decimal::new(734, 1), &p).value(), Decimal::new(725, 1));
        assert_eq!(round_down_to_increment(Decimal::from(12), &p).value(), Decimal::from(20));
    }

    #[test]
    fn layoff_drop_targets() {
        assert_eq!(Rung::highest_within(Decimal::new(8, 1)), Rung(9));
        assert_eq!(Rung::highest_within(Decimal::new(6, 1)), Rung(7));
        assert_eq!(Rung::highest_within(Decimal::new(5, 1)), Rung(6));
        assert_eq!(Rung::highest_within(Decimal::new(3, 1)), Rung(2));
        assert_eq!(Rung::highest_within(Decimal::ONE), Rung(11));
    }

    #[test]
    fn blocks_step_up_to_the_highest_and_down_to_none() {
        assert_eq!(Block::add(None), Some(Block::First));
        assert_eq!(Block::add(Some(Block::First)), Some(Block::Highest));
        assert_eq!(Block::add(Some(Block::Highest)), None);
        assert_eq!(Block::Low.lower(), None);
        assert_eq!(Block::First.height(Units::Lb), Decimal::from(6));
    }

    #[test]
    fn rungs_7_to_11_add_the_jefferson_curl() {
        let w = Load::parse(Decimal::from(100)).ok();
        let lines = prescription(Rung(7), None, w, &kg());
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].load.map(Load::value), Some(Decimal::from(60)));
        assert_eq!(lines[1].exercise, Exercise::JeffersonCurl);
    }
}
