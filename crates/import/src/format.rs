//! The export formats, their detection from the header line, and where each one
//! keeps the fields a set needs.

use crate::ImportError;
use pullback_core::Units;
use std::fmt;

/// An export format (a dialect of one app's CSV).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Strong, comma-separated, without a unit column (the unit is the user's).
    StrongComma,
    /// Strong, semicolon-separated, with a `Weight Unit` column.
    StrongSemicolon,
    /// Strong, quoted and semicolon-separated, with `Weight (kg)`.
    StrongQuoted,
    /// Hevy, with `weight_kg` or `weight_lbs` (and `distance_km` or `distance_miles`).
    Hevy,
    /// FitNotes, with a `Weight Unit` column (`kgs` or `lbs`).
    FitNotes,
    /// Older FitNotes, with `Weight (lbs)` or `Weight (kgs)`.
    FitNotesLegacy,
}

const STRONG_COMMA: [&str; 12] = [
    "Date",
    "Workout Name",
    "Duration",
    "Exercise Name",
    "Set Order",
    "Weight",
    "Reps",
    "Distance",
    "Seconds",
    "Notes",
    "Workout Notes",
    "RPE",
];

const STRONG_SEMICOLON: [&str; 14] = [
    "Date",
    "Workout Name",
    "Exercise Name",
    "Set Order",
    "Weight",
    "Weight Unit",
    "Reps",
    "RPE",
    "Distance",
    "Distance Unit",
    "Seconds",
    "Notes",
    "Workout Notes",
    "Workout Duration",
];

const STRONG_QUOTED: [&str; 13] = [
    "Workout #",
    "Date",
    "Workout Name",
    "Duration (sec)",
    "Exercise Name",
    "Set Order",
    "Weight (kg)",
    "Reps",
    "RPE",
    "Distance (meters)",
    "Seconds",
    "Notes",
    "Workout Notes",
];

/// Hevy's header with the metric units; `weight_*` and `distance_*` vary independently.
const HEVY: [&str; 14] = [
    "title",
    "start_time",
    "end_time",
    "description",
    "exercise_title",
    "superset_id",
    "exercise_notes",
    "set_index",
    "set_type",
    "weight_kg",
    "reps",
    "distance_km",
    "duration_seconds",
    "rpe",
];
const HEVY_WEIGHT: usize = 9;
const HEVY_DISTANCE: usize = 11;

const FITNOTES: [&str; 10] =
    ["Date", "Exercise", "Category", "Weight", "Weight Unit", "Reps", "Distance", "Distance Unit", "Time", "Comment"];

/// Older FitNotes; the weight column is `Weight (lbs)` or `Weight (kgs)`.
const FITNOTES_LEGACY: [&str; 8] =
    ["Date", "Exercise", "Category", "Weight (lbs)", "Reps", "Distance", "Distance Unit", "Time"];
const FITNOTES_LEGACY_WEIGHT: usize = 3;

impl Format {
    pub const ALL: [Format; 6] = [
        Format::StrongComma,
        Format::StrongSemicolon,
        Format::StrongQuoted,
        Format::Hevy,
        Format::FitNotes,
        Format::FitNotesLegacy,
    ];

    /// The identifier used on the command line (`--format strong-comma`).
    pub fn id(self) -> &'static str {
        match self {
            Format::StrongComma => "strong-comma",
            Format::StrongSemicolon => "strong-semicolon",
            Format::StrongQuoted => "strong-quoted",
            Format::Hevy => "hevy",
            Format::FitNotes => "fitnotes",
            Format::FitNotesLegacy => "fitnotes-legacy",
        }
    }

    pub fn from_id(id: &str) -> Option<Format> {
        Self::ALL.into_iter().find(|f| f.id() == id)
    }

    /// The app that writes this format; part of every [`SetKey`](crate::SetKey), so
    /// that two dialects of one app's export give the same keys for the same sets.
    pub fn app(self) -> &'static str {
        match self {
            Format::StrongComma | Format::StrongSemicolon | Format::StrongQuoted => "strong",
            Format::Hevy => "hevy",
            Format::FitNotes | Format::FitNotesLegacy => "fitnotes",
        }
    }

    pub(crate) fn delimiter(self) -> u8 {
        match self {
            Format::StrongSemicolon | Format::StrongQuoted => b';',
            _ => b',',
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::StrongComma => "Strong (comma-separated)",
            Format::StrongSemicolon => "Strong (semicolon-separated)",
            Format::StrongQuoted => "Strong (quoted, semicolon-separated)",
            Format::Hevy => "Hevy",
            Format::FitNotes => "FitNotes",
            Format::FitNotesLegacy => "FitNotes (older export)",
        })
    }
}

