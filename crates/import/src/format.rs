//! The export formats, their detection from the header line, and where each one
//! keeps the fields a set needs.
//!
//! A header is read by its column names, whatever their order, delimiter (`,`,
//! `;` or tab) and letter case, as long as the columns a set needs are there; the
//! others (a workout's duration, RPE, distances, notes…) are read when present. A
//! Strong header in another language is read by the position of Strong's columns
//! when the first data row fits that layout.

use crate::ImportError;
use pullback_core::Units;
use std::fmt;

/// An export format: one app's columns, told apart by where the weights' unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Strong with a plain `Weight` column and no unit column (its comma export):
    /// the unit must be given ([`crate::Options::file_units`]).
    StrongComma,
    /// Strong with a `Weight Unit` column (its semicolon export; also without the
    /// `Workout Duration` or `RPE` columns).
    StrongSemicolon,
    /// Strong with the unit in the weight column's name, `Weight (kg)` (its quoted
    /// export) or `Weight (lbs)`.
    StrongQuoted,
    /// Hevy, with `weight_kg` or `weight_lbs` (and `distance_km` or `distance_miles`).
    Hevy,
    /// FitNotes, with a `Weight Unit` column (`kgs` or `lbs`), with or without `Comment`.
    FitNotes,
    /// Older FitNotes, with `Weight (lbs)` or `Weight (kgs)`.
    FitNotesLegacy,
}

/// Strong's comma export, in its order (also the layout a translated header is read by).
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

/// Strong's semicolon export, in its order.
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

/// The semicolon export without `Workout Duration`.
const STRONG_SEMICOLON_13: [&str; 13] = [
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
];

/// The semicolon export without `Workout Duration`, `RPE` and `Distance Unit`.
const STRONG_SEMICOLON_11: [&str; 11] = [
    "Date",
    "Workout Name",
    "Exercise Name",
    "Set Order",
    "Weight",
    "Weight Unit",
    "Reps",
    "Distance",
    "Seconds",
    "Notes",
    "Workout Notes",
];

/// Strong's quoted export, in its order.
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

/// Strong's layouts a header of another language is read by, by its number of columns.
const STRONG_LAYOUTS: [&[&str]; 5] =
    [&STRONG_COMMA, &STRONG_SEMICOLON, &STRONG_SEMICOLON_13, &STRONG_QUOTED, &STRONG_SEMICOLON_11];

/// Every column name a format reads, to tell a delimiter and the nearest format.
const STRONG_NAMES: [&str; 19] = [
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
    "Weight Unit",
    "Distance Unit",
    "Workout Duration",
    "Workout #",
    "Duration (sec)",
    "Weight (kg)",
    "Distance (meters)",
];
const HEVY_NAMES: [&str; 16] = [
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
    "weight_lbs",
    "reps",
    "distance_km",
    "distance_miles",
    "duration_seconds",
    "rpe",
];
const FITNOTES_NAMES: [&str; 12] = [
    "Date",
    "Exercise",
    "Category",
    "Weight",
    "Weight Unit",
    "Reps",
    "Distance",
    "Distance Unit",
    "Time",
    "Comment",
    "Weight (kgs)",
    "Weight (lbs)",
];

/// What each app's export needs, for the message about an unknown header.
const NEEDS: [(Format, &[&str]); 3] = [
    (Format::StrongComma, &["Date", "Exercise Name", "Set Order", "Weight", "Reps"]),
    (Format::Hevy, &["start_time", "exercise_title", "set_index", "set_type", "weight_kg", "reps"]),
    (Format::FitNotes, &["Date", "Exercise", "Category", "Weight", "Weight Unit", "Reps"]),
];

impl Format {
    pub const ALL: [Format; 6] = [
        Format::StrongComma,
        Format::StrongSemicolon,
        Format::StrongQuoted,
        Format::Hevy,
        Format::FitNotes,
        Format::FitNotesLegacy,
    ];

    /// A short identifier (`strong-comma`), for tests and tools.
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

    /// The app's name as people write it: `Strong`, `Hevy`, `FitNotes`.
    pub fn app_name(self) -> &'static str {
        match self.app() {
            "strong" => "Strong",
            "hevy" => "Hevy",
            _ => "FitNotes",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::StrongComma => "Strong (no unit column)",
            Format::StrongSemicolon => "Strong (with a Weight Unit column)",
            Format::StrongQuoted => "Strong (the unit in the weight column's name)",
            Format::Hevy => "Hevy",
            Format::FitNotes => "FitNotes",
            Format::FitNotesLegacy => "FitNotes (older export)",
        })
    }
}

