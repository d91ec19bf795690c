//! The reader: rows → sets, grouped into sessions, with the report.

use crate::fields;
use crate::format::{DateStyle, Dialect, DurationSource, Layout, UnitSource};
use crate::key::{KeyParts, SetKey};
use crate::map::Lookup;
use crate::{BadRow, Format, ImportError, MAX_BAD_ROWS, Options, ParsedSession, Report, UnitsRead, skip};
use jiff::civil::DateTime;
use jiff::{SignedDuration, Timestamp};
use pullback_core::{ExerciseId, ExerciseLog, Note, Rpe, Set, Units};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// What one row turned out to be.
enum Outcome<'r> {
    Set(RowSet<'r>),
    /// Strong's `Note` row: an exercise's note.
    Note(NoteRow<'r>),
    Skip(&'static str),
}

/// A row that is a set, with what groups it and what keys it.
struct RowSet<'r> {
    start: DateTime,
    title: &'r str,
    duration: Option<SignedDuration>,
    exercise: &'r str,
    order: &'r str,
    /// As written, in `key_unit` (for the key).
    weight: Decimal,
    key_unit: Units,
    set: Set,
    exercise_note: Option<Note>,
    session_note: Option<Note>,
}

/// Strong's `Note` row: the note of an exercise of a workout.
struct NoteRow<'r> {
    start: DateTime,
    title: &'r str,
    exercise: &'r str,
    note: Note,
}

struct SessionBuild {
    start: DateTime,
    at: jiff::Zoned,
    title: String,
    duration: Option<SignedDuration>,
    note: Option<Note>,
    exercises: Vec<ExerciseBuild>,
    /// Where its first row is, when the places of the parts are noted.
    first_row: Option<csv::Position>,
}

struct ExerciseBuild {
    app_name: String,
    decided: bool,
    log: ExerciseLog,
    keys: Vec<SetKey>,
}

/// Where the rows of one part of a workout are in the file, for
/// [`crate::read_each_in_time_order`].
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub at: Timestamp,
    pub title: String,
    /// The first row's position.
    pub start: csv::Position,
    /// The byte the next part's first row starts at; `None` for the last part.
    pub end: Option<u64>,
}

/// The start of a row's workout; the previous row's parse when the text is the same.
fn start_of(last: &mut Option<(String, DateTime)>, style: DateStyle, text: &str) -> Result<DateTime, String> {
    if let Some((last_text, parsed)) = last
        && last_text == text
    {
        return Ok(*parsed);
    }
    let parsed = fields::date_time(text, style)?;
    *last = Some((text.to_owned(), parsed));
    Ok(parsed)
}

pub(crate) struct Builder<'o> {
    format: Format,
    options: &'o Options,
    layout: Layout,
    /// The workout the previous set rows belong to. Rows of a workout come together
    /// in every app's export, so a workout is handed on (to [`Builder::take_ready`])
    /// as soon as a row of another one arrives, and the file is never held whole.
    open: Option<SessionBuild>,
    /// Workouts handed on, not yet taken.
    ready: Vec<ParsedSession>,
    /// Every workout seen, by start and title (for the count; a few bytes each).
    seen: HashSet<(DateTime, String)>,
    /// The previous row's date text and its parse (rows of a workout share it).
    last_date: Option<(String, DateTime)>,
    /// App name → how it maps, for each name seen.
    names: HashMap<String, Lookup>,
    report: Report,
    bad_total: usize,
    /// An error that stops the read (a weight whose unit nobody gave).
    fatal: Option<ImportError>,
    /// Whether the unit given with the file was used.
    given_used: bool,
    /// The places of the parts handed on, when asked for.
    parts: Option<Vec<Part>>,
    /// The row being read.
    row_position: Option<csv::Position>,
}