/// Recognises an export from its header line (the first line of the file).
///
/// A leading byte-order mark, the line ending, spaces around names and the quotes
/// around each name are ignored; otherwise the column names must be exactly the
/// app's, in the app's order.
///
/// ```
/// use pullback_import::{detect, Format};
/// let header = r#""title","start_time","end_time","description","exercise_title","superset_id","exercise_notes","set_index","set_type","weight_lbs","reps","distance_km","duration_seconds","rpe""#;
/// assert_eq!(detect(header), Some(Format::Hevy));
/// assert_eq!(detect("Date,Exercise,Reps"), None);
/// ```
pub fn detect(header_line: &str) -> Option<Format> {
    let line = header_line.strip_prefix('\u{feff}').unwrap_or(header_line);
    let line = line.trim_end_matches(['\r', '\n']);
    let delimiter = if line.contains(';') { ';' } else { ',' };
    let names: Vec<&str> = line.split(delimiter).map(unquote).collect();
    let names = names.as_slice();
    if delimiter == ',' {
        if names == STRONG_COMMA {
            return Some(Format::StrongComma);
        }
        if names == FITNOTES {
            return Some(Format::FitNotes);
        }
        if matches_with(names, &HEVY, &[(HEVY_WEIGHT, "weight_lbs"), (HEVY_DISTANCE, "distance_miles")]) {
            return Some(Format::Hevy);
        }
        if matches_with(names, &FITNOTES_LEGACY, &[(FITNOTES_LEGACY_WEIGHT, "Weight (kgs)")]) {
            return Some(Format::FitNotesLegacy);
        }
    } else {
        if names == STRONG_SEMICOLON {
            return Some(Format::StrongSemicolon);
        }
        if names == STRONG_QUOTED {
            return Some(Format::StrongQuoted);
        }
    }
    None
}

/// `names` equals `expected`, where each `(index, alternative)` may replace the expected name.
fn matches_with(names: &[&str], expected: &[&str], alternatives: &[(usize, &str)]) -> bool {
    names.len() == expected.len()
        && names
            .iter()
            .zip(expected)
            .enumerate()
            .all(|(i, (name, want))| name == want || alternatives.iter().any(|&(at, alt)| at == i && *name == alt))
}

fn unquote(name: &str) -> &str {
    let name = name.trim();
    name.strip_prefix('"').and_then(|n| n.strip_suffix('"')).unwrap_or(name)
}

/// Where a set's load unit comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum UnitSource {
    /// The user's unit (Strong comma: the file has none).
    User,
    /// Fixed by the header (`Weight (kg)`, `weight_lbs`).
    Fixed(Units),
    /// A column per row (`Weight Unit`).
    Column(usize),
}

/// How the start of a workout is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateStyle {
    /// `2025-12-05 18:30:00` (Strong).
    DateTime,
    /// `5 Dec 2025, 11:37` (Hevy).
    Hevy,
    /// `2025-12-05`, read at [`crate::DATE_ONLY_TIME`] (FitNotes).
    DateOnly,
}

/// How a workout's duration is written.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DurationSource {
    None,
    /// `56m`, `1h 2m`, `45s`, or a number of seconds.
    Text(usize),
    /// Whole seconds.
    Seconds(usize),
    /// An end time in the same style as the start.
    EndTime(usize),
}

