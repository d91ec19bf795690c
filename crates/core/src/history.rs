//! A lifter's history: what the engine reads. Built by `pullback-contract` (or the
//! store) from outside data; every field here is already valid.

use crate::params::Params;
use crate::values::{BlockHeight, Load, Note, Pain, Reps, Rpe, Strength, Tempo};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use std::fmt;

/// The profile's unit system. Loads are in kg or lb; block heights in cm or inches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Units {
    Kg,
    Lb,
}

impl Units {
    pub fn default_increment(self) -> Load {
        Load::from_computed(match self {
            Units::Kg => Decimal::new(25, 1),
            Units::Lb => Decimal::from(5),
        })
    }

    pub fn default_bar(self) -> Load {
        Load::from_computed(Decimal::from(match self {
            Units::Kg => 20,
            Units::Lb => 45,
        }))
    }

    pub fn default_kettlebell(self) -> Load {
        Load::from_computed(Decimal::from(match self {
            Units::Kg => 16,
            Units::Lb => 35,
        }))
    }

    /// The unit of load, as a lifter writes it.
    pub fn load_symbol(self) -> &'static str {
        match self {
            Units::Kg => "kg",
            Units::Lb => "lb",
        }
    }

    /// The unit of block heights in this system.
    pub fn height_symbol(self) -> &'static str {
        match self {
            Units::Kg => "cm",
            Units::Lb => "in",
        }
    }
}

/// Exercise identifiers the protocol knows. Anything else is [`ExerciseId::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Exercise {
    Deadlift,
    SumoDeadlift,
    TrapBarDeadlift,
    RomanianDeadlift,
    KettlebellSumoDeadlift,
    GoodMorning,
    BirdDog,
    JeffersonCurl,
}

impl Exercise {
    pub const ALL: [Exercise; 8] = [
        Exercise::Deadlift,
        Exercise::SumoDeadlift,
        Exercise::TrapBarDeadlift,
        Exercise::RomanianDeadlift,
        Exercise::KettlebellSumoDeadlift,
        Exercise::GoodMorning,
        Exercise::BirdDog,
        Exercise::JeffersonCurl,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Exercise::Deadlift => "deadlift",
            Exercise::SumoDeadlift => "sumo_deadlift",
            Exercise::TrapBarDeadlift => "trap_bar_deadlift",
            Exercise::RomanianDeadlift => "romanian_deadlift",
            Exercise::KettlebellSumoDeadlift => "kettlebell_sumo_deadlift",
            Exercise::GoodMorning => "good_morning",
            Exercise::BirdDog => "bird_dog",
            Exercise::JeffersonCurl => "jefferson_curl",
        }
    }

    pub fn from_id(id: &str) -> Option<Exercise> {
        Self::ALL.into_iter().find(|e| e.id() == id)
    }

    /// A plain name for reasons and summaries.
    pub fn name(self) -> &'static str {
        match self {
            Exercise::Deadlift => "deadlift",
            Exercise::SumoDeadlift => "sumo deadlift",
            Exercise::TrapBarDeadlift => "trap bar deadlift",
            Exercise::RomanianDeadlift => "Romanian deadlift",
            Exercise::KettlebellSumoDeadlift => "kettlebell sumo deadlift",
            Exercise::GoodMorning => "good morning",
            Exercise::BirdDog => "bird dog",
            Exercise::JeffersonCurl => "Jefferson curl",
        }
    }

    /// Lifted with a barbell (and its plates), so a load on it has a plate breakdown.
    pub fn is_barbell(self) -> bool {
        matches!(
            self,
            Exercise::Deadlift | Exercise::SumoDeadlift | Exercise::RomanianDeadlift | Exercise::TrapBarDeadlift
        )
    }

    /// The first seven exercises make a session count (protocol section 2);
    /// the Jefferson curl alone does not.
    pub fn counts(self) -> bool {
        self != Exercise::JeffersonCurl
    }
}