impl<'o> Builder<'o> {
    pub fn new(dialect: &Dialect, layout: Layout, options: &'o Options, track_parts: bool) -> Builder<'o> {
        let units = match &layout.unit {
            UnitSource::Named(unit, column) => UnitsRead::Named { unit: *unit, column: column.clone() },
            UnitSource::Column(i) => UnitsRead::Column { column: layout.name(*i).to_owned(), kg: 0, lb: 0 },
            UnitSource::Unstated => options.file_units.map_or(UnitsRead::NotNeeded, UnitsRead::Given),
        };
        let report = Report { units, read_by_position: dialect.by_position.clone(), ..Report::default() };
        Builder {
            format: dialect.format,
            options,
            given_used: matches!(layout.unit, UnitSource::Unstated),
            layout,
            open: None,
            ready: Vec::new(),
            seen: HashSet::new(),
            last_date: None,
            names: HashMap::new(),
            report,
            bad_total: 0,
            fatal: None,
            parts: track_parts.then(Vec::new),
            row_position: None,
        }
    }

    /// One data row, at `position` (its line is 1-based, the header is line 1).
    pub fn row(&mut self, record: &csv::StringRecord, position: &csv::Position) {
        let line = position.line();
        self.row_position = Some(position.clone());
        self.report.rows += 1;
        let result = if record.len() == self.layout.names.len() {
            self.parse(record, line).and_then(|outcome| match outcome {
                Outcome::Set(set) => self.add(set, line),
                Outcome::Note(note) => self.note(note, line),
                Outcome::Skip(reason) => {
                    *self.report.skipped.entry(reason).or_default() += 1;
                    Ok(())
                }
            })
        } else {
            Err(BadRow {
                line,
                column: String::new(),
                reason: format!("this row has {} fields; the header has {}", record.len(), self.layout.names.len()),
            })
        };
        if let Err(bad) = result {
            self.bad(bad);
        }
    }

    /// A row that could not be read at all (invalid UTF-8 in column `field`).
    pub fn unreadable(&mut self, line: u64, field: Option<usize>, reason: String) {
        self.report.rows += 1;
        let column = field.map_or("", |f| self.layout.name(f)).to_owned();
        self.bad(BadRow { line, column, reason });
    }

    /// The error that stops the read, once.
    pub fn fatal(&mut self) -> Option<ImportError> {
        self.fatal.take()
    }

    fn bad(&mut self, bad: BadRow) {
        self.bad_total += 1;
        if self.report.bad_rows.len() < MAX_BAD_ROWS {
            self.report.bad_rows.push(bad);
        }
    }

    fn parse<'r>(&mut self, record: &'r csv::StringRecord, line: u64) -> Result<Outcome<'r>, BadRow> {
        let layout = &self.layout;
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let bad = |column: usize, reason: String| BadRow { line, column: layout.name(column).to_owned(), reason };

        let mut warmup = false;
        let mut note_row = false;
        let order = layout.set_order.map_or("", field);
        match (layout.set_order, layout.set_type) {
            // Strong: the set order says what the row is.
            (Some(column), None) => match order {
                o if o.eq_ignore_ascii_case("Note") => note_row = true,
                o if o.eq_ignore_ascii_case("Rest Timer") => return Ok(Outcome::Skip(skip::REST_TIMER)),
                "W" | "w" => warmup = true,
                "D" | "d" | "F" | "f" => {}
                o if o.parse::<u32>().is_ok() => {}
                o => {
                    return Err(bad(column, format!("{o:?} is not a set number, W, D, F, Note or Rest Timer")));
                }
            },
            // Hevy: a set index and a set type.
            (Some(index), Some(column)) => {
                if order.parse::<u32>().is_err() {
                    return Err(bad(index, format!("{order:?} is not a set index (a whole number from 0)")));
                }
                match field(column) {
                    "normal" | "dropset" | "failure" => {}
                    "warmup" => warmup = true,
                    other => {
                        return Err(bad(
                            column,
                            format!("{other:?} is not a set type; expected normal, warmup, dropset or failure"),
                        ));
                    }
                }
            }
            _ => {}
        }

        let exercise = field(layout.exercise);
        if exercise.is_empty() {
            return Err(bad(layout.exercise, "the exercise name is empty".into()));
        }
        let title = layout.title.map_or("", field);

        if note_row {
            let Some(note) = layout.set_note.and_then(|c| Note::clipped(field(c))) else {
                return Ok(Outcome::Skip(skip::NOTE));
            };
            let start = start_of(&mut self.last_date, layout.date_style, field(layout.date))
                .map_err(|r| bad(layout.date, r))?;
            return Ok(Outcome::Note(NoteRow { start, title, exercise, note }));
        }

