//! One event read alone (a posted session, check-in, screening or symmetry test),
//! by exactly the rules and messages of a whole `pullback.plan/v1` document: the
//! event is read as the only element of its list in a minimal document of a
//! lifter who logs in `units`, and the problems' pointers are made relative to
//! the event (`/sessions/0/sets/1/load` → `/sets/1/load`). The API reads what it
//! is sent with these, so it and `pullback plan --input` accept the same values.

use crate::{CONTRACT, Problem, format_time, parse_request};
use jiff::Timestamp;
use pullback_core::{History, Screening, Session, SessionCheckin, StandaloneCheckin, SymmetryTest, Units};
use serde_json::{Map, Value, json};

/// A session (its `at`, exercises, sets and check-ins).
pub fn read_session(event: Map<String, Value>, units: Units, now: Timestamp) -> Result<Session, Vec<Problem>> {
    let history = read_in("sessions", Value::Object(event), "/sessions/0", units, now)?;
    history.sessions.into_iter().next().ok_or_else(not_read)
}

/// A check-in of a session at `session_at` (which only places the check-in: the
/// offset of a `point` is counted from it).
pub fn read_session_checkin(
    checkin: Map<String, Value>,
    session_at: Timestamp,
    units: Units,
    now: Timestamp,
) -> Result<SessionCheckin, Vec<Problem>> {
    let session = json!({ "at": format_time(session_at), "checkins": [checkin] });
    let history = read_in("sessions", session, "/sessions/0/checkins/0", units, now)?;
    history.sessions.into_iter().next().and_then(|s| s.checkins.into_iter().next()).ok_or_else(not_read)
}

/// A check-in of no session.
pub fn read_checkin(
    event: Map<String, Value>,
    units: Units,
    now: Timestamp,
) -> Result<StandaloneCheckin, Vec<Problem>> {
    let history = read_in("checkins", Value::Object(event), "/checkins/0", units, now)?;
    history.checkins.into_iter().next().ok_or_else(not_read)
}

/// A red-flag screening.
pub fn read_screening(event: Map<String, Value>, units: Units, now: Timestamp) -> Result<Screening, Vec<Problem>> {
    let history = read_in("screenings", Value::Object(event), "/screenings/0", units, now)?;
    history.screenings.into_iter().next().ok_or_else(not_read)
}

/// A left/right symmetry test.
pub fn read_symmetry_test(
    event: Map<String, Value>,
    units: Units,
    now: Timestamp,
) -> Result<SymmetryTest, Vec<Problem>> {
    let history = read_in("symmetry_tests", Value::Object(event), "/symmetry_tests/0", units, now)?;
    history.symmetry_tests.into_iter().next().ok_or_else(not_read)
}

/// Reads `item` as the only element of the document's list `list`; problems point
/// into the part at `prefix`.
fn read_in(list: &str, item: Value, prefix: &str, units: Units, now: Timestamp) -> Result<History, Vec<Problem>> {
    let mut document = Map::new();
    document.insert("contract".into(), json!(CONTRACT));
    document.insert("as_of".into(), json!(format_time(now)));
    document.insert("profile".into(), json!({ "units": units.load_symbol() }));
    document.insert(list.to_owned(), json!([item]));
    parse_request(&Value::Object(document)).map(|request| request.history).map_err(|p| relative(p, prefix))
}

/// The problems with `prefix` taken off their pointers (a problem elsewhere keeps its own).
fn relative(problems: Vec<Problem>, prefix: &str) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|p| {
            let pointer = match p.pointer.strip_prefix(prefix) {
                Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_owned(),
                _ => p.pointer,
            };
            Problem { pointer, message: p.message }
        })
        .collect()
}

/// A document without problems holds its event; this is never reached.
fn not_read() -> Vec<Problem> {
    vec![Problem { pointer: String::new(), message: "the event could not be read".into() }]
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

    fn now() -> Timestamp {
        "2026-03-02T12:00:00Z".parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_session_is_read_and_its_problems_point_into_it() {
        let good = object(json!({ "at": "2026-03-02T07:00:00+01:00", "exercises": [
            { "exercise": "deadlift", "sets": [{ "load": 140, "reps": 5 }] } ] }));
        let session = read_session(good, Units::Kg, now()).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(session.exercises[0].sets[0].load.to_string(), "140");
        let bad = object(json!({ "at": "2026-03-02T07:00:00Z", "exercises": [
            { "exercise": "deadlift", "sets": [{ "load": -1, "reps": 5 }] } ] }));
        let problems = read_session(bad, Units::Kg, now()).err().unwrap_or_default();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].pointer, "/exercises/0/sets/0/load");
    }

    #[test]
    fn a_session_checkin_is_placed_by_its_session_and_points_into_itself() {
        let session_at = "2026-03-02T07:00:00Z".parse().unwrap_or_else(|e| panic!("{e}"));
        let checkin = object(json!({ "point": "after_1h", "pain": 3 }));
        let read = read_session_checkin(checkin, session_at, Units::Kg, now()).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(read.pain.value(), 3);
        let bad = object(json!({ "point": "after_1h", "pain": 11 }));
        let problems = read_session_checkin(bad, session_at, Units::Kg, now()).err().unwrap_or_default();
        assert_eq!(problems.iter().map(|p| p.pointer.as_str()).collect::<Vec<_>>(), ["/pain"]);
    }
}
