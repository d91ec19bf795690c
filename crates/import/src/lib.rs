//! Reads other training apps' CSV exports into Pullback's domain types.
//!
//! [`read`] takes an export of Strong (three dialects), Hevy or FitNotes (two
//! dialects), recognises it from its header line ([`detect`]), and returns the
//! workouts as [`ParsedSession`]s of [`ExerciseLog`]s, each set with a stable
//! [`SetKey`] for idempotent re-imports, plus a [`Report`] for a preview: rows,
//! sets, sessions, the date range, mapped and unmapped exercise names, and
//! skipped rows by reason. It stores nothing: the caller writes the sessions.
//!
//! - **Units.** Loads come out in the user's unit ([`Options::units`]); a file in the
//!   other unit is converted with 1 lb = 0.45359237 kg, exactly from pounds to
//!   kilograms, and to [`LB_DECIMALS`] places from kilograms to pounds. Strong's
//!   comma dialect has no unit column: its weights are taken to be in the user's unit.
//! - **Times.** Local times are read in [`Options::time_zone`] (a time in a
//!   daylight-saving gap or fold is resolved the `compatible` way: the later
//!   reading in a gap, the earlier in a fold). FitNotes has dates only; they are
//!   read at [`DATE_ONLY_TIME`] (12:00), so that a time-zone change never moves a
//!   workout to another day.
//! - **Sessions.** Rows are grouped by the workout's start time and title (FitNotes:
//!   by date). Within a session, sets are grouped by the exercise name as the app
//!   wrote it, in the order the names first appear; sessions are in time order.
//! - **Sets.** Warm-ups (Strong `W`, Hevy `warmup`) are kept with `warmup: true`;
//!   drop and failure sets are ordinary sets. An empty weight is 0 (bodyweight).
//!   Strong's `Note` and `Rest Timer` pseudo-rows and distance- or time-only rows
//!   (cardio, planks) are skipped and counted by reason ([`skip`]).
//! - **Exercise names** go through an [`ExerciseMap`] (a documented default table,
//!   extendable from a user file); unmapped names are kept as
//!   [`ExerciseId::Other`] and counted.
//! - **Bad rows** (an unreadable date, a negative weight, non-numeric reps…) are
//!   reported with their line, column and reason ([`BadRow`]). One bad row refuses
//!   the whole file ([`ImportError::BadRows`]) unless [`Options::skip_bad_rows`].
//!
//! The file is streamed through the `csv` reader (one reused record, no copy of
//! the file in memory). [`read`] returns every set of the file; [`read_each`]
//! hands each workout on as soon as it is complete, so that an importer can write
//! a file of any size in flat memory.
//!
//! ```
//! use pullback_core::{Exercise, ExerciseId, Units};
//! use pullback_import::{Options, read};
//!
//! let csv = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE
//! 2025-12-05 18:30:00,Pull day,56m,Deadlift (Barbell),W,60,5,0,0,,,
//! 2025-12-05 18:30:00,Pull day,56m,Deadlift (Barbell),1,142,5,0,0,,,8
//! 2025-12-05 18:30:00,Pull day,56m,Deadlift (Barbell),Rest Timer,0,0,0,180,,,
//! ";
//! let options = Options::new(Units::Kg, jiff::tz::TimeZone::get("Europe/Berlin").unwrap());
//! let parsed = read(csv.as_bytes(), &options).unwrap();
//! let session = &parsed.sessions[0];
//! assert_eq!(session.at.to_string(), "2025-12-05T18:30:00+01:00[Europe/Berlin]");
//! let deadlift = &session.exercises[0];
//! assert_eq!(deadlift.exercise, ExerciseId::Known(Exercise::Deadlift));
//! assert_eq!(deadlift.sets.len(), 2);
//! assert!(deadlift.sets[0].warmup);
//! assert_eq!(parsed.report.skipped["rest timer"], 1);
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
use std::io::{BufRead, BufReader, Read};
use thiserror::Error;

pub use fields::{KG_PER_LB, LB_DECIMALS};
pub use format::{Format, detect};
pub use key::SetKey;
pub use map::{DEFAULT_TABLE, ExerciseMap, MapFileError, MapProblem};
pub use pullback_core::{Exercise, ExerciseId, ExerciseLog, Note, Set, Units};

/// The local time FitNotes workouts (dates without a time) are placed at.
pub const DATE_ONLY_TIME: Time = Time::constant(12, 0, 0, 0);

