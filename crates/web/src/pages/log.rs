//! Log a session: one exercise, its sets, and how the back felt during it.
//!
//! The form works without JavaScript (five set rows; empty rows are skipped);
//! with it, "Repeat last set" copies a row. The first row is prefilled from the
//! lifter's last logged set of the exercise, so repeating a session takes one tap.

use crate::auth::Lifter;
use crate::csrf::{CsrfToken, Form};
use crate::error::PageError;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use maud::{Markup, html};
use pullback_core::values::MAX_LOAD;
use pullback_core::{
    BlockHeight, Decimal, Exercise, ExerciseId, ExerciseLog, Load, Pain, Point, Reps, Rpe, SessionCheckin, Set, Tempo,
    Units,
};
use pullback_store::{At, NewSession, Store, StoredProfile, UserId};
use std::collections::HashMap;
use std::str::FromStr;

/// The most set rows one session takes.
pub const MAX_ROWS: usize = 12;
/// The rows shown without JavaScript.
pub const SHOWN_ROWS: usize = 5;
/// How many recent sessions are searched for the last set to prefill.
const PREFILL_LOOK_BACK: usize = 30;
/// The value of `datetime-local` inputs: local date and time to the minute.
const LOCAL_TIME: &str = "%Y-%m-%dT%H:%M";

/// One set row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Row {
    load: String,
    reps: String,
    rpe: String,
    warmup: bool,
}

impl Row {
    fn is_blank(&self) -> bool {
        self.load.trim().is_empty() && self.reps.trim().is_empty()
    }
}

/// The form as typed, kept as text so that a refused form comes back as entered.
#[derive(Debug, Clone, Default)]
struct Entered {
    at: String,
    exercise: String,
    tempo: String,
    block_height: String,
    rows: Vec<Row>,
    /// Set rows past [`MAX_ROWS`] that hold something.
    rows_beyond_max: bool,
    pain_during: String,
    bottom_only: bool,
}

impl Entered {
    /// A fresh form: now, the usual variation, and the last set of it in the first row.
    fn fresh(now: Timestamp, zone: &TimeZone, exercise: Exercise, last: Option<&Set>) -> Entered {
        let first =
            last.map(|set| Row { load: set.load.to_string(), reps: set.reps.value().to_string(), ..Row::default() });
        Entered {
            at: local_time(now, zone),
            exercise: exercise.id().to_owned(),
            rows: first.into_iter().collect(),
            ..Entered::default()
        }
    }

    fn from_fields(fields: &HashMap<String, String>) -> Entered {
        let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
        let checked = |name: &str| fields.get(name).is_some_and(|v| !v.is_empty());
        let mut rows: Vec<Row> = (0..MAX_ROWS)
            .map(|i| Row {
                load: text(&format!("load_{i}")),
                reps: text(&format!("reps_{i}")),
                rpe: text(&format!("rpe_{i}")),
                warmup: checked(&format!("warmup_{i}")),
            })
            .collect();
        while rows.last().is_some_and(|r| r.is_blank() && r.rpe.trim().is_empty()) {
            rows.pop();
        }
        Entered {
            at: text("at"),
            exercise: text("exercise"),
            tempo: text("tempo"),
            block_height: text("block_height"),
            rows,
            rows_beyond_max: fields
                .iter()
                .any(|(k, v)| row_index(k).is_some_and(|i| i >= MAX_ROWS) && !v.trim().is_empty()),
            pain_during: text("pain_during"),
            bottom_only: checked("bottom_only"),
        }
    }

    /// The session to store, or one message per problem, each naming its field.
    fn session(&self, units: Units, zone: &TimeZone, now: Timestamp) -> Result<NewSession, Vec<String>> {
        let mut problems = Vec::new();
        let at = read_time(&self.at, zone, now).map_err(|p| problems.push(p)).ok();
        let exercise = Exercise::from_id(self.exercise.trim())
            .ok_or_else(|| problems.push("Exercise: choose one from the list.".to_owned()))
            .ok();
        let tempo = optional(&self.tempo, |t| {
            Tempo::parse(t).map_err(|_| "Tempo: write three digits joined by dashes, like 3-1-3.".to_owned())
        });
        let block_height = optional(&self.block_height, |t| read_block_height(t, units));
        let pain = optional(&self.pain_during, |t| {
            t.parse::<i64>()
                .ok()
                .and_then(|v| Pain::parse(v).ok())
                .ok_or_else(|| "Pain during: choose a number from 0 to 10.".to_owned())
        });
        let sets = self.sets(units, &mut problems);
        let (tempo, block_height, pain) =
            (keep(tempo, &mut problems), keep(block_height, &mut problems), keep(pain, &mut problems));
        if self.bottom_only && self.pain_during.trim().is_empty() {
            problems.push("Pain only at the bottom: also rate your pain during the session.".to_owned());
        }
        match (at, exercise) {
            (Some(at), Some(exercise)) if problems.is_empty() => Ok(NewSession {
                at,
                external_id: None,
                exercises: vec![ExerciseLog {
                    exercise: ExerciseId::Known(exercise),
                    tempo,
                    block_height,
                    sets,
                    note: None,
                }],
                checkins: pain
                    .map(|pain| SessionCheckin {
                        point: Point::During,
                        pain,
                        at: None,
                        side: None,
                        bottom_only: self.bottom_only,
                    })
                    .into_iter()
                    .collect(),
                note: None,
            }),
            _ => Err(problems),
        }
    }

