//! The reader: rows → sets, grouped into sessions, with the report.

use crate::fields;
use crate::format::{DateStyle, DurationSource, Layout, UnitSource};
use crate::key::{KeyParts, SetKey};
use crate::{BadRow, Format, ImportError, MAX_BAD_ROWS, Options, ParsedSession, Report, skip};
use jiff::SignedDuration;
use jiff::civil::DateTime;
use pullback_core::{Exercise, ExerciseId, ExerciseLog, Rpe, Set, Units};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// What one row turned out to be.
enum Outcome<'r> {
    Set(RowSet<'r>),
    Skip(&'static str),
}

/// A row that is a set, with what groups it and what keys it.
struct RowSet<'r> {
    start: DateTime,
    title: &'r str,
    duration: Option<SignedDuration>,
    exercise: &'r str,
    order: &'r str,
    /// As written, in `unit` (for the key).
    weight: Decimal,
    unit: Units,
    set: Set,
}

struct SessionBuild {
    start: DateTime,
    at: jiff::Zoned,
    title: String,
    duration: Option<SignedDuration>,
    exercises: Vec<ExerciseBuild>,
}

struct ExerciseBuild {
    app_name: String,
    log: ExerciseLog,
    keys: Vec<SetKey>,
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
    /// App name → mapped exercise, for each name seen.
    names: HashMap<String, Option<Exercise>>,
    report: Report,
    bad_total: usize,
}

