//! The JSON API's requests and listings (`/api/v1/me/…`), so that the API names no
//! JSON field itself.
//!
//! - Readers take a request body (one JSON object) and give core types, or every
//!   problem by JSON pointer into the body. An event is read by the contract's own
//!   event reader ([`crate::read_session`] and the others), so the API accepts
//!   exactly what a `pullback.plan/v1` document does, plus the rules of logging
//!   something new: it has happened (no `at` in the future), a session has at
//!   least one exercise and each exercise a set, `bottom_only` goes only with
//!   `point` `during`, a screening answers every question, and a change leaves
//!   alone what it cannot change (refused, not dropped). A rule's problem at a
//!   pointer the contract already refused is left out, so one mistake is not
//!   reported twice.
//! - Writers list stored events as [`crate::history_document`] writes them, each
//!   with its stored `id` added (a session also its `external_id` and each of its
//!   check-ins' ids), so a listed event can be posted back.

use crate::{
    Problem, WriteOptions, format_time, history_document, parse_time, read_checkin, read_screening, read_session,
    read_session_checkin, read_symmetry_test,
};
use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use pullback_core::{
    At, ClientId, ExerciseLog, History, Pain, Params, Point, Profile, RedFlags, Screening, Session, SessionCheckin,
    Side, StandaloneCheckin, SymmetryTest, Units,
};
use serde_json::{Map, Value, json};

/// Why a check-in's time, point and session cannot be changed.
const CHECKIN_STAYS: &str = "a check-in keeps its time and what it belongs to; delete it and log it anew";
/// Why a screening's or symmetry test's time cannot be changed.
const TIME_STAYS: &str = "the time stays; delete it and log it anew";
/// Why a session's check-ins cannot be changed with the session.
const CHECKINS_APART: &str = "change a check-in at /api/v1/me/checkins/{id}";

/// A session to log (`POST /api/v1/me/sessions`).
#[derive(Debug, Clone)]
pub struct PostedSession {
    pub session: Session,
    pub at: At,
    /// The client's id for the write, if it sent one: a retry of it is stored once.
    pub client_id: Option<ClientId>,
}

/// A session's new time and exercises (`PATCH /api/v1/me/sessions/{id}`).
#[derive(Debug, Clone)]
pub struct SessionChange {
    pub at: At,
    pub exercises: Vec<ExerciseLog>,
}

/// A check-in to log (`POST /api/v1/me/checkins`).
#[derive(Debug, Clone)]
pub struct PostedCheckin {
    pub checkin: CheckinOf,
    /// The client's id for the write, if it sent one: a retry of it is stored once.
    pub client_id: Option<ClientId>,
}

/// What a posted check-in belongs to, and the check-in.
#[derive(Debug, Clone)]
pub enum CheckinOf {
    /// A check-in of the session with the stored id `session_id` (which the caller
    /// still has to find among the lifter's own). `at` is its own time, if it has one.
    Session { session_id: i64, checkin: SessionCheckin, at: Option<At> },
    /// A check-in of no session.
    Standalone { checkin: StandaloneCheckin, at: At },
}

/// A red-flag screening to log (`POST /api/v1/me/screenings`).
#[derive(Debug, Clone)]
pub struct PostedScreening {
    pub screening: Screening,
    pub at: At,
}

/// A symmetry test to log (`POST /api/v1/me/symmetry-tests`).
#[derive(Debug, Clone)]
pub struct PostedSymmetryTest {
    pub test: SymmetryTest,
    pub at: At,
}

/// A stored check-in, as a change of it needs it.
#[derive(Debug, Clone, Copy)]
pub enum StoredCheckin<'a> {
    /// A check-in of the session logged at `session_at`.
    OfSession {
        session_at: Timestamp,
        checkin: &'a SessionCheckin,
    },
    Standalone(&'a StandaloneCheckin),
}

/// A check-in's answers after a change (`PATCH /api/v1/me/checkins/{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckinAnswers {
    pub pain: Pain,
    pub side: Option<Side>,
    /// Pain only at the bottom of the lift (only ever with point `during`).
    pub bottom_only: bool,
}