    /// The filled rows as sets; a half-filled or mistyped row adds a problem naming it.
    fn sets(&self, units: Units, problems: &mut Vec<String>) -> Vec<Set> {
        let mut sets = Vec::new();
        let earlier = problems.len();
        for (index, row) in self.rows.iter().enumerate() {
            if row.is_blank() {
                continue;
            }
            match read_row(index + 1, row, units) {
                Ok(set) => sets.push(set),
                Err(mut row_problems) => problems.append(&mut row_problems),
            }
        }
        if self.rows_beyond_max {
            problems.push(format!("Sets: log at most {MAX_ROWS} sets in one session."));
        }
        // A session needs a set; a mistyped row has already said what is wrong.
        if sets.is_empty() && problems.len() == earlier {
            problems.push("Sets: enter at least one set (load and reps).".to_owned());
        }
        sets
    }
}

/// `load_3` → 3, for any set field.
fn row_index(name: &str) -> Option<usize> {
    let (prefix, index) = name.rsplit_once('_')?;
    matches!(prefix, "load" | "reps" | "rpe").then(|| index.parse().ok()).flatten()
}

/// `None` for an empty field, else the field read by `read`.
fn optional<T>(text: &str, read: impl FnOnce(&str) -> Result<T, String>) -> Option<Result<T, String>> {
    let text = text.trim();
    (!text.is_empty()).then(|| read(text))
}

fn keep<T>(value: Option<Result<T, String>>, problems: &mut Vec<String>) -> Option<T> {
    match value {
        Some(Ok(v)) => Some(v),
        Some(Err(problem)) => {
            problems.push(problem);
            None
        }
        None => None,
    }
}

/// A decimal as typed on a phone: `142.5` or `142,5`.
fn decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str(&text.trim().replace(',', ".")).ok()
}

fn read_row(number: usize, row: &Row, units: Units) -> Result<Set, Vec<String>> {
    let unit = units.load_symbol();
    let mut problems = Vec::new();
    if row.load.trim().is_empty() || row.reps.trim().is_empty() {
        let missing = if row.load.trim().is_empty() { "load" } else { "reps" };
        return Err(vec![format!("Set {number}: enter the {missing} too, or leave the whole row empty.")]);
    }
    let load = decimal(&row.load)
        .and_then(|d| Load::parse(d).ok())
        .ok_or_else(|| problems.push(format!("Set {number}: load must be a number from 0 to {MAX_LOAD} {unit}.")))
        .ok();
    let reps = row
        .reps
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|n| Reps::parse(n).ok())
        .ok_or_else(|| problems.push(format!("Set {number}: reps must be a whole number from 0 to {}.", Reps::MAX)))
        .ok();
    let rpe = optional(&row.rpe, |t| {
        decimal(t)
            .and_then(|d| Rpe::parse(d).ok())
            .ok_or_else(|| format!("Set {number}: RPE must be from 6 to 10 in steps of 0.5, or left empty."))
    });
    let rpe = keep(rpe, &mut problems);
    match (load, reps) {
        (Some(load), Some(reps)) if problems.is_empty() => Ok(Set { load, reps, rpe, warmup: row.warmup, note: None }),
        _ => Err(problems),
    }
}

fn read_block_height(text: &str, units: Units) -> Result<BlockHeight, String> {
    decimal(text)
        .and_then(|d| BlockHeight::parse(d).ok())
        .ok_or_else(|| format!("Block height: must be a number from 0 to 200 {}.", units.height_symbol()))
}

/// The session time, typed in the lifter's zone; not after now. Empty means now.
fn read_time(text: &str, zone: &TimeZone, now: Timestamp) -> Result<At, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(At::in_zone(now, zone));
    }
    let zoned = DateTime::from_str(text)
        .ok()
        .and_then(|local| local.to_zoned(zone.clone()).ok())
        .ok_or_else(|| format!("When: {text:?} is not a date and time like 2026-03-02T07:00."))?;
    if zoned.timestamp() > now {
        return Err(format!(
            "When: {} is in the future (it is now {}). Log a session once it has happened.",
            zoned.strftime("%a %-d %b %H:%M"),
            now.to_zoned(zone.clone()).strftime("%a %-d %b %H:%M")
        ));
    }
    Ok(At::from(zoned))
}

