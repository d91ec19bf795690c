//! Issue 14.9: the words of a plan on imported history follow what was logged.
//! Sessions from other apps have no pain ratings, may be long ago, and may have
//! many workouts of other lifts between them. The rules are protocol.md's (the
//! `missing_checkin` flag and the layoff gap between counted sessions stand); only
//! the words change.

use crate::*;
use serde_json::{Value, json};

fn reason(out: &Value, rule: &str) -> String {
    let reasons = out["reasons"].as_array().cloned().unwrap_or_default();
    let found = reasons.iter().find(|r| r["rule"] == rule);
    found.and_then(|r| r["text"].as_str()).unwrap_or_else(|| panic!("no `{rule}` reason in {out}")).to_owned()
}

/// A deadlift session with no check-ins, as an import writes it.
fn unrated(at: impl AsRef<str>) -> Value {
    session(at, 100.0, json!([]))
}

#[test]
fn a_session_without_pain_ratings_is_not_called_tolerable() {
    let recent = check(history(t(1, 12), kg(140.0), vec![unrated(t(0, 10))]), json!({ "transition": "none" }));
    let text = reason(&recent, "none");
    assert!(text.contains("has no pain ratings yet: rate your back 24 h after it"), "{text}");
    assert!(!text.contains("tolerable"), "nothing was rated: {text}");

    // 719 days later: no ratings, and too long ago to rate.
    let old = check(
        history(t(719, 12), kg(140.0), vec![unrated(t(0, 10))]),
        json!({ "transition": "none", "flags": ["layoff", "missing_checkin"] }),
    );
    let text = reason(&old, "none");
    assert!(text.contains("has no pain ratings logged with it, so Pullback cannot judge"), "{text}");
    assert!(!text.contains("tolerable") && !text.contains("24 h after it,"), "{text}");
    let missing = reason(&old, "missing_checkin");
    assert!(missing.contains("too long ago to rate now"), "{missing}");
    assert!(!missing.contains("rate your back now"), "no check-in is asked for a session 719 days old: {missing}");
}

#[test]
fn an_old_rated_session_is_not_asked_for_its_24_h_check_in() {
    let rated = session(t(0, 10), 100.0, cis(&[("during", 2)]));
    let recent = check(history(t(1, 12), kg(140.0), vec![rated.clone()]), json!({ "flags": ["missing_checkin"] }));
    assert!(reason(&recent, "missing_checkin").contains("rate your back now"));
    assert!(reason(&recent, "none").contains("within your tolerable range so far; rate your back 24 h after"));
    let old = check(history(t(30, 12), kg(140.0), vec![rated]), json!({ "flags": ["layoff", "missing_checkin"] }));
    assert!(reason(&old, "missing_checkin").contains("too long ago to rate now"));
    let text = reason(&old, "none");
    assert!(text.contains("as far as you rated it") && text.contains("too long ago to add one"), "{text}");
}

#[test]
fn a_layoff_counts_counted_sessions_and_names_the_other_workouts_in_the_gap() {
    // Protocol section 5: the gap runs between counted sessions, so three squat
    // workouts in 344 days do not shorten it; the words say they were logged.
    let mut sessions = vec![ok(t(0, 10), 140.0)];
    sessions.extend([30, 120, 300].map(|day| session_of(t(day, 10), "squat", sets(100.0, 3), json!([]))));
    let out = check(
        history(t(344, 12), kg(140.0), sessions),
        json!({ "flags": ["layoff"], "metrics": { "days_since_last_session": 344 }, "load_cap": 70 }),
    );
    let text = reason(&out, "layoff");
    assert!(text.starts_with("It has been 344 days since your last session of a lift Pullback counts"), "{text}");
    assert!(text.contains("the 3 other workouts you logged since do not count toward a layoff"), "{text}");
    // Without other workouts the words stay short.
    let alone = check(history(t(20, 12), kg(140.0), vec![ok(t(0, 10), 140.0)]), json!({ "flags": ["layoff"] }));
    let text = reason(&alone, "layoff");
    assert!(text.starts_with("It has been 20 days since your last session on "), "{text}");
}
