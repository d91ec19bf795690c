//! Pullback's protocol engine: the domain types and the pure decision function.
//!
//! [`plan`] reads a lifter's [`History`] as it stands at an instant `as_of` and says
//! what to do next session, and why. It implements `seed-deadlift-v1`
//! (`shared/spec/protocol.md`) exactly.
//!
//! This crate knows nothing of JSON, SQL, HTTP or the clock: `as_of` is the only
//! "now", and every value it is given is already valid (see [`values`]).
//!
//! ```
//! use pullback_core::{History, Profile, Units, plan, Action};
//! let history = History::new(Profile::new(Units::Kg));
//! let decision = plan(&history, "2026-03-02T07:00:00Z".parse().unwrap());
//! assert_eq!(decision.action, Action::Train);
//! assert!(decision.episode.is_none());
//! ```

mod checkpoint;
mod decide;
mod decision;
mod explain;
pub mod history;
pub mod ladder;
pub mod names;
pub mod params;
pub mod plates;
pub mod replay;
pub mod timeline;
pub mod tolerance;
pub mod values;

pub use checkpoint::{Checkpoint, ENGINE_REVISION, Stale, plan_resumed};
pub use decide::{plan, trace};
pub use decision::{Action, Decision, Education, EpisodeInfo, Flag, Metrics, Reason, Referral};
pub use history::{
    CHECKIN_LOOK_BACK, Exercise, ExerciseId, ExerciseLog, History, Point, Profile, RedFlagQuestion, RedFlags,
    SCREENING_CLEAR, SCREENING_DOCTOR, SCREENING_URGENT, Screening, Session, SessionCheckin, Set, Side,
    StandaloneCheckin, SymmetryTest, Units, Variation,
};
pub use ladder::{Block, Prescribed, Rung};
pub use names::{MAX_EXERCISE_NAME_CHARS, clean_name};
pub use params::{LayoffBand, Overrides, ParamKey, ParamProblem, ParamRange, Params};
pub use replay::{Step, Transition};
pub use tolerance::{Confidence, Estimate, Share, Tolerance, Verdict};
pub use values::{At, BlockHeight, ClientId, Load, Note, Pain, Reps, Rpe, Shown, Strength, Tempo, ValueError};

/// The protocol this engine implements.
pub const PROTOCOL: &str = "seed-deadlift-v1";

/// Education text, for consumers that render ids.
pub use rust_decimal::Decimal;