impl fmt::Display for Exercise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// An exercise as logged: a known one, or any other non-empty name (kept, ignored by the rules).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExerciseId {
    Known(Exercise),
    Other(String),
}

impl ExerciseId {
    /// A known identifier becomes [`ExerciseId::Known`]; any other name of 1 to
    /// [`MAX_EXERCISE_NAME_CHARS`](crate::MAX_EXERCISE_NAME_CHARS) characters
    /// without hidden ones ([`crate::names`]) becomes [`ExerciseId::Other`], in
    /// its normal form.
    pub fn parse(name: &str) -> Result<Self, crate::ValueError> {
        let name = crate::clean_name(name, crate::MAX_EXERCISE_NAME_CHARS)
            .map_err(|e| crate::ValueError(format!("an exercise name {}", e.0)))?;
        Ok(Exercise::from_id(&name).map_or(ExerciseId::Other(name), ExerciseId::Known))
    }

    /// A name as it was stored, without [`ExerciseId::parse`]'s checks: what was
    /// kept before the checks existed still reads back.
    pub fn stored(name: &str) -> Self {
        Exercise::from_id(name).map_or_else(|| ExerciseId::Other(name.to_owned()), ExerciseId::Known)
    }

    pub fn as_str(&self) -> &str {
        match self {
            ExerciseId::Known(e) => e.id(),
            ExerciseId::Other(name) => name,
        }
    }

    pub fn known(&self) -> Option<Exercise> {
        match self {
            ExerciseId::Known(e) => Some(*e),
            ExerciseId::Other(_) => None,
        }
    }
}

/// The lift the ladder loads: the profile's usual variation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Variation {
    #[default]
    Deadlift,
    SumoDeadlift,
    TrapBarDeadlift,
}

impl Variation {
    pub const ALL: [Variation; 3] = [Variation::Deadlift, Variation::SumoDeadlift, Variation::TrapBarDeadlift];

    /// The variations' ids as a choice in words, each through `quote`:
    /// `deadlift, sumo_deadlift or trap_bar_deadlift`.
    pub fn choices(quote: impl Fn(&str) -> String) -> String {
        let ids: Vec<String> = Variation::ALL.iter().map(|v| quote(v.exercise().id())).collect();
        match ids.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, init)) => format!("{} or {last}", init.join(", ")),
            None => String::new(),
        }
    }

    /// The variation's name on a form ("Sumo deadlift").
    pub fn label(self) -> &'static str {
        match self {
            Variation::Deadlift => "Deadlift (conventional)",
            Variation::SumoDeadlift => "Sumo deadlift",
            Variation::TrapBarDeadlift => "Trap bar deadlift",
        }
    }

    pub fn exercise(self) -> Exercise {
        match self {
            Variation::Deadlift => Exercise::Deadlift,
            Variation::SumoDeadlift => Exercise::SumoDeadlift,
            Variation::TrapBarDeadlift => Exercise::TrapBarDeadlift,
        }
    }

    pub fn from_id(id: &str) -> Option<Variation> {
        Variation::ALL.into_iter().find(|v| v.exercise().id() == id)
    }
}

/// The lifter's settings that the rules read.
#[derive(Debug, Clone)]
pub struct Profile {
    pub units: Units,
    /// The configured working weight W; when absent, W is derived from history.
    pub working_weight: Option<Load>,
    pub usual_variation: Variation,
    /// Always > 0.
    pub load_increment: Load,
    pub bar_weight: Load,
    pub kettlebell_weight: Load,
    /// For the dates quoted in reasons.
    pub time_zone: TimeZone,
}

impl Profile {
    /// Switches to `units` (when they differ): the increment, bar and kettlebell
    /// go back to the new unit's defaults, since the old numbers mean other
    /// weights now. The working weight is kept as it stands.
    pub fn switch_units(&mut self, units: Units) {
        if units == self.units {
            return;
        }
        self.units = units;
        self.load_increment = units.default_increment();
        self.bar_weight = units.default_bar();
        self.kettlebell_weight = units.default_kettlebell();
    }

