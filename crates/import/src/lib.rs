//! Reads other training apps' CSV exports into Pullback's domain types.
//!
//! [`read`] takes an export of Strong, Hevy or FitNotes, recognises it from its
//! header line ([`detect_dialect`]), and returns the workouts as
//! [`ParsedSession`]s of [`ExerciseLog`]s, each set with a stable [`SetKey`] for
//! idempotent re-imports, plus a [`Report`] for a preview: rows, sets, sessions,
//! the date range, the unit read and why, mapped and unmapped exercise names, the
//! notes kept, and skipped rows by reason. It stores nothing: the caller writes the
//! sessions.
//!
//! - **Headers.** Columns are found by name, in any order, with `,`, `;` or tab
//!   between them; the columns a set needs must be there, the others (durations,
//!   RPE, distances, notes) are read when present. A Strong header in another
//!   language is read by the position of Strong's columns when its first row fits.
//!   An unknown header is refused with the columns found and the nearest app's.
//! - **Units.** Loads come out in the lifter's unit ([`Options::units`]). The
//!   file's unit comes from the file: a unit column (`Weight Unit`) or a column
//!   name (`weight_kg`, `Weight (lbs)`). A file that does not say (Strong's comma
//!   export) is read in [`Options::file_units`], the unit the lifter names; without
//!   it, the first non-zero weight refuses the file ([`ImportError::UnitNeeded`]),
//!   and a file of bodyweight rows only needs none. [`Report::units`] says which.
//!   Pounds become kilograms exactly (1 lb = 0.45359237 kg), kilograms pounds to
//!   [`LB_DECIMALS`] places.
//! - **Times.** Local times are read in [`Options::time_zone`] (a time in a
//!   daylight-saving gap or fold is resolved the `compatible` way: the later
//!   reading in a gap, the earlier in a fold). FitNotes has dates only; they are
//!   read at [`DATE_ONLY_TIME`] (12:00), so that a time-zone change never moves a
//!   workout to another day.
//! - **Sessions.** Rows are grouped by the workout's start time and title (FitNotes:
//!   by date). Within a session, sets are grouped by the exercise name as the app
//!   wrote it, in the order the names first appear; sessions are in time order.
//! - **Sets.** Warm-ups (Strong `W`, Hevy `warmup`) are kept with `warmup: true`;
//!   drop and failure sets are ordinary sets, and a failed attempt of 0 reps is
//!   kept and counted in [`Report::failed_sets`] (the engine never takes it as a
//!   top set). An empty weight is 0 (bodyweight). Strong's `Rest Timer` pseudo-rows
//!   and the rows of timed or cardio exercises (a time or distance and no reps, or
//!   no reps and no weight at all: a plank logged as `0:00:00`) are skipped and
//!   counted by reason ([`skip`]).
//! - **Notes** are kept ([`Report::notes`]): Strong's workout notes and set notes
//!   (its `Note` rows are an exercise's), Hevy's description and exercise notes,
//!   FitNotes' comments. A note every set of an exercise repeats is the exercise's.
//! - **Exercise names** go through an [`ExerciseMap`] (a documented default table,
//!   extendable from a user file, then the deadlift family read from the name);
//!   unmapped names are kept as [`ExerciseId::Other`] and counted, the deadlift
//!   variants among them named ([`Report::variants`]).
//! - **Bad rows** (an unreadable date, a negative weight, non-numeric reps…) are
//!   reported with their line, column and reason ([`BadRow`]). One bad row refuses
//!   the whole file ([`ImportError::BadRows`]) unless [`Options::skip_bad_rows`].
//!
//! The file is streamed through the `csv` reader (one reused record, no copy of
//! the file in memory). [`read`] returns every set of the file; [`read_each`]
//! hands each workout on as soon as it is complete, so that an importer can write
//! a file of any size in flat memory; [`read_each_in_time_order`] does the same in
//! time order from a file it can seek in (a Hevy export lists the newest first).
//!
//! ```
//! use pullback_core::{Exercise, ExerciseId, Units};
//! use pullback_import::{Options, UnitsRead, read};
//!
//! let csv = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE
//! 2025-12-05 18:30:00,Pull day,56m,Deadlift (Barbell),W,60,5,0,0,,,
//! 2025-12-05 18:30:00,Pull day,56m,Deadlift (Barbell),1,142,5,0,0,,,8
//! 2025-12-05 18:30:00,Pull day,56m,Deadlift (Barbell),Rest Timer,0,0,0,180,,,
//! ";
//! let mut options = Options::new(Units::Kg, jiff::tz::TimeZone::get("Europe/Berlin").unwrap());
//! options.file_units = Some(Units::Kg); // Strong's comma export does not say
//! let parsed = read(csv.as_bytes(), &options).unwrap();
//! let session = &parsed.sessions[0];
//! assert_eq!(session.at.to_string(), "2025-12-05T18:30:00+01:00[Europe/Berlin]");
//! let deadlift = &session.exercises[0];
//! assert_eq!(deadlift.exercise, ExerciseId::Known(Exercise::Deadlift));
//! assert_eq!(deadlift.sets.len(), 2);
//! assert!(deadlift.sets[0].warmup);
//! assert_eq!(parsed.report.skipped["rest timer"], 1);
//! assert_eq!(parsed.report.units, UnitsRead::Given(Units::Kg));
//! ```