impl<'o> Builder<'o> {
    pub fn new(format: Format, layout: Layout, options: &'o Options) -> Builder<'o> {
        Builder {
            format,
            options,
            layout,
            open: None,
            ready: Vec::new(),
            seen: HashSet::new(),
            last_date: None,
            names: HashMap::new(),
            report: Report::default(),
            bad_total: 0,
        }
    }

    /// One data row, at `line` (1-based, the header is line 1).
    pub fn row(&mut self, record: &csv::StringRecord, line: u64) {
        self.report.rows += 1;
        let result = if record.len() == self.layout.names.len() {
            self.parse(record, line).and_then(|outcome| match outcome {
                Outcome::Set(set) => self.add(set, line),
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
        let order = layout.set_order.map_or("", field);
        match (layout.set_order, layout.set_type) {
            // Strong: the set order says what the row is.
            (Some(column), None) => match order {
                o if o.eq_ignore_ascii_case("Note") => return Ok(Outcome::Skip(skip::NOTE)),
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

        let cardio = [layout.distance, layout.seconds].into_iter().flatten().any(|c| fields::is_nonzero(field(c)));
        let reps_text = field(layout.reps);
        if reps_text.is_empty() {
            if cardio {
                return Ok(Outcome::Skip(skip::DISTANCE_OR_TIME));
            }
            return Err(bad(layout.reps, "the reps are empty; a set needs a whole number of reps".into()));
        }
        let reps = fields::reps(reps_text).map_err(|r| bad(layout.reps, r))?;
        if reps.value() == 0 && cardio {
            return Ok(Outcome::Skip(skip::DISTANCE_OR_TIME));
        }

        let start =
            start_of(&mut self.last_date, layout.date_style, field(layout.date)).map_err(|r| bad(layout.date, r))?;

        let weight_text = field(layout.weight);
        let weight = if weight_text.is_empty() {
            Decimal::ZERO
        } else {
            fields::decimal(weight_text).map_err(|r| bad(layout.weight, r))?
        };
        if weight.is_sign_negative() && !weight.is_zero() {
            return Err(bad(layout.weight, format!("{weight} is negative; weights are 0 or more")));
        }
        let unit = match layout.unit {
            UnitSource::User => self.options.units,
            UnitSource::Fixed(unit) => unit,
            UnitSource::Column(column) => match (field(column), weight.is_zero()) {
                ("", true) => self.options.units,
                (text, _) => fields::unit(text).ok_or_else(|| {
                    bad(column, format!("{text:?} is not a weight unit; expected kg, kgs, lb or lbs"))
                })?,
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

        Ok(Outcome::Set(RowSet {
            start,
            title: layout.title.map_or("", field),
            duration,
            exercise,
            order,
            weight,
            unit,
            set: Set { load, reps, rpe, warmup },
        }))
    }

    fn add(&mut self, row: RowSet<'_>, line: u64) -> Result<(), BadRow> {
        let mapped = self.exercise(row.exercise);
        // For a bad name of an unmapped exercise (read before `session` borrows self).
        let exercise_column =
            if mapped.is_none() { self.layout.name(self.layout.exercise).to_owned() } else { String::new() };
        let format = self.format;
        let session = self.session(row.start, row.title, line)?;
        session.duration = session.duration.or(row.duration);
        let index = match session.exercises.iter().position(|e| e.app_name == row.exercise) {
            Some(index) => index,
            None => {
                let exercise = match mapped {
                    Some(known) => ExerciseId::Known(known),
                    None => ExerciseId::parse(row.exercise).map_err(|e| BadRow {
                        line,
                        column: exercise_column,
                        reason: e.0,
                    })?,
                };
                session.exercises.push(ExerciseBuild {
                    app_name: row.exercise.to_owned(),
                    log: ExerciseLog { exercise, tempo: None, block_height: None, sets: Vec::new() },
                    keys: Vec::new(),
                });
                session.exercises.len() - 1
            }
        };
        let exercise = &mut session.exercises[index];
        let key = KeyParts {
            app: format.app(),
            start: row.start,
            exercise: row.exercise,
            order: row.order,
            position: exercise.log.sets.len(),
            weight: row.weight,
            unit: row.unit.load_symbol(),
            reps: row.set.reps.value(),
        }
        .key();
        exercise.log.sets.push(row.set);
        exercise.keys.push(key);
        Ok(())
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
                SessionBuild { start, at, title: title.to_owned(), duration: None, exercises: Vec::new() }
            }
        };
        Ok(self.open.insert(session))
    }

    /// Moves the open workout to the ready list, and counts it in the report.
    fn hand_on(&mut self) {
        let Some(s) = self.open.take() else { return };
        let report = &mut self.report;
        report.sets += s.exercises.iter().map(|e| e.log.sets.len()).sum::<usize>();
        if report.first.as_ref().is_none_or(|first| s.at.timestamp() < first.timestamp()) {
            report.first = Some(s.at.clone());
        }
        if report.last.as_ref().is_none_or(|last| s.at.timestamp() > last.timestamp()) {
            report.last = Some(s.at.clone());
        }
        let keys = s.exercises.iter().flat_map(|e| e.keys.iter().copied()).collect();
        let id = format!("{} {} {}", self.format.app(), s.start, s.title).trim_end().to_owned();
        self.ready.push(ParsedSession {
            id,
            at: s.at,
            title: (!s.title.is_empty()).then_some(s.title),
            duration: s.duration,
            exercises: s.exercises.into_iter().map(|e| e.log).collect(),
            keys,
        });
    }

    /// The workouts complete so far, in file order.
    pub fn take_ready(&mut self) -> std::vec::Drain<'_, ParsedSession> {
        self.ready.drain(..)
    }

    /// The mapped exercise of an app name; counts the row in the report.
    fn exercise(&mut self, name: &str) -> Option<Exercise> {
        let mapped = match self.names.get(name) {
            Some(&mapped) => mapped,
            None => {
                let mapped = self.options.mapping.get(name);
                self.names.insert(name.to_owned(), mapped);
                match mapped {
                    Some(exercise) => {
                        self.report.mapped.insert(name.to_owned(), exercise.id().to_owned());
                    }
                    None => {
                        self.report.unmapped.insert(name.to_owned(), 0);
                    }
                }
                mapped
            }
        };
        if mapped.is_none()
            && let Some(rows) = self.report.unmapped.get_mut(name)
        {
            *rows += 1;
        }
        mapped
    }

    /// Ends the file: hands on the last workout, and gives the report, or the bad
    /// rows unless they are to be skipped.
    pub fn finish(&mut self) -> Result<Report, ImportError> {
        self.hand_on();
        let mut report = std::mem::take(&mut self.report);
        if self.bad_total > 0 {
            if !self.options.skip_bad_rows {
                return Err(ImportError::BadRows { rows: report.bad_rows, total: self.bad_total });
            }
            report.skipped.insert(skip::BAD_ROW, self.bad_total);
        }
        report.sessions = self.seen.len();
        Ok(report)
    }

    pub fn format(&self) -> Format {
        self.format
    }
}