    /// A profile with every optional field at its default for `units`.
    pub fn new(units: Units) -> Profile {
        Profile {
            units,
            working_weight: None,
            usual_variation: Variation::Deadlift,
            load_increment: units.default_increment(),
            bar_weight: units.default_bar(),
            kettlebell_weight: units.default_kettlebell(),
            time_zone: TimeZone::UTC,
        }
    }
}

/// One set of an exercise.
#[derive(Debug, Clone, PartialEq)]
pub struct Set {
    pub load: Load,
    pub reps: Reps,
    pub rpe: Option<Rpe>,
    pub warmup: bool,
    /// The lifter's note on this set (FitNotes' comment, Strong's set note).
    pub note: Option<Note>,
}

impl Set {
    /// Whether this set's load can be a top set (protocol section 2: "its heaviest
    /// set load, leaving warm-up sets out"): a warm-up cannot, and neither can a set
    /// of 0 reps, a failed attempt (Strong's `F` at 405 × 0), which was not lifted.
    /// The one place this rule lives: the engine's top sets and History's chart of
    /// them both read it through [`Session::top_set`].
    pub fn can_be_top_set(&self) -> bool {
        !self.warmup && self.reps.value() > 0
    }
}

/// One exercise in a session, with its sets.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseLog {
    pub exercise: ExerciseId,
    pub tempo: Option<Tempo>,
    pub block_height: Option<BlockHeight>,
    pub sets: Vec<Set>,
    /// The lifter's note on the exercise in this session (Hevy's exercise notes).
    pub note: Option<Note>,
}

/// When, relative to a session, a check-in was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Point {
    Before,
    During,
    After1h,
    After24h,
}

impl Point {
    pub const ALL: [Point; 4] = [Point::Before, Point::During, Point::After1h, Point::After24h];

    pub fn id(self) -> &'static str {
        match self {
            Point::Before => "before",
            Point::During => "during",
            Point::After1h => "after_1h",
            Point::After24h => "after_24h",
        }
    }

    pub fn from_id(id: &str) -> Option<Point> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }

    /// A check-in without its own time is taken at the session time plus this.
    pub fn default_offset(self) -> jiff::SignedDuration {
        match self {
            Point::Before | Point::During => jiff::SignedDuration::ZERO,
            Point::After1h => jiff::SignedDuration::from_hours(1),
            Point::After24h => jiff::SignedDuration::from_hours(24),
        }
    }
}

/// How long after a session its 1 h and 24 h check-ins are still asked for. An
/// older session without them (one imported from another app, say) is too long
/// ago to rate: the reasons say so instead of asking, and no check-in is due.
pub const CHECKIN_LOOK_BACK: jiff::SignedDuration = jiff::SignedDuration::from_hours(72);

/// Where the pain was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Central,
    Left,
    Right,
    Both,
}

impl Side {
    pub const ALL: [Side; 4] = [Side::Central, Side::Left, Side::Right, Side::Both];

    pub fn id(self) -> &'static str {
        match self {
            Side::Central => "central",
            Side::Left => "left",
            Side::Right => "right",
            Side::Both => "both",
        }
    }

    pub fn from_id(id: &str) -> Option<Side> {
        match id {
            "central" => Some(Side::Central),
            "left" => Some(Side::Left),
            "right" => Some(Side::Right),
            "both" => Some(Side::Both),
            _ => None,
        }
    }
}

/// A check-in that belongs to a session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionCheckin {
    pub point: Point,
    pub pain: Pain,
    /// Its own time, if given; else the session time plus [`Point::default_offset`].
    pub at: Option<Timestamp>,
    pub side: Option<Side>,
    /// Only meaningful on `during`: it hurt only at the bottom of the pull.
    pub bottom_only: bool,
}