mod fields;
mod format;
mod key;
mod map;
mod read;

use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Zoned};
use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Seek};
use thiserror::Error;

pub use fields::{KG_PER_LB, LB_DECIMALS};
pub use format::{Dialect, Format, detect, detect_dialect};
pub use key::SetKey;
pub use map::{DEFAULT_TABLE, ExerciseMap, Height, Lookup, MapFileError, MapProblem, Target, Variant, family};
pub use pullback_core::{Exercise, ExerciseId, ExerciseLog, Note, Set, Units};

/// The local time FitNotes workouts (dates without a time) are placed at.
pub const DATE_ONLY_TIME: Time = Time::constant(12, 0, 0, 0);

/// At most this many bad rows are listed; the total is counted.
pub const MAX_BAD_ROWS: usize = 50;

/// The longest header line (and first row) looked at for detection.
const MAX_HEADER_BYTES: u64 = 64 * 1024;

/// The reasons rows are skipped, as they appear in [`Report::skipped`].
pub mod skip {
    /// Strong's `Note` pseudo-row without a note in it (one with a note is kept
    /// as the exercise's note).
    pub const NOTE: &str = "empty note row";
    /// Strong's `Rest Timer` pseudo-row.
    pub const REST_TIMER: &str = "rest timer";
    /// A row of a timed or cardio exercise: a distance or a time and no reps, or no
    /// reps and no weight at all (a plank or a run, even one logged as `0:00:00`).
    pub const TIMED: &str = "timed or cardio";
    /// A bad row, skipped because [`Options::skip_bad_rows`](crate::Options::skip_bad_rows).
    pub const BAD_ROW: &str = "bad row";
}

/// How to read a file.
#[derive(Debug, Clone)]
pub struct Options {
    /// The format; `None` detects it from the header line.
    pub format: Option<Format>,
    /// The lifter's unit: loads come out in it.
    pub units: Units,
    /// The unit of the file's weights, for a file that does not say (Strong's
    /// comma export); a file that says is read in its own unit.
    pub file_units: Option<Units>,
    /// Local times in the file are read in this zone.
    pub time_zone: TimeZone,
    pub mapping: ExerciseMap,
    /// Skip bad rows (and list them in the report) instead of refusing the file.
    pub skip_bad_rows: bool,
}

impl Options {
    /// Detection, no unit given for the file, the default exercise map, and bad
    /// rows refused.
    pub fn new(units: Units, time_zone: TimeZone) -> Options {
        Options {
            format: None,
            units,
            file_units: None,
            time_zone,
            mapping: ExerciseMap::default(),
            skip_bad_rows: false,
        }
    }
}

/// A file read: its format, the sessions in time order, and the report.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub format: Format,
    pub sessions: Vec<ParsedSession>,
    pub report: Report,
}

