//! Protocol sections 2, 3 and 5: load arithmetic, caps, units and the
//! working weight.

use crate::*;
use serde_json::json;

fn main_load(label: &str, h: serde_json::Value, rung: i64, load: f64, unit: &str) {
    let main = json!({ "load": load, "unit": unit });
    check_as(label, h, json!({ "rung": rung, "prescription": rung_prescription(rung, main) }));
}

#[test]
fn seventy_percent_of_175_is_exactly_122_5() {
    // 70 % of 175 = 122.5 exactly, a multiple of 2.5 (not 122.4999… → 120)
    main_load("rung 8", ladder_with(5, kg(175.0)), 8, 122.5, "kg");
}

#[test]
fn percent_loads_round_down_to_the_increment() {
    // 50 % of 145 = 72.5, already a multiple of 2.5
    main_load("145", ladder_with(0, kg(145.0)), 3, 72.5, "kg");
    // 50 % of 147 = 73.5 → down to 72.5
    main_load("147", ladder_with(0, kg(147.0)), 3, 72.5, "kg");
    // 60 % of 147 = 88.2 → 87.5
    main_load("147 rung 7", ladder_with(4, kg(147.0)), 7, 87.5, "kg");
}

#[test]
fn custom_load_increment() {
    for (increment, load) in [
        (5.0, 70.0), // 50 % of 147 = 73.5 → 70
        (1.0, 73.0), // 73.5 → 73
        (0.5, 73.5), // 73.5 is a multiple of 0.5
    ] {
        let profile = and(kg(147.0), "load_increment", json!(increment));
        main_load(&format!("increment {increment}"), ladder_with(0, profile), 3, load, "kg");
    }
}

#[test]
fn pound_loads_use_5_lb_steps() {
    // 50 % of 405 = 202.5 → 200
    main_load("rung 3", ladder_with(0, lb(405.0)), 3, 200.0, "lb");
    // 70 % of 405 = 283.5 → 280
    main_load("rung 8", ladder_with(5, lb(405.0)), 8, 280.0, "lb");
}

#[test]
fn percent_loads_never_go_below_the_bar() {
    // 50 % of 30 = 15 < bar 20 → 20
    main_load("kg", ladder_with(0, kg(30.0)), 3, 20.0, "kg");
    // 50 % of 80 = 40 < bar 45 → 45
    main_load("lb", ladder_with(0, lb(80.0)), 3, 45.0, "lb");
    // 50 % of 40 = 20 < custom bar 25 → 25
    let profile = and(kg(40.0), "bar_weight", json!(25));
    main_load("bar 25", ladder_with(0, profile), 3, 25.0, "kg");
}

#[test]
fn intensity_cap_rounds_down() {
    // 1.10 × 143 = 157.3 → 155
    check(
        history(t(2, 12), kg(150.0), vec![ok(t(0, 10), 143.0)]),
        json!({ "status": "normal", "load_cap": 155, "flags": [] }),
    );
    // 1.10 × 333 = 366.3 → 365 (5 lb steps)
    check(
        history(t(2, 12), lb(405.0), vec![ok(t(0, 10), 333.0)]),
        json!({ "status": "normal", "load_cap": 365, "flags": [] }),
    );
}

#[test]
fn layoff_cap_never_goes_below_the_bar() {
    // 60 days: × 0.6 → 22 × 0.6 = 13.2 → 12.5 < bar 20 → 20. No session in
    // the 28 days before as_of, so no 1.10 cap.
    check(history(t(60, 12), kg(22.0), vec![ok(t(0, 10), 20.0)]), json!({ "load_cap": 20, "flags": ["layoff"] }));
}

#[test]
fn layoff_cap_in_pounds() {
    // 20 days: 405 × 0.8 = 324 → 320; 1.10 × 400 = 440; least = 320
    check(
        history(t(20, 12), lb(405.0), vec![ok(t(0, 10), 400.0)]),
        json!({ "load_cap": 320, "flags": ["layoff"],
                "prescription": own_program("deadlift") }),
    );
}