        // Timed and cardio rows: no reps, and a time or a distance, or no weight either.
        let cardio = [layout.distance, layout.seconds].into_iter().flatten().any(|c| fields::is_nonzero(field(c)));
        let weight_text = field(layout.weight);
        // Parsed once; a weight that is not a number is a bad row below, once the
        // row is known to be a set.
        let parsed_weight = if weight_text.is_empty() { Ok(Decimal::ZERO) } else { fields::decimal(weight_text) };
        let no_weight = parsed_weight.as_ref().is_ok_and(Decimal::is_zero);
        let reps_text = field(layout.reps);
        if reps_text.is_empty() {
            if cardio || no_weight {
                return Ok(Outcome::Skip(skip::TIMED));
            }
            return Err(bad(layout.reps, "the reps are empty; a set needs a whole number of reps".into()));
        }
        let reps = fields::reps(reps_text).map_err(|r| bad(layout.reps, r))?;
        let timed_columns = layout.distance.is_some() || layout.seconds.is_some();
        if reps.value() == 0 && (cardio || (no_weight && timed_columns)) {
            return Ok(Outcome::Skip(skip::TIMED));
        }

        let start =
            start_of(&mut self.last_date, layout.date_style, field(layout.date)).map_err(|r| bad(layout.date, r))?;

        let weight = parsed_weight.map_err(|r| bad(layout.weight, r))?;
        if weight.is_sign_negative() && !weight.is_zero() {
            return Err(bad(layout.weight, format!("{weight} is negative; weights are 0 or more")));
        }
        let given = self.options.file_units;
        let (unit, key_unit) = match &layout.unit {
            UnitSource::Unstated => match (given, weight.is_zero()) {
                (Some(unit), _) => (unit, self.options.units),
                (None, true) => (self.options.units, self.options.units),
                (None, false) => {
                    self.fatal =
                        Some(ImportError::UnitNeeded { format: self.format, line, weight: weight_text.to_owned() });
                    return Ok(Outcome::Skip(skip::BAD_ROW));
                }
            },
            UnitSource::Named(unit, _) => (*unit, *unit),
            UnitSource::Column(column) => match (field(*column), weight.is_zero(), given) {
                ("", true, _) => (self.options.units, self.options.units),
                ("", false, Some(unit)) => {
                    self.given_used = true;
                    (unit, unit)
                }
                (text, _, _) => {
                    let unit = fields::unit(text).ok_or_else(|| {
                        bad(*column, format!("{text:?} is not a weight unit; expected kg, kgs, lb or lbs"))
                    })?;
                    (unit, unit)
                }
            },
        };
        let load = fields::load(weight, unit, self.options.units).map_err(|r| bad(layout.weight, r))?;

        let rpe = match layout.rpe.map_or("", field) {
            "" => None,
            text => {
                let value = fields::decimal(text).map_err(|r| bad(layout.rpe.unwrap_or_default(), r))?;
                Some(Rpe::parse(value).map_err(|e| bad(layout.rpe.unwrap_or_default(), e.0))?)
            }
        };

        let duration = match layout.duration {
            DurationSource::None => None,
            DurationSource::Text(column) | DurationSource::Seconds(column) if field(column).is_empty() => None,
            DurationSource::Text(column) => Some(fields::duration(field(column)).map_err(|r| bad(column, r))?),
            DurationSource::Seconds(column) => {
                let seconds: u32 = field(column)
                    .parse()
                    .map_err(|_| bad(column, format!("{:?} is not a whole number of seconds", field(column))))?;
                Some(SignedDuration::from_secs(i64::from(seconds)))
            }
            DurationSource::EndTime(column) => match field(column) {
                "" => None,
                text => {
                    let end = fields::date_time(text, layout.date_style).map_err(|r| bad(column, r))?;
                    let duration = start.duration_until(end);
                    if duration.is_negative() {
                        return Err(bad(column, format!("{text:?} is before the start time")));
                    }
                    Some(duration)
                }
            },
        };
        if let UnitsRead::Column { kg, lb, .. } = &mut self.report.units
            && !weight.is_zero()
        {
            *(if unit == Units::Kg { kg } else { lb }) += 1;
        }