/// One workout.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSession {
    /// A stable identifier of the workout: the app, the start as written (civil
    /// time) and the title, e.g. `strong 2025-12-05T18:30:00 Pull day`. The same
    /// on every read of the file, whatever the user's time zone or mapping.
    pub id: String,
    /// The start, in [`Options::time_zone`].
    pub at: Zoned,
    /// The workout's name; `None` when the app has none (FitNotes) or it is empty.
    pub title: Option<String>,
    /// The workout's duration, when the export has it.
    pub duration: Option<SignedDuration>,
    pub exercises: Vec<ExerciseLog>,
    /// Parallel to `exercises`: whether the import's mapping decided the exercise
    /// ([`Lookup::decides`]); a stored set of that app name is re-mapped to it.
    pub decided: Vec<bool>,
    /// One key per set: the sets of `exercises[0]` in order, then of `exercises[1]`…
    pub keys: Vec<SetKey>,
    /// The workout's note (Strong's workout notes, Hevy's description).
    pub note: Option<Note>,
}

/// Which unit the file's weights were read in, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum UnitsRead {
    /// The header names it, in this column's name (`weight_kg`, `Weight (lbs)`).
    Named { unit: Units, column: String },
    /// A unit per row from this column: the rows with a weight in kg and in lb.
    Column { column: String, kg: usize, lb: usize },
    /// The file does not say; the lifter gave it ([`Options::file_units`]).
    Given(Units),
    /// The file does not say, and it has no weight other than 0: no unit needed.
    #[default]
    NotNeeded,
}

impl fmt::Display for UnitsRead {
    /// "lb, as you said (the file has no unit column)", "kg, from the column
    /// \"weight_kg\"", "per row from the column \"Weight Unit\": 12 rows in kg, 3 in lb".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = |n: usize| if n == 1 { "1 row".to_owned() } else { format!("{n} rows") };
        match self {
            UnitsRead::Named { unit, column } => write!(f, "{}, as the column {column:?} says", unit.load_symbol()),
            UnitsRead::Column { column, kg, lb } => match (kg, lb) {
                (0, 0) => write!(f, "from the column {column:?} (no weights other than 0)"),
                (_, 0) => write!(f, "kg, from the column {column:?} ({} in kg)", rows(*kg)),
                (0, _) => write!(f, "lb, from the column {column:?} ({} in lb)", rows(*lb)),
                _ => write!(f, "per row, from the column {column:?}: {} in kg, {} in lb", rows(*kg), rows(*lb)),
            },
            UnitsRead::Given(unit) => write!(f, "{}, as you said (the file has no unit column)", unit.load_symbol()),
            UnitsRead::NotNeeded => f.write_str("none needed: the file has no unit column and no weights other than 0"),
        }
    }
}

/// The notes kept, by where they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotesKept {
    /// Workouts with a note.
    pub sessions: usize,
    /// Exercise entries with a note.
    pub exercises: usize,
    /// Sets with a note.
    pub sets: usize,
}

impl NotesKept {
    pub fn total(&self) -> usize {
        self.sessions + self.exercises + self.sets
    }
}

/// What a read found, for a preview.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Data rows read (not counting the header).
    pub rows: usize,
    pub sets: usize,
    pub sessions: usize,
    /// The first and last session's start.
    pub first: Option<Zoned>,
    pub last: Option<Zoned>,
    /// The unit the weights were read in, and why.
    pub units: UnitsRead,
    /// A unit given with the file ([`Options::file_units`]) that was not used,
    /// because the file names its own.
    pub given_units_unused: Option<Units>,
    /// The English names a header in another language was read as (by position).
    pub read_by_position: Option<Vec<&'static str>>,
    /// App name (as first written) → Pullback id (`deadlift`, `deadlift from a 10 cm block`).
    pub mapped: BTreeMap<String, String>,
    /// App name → number of sets kept as an other exercise (the variants below left out).
    pub unmapped: BTreeMap<String, usize>,
    /// Deadlift variants kept as other exercises: app name → (what it is, sets).
    pub variants: BTreeMap<String, (Variant, usize)>,
    /// Sets of 0 reps (failed attempts) kept; never a top set.
    pub failed_sets: usize,
    /// The notes kept.
    pub notes: NotesKept,
    /// Reason ([`skip`]) → rows skipped.
    pub skipped: BTreeMap<&'static str, usize>,
    /// The first [`MAX_BAD_ROWS`] bad rows skipped (the total is under [`skip::BAD_ROW`]).
    pub bad_rows: Vec<BadRow>,
}

