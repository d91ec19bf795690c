//! The merge of a JSON history document (a `pullback export`, or any
//! `pullback.plan/v1` history) into a stored log: which of its events the log
//! holds already, which lie in the future, and whether its profile differs. Every
//! front end that imports a JSON document asks here, so all merge alike.

use crate::words::count;
use jiff::Timestamp;
use pullback_core::{History, Session};
use pullback_store::ImportCounts;
use std::collections::HashMap;

/// The events of `history` after `now`, by JSON pointer: an import refuses them,
/// as logging refuses an event in the future.
pub fn future_events(history: &History, now: Timestamp) -> Vec<(String, Timestamp)> {
    let h = history;
    let mut found = Vec::new();
    let mut check = |pointer: String, at: Timestamp| {
        if at > now {
            found.push((pointer, at));
        }
    };
    for (i, s) in h.sessions.iter().enumerate() {
        check(format!("/sessions/{i}/at"), s.at);
        for (j, c) in s.checkins.iter().enumerate() {
            if let Some(at) = c.at {
                check(format!("/sessions/{i}/checkins/{j}/at"), at);
            }
        }
    }
    for (i, c) in h.checkins.iter().enumerate() {
        check(format!("/checkins/{i}/at"), c.at);
    }
    for (i, s) in h.screenings.iter().enumerate() {
        check(format!("/screenings/{i}/at"), s.at);
    }
    for (i, t) in h.symmetry_tests.iter().enumerate() {
        check(format!("/symmetry_tests/{i}/at"), t.at);
    }
    found
}

/// The file's history without what `stored` already holds: events at the same
/// instant with the same content (session ids aside). Each stored event matches
/// at most one in the file, so a file with two identical sessions re-imports none
/// and imports into an empty log both.
pub fn skip_known(mut file: History, stored: &History) -> (History, Tally) {
    let before = Tally::of(&file);
    let same_session = |a: &Session, b: &Session| a.exercises == b.exercises && a.checkins == b.checkins;
    file.sessions = fresh(file.sessions, &stored.sessions, |s| s.at, same_session);
    file.checkins = fresh(file.checkins, &stored.checkins, |c| c.at, PartialEq::eq);
    file.screenings = fresh(file.screenings, &stored.screenings, |s| s.at, PartialEq::eq);
    file.symmetry_tests = fresh(file.symmetry_tests, &stored.symmetry_tests, |t| t.at, PartialEq::eq);
    let after = Tally::of(&file);
    let skipped = Tally {
        sessions: before.sessions - after.sessions,
        exercises: before.exercises - after.exercises,
        sets: before.sets - after.sets,
        checkins: before.checkins - after.checkins,
        screenings: before.screenings - after.screenings,
        symmetry_tests: before.symmetry_tests - after.symmetry_tests,
    };
    (file, skipped)
}

/// The items of `incoming` that no unused item of `stored` at the same time equals.
fn fresh<T>(incoming: Vec<T>, stored: &[T], at: impl Fn(&T) -> Timestamp, same: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut by_time: HashMap<Timestamp, Vec<usize>> = HashMap::new();
    for (i, item) in stored.iter().enumerate() {
        by_time.entry(at(item)).or_default().push(i);
    }
    let mut used = vec![false; stored.len()];
    incoming
        .into_iter()
        .filter(|item| {
            let candidates = by_time.get(&at(item)).map_or(&[][..], Vec::as_slice);
            match candidates.iter().find(|&&i| !used[i] && same(&stored[i], item)) {
                Some(&i) => {
                    used[i] = true;
                    false
                }
                None => true,
            }
        })
        .collect()
}

/// Whether the file's profile or parameters differ from the stored ones.
pub fn profile_differs(file: &History, stored: &History) -> bool {
    let (a, b) = (&file.profile, &stored.profile);
    a.working_weight != b.working_weight
        || a.usual_variation != b.usual_variation
        || a.load_increment != b.load_increment
        || a.bar_weight != b.bar_weight
        || a.kettlebell_weight != b.kettlebell_weight
        || a.time_zone.iana_name() != b.time_zone.iana_name()
        || file.params != stored.params
}