#[test]
fn layoff_bands_in_the_normal_state() {
    // W = 100; one session t(0,10) with top set 100.
    // (as_of, whole days, load_cap, flags)
    let table = [
        // 13 days 23 h → 13 < 14: no layoff; 1.10 × 100 = 110
        (t(14, 9), 13, 110.0, json!([])),
        // 14 → × 0.8 = 80 (the session is within 28 days: 110; least 80)
        (t(14, 10), 14, 80.0, json!(["layoff"])),
        // 55 → × 0.8 = 80
        (t(55, 10), 55, 80.0, json!(["layoff"])),
        // 56 → × 0.6 = 60
        (t(56, 10), 56, 60.0, json!(["layoff"])),
        // 181 → × 0.6 = 60
        (t(181, 10), 181, 60.0, json!(["layoff"])),
        // 182 → × 0.5 = 50
        (t(182, 10), 182, 50.0, json!(["layoff"])),
        // 400 → × 0.5 = 50
        (t(400, 10), 400, 50.0, json!(["layoff"])),
    ];
    for (as_of, days, cap, flags) in table {
        check_as(
            &format!("{days} days"),
            history(&as_of, kg(100.0), vec![ok(t(0, 10), 100.0)]),
            json!({
                "status": "normal", "load_cap": cap, "flags": flags,
                "metrics": { "days_since_last_session": days },
            }),
        );
    }
}

#[test]
fn intensity_cap_counts_sessions_of_either_state() {
    // Enter at 100 (day 0), 9 tolerated episode sessions at 120 resolve on
    // day 18. Heaviest top set in the 28 days before as_of: 120 (episode
    // sessions count) → 1.10 × 120 = 132 → 130.
    let mut sessions = vec![flare(t(0, 10), 100.0)];
    sessions.extend((1..=9).map(|i| ok(t(2 * i, 10), 120.0)));
    check(
        history(t(19, 12), kg(140.0), sessions),
        json!({ "status": "normal", "transition": "resolve", "load_cap": 130, "flags": [] }),
    );
}

// --- working weight ---------------------------------------------------------

#[test]
fn working_weight_from_history_leaves_warmups_out() {
    let second = session_of(
        t(3, 10),
        "deadlift",
        json!([
            { "load": 150, "reps": 1, "warmup": true },
            { "load": 110, "reps": 5 },
            { "load": 110, "reps": 5 }
        ]),
        cis(&[("after_24h", 0)]),
    );
    // Top sets 100 and 110 (the 150 warm-up is left out) → W = 110.
    // 110 is not above 1.10 × 100 = 110: no intensity_spike.
    check(
        history(t(4, 12), kg_derived(), vec![ok(t(0, 10), 100.0), second]),
        json!({
            "status": "normal",
            "metrics": { "working_weight": 110 },
            // 1.10 × 110 = 121 → 120
            "load_cap": 120,
            "flags": [],
        }),
    );
}

#[test]
fn a_failed_set_of_0_reps_is_not_a_top_set() {
    // Strong's failed attempt: 405 × 0 (set order F) after 315 × 6. A set with 0
    // reps was not lifted: the top set is 315, not 405 (protocol section 2 with
    // the rule that a 0-rep set is not a lifted set).
    let day = session_of(
        t(0, 10),
        "deadlift",
        json!([
            { "load": 135, "reps": 5, "warmup": true },
            { "load": 315, "reps": 6 },
            { "load": 405, "reps": 0 }
        ]),
        cis(&[("after_24h", 0)]),
    );
    check(
        history(t(2, 12), json!({ "units": "lb" }), vec![day]),
        json!({
            "status": "normal",
            "metrics": { "working_weight": 315 },
            // 1.10 × 315 = 346.5 → 345 (not 1.10 × 405 = 445.5 → 445)
            "load_cap": 345,
            "flags": [],
        }),
    );
    // A session of failed attempts only has no top set: W stays unknown.
    let failed = session_of(t(0, 10), "deadlift", json!([{ "load": 405, "reps": 0 }]), cis(&[("after_24h", 0)]));
    check(
        history(t(2, 12), json!({ "units": "lb" }), vec![failed]),
        json!({ "metrics": { "working_weight": null }, "load_cap": null, "flags": ["working_weight_unknown"] }),
    );
}