/// A row that was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based line number in the file; the header is line 1.
    pub line: u64,
    /// The column's header name; empty when the row as a whole is wrong.
    pub column: String,
    pub reason: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {}", self.line, self.reason)
        } else {
            write!(f, "line {}, column {:?}: {}", self.line, self.column, self.reason)
        }
    }
}

/// Why a file could not be read.
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("could not read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty; expected a Strong, Hevy or FitNotes CSV export with its header line")]
    Empty,
    #[error("{}", unknown_message(columns, nearest.as_ref()))]
    UnknownFormat {
        /// The header line as read (at most 300 characters).
        header: String,
        /// Its columns (at most 40).
        columns: Vec<String>,
        /// The app whose columns the header comes nearest to, with those it lacks.
        nearest: Option<(Format, Vec<&'static str>)>,
    },
    #[error(
        "the header has no {} column, which a {} export needs; the columns found are {}",
        missing.join(", "),
        format.app_name(),
        quoted(columns)
    )]
    MissingColumns { format: Format, missing: Vec<&'static str>, columns: Vec<String> },
    #[error(
        "this {} export has no unit column, so its weights (the first is {weight} on line {line}) could be kg or lb; \
         say which with --units kg or --units lb (on the web: the unit of the file's weights); nothing was imported",
        format.app_name()
    )]
    UnitNeeded { format: Format, line: u64, weight: String },
    #[error("{}", bad_rows_message(rows, *total))]
    BadRows {
        /// The first [`MAX_BAD_ROWS`], in file order.
        rows: Vec<BadRow>,
        total: usize,
    },
    #[error("the file is not valid CSV at line {line}: {message}")]
    Csv { line: u64, message: String },
    /// The caller's sink of [`read_each`] stopped the read.
    #[error("{0}")]
    Stopped(String),
}

fn quoted(columns: &[String]) -> String {
    columns.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ")
}

