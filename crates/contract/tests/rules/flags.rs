//! Protocol section 6: flags.

use crate::*;
use serde_json::json;

// --- intensity_spike ---------------------------------------------------------

#[test]
fn intensity_spike_above_110_percent_of_the_last_28_days() {
    // 115 > 1.10 × 100 = 110 → spike
    let out = check(
        history(t(4, 12), kg(140.0), vec![ok(t(0, 10), 100.0), ok(t(3, 10), 115.0)]),
        json!({
            "status": "normal", "flags": ["intensity_spike"],
            // 1.10 × 115 = 126.5 → 125
            "load_cap": 125,
        }),
    );
    assert_reason_rules(&out, &["intensity_spike"]);
}

#[test]
fn intensity_exactly_110_percent_is_not_a_spike() {
    // 110 is not above 1.10 × 100 = 110 (exact decimal comparison)
    check(
        history(t(4, 12), kg(140.0), vec![ok(t(0, 10), 100.0), ok(t(3, 10), 110.0)]),
        // 1.10 × 110 = 121 → 120
        json!({ "flags": [], "load_cap": 120 }),
    );
}

#[test]
fn intensity_spike_only_within_the_last_7_days() {
    // The spiking session t(3,10) is exactly 7 days before as_of t(10,10):
    // outside the half-open window (T − 7 d, T].
    check(
        history(t(10, 10), kg(140.0), vec![ok(t(0, 10), 100.0), ok(t(3, 10), 115.0)]),
        json!({ "flags": [], "load_cap": 125 }),
    );
    // One hour earlier it is inside.
    check(
        history(t(10, 9), kg(140.0), vec![ok(t(0, 10), 100.0), ok(t(3, 10), 115.0)]),
        json!({ "flags": ["intensity_spike"] }),
    );
}

#[test]
fn intensity_spike_compares_with_the_28_days_before_the_session() {
    // The 100 at exactly 28 days before the 115 is outside its window: no
    // earlier top set, no spike. (acwr: 1725 / (1725 / 4) = 4 → volume_spike.)
    check(
        history(t(29, 12), kg(140.0), vec![ok(t(0, 10), 100.0), ok(t(28, 10), 115.0)]),
        json!({ "flags": ["volume_spike"], "metrics": { "acwr": 4.0 } }),
    );
}

#[test]
fn intensity_spike_is_not_flagged_in_an_episode() {
    check(
        history(t(4, 12), kg(140.0), vec![ok(t(0, 10), 100.0), flare(t(3, 10), 130.0)]),
        json!({ "status": "episode", "flags": [] }),
    );
}

// --- volume_spike and acwr ---------------------------------------------------

/// Sessions on days 0, 10, 20 (3 × 5 × 100 = 1500 each) and a bigger one on
/// day 29 (6 × 5 × 100 = 3000). as_of t(30,12): acute = 3000, chronic window
/// (t(2,12), t(30,12)] = 1500 + 1500 + 3000 = 6000; 3000 / (6000 / 4) = 2.0.
fn volume_history(last: serde_json::Value) -> serde_json::Value {
    history(t(30, 12), kg(140.0), vec![ok(t(0, 10), 100.0), ok(t(10, 10), 100.0), ok(t(20, 10), 100.0), last])
}

#[test]
fn volume_spike_when_acwr_above_1_5() {
    let last = session_of(t(29, 10), "deadlift", sets(100.0, 6), cis(&[("after_24h", 0)]));
    let out = check(
        volume_history(last),
        json!({
            "status": "normal", "flags": ["volume_spike"],
            "metrics": { "acwr": 2.0 },
            "load_cap": 110,
        }),
    );
    assert_reason_rules(&out, &["volume_spike"]);
}

#[test]
fn acwr_is_computed_in_an_episode_without_the_flag() {
    let last = session_of(t(29, 10), "deadlift", sets(100.0, 6), cis(&[("during", 5), ("after_24h", 3)]));
    check(volume_history(last), json!({ "status": "episode", "flags": [], "metrics": { "acwr": 2.0 } }));
}

#[test]
fn acwr_counts_warmups_ignores_other_exercises_and_rounds_half_up() {
    // s0 t(0,10): 100 × 5 = 500 (only makes the history ≥ 28 days old)
    // sA t(20,10): 4 × 5 × 115 = 2300
    // sB t(33,10): warm-up 20 × 5 = 100 + 2 × 5 × 80 = 800 → 900; squat ignored
    // as_of t(34,12): acute 900; chronic (t(6,12), t(34,12)] = 2300 + 900 = 3200
    // 900 / (3200 / 4) = 1.125 → half-up 1.13; 1.125 ≤ 1.5: no flag
    let s_b = json!({
        "id": "sB", "at": t(33, 10),
        "exercises": [
            { "exercise": "deadlift", "sets": [
                { "load": 20, "reps": 5, "warmup": true },
                { "load": 80, "reps": 5 },
                { "load": 80, "reps": 5 } ] },
            { "exercise": "squat", "sets": [ { "load": 100, "reps": 5 } ] }
        ],
        "checkins": [ { "point": "after_24h", "pain": 0 } ]
    });
    let sessions = vec![
        session_of(t(0, 10), "deadlift", sets(100.0, 1), cis(&[("after_24h", 0)])),
        session_of(t(20, 10), "deadlift", sets(115.0, 4), cis(&[("after_24h", 0)])),
        s_b,
    ];
    check(
        history(t(34, 12), kg(140.0), sessions),
        json!({
            "metrics": { "acwr": 1.13 },
            "flags": [],
            // heaviest top set in the 28 days before as_of: 115 → 126.5 → 125
            "load_cap": 125,
        }),
    );
}

