//! From the apps' exercise names to Pullback's identifiers.

use pullback_core::Exercise;
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
/// W is unaffected. A lifter who disagrees can map it elsewhere in a user file.
///
/// Deliberately left unmapped (kept as other exercises): stiff-legged deadlifts,
/// dumbbell and single-leg deadlifts, rack pulls and deficit deadlifts, whose
/// loads are not comparable with the exercises above.
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

/// App exercise names → Pullback exercises: [`DEFAULT_TABLE`], extended by the user.
///
/// A user file has one `App name = pullback_id` per line; blank lines and lines
/// starting with `#` are ignored, and a user line wins over the default table.
///
/// ```
/// use pullback_core::Exercise;
/// use pullback_import::ExerciseMap;
/// let map = ExerciseMap::with_user_file("# my names\nBlock Pull = deadlift\n").unwrap();
/// assert_eq!(map.get("block pull"), Some(Exercise::Deadlift));
/// assert_eq!(map.get("DEADLIFT (BARBELL)"), Some(Exercise::Deadlift));
/// assert!(ExerciseMap::with_user_file("Squat = squat").is_err());
/// ```
#[derive(Debug, Clone)]
pub struct ExerciseMap {
    names: HashMap<String, Exercise>,
}

impl Default for ExerciseMap {
    fn default() -> Self {
        let mut map = ExerciseMap::empty();
        for &(name, exercise) in DEFAULT_TABLE {
            map.insert(name, exercise);
        }
        map
    }
}

impl ExerciseMap {
    /// A map that knows no names (every exercise imports as an other exercise).
    pub fn empty() -> ExerciseMap {
        ExerciseMap { names: HashMap::new() }
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
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut refuse = |message: String| problems.push(MapProblem { line: line_number, message });
            let Some((name, id)) = line.rsplit_once('=') else {
                refuse(format!("{line:?} has no '='; write `App name = pullback_id`"));
                continue;
            };
            let (name, id) = (name.trim(), id.trim());
            if name.is_empty() {
                refuse("the app name before '=' is empty".into());
                continue;
            }
            match Exercise::from_id(id) {
                Some(exercise) => entries.push((name, exercise)),
                None => refuse(format!("{id:?} is not a Pullback exercise id; known ids: {}", known_ids())),
            }
        }
        if !problems.is_empty() {
            return Err(MapFileError { problems });
        }
        for (name, exercise) in entries {
            self.insert(name, exercise);
        }
        Ok(())
    }

    pub fn insert(&mut self, app_name: &str, exercise: Exercise) {
        self.names.insert(fold(app_name), exercise);
    }

    /// The Pullback exercise for an app's name, if mapped.
    pub fn get(&self, app_name: &str) -> Option<Exercise> {
        self.names.get(&fold(app_name)).copied()
    }
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