        let note = |column: Option<usize>| column.and_then(|c| Note::clipped(field(c)));
        Ok(Outcome::Set(RowSet {
            start,
            title,
            duration,
            exercise,
            order,
            weight,
            key_unit,
            set: Set { load, reps, rpe, warmup, note: note(layout.set_note) },
            exercise_note: note(layout.exercise_note),
            session_note: note(layout.session_note),
        }))
    }

    fn add(&mut self, row: RowSet<'_>, line: u64) -> Result<(), BadRow> {
        let format = self.format;
        let (index, lookup) = self.exercise_entry(row.start, row.title, row.exercise, line)?;
        self.count_set(row.exercise, lookup);
        let session = self.open.as_mut().ok_or_else(|| BadRow {
            line,
            column: String::new(),
            reason: "the workout of this row vanished".into(),
        })?;
        session.duration = session.duration.or(row.duration);
        if session.note.is_none() {
            session.note = row.session_note;
        }
        if row.set.reps.value() == 0 {
            self.report.failed_sets += 1;
        }
        let exercise = &mut session.exercises[index];
        if exercise.log.note.is_none() {
            exercise.log.note = row.exercise_note;
        }
        let key = KeyParts {
            app: format.app(),
            start: row.start,
            exercise: row.exercise,
            order: row.order,
            position: exercise.log.sets.len(),
            weight: row.weight,
            unit: row.key_unit.load_symbol(),
            reps: row.set.reps.value(),
        }
        .key();
        exercise.log.sets.push(row.set);
        exercise.keys.push(key);
        Ok(())
    }

    fn note(&mut self, row: NoteRow<'_>, line: u64) -> Result<(), BadRow> {
        let (index, _) = self.exercise_entry(row.start, row.title, row.exercise, line)?;
        if let Some(exercise) = self.open.as_mut().and_then(|s| s.exercises.get_mut(index)) {
            exercise.log.note = Some(match exercise.log.note.take() {
                Some(before) if before != row.note => join_notes(&before, row.note.as_str()),
                _ => row.note,
            });
        }
        Ok(())
    }

    /// The index of the open workout's entry for the app's exercise `name`, made
    /// (and the name mapped) when new, and how the name maps.
    fn exercise_entry(
        &mut self,
        start: DateTime,
        title: &str,
        name: &str,
        line: u64,
    ) -> Result<(usize, Lookup), BadRow> {
        let lookup = self.lookup(name);
        let units = self.options.units;
        // For a bad name of an unmapped exercise (read before `session` borrows self).
        let exercise_column = self.layout.name(self.layout.exercise).to_owned();
        let session = self.session(start, title, line)?;
        if let Some(index) = session.exercises.iter().position(|e| e.app_name == name) {
            return Ok((index, lookup));
        }
        let (exercise, block_height) = match lookup.exercise() {
            Some((exercise, height)) => (ExerciseId::Known(exercise), height.and_then(|h| h.in_units(units))),
            None => {
                let other =
                    ExerciseId::parse(name).map_err(|e| BadRow { line, column: exercise_column, reason: e.0 })?;
                (other, None)
            }
        };
        session.exercises.push(ExerciseBuild {
            app_name: name.to_owned(),
            decided: lookup.decides(),
            log: ExerciseLog { exercise, tempo: None, block_height, sets: Vec::new(), note: None },
            keys: Vec::new(),
        });
        Ok((session.exercises.len() - 1, lookup))
    }

    /// The open workout that starts at `start` with `title`. A new one hands the
    /// previous one on. A workout whose rows come back after another workout's is
    /// handed on again in parts, with the same start and title; [`crate::read`]
    /// joins the parts.
    fn session(&mut self, start: DateTime, title: &str, line: u64) -> Result<&mut SessionBuild, BadRow> {
        let session = match self.open.take() {
            Some(open) if open.start == start && open.title == title => open,
            previous => {
                self.open = previous;
                let at = start.to_zoned(self.options.time_zone.clone()).map_err(|e| BadRow {
                    line,
                    column: self.layout.name(self.layout.date).to_owned(),
                    reason: format!("{start} cannot be placed in the time zone: {e}"),
                })?;
                self.hand_on();
                self.seen.insert((start, title.to_owned()));
                SessionBuild {
                    start,
                    at,
                    title: title.to_owned(),
                    duration: None,
                    note: None,
                    exercises: Vec::new(),
                    first_row: self.parts.as_ref().and(self.row_position.clone()),
                }
            }
        };
        Ok(self.open.insert(session))
    }

    /// Moves the open workout to the ready list, and counts it in the report.
    pub fn hand_on(&mut self) {
        let Some(mut s) = self.open.take() else { return };
        tidy_notes(&mut s);
        if let (Some(parts), Some(start)) = (self.parts.as_mut(), s.first_row.take()) {
            let end = self.row_position.as_ref().map(csv::Position::byte).filter(|&end| end > start.byte());
            parts.push(Part { at: s.at.timestamp(), title: s.title.clone(), start, end });
        }
        let report = &mut self.report;
        report.sets += s.exercises.iter().map(|e| e.log.sets.len()).sum::<usize>();
        if report.first.as_ref().is_none_or(|first| s.at.timestamp() < first.timestamp()) {
            report.first = Some(s.at.clone());
        }
        if report.last.as_ref().is_none_or(|last| s.at.timestamp() > last.timestamp()) {
            report.last = Some(s.at.clone());
        }
        let notes = &mut report.notes;
        notes.sessions += usize::from(s.note.is_some());
        for e in &s.exercises {
            notes.exercises += usize::from(e.log.note.is_some());
            notes.sets += e.log.sets.iter().filter(|set| set.note.is_some()).count();
        }
        let keys = s.exercises.iter().flat_map(|e| e.keys.iter().copied()).collect();
        let id = format!("{} {} {}", self.format.app(), s.start, s.title).trim_end().to_owned();
        self.ready.push(ParsedSession {
            id,
            at: s.at,
            title: (!s.title.is_empty()).then_some(s.title),
            duration: s.duration,
            decided: s.exercises.iter().map(|e| e.decided).collect(),
            exercises: s.exercises.into_iter().map(|e| e.log).collect(),
            keys,
            note: s.note,
        });
    }

    /// The workouts complete so far, in file order.
    pub fn take_ready(&mut self) -> std::vec::Drain<'_, ParsedSession> {
        self.ready.drain(..)
    }

    /// The places of the parts handed on, in file order (when asked for at [`Builder::new`]).
    pub fn take_parts(&mut self) -> Vec<Part> {
        self.parts.take().unwrap_or_default()
    }

    /// How an app name maps (the report lists each name once).
    fn lookup(&mut self, name: &str) -> Lookup {
        match self.names.get(name) {
            Some(&lookup) => lookup,
            None => {
                let lookup = self.options.mapping.lookup(name);
                self.names.insert(name.to_owned(), lookup);
                match lookup {
                    Lookup::Decided(crate::Target::Exercise(..)) | Lookup::Family(crate::Target::Exercise(..)) => {
                        let target = match lookup {
                            Lookup::Decided(t) | Lookup::Family(t) => t.to_string(),
                            _ => String::new(),
                        };
                        self.report.mapped.insert(name.to_owned(), target);
                    }
                    Lookup::Variant(variant) => {
                        self.report.variants.insert(name.to_owned(), (variant, 0));
                    }
                    _ => {
                        self.report.unmapped.insert(name.to_owned(), 0);
                    }
                }
                lookup
            }
        }
    }

    /// Counts a set of an app name kept as another exercise.
    fn count_set(&mut self, name: &str, lookup: Lookup) {
        match lookup {
            Lookup::Variant(_) => {
                if let Some((_, rows)) = self.report.variants.get_mut(name) {
                    *rows += 1;
                }
            }
            l if l.exercise().is_none() => {
                if let Some(rows) = self.report.unmapped.get_mut(name) {
                    *rows += 1;
                }
            }
            _ => {}
        }
    }

    /// Ends the file: hands on the last workout, and gives the report, or the bad
    /// rows unless they are to be skipped.
    pub fn finish(&mut self) -> Result<Report, ImportError> {
        self.row_position = None;
        self.hand_on();
        let mut report = std::mem::take(&mut self.report);
        // A name seen only in note rows has no sets to list.
        report.variants.retain(|_, (_, sets)| *sets > 0);
        report.unmapped.retain(|_, sets| *sets > 0);
        if self.bad_total > 0 {
            if !self.options.skip_bad_rows {
                return Err(ImportError::BadRows { rows: report.bad_rows, total: self.bad_total });
            }
            report.skipped.insert(skip::BAD_ROW, self.bad_total);
        }
        if !self.given_used {
            report.given_units_unused = self.options.file_units;
        }
        report.sessions = self.seen.len();
        Ok(report)
    }

    pub fn format(&self) -> Format {
        self.format
    }
}

