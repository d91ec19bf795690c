//! Protocol section 9: per-lifter overrides change the decision. Each test
//! checks the default first, then the override.

use crate::*;
use serde_json::{Value, json};

/// Runs `h` with the defaults and with `protocol`, checking each expectation.
fn default_then(label: &str, h: Value, default: Value, protocol: Value, overridden: Value) {
    check_as(&format!("{label}: default"), h.clone(), default);
    check_as(&format!("{label}: {protocol}"), with(h, "protocol", protocol), overridden);
}

#[test]
fn tolerable_max_raised() {
    // after_24h 5: above 4 (flare) by default, not above 6.
    let h = history(t(2, 12), kg(140.0), vec![session(t(0, 10), 140.0, cis(&[("during", 1), ("after_24h", 5)]))]);
    default_then(
        "tolerable_max 6",
        h,
        json!({ "status": "episode", "transition": "enter", "action": "rest_active" }),
        json!({ "tolerable_max": 6 }),
        json!({ "status": "normal", "transition": "none", "action": "train" }),
    );
}

#[test]
fn tolerable_max_lowered() {
    // after_24h 4: tolerable by default, above 3.
    let h = history(t(2, 12), kg(140.0), vec![session(t(0, 10), 140.0, cis(&[("after_24h", 4)]))]);
    default_then(
        "tolerable_max 3",
        h,
        json!({ "status": "normal", "transition": "none", "action": "train" }),
        json!({ "tolerable_max": 3 }),
        json!({ "status": "episode", "transition": "enter", "action": "rest_active" }),
    );
}

#[test]
fn worse_delta() {
    // before 0, after_24h 2: 2 ≥ 0 + 2 (worse, regress to 2); 2 < 0 + 3 (progress to 4).
    let s = session(t(2, 10), 70.0, cis(&[("before", 0), ("during", 1), ("after_24h", 2)]));
    default_then(
        "worse_delta 3",
        history(t(3, 12), kg(140.0), vec![flare(t(0, 10), 140.0), s]),
        json!({ "rung": 2, "transition": "regress" }),
        json!({ "worse_delta": 3 }),
        json!({ "rung": 4, "transition": "progress" }),
    );
}

#[test]
fn sore_min() {
    // after_24h 1 ×3: not sore by default (1 < 2); sore with sore_min 1 → pattern.
    let sessions = (0..3).map(|i| session(t(3 * i, 10), 100.0, cis(&[("after_24h", 1)]))).collect();
    default_then(
        "sore_min 1",
        history(t(7, 12), kg(140.0), sessions),
        json!({ "status": "normal", "flags": [] }),
        json!({ "sore_min": 1 }),
        json!({ "status": "episode", "transition": "enter",
                "episode": { "started": t(6, 10) }, "flags": ["pattern"] }),
    );
}

#[test]
fn pattern_window_and_min() {
    // sore, ok, sore: 2 sore < 3 by default; 2 of the last 3 ≥ 2 with window 3, min 2.
    let h = history(t(7, 12), kg(140.0), vec![sore(t(0, 10), 100.0), ok(t(3, 10), 100.0), sore(t(6, 10), 100.0)]);
    default_then(
        "window 3, min 2",
        h,
        json!({ "status": "normal", "flags": [] }),
        json!({ "pattern_window": 3, "pattern_min": 2 }),
        json!({ "status": "episode", "transition": "enter", "flags": ["pattern"] }),
    );
}

#[test]
fn pattern_min_alone() {
    // sore, ok, ok, sore: 2 of the last 4 ≥ pattern_min 2 (window stays 4).
    let h = history(
        t(10, 12),
        kg(140.0),
        vec![sore(t(0, 10), 100.0), ok(t(3, 10), 100.0), ok(t(6, 10), 100.0), sore(t(9, 10), 100.0)],
    );
    default_then(
        "pattern_min 2",
        h,
        json!({ "status": "normal", "flags": [] }),
        json!({ "pattern_min": 2 }),
        json!({ "status": "episode", "transition": "enter", "flags": ["pattern"] }),
    );
}

#[test]
fn intensity_spike_ratio() {
    // 115 > 1.10 × 100 = 110 (spike) but not > 1.2 × 100 = 120.
    default_then(
        "ratio 1.2",
        history(t(4, 12), kg(140.0), vec![ok(t(0, 10), 100.0), ok(t(3, 10), 115.0)]),
        // 1.10 × 115 = 126.5 → 125
        json!({ "flags": ["intensity_spike"], "load_cap": 125 }),
        json!({ "intensity_spike_ratio": 1.2 }),
        // 1.2 × 115 = 138 → 137.5
        json!({ "flags": [], "load_cap": 137.5 }),
    );
}