/// A logged training session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: Option<String>,
    pub at: Timestamp,
    pub exercises: Vec<ExerciseLog>,
    pub checkins: Vec<SessionCheckin>,
    /// The lifter's note on the whole session (a workout's notes or description).
    pub note: Option<Note>,
}

impl Session {
    /// The session's top set of `exercise` (protocol section 2): its heaviest set
    /// load among the sets that [can be one](Set::can_be_top_set), if any.
    pub fn top_set(&self, exercise: Exercise) -> Option<Load> {
        self.exercises
            .iter()
            .filter(|e| e.exercise.known() == Some(exercise))
            .flat_map(|e| e.sets.iter())
            .filter(|s| s.can_be_top_set())
            .map(|s| s.load)
            .max()
    }
}

/// A pain rating not tied to a session ("my back is 6/10 today").
#[derive(Debug, Clone, PartialEq)]
pub struct StandaloneCheckin {
    pub at: Timestamp,
    pub pain: Pain,
    pub side: Option<Side>,
}

/// The eight red-flag questions. An absent answer is `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RedFlags {
    pub saddle_anesthesia: bool,
    pub bladder_bowel: bool,
    pub progressive_weakness: bool,
    pub fever: bool,
    pub trauma: bool,
    pub cancer_history: bool,
    pub weight_loss: bool,
    pub night_pain: bool,
}

/// One red-flag question and its words, in one place for every front end and
/// the engine's reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedFlagQuestion {
    /// The identifier, as the contract names the field.
    pub id: &'static str,
    /// The question as the lifter is asked it.
    pub question: &'static str,
    /// A short phrase for a list of the answers given ("a history of cancer").
    pub short: &'static str,
    /// The answer as a plan's reason names it.
    pub in_reason: &'static str,
    /// A sign of pressure on the nerves of the lower back (cauda equina): a yes
    /// sends the lifter to emergency care, any other yes to a doctor (section 3).
    pub urgent: bool,
}

/// What a lifter is told when a screening with these answers is saved.
pub const SCREENING_URGENT: &str = "URGENT: these can be signs of pressure on the nerves of the lower back. Get \
     emergency care now: go to an emergency department or call your local emergency number. Do not train.";
pub const SCREENING_DOCTOR: &str = "Screening saved. See a doctor for a medical assessment before you train again.";
pub const SCREENING_CLEAR: &str = "Screening saved: no red flags.";

impl RedFlags {
    /// The eight questions, in the contract's order.
    pub const QUESTIONS: [RedFlagQuestion; 8] = [
        RedFlagQuestion {
            id: "saddle_anesthesia",
            question: "Any numbness or tingling around your groin, buttocks or inner thighs (where you sit on a \
                       saddle)?",
            short: "numbness in the saddle area",
            in_reason: "numbness around the groin, buttocks or inner thighs",
            urgent: true,
        },
        RedFlagQuestion {
            id: "bladder_bowel",
            question: "Any new trouble controlling your bladder or bowels, or passing urine?",
            short: "bladder or bowel changes",
            in_reason: "a change in bladder or bowel control",
            urgent: true,
        },
        RedFlagQuestion {
            id: "progressive_weakness",
            question: "Is a leg getting weaker and weaker (tripping, a foot that drops)?",
            short: "a leg getting weaker",
            in_reason: "leg weakness that is getting worse",
            urgent: true,
        },
        RedFlagQuestion {
            id: "fever",
            question: "Do you have a fever, or feel generally unwell, along with the back pain?",
            short: "fever or feeling unwell",
            in_reason: "fever",
            urgent: false,
        },
        RedFlagQuestion {
            id: "trauma",
            question: "Did the pain start after a fall, an accident or a blow to your back?",
            short: "a fall, accident or blow",
            in_reason: "a recent fall, accident or blow",
            urgent: false,
        },
        RedFlagQuestion {
            id: "cancer_history",
            question: "Have you ever had cancer?",
            short: "a history of cancer",
            in_reason: "a history of cancer",
            urgent: false,
        },
        RedFlagQuestion {
            id: "weight_loss",
            question: "Have you lost weight recently without trying?",
            short: "weight loss without trying",
            in_reason: "unexplained weight loss",
            urgent: false,
        },
        RedFlagQuestion {
            id: "night_pain",
            question: "Does the pain wake you at night and not ease when you rest or change position?",
            short: "night pain that rest does not ease",
            in_reason: "pain at night that rest does not ease",
            urgent: false,
        },
    ];

