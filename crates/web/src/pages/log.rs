//! Log a session: its exercises, their sets, and how the back felt during it.
//!
//! One form serves two ways of logging:
//! - **live** (`/session`, "Start session" on Today): the plan's exercises come
//!   pre-filled, each set is ticked as it is done (only ticked sets are saved), and
//!   the pain during is asked at the end;
//! - **later** (`/log`): the time is chosen and the sets are typed in.
//!
//! Both work without JavaScript (set rows and "Add exercise" are plain form
//! fields and buttons); `app.js` adds one-tap set ticks, a rest timer, adding sets
//! and exercises in place, and keeps a save made offline on the phone until it
//! syncs. Every form carries a `client_id`, so a save sent twice (a retry, a
//! double tap, a sync after a lost answer) is stored once.

use crate::api::audit;
use crate::auth::Lifter;
use crate::csrf::{CsrfToken, Form};
use crate::error::PageError;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use maud::{Markup, html};
use pullback_app::planning::stored_decision;
use pullback_contract::{PlanOutput, PrescribedOut};
use pullback_core::values::MAX_LOAD;
use pullback_core::{
    BlockHeight, Decimal, Exercise, ExerciseId, ExerciseLog, Load, Pain, Point, Reps, Rpe, SessionCheckin, Set, Tempo,
    Units,
};
use pullback_store::{
    At, ClientId, Edit, Entry, NewAudit, NewSession, SessionEntry, SessionId, Store, StoredProfile, UserId,
};
use std::collections::HashMap;
use std::str::FromStr;

/// The most exercises one session takes.
pub const MAX_EXERCISES: usize = 8;
/// The most set rows one exercise takes.
pub const MAX_ROWS: usize = 12;
/// The rows shown for typing in (later mode) without JavaScript.
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
    /// Ticked as done (live mode: only these are saved).
    done: bool,
}

impl Row {
    fn is_blank(&self) -> bool {
        self.load.trim().is_empty() && self.reps.trim().is_empty()
    }
}

/// One exercise as typed, with its set rows.
#[derive(Debug, Clone, Default)]
struct Block {
    exercise: String,
    tempo: String,
    block_height: String,
    rows: Vec<Row>,
}

/// The form as typed, kept as text so that a refused form comes back as entered.
#[derive(Debug, Clone, Default)]
struct Entered {
    client_id: String,
    /// Logged live: sets count only when ticked done.
    live: bool,
    /// Changing a stored session (its check-ins are changed on their own pages).
    editing: Option<SessionId>,
    at: String,
    blocks: Vec<Block>,
    /// Set rows or exercises past the limits that hold something.
    beyond_limits: bool,
    pain_during: String,
    bottom_only: bool,
}

/// What the submit button asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Save,
    /// Show the form again with one more exercise (without JavaScript).
    AddExercise,
    /// Show the form again with one more set row under exercise `n`.
    AddSet(usize),
}

impl Intent {
    fn read(fields: &HashMap<String, String>) -> Intent {
        match fields.get("intent").map(String::as_str) {
            Some("add_exercise") => Intent::AddExercise,
            Some(other) => {
                other.strip_prefix("add_set_").and_then(|n| n.parse().ok()).map_or(Intent::Save, Intent::AddSet)
            }
            None => Intent::Save,
        }
    }
}

/// A fresh client id for a form (128 random bits as hex).
fn new_client_id() -> Result<String, PageError> {
    Ok(hex::encode(pullback_app::secrets::random_bytes::<16>()?))
}

impl Entered {
    /// A fresh form: now, and the exercises the plan prescribes (or the usual
    /// variation with its last set, under the lifter's own program).
    fn fresh(
        now: Timestamp,
        profile: &StoredProfile,
        plan: &PlanOutput,
        last: Option<&Set>,
        live: bool,
    ) -> Result<Entered, PageError> {
        let zone = &profile.profile.time_zone;
        let prescribed: Vec<Block> = plan
            .prescription
            .iter()
            .filter(|_| matches!(plan.action, "train" | "rest_active"))
            .filter(|line| line.sets.is_some())
            .map(block_from_plan)
            .collect();
        let blocks = if prescribed.is_empty() {
            let exercise = profile.profile.usual_variation.exercise();
            let first = last.map(|set| Row {
                load: set.load.to_string(),
                reps: set.reps.value().to_string(),
                ..Row::default()
            });
            vec![Block { exercise: exercise.id().to_owned(), rows: first.into_iter().collect(), ..Block::default() }]
        } else {
            prescribed
        };
        Ok(Entered { client_id: new_client_id()?, live, at: local_time(now, zone), blocks, ..Entered::default() })
    }

