//! From the apps' exercise names to Pullback's identifiers.

use pullback_core::{BlockHeight, Exercise, Units};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;
use std::fmt;
use thiserror::Error;

/// The default mapping. Names are compared case-insensitively, with spaces
/// trimmed and runs of spaces read as one.
///
/// | App name (Strong, Hevy, FitNotes) | Pullback id |
/// |---|---|
/// | Deadlift, Deadlift (Barbell), Conventional Deadlift | `deadlift` |
/// | Sumo Deadlift, Sumo Deadlift (Barbell) | `sumo_deadlift` |
/// | Trap Bar Deadlift, Hex Bar Deadlift, Deadlift (Trap bar) | `trap_bar_deadlift` |
/// | Romanian Deadlift, Romanian Deadlift (Barbell), Romanian Deadlift (Dumbbell) | `romanian_deadlift` |
/// | Kettlebell Sumo Deadlift, Sumo Deadlift (Kettlebell) | `kettlebell_sumo_deadlift` |
/// | Good Morning, Good Morning (Barbell) | `good_morning` |
/// | Bird Dog | `bird_dog` |
/// | Jefferson Curl | `jefferson_curl` |
///
/// **Romanian Deadlift (Dumbbell)** maps to `romanian_deadlift`: it is the same
/// hinge, and a session of it should count (protocol section 2) for the layoff
/// and load rules. Its load is kept as logged, which in these apps is usually one
/// dumbbell's weight, so such a session's tonnage is an undercount. The protocol
/// never takes a top set of `romanian_deadlift` (only the usual variation's), so
/// W is unaffected. A lifter who disagrees writes `Romanian Deadlift (Dumbbell) =
/// other` in a mapping file.
///
/// Names of the deadlift family that no table lists are read by what they say
/// ([`family`]): paused and deficit deadlifts are the lift itself (`deadlift`, or
/// `sumo_deadlift`, `trap_bar_deadlift` when the name says so), stiff-legged
/// deadlifts are `romanian_deadlift`, and a rack or block pull whose name gives
/// its height (`Block Pull 10cm`, `Rack Pull (4 in)`) within the protocol's blocks
/// is a deadlift from that block. A rack or block pull without a height (or above
/// the highest block), a Smith-machine deadlift, and single-leg and dumbbell
/// deadlifts stay other exercises; the preview names the family ones as
/// [`Variant`]s.
pub const DEFAULT_TABLE: &[(&str, Exercise)] = &[
    ("Deadlift", Exercise::Deadlift),
    ("Deadlift (Barbell)", Exercise::Deadlift),
    ("Conventional Deadlift", Exercise::Deadlift),
    ("Sumo Deadlift", Exercise::SumoDeadlift),
    ("Sumo Deadlift (Barbell)", Exercise::SumoDeadlift),
    ("Trap Bar Deadlift", Exercise::TrapBarDeadlift),
    ("Hex Bar Deadlift", Exercise::TrapBarDeadlift),
    ("Deadlift (Trap bar)", Exercise::TrapBarDeadlift),
    ("Romanian Deadlift", Exercise::RomanianDeadlift),
    ("Romanian Deadlift (Barbell)", Exercise::RomanianDeadlift),
    ("Romanian Deadlift (Dumbbell)", Exercise::RomanianDeadlift),
    ("Kettlebell Sumo Deadlift", Exercise::KettlebellSumoDeadlift),
    ("Sumo Deadlift (Kettlebell)", Exercise::KettlebellSumoDeadlift),
    ("Good Morning", Exercise::GoodMorning),
    ("Good Morning (Barbell)", Exercise::GoodMorning),
    ("Bird Dog", Exercise::BirdDog),
    ("Jefferson Curl", Exercise::JeffersonCurl),
];

/// 1 in = 2.54 cm exactly.
const CM_PER_INCH: Decimal = Decimal::from_parts(254, 0, 0, false, 2);

/// A block (start) height as written, in its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Height {
    pub value: Decimal,
    /// `Kg` for centimetres, `Lb` for inches (the height units of those profiles).
    pub units: Units,
}

impl Height {
    /// The height in the profile's unit: cm for kg profiles, inches for lb profiles
    /// (1 in = 2.54 cm; inches from centimetres to 2 decimals).
    pub fn in_units(self, units: Units) -> Option<BlockHeight> {
        let value = match (self.units, units) {
            (Units::Lb, Units::Kg) => self.value * CM_PER_INCH,
            (Units::Kg, Units::Lb) => {
                (self.value / CM_PER_INCH).round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
            }
            _ => self.value,
        };
        BlockHeight::parse(value).ok()
    }