fn unknown_message(columns: &[String], nearest: Option<&(Format, Vec<&'static str>)>) -> String {
    let mut message = format!(
        "the header line is not one of a Strong, Hevy or FitNotes export; it has {} column{}: {}",
        columns.len(),
        if columns.len() == 1 { "" } else { "s" },
        quoted(columns)
    );
    match nearest {
        Some((format, missing)) => message.push_str(&format!(
            ". The nearest is a {} export, which also needs {}",
            format.app_name(),
            missing.join(", ")
        )),
        None => message.push_str(". It has none of the columns of a Strong, Hevy or FitNotes export"),
    }
    message.push_str(". Check that this is the app's CSV export, with its header line first");
    message
}

fn bad_rows_message(rows: &[BadRow], total: usize) -> String {
    let mut message = format!(
        "{total} bad row{}; nothing was imported. Fix them, or skip them (and see them listed) with --skip-bad-rows:",
        if total == 1 { "" } else { "s" }
    );
    for row in rows {
        message.push_str(&format!("\n  {row}"));
    }
    if total > rows.len() {
        message.push_str(&format!("\n  … and {} more", total - rows.len()));
    }
    message
}

/// Reads a whole export. See the [crate] documentation for the rules.
///
/// Holds every set of the file; [`read_each`] hands the workouts on one by one.
pub fn read<R: Read>(input: R, options: &Options) -> Result<Parsed, ImportError> {
    let mut sessions = Vec::new();
    let (format, report) = read_each(input, options, |session| {
        sessions.push(session);
        Ok(())
    })?;
    Ok(Parsed { format, sessions: join_parts(sessions), report })
}

/// Sorts workouts into time order (then title), and joins the parts of a workout
/// whose rows were not together in the file.
fn join_parts(mut sessions: Vec<ParsedSession>) -> Vec<ParsedSession> {
    sessions.sort_by(|a, b| a.at.timestamp().cmp(&b.at.timestamp()).then_with(|| a.title.cmp(&b.title)));
    let mut joined: Vec<ParsedSession> = Vec::with_capacity(sessions.len());
    for session in sessions {
        match joined.last_mut() {
            Some(last) if last.at == session.at && last.title == session.title => {
                last.duration = last.duration.or(session.duration);
                last.note = last.note.take().or(session.note);
                last.exercises.extend(session.exercises);
                last.decided.extend(session.decided);
                last.keys.extend(session.keys);
            }
            _ => joined.push(session),
        }
    }
    joined
}

/// Reads an export and hands each workout to `sink` as soon as it is complete, in
/// file order, holding only the workout being read: memory stays flat whatever
/// the file's size. A workout whose rows are not together in the file arrives in
/// parts with the same start and title. Gives the format and the report.
///
/// The bad rows are known only at the end: with [`Options::skip_bad_rows`] off, a
/// caller that stores workouts as they come must be ready to undo them when this
/// returns [`ImportError::BadRows`] (as one database transaction does). An error
/// from `sink` stops the read and is returned as it is.
pub fn read_each<R, F>(input: R, options: &Options, mut sink: F) -> Result<(Format, Report), ImportError>
where
    R: Read,
    F: FnMut(ParsedSession) -> Result<(), ImportError>,
{
    let mut input = BufReader::with_capacity(64 * 1024, input);
    let (head, dialect) = head_and_dialect(&mut input, options)?;
    let mut csv = csv_reader(std::io::Cursor::new(head).chain(input), dialect.delimiter);
    let names = csv.headers().map_err(|e| csv_error(e, 1))?.clone();
    let layout = format::Layout::resolve(&dialect, &names)?;
    let mut builder = read::Builder::new(&dialect, layout, options, false);
    each_record(&mut csv, &mut builder, None, &mut sink)?;
    let report = builder.finish()?;
    builder.take_ready().try_for_each(&mut sink)?;
    Ok((builder.format(), report))
}

/// Reads an export from a file it can seek in, and hands the workouts to `sink` in
/// time order (then title, then file order): a first pass reads and checks the
/// whole file (any error stops it before `sink` sees anything) and notes where
/// each workout's rows are; a second reads the workouts in time order. Memory stays
/// flat, as with [`read_each`]; the file is read twice.
pub fn read_each_in_time_order<R, F>(
    mut input: R,
    options: &Options,
    mut sink: F,
) -> Result<(Format, Report), ImportError>
where
    R: Read + Seek,
    F: FnMut(ParsedSession) -> Result<(), ImportError>,
{
    let start = input.stream_position()?;
    let (head, dialect) = head_and_dialect(&mut BufReader::new(&mut input), options)?;
    drop(head);
    input.seek(std::io::SeekFrom::Start(start))?;

    // The first pass: every row, for the report and the places of the parts.
    let mut csv = csv_reader(&mut input, dialect.delimiter);
    let names = csv.headers().map_err(|e| csv_error(e, 1))?.clone();
    let layout = format::Layout::resolve(&dialect, &names)?;
    let mut builder = read::Builder::new(&dialect, layout.clone(), options, true);
    each_record(&mut csv, &mut builder, None, &mut |_| Ok(()))?;
    let report = builder.finish()?;
    let mut parts = builder.take_parts();
    drop(csv);
    parts.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.title.cmp(&b.title)));

    // The second: each part in time order, from where it starts.
    input.seek(std::io::SeekFrom::Start(start))?;
    let mut csv = csv_reader(&mut input, dialect.delimiter);
    csv.headers().map_err(|e| csv_error(e, 1))?;
    let mut builder = read::Builder::new(&dialect, layout, options, false);
    for part in parts {
        csv.seek(part.start).map_err(|e| csv_error(e, 0))?;
        each_record(&mut csv, &mut builder, part.end, &mut sink)?;
        builder.hand_on();
        builder.take_ready().try_for_each(&mut sink)?;
    }
    Ok((dialect.format, report))
}

fn csv_reader<R: Read>(input: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(input)
}