    /// The questions' identifiers, as the contract names the fields.
    pub const IDS: [&'static str; 8] = {
        let mut ids = [""; 8];
        let mut i = 0;
        while i < 8 {
            ids[i] = RedFlags::QUESTIONS[i].id;
            i += 1;
        }
        ids
    };

    /// The answer to question `id`, to read or set; `None` for an unknown id.
    pub fn answer_mut(&mut self, id: &str) -> Option<&mut bool> {
        Some(match id {
            "saddle_anesthesia" => &mut self.saddle_anesthesia,
            "bladder_bowel" => &mut self.bladder_bowel,
            "progressive_weakness" => &mut self.progressive_weakness,
            "fever" => &mut self.fever,
            "trauma" => &mut self.trauma,
            "cancer_history" => &mut self.cancer_history,
            "weight_loss" => &mut self.weight_loss,
            "night_pain" => &mut self.night_pain,
            _ => return None,
        })
    }

    /// The questions answered yes, in [`RedFlags::QUESTIONS`] order.
    pub fn answered_yes(&self) -> impl Iterator<Item = &'static RedFlagQuestion> {
        let mut copy = *self;
        let yes: Vec<bool> = RedFlags::QUESTIONS.iter().map(|q| copy.answer_mut(q.id).is_some_and(|a| *a)).collect();
        RedFlags::QUESTIONS.iter().zip(yes).filter(|(_, yes)| *yes).map(|(q, _)| q)
    }

    /// The identifiers of the questions answered yes, in [`RedFlags::IDS`] order.
    pub fn yes(&self) -> Vec<&'static str> {
        self.answered_yes().map(|q| q.id).collect()
    }

    /// The signs of pressure on the nerves of the lower back (cauda equina): these
    /// send the lifter to emergency care, the others to a doctor (section 3).
    pub fn urgent(&self) -> bool {
        self.answered_yes().any(|q| q.urgent)
    }

    /// What the lifter is told once the screening is saved: emergency care, a
    /// doctor, or nothing to do.
    pub fn outcome(&self) -> &'static str {
        if self.urgent() {
            SCREENING_URGENT
        } else if self.answered_yes().next().is_some() {
            SCREENING_DOCTOR
        } else {
            SCREENING_CLEAR
        }
    }
}

/// One red-flag screening.
#[derive(Debug, Clone, PartialEq)]
pub struct Screening {
    pub at: Timestamp,
    pub answers: RedFlags,
}

/// A left/right strength test.
#[derive(Debug, Clone, PartialEq)]
pub struct SymmetryTest {
    pub at: Timestamp,
    pub left: Strength,
    pub right: Strength,
}

/// Everything the engine needs to decide.
#[derive(Debug, Clone)]
pub struct History {
    pub profile: Profile,
    pub params: Params,
    pub sessions: Vec<Session>,
    pub checkins: Vec<StandaloneCheckin>,
    pub screenings: Vec<Screening>,
    pub symmetry_tests: Vec<SymmetryTest>,
}

