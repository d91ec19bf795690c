//! The audit entries of a lifter's own changes and deletions: an action code, and
//! a detail in plain words that names the entry by its date and says what changed
//! ("check-in 1 h after the session of 2 Mar 2026: pain 8 → 3"). Editing the log
//! changes the plan, so the lifter (and their clinician) can always see what was
//! changed afterwards, and when.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use pullback_core::{ExerciseLog, Pain, Point, RedFlags, Side, Strength, Units};
use pullback_store::{At, Entry, NewAudit, User};
use std::fmt::Display;

/// The action code of a change to `entry` (`session_changed`, `checkin_changed`…),
/// in the style of the other codes of the audit log (`protocol_changed`).
pub fn changed_action(entry: Entry) -> &'static str {
    match entry {
        Entry::Session(_) => "session_changed",
        Entry::Checkin(_) => "checkin_changed",
        Entry::Screening(_) => "screening_changed",
        Entry::SymmetryTest(_) => "symmetry_test_changed",
    }
}

/// The action code of deleting `entry` (`session_deleted`, `checkin_deleted`…).
pub fn deleted_action(entry: Entry) -> &'static str {
    match entry {
        Entry::Session(_) => "session_deleted",
        Entry::Checkin(_) => "checkin_deleted",
        Entry::Screening(_) => "screening_deleted",
        Entry::SymmetryTest(_) => "symmetry_test_deleted",
    }
}

/// An entry of `lifter`'s log written by `lifter` themselves.
pub fn by_lifter<'u>(lifter: &'u User, action: &'static str, detail: String, at: Timestamp) -> NewAudit<'u> {
    NewAudit { lifter: lifter.id, actor: lifter, action, detail, at }
}

/// "2 Mar 2026": the day in the offset the entry was logged in.
pub fn day(at: At) -> String {
    at.zoned().strftime("%-d %b %Y").to_string()
}

/// "session of 2 Mar 2026".
pub fn session_name(at: At) -> String {
    format!("session of {}", day(at))
}

/// "check-in 1 h after the session of 2 Mar 2026" for a session's check-in.
pub fn session_checkin_name(point: Point, session_at: At) -> String {
    let when = match point {
        Point::Before => "before",
        Point::During => "during",
        Point::After1h => "1 h after",
        Point::After24h => "24 h after",
    };
    format!("check-in {when} the {}", session_name(session_at))
}

/// "check-in of 2 Mar 2026" for a standalone check-in.
pub fn standalone_checkin_name(at: Timestamp, zone: &TimeZone) -> String {
    format!("check-in of {}", day(At::in_zone(at, zone)))
}

/// "screening of 2 Mar 2026", "symmetry test of 2 Mar 2026".
pub fn event_name(kind: &str, at: Timestamp, zone: &TimeZone) -> String {
    format!("{kind} of {}", day(At::in_zone(at, zone)))
}

/// `name: change, change`, or `name: nothing changed`.
pub fn detail(name: &str, changes: &[String]) -> String {
    if changes.is_empty() { format!("{name}: nothing changed") } else { format!("{name}: {}", changes.join("; ")) }
}

/// "pain 8 → 3", or nothing when the value stayed.
pub fn change<T: PartialEq + Display>(what: &str, before: T, after: T) -> Option<String> {
    (before != after).then(|| format!("{what} {before} → {after}"))
}

/// The changes of a check-in's answers, in words.
pub fn checkin_changes(before: (Pain, Option<Side>, bool), after: (Pain, Option<Side>, bool)) -> Vec<String> {
    let side = |s: Option<Side>| s.map_or("not given", Side::id);
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    [
        change("pain", before.0.value(), after.0.value()),
        change("side", side(before.1), side(after.1)),
        change("only at the bottom", yes_no(before.2), yes_no(after.2)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The changed answers of a screening, by question ("night pain no → yes").
pub fn screening_changes(before: &RedFlags, after: &RedFlags) -> Vec<String> {
    let yes = |answers: &RedFlags, id: &str| answers.yes().contains(&id);
    RedFlags::IDS
        .iter()
        .filter_map(|id| {
            let word = |answers: &RedFlags| if yes(answers, id) { "yes" } else { "no" };
            change(&id.replace('_', " "), word(before), word(after))
        })
        .collect()
}

/// The changes of a symmetry test ("left 310 → 300").
pub fn symmetry_changes(before: (Strength, Strength), after: (Strength, Strength)) -> Vec<String> {
    [change("left", before.0.value(), after.0.value()), change("right", before.1.value(), after.1.value())]
        .into_iter()
        .flatten()
        .collect()
}

/// The changes of a session: its time, and its exercises as a summary.
pub fn session_changes(before: (At, &[ExerciseLog]), after: (At, &[ExerciseLog]), units: Units) -> Vec<String> {
    let time = |at: At| at.zoned().strftime("%-d %b %Y, %H:%M").to_string();
    let moved = (before.0.instant != after.0.instant).then(|| format!("time {} → {}", time(before.0), time(after.0)));
    let exercises =
        (before.1 != after.1).then(|| format!("{} → {}", exercises(before.1, units), exercises(after.1, units)));
    moved.into_iter().chain(exercises).collect()
}

/// "deadlift 5 sets up to 142.5 kg, bird dog 3 sets": enough to tell one version
/// of a session from another in the log.
pub fn exercises(logs: &[ExerciseLog], units: Units) -> String {
    let one = |log: &ExerciseLog| {
        let name = log.exercise.known().map_or_else(|| log.exercise.as_str().to_owned(), |e| e.name().to_owned());
        let sets = match log.sets.len() {
            1 => "1 set".to_owned(),
            n => format!("{n} sets"),
        };
        match log.sets.iter().map(|s| s.load).max().filter(|top| !top.value().is_zero()) {
            Some(top) => format!("{name} {sets} up to {top} {}", units.load_symbol()),
            None => format!("{name} {sets}"),
        }
    };
    logs.iter().map(one).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> At {
        text.parse().unwrap()
    }

    #[test]
    fn a_checkin_is_named_by_its_point_and_the_sessions_day_in_its_own_offset() {
        let late = at("2026-03-02T23:30:00-05:00");
        assert_eq!(session_checkin_name(Point::After1h, late), "check-in 1 h after the session of 2 Mar 2026");
        assert_eq!(session_checkin_name(Point::Before, late), "check-in before the session of 2 Mar 2026");
    }

    #[test]
    fn only_what_changed_is_written() {
        let pain = |p| Pain::parse(p).unwrap();
        let changes = checkin_changes((pain(8), None, true), (pain(3), None, true));
        assert_eq!(detail("check-in", &changes), "check-in: pain 8 → 3");
        let changes = checkin_changes((pain(3), None, false), (pain(3), Some(Side::Left), true));
        assert_eq!(changes, ["side not given → left", "only at the bottom no → yes"]);
        assert_eq!(detail("check-in", &[]), "check-in: nothing changed");
    }

    #[test]
    fn a_screening_names_the_questions_whose_answer_changed() {
        let before = RedFlags::default();
        let after = RedFlags { night_pain: true, ..RedFlags::default() };
        assert_eq!(screening_changes(&before, &after), ["night pain no → yes"]);
    }
}