/// How many of each kind of row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub sessions: usize,
    pub exercises: usize,
    pub sets: usize,
    /// Session and standalone check-ins.
    pub checkins: usize,
    pub screenings: usize,
    pub symmetry_tests: usize,
}

impl Tally {
    pub fn of(h: &History) -> Tally {
        Tally {
            sessions: h.sessions.len(),
            exercises: h.sessions.iter().map(|s| s.exercises.len()).sum(),
            sets: h.sessions.iter().flat_map(|s| &s.exercises).map(|e| e.sets.len()).sum(),
            checkins: h.sessions.iter().map(|s| s.checkins.len()).sum::<usize>() + h.checkins.len(),
            screenings: h.screenings.len(),
            symmetry_tests: h.symmetry_tests.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Tally::default()
    }

    /// "3 sessions (4 exercises, 12 sets), 5 check-ins, 1 screening, 0 symmetry tests".
    pub fn describe(&self) -> String {
        format!(
            "{} ({}, {}), {}, {}, {}",
            count(self.sessions, "session", "sessions"),
            count(self.exercises, "exercise", "exercises"),
            count(self.sets, "set", "sets"),
            count(self.checkins, "check-in", "check-ins"),
            count(self.screenings, "screening", "screenings"),
            count(self.symmetry_tests, "symmetry test", "symmetry tests"),
        )
    }
}

impl From<ImportCounts> for Tally {
    fn from(c: ImportCounts) -> Tally {
        Tally {
            sessions: c.sessions,
            exercises: c.exercises,
            sets: c.sets,
            checkins: c.checkins,
            screenings: c.screenings,
            symmetry_tests: c.symmetry_tests,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pullback_core::{Pain, Profile, StandaloneCheckin, Units};

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn checkin(when: &str, pain: i64) -> StandaloneCheckin {
        let pain = Pain::parse(pain).unwrap_or_else(|e| panic!("{e}"));
        StandaloneCheckin { at: at(when), pain, side: None }
    }

    fn history(checkins: Vec<StandaloneCheckin>) -> History {
        let mut history = History::new(Profile::new(Units::Kg));
        history.checkins = checkins;
        history
    }

    #[test]
    fn a_stored_event_matches_one_event_of_the_file_only() {
        let stored = history(vec![checkin("2026-03-01T08:00:00Z", 3)]);
        let file = history(vec![
            checkin("2026-03-01T08:00:00Z", 3),
            checkin("2026-03-01T08:00:00Z", 3),
            checkin("2026-03-01T08:00:00Z", 4),
        ]);
        let (left, skipped) = skip_known(file, &stored);
        let pains: Vec<u8> = left.checkins.iter().map(|c| c.pain.value()).collect();
        assert_eq!(pains, [3, 4], "one of the two equal check-ins is known, the other new");
        assert_eq!(skipped, Tally { checkins: 1, ..Tally::default() });
        assert_eq!(skipped.describe(), "0 sessions (0 exercises, 0 sets), 1 check-in, 0 screenings, 0 symmetry tests");
    }

    #[test]
    fn events_after_now_are_named_by_pointer() {
        let file = history(vec![checkin("2026-03-01T08:00:00Z", 3), checkin("2026-03-03T08:00:00Z", 3)]);
        let found = future_events(&file, at("2026-03-02T00:00:00Z"));
        assert_eq!(found, [("/checkins/1/at".to_owned(), at("2026-03-03T08:00:00Z"))]);
    }

    #[test]
    fn a_profile_differs_by_any_setting_or_parameter() {
        let stored = history(vec![]);
        assert!(!profile_differs(&history(vec![]), &stored));
        let mut other = history(vec![]);
        other.profile.units = Units::Lb;
        assert!(!profile_differs(&other, &stored), "units are checked apart, before the merge");
        other.profile.time_zone = jiff::tz::TimeZone::get("Europe/Oslo").unwrap_or_else(|e| panic!("{e}"));
        assert!(profile_differs(&other, &stored));
    }
}