#[test]
fn working_weight_window_is_28_days_ending_at_the_last_normal_session() {
    // Second session at t(28,10) with 100. The first (150) at exactly 28 days
    // before is outside the half-open window; one hour later it is inside.
    for (first_at, w) in [(t(0, 10), 100.0), (t(0, 11), 150.0)] {
        let sessions = vec![ok(&first_at, 150.0), ok(t(28, 10), 100.0)];
        check_as(
            &first_at,
            history(t(29, 12), kg_derived(), sessions),
            json!({
                "metrics": { "working_weight": w,
                             // first session ≥ 28 days before as_of; 7-day
                             // tonnage 1500, 28-day 1500: 1500 / 375 = 4
                             "acwr": 4.0 },
                // 1.10 × 100 (the only top set in the 28 days before as_of) = 110
                "load_cap": 110,
                // the second session has no top set in the 28 days before it
                // (first case) or a heavier one (second): no intensity_spike
                "flags": ["volume_spike"],
            }),
        );
    }
}

#[test]
fn working_weight_is_the_usual_variation_only() {
    let s = json!({
        "id": "mixed", "at": t(0, 10),
        "exercises": [
            { "exercise": "deadlift", "sets": [ { "load": 200, "reps": 3 } ] },
            { "exercise": "sumo_deadlift", "sets": [ { "load": 120, "reps": 5 } ] }
        ],
        "checkins": [ { "point": "after_24h", "pain": 0 } ]
    });
    let profile = and(kg_derived(), "usual_variation", json!("sumo_deadlift"));
    check(
        history(t(1, 12), profile, vec![s]),
        json!({
            "metrics": { "working_weight": 120 },
            // 1.10 × 120 = 132 → 130
            "load_cap": 130,
            "prescription": own_program("sumo_deadlift"),
        }),
    );
}

#[test]
fn working_weight_in_an_episode_is_fixed_at_the_entering_event() {
    // 200 at t(-27,10) is 30 days before the entering session: outside.
    // Normal sessions within 28 days ending at the entering one: 100, 120 → W = 120.
    // The 200 lifted later in the episode does not count.
    let sessions = vec![ok(t(-27, 10), 200.0), ok(t(0, 10), 100.0), flare(t(3, 10), 120.0), ok(t(5, 10), 200.0)];
    check(
        history(t(6, 12), kg_derived(), sessions),
        json!({
            "status": "episode", "rung": 4, "transition": "progress",
            // 50 % of 120 = 60
            "prescription": [ { "exercise": "deadlift", "load": 60, "tempo": "3-0-3" } ],
            "metrics": { "working_weight": 120 },
            "flags": [],
        }),
    );
}

#[test]
fn working_weight_unknown_in_the_normal_state() {
    // Only trap-bar sessions while the usual variation is deadlift.
    let s = session_of(t(0, 10), "trap_bar_deadlift", sets(100.0, 3), cis(&[("after_24h", 0)]));
    check(
        history(t(1, 12), kg_derived(), vec![s]),
        json!({
            "status": "normal",
            "flags": ["working_weight_unknown"],
            "metrics": { "working_weight": null },
            // no top set of the usual variation, no layoff cap without W
            "load_cap": null,
        }),
    );
}

#[test]
fn working_weight_unknown_in_an_episode_gives_null_percent_loads() {
    let h = with(
        history(t(1, 12), kg_derived(), vec![]),
        "checkins",
        json!([standalone(t(0, 10), 6), standalone(t(1, 10), 2)]),
    );
    let out = check(
        h,
        json!({
            "action": "train", "status": "episode", "rung": 3, "transition": "enter",
            "prescription": [ { "exercise": "deadlift", "load": null, "sets": 3, "reps": 5 } ],
            "flags": ["working_weight_unknown"],
            "metrics": { "working_weight": null },
        }),
    );
    assert_reason_rules(&out, &["working_weight_unknown"]);
}

#[test]
fn fixed_loads_remain_while_working_weight_is_unknown() {
    // enter by check-in at 3, two flares → rung 1: kettlebell 16 kg.
    let h = history(t(4, 12), kg_derived(), vec![flare(t(1, 10), 40.0), flare(t(3, 10), 20.0)]);
    let h = with(h, "checkins", json!([standalone(t(0, 10), 6)]));
    check(
        h,
        json!({
            "rung": 1,
            "prescription": [ { "exercise": "kettlebell_sumo_deadlift", "load": 16 } ],
            "flags": ["working_weight_unknown"],
        }),
    );
}