/// The header line and the first data row, read for detection, and the dialect.
/// The bytes read are handed back, to be read again by the CSV reader.
fn head_and_dialect<R: Read>(input: &mut BufReader<R>, options: &Options) -> Result<(Vec<u8>, Dialect), ImportError> {
    let mut head = Vec::new();
    input.take(MAX_HEADER_BYTES).read_until(b'\n', &mut head)?;
    let header_len = head.len();
    input.take(MAX_HEADER_BYTES).read_until(b'\n', &mut head)?;
    let (header, first_row) = head.split_at(header_len);
    let (header, first_row) = (String::from_utf8_lossy(header), String::from_utf8_lossy(first_row));
    let header = header.strip_prefix('\u{feff}').unwrap_or(&header);
    if header.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let dialect = match options.format {
        Some(format) => {
            let delimiter = if header.matches(';').count() > header.matches(',').count() { b';' } else { b',' };
            Dialect { format, delimiter, by_position: None }
        }
        None => detect_dialect(header, Some(first_row.as_ref()).filter(|r| !r.trim().is_empty()))?,
    };
    Ok((head, dialect))
}

/// Feeds the records to `builder` until the end, or until a record that starts at
/// or after byte `end`; hands each completed workout to `sink`.
fn each_record<R: Read>(
    csv: &mut csv::Reader<R>,
    builder: &mut read::Builder<'_>,
    end: Option<u64>,
    sink: &mut impl FnMut(ParsedSession) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(true) => {
                let position = record.position().cloned().unwrap_or_else(csv::Position::new);
                if end.is_some_and(|end| position.byte() >= end) {
                    break;
                }
                builder.row(&record, &position);
            }
            Ok(false) => break,
            Err(error) => match error.kind() {
                csv::ErrorKind::Utf8 { pos, err } => {
                    let line = pos.as_ref().map_or(0, csv::Position::line);
                    builder.unreadable(line, Some(err.field()), "the text is not valid UTF-8".into());
                }
                _ => return Err(csv_error(error, record.position().map_or(0, csv::Position::line))),
            },
        }
        if let Some(fatal) = builder.fatal() {
            return Err(fatal);
        }
        builder.take_ready().try_for_each(&mut *sink)?;
    }
    Ok(())
}

fn csv_error(error: csv::Error, line: u64) -> ImportError {
    let line = error.position().map_or(line, csv::Position::line);
    match error.into_kind() {
        csv::ErrorKind::Io(error) => ImportError::Io(error),
        kind => ImportError::Csv { line, message: format!("{kind:?}") },
    }
}

/// What the `import_csv` fuzz target runs on each input, here so that the tests
/// run it on every fixture too (`tests/import/corpus.rs`).
#[doc(hidden)]
pub mod fuzzing {
    use super::{ExerciseMap, Format, Options, Units, detect_dialect, read, read_each_in_time_order};

    /// Reads `data` every way an import can: detected and forced into each
    /// format, with no unit given and with each, skipping bad rows or not, in file
    /// order and in time order; and as a mapping file. Refusals are fine; a panic
    /// is a bug. Gives how many reads succeeded.
    pub fn read_every_way(data: &[u8]) -> usize {
        let text = String::from_utf8_lossy(data);
        let mut lines = text.splitn(3, '\n');
        let _ = detect_dialect(lines.next().unwrap_or_default(), lines.next());
        let _ = ExerciseMap::with_user_file(&text);
        let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap_or(jiff::tz::TimeZone::UTC);
        let formats = std::iter::once(None).chain(Format::ALL.into_iter().map(Some));
        let mut read_ok = 0;
        for (i, format) in formats.enumerate() {
            for (j, file_units) in [None, Some(Units::Kg), Some(Units::Lb)].into_iter().enumerate() {
                let mut options = Options::new(if (i + j) % 2 == 0 { Units::Kg } else { Units::Lb }, zone.clone());
                options.format = format;
                options.file_units = file_units;
                options.skip_bad_rows = (i + j) % 3 == 0;
                read_ok += usize::from(read(data, &options).is_ok());
                if format.is_none() {
                    let _ = read_each_in_time_order(std::io::Cursor::new(data), &options, |_| Ok(()));
                }
            }
        }
        read_ok
    }
}