    fn from_fields(fields: &HashMap<String, String>) -> Entered {
        let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
        let checked = |name: &str| fields.get(name).is_some_and(|v| !v.is_empty());
        let mut blocks: Vec<Block> = (0..MAX_EXERCISES)
            .map(|e| Block {
                exercise: text(&format!("exercise_{e}")),
                tempo: text(&format!("tempo_{e}")),
                block_height: text(&format!("block_height_{e}")),
                rows: (0..MAX_ROWS)
                    .map(|i| Row {
                        load: text(&format!("load_{e}_{i}")),
                        reps: text(&format!("reps_{e}_{i}")),
                        rpe: text(&format!("rpe_{e}_{i}")),
                        warmup: checked(&format!("warmup_{e}_{i}")),
                        done: checked(&format!("done_{e}_{i}")),
                    })
                    .collect(),
            })
            .collect();
        for block in &mut blocks {
            while block.rows.last().is_some_and(|r| r.is_blank() && r.rpe.trim().is_empty()) {
                block.rows.pop();
            }
        }
        while blocks.last().is_some_and(|b| b.exercise.trim().is_empty() && b.rows.is_empty()) {
            blocks.pop();
        }
        Entered {
            client_id: text("client_id"),
            live: checked("live"),
            editing: None,
            at: text("at"),
            blocks,
            beyond_limits: fields.iter().any(|(k, v)| beyond_limits(k) && !v.trim().is_empty()),
            pain_during: text("pain_during"),
            bottom_only: checked("bottom_only"),
        }
    }

    /// "+ Add exercise" or "+ Add set" without JavaScript: one more exercise block, or
    /// one more set row copying the last one (not ticked done). `true` when the form
    /// grew and is to be shown again rather than saved.
    fn grow(&mut self, intent: Intent) -> bool {
        match intent {
            Intent::AddExercise if self.blocks.len() < MAX_EXERCISES => {
                self.blocks.push(Block { rows: vec![Row::default()], ..Block::default() });
                true
            }
            Intent::AddSet(n) if n < self.blocks.len() => {
                let rows = &mut self.blocks[n].rows;
                if rows.len() < MAX_ROWS {
                    rows.push(rows.last().cloned().map(|r| Row { done: false, ..r }).unwrap_or_default());
                }
                true
            }
            _ => false,
        }
    }

