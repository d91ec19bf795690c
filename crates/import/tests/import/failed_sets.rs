//! Issue 14.2: a failed attempt (Strong's `F`, 0 reps) is kept as it was logged,
//! and the engine never takes it as a top set.

use crate::{fixture, options, render};
use pullback_core::{History, Profile, Session, plan};
use pullback_import::{Units, read};

#[test]
fn a_failed_attempt_is_kept_counted_and_never_the_working_weight() {
    let parsed = read(fixture("strong_failed_set.csv").as_bytes(), &options(Units::Lb, "UTC")).unwrap();
    assert!(render(&parsed).contains("deadlift: w135x5 w225x3 315x6@9 405x0@10"), "{}", render(&parsed));
    assert_eq!(parsed.report.failed_sets, 1);

    let mut history = History::new(Profile::new(Units::Lb));
    history.sessions = parsed
        .sessions
        .iter()
        .map(|s| Session {
            id: Some(s.id.clone()),
            at: s.at.timestamp(),
            exercises: s.exercises.clone(),
            checkins: vec![],
            note: s.note.clone(),
        })
        .collect();
    let decision = plan(&history, "2024-06-13T12:00:00Z".parse().unwrap());
    // W is the best completed set, 315 × 6, not the missed 405; the cap 1.10 × 315 = 346.5 → 345.
    assert_eq!(decision.metrics.working_weight.map(|w| w.to_string()).as_deref(), Some("315"));
    assert_eq!(decision.load_cap.map(|c| c.to_string()).as_deref(), Some("345"));
}