fn local_time(now: Timestamp, zone: &TimeZone) -> String {
    now.to_zoned(zone.clone()).strftime(LOCAL_TIME).to_string()
}

/// The browser's limit for the time field: the end of today, not now, so that a
/// form opened before the session still takes the time it ended (the server
/// refuses a time after now).
fn end_of_today(now: Timestamp, zone: &TimeZone) -> String {
    format!("{}T23:59", now.to_zoned(zone.clone()).date())
}

/// The lifter's last logged set of `exercise` (the last work set of the latest
/// session that has one; a warm-up only when there was nothing else).
async fn last_set(
    store: &dyn Store,
    user: UserId,
    exercise: Exercise,
    now: Timestamp,
) -> Result<Option<Set>, PageError> {
    let sessions = store.sessions(user, Some(PREFILL_LOOK_BACK)).await?;
    let last = sessions.iter().rev().filter(|s| s.at.instant <= now).find_map(|entry| {
        let sets: Vec<&Set> = entry
            .session
            .exercises
            .iter()
            .filter(|e| e.exercise.known() == Some(exercise))
            .flat_map(|e| e.sets.iter())
            .collect();
        sets.iter().rev().find(|s| !s.warmup).or(sets.last()).map(|s| (*s).clone())
    });
    Ok(last)
}

pub async fn page(State(state): State<AppState>, lifter: Lifter, token: CsrfToken) -> Result<Markup, PageError> {
    let now = state.now();
    let profile = state.store.profile(lifter.user.id).await?;
    let exercise = profile.profile.usual_variation.exercise();
    let increment = profile.profile.load_increment;
    // An imported load of many decimals is offered as the lifter would type it.
    let last = last_set(state.store.as_ref(), lifter.user.id, exercise, now)
        .await?
        .map(|set| Set { load: Load::parse(set.load.shown(increment).value).unwrap_or(set.load), ..set });
    let entered = Entered::fresh(now, &profile.profile.time_zone, exercise, last.as_ref());
    Ok(log_page(&lifter, &token, &profile, now, &entered, &[]))
}

