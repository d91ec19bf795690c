//! The decision at `as_of`: what the contract renders.

use crate::history::Units;
use crate::ladder::{Block, Prescribed, Rung};
use crate::replay::Transition;
use crate::tolerance::Tolerance;
use crate::values::Load;
use jiff::Timestamp;
use rust_decimal::Decimal;

/// What to do now, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    UrgentCare,
    SeeDoctor,
    RestActive,
    Train,
}

impl Action {
    pub fn id(self) -> &'static str {
        match self {
            Action::UrgentCare => "urgent_care",
            Action::SeeDoctor => "see_doctor",
            Action::RestActive => "rest_active",
            Action::Train => "train",
        }
    }
}

/// Flags of protocol section 6. The declaration order is the output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flag {
    IntensitySpike,
    Layoff,
    MissingCheckin,
    Pattern,
    VolumeSpike,
    WorkingWeightUnknown,
}

impl Flag {
    pub const ALL: [Flag; 6] = [
        Flag::IntensitySpike,
        Flag::Layoff,
        Flag::MissingCheckin,
        Flag::Pattern,
        Flag::VolumeSpike,
        Flag::WorkingWeightUnknown,
    ];

    pub fn from_id(id: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.id() == id)
    }

    /// The flag in a few plain words, for a list ("flags: intensity spike, layoff").
    pub fn words(self) -> &'static str {
        match self {
            Flag::IntensitySpike => "intensity spike",
            Flag::Layoff => "layoff",
            Flag::MissingCheckin => "missing 24 h check-in",
            Flag::Pattern => "pattern",
            Flag::VolumeSpike => "volume spike",
            Flag::WorkingWeightUnknown => "working weight unknown",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Flag::IntensitySpike => "intensity_spike",
            Flag::Layoff => "layoff",
            Flag::MissingCheckin => "missing_checkin",
            Flag::Pattern => "pattern",
            Flag::VolumeSpike => "volume_spike",
            Flag::WorkingWeightUnknown => "working_weight_unknown",
        }
    }
}

/// Reasons to see a clinician (section 7). The declaration order is the output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Referral {
    Asymmetry,
    Duration,
    NoTolerableRung,
    RepeatedFlares,
}

impl Referral {
    pub const ALL: [Referral; 4] =
        [Referral::Asymmetry, Referral::Duration, Referral::NoTolerableRung, Referral::RepeatedFlares];

    pub fn from_id(id: &str) -> Option<Referral> {
        Referral::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The reason in a few plain words, for a list ("see a clinician: repeated flares").
    pub fn words(self) -> &'static str {
        match self {
            Referral::Asymmetry => "left/right asymmetry",
            Referral::Duration => "episode past the referral day (6 weeks by default)",
            Referral::NoTolerableRung => "no tolerable rung",
            Referral::RepeatedFlares => "repeated flares",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Referral::Asymmetry => "asymmetry",
            Referral::Duration => "duration",
            Referral::NoTolerableRung => "no_tolerable_rung",
            Referral::RepeatedFlares => "repeated_flares",
        }
    }
}

/// Education messages (section 8). The declaration order (by id) is the output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Education {
    FormMyth,
    JeffersonCurl,
    Modalities,
    Nocebo,
    StayActive,
    TypicalDuration,
    WarmUp,
}

impl Education {
    pub fn id(self) -> &'static str {
        match self {
            Education::FormMyth => "form_myth",
            Education::JeffersonCurl => "jefferson_curl",
            Education::Modalities => "modalities",
            Education::Nocebo => "nocebo",
            Education::StayActive => "stay_active",
            Education::TypicalDuration => "typical_duration",
            Education::WarmUp => "warm_up",
        }
    }

    /// The message. Never a medical dose, never a diagnosis.
    pub fn text(self) -> &'static str {
        match self {
            Education::FormMyth => {
                "Form and small left/right differences matter less than people fear. Back pain after deadlifts \
                 usually comes from too much weight or volume too soon, too little rest or warm-up, or a return \
                 after a layoff."
            }
            Education::JeffersonCurl => {
                "After the main lift, do the Jefferson curl unloaded: roll down slowly one vertebra at a time and \
                 back up, 2 sets of 8. It gets your back used to bending again."
            }
            Education::Modalities => {
                "Heat, ice or over-the-counter pain relief may ease a flare for some people. For any medicine, \
                 follow the label or ask a pharmacist or doctor: Pullback gives no doses."
            }
            Education::Nocebo => {
                "Back pain after lifting is common and is rarely a sign of damage. Worry and fear of movement can \
                 make pain feel worse; keep moving within tolerable pain."
            }
            Education::StayActive => {
                "Staying active is the best approach: walk, move and keep doing what you can within tolerable \
                 pain. Bed rest does not speed recovery."
            }
            Education::TypicalDuration => {
                "Most episodes of back pain after lifting settle within 2 to 6 weeks when you keep training with \
                 modifications."
            }
            Education::WarmUp => {
                "Warm up before you pull: a few lighter sets of the same lift, building up to your working sets."
            }
        }
    }
}

/// An explanation of one rule that shaped the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// A transition, a flag, a referral reason, an action, or `pattern` / `layoff`.
    pub rule: &'static str,
    pub text: String,
}

/// The current episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpisodeInfo {
    pub started: Timestamp,
    /// Whole days since it started, floored.
    pub day: i64,
}

/// Numbers behind the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Metrics {
    pub working_weight: Option<Load>,
    /// Acute:chronic workload ratio, rounded half-up to 2 decimals.
    pub acwr: Option<Decimal>,
    pub days_since_last_session: Option<i64>,
    /// Limb symmetry index of the latest symmetry test, rounded half-up to 2 decimals.
    pub lsi: Option<Decimal>,
}

/// What to do next session, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub as_of: Timestamp,
    pub units: Units,
    pub action: Action,
    /// `None` in the normal state.
    pub rung: Option<Rung>,
    pub block: Option<Block>,
    pub episode: Option<EpisodeInfo>,
    pub transition: Transition,
    pub prescription: Vec<Prescribed>,
    pub load_cap: Option<Load>,
    /// Sorted.
    pub flags: Vec<Flag>,
    /// Sorted; a visit is recommended when not empty.
    pub see_clinician: Vec<Referral>,
    pub metrics: Metrics,
    /// The personal tolerance estimate: information only, never read by the rules.
    pub tolerance: Tolerance,
    pub reasons: Vec<Reason>,
    /// Sorted by id.
    pub education: Vec<Education>,
}

impl Decision {
    pub fn in_episode(&self) -> bool {
        self.episode.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_referrals_read_back_from_their_ids_and_have_words() {
        for flag in Flag::ALL {
            assert_eq!(Flag::from_id(flag.id()), Some(flag));
            assert!(!flag.words().is_empty());
        }
        for referral in Referral::ALL {
            assert_eq!(Referral::from_id(referral.id()), Some(referral));
            assert!(!referral.words().is_empty());
        }
        assert_eq!(Flag::from_id("no_such_flag"), None);
        assert_eq!(Referral::RepeatedFlares.words(), "repeated flares");
    }
}