/// The column of each field in one file, resolved from its header.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub names: Vec<String>,
    pub date: usize,
    pub date_style: DateStyle,
    pub title: Option<usize>,
    pub exercise: usize,
    /// Strong's `Set Order` (number, W, D, F, Note, Rest Timer) or Hevy's `set_index`.
    pub set_order: Option<usize>,
    /// Hevy's `set_type`.
    pub set_type: Option<usize>,
    pub weight: usize,
    pub unit: UnitSource,
    pub reps: usize,
    pub rpe: Option<usize>,
    pub distance: Option<usize>,
    pub seconds: Option<usize>,
    pub duration: DurationSource,
}

impl Layout {
    pub fn resolve(format: Format, header: &csv::StringRecord) -> Result<Layout, ImportError> {
        let names: Vec<String> = header.iter().map(|n| n.trim_start_matches('\u{feff}').trim().to_owned()).collect();
        let mut missing = Vec::new();
        let find = |name: &str| names.iter().position(|n| n == name);
        let mut need = |name: &'static str| {
            find(name).unwrap_or_else(|| {
                missing.push(name);
                0
            })
        };
        let layout = match format {
            Format::StrongComma | Format::StrongSemicolon | Format::StrongQuoted => {
                let (weight, unit, duration) = match format {
                    Format::StrongComma => (need("Weight"), UnitSource::User, DurationSource::Text(need("Duration"))),
                    Format::StrongSemicolon => (
                        need("Weight"),
                        UnitSource::Column(need("Weight Unit")),
                        DurationSource::Text(need("Workout Duration")),
                    ),
                    _ => (
                        need("Weight (kg)"),
                        UnitSource::Fixed(Units::Kg),
                        DurationSource::Seconds(need("Duration (sec)")),
                    ),
                };
                Layout {
                    date: need("Date"),
                    date_style: DateStyle::DateTime,
                    title: Some(need("Workout Name")),
                    exercise: need("Exercise Name"),
                    set_order: Some(need("Set Order")),
                    set_type: None,
                    weight,
                    unit,
                    reps: need("Reps"),
                    rpe: find("RPE"),
                    distance: find("Distance").or_else(|| find("Distance (meters)")),
                    seconds: find("Seconds"),
                    duration,
                    names: Vec::new(),
                }
            }
            Format::Hevy => {
                let (weight, unit) = match (find("weight_kg"), find("weight_lbs")) {
                    (Some(i), _) => (i, UnitSource::Fixed(Units::Kg)),
                    (None, Some(i)) => (i, UnitSource::Fixed(Units::Lb)),
                    (None, None) => (need("weight_kg"), UnitSource::Fixed(Units::Kg)),
                };
                Layout {
                    date: need("start_time"),
                    date_style: DateStyle::Hevy,
                    title: Some(need("title")),
                    exercise: need("exercise_title"),
                    set_order: Some(need("set_index")),
                    set_type: Some(need("set_type")),
                    weight,
                    unit,
                    reps: need("reps"),
                    rpe: find("rpe"),
                    distance: find("distance_km").or_else(|| find("distance_miles")),
                    seconds: find("duration_seconds"),
                    duration: find("end_time").map_or(DurationSource::None, DurationSource::EndTime),
                    names: Vec::new(),
                }
            }
            Format::FitNotes | Format::FitNotesLegacy => {
                let (weight, unit) = if format == Format::FitNotes {
                    (need("Weight"), UnitSource::Column(need("Weight Unit")))
                } else {
                    match (find("Weight (kgs)"), find("Weight (lbs)")) {
                        (Some(i), _) => (i, UnitSource::Fixed(Units::Kg)),
                        (None, Some(i)) => (i, UnitSource::Fixed(Units::Lb)),
                        (None, None) => (need("Weight (lbs)"), UnitSource::Fixed(Units::Lb)),
                    }
                };
                Layout {
                    date: need("Date"),
                    date_style: DateStyle::DateOnly,
                    title: None,
                    exercise: need("Exercise"),
                    set_order: None,
                    set_type: None,
                    weight,
                    unit,
                    reps: need("Reps"),
                    rpe: None,
                    distance: find("Distance"),
                    seconds: find("Time"),
                    duration: DurationSource::None,
                    names: Vec::new(),
                }
            }
        };
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns { format, missing });
        }
        Ok(Layout { names, ..layout })
    }

    /// The header name of column `index`, for reports.
    pub fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }
}