/// At most this many bad rows are listed; the total is counted.
pub const MAX_BAD_ROWS: usize = 50;

/// The longest header line looked at for detection.
const MAX_HEADER_BYTES: u64 = 64 * 1024;

/// The reasons rows are skipped, as they appear in [`Report::skipped`].
pub mod skip {
    /// Strong's `Note` pseudo-row.
    pub const NOTE: &str = "note";
    /// Strong's `Rest Timer` pseudo-row.
    pub const REST_TIMER: &str = "rest timer";
    /// A row with a distance or a time and no reps (cardio, planks).
    pub const DISTANCE_OR_TIME: &str = "distance or time only";
    /// A bad row, skipped because [`Options::skip_bad_rows`](crate::Options::skip_bad_rows).
    pub const BAD_ROW: &str = "bad row";
}

/// How to read a file.
#[derive(Debug, Clone)]
pub struct Options {
    /// The format; `None` detects it from the header line.
    pub format: Option<Format>,
    /// The user's unit: loads come out in it, and Strong's comma dialect is in it.
    pub units: Units,
    /// Local times in the file are read in this zone.
    pub time_zone: TimeZone,
    pub mapping: ExerciseMap,
    /// Skip bad rows (and list them in the report) instead of refusing the file.
    pub skip_bad_rows: bool,
}

impl Options {
    /// Detection, the default exercise map, and bad rows refused.
    pub fn new(units: Units, time_zone: TimeZone) -> Options {
        Options { format: None, units, time_zone, mapping: ExerciseMap::default(), skip_bad_rows: false }
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
    /// One key per set: the sets of `exercises[0]` in order, then of `exercises[1]`…
    pub keys: Vec<SetKey>,
    /// The workout's note (Strong's workout notes, Hevy's description).
    pub note: Option<Note>,
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
    /// App name (as first written) → Pullback id.
    pub mapped: BTreeMap<String, String>,
    /// App name → number of sets kept as an other exercise.
    pub unmapped: BTreeMap<String, usize>,
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
    #[error(
        "the header line {header:?} is not one of a Strong, Hevy or FitNotes export; check that this is the app's CSV export, or name the format ({})",
        Format::ALL.map(Format::id).join(", ")
    )]
    UnknownFormat { header: String },
    #[error("the header has no {} column, which a {format} export has; check the file or the format", missing.join(", "))]
    MissingColumns { format: Format, missing: Vec<&'static str> },
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
                last.exercises.extend(session.exercises);
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
    let mut header = Vec::new();
    (&mut input).take(MAX_HEADER_BYTES).read_until(b'\n', &mut header)?;
    if header.starts_with(b"\xEF\xBB\xBF") {
        header.drain(..3);
    }
    if header.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    let format = match options.format {
        Some(format) => format,
        None => {
            let text = String::from_utf8_lossy(&header);
            detect(&text)
                .ok_or_else(|| ImportError::UnknownFormat { header: text.trim_end().chars().take(300).collect() })?
        }
    };

    let mut csv = csv::ReaderBuilder::new()
        .delimiter(format.delimiter())
        .flexible(true)
        .from_reader(std::io::Cursor::new(header).chain(input));
    let names = csv.headers().map_err(|e| csv_error(e, 1))?.clone();
    let layout = format::Layout::resolve(format, &names)?;
    let mut builder = read::Builder::new(format, layout, options);
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(true) => builder.row(&record, record.position().map_or(0, csv::Position::line)),
            Ok(false) => break,
            Err(error) => match error.kind() {
                csv::ErrorKind::Utf8 { pos, err } => {
                    let line = pos.as_ref().map_or(0, csv::Position::line);
                    builder.unreadable(line, Some(err.field()), "the text is not valid UTF-8".into());
                }
                _ => return Err(csv_error(error, record.position().map_or(0, csv::Position::line))),
            },
        }
        builder.take_ready().try_for_each(&mut sink)?;
    }
    let report = builder.finish()?;
    builder.take_ready().try_for_each(&mut sink)?;
    Ok((builder.format(), report))
}

fn csv_error(error: csv::Error, line: u64) -> ImportError {
    let line = error.position().map_or(line, csv::Position::line);
    match error.into_kind() {
        csv::ErrorKind::Io(error) => ImportError::Io(error),
        kind => ImportError::Csv { line, message: format!("{kind:?}") },
    }
}