    /// Within the protocol's blocks: more than 0 and at most the highest block
    /// (20 cm / 8 in, protocol section 3).
    fn within_blocks(self) -> bool {
        let highest = pullback_core::Block::Highest.height(self.units);
        self.value > Decimal::ZERO && self.value <= highest
    }
}

impl fmt::Display for Height {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value.normalize(), self.units.height_symbol())
    }
}

/// What an app's exercise name becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// One of the protocol's exercises, from a block of this height when given.
    Exercise(Exercise, Option<Height>),
    /// Kept as another exercise under the app's name (a user file's `= other`).
    Other,
}

impl fmt::Display for Target {
    /// `deadlift`, `deadlift from a 10 cm block`, `other`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Exercise(e, None) => write!(f, "{e}"),
            Target::Exercise(e, Some(h)) => write!(f, "{e} from a {h} block"),
            Target::Other => f.write_str("other"),
        }
    }
}

/// A name of the deadlift family that the protocol cannot use as it stands,
/// named in the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// A rack or block pull whose height the name does not give (or is above the
    /// highest block).
    RackOrBlockPull,
    /// A Smith-machine deadlift: a guided bar whose loads do not compare.
    SmithMachine,
}

impl Variant {
    /// What the preview says of it.
    pub fn explain(self) -> &'static str {
        match self {
            Variant::RackOrBlockPull => {
                "a rack or block pull without a height the protocol's blocks cover (up to 20 cm / 8 in); give its \
                 height in a mapping file (`Rack Pull = deadlift block 10 cm`) to count it as a deadlift from a block"
            }
            Variant::SmithMachine => {
                "a Smith-machine deadlift: its guided bar's loads do not compare with a barbell's, so it is not \
                 counted; map it in a mapping file if you want it to"
            }
        }
    }
}

/// How a name was mapped, for the preview and for re-imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// The user's file or the default table names it (this import decides it: a
    /// stored set of that name is re-mapped to it).
    Decided(Target),
    /// Read from the name as a member of the deadlift family ([`family`]); also
    /// decides it.
    Family(Target),
    /// A family name kept as another exercise, named in the preview.
    Variant(Variant),
    /// Not known: kept as another exercise.
    Unknown,
}

impl Lookup {
    /// The protocol exercise and block height, if the name maps to one.
    pub fn exercise(self) -> Option<(Exercise, Option<Height>)> {
        match self {
            Lookup::Decided(Target::Exercise(e, h)) | Lookup::Family(Target::Exercise(e, h)) => Some((e, h)),
            _ => None,
        }
    }

    /// Whether this import's mapping decides the name (see [`Lookup::Decided`]).
    pub fn decides(self) -> bool {
        matches!(self, Lookup::Decided(_) | Lookup::Family(_))
    }
}

/// App exercise names → Pullback exercises: [`DEFAULT_TABLE`], extended by the user,
/// then the deadlift family read from the name ([`family`]).
///
/// A user file has one `App name = pullback_id` per line; blank lines and lines
/// starting with `#` are ignored, and a user line wins over the default table.
/// `App name = deadlift block 10 cm` (or `4 in`) maps a pull from a block of that
/// height (deadlift, sumo or trap bar deadlift; at most the highest block, 20 cm /
/// 8 in); `App name = other` keeps a name as another exercise.
///
/// ```
/// use pullback_core::Exercise;
/// use pullback_import::ExerciseMap;
/// let map = ExerciseMap::with_user_file("# my names\nBlock Pull = deadlift\n").unwrap();
/// assert_eq!(map.get("block pull"), Some(Exercise::Deadlift));
/// assert_eq!(map.get("DEADLIFT (BARBELL)"), Some(Exercise::Deadlift));
/// assert_eq!(map.get("Paused Deadlift"), Some(Exercise::Deadlift));
/// assert!(ExerciseMap::with_user_file("Squat = squat").is_err());
/// ```
#[derive(Debug, Clone)]
pub struct ExerciseMap {
    names: HashMap<String, Target>,
    /// Read the deadlift family from names no table lists.
    family: bool,
}

impl Default for ExerciseMap {
    fn default() -> Self {
        let mut map = ExerciseMap { names: HashMap::new(), family: true };
        for &(name, exercise) in DEFAULT_TABLE {
            map.insert(name, exercise);
        }
        map
    }
}

impl ExerciseMap {
    /// A map that knows no names (every exercise imports as an other exercise).
    pub fn empty() -> ExerciseMap {
        ExerciseMap { names: HashMap::new(), family: false }
    }

    /// The default table extended by a user file (see [`ExerciseMap`]).
    pub fn with_user_file(text: &str) -> Result<ExerciseMap, MapFileError> {
        let mut map = ExerciseMap::default();
        map.extend_from_file(text)?;
        Ok(map)
    }