pub async fn save(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let now = state.now();
    let profile = state.store.profile(lifter.user.id).await?;
    let entered = Entered::from_fields(&fields);
    match entered.session(profile.profile.units, &profile.profile.time_zone, now) {
        Ok(session) => {
            state.store.add_session(lifter.user.id, &session).await?;
            Ok(Redirect::to("/").into_response())
        }
        Err(problems) => {
            let page = log_page(&lifter, &token, &profile, now, &entered, &problems);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

fn log_page(
    lifter: &Lifter,
    token: &CsrfToken,
    profile: &StoredProfile,
    now: Timestamp,
    entered: &Entered,
    problems: &[String],
) -> Markup {
    let units = profile.profile.units;
    let body = html! {
        h1 { "Log a session" }
        (problem_list(problems))
        form.stack.log method="post" action="/log" {
            (csrf_field(token))
            label { "When"
                input type="datetime-local" name="at" required value=(entered.at)
                    max=(end_of_today(now, &profile.profile.time_zone));
            }
            label { "Exercise"
                select name="exercise" {
                    @for exercise in Exercise::ALL {
                        option value=(exercise.id()) selected[entered.exercise == exercise.id()] { (label(exercise)) }
                    }
                }
            }
            (set_rows(entered, units))
            (tempo_and_block(entered, units))
            fieldset {
                legend { "Worst pain during the session (optional)" }
                p.hint { "0 is no pain, 10 the worst pain you can imagine." }
                (pain_scale("pain_during", &entered.pain_during, true))
            }
            label.check {
                input type="checkbox" name="bottom_only" value="on" checked[entered.bottom_only];
                span { "It hurt only at the bottom of the lift" }
            }
            button type="submit" { "Save session" }
        }
    };
    app_page("Log a session", &lifter.user, token, Nav::Log, body)
}

fn set_rows(entered: &Entered, units: Units) -> Markup {
    let used = entered.rows.len().clamp(SHOWN_ROWS, MAX_ROWS);
    let blank = Row::default();
    html! {
        fieldset.sets {
            legend { "Sets" }
            p.hint { "Load in " (units.load_symbol()) " (0 for bodyweight). Rows left empty are skipped." }
            div #sets data-max-rows=(MAX_ROWS) {
                @for index in 0..used {
                    (set_row(index, entered.rows.get(index).unwrap_or(&blank), units))
                }
            }
            // Shown by app.js: without JavaScript there is nothing to click.
            button.secondary type="button" data-repeat-set="sets" hidden { "Repeat last set" }
        }
    }
}

fn set_row(index: usize, row: &Row, units: Units) -> Markup {
    html! {
        div.set-row data-set-row {
            span.set-number data-set-number { (index + 1) }
            label { span { "Load " (units.load_symbol()) }
                input type="number" name=(format!("load_{index}")) value=(row.load) min="0" step="any"
                    inputmode="decimal";
            }
            label { span { "Reps" }
                input type="number" name=(format!("reps_{index}")) value=(row.reps) min="0" step="1"
                    inputmode="numeric";
            }
            label { span { "RPE" }
                input type="number" name=(format!("rpe_{index}")) value=(row.rpe) min="6" max="10" step="0.5"
                    inputmode="decimal";
            }
            label.warmup { span { "Warm-up" }
                input type="checkbox" name=(format!("warmup_{index}")) value="on" checked[row.warmup];
            }
        }
    }
}

fn tempo_and_block(entered: &Entered, units: Units) -> Markup {
    let open = !entered.tempo.trim().is_empty() || !entered.block_height.trim().is_empty();
    html! {
        details.more open[open] {
            summary { "Tempo and blocks (optional)" }
            div.stack {
                label { "Tempo, seconds down-pause-up (like 3-1-3)"
                    input type="text" name="tempo" value=(entered.tempo) placeholder="3-1-3" pattern="[0-9]-[0-9]-[0-9]"
                        autocomplete="off";
                }
                label { "Block height (" (units.height_symbol()) ")"
                    input type="number" name="block_height" value=(entered.block_height) min="0" max="200" step="any"
                        inputmode="decimal";
                }
            }
        }
    }
}

/// "Romanian deadlift", "Sumo deadlift".
fn label(exercise: Exercise) -> String {
    let name = exercise.name();
    let mut chars = name.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The problems of a refused form, one line each.
pub fn problem_list(problems: &[String]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.problem role="alert" {
                p { "Please check the form:" }
                ul { @for problem in problems { li { (problem) } } }
            }
        }
    }
}

/// The 0–10 pain scale as big tap targets; `optional` adds a "not rated" choice.
pub fn pain_scale(name: &str, chosen: &str, optional: bool) -> Markup {
    let chosen = chosen.trim();
    html! {
        div.pain-scale {
            @if optional {
                label.skip { input type="radio" name=(name) value="" checked[chosen.is_empty()]; span { "Skip" } }
            }
            @for value in 0..=Pain::MAX {
                @let text = value.to_string();
                label { input type="radio" name=(name) value=(text) checked[chosen == text]; span { (text) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn now() -> Timestamp {
        "2026-03-02T07:00:00Z".parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn blank_rows_are_skipped_and_warmups_kept() {
        let entered = Entered::from_fields(&fields(&[
            ("at", "2026-03-02T06:00"),
            ("exercise", "deadlift"),
            ("load_0", "60"),
            ("reps_0", "5"),
            ("warmup_0", "on"),
            ("load_2", "140,5"),
            ("reps_2", "5"),
            ("rpe_2", "8.5"),
        ]));
        let session = entered.session(Units::Kg, &TimeZone::UTC, now()).unwrap_or_else(|p| panic!("{p:?}"));
        let sets = &session.exercises[0].sets;
        assert_eq!(sets.len(), 2);
        assert!(sets[0].warmup && !sets[1].warmup);
        assert_eq!(sets[1].load.to_string(), "140.5");
        assert!(session.checkins.is_empty());
    }

    #[test]
    fn each_problem_names_its_field() {
        let entered = Entered::from_fields(&fields(&[
            ("at", "2026-03-02T08:00"),
            ("exercise", "squat"),
            ("tempo", "3-1"),
            ("load_0", "100"),
            ("load_1", "100"),
            ("reps_1", "five"),
            ("pain_during", "11"),
            ("load_12", "100"),
        ]));
        let problems = entered.session(Units::Kg, &TimeZone::UTC, now()).err().unwrap_or_default();
        for expected in
            ["When:", "Exercise:", "Tempo:", "Set 1: enter the reps", "Set 2: reps", "Pain during:", "Sets:"]
        {
            assert!(problems.iter().any(|p| p.starts_with(expected)), "{expected} missing from {problems:?}");
        }
    }

    #[test]
    fn bottom_only_needs_a_pain_rating() {
        let entered = Entered::from_fields(&fields(&[
            ("exercise", "deadlift"),
            ("load_0", "100"),
            ("reps_0", "5"),
            ("bottom_only", "on"),
        ]));
        let problems = entered.session(Units::Kg, &TimeZone::UTC, now()).err().unwrap_or_default();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("Pain only at the bottom"));
    }
}