/// A header as read: the format, the delimiter, and whether its names were read by
/// position (a Strong header in another language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    pub format: Format,
    pub delimiter: u8,
    /// The English names the columns were read as, when the header's own names
    /// were not (read by the position of Strong's columns); `None` when read by name.
    pub by_position: Option<Vec<&'static str>>,
}

/// Recognises an export from its header line (the first line of the file), by its
/// column names. See [`detect_dialect`] for the rules; this is its name-only part.
///
/// ```
/// use pullback_import::{detect, Format};
/// let header = r#""title","start_time","end_time","description","exercise_title","superset_id","exercise_notes","set_index","set_type","weight_lbs","reps","distance_km","duration_seconds","rpe""#;
/// assert_eq!(detect(header), Some(Format::Hevy));
/// assert_eq!(detect("Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps"), Some(Format::StrongSemicolon));
/// assert_eq!(detect("Day,Lift,Kilos"), None);
/// ```
pub fn detect(header_line: &str) -> Option<Format> {
    detect_dialect(header_line, None).ok().map(|d| d.format)
}

/// Recognises an export from its header line and, for a header in another
/// language, its first data row.
///
/// - The delimiter is the one of `,`, `;` and tab that splits the line into the
///   most column names any app writes (a comma export re-saved with `;` reads).
/// - Names are compared without a byte-order mark, quotes, surrounding spaces or
///   letter case; order does not matter, and columns other than the ones a set
///   needs may be missing (Strong without `Workout Duration`, FitNotes without
///   `Comment`).
/// - A header whose names match no app but whose number of columns is one of
///   Strong's layouts is read by position when `first_row` fits it (a date and
///   time, a set order, a number of reps where Strong has them).
/// - Otherwise the error lists the columns found and the nearest app's missing ones.
pub fn detect_dialect(header_line: &str, first_row: Option<&str>) -> Result<Dialect, ImportError> {
    let line = header_line.strip_prefix('\u{feff}').unwrap_or(header_line);
    let line = line.trim_end_matches(['\r', '\n']);
    let (delimiter, names) = split_header(line);
    let folded: Vec<String> = names.iter().map(|n| fold(n)).collect();
    if let Some(format) = by_names(&folded) {
        return Ok(Dialect { format, delimiter, by_position: None });
    }
    if let Some(dialect) = by_position(&names, delimiter, first_row) {
        return Ok(dialect);
    }
    Err(unknown(line, &names, &folded))
}

/// The delimiter that gives the most known column names, and the names it gives.
fn split_header(line: &str) -> (u8, Vec<String>) {
    let mut best: Option<(usize, usize, u8, Vec<String>)> = None;
    for delimiter in [b',', b';', b'\t'] {
        let names = split_line(line, delimiter).unwrap_or_default();
        let known = names.iter().filter(|n| is_known(&fold(n))).count();
        let better = best.as_ref().is_none_or(|(k, len, _, _)| (known, names.len()) > (*k, *len));
        if better {
            best = Some((known, names.len(), delimiter, names));
        }
    }
    best.map(|(_, _, d, names)| (d, names)).unwrap_or((b',', Vec::new()))
}

/// One CSV line's fields, through the `csv` reader (quotes and escapes as it reads them).
pub(crate) fn split_line(line: &str, delimiter: u8) -> Option<Vec<String>> {
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => Some(record.iter().map(|n| n.trim_start_matches('\u{feff}').trim().to_owned()).collect()),
        _ => None,
    }
}