    /// Adds a user file's lines. Nothing is added if any line is refused; every
    /// refused line is reported.
    pub fn extend_from_file(&mut self, text: &str) -> Result<(), MapFileError> {
        let mut entries = Vec::new();
        let mut problems = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line_number = index + 1;
            let line = line.trim().trim_start_matches('\u{feff}');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, target)) = line.rsplit_once('=') else {
                problems.push(MapProblem {
                    line: line_number,
                    message: format!("{line:?} has no '='; write `App name = pullback_id`"),
                });
                continue;
            };
            let name = name.trim();
            if name.is_empty() {
                problems.push(MapProblem { line: line_number, message: "the app name before '=' is empty".into() });
                continue;
            }
            match parse_target(target.trim()) {
                Ok(target) => entries.push((name, target)),
                Err(message) => problems.push(MapProblem { line: line_number, message }),
            }
        }
        if !problems.is_empty() {
            return Err(MapFileError { problems });
        }
        for (name, target) in entries {
            self.names.insert(fold(name), target);
        }
        Ok(())
    }

    pub fn insert(&mut self, app_name: &str, exercise: Exercise) {
        self.names.insert(fold(app_name), Target::Exercise(exercise, None));
    }

    /// The Pullback exercise for an app's name, if it maps to one.
    pub fn get(&self, app_name: &str) -> Option<Exercise> {
        self.lookup(app_name).exercise().map(|(e, _)| e)
    }

    /// How an app's name maps: the user's file and the default table first, then
    /// the deadlift family read from the name.
    pub fn lookup(&self, app_name: &str) -> Lookup {
        let folded = fold(app_name);
        if let Some(&target) = self.names.get(&folded) {
            return Lookup::Decided(target);
        }
        if !self.family {
            return Lookup::Unknown;
        }
        family(&folded)
    }
}

/// `deadlift`, `deadlift block 10 cm`, `sumo_deadlift block 4in`, `other`.
fn parse_target(text: &str) -> Result<Target, String> {
    let mut words = text.split_whitespace();
    let id = words.next().unwrap_or_default();
    if id.eq_ignore_ascii_case("other") && words.next().is_none() {
        return Ok(Target::Other);
    }
    let Some(exercise) = Exercise::from_id(id) else {
        return Err(format!("{id:?} is not a Pullback exercise id; known ids: {}, or other", known_ids()));
    };
    let rest: Vec<&str> = words.collect();
    let height = match rest.as_slice() {
        [] => return Ok(Target::Exercise(exercise, None)),
        ["block", height @ ..] => height.join(" "),
        _ => return Err(format!("{text:?}: after the id, only `block HEIGHT cm` or `block HEIGHT in` may follow")),
    };
    if !matches!(exercise, Exercise::Deadlift | Exercise::SumoDeadlift | Exercise::TrapBarDeadlift) {
        return Err(format!(
            "{text:?}: only a deadlift, sumo deadlift or trap bar deadlift is pulled from a block (protocol section 3)"
        ));
    }
    let Some(height) = height_in(&height) else {
        return Err(format!("{height:?} is not a height like 10 cm or 4 in"));
    };
    if !height.within_blocks() {
        return Err(format!(
            "a pull from {height} is not within the protocol's blocks (more than 0, up to 20 cm / 8 in); keep it \
             as another exercise with `= other`"
        ));
    }
    Ok(Target::Exercise(exercise, Some(height)))
}