/// Reads a session to log: `at` (now when left out), `exercises` and `checkins`,
/// plus an optional `client_id`. Other fields are dropped: an `id` is the store's
/// to give, so a listed session posted back is a new session.
pub fn read_posted_session(
    mut body: Map<String, Value>,
    units: Units,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<PostedSession, Vec<Problem>> {
    let client = take_client_id(&mut body);
    let mut event: Map<String, Value> =
        ["at", "exercises", "checkins"].into_iter().filter_map(|key| body.remove_entry(key)).collect();
    at_or_now(&mut event, now, zone);
    let mut rules = session_rules(&event, now);
    rules.extend(client.as_ref().err().cloned());
    let text = at_text(&event);
    let session = settle(read_session(event, units, now), rules)?;
    let at = logged_at(text.as_deref(), session.at, zone);
    Ok(PostedSession { session, at, client_id: client.ok().flatten() })
}

/// Reads a change of a session logged at `before`: its time (kept when `at` is left
/// out) and its exercises, by the rules of a posted session. Its check-ins cannot
/// be changed here (`checkins` is refused): each is changed on its own.
pub fn read_session_change(
    body: &Map<String, Value>,
    before: At,
    units: Units,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<SessionChange, Vec<Problem>> {
    let mut rules = refuse_fixed(body, &["checkins"], CHECKINS_APART);
    let mut event: Map<String, Value> =
        ["at", "exercises"].into_iter().filter_map(|key| body.get(key).map(|v| (key.to_owned(), v.clone()))).collect();
    if event.get("at").is_none_or(Value::is_null) {
        event.insert("at".into(), json!(before.to_string()));
    }
    rules.extend(session_rules(&event, now));
    let text = at_text(&event);
    let session = settle(read_session(event, units, now), rules)?;
    Ok(SessionChange { at: logged_at(text.as_deref(), session.at, zone), exercises: session.exercises })
}

/// Reads a check-in to log: of a session (`session`, its stored id, and `point`)
/// or standalone (neither), `at` now when left out, plus an optional `client_id`.
pub fn read_posted_checkin(
    mut body: Map<String, Value>,
    units: Units,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<PostedCheckin, Vec<Problem>> {
    at_or_now(&mut body, now, zone);
    let client = take_client_id(&mut body);
    let rules: Vec<Problem> = client.as_ref().err().cloned().into_iter().collect();
    let checkin = match body.remove("session") {
        None | Some(Value::Null) => standalone_checkin(body, units, zone, now, rules)?,
        Some(session) => session_checkin(&session, body, units, zone, now, rules)?,
    };
    Ok(PostedCheckin { checkin, client_id: client.ok().flatten() })
}

/// A check-in of a session, read as the contract reads a session's check-in.
fn session_checkin(
    session: &Value,
    checkin: Map<String, Value>,
    units: Units,
    zone: &TimeZone,
    now: Timestamp,
    mut rules: Vec<Problem>,
) -> Result<CheckinOf, Vec<Problem>> {
    let id = session.as_i64().filter(|id| *id >= 1);
    let wrong_id = problem("/session", format!("must be the id of one of your sessions, not {session}"));
    if id.is_none() {
        rules.push(wrong_id.clone());
    }
    rules.extend(not_in_future(&checkin, "/at", now));
    rules.extend(bottom_only_goes_with_during(&checkin, "/bottom_only"));
    let text = at_text(&checkin);
    // Placed in a session at now: that time is never stored, only the check-in is read.
    let read = settle(read_session_checkin(checkin, now, units, now), rules)?;
    let Some(session_id) = id else { return Err(vec![wrong_id]) };
    let at = read.at.map(|instant| logged_at(text.as_deref(), instant, zone));
    Ok(CheckinOf::Session { session_id, checkin: read, at })
}

/// A check-in not tied to a session, read as the contract reads a standalone one.
fn standalone_checkin(
    mut checkin: Map<String, Value>,
    units: Units,
    zone: &TimeZone,
    now: Timestamp,
    mut rules: Vec<Problem>,
) -> Result<CheckinOf, Vec<Problem>> {
    // The contract's standalone check-in has neither: refuse them rather than drop them.
    if checkin.get("point").is_some_and(|point| !point.is_null()) {
        rules.push(problem(
            "/point",
            "goes with \"session\" (the id of the session); leave both out for a standalone check-in",
        ));
    }
    if checkin.get("bottom_only") == Some(&Value::Bool(true)) {
        rules.push(problem("/bottom_only", "goes with a check-in of a session at point \"during\""));
    }
    rules.extend(not_in_future(&checkin, "/at", now));
    checkin.retain(|key, _| matches!(key.as_str(), "at" | "pain" | "side"));
    let text = at_text(&checkin);
    let read = settle(read_checkin(checkin, units, now), rules)?;
    let at = logged_at(text.as_deref(), read.at, zone);
    Ok(CheckinOf::Standalone { checkin: read, at })
}

/// Reads a change of a stored check-in's answers: `pain` is required; `side` and
/// `bottom_only` keep their stored values when left out (`null` clears them);
/// `bottom_only` goes only with a check-in at point `during`. Its time, point and
/// session stay (`at`, `point` and `session` are refused).
pub fn read_checkin_change(
    mut body: Map<String, Value>,
    before: StoredCheckin<'_>,
    units: Units,
    now: Timestamp,
) -> Result<CheckinAnswers, Vec<Problem>> {
    let mut rules = refuse_fixed(&body, &["at", "point", "session"], CHECKIN_STAYS);
    let (side, bottom_only) = match before {
        StoredCheckin::OfSession { checkin, .. } => (checkin.side, checkin.bottom_only),
        StoredCheckin::Standalone(checkin) => (checkin.side, false),
    };
    let mut checkin = Map::new();
    checkin.insert("pain".into(), body.remove("pain").unwrap_or(Value::Null));
    checkin.insert("side".into(), body.remove("side").unwrap_or_else(|| json!(side.map(Side::id))));
    let bottom_only = body.remove("bottom_only").unwrap_or_else(|| json!(bottom_only));
    match before {
        StoredCheckin::OfSession { session_at, checkin: stored } => {
            checkin.insert("point".into(), json!(stored.point.id()));
            checkin.insert("bottom_only".into(), bottom_only);
            rules.extend(bottom_only_goes_with_during(&checkin, "/bottom_only"));
            // The session's time only places the check-in; nothing of it is stored.
            let read = settle(read_session_checkin(checkin, session_at, units, now), rules)?;
            Ok(CheckinAnswers { pain: read.pain, side: read.side, bottom_only: read.bottom_only })
        }
        StoredCheckin::Standalone(stored) => {
            if bottom_only == Value::Bool(true) {
                rules.push(problem("/bottom_only", "goes only with a check-in of a session at point \"during\""));
            }
            checkin.insert("at".into(), json!(format_time(stored.at)));
            let read = settle(read_checkin(checkin, units, now), rules)?;
            Ok(CheckinAnswers { pain: read.pain, side: read.side, bottom_only: false })
        }
    }
}

/// Reads a red-flag screening to log. All eight answers are required, so that a
/// forgotten question is never stored as "no"; `at` is now when left out.
pub fn read_posted_screening(
    mut body: Map<String, Value>,
    units: Units,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<PostedScreening, Vec<Problem>> {
    at_or_now(&mut body, now, zone);
    let mut rules = every_answer_given(&body);
    rules.extend(not_in_future(&body, "/at", now));
    let text = at_text(&body);
    let screening = settle(read_screening(body, units, now), rules)?;
    let at = logged_at(text.as_deref(), screening.at, zone);
    Ok(PostedScreening { screening, at })
}

/// Reads a change of the answers of a screening taken at `before_at`: all eight are
/// required, as when logging one; its time stays (`at` is refused).
pub fn read_screening_change(
    mut body: Map<String, Value>,
    before_at: Timestamp,
    units: Units,
    now: Timestamp,
) -> Result<Screening, Vec<Problem>> {
    let mut rules = refuse_fixed(&body, &["at"], TIME_STAYS);
    rules.extend(every_answer_given(&body));
    body.insert("at".into(), json!(format_time(before_at)));
    settle(read_screening(body, units, now), rules)
}

/// Reads a left/right symmetry test to log; `at` is now when left out.
pub fn read_posted_symmetry_test(
    mut body: Map<String, Value>,
    units: Units,
    zone: &TimeZone,
    now: Timestamp,
) -> Result<PostedSymmetryTest, Vec<Problem>> {
    at_or_now(&mut body, now, zone);
    let rules: Vec<Problem> = not_in_future(&body, "/at", now).into_iter().collect();
    let text = at_text(&body);
    let test = settle(read_symmetry_test(body, units, now), rules)?;
    let at = logged_at(text.as_deref(), test.at, zone);
    Ok(PostedSymmetryTest { test, at })
}

/// Reads a change of a symmetry test taken at `before_at`: `left` and `right`, both
/// required; its time stays (`at` is refused).
pub fn read_symmetry_change(
    body: &Map<String, Value>,
    before_at: Timestamp,
    units: Units,
    now: Timestamp,
) -> Result<SymmetryTest, Vec<Problem>> {
    let rules = refuse_fixed(body, &["at"], TIME_STAYS);
    let mut test: Map<String, Value> =
        ["left", "right"].into_iter().filter_map(|key| body.get(key).map(|v| (key.to_owned(), v.clone()))).collect();
    test.insert("at".into(), json!(format_time(before_at)));
    settle(read_symmetry_test(test, units, now), rules)
}

/// The event the contract read, if neither the contract nor the API's own `rules`
/// found a problem; else all of them, the contract's first. A rule's problem at a
/// pointer the contract already refused is left out.
fn settle<T>(read: Result<T, Vec<Problem>>, rules: Vec<Problem>) -> Result<T, Vec<Problem>> {
    match read {
        Ok(event) if rules.is_empty() => Ok(event),
        Ok(_) => Err(rules),
        Err(mut problems) => {
            for rule in rules {
                if !problems.iter().any(|p| p.pointer == rule.pointer) {
                    problems.push(rule);
                }
            }
            Err(problems)
        }
    }
}

fn problem(pointer: &str, message: impl Into<String>) -> Problem {
    Problem { pointer: pointer.to_owned(), message: message.into() }
}

/// "a string", "an array": what a JSON value is, for messages.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The event's `at`: the text given, or (when left out) now with the offset of the
/// lifter's zone, written into `event` so the contract reads it like a given one.
fn at_or_now(event: &mut Map<String, Value>, now: Timestamp, zone: &TimeZone) {
    if event.get("at").is_none_or(Value::is_null) {
        event.insert("at".into(), json!(At::in_zone(now, zone).to_string()));
    }
}

/// The text of the event's `at`, if it is a string.
fn at_text(event: &Map<String, Value>) -> Option<String> {
    event.get("at").and_then(Value::as_str).map(str::to_owned)
}

/// The time to store for a valid `at` of `instant`, written as `text`: the instant
/// with the offset it was written with, else with the offset of `zone` there.
fn logged_at(text: Option<&str>, instant: Timestamp, zone: &TimeZone) -> At {
    text.and_then(|text| text.parse::<At>().ok())
        .filter(|at| at.instant == instant)
        .unwrap_or_else(|| At::in_zone(instant, zone))
}

/// A problem when `event`'s `at` (at pointer `pointer`) is a valid time after `now`:
/// the log holds what has happened. (An invalid time is the contract's to report.)
fn not_in_future(event: &Map<String, Value>, pointer: &str, now: Timestamp) -> Option<Problem> {
    let text = event.get("at")?.as_str()?;
    let instant = parse_time(text).ok()?;
    (instant > now).then(|| {
        problem(pointer, format!("{text:?} is in the future (now is {}); log what has happened", format_time(now)))
    })
}

/// A problem when a check-in (at pointer `pointer`) says `bottom_only` with a point
/// other than `during`: only pain during the lift can be at its bottom.
fn bottom_only_goes_with_during(checkin: &Map<String, Value>, pointer: &str) -> Option<Problem> {
    let point = checkin.get("point").and_then(Value::as_str).and_then(Point::from_id)?;
    let bottom_only = checkin.get("bottom_only").and_then(Value::as_bool).unwrap_or(false);
    (bottom_only && point != Point::During)
        .then(|| problem(pointer, "goes only with point \"during\" (pain only at the bottom of the lift)"))
}

/// The optional `client_id` of a write a client may send again (a phone retrying
/// what it logged offline), taken out of `body`. `Ok(None)` without one; a problem
/// at `/client_id` for one that is not 8–64 letters, digits, `-` or `_`.
fn take_client_id(body: &mut Map<String, Value>) -> Result<Option<ClientId>, Problem> {
    match body.remove("client_id") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => ClientId::parse(&text).map(Some).map_err(|why| problem("/client_id", why)),
        Some(other) => Err(problem("/client_id", format!("must be a string (a UUID, say), not {}", json_kind(&other)))),
    }
}

/// Problems for the fields of `body` that this request cannot change: a client
/// that sends them means to change them, so they are refused rather than dropped.
fn refuse_fixed(body: &Map<String, Value>, fixed: &[&str], why: &str) -> Vec<Problem> {
    fixed
        .iter()
        .filter(|key| body.get(**key).is_some_and(|value| !value.is_null()))
        .map(|key| problem(&format!("/{key}"), format!("cannot be changed here: {why}")))
        .collect()
}

/// A problem for each red-flag question left out: a forgotten question is never
/// stored as "no".
fn every_answer_given(body: &Map<String, Value>) -> Vec<Problem> {
    RedFlags::IDS
        .iter()
        .filter(|key| body.get(**key).is_none_or(Value::is_null))
        .map(|key| problem(&format!("/{key}"), "is required: answer true or false"))
        .collect()
}

/// What logging a session asks beyond the contract: at least one exercise, each
/// with at least one set; no time in the future; `bottom_only` only with `during`.
fn session_rules(session: &Map<String, Value>, now: Timestamp) -> Vec<Problem> {
    let mut problems = Vec::new();
    match session.get("exercises") {
        None | Some(Value::Null) => problems.push(problem("/exercises", "is required: log at least one exercise")),
        Some(Value::Array(exercises)) if exercises.is_empty() => {
            problems.push(problem("/exercises", "log at least one exercise"));
        }
        Some(Value::Array(exercises)) => {
            for (i, exercise) in exercises.iter().enumerate() {
                let no_sets = match exercise.get("sets") {
                    None | Some(Value::Null) => true,
                    Some(Value::Array(sets)) => sets.is_empty(),
                    Some(_) => false,
                };
                if exercise.is_object() && no_sets {
                    problems.push(problem(&format!("/exercises/{i}/sets"), "log at least one set"));
                }
            }
        }
        Some(_) => {}
    }
    problems.extend(not_in_future(session, "/at", now));
    if let Some(Value::Array(checkins)) = session.get("checkins") {
        for (i, checkin) in checkins.iter().enumerate() {
            let Some(checkin) = checkin.as_object() else { continue };
            problems.extend(not_in_future(checkin, &format!("/checkins/{i}/at"), now));
            problems.extend(bottom_only_goes_with_during(checkin, &format!("/checkins/{i}/bottom_only")));
        }
    }
    problems
}

/// The profile a listing is written for: the lifter's, with the IANA name of their
/// time zone (times are written with its offsets).
#[derive(Debug, Clone, Copy)]
pub struct Lister<'a> {
    pub profile: &'a Profile,
    /// The IANA name of the profile's time zone, e.g. `Europe/Oslo`.
    pub time_zone: &'a str,
    /// The instant the listing is written at.
    pub now: Timestamp,
}

/// A stored session to list, with what only storage knows.
#[derive(Debug, Clone)]
pub struct ListedSession<'a> {
    /// The session; its `id`, if any, is the id it was imported with.
    pub session: &'a Session,
    /// The offset it was logged with (its check-ins' times are written with it too).
    pub offset: Offset,
    /// Its stored id.
    pub id: i64,
    /// The stored ids of its check-ins, parallel to `session.checkins`.
    pub checkin_ids: Vec<i64>,
}

/// Stored standalone events of one kind, to list.
#[derive(Debug, Clone)]
pub enum StoredEntries {
    Checkins(Vec<StandaloneCheckin>),
    Screenings(Vec<Screening>),
    SymmetryTests(Vec<SymmetryTest>),
}

impl<'a> Lister<'a> {
    /// `{ "units", "sessions" }`: the sessions in the order given, each as in a plan
    /// document (loads as exact numbers, times with the offset they were logged
    /// with) plus its `id`, its `external_id` (from an import) if any, and each
    /// check-in's `id`.
    pub fn sessions(&self, sessions: &[ListedSession<'_>]) -> Value {
        let mut history = self.empty();
        history.sessions = sessions.iter().map(|s| Session { id: None, ..s.session.clone() }).collect();
        let offsets: Vec<Offset> = sessions.iter().map(|s| s.offset).collect();
        let options = WriteOptions { time_zone: Some(self.time_zone), overrides: None, session_offsets: &offsets };
        let written = take_list(history_document(&history, self.now, &options), "sessions");
        let listed: Vec<Value> =
            written.into_iter().zip(sessions).map(|(written, stored)| session_with_ids(written, stored)).collect();
        json!({ "units": self.profile.units.load_symbol(), "sessions": listed })
    }

    /// One session as [`Lister::sessions`] lists it.
    pub fn session(&self, session: &ListedSession<'_>) -> Value {
        first(take_list(self.sessions(std::slice::from_ref(session)), "sessions"))
    }

    /// The check-in at `index` of a session's check-ins, as [`Lister::sessions`] lists it.
    pub fn session_checkin(&self, session: &ListedSession<'_>, index: usize) -> Value {
        self.session(session)["checkins"][index].clone()
    }

    /// `{ "checkins" }`, `{ "screenings" }` or `{ "symmetry_tests" }`: the entries in
    /// the order given, each as in a plan document (times in the lifter's zone)
    /// plus its `id` from `ids` (parallel to them).
    pub fn entries(&self, entries: StoredEntries, ids: &[i64]) -> Value {
        let list = entries.list();
        let mut listing = Map::new();
        listing.insert(list.to_owned(), Value::Array(self.written(entries, ids)));
        Value::Object(listing)
    }

    /// The first of `entries` as [`Lister::entries`] lists it, with the id `id`.
    pub fn entry(&self, entries: StoredEntries, id: i64) -> Value {
        first(self.written(entries, &[id]))
    }

    fn written(&self, entries: StoredEntries, ids: &[i64]) -> Vec<Value> {
        let list = entries.list();
        let mut history = self.empty();
        match entries {
            StoredEntries::Checkins(checkins) => history.checkins = checkins,
            StoredEntries::Screenings(screenings) => history.screenings = screenings,
            StoredEntries::SymmetryTests(tests) => history.symmetry_tests = tests,
        }
        let options = WriteOptions { time_zone: Some(self.time_zone), overrides: None, session_offsets: &[] };
        let written = take_list(history_document(&history, self.now, &options), list);
        written.into_iter().zip(ids).map(|(entry, id)| with_id(entry, *id)).collect()
    }

    /// A history of the lifter's profile with nothing logged, to fill with one list.
    fn empty(&self) -> History {
        History {
            profile: self.profile.clone(),
            params: Params::default(),
            sessions: Vec::new(),
            checkins: Vec::new(),
            screenings: Vec::new(),
            symmetry_tests: Vec::new(),
        }
    }
}

impl StoredEntries {
    /// The document's list these are written in.
    fn list(&self) -> &'static str {
        match self {
            StoredEntries::Checkins(_) => "checkins",
            StoredEntries::Screenings(_) => "screenings",
            StoredEntries::SymmetryTests(_) => "symmetry_tests",
        }
    }
}

/// The document's list `list`, taken out of it.
fn take_list(mut document: Value, list: &str) -> Vec<Value> {
    match document.get_mut(list).map(Value::take) {
        Some(Value::Array(entries)) => entries,
        _ => Vec::new(),
    }
}

/// A written session with its stored ids added: its own, its external one (from an
/// import) if any, and each check-in's.
fn session_with_ids(mut written: Value, stored: &ListedSession<'_>) -> Value {
    if let Some(session) = written.as_object_mut() {
        session.insert("id".into(), json!(stored.id));
        if let Some(external) = &stored.session.id {
            session.insert("external_id".into(), json!(external));
        }
        if let Some(Value::Array(checkins)) = session.get_mut("checkins") {
            for (checkin, id) in checkins.iter_mut().zip(&stored.checkin_ids) {
                if let Some(checkin) = checkin.as_object_mut() {
                    checkin.insert("id".into(), json!(id));
                }
            }
        }
    }
    written
}

fn with_id(mut entry: Value, id: i64) -> Value {
    if let Some(fields) = entry.as_object_mut() {
        fields.insert("id".into(), json!(id));
    }
    entry
}

fn first(entries: Vec<Value>) -> Value {
    entries.into_iter().next().unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    fn time(text: &str) -> Timestamp {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn now() -> Timestamp {
        time("2026-03-02T12:00:00Z")
    }

    /// A zone an hour ahead of UTC all year.
    fn zone() -> TimeZone {
        TimeZone::fixed(Offset::constant(1))
    }

    fn pointers(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|p| p.pointer.as_str()).collect()
    }

    fn refused<T: std::fmt::Debug>(read: Result<T, Vec<Problem>>) -> Vec<Problem> {
        match read {
            Ok(read) => panic!("read, not refused: {read:?}"),
            Err(problems) => problems,
        }
    }

    fn read<T>(read: Result<T, Vec<Problem>>) -> T {
        read.unwrap_or_else(|problems| panic!("refused: {problems:?}"))
    }

    fn deadlift() -> Value {
        json!([{ "exercise": "deadlift", "sets": [{ "load": 140, "reps": 5 }] }])
    }

    fn session(body: Value) -> Result<PostedSession, Vec<Problem>> {
        read_posted_session(object(body), Units::Kg, &zone(), now())
    }

    fn checkin(body: Value) -> Result<PostedCheckin, Vec<Problem>> {
        read_posted_checkin(object(body), Units::Kg, &zone(), now())
    }

    #[test]
    fn a_left_out_at_is_now_with_the_offset_of_the_lifters_zone() {
        let posted = read(session(json!({ "exercises": deadlift() })));
        assert_eq!(posted.session.at, now());
        assert_eq!(posted.at, At { instant: now(), offset: Offset::constant(1) });
        let posted = read(checkin(json!({ "pain": 2, "at": null })));
        let CheckinOf::Standalone { at, .. } = posted.checkin else { panic!("not standalone") };
        assert_eq!(at, At { instant: now(), offset: Offset::constant(1) });
        let screening =
            read(read_posted_symmetry_test(object(json!({ "left": 10, "right": 9 })), Units::Kg, &zone(), now()));
        assert_eq!(screening.at.offset, Offset::constant(1));
    }

    #[test]
    fn a_given_at_keeps_the_offset_it_was_written_with() {
        let posted = read(session(json!({ "at": "2026-03-02T07:00:00+05:30", "exercises": deadlift() })));
        assert_eq!(posted.at.instant, time("2026-03-02T01:30:00Z"));
        assert_eq!(posted.at.offset, Offset::from_seconds(5 * 3600 + 1800).unwrap_or(Offset::UTC));
        let posted = read(session(json!({ "at": "2026-03-02T07:00:00Z", "exercises": deadlift() })));
        assert_eq!(posted.at.offset, Offset::UTC);
    }

    #[test]
    fn a_future_at_is_refused_at_its_own_pointer() {
        let future = "2026-03-02T12:00:01Z";
        let problems = refused(session(json!({ "at": future, "exercises": deadlift() })));
        assert_eq!(pointers(&problems), ["/at"]);
        assert!(problems[0].message.contains("is in the future"), "{problems:?}");
        let problems = refused(session(json!({
            "at": "2026-03-02T07:00:00Z", "exercises": deadlift(),
            "checkins": [{ "point": "before", "pain": 1 }, { "point": "after_1h", "pain": 2, "at": future }],
        })));
        assert_eq!(pointers(&problems), ["/checkins/1/at"]);
        assert_eq!(pointers(&refused(checkin(json!({ "pain": 2, "at": future })))), ["/at"]);
        assert_eq!(
            pointers(&refused(checkin(json!({ "session": 4, "point": "after_24h", "pain": 2, "at": future })))),
            ["/at"]
        );
        let screening = read_posted_screening(object(json!({ "at": future })), Units::Kg, &zone(), now());
        assert!(pointers(&refused(screening)).contains(&"/at"));
        let test = read_posted_symmetry_test(
            object(json!({ "at": future, "left": 1, "right": 1 })),
            Units::Kg,
            &zone(),
            now(),
        );
        assert_eq!(pointers(&refused(test)), ["/at"]);
        // Now itself has happened.
        read(session(json!({ "at": "2026-03-02T12:00:00Z", "exercises": deadlift() })));
    }

    #[test]
    fn bottom_only_goes_only_with_during() {
        let with = |point: &str| {
            session(
                json!({ "exercises": deadlift(), "checkins": [{ "point": point, "pain": 3, "bottom_only": true }] }),
            )
        };
        assert!(read(with("during")).session.checkins[0].bottom_only);
        assert_eq!(pointers(&refused(with("before"))), ["/checkins/0/bottom_only"]);
        let of_session = |point: &str| checkin(json!({ "session": 7, "point": point, "pain": 3, "bottom_only": true }));
        let CheckinOf::Session { session_id, checkin: read_checkin, .. } = read(of_session("during")).checkin else {
            panic!("not of a session")
        };
        assert_eq!((session_id, read_checkin.bottom_only), (7, true));
        assert_eq!(pointers(&refused(of_session("after_1h"))), ["/bottom_only"]);
        assert_eq!(pointers(&refused(checkin(json!({ "pain": 3, "bottom_only": true })))), ["/bottom_only"]);
        assert_eq!(pointers(&refused(checkin(json!({ "pain": 3, "point": "during" })))), ["/point"]);
    }

    #[test]
    fn a_checkin_names_a_session_by_a_positive_id() {
        for session in [json!(0), json!("7"), json!(1.5)] {
            let problems = refused(checkin(json!({ "session": session, "point": "before", "pain": 1 })));
            assert_eq!(pointers(&problems), ["/session"], "{session}");
        }
    }

    #[test]
    fn a_client_id_is_8_to_64_letters_digits_dashes_or_underscores() {
        let with = |client_id: Value| session(json!({ "exercises": deadlift(), "client_id": client_id }));
        assert_eq!(read(with(json!(null))).client_id, None);
        let eight = read(with(json!("abcd-_12"))).client_id;
        assert_eq!(eight.as_ref().map(ClientId::as_str), Some("abcd-_12"));
        assert!(read(with(json!("a".repeat(64)))).client_id.is_some());
        for wrong in [json!("abc-_12"), json!("a".repeat(65)), json!("has spaces 1234"), json!(12_345_678)] {
            assert_eq!(pointers(&refused(with(wrong.clone()))), ["/client_id"], "{wrong}");
        }
        assert!(refused(with(json!(12_345_678)))[0].message.contains("must be a string"));
        let posted = read(checkin(json!({ "pain": 1, "client_id": "7f1c2d1e-0b7a" })));
        assert_eq!(posted.client_id.as_ref().map(ClientId::as_str), Some("7f1c2d1e-0b7a"));
        assert_eq!(pointers(&refused(checkin(json!({ "pain": 1, "client_id": "short" })))), ["/client_id"]);
    }

    #[test]
    fn a_session_has_an_exercise_and_each_exercise_a_set() {
        assert_eq!(pointers(&refused(session(json!({}))))[0], "/exercises");
        assert_eq!(pointers(&refused(session(json!({ "exercises": [] })))), ["/exercises"]);
        let problems = refused(session(json!({ "exercises": [
            { "exercise": "deadlift", "sets": [{ "load": 140, "reps": 5 }] }, { "exercise": "deadlift", "sets": [] } ] })));
        assert_eq!(pointers(&problems), ["/exercises/1/sets"]);
    }

    #[test]
    fn what_a_change_cannot_change_is_refused() {
        let before = At { instant: time("2026-03-01T07:00:00Z"), offset: Offset::constant(2) };
        let body = object(json!({ "exercises": deadlift(), "checkins": [] }));
        let problems = refused(read_session_change(&body, before, Units::Kg, &zone(), now()));
        assert_eq!(pointers(&problems), ["/checkins"]);
        assert!(problems[0].message.starts_with("cannot be changed here"));
        // A left-out time stays as it was, offset and all.
        let body = object(json!({ "exercises": deadlift() }));
        assert_eq!(read(read_session_change(&body, before, Units::Kg, &zone(), now())).at, before);

        let stored = StandaloneCheckin {
            at: before.instant,
            pain: Pain::parse(3).unwrap_or_else(|e| panic!("{e}")),
            side: None,
        };
        let body = object(json!({ "pain": 4, "at": "2026-03-01T08:00:00Z", "point": "before", "session": 3 }));
        let problems = refused(read_checkin_change(body, StoredCheckin::Standalone(&stored), Units::Kg, now()));
        assert_eq!(pointers(&problems), ["/at", "/point", "/session"]);
        let body = object(json!({ "pain": 4, "at": null }));
        let answers = read(read_checkin_change(body, StoredCheckin::Standalone(&stored), Units::Kg, now()));
        assert_eq!(answers.pain.value(), 4);

        let answers: Map<String, Value> = RedFlags::IDS.iter().map(|id| ((*id).to_owned(), json!(false))).collect();
        let mut body = answers.clone();
        body.insert("at".into(), json!("2026-03-01T08:00:00Z"));
        assert_eq!(pointers(&refused(read_screening_change(body, before.instant, Units::Kg, now()))), ["/at"]);
        let screening = read(read_screening_change(answers, before.instant, Units::Kg, now()));
        assert_eq!(screening.at, before.instant);

        let body = object(json!({ "left": 10, "right": 9, "at": "2026-03-01T08:00:00Z" }));
        assert_eq!(pointers(&refused(read_symmetry_change(&body, before.instant, Units::Kg, now()))), ["/at"]);
    }

    #[test]
    fn a_checkin_change_keeps_what_is_left_out() {
        let stored = SessionCheckin {
            point: Point::During,
            pain: Pain::parse(5).unwrap_or_else(|e| panic!("{e}")),
            at: None,
            side: Some(Side::Left),
            bottom_only: true,
        };
        let before = StoredCheckin::OfSession { session_at: time("2026-03-01T07:00:00Z"), checkin: &stored };
        let answers = read(read_checkin_change(object(json!({ "pain": 2 })), before, Units::Kg, now()));
        assert_eq!((answers.pain.value(), answers.side, answers.bottom_only), (2, Some(Side::Left), true));
        let cleared = object(json!({ "pain": 2, "side": null, "bottom_only": false }));
        let answers = read(read_checkin_change(cleared, before, Units::Kg, now()));
        assert_eq!((answers.side, answers.bottom_only), (None, false));
        let problems = refused(read_checkin_change(object(json!({ "side": "up" })), before, Units::Kg, now()));
        assert_eq!(pointers(&problems), ["/pain", "/side"]);
        let after = StoredCheckin::OfSession {
            session_at: time("2026-03-01T07:00:00Z"),
            checkin: &SessionCheckin { point: Point::After1h, ..stored },
        };
        let problems =
            refused(read_checkin_change(object(json!({ "pain": 2, "bottom_only": true })), after, Units::Kg, now()));
        assert_eq!(pointers(&problems), ["/bottom_only"]);
    }

    #[test]
    fn a_screening_answers_every_question() {
        let problems = refused(read_posted_screening(object(json!({ "fever": true })), Units::Kg, &zone(), now()));
        let expected: Vec<String> =
            RedFlags::IDS.iter().filter(|id| **id != "fever").map(|id| format!("/{id}")).collect();
        assert_eq!(pointers(&problems), expected);
    }

    #[test]
    fn a_rule_at_a_pointer_the_contract_refused_is_left_out() {
        let contract = vec![problem("/at", "not a time")];
        let rules = vec![problem("/at", "in the future"), problem("/client_id", "too short")];
        let merged = refused(settle::<()>(Err(contract), rules));
        assert_eq!(merged, [problem("/at", "not a time"), problem("/client_id", "too short")]);
        assert_eq!(refused(settle(Ok(1), vec![problem("/x", "no")])), [problem("/x", "no")]);
        assert_eq!(settle(Ok(1), Vec::new()), Ok(1));
    }

    #[test]
    fn listings_carry_the_stored_ids_in_order() {
        let profile = Profile::new(Units::Kg);
        let lister = Lister { profile: &profile, time_zone: "UTC", now: now() };
        let first = read(session(json!({ "at": "2026-03-01T07:00:00Z", "exercises": deadlift(),
            "checkins": [{ "point": "before", "pain": 1 }, { "point": "after_1h", "pain": 2 }] })))
        .session;
        let second =
            Session { id: Some("strong-17".into()), ..read(session(json!({ "exercises": deadlift() }))).session };
        let stored = [
            ListedSession { session: &first, offset: Offset::UTC, id: 11, checkin_ids: vec![21, 22] },
            ListedSession { session: &second, offset: Offset::UTC, id: 12, checkin_ids: Vec::new() },
        ];
        let listing = lister.sessions(&stored);
        assert_eq!(listing["units"], "kg");
        assert_eq!(listing["sessions"][0]["id"], 11);
        assert_eq!(listing["sessions"][1]["id"], 12);
        assert_eq!(listing["sessions"][0]["checkins"][0]["id"], 21);
        assert_eq!(listing["sessions"][0]["checkins"][1]["id"], 22);
        assert_eq!(listing["sessions"][0].get("external_id"), None);
        assert_eq!(listing["sessions"][1]["external_id"], "strong-17");
        assert_eq!(
            listing["sessions"][1].get("id").and_then(Value::as_i64),
            Some(12),
            "the store's id, not the import's"
        );
        assert_eq!(lister.session(&stored[1])["id"], 12);
        assert_eq!(lister.session_checkin(&stored[0], 1)["id"], 22);
        assert_eq!(lister.session_checkin(&stored[0], 1)["point"], "after_1h");

        let pain = |n| Pain::parse(n).unwrap_or_else(|e| panic!("{e}"));
        let checkins = vec![
            StandaloneCheckin { at: time("2026-03-01T07:00:00Z"), pain: pain(1), side: None },
            StandaloneCheckin { at: time("2026-03-01T09:00:00Z"), pain: pain(4), side: None },
        ];
        let listing = lister.entries(StoredEntries::Checkins(checkins.clone()), &[5, 3]);
        let listed: Vec<(i64, i64)> = listing["checkins"]
            .as_array()
            .map(|list| list.iter().filter_map(|c| Some((c["id"].as_i64()?, c["pain"].as_i64()?))).collect())
            .unwrap_or_default();
        assert_eq!(listed, [(5, 1), (3, 4)]);
        assert_eq!(lister.entry(StoredEntries::Checkins(checkins), 9)["id"], 9);
        let listing = lister.entries(StoredEntries::Screenings(Vec::new()), &[]);
        assert_eq!(listing, json!({ "screenings": [] }));
    }
}