impl History {
    /// An empty history with default parameters.
    pub fn new(profile: Profile) -> History {
        History {
            profile,
            params: Params::default(),
            sessions: Vec::new(),
            checkins: Vec::new(),
            screenings: Vec::new(),
            symmetry_tests: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn set(load: i64, reps: i64, warmup: bool) -> Set {
        Set {
            load: Load::parse(Decimal::from(load)).expect("a load"),
            reps: Reps::parse(reps).expect("reps"),
            rpe: None,
            warmup,
            note: None,
        }
    }

    #[test]
    fn a_top_set_leaves_out_warm_ups_and_sets_of_0_reps() {
        let log = |exercise, sets| ExerciseLog { exercise, tempo: None, block_height: None, sets, note: None };
        let session = Session {
            id: None,
            at: Timestamp::UNIX_EPOCH,
            exercises: vec![
                log(
                    ExerciseId::Known(Exercise::Deadlift),
                    vec![set(500, 1, true), set(315, 6, false), set(405, 0, false), set(300, 3, false)],
                ),
                log(ExerciseId::Known(Exercise::SumoDeadlift), vec![set(405, 0, false)]),
            ],
            checkins: vec![],
            note: None,
        };
        assert_eq!(session.top_set(Exercise::Deadlift).map(Load::value), Some(Decimal::from(315)));
        assert_eq!(session.top_set(Exercise::SumoDeadlift), None, "a failed attempt alone is no top set");
        assert_eq!(session.top_set(Exercise::TrapBarDeadlift), None);
        assert!(!set(405, 0, false).can_be_top_set());
        assert!(!set(60, 5, true).can_be_top_set());
        assert!(set(315, 1, false).can_be_top_set());
    }

    #[test]
    fn every_red_flag_question_names_an_answer_and_the_first_three_are_urgent() {
        for question in RedFlags::QUESTIONS {
            let mut answers = RedFlags::default();
            let answer = answers.answer_mut(question.id);
            assert!(answer.is_some(), "{} is no answer", question.id);
            if let Some(answer) = answer {
                *answer = true;
            }
            assert_eq!(answers.yes(), [question.id]);
            assert_eq!(answers.urgent(), question.urgent, "{}", question.id);
            let told = if question.urgent { SCREENING_URGENT } else { SCREENING_DOCTOR };
            assert_eq!(answers.outcome(), told, "{}", question.id);
        }
        let urgent: Vec<&str> = RedFlags::QUESTIONS.iter().filter(|q| q.urgent).map(|q| q.id).collect();
        assert_eq!(urgent, ["saddle_anesthesia", "bladder_bowel", "progressive_weakness"]);
        assert_eq!(RedFlags::default().outcome(), SCREENING_CLEAR);
    }

    #[test]
    fn the_barbell_lifts_are_the_four_deadlifts() {
        let barbell: Vec<&str> = Exercise::ALL.into_iter().filter(|e| e.is_barbell()).map(Exercise::id).collect();
        assert_eq!(barbell, ["deadlift", "sumo_deadlift", "trap_bar_deadlift", "romanian_deadlift"]);
    }

    #[test]
    fn every_variation_has_a_label_and_reads_back_from_its_id() {
        for v in Variation::ALL {
            assert_eq!(Variation::from_id(v.exercise().id()), Some(v));
            assert!(v.label().to_lowercase().contains(v.exercise().name()), "{}", v.label());
        }
    }

    #[test]
    fn switching_units_resets_the_unit_bound_weights_only() {
        let mut profile = Profile::new(Units::Kg);
        profile.working_weight = Load::parse(Decimal::from(140)).ok();
        profile.switch_units(Units::Lb);
        assert_eq!(profile.units, Units::Lb);
        assert_eq!(
            (profile.load_increment, profile.bar_weight, profile.kettlebell_weight),
            (Units::Lb.default_increment(), Units::Lb.default_bar(), Units::Lb.default_kettlebell())
        );
        assert_eq!(profile.working_weight, Load::parse(Decimal::from(140)).ok(), "kept as it stands");
    }

    #[test]
    fn the_variations_read_as_a_choice() {
        assert_eq!(Variation::choices(str::to_owned), "deadlift, sumo_deadlift or trap_bar_deadlift");
        assert_eq!(Variation::choices(|id| format!("{id:?}")), r#""deadlift", "sumo_deadlift" or "trap_bar_deadlift""#);
    }
}