#[test]
fn acwr_exactly_at_the_threshold_is_not_a_spike() {
    // s0 t(0,10) 1500; sA t(15,10) 5 × 5 × 100 = 2500; sB t(29,10) 1500.
    // as_of t(30,12): 1500 / ((2500 + 1500) / 4) = 1.5, not above 1.5.
    let sessions = vec![
        ok(t(0, 10), 100.0),
        session_of(t(15, 10), "deadlift", sets(100.0, 5), cis(&[("after_24h", 0)])),
        ok(t(29, 10), 100.0),
    ];
    check(history(t(30, 12), kg(140.0), sessions), json!({ "flags": [], "metrics": { "acwr": 1.5 } }));
}

#[test]
fn acwr_is_null_before_28_days_of_history_or_without_chronic_load() {
    // 27 days 2 h of history: not computed
    check(history(t(27, 12), kg(140.0), vec![ok(t(0, 10), 100.0)]), json!({ "metrics": { "acwr": null } }));
    // exactly 28 days: computed, but the 28-day window (t(0,10), t(28,10)]
    // leaves the only session out → divisor 0 → null
    check(history(t(28, 10), kg(140.0), vec![ok(t(0, 10), 100.0)]), json!({ "metrics": { "acwr": null } }));
}

// --- missing_checkin -------------------------------------------------------

#[test]
fn missing_checkin_from_24_hours_without_after_24h() {
    let sessions = vec![pending(t(0, 10), 100.0)];
    check(history(ts(1, 9, 59), kg(140.0), sessions.clone()), json!({ "transition": "none", "flags": [] }));
    let out =
        check(history(t(1, 10), kg(140.0), sessions), json!({ "transition": "none", "flags": ["missing_checkin"] }));
    assert_reason_rules(&out, &["missing_checkin"]);
}

#[test]
fn an_after_24h_later_than_as_of_is_missing() {
    let s = session(t(0, 10), 100.0, json!([ { "point": "after_24h", "pain": 1, "at": t(2, 10) } ]));
    check(history(t(1, 12), kg(140.0), vec![s]), json!({ "flags": ["missing_checkin"] }));
}

// --- pattern -----------------------------------------------------------------

#[test]
fn pattern_flag_stays_through_the_episode() {
    let h = history(
        t(9, 12),
        kg(140.0),
        vec![sore(t(0, 10), 100.0), sore(t(3, 10), 100.0), sore(t(6, 10), 100.0), ok(t(8, 10), 70.0)],
    );
    check(h, json!({ "status": "episode", "rung": 4, "transition": "progress", "flags": ["pattern"] }));
}

#[test]
fn an_entering_flare_counts_for_the_pattern_flag() {
    // sore, sore, then a flare whose after_24h 5 ≥ 2 is sore too: 3 of 3.
    let flaring = session(t(6, 10), 100.0, cis(&[("during", 1), ("after_24h", 5)]));
    let h = history(t(8, 12), kg(140.0), vec![sore(t(0, 10), 100.0), sore(t(3, 10), 100.0), flaring]);
    let h = with(h, "checkins", json!([standalone(t(7, 12), 2)]));
    let out = check(h, json!({ "status": "episode", "transition": "enter", "flags": ["pattern"] }));
    assert_reason_rules(&out, &["pattern"]);
}

#[test]
fn resolve_clears_the_pattern() {
    // 3 sore → enter at day 4 (rung 3); 8 tolerated → rung 11; the 9th resolves.
    let mut sessions = vec![sore(t(0, 10), 100.0), sore(t(2, 10), 100.0), sore(t(4, 10), 100.0)];
    sessions.extend((0..9).map(|i| ok(t(6 + 2 * i, 10), 70.0)));
    check(history(t(23, 12), kg(140.0), sessions), json!({ "status": "normal", "transition": "resolve", "flags": [] }));
}

// --- several flags -------------------------------------------------------------

#[test]
fn flags_are_sorted() {
    // trap-bar only (W unknown), no after_24h, 20 days ago
    let s = session_of(t(0, 10), "trap_bar_deadlift", sets(100.0, 3), cis(&[("during", 1)]));
    check(
        history(t(20, 12), kg_derived(), vec![s]),
        json!({
            "flags": ["layoff", "missing_checkin", "working_weight_unknown"],
            "load_cap": null,
        }),
    );
}