/// Two notes of one place, one after the other.
fn join_notes(first: &Note, second: &str) -> Note {
    Note::clipped(&format!("{}\n{second}", first.as_str())).unwrap_or_else(|| first.clone())
}

/// A note every set of an exercise repeats (Strong writes an exercise's note on each
/// of its rows) becomes the exercise's; a set note equal to the exercise's goes; an
/// exercise without sets (a note row only) gives its note to the workout.
fn tidy_notes(session: &mut SessionBuild) {
    for e in &mut session.exercises {
        let log = &mut e.log;
        let shared = match log.sets.as_slice() {
            [first, _, ..] => first.note.clone().filter(|n| log.sets.iter().all(|s| s.note.as_ref() == Some(n))),
            _ => None,
        };
        if let Some(shared) = shared
            && log.note.as_ref().is_none_or(|n| *n == shared)
        {
            log.note = Some(shared);
        }
        if let Some(note) = &log.note {
            for set in &mut log.sets {
                if set.note.as_ref() == Some(note) {
                    set.note = None;
                }
            }
        }
    }
    let empty: Vec<ExerciseBuild> = {
        let (empty, kept): (Vec<_>, Vec<_>) =
            std::mem::take(&mut session.exercises).into_iter().partition(|e| e.log.sets.is_empty());
        session.exercises = kept;
        empty
    };
    for e in empty {
        if let Some(note) = e.log.note {
            let line = format!("{}: {}", e.app_name, note.as_str());
            session.note = Some(match session.note.take() {
                Some(before) => join_notes(&before, &line),
                None => Note::clipped(&line).unwrap_or(note),
            });
        }
    }
}