#[test]
fn volume_spike_acwr() {
    // s0 t(0,10) 1500; sA t(20,10) 4 × 5 × 100 = 2000; sB t(29,10) 3 × 5 × 70 = 1050.
    // as_of t(30,12): acute 1050; chronic (t(2,12), t(30,12)] = 3050;
    // 1050 / (3050 / 4) = 1.377… → 1.38: not above 1.5, above 1.3.
    let sessions = vec![
        ok(t(0, 10), 100.0),
        session_of(t(20, 10), "deadlift", sets(100.0, 4), cis(&[("after_24h", 0)])),
        ok(t(29, 10), 70.0),
    ];
    default_then(
        "volume_spike_acwr 1.3",
        history(t(30, 12), kg(140.0), sessions),
        // 1.37704… → 1.38
        json!({ "flags": [], "metrics": { "acwr": 1.38 } }),
        json!({ "volume_spike_acwr": 1.3 }),
        json!({ "flags": ["volume_spike"], "metrics": { "acwr": 1.38 } }),
    );
}

#[test]
fn layoff_caps_in_the_normal_state() {
    // W = 100, one session at 100, as_of 10 days later.
    let h = history(t(10, 12), kg(100.0), vec![ok(t(0, 10), 100.0)]);
    default_then(
        "[[7, 0.9]]",
        h.clone(),
        // 10 < 14: no layoff; 1.10 × 100 = 110
        json!({ "flags": [], "load_cap": 110 }),
        json!({ "layoff_caps": [[7, 0.9]] }),
        // 10 ≥ 7 → × 0.9 = 90
        json!({ "flags": ["layoff"], "load_cap": 90 }),
    );
    check_as(
        "[[3, 0.95], [10, 0.7]]",
        with(h, "protocol", json!({ "layoff_caps": [[3, 0.95], [10, 0.7]] })),
        // 10 ≥ 10 → the highest band reached: × 0.7 = 70
        json!({ "flags": ["layoff"], "load_cap": 70 }),
    );
}

#[test]
fn layoff_caps_in_an_episode_can_drop_to_a_fixed_rung() {
    // Rung 3 (50 %) after 20 days: factor 0.8 keeps it; factor 0.4 drops it to
    // the highest rung at most 40 %: rung 2 (rungs 0–2 count as 0 %).
    default_then(
        "[[14, 0.4]]",
        history(t(20, 12), kg(140.0), vec![flare(t(0, 10), 140.0)]),
        json!({ "rung": 3, "flags": ["layoff"] }),
        json!({ "layoff_caps": [[14, 0.4]] }),
        json!({ "rung": 2, "flags": ["layoff"],
                "prescription": [ { "exercise": "sumo_deadlift", "load": 20 } ] }),
    );
}

#[test]
fn episode_referral_days() {
    // day 8: not above 42, above 7
    default_then(
        "episode_referral_days 7",
        history(t(8, 12), kg(140.0), vec![flare(t(0, 10), 140.0)]),
        json!({ "episode": { "day": 8 }, "see_clinician": { "recommended": false, "reasons": [] } }),
        json!({ "episode_referral_days": 7 }),
        json!({ "see_clinician": { "recommended": true, "reasons": ["duration"] } }),
    );
}

#[test]
fn lsi_min() {
    let left = |at: String| {
        session(
            at,
            100.0,
            json!([ { "point": "during", "pain": 2, "side": "left" }, { "point": "after_24h", "pain": 0 } ]),
        )
    };
    let h = |l: f64, r: f64| {
        with(
            history(t(3, 12), kg(140.0), vec![left(t(0, 10)), left(t(2, 10))]),
            "symmetry_tests",
            json!([symmetry(t(1, 8), l, r)]),
        )
    };
    // 0.85 < 0.90 (referred) but not < 0.80
    default_then(
        "lsi_min 0.8",
        h(100.0, 85.0),
        json!({ "see_clinician": { "recommended": true, "reasons": ["asymmetry"] } }),
        json!({ "lsi_min": 0.8 }),
        json!({ "see_clinician": { "recommended": false, "reasons": [] } }),
    );
    // 0.92 ≥ 0.90 but < 0.95
    default_then(
        "lsi_min 0.95",
        h(100.0, 92.0),
        json!({ "see_clinician": { "recommended": false, "reasons": [] } }),
        json!({ "lsi_min": 0.95 }),
        json!({ "see_clinician": { "recommended": true, "reasons": ["asymmetry"] } }),
    );
}
