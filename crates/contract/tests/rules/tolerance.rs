//! The personal tolerance estimate (`tolerance`, an added field; ARCHITECTURE.md):
//! which sessions it counts, a known threshold, and what it says without one.
//!
//! Rated sessions here: `ok` (after_24h 0, tolerated) and `flare` (during 5 > 4).

use crate::*;
use serde_json::json;

/// Tolerated at 100–120 kg, flared at 130–140 kg, one session every two days.
fn split_at_120(n: i64) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let load = [100.0, 110.0, 120.0, 130.0, 140.0][usize::try_from(i % 5).expect("small")];
            if load > 120.0 { flare(t(2 * i, 10), load) } else { ok(t(2 * i, 10), load) }
        })
        .collect()
}

#[test]
fn a_known_threshold() {
    // 15 sessions: 9 tolerated at 100, 110, 120; 6 flared at 130, 140.
    // 120 / 150 = 80 %. 0 of 9 at or below flared, 6 of 6 above: Wilson
    // 6/6 = 0.61–1, 0/9 = 0–0.30, apart: clear.
    let out = check(
        history(t(31, 12), kg(150.0), split_at_120(15)),
        json!({ "tolerance": {
            "status": "estimate", "load": 120, "unit": "kg", "percent_of_working_weight": 80,
            "confidence": "clear",
            "above": { "sessions": 6, "flared": 6, "flare_rate_low": 0.61, "flare_rate_high": 1.0 },
            "below": { "sessions": 9, "flared": 0, "flare_rate_low": 0.0, "flare_rate_high": 0.3 },
            "sessions": 15, "flared": 6, "tolerated": 9, "since": t(0, 10),
            "minimum": { "sessions": 10, "flared": 3, "tolerated": 3 },
        } }),
    );
    let text = out["tolerance"]["text"].as_str().expect("text");
    assert_eq!(
        text,
        "Flares began above about 120 kg (80% of the working weight): 6 of 6 sessions above it flared, 0 of 9 at or \
         below it. Based on 15 rated sessions since 1 Jan 2026. The difference is clear."
    );
}

#[test]
fn in_lb_and_without_a_working_weight() {
    let sessions = split_at_120(15);
    check(
        history(t(31, 12), json!({ "units": "lb", "working_weight": 300 }), sessions.clone()),
        json!({ "tolerance": { "status": "estimate", "load": 120, "unit": "lb", "percent_of_working_weight": 40 } }),
    );
    // Without a working weight in the profile, the percentage is of the W the
    // protocol derives (section 2).
    let out = run(&history(t(31, 12), kg_derived(), sessions));
    assert_eq!(out["tolerance"]["load"], json!(120.0));
    let w = out["metrics"]["working_weight"].as_f64();
    let percent = out["tolerance"]["percent_of_working_weight"].as_f64();
    assert_eq!(percent, w.map(|w| (120.0 * 100.0 / w).round()), "{out}");
}

#[test]
fn too_few_rated_sessions_say_so() {
    // 9 rated sessions: one short of the minimum.
    let out = check(
        history(t(31, 12), kg(150.0), split_at_120(9)),
        json!({ "tolerance": {
            "status": "not_enough_data", "load": null, "percent_of_working_weight": null, "confidence": null,
            "above": null, "below": null, "sessions": 9, "flared": 3, "tolerated": 6,
        } }),
    );
    let text = out["tolerance"]["text"].as_str().expect("text");
    assert!(text.starts_with("Not enough data for a tolerance estimate yet"), "{text}");
    check(
        history(t(0, 0), kg(150.0), vec![]),
        json!({ "tolerance": { "status": "not_enough_data", "sessions": 0, "since": null } }),
    );
}

#[test]
fn which_sessions_count() {
    // Each of these adds nothing to the 15 of `split_at_120`.
    let extra = [
        // pending: no after_24h, nothing above 4
        pending(t(40, 10), 200.0),
        // not the usual variation
        session_of(t(42, 10), "sumo_deadlift", sets(200.0, 3), cis(&[("during", 6), ("after_24h", 3)])),
        // warm-ups are no top set: a session of warm-ups only has none
        json!({ "at": t(43, 10), "exercises": [{ "exercise": "deadlift", "sets": [{ "load": 200, "reps": 5, "warmup": true }] }],
                "checkins": [{ "point": "during", "pain": 6 }] }),
        // its 24 h rating is after as_of: it does not exist yet, so the session is pending
        session(
            t(44, 10),
            200.0,
            json!([{ "point": "during", "pain": 1 }, { "point": "after_24h", "pain": 6, "at": t(46, 0) }]),
        ),
    ];
    let mut sessions = split_at_120(15);
    sessions.extend(extra);
    check(
        history(t(45, 12), kg(150.0), sessions),
        json!({ "tolerance": { "status": "estimate", "load": 120, "sessions": 15, "flared": 6, "tolerated": 9 } }),
    );
    // Pain before the session is not the load's doing: tolerated, not flared.
    let mut sessions = split_at_120(15);
    sessions.push(session(t(41, 10), 110.0, cis(&[("before", 7), ("after_24h", 3)])));
    check(
        history(t(45, 12), kg(150.0), sessions),
        json!({ "tolerance": { "status": "estimate", "load": 120, "sessions": 16, "flared": 6, "tolerated": 10,
                "below": { "sessions": 10, "flared": 0 } } }),
    );
}

#[test]
fn the_tolerable_maximum_decides_what_flared() {
    // during 5 flares at the default maximum 4, not at 5: then nothing flared.
    let doc = with(history(t(31, 12), kg(150.0), split_at_120(15)), "protocol", json!({ "tolerable_max": 5 }));
    check(doc, json!({ "tolerance": { "status": "not_enough_data", "sessions": 15, "flared": 0, "tolerated": 15 } }));
    // after_1h above the maximum is a flare too.
    let mut sessions = split_at_120(10);
    sessions.extend((0..3).map(|i| session(t(30 + i, 10), 150.0, cis(&[("after_1h", 5), ("after_24h", 1)]))));
    check(
        history(t(34, 12), kg(150.0), sessions),
        json!({ "tolerance": { "status": "estimate", "load": 120, "flared": 7, "tolerated": 6 } }),
    );
}

#[test]
fn flares_that_do_not_follow_the_load_give_no_threshold() {
    // Flares at 100 kg, tolerated at 140: no cut beats "all tolerated".
    let mut sessions: Vec<Value> = (0..3).map(|i| flare(t(2 * i, 10), 100.0)).collect();
    sessions.extend((3..12).map(|i| ok(t(2 * i, 10), 140.0)));
    let out = check(
        history(t(25, 12), kg(150.0), sessions),
        json!({ "tolerance": { "status": "no_clear_threshold", "load": null, "sessions": 12, "flared": 3 } }),
    );
    assert!(out["tolerance"]["text"].as_str().is_some_and(|t| t.starts_with("No load line found")), "{out}");
}