/// What the notes of a read were, for tests of the report's sums.
#[cfg(test)]
fn count(sessions: &[ParsedSession]) -> crate::NotesKept {
    let mut kept = crate::NotesKept::default();
    for s in sessions {
        kept.sessions += usize::from(s.note.is_some());
        for e in &s.exercises {
            kept.exercises += usize::from(e.note.is_some());
            kept.sets += e.sets.iter().filter(|set| set.note.is_some()).count();
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, read};

    #[test]
    fn a_note_every_set_repeats_is_the_exercises_and_the_report_counts_what_is_kept() {
        let csv =
            "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE
2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),1,140,5,0,0,belt,Felt fine,
2025-11-03 07:15:02,Pull,1h,Deadlift (Barbell),2,140,5,0,0,belt,Felt fine,
2025-11-03 07:15:02,Pull,1h,Squat (Barbell),1,100,5,0,0,deep,Felt fine,
2025-11-03 07:15:02,Pull,1h,Squat (Barbell),2,100,5,0,0,,Felt fine,
2025-11-03 07:15:02,Pull,1h,Plank,Note,,,,,hold 60 s,Felt fine,
";
        let mut options = Options::new(Units::Kg, jiff::tz::TimeZone::UTC);
        options.file_units = Some(Units::Kg);
        let parsed = read(csv.as_bytes(), &options).unwrap();
        let session = &parsed.sessions[0];
        assert_eq!(session.note.as_ref().map(Note::as_str), Some("Felt fine\nPlank: hold 60 s"));
        assert_eq!(session.exercises.len(), 2, "the plank had a note and no sets");
        assert_eq!(session.exercises[0].note.as_ref().map(Note::as_str), Some("belt"));
        assert!(session.exercises[0].sets.iter().all(|s| s.note.is_none()));
        assert_eq!(session.exercises[1].note, None);
        assert_eq!(session.exercises[1].sets[0].note.as_ref().map(Note::as_str), Some("deep"));
        assert_eq!(parsed.report.notes, count(&parsed.sessions));
        assert_eq!(parsed.report.notes, crate::NotesKept { sessions: 1, exercises: 1, sets: 1 });
    }
}
