//! Protocol section 1: check-in times, order of events and check-ins,
//! duplicates, the baseline; contract output times.

use crate::*;
use serde_json::json;

// --- order of events ---------------------------------------------------------

#[test]
fn events_are_replayed_by_time_not_input_order() {
    // Listed backwards: the flare (day 0) enters, then the day-2 session progresses.
    check(
        history(t(3, 12), kg(140.0), vec![ok(t(2, 10), 70.0), flare(t(0, 10), 140.0)]),
        json!({ "rung": 4, "transition": "progress", "episode": { "started": t(0, 10) } }),
    );
}

#[test]
fn sessions_at_the_same_instant_keep_input_order() {
    let a = id(flare(t(0, 10), 140.0), "a");
    let b = id(session(t(0, 10), 70.0, cis(&[("before", 0), ("after_24h", 0)])), "b");
    // a then b: a enters, b (before 0, after_24h 0) is tolerated → progress.
    check_as(
        "a, b",
        history(t(1, 12), kg(140.0), vec![a.clone(), b.clone()]),
        json!({ "action": "train", "rung": 4, "transition": "progress" }),
    );
    // b then a: b is tolerated in the normal state (none), a enters.
    check_as(
        "b, a",
        history(t(1, 12), kg(140.0), vec![b, a]),
        json!({ "action": "train", "rung": 3, "transition": "enter" }),
    );
}

#[test]
fn a_session_comes_before_a_standalone_checkin_at_the_same_instant() {
    // Session (after_24h 1: none) first, then the check-in 5 enters at rung 3.
    // The other order would enter first and then progress to rung 4.
    let h = history(t(1, 12), kg(140.0), vec![session(t(0, 10), 100.0, cis(&[("after_24h", 1)]))]);
    let h = with(h, "checkins", json!([standalone(t(0, 10), 5)]));
    check(
        h,
        json!({
            "action": "train", "status": "episode", "rung": 3, "transition": "enter",
            "episode": { "started": t(0, 10), "day": 1 },
        }),
    );
}

// --- the latest check-in -----------------------------------------------------

#[test]
fn latest_checkin_at_the_same_instant_follows_point_order() {
    // A squat session (not counted: no event) whose before and during are both
    // at the session time. Point order puts during last whatever the listing.
    let squat = |checkins| session_of(t(0, 10), "squat", sets(100.0, 3), checkins);
    check_as(
        "during 1 listed first",
        history(t(0, 12), kg(140.0), vec![squat(cis(&[("during", 1), ("before", 6)]))]),
        json!({ "action": "train", "status": "normal", "transition": "none" }),
    );
    check_as(
        "during 6 listed last",
        history(t(0, 12), kg(140.0), vec![squat(cis(&[("before", 1), ("during", 6)]))]),
        json!({ "action": "rest_active", "status": "normal", "transition": "none",
                "prescription": rung0(), "load_cap": null }),
    );
}

#[test]
fn point_order_applies_across_sessions_at_the_same_instant() {
    // a.during 1, b.before 6, same instant: before < during → latest is a.during.
    let a = id(session_of(t(0, 10), "squat", sets(100.0, 3), cis(&[("during", 1)])), "a");
    let b = id(session_of(t(0, 10), "squat", sets(100.0, 3), cis(&[("before", 6)])), "b");
    check(history(t(0, 12), kg(140.0), vec![a, b]), json!({ "action": "train" }));
}

#[test]
fn standalone_checkins_come_after_session_checkins_at_the_same_instant() {
    let squat = session_of(t(0, 10), "squat", sets(100.0, 3), cis(&[("during", 6)]));
    let h = with(history(t(0, 12), kg(140.0), vec![squat]), "checkins", json!([standalone(t(0, 10), 2)]));
    check(h, json!({ "action": "train", "status": "normal" }));
}

#[test]
fn checkins_are_ordered_by_their_own_time() {
    // after_24h 6 defaults to t(1,10), after the standalone 2 at t(0,20).
    let squat = session_of(t(0, 10), "squat", sets(100.0, 3), cis(&[("after_24h", 6)]));
    let h = with(history(t(1, 12), kg(140.0), vec![squat]), "checkins", json!([standalone(t(0, 20), 2)]));
    check(h.clone(), json!({ "action": "rest_active", "status": "normal" }));
    // Before t(1,10) that after_24h does not exist yet.
    check(set(h, "/as_of", json!(t(1, 9))), json!({ "action": "train", "status": "normal" }));
}

// --- existence at as_of and default times -----------------------------------

#[test]
fn after_24h_defaults_to_24_hours_after_the_session() {
    let h = history(t(1, 9), kg(140.0), vec![session(t(0, 10), 140.0, cis(&[("after_24h", 6)]))]);
    // 23 h after: the after_24h does not exist yet → pending → none
    check(h.clone(), json!({ "status": "normal", "transition": "none", "action": "train", "flags": [] }));
    // 24 h after: it exists → flare → enter
    check(
        set(h, "/as_of", json!(t(1, 10))),
        json!({ "status": "episode", "transition": "enter", "action": "rest_active" }),
    );
}

#[test]
fn after_1h_defaults_to_one_hour_after_the_session() {
    let h = history(ts(0, 10, 59), kg(140.0), vec![session(t(0, 10), 140.0, cis(&[("after_1h", 6)]))]);
    check(h.clone(), json!({ "status": "normal", "transition": "none" }));
    check(set(h, "/as_of", json!(t(0, 11))), json!({ "status": "episode", "transition": "enter" }));
}