/// Reads a member of the deadlift family from a folded name (lower case, single
/// spaces); see [`DEFAULT_TABLE`] for the rules.
///
/// ```
/// use pullback_core::{Exercise, Units};
/// use pullback_import::{Height, Lookup, Target, Variant, family};
/// assert_eq!(family("deficit deadlift (barbell)"), Lookup::Family(Target::Exercise(Exercise::Deadlift, None)));
/// assert_eq!(family("stiff-legged deadlift"), Lookup::Family(Target::Exercise(Exercise::RomanianDeadlift, None)));
/// let ten = Height { value: 10.into(), units: Units::Kg };
/// assert_eq!(family("block pull 10cm"), Lookup::Family(Target::Exercise(Exercise::Deadlift, Some(ten))));
/// assert_eq!(family("rack pull"), Lookup::Variant(Variant::RackOrBlockPull));
/// assert_eq!(family("deadlift (smith machine)"), Lookup::Variant(Variant::SmithMachine));
/// assert_eq!(family("squat (barbell)"), Lookup::Unknown);
/// ```
pub fn family(folded: &str) -> Lookup {
    let name = folded.replace(['-', '_'], " ");
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let deadlift = name.contains("deadlift");
    let pull = ["rack pull", "block pull", "pin pull", "rack deadlift", "block deadlift", "deadlift from block"]
        .iter()
        .any(|p| name.contains(p));
    if !deadlift && !pull {
        return Lookup::Unknown;
    }
    if name.contains("smith") {
        return Lookup::Variant(Variant::SmithMachine);
    }
    // Single-leg and dumbbell deadlifts are other lifts (loads of one hand or leg).
    if ["single leg", "one leg", "dumbbell", "kettlebell", "romanian", "good morning"].iter().any(|w| name.contains(w))
    {
        return Lookup::Unknown;
    }
    let lift = if name.contains("sumo") {
        Exercise::SumoDeadlift
    } else if name.contains("trap bar") || name.contains("hex bar") {
        Exercise::TrapBarDeadlift
    } else {
        Exercise::Deadlift
    };
    if pull {
        return match height_in(&name).filter(|h| h.within_blocks()) {
            Some(height) => Lookup::Family(Target::Exercise(lift, Some(height))),
            None => Lookup::Variant(Variant::RackOrBlockPull),
        };
    }
    if ["stiff leg", "stiff legged", "stiffleg"].iter().any(|w| name.contains(w)) {
        return Lookup::Family(Target::Exercise(Exercise::RomanianDeadlift, None));
    }
    let words: Vec<&str> = name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if words.iter().any(|w| ["deficit", "paused", "pause"].contains(w)) {
        return Lookup::Family(Target::Exercise(lift, None));
    }
    Lookup::Unknown
}

/// The first height written in `text`: a number followed by `cm`, `in`, `inch`,
/// `inches` or `"` (`10cm`, `4 in`, `(15 cm)`).
fn height_in(text: &str) -> Option<Height> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.' || bytes[i] == b',') {
            i += 1;
        }
        let number = text[start..i].replace(',', ".");
        let rest = text[i..].trim_start();
        let unit_word: String = rest.chars().take_while(|c| c.is_alphabetic() || *c == '"').collect();
        let units = match unit_word.to_lowercase().as_str() {
            "cm" => Some(Units::Kg),
            "in" | "inch" | "inches" | "\"" => Some(Units::Lb),
            _ => None,
        };
        if let (Some(units), Ok(value)) = (units, number.parse::<Decimal>()) {
            return Some(Height { value: value.normalize(), units });
        }
    }
    None
}

fn known_ids() -> String {
    Exercise::ALL.map(Exercise::id).join(", ")
}

/// Lower case, trimmed, inner runs of whitespace as one space.
fn fold(name: &str) -> String {
    name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// A mapping file that was refused, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct MapFileError {
    pub problems: Vec<MapProblem>,
}

/// One refused line of a mapping file (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapProblem {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for MapFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the exercise mapping file was refused:")?;
        for p in &self.problems {
            write!(f, "\n  line {}: {}", p.line, p.message)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cm(v: i64) -> Height {
        Height { value: Decimal::from(v), units: Units::Kg }
    }

    #[test]
    fn heights_in_names() {
        assert_eq!(height_in("block pull 10cm"), Some(cm(10)));
        assert_eq!(height_in("rack pull (4 in)"), Some(Height { value: Decimal::from(4), units: Units::Lb }));
        assert_eq!(height_in("block pull 2.5\""), Some(Height { value: Decimal::new(25, 1), units: Units::Lb }));
        assert_eq!(height_in("rack pull below knee"), None);
        assert_eq!(height_in("block pull 3 sets"), None);
    }

    #[test]
    fn heights_convert_between_units() {
        let four_in = Height { value: Decimal::from(4), units: Units::Lb };
        assert_eq!(four_in.in_units(Units::Kg).map(BlockHeight::value), Some(Decimal::new(1016, 2)));
        assert_eq!(cm(10).in_units(Units::Lb).map(BlockHeight::value), Some(Decimal::new(394, 2)));
        assert!(cm(20).within_blocks() && !cm(21).within_blocks() && !cm(0).within_blocks());
    }

    #[test]
    fn targets_of_a_user_line() {
        assert_eq!(parse_target("deadlift"), Ok(Target::Exercise(Exercise::Deadlift, None)));
        assert_eq!(parse_target("deadlift block 15 cm"), Ok(Target::Exercise(Exercise::Deadlift, Some(cm(15)))));
        assert_eq!(parse_target("OTHER"), Ok(Target::Other));
        assert!(parse_target("deadlift block 45 cm").unwrap_err().contains("not within the protocol's blocks"));
        assert!(parse_target("good_morning block 5 cm").unwrap_err().contains("pulled from a block"));
        assert!(parse_target("deadlift from 5 cm").is_err());
    }
}
