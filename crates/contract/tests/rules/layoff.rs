//! Protocol section 5, layoff in an episode: the rung drops instead of a cap.
//!
//! `ladder_sessions(7)`: enter on day 0, tolerated sessions on days 2…14 →
//! rung 10 after the session of t(14,10). W = 140 kg.

use crate::*;
use serde_json::json;

#[test]
fn layoff_drops_the_rung_in_the_replay() {
    // Gap t(14,10) → t(34,10) = 20 days ≥ 14 → factor 0.8: rung 10 (90 %)
    // drops to rung 9 (80 %) before the session is judged.
    let mut tolerated = ladder_sessions(7);
    tolerated.push(ok(t(34, 10), 110.0));
    let out = check(
        history(t(35, 12), kg(140.0), tolerated),
        json!({
            // dropped to 9, then progress → 10 (without the drop: 10 → 11)
            "rung": 10, "transition": "progress",
            // 90 % of 140 = 126 → 125
            "prescription": [ { "load": 125 }, { "exercise": "jefferson_curl" } ],
            "flags": [],
        }),
    );
    assert_reason_rules(&out, &["layoff"]);

    let mut flared = ladder_sessions(7);
    flared.push(flare(t(34, 10), 110.0));
    check(
        history(t(35, 12), kg(140.0), flared),
        // dropped to 9, then regress → 8: 70 % of 140 = 98 → 97.5
        json!({ "rung": 8, "transition": "regress",
                "prescription": [ { "load": 97.5 }, { "exercise": "jefferson_curl" } ] }),
    );
}

#[test]
fn layoff_drops_the_rung_at_as_of_without_a_transition() {
    // (as_of, whole days since t(14,10), rung, main load, tempo)
    let table = [
        // 13 days 2 h → 13: no band, rung 10 (126 → 125)
        (t(27, 12), 13, 10, 125.0, json!(null)),
        // 20 → 0.8 → rung 9: 80 % of 140 = 112 → 110
        (t(34, 12), 20, 9, 110.0, json!(null)),
        // 55 → 0.8 → rung 9
        (t(69, 12), 55, 9, 110.0, json!(null)),
        // 56 → 0.6 → rung 7: 60 % of 140 = 84 → 82.5
        (t(70, 12), 56, 7, 82.5, json!(null)),
        // 182 → 0.5 → rung 6 (50 %, 5-0-5): 70
        (t(196, 12), 182, 6, 70.0, json!("5-0-5")),
    ];
    for (as_of, days, rung, load, tempo) in table {
        let out = check_as(
            &format!("{days} days"),
            history(&as_of, kg(140.0), ladder_sessions(7)),
            json!({
                "status": "episode", "rung": rung,
                // the drop at as_of is not a transition
                "transition": "progress",
                "prescription": rung_prescription(
                    rung,
                    json!({ "exercise": "deadlift", "load": load, "tempo": tempo }),
                ),
                "load_cap": null,
                "metrics": { "days_since_last_session": days },
            }),
        );
        if days >= 14 {
            let flags = out["flags"].as_array().cloned().unwrap_or_default();
            assert!(flags.contains(&json!("layoff")), "{days} days: {flags:?}");
            assert_reason_rules(&out, &["layoff"]);
        }
    }
}

#[test]
fn layoff_at_as_of_flags_exactly_layoff() {
    // 20 days 2 h after the last session, episode day 34: flags ["layoff"].
    check(
        history(t(34, 12), kg(140.0), ladder_sessions(7)),
        json!({
            "rung": 9, "flags": ["layoff"],
            "episode": { "started": t(0, 10), "day": 34 },
            "prescription": [ { "load": 110 },
                              { "exercise": "jefferson_curl", "load": 0, "sets": 2, "reps": 8 } ],
        }),
    );
}

#[test]
fn layoff_drop_keeps_the_block() {
    // rung 10, then a bottom-only flare → block 15 at rung 10; 20 days later → rung 9, block 15
    let mut sessions = ladder_sessions(7);
    sessions.push(bottom(t(16, 10), 125.0));
    check(
        history(t(36, 12), kg(140.0), sessions),
        json!({
            "rung": 9, "block_height": 15, "transition": "block_add",
            "prescription": [ { "load": 110, "block_height": 15 }, { "exercise": "jefferson_curl" } ],
        }),
    );
}

#[test]
fn no_drop_when_the_rung_is_within_the_factor() {
    // rung 5 (50 %) after 20 days: 50 % ≤ 80 % → stays at 5
    check(
        history(t(24, 12), kg(140.0), ladder_sessions(2)),
        json!({ "rung": 5, "transition": "progress", "flags": ["layoff"],
                "prescription": [ { "load": 70, "tempo": "3-1-3" } ] }),
    );
}

#[test]
fn layoff_drop_works_on_rungs_while_working_weight_is_unknown() {
    // Enter by check-in, 7 tolerated sessions → rung 10; 20 days later → rung 9.
    let sessions = (1..=7).map(|i| ok(t(2 * i, 10), 70.0)).collect();
    let h = with(history(t(34, 12), kg_derived(), sessions), "checkins", json!([standalone(t(0, 8), 6)]));
    check(
        h,
        json!({
            "rung": 9,
            "prescription": [ { "exercise": "deadlift", "load": null }, { "exercise": "jefferson_curl" } ],
            "flags": ["layoff", "working_weight_unknown"],
        }),
    );
}