    /// The session to store, or one message per problem, each naming its field.
    fn session(&self, units: Units, zone: &TimeZone, now: Timestamp) -> Result<NewSession, Vec<String>> {
        let mut problems = Vec::new();
        let at = read_time(&self.at, zone, now).map_err(|p| problems.push(p)).ok();
        let pain = optional(&self.pain_during, |t| {
            t.parse::<i64>()
                .ok()
                .and_then(|v| Pain::parse(v).ok())
                .ok_or_else(|| "Pain during: choose a number from 0 to 10.".to_owned())
        });
        let pain = keep(pain, &mut problems);
        let earlier = problems.len();
        let numbered = self.blocks.len() > 1;
        let exercises: Vec<ExerciseLog> = self
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(e, block)| self.exercise(e, block, numbered, units, &mut problems))
            .collect();
        if self.beyond_limits {
            problems.push(format!(
                "Sets: log at most {MAX_ROWS} sets of an exercise and {MAX_EXERCISES} exercises in one session."
            ));
        }
        // A session needs a set; a mistyped row has already said what is wrong.
        if exercises.iter().all(|e| e.sets.is_empty()) && problems.len() == earlier {
            problems.push(if self.live {
                "Sets: tick at least one set as done.".to_owned()
            } else {
                "Sets: enter at least one set (load and reps).".to_owned()
            });
        }
        if self.bottom_only && self.pain_during.trim().is_empty() {
            problems.push("Pain only at the bottom: also rate your pain during the session.".to_owned());
        }
        match at {
            Some(at) if problems.is_empty() => Ok(NewSession {
                at,
                external_id: None,
                exercises: exercises.into_iter().filter(|e| !e.sets.is_empty()).collect(),
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

    /// One exercise block as logged; `None` (with problems) when it cannot be.
    fn exercise(
        &self,
        index: usize,
        block: &Block,
        numbered: bool,
        units: Units,
        problems: &mut Vec<String>,
    ) -> Option<ExerciseLog> {
        let name = if numbered { format!("Exercise {}", index + 1) } else { "Exercise".to_owned() };
        let has_sets = block.rows.iter().any(|r| !r.is_blank());
        if block.exercise.trim().is_empty() && !has_sets {
            return None;
        }
        let exercise = read_exercise(&block.exercise, self.editing.is_some())
            .map_err(|problem| problems.push(format!("{name}: {problem}")))
            .ok();
        let tempo = optional(&block.tempo, |t| {
            Tempo::parse(t).map_err(|_| format!("{name}, tempo: write three digits joined by dashes, like 3-1-3."))
        });
        let block_height = optional(&block.block_height, |t| read_block_height(t, units, &name));
        let (tempo, block_height) = (keep(tempo, problems), keep(block_height, problems));
        let mut sets = Vec::new();
        for (i, row) in block.rows.iter().enumerate() {
            if row.is_blank() || (self.live && !row.done) {
                continue;
            }
            let label = if numbered { format!("{name}, set {}", i + 1) } else { format!("Set {}", i + 1) };
            match read_row(&label, row, units) {
                Ok(set) => sets.push(set),
                Err(mut row_problems) => problems.append(&mut row_problems),
            }
        }
        exercise.map(|exercise| ExerciseLog { exercise, tempo, block_height, sets, note: None })
    }
}

/// One of the protocol's exercises, or (only ever offered when editing a session
/// that has one, an imported squat say) another exercise kept by name.
fn read_exercise(text: &str, editing: bool) -> Result<ExerciseId, String> {
    let text = text.trim();
    if let Some(known) = Exercise::from_id(text) {
        return Ok(ExerciseId::Known(known));
    }
    let printable = !text.is_empty() && text.chars().count() <= 80 && !text.chars().any(char::is_control);
    if editing && printable {
        return Ok(ExerciseId::Other(text.to_owned()));
    }
    Err("choose one from the list.".to_owned())
}

/// A stored session as a form to change.
fn entered_from(entry: &SessionEntry, zone: &TimeZone) -> Entered {
    let blocks = entry
        .session
        .exercises
        .iter()
        .map(|e| Block {
            exercise: e.exercise.as_str().to_owned(),
            tempo: e.tempo.map(|t| t.to_string()).unwrap_or_default(),
            block_height: e.block_height.map(|h| h.value().to_string()).unwrap_or_default(),
            rows: e
                .sets
                .iter()
                .map(|set| Row {
                    load: set.load.to_string(),
                    reps: set.reps.value().to_string(),
                    rpe: set.rpe.map(|r| r.value().to_string()).unwrap_or_default(),
                    warmup: set.warmup,
                    done: true,
                })
                .collect(),
        })
        .collect();
    Entered { editing: Some(entry.id), at: local_time(entry.at.instant, zone), blocks, ..Entered::default() }
}

/// A prescribed line as an exercise block: its sets × reps at its load.
fn block_from_plan(line: &PrescribedOut) -> Block {
    let load =
        line.load.map(|l| Decimal::from_f64_retain(l).map_or_else(|| l.to_string(), |d| d.normalize().to_string()));
    let row = Row {
        load: load.unwrap_or_default(),
        reps: line.reps.map(|r| r.to_string()).unwrap_or_default(),
        ..Row::default()
    };
    Block {
        exercise: line.exercise.to_owned(),
        tempo: line.tempo.clone().unwrap_or_default(),
        block_height: line.block_height.map(|h| h.to_string()).unwrap_or_default(),
        rows: vec![row; usize::from(line.sets.unwrap_or(1))],
    }
}

/// A set field past the limits: `load_8_0` (ninth exercise) or `reps_0_12` (13th row).
fn beyond_limits(name: &str) -> bool {
    let mut parts = name.split('_');
    let (Some(kind), Some(e), Some(i), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let (Ok(e), Ok(i)) = (e.parse::<usize>(), i.parse::<usize>()) else { return false };
    matches!(kind, "load" | "reps" | "rpe") && (e >= MAX_EXERCISES || i >= MAX_ROWS)
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

fn read_row(label: &str, row: &Row, units: Units) -> Result<Set, Vec<String>> {
    let unit = units.load_symbol();
    let mut problems = Vec::new();
    if row.load.trim().is_empty() || row.reps.trim().is_empty() {
        let missing = if row.load.trim().is_empty() { "load" } else { "reps" };
        return Err(vec![format!("{label}: enter the {missing} too, or leave the whole row empty.")]);
    }
    let load = decimal(&row.load)
        .and_then(|d| Load::parse(d).ok())
        .ok_or_else(|| problems.push(format!("{label}: load must be a number from 0 to {MAX_LOAD} {unit}.")))
        .ok();
    let reps = row
        .reps
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|n| Reps::parse(n).ok())
        .ok_or_else(|| problems.push(format!("{label}: reps must be a whole number from 0 to {}.", Reps::MAX)))
        .ok();
    let rpe = optional(&row.rpe, |t| {
        decimal(t)
            .and_then(|d| Rpe::parse(d).ok())
            .ok_or_else(|| format!("{label}: RPE must be from 6 to 10 in steps of 0.5, or left empty."))
    });
    let rpe = keep(rpe, &mut problems);
    match (load, reps) {
        (Some(load), Some(reps)) if problems.is_empty() => Ok(Set { load, reps, rpe, warmup: row.warmup, note: None }),
        _ => Err(problems),
    }
}

fn read_block_height(text: &str, units: Units, name: &str) -> Result<BlockHeight, String> {
    decimal(text)
        .and_then(|d| BlockHeight::parse(d).ok())
        .ok_or_else(|| format!("{name}, block height: must be a number from 0 to 200 {}.", units.height_symbol()))
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

/// `GET /log`: log a session after the fact.
pub async fn page(State(state): State<AppState>, lifter: Lifter, token: CsrfToken) -> Result<Markup, PageError> {
    fresh_page(&state, &lifter, &token, false).await
}

/// `GET /session`: a live session, pre-filled from today's plan.
pub async fn live(State(state): State<AppState>, lifter: Lifter, token: CsrfToken) -> Result<Markup, PageError> {
    fresh_page(&state, &lifter, &token, true).await
}

async fn fresh_page(state: &AppState, lifter: &Lifter, token: &CsrfToken, live: bool) -> Result<Markup, PageError> {
    let now = state.now();
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    let plan = pullback_contract::render(&stored_decision(state.store.as_ref(), user, now).await?);
    let exercise = profile.profile.usual_variation.exercise();
    let increment = profile.profile.load_increment;
    // An imported load of many decimals is offered as the lifter would type it.
    let last = last_set(state.store.as_ref(), user, exercise, now)
        .await?
        .map(|set| Set { load: Load::parse(set.load.shown(increment).value).unwrap_or(set.load), ..set });
    let entered = Entered::fresh(now, &profile, &plan, last.as_ref(), live)?;
    Ok(log_page(lifter, token, &profile, now, &entered, &[]))
}

/// `POST /log` (both ways of logging): saves once per client id, or shows the
/// form again with its problems (or with one more exercise or set row).
pub async fn save(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let now = state.now();
    let profile = state.store.profile(lifter.user.id).await?;
    let mut entered = Entered::from_fields(&fields);
    if entered.grow(Intent::read(&fields)) {
        return Ok(log_page(&lifter, &token, &profile, now, &entered, &[]).into_response());
    }
    let client =
        optional(&entered.client_id, |t| ClientId::parse(t).map_err(|_| "The form is damaged: reload it.".into()));
    let session = entered.session(profile.profile.units, &profile.profile.time_zone, now);
    match (session, client) {
        (Ok(session), None) => {
            state.store.add_session(lifter.user.id, &session).await?;
            Ok(saved("session"))
        }
        (Ok(session), Some(Ok(client))) => {
            state.store.add_session_once(lifter.user.id, &client, &session).await?;
            Ok(saved("session"))
        }
        (Ok(_), Some(Err(problem))) => refused(&lifter, &token, &profile, now, &entered, &[problem]),
        (Err(problems), _) => refused(&lifter, &token, &profile, now, &entered, &problems),
    }
}

/// Back to Today, which says what was saved.
pub fn saved(what: &str) -> Response {
    Redirect::to(&format!("/?saved={what}")).into_response()
}

fn refused(
    lifter: &Lifter,
    token: &CsrfToken,
    profile: &StoredProfile,
    now: Timestamp,
    entered: &Entered,
    problems: &[String],
) -> Result<Response, PageError> {
    let page = log_page(lifter, token, profile, now, entered, problems);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn log_page(
    lifter: &Lifter,
    token: &CsrfToken,
    profile: &StoredProfile,
    now: Timestamp,
    entered: &Entered,
    problems: &[String],
) -> Markup {
    log_page_with(lifter, token, profile, now, entered, problems, html! {})
}

#[allow(clippy::too_many_arguments)]
fn log_page_with(
    lifter: &Lifter,
    token: &CsrfToken,
    profile: &StoredProfile,
    now: Timestamp,
    entered: &Entered,
    problems: &[String],
    after: Markup,
) -> Markup {
    let units = profile.profile.units;
    let title = match (entered.live, entered.editing) {
        (_, Some(_)) => "Change a session",
        (true, None) => "Session",
        (false, None) => "Log a session",
    };
    let action = entered.editing.map_or_else(|| "/log".to_owned(), |id| format!("/history/sessions/{id}"));
    // A new form's time is "now": app.js moves it on when the page is a copy the
    // service worker kept (opened without signal, hours later). Not when changing a
    // stored session, whose time is its own.
    let fresh = entered.editing.is_none();
    let body = html! {
        h1 { (title) }
        @if entered.editing.is_some() {
            p.hint { "Change the time, exercises or sets. Your plan is worked out again from the changed log." }
        } @else if entered.live {
            p.hint { "Tick each set as you finish it: only ticked sets are saved. Change a load or reps in place. \
                      It keeps working without signal: the session is kept on this phone until it syncs." }
        } @else {
            p.hint { "For a session you did earlier. " a href="/session" { "Training now? Start a live session." } }
        }
        (problem_list(problems))
        form.stack.log method="post" action=(action) data-offline=[entered.editing.is_none().then_some("session")]
            data-live[entered.live] {
            (csrf_field(token))
            input type="hidden" name="client_id" value=(entered.client_id) data-client-id;
            @if entered.live {
                input type="hidden" name="live" value="1";
                input type="hidden" name="at" value=(entered.at) data-live-start data-now[fresh];
                div.rest-timer role="timer" aria-live="polite" data-rest-timer hidden {}
            } @else {
                label { "When"
                    input type="datetime-local" name="at" required value=(entered.at)
                        max=(end_of_today(now, &profile.profile.time_zone)) data-now[fresh];
                }
            }
            div #exercises data-max-exercises=(MAX_EXERCISES) {
                @for (e, block) in entered.blocks.iter().enumerate() {
                    (exercise_block(e, block, units, entered.live))
                }
            }
            @if entered.editing.is_some() {
                button type="submit" name="intent" value="save" data-save { "Save changes" }
            }
            button.secondary type="submit" name="intent" value="add_exercise" formnovalidate data-add-exercise {
                "+ Add exercise"
            }
            @if entered.live {
                button.finish type="button" data-finish hidden { "Finish session" }
            }
            div.pain-during data-pain-during hidden[entered.editing.is_some()] {
                fieldset {
                    legend { "Worst pain during the session (optional)" }
                    p.hint { "0 is no pain, 10 the worst pain you can imagine." }
                    (pain_scale("pain_during", &entered.pain_during, true))
                }
                label.check {
                    input type="checkbox" name="bottom_only" value="on" checked[entered.bottom_only];
                    span { "It hurt only at the bottom of the lift" }
                }
                @if entered.editing.is_none() {
                    button type="submit" name="intent" value="save" data-save { "Save session" }
                }
            }
        }
        (after)
    };
    app_page(title, &lifter.user, token, Nav::Log, body)
}

fn exercise_block(e: usize, block: &Block, units: Units, live: bool) -> Markup {
    let shown = if live { block.rows.len().clamp(1, MAX_ROWS) } else { block.rows.len().clamp(SHOWN_ROWS, MAX_ROWS) };
    let blank = Row::default();
    html! {
        fieldset.exercise data-exercise=(e) {
            legend { "Exercise " (e + 1) }
            label { span.visually-hidden { "Exercise " (e + 1) }
                select name=(format!("exercise_{e}")) {
                    @if block.exercise.is_empty() { option value="" selected { "Choose an exercise" } }
                    @if !block.exercise.is_empty() && Exercise::from_id(&block.exercise).is_none() {
                        option value=(block.exercise) selected { (block.exercise) }
                    }
                    @for exercise in Exercise::ALL {
                        option value=(exercise.id()) selected[block.exercise == exercise.id()] { (label(exercise)) }
                    }
                }
            }
            (tempo_and_block(e, block, units))
            p.hint { "Tempo: seconds down, pause, up. Load in " (units.load_symbol()) " (0 for bodyweight)."
                @if !live { " Rows left empty are skipped." } }
            div.sets id=(format!("sets_{e}")) data-max-rows=(MAX_ROWS) {
                @for index in 0..shown {
                    (set_row(e, index, block.rows.get(index).unwrap_or(&blank), units, live))
                }
            }
            button.secondary type="submit" name="intent" value=(format!("add_set_{e}")) formnovalidate
                data-add-set=(format!("sets_{e}")) { "+ Add set" }
        }
    }
}

fn set_row(e: usize, index: usize, row: &Row, units: Units, live: bool) -> Markup {
    let name = |field: &str| format!("{field}_{e}_{index}");
    html! {
        div.set-row data-set-row {
            span.set-number data-set-number { (index + 1) }
            label { span { "Load " (units.load_symbol()) }
                input type="number" name=(name("load")) value=(row.load) min="0" step="any" inputmode="decimal";
            }
            label { span { "Reps" }
                input type="number" name=(name("reps")) value=(row.reps) min="0" step="1" inputmode="numeric";
            }
            label { span { "RPE" }
                input type="number" name=(name("rpe")) value=(row.rpe) min="6" max="10" step="0.5"
                    inputmode="decimal";
            }
            label.warmup { span { "Warm-up" }
                input type="checkbox" name=(name("warmup")) value="on" checked[row.warmup];
            }
            @if live {
                label.done { span { "Done" }
                    input type="checkbox" name=(name("done")) value="on" checked[row.done] data-done;
                }
            }
        }
    }
}

fn tempo_and_block(e: usize, block: &Block, units: Units) -> Markup {
    html! {
        div.tempo-block {
            label { span { "Tempo (like 3-1-3)" }
                input type="text" name=(format!("tempo_{e}")) value=(block.tempo) placeholder="none"
                    pattern="[0-9]-[0-9]-[0-9]" autocomplete="off" inputmode="numeric";
            }
            label { span { "Block height (" (units.height_symbol()) ")" }
                input type="number" name=(format!("block_height_{e}")) value=(block.block_height) min="0" max="200"
                    step="any" inputmode="decimal" placeholder="floor";
            }
        }
    }
}

/// A session of the lifter's by the id in the path; `NotFound` for anything else.
pub async fn own_session(store: &dyn Store, user: UserId, id: &str) -> Result<SessionEntry, PageError> {
    let id = id.parse::<i64>().map(SessionId).map_err(|_| PageError::NotFound)?;
    store.sessions(user, None).await?.into_iter().find(|s| s.id == id).ok_or(PageError::NotFound)
}

/// `GET /history/sessions/{id}`: the session as a form, its check-ins, and delete.
pub async fn edit_page(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let profile = state.store.profile(lifter.user.id).await?;
    let entry = own_session(state.store.as_ref(), lifter.user.id, &id).await?;
    let entered = entered_from(&entry, &profile.profile.time_zone);
    let after = session_extras(&entry);
    Ok(log_page_with(&lifter, &token, &profile, state.now(), &entered, &[], after))
}

/// `POST /history/sessions/{id}`: saves the changed time, exercises and sets.
pub async fn edit_save(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Path(id): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let now = state.now();
    let user = lifter.user.id;
    let profile = state.store.profile(user).await?;
    let entry = own_session(state.store.as_ref(), user, &id).await?;
    let mut entered = Entered::from_fields(&fields);
    entered.editing = Some(entry.id);
    entered.live = false;
    let after = session_extras(&entry);
    if entered.grow(Intent::read(&fields)) {
        return Ok(log_page_with(&lifter, &token, &profile, now, &entered, &[], after).into_response());
    }
    let session = match entered.session(profile.profile.units, &profile.profile.time_zone, now) {
        Ok(session) => session,
        Err(problems) => {
            let page = log_page_with(&lifter, &token, &profile, now, &entered, &problems, after);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    // The form does not show notes (from an import, say): they stay with their exercise and set.
    let exercises = keep_notes(&entry.session.exercises, session.exercises);
    // The audit entry in the same words as a change through the API.
    let units = profile.profile.units;
    let changes = audit::session_changes((entry.at, &entry.session.exercises), (session.at, &exercises), units);
    let detail = audit::detail(&audit::session_name(entry.at), &changes);
    let audit = NewAudit {
        lifter: user,
        actor: &lifter.user,
        action: audit::changed_action(Entry::Session(entry.id)),
        detail,
        at: now,
    };
    let change = Edit::Session { at: session.at, exercises };
    state.store.edit_entry(Entry::Session(entry.id), &change, &audit).await?;
    Ok(saved("changed"))
}

/// The changed exercises with the notes of the stored ones at the same place (the
/// same exercise at the same position, and its sets by position).
fn keep_notes(before: &[ExerciseLog], mut after: Vec<ExerciseLog>) -> Vec<ExerciseLog> {
    for (old, new) in before.iter().zip(after.iter_mut()) {
        if old.exercise != new.exercise {
            continue;
        }
        new.note = new.note.take().or_else(|| old.note.clone());
        for (old_set, new_set) in old.sets.iter().zip(new.sets.iter_mut()) {
            new_set.note = new_set.note.take().or_else(|| old_set.note.clone());
        }
    }
    after
}

/// Below the session form: its check-ins (each changed on its own page) and delete.
fn session_extras(entry: &SessionEntry) -> Markup {
    html! {
        section.entry-extras {
            h2 { "Check-ins of this session" }
            @if entry.session.checkins.is_empty() {
                p.muted { "None yet." }
            } @else {
                ul.plain {
                    @for (checkin, id) in entry.session.checkins.iter().zip(&entry.checkin_ids) {
                        li { a href=(format!("/history/checkins/{id}")) {
                            (crate::pages::today::point_words(checkin.point)) ": " (checkin.pain) " — change"
                        } }
                    }
                }
            }
            p { a.button.danger href=(format!("/history/sessions/{}/delete", entry.id)) { "Delete this session" } }
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
            ("exercise_0", "deadlift"),
            ("load_0_0", "60"),
            ("reps_0_0", "5"),
            ("warmup_0_0", "on"),
            ("load_0_2", "140,5"),
            ("reps_0_2", "5"),
            ("rpe_0_2", "8.5"),
        ]));
        let session = entered.session(Units::Kg, &TimeZone::UTC, now()).unwrap_or_else(|p| panic!("{p:?}"));
        let sets = &session.exercises[0].sets;
        assert_eq!(sets.len(), 2);
        assert!(sets[0].warmup && !sets[1].warmup);
        assert_eq!(sets[1].load.to_string(), "140.5");
        assert!(session.checkins.is_empty());
    }

    #[test]
    fn several_exercises_make_one_session() {
        let entered = Entered::from_fields(&fields(&[
            ("at", "2026-03-02T06:00"),
            ("exercise_0", "bird_dog"),
            ("load_0_0", "0"),
            ("reps_0_0", "10"),
            ("exercise_1", "good_morning"),
            ("load_1_0", "0"),
            ("reps_1_0", "10"),
            ("tempo_1", "3-0-3"),
        ]));
        let session = entered.session(Units::Kg, &TimeZone::UTC, now()).unwrap_or_else(|p| panic!("{p:?}"));
        let names: Vec<&str> = session.exercises.iter().map(|e| e.exercise.as_str()).collect();
        assert_eq!(names, ["bird_dog", "good_morning"]);
        assert_eq!(session.exercises[1].tempo.map(|t| t.to_string()).as_deref(), Some("3-0-3"));
    }

    #[test]
    fn a_live_session_keeps_only_ticked_sets() {
        let entered = Entered::from_fields(&fields(&[
            ("live", "1"),
            ("at", "2026-03-02T06:00"),
            ("exercise_0", "deadlift"),
            ("load_0_0", "70"),
            ("reps_0_0", "5"),
            ("done_0_0", "on"),
            ("load_0_1", "70"),
            ("reps_0_1", "5"),
        ]));
        let session = entered.session(Units::Kg, &TimeZone::UTC, now()).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(session.exercises[0].sets.len(), 1, "the unticked set was not done");
        let none_done = Entered::from_fields(&fields(&[
            ("live", "1"),
            ("exercise_0", "deadlift"),
            ("load_0_0", "70"),
            ("reps_0_0", "5"),
        ]));
        let problems = none_done.session(Units::Kg, &TimeZone::UTC, now()).err().unwrap_or_default();
        assert_eq!(problems, ["Sets: tick at least one set as done."]);
    }

    #[test]
    fn each_problem_names_its_field() {
        let entered = Entered::from_fields(&fields(&[
            ("at", "2026-03-02T08:00"),
            ("exercise_0", "squat"),
            ("tempo_0", "3-1"),
            ("load_0_0", "100"),
            ("load_0_1", "100"),
            ("reps_0_1", "five"),
            ("pain_during", "11"),
            ("load_0_12", "100"),
        ]));
        let problems = entered.session(Units::Kg, &TimeZone::UTC, now()).err().unwrap_or_default();
        for expected in
            ["When:", "Exercise:", "Exercise, tempo:", "Set 1: enter the reps", "Set 2: reps", "Pain during:", "Sets:"]
        {
            assert!(problems.iter().any(|p| p.starts_with(expected)), "{expected} missing from {problems:?}");
        }
    }

    #[test]
    fn bottom_only_needs_a_pain_rating() {
        let entered = Entered::from_fields(&fields(&[
            ("exercise_0", "deadlift"),
            ("load_0_0", "100"),
            ("reps_0_0", "5"),
            ("bottom_only", "on"),
        ]));
        let problems = entered.session(Units::Kg, &TimeZone::UTC, now()).err().unwrap_or_default();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("Pain only at the bottom"));
    }

    #[test]
    fn a_prescribed_line_becomes_its_sets() {
        let line = PrescribedOut {
            exercise: "deadlift",
            load: Some(72.5),
            unit: "kg",
            sets: Some(3),
            reps: Some(5),
            tempo: Some("3-0-3".into()),
            block_height: Some(15.0),
        };
        let block = block_from_plan(&line);
        assert_eq!(
            (block.exercise.as_str(), block.tempo.as_str(), block.block_height.as_str()),
            ("deadlift", "3-0-3", "15")
        );
        assert_eq!(block.rows.len(), 3);
        assert_eq!((block.rows[2].load.as_str(), block.rows[2].reps.as_str()), ("72.5", "5"));
    }
}