#[test]
fn sessions_later_than_as_of_do_not_exist() {
    check(
        history(t(3, 12), kg(140.0), vec![ok(t(0, 10), 100.0), flare(t(5, 10), 140.0)]),
        json!({
            "status": "normal", "transition": "none", "flags": [],
            "metrics": { "days_since_last_session": 3 },
            "load_cap": 110,
        }),
    );
}

#[test]
fn a_point_given_twice_counts_once_the_later_listed() {
    for (first, second, status, transition) in [(6, 1, "normal", "none"), (1, 6, "episode", "enter")] {
        let s = session(t(0, 10), 140.0, cis(&[("after_24h", first), ("after_24h", second)]));
        check_as(
            &format!("{first} then {second}"),
            history(t(2, 12), kg(140.0), vec![s]),
            json!({ "status": status, "transition": transition }),
        );
    }
}

#[test]
fn duplicates_later_than_as_of_are_dropped_first() {
    let s = session(
        t(0, 10),
        140.0,
        json!([
            { "point": "after_24h", "pain": 1 },
            { "point": "after_24h", "pain": 6, "at": t(3, 10) }
        ]),
    );
    // At t(2,12) the later-listed 6 does not exist yet: the 1 counts.
    check(
        history(t(2, 12), kg(140.0), vec![s.clone()]),
        json!({ "status": "normal", "transition": "none", "flags": [] }),
    );
    // At t(3,12) it exists and, listed later, wins.
    check(history(t(3, 12), kg(140.0), vec![s]), json!({ "status": "episode", "transition": "enter" }));
}

// --- baseline ----------------------------------------------------------------

#[test]
fn baseline_without_before_is_the_latest_checkin_strictly_before() {
    // Entering flare's after_24h 3 at t(1,10); standalone 1 at t(1,20).
    // Session at t(2,10): baseline 1; after_24h 3 ≥ 1 + 2 → flare → rung 2.
    // (With the entering after_24h 3 as baseline it would progress to 4.)
    let s = session(t(2, 10), 70.0, cis(&[("during", 2), ("after_24h", 3)]));
    let h = history(t(3, 12), kg(140.0), vec![flare(t(0, 10), 140.0), s]);
    let h = with(h, "checkins", json!([standalone(t(1, 20), 1)]));
    check(h, json!({ "rung": 2, "transition": "regress" }));
}

#[test]
fn baseline_leaves_out_a_checkin_at_the_same_instant() {
    // Standalone 0 at t(1,20), standalone 3 at t(2,10) = the session time.
    // Baseline is 0 (strictly before), after_24h 2 ≥ 0 + 2 → regress to 2.
    // (Counting the same-instant 3 would make it tolerated: progress to 4.)
    let s = session(t(2, 10), 70.0, cis(&[("during", 2), ("after_24h", 2)]));
    let h = history(t(3, 12), kg(140.0), vec![flare(t(0, 10), 140.0), s]);
    let h = with(h, "checkins", json!([standalone(t(1, 20), 0), standalone(t(2, 10), 3)]));
    check(h, json!({ "rung": 2, "transition": "regress" }));
}

#[test]
fn baseline_is_0_without_an_earlier_checkin() {
    // The entering session's only check-in (after_24h 5) was recorded late,
    // at t(10,10). The session of t(2,10) has nothing before it: baseline 0,
    // after_24h 2 ≥ 0 + 2 → flare → regress to rung 2.
    let entering = session(t(0, 10), 140.0, json!([ { "point": "after_24h", "pain": 5, "at": t(10, 10) } ]));
    let s = session(t(2, 10), 70.0, cis(&[("during", 1), ("after_24h", 2)]));
    let h = history(t(11, 12), kg(140.0), vec![entering, s]);
    let h = with(h, "checkins", json!([standalone(t(10, 12), 1)]));
    check(
        h,
        json!({ "action": "train", "rung": 2, "transition": "regress",
                "episode": { "started": t(0, 10) } }),
    );
}

#[test]
fn baseline_counts_checkins_of_sessions_that_do_not_count() {
    // A squat session's during 1 at t(1,20) is the latest check-in before
    // t(2,10): baseline 1, after_24h 3 ≥ 3 → flare → rung 2.
    let squat = session_of(t(1, 20), "squat", sets(100.0, 3), cis(&[("during", 1)]));
    let s = session(t(2, 10), 70.0, cis(&[("during", 2), ("after_24h", 3)]));
    check(
        history(t(3, 12), kg(140.0), vec![flare(t(0, 10), 140.0), squat, s]),
        json!({ "rung": 2, "transition": "regress" }),
    );
}

// --- output times --------------------------------------------------------------

#[test]
fn output_times_are_utc_with_z_truncated_to_the_second() {
    let s = session("2026-01-01T11:00:00.750+01:00", 140.0, cis(&[("during", 5), ("after_24h", 3)]));
    check(
        history("2026-01-04T14:00:00+02:00", kg(140.0), vec![s]),
        json!({
            "as_of": "2026-01-04T12:00:00Z",
            // 2026-01-01T10:00:00.750Z → 2026-01-04T12:00Z: 3 days
            "episode": { "started": "2026-01-01T10:00:00Z", "day": 3 },
        }),
    );
}