/// A column name compared: lower case, trimmed, runs of spaces as one.
pub(crate) fn fold(name: &str) -> String {
    let name = name.trim_start_matches('\u{feff}').trim();
    let name = name.strip_prefix('"').and_then(|n| n.strip_suffix('"')).unwrap_or(name);
    name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

fn is_known(folded: &str) -> bool {
    STRONG_NAMES.iter().chain(&HEVY_NAMES).chain(&FITNOTES_NAMES).any(|n| fold(n) == folded)
}

fn has(folded: &[String], name: &str) -> bool {
    let name = fold(name);
    folded.contains(&name)
}

/// The format the names say, if any: by the columns only that app writes.
fn by_names(folded: &[String]) -> Option<Format> {
    let weight_in_name = ["weight (kg)", "weight (kgs)", "weight (lb)", "weight (lbs)"];
    let format = if has(folded, "exercise_title") && has(folded, "set_type") {
        Format::Hevy
    } else if has(folded, "Exercise Name") && has(folded, "Set Order") {
        if has(folded, "Weight Unit") {
            Format::StrongSemicolon
        } else if weight_in_name.iter().any(|n| has(folded, n)) {
            Format::StrongQuoted
        } else {
            Format::StrongComma
        }
    } else if has(folded, "Exercise") && has(folded, "Date") && has(folded, "Reps") {
        if weight_in_name.iter().any(|n| has(folded, n)) { Format::FitNotesLegacy } else { Format::FitNotes }
    } else {
        return None;
    };
    Some(format)
}

/// A Strong header in another language: its number of columns is one of Strong's
/// layouts and the first data row reads as a row of that layout.
fn by_position(names: &[String], delimiter: u8, first_row: Option<&str>) -> Option<Dialect> {
    let row = split_line(first_row?.trim_end_matches(['\r', '\n']), delimiter)?;
    STRONG_LAYOUTS.into_iter().filter(|layout| layout.len() == names.len() && row.len() == names.len()).find_map(
        |layout| {
            let at = |name: &str| layout.iter().position(|n| *n == name).and_then(|i| row.get(i));
            let date = at("Date")?;
            crate::fields::date_time(date, DateStyle::DateTime).ok()?;
            let order = at("Set Order")?;
            if !is_set_order(order) {
                return None;
            }
            let reps = at("Reps")?;
            if !reps.is_empty() && crate::fields::decimal(reps).is_err() {
                return None;
            }
            let format = if layout.contains(&"Weight Unit") {
                Format::StrongSemicolon
            } else if layout.contains(&"Weight (kg)") {
                Format::StrongQuoted
            } else {
                Format::StrongComma
            };
            Some(Dialect { format, delimiter, by_position: Some(layout.to_vec()) })
        },
    )
}

/// What Strong writes in `Set Order`: a number, W, D, F, Note or Rest Timer.
fn is_set_order(text: &str) -> bool {
    text.parse::<u32>().is_ok() || ["w", "d", "f", "note", "rest timer"].contains(&text.to_ascii_lowercase().as_str())
}

/// The error for a header no app writes: the columns found and the nearest app's
/// missing columns.
fn unknown(line: &str, names: &[String], folded: &[String]) -> ImportError {
    let nearest = NEEDS
        .iter()
        .map(|(format, needs)| {
            let missing: Vec<&'static str> = needs.iter().copied().filter(|n| !has(folded, n)).collect();
            (needs.len() - missing.len(), *format, missing)
        })
        .max_by_key(|(found, _, _)| *found)
        .filter(|(found, _, _)| *found > 0)
        .map(|(_, format, missing)| (format, missing));
    ImportError::UnknownFormat {
        header: line.chars().take(300).collect(),
        columns: names.iter().take(40).cloned().collect(),
        nearest,
    }
}

/// Where a set's load unit comes from.
#[derive(Debug, Clone)]
pub(crate) enum UnitSource {
    /// The file does not say (Strong's comma export): given by the lifter, or refused.
    Unstated,
    /// Fixed by the header, in this column's name (`Weight (kg)`, `weight_lbs`).
    Named(Units, String),
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
    /// The header's own names, for messages.
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
    /// A set's note (Strong's `Notes`, FitNotes' `Comment`).
    pub set_note: Option<usize>,
    /// An exercise's note (Hevy's `exercise_notes`).
    pub exercise_note: Option<usize>,
    /// The workout's note (Strong's `Workout Notes`, Hevy's `description`).
    pub session_note: Option<usize>,
}

impl Layout {
    /// The layout of `header` in `dialect`: by the English names of a translated
    /// header when it was read by position.
    pub fn resolve(dialect: &Dialect, header: &csv::StringRecord) -> Result<Layout, ImportError> {
        let names: Vec<String> = header.iter().map(|n| n.trim_start_matches('\u{feff}').trim().to_owned()).collect();
        let read_as: Vec<String> = match &dialect.by_position {
            Some(english) => english.iter().map(|n| fold(n)).collect(),
            None => names.iter().map(|n| fold(n)).collect(),
        };
        let format = dialect.format;
        let mut missing = Vec::new();
        let find = |name: &str| {
            let name = fold(name);
            read_as.iter().position(|n| *n == name)
        };
        let mut need = |name: &'static str| {
            find(name).unwrap_or_else(|| {
                missing.push(name);
                0
            })
        };
        // The column a unit is named by: the header's own name, or the English name
        // of Strong's layout when the header was read by position.
        let named = |i: usize, unit: Units| {
            let own = names.get(i).cloned().unwrap_or_default();
            let shown = match &dialect.by_position {
                Some(english) => format!("{} (read by position)", english.get(i).copied().unwrap_or_default()),
                None => own,
            };
            UnitSource::Named(unit, shown)
        };
        let layout = match format {
            Format::StrongComma | Format::StrongSemicolon | Format::StrongQuoted => {
                let (weight, unit) = match format {
                    Format::StrongComma => {
                        let weight = need("Weight");
                        // A translated header may still name the unit in the weight column.
                        let own = names.get(weight).cloned().unwrap_or_default();
                        let hinted = dialect.by_position.as_ref().and_then(|_| unit_in_name(&own));
                        (weight, hinted.map_or(UnitSource::Unstated, |u| UnitSource::Named(u, own)))
                    }
                    Format::StrongSemicolon => (need("Weight"), UnitSource::Column(need("Weight Unit"))),
                    _ => match (find("Weight (kg)"), find("Weight (lbs)").or_else(|| find("Weight (lb)"))) {
                        (Some(i), _) => (i, named(i, Units::Kg)),
                        (None, Some(i)) => (i, named(i, Units::Lb)),
                        (None, None) => (need("Weight (kg)"), UnitSource::Unstated),
                    },
                };
                let duration = match (find("Duration"), find("Workout Duration"), find("Duration (sec)")) {
                    (Some(i), _, _) | (None, Some(i), _) => DurationSource::Text(i),
                    (None, None, Some(i)) => DurationSource::Seconds(i),
                    _ => DurationSource::None,
                };
                Layout {
                    date: need("Date"),
                    date_style: DateStyle::DateTime,
                    title: find("Workout Name"),
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
                    set_note: find("Notes"),
                    exercise_note: None,
                    session_note: find("Workout Notes"),
                    names: Vec::new(),
                }
            }
            Format::Hevy => {
                let (weight, unit) = match (find("weight_kg"), find("weight_lbs")) {
                    (Some(i), _) => (i, named(i, Units::Kg)),
                    (None, Some(i)) => (i, named(i, Units::Lb)),
                    (None, None) => (need("weight_kg"), UnitSource::Unstated),
                };
                Layout {
                    date: need("start_time"),
                    date_style: DateStyle::Hevy,
                    title: find("title"),
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
                    set_note: None,
                    exercise_note: find("exercise_notes"),
                    session_note: find("description"),
                    names: Vec::new(),
                }
            }
            Format::FitNotes | Format::FitNotesLegacy => {
                let (weight, unit) = if format == Format::FitNotes {
                    let weight = need("Weight");
                    (weight, find("Weight Unit").map_or(UnitSource::Unstated, UnitSource::Column))
                } else {
                    match (find("Weight (kgs)").or_else(|| find("Weight (kg)")), find("Weight (lbs)")) {
                        (Some(i), _) => (i, named(i, Units::Kg)),
                        (None, Some(i)) => (i, named(i, Units::Lb)),
                        (None, None) => (need("Weight (lbs)"), UnitSource::Unstated),
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
                    set_note: find("Comment"),
                    exercise_note: None,
                    session_note: None,
                    names: Vec::new(),
                }
            }
        };
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns { format, missing, columns: names });
        }
        Ok(Layout { names, ..layout })
    }

    /// The header name of column `index`, for reports.
    pub fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }
}

/// The unit a column's name gives, as in `重量 (kg)` or `Gewicht (lbs)`.
fn unit_in_name(name: &str) -> Option<Units> {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let kg = words.iter().any(|w| ["kg", "kgs"].contains(w)) || lower.contains("公斤") || lower.contains("千克");
    let lb = words.iter().any(|w| ["lb", "lbs"].contains(w)) || lower.contains('磅');
    match (kg, lb) {
        (true, false) => Some(Units::Kg),
        (false, true) => Some(Units::Lb),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_in_a_column_name() {
        assert_eq!(unit_in_name("重量 (kg)"), Some(Units::Kg));
        assert_eq!(unit_in_name("重量（磅）"), Some(Units::Lb));
        assert_eq!(unit_in_name("Gewicht (lbs)"), Some(Units::Lb));
        assert_eq!(unit_in_name("重量"), None);
        assert_eq!(unit_in_name("Backlog"), None, "a word that contains lb is not lb");
    }
}
