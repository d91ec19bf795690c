//! Protocol section 7: see a clinician.

use crate::*;
use serde_json::{Value, json};

fn referral(reasons: &[&str]) -> Value {
    json!({ "see_clinician": { "recommended": !reasons.is_empty(), "reasons": reasons } })
}

// --- duration ------------------------------------------------------------------

#[test]
fn duration_after_42_days_of_episode() {
    let enter = || vec![flare(t(0, 10), 140.0)];
    // 42 days 23 h → day 42, not above 42
    check_as(
        "day 42",
        history(t(43, 9), kg(140.0), enter()),
        json!({ "episode": { "day": 42 }, "see_clinician": { "recommended": false, "reasons": [] } }),
    );
    // 43 days → day 43 > 42
    let out = check_as(
        "day 43",
        history(t(43, 10), kg(140.0), enter()),
        json!({ "episode": { "day": 43 },
                "see_clinician": { "recommended": true, "reasons": ["duration"] } }),
    );
    assert_reason_rules(&out, &["duration"]);
}

// --- repeated_flares -------------------------------------------------------------

#[test]
fn repeated_flares_three_of_the_last_four() {
    // (label, sessions every two days from day 0: F = flare, T = tolerated, reasons)
    let table: [(&str, &[bool], &[&str]); 4] = [
        ("F F F", &[true, true, true], &["repeated_flares"]),
        ("F F T", &[true, true, false], &[]),
        ("F F T F", &[true, true, false, true], &["repeated_flares"]),
        // last four: F T T … only 2 flares (day 2, day 4)
        ("F F F T T", &[true, true, true, false, false], &[]),
    ];
    for (label, pattern, reasons) in table {
        let sessions: Vec<Value> = pattern
            .iter()
            .enumerate()
            .map(|(i, &is_flare)| {
                let at = t(2 * i as i64, 10);
                if is_flare { flare(at, 100.0) } else { ok(at, 70.0) }
            })
            .collect();
        let as_of = t(2 * pattern.len() as i64 - 1, 12);
        let out = check_as(label, history(&as_of, kg(140.0), sessions), referral(reasons));
        if !reasons.is_empty() {
            assert_reason_rules(&out, reasons);
        }
    }
}

#[test]
fn the_entering_session_is_judged_by_the_normal_rules() {
    // before 5 makes the entering session a flare (normal rules), so with two
    // more flares there are 3. (Episode rules would ignore before.)
    let entering = session(t(0, 10), 140.0, cis(&[("before", 5), ("after_24h", 3)]));
    check(
        history(t(5, 12), kg(140.0), vec![entering, flare(t(2, 10), 70.0), flare(t(4, 10), 20.0)]),
        referral(&["repeated_flares"]),
    );
}

// --- no_tolerable_rung -------------------------------------------------------------

#[test]
fn no_tolerable_rung_after_a_flare_at_rung_0() {
    // F(0) 3, F(2) 2, F(4) 1, F(6) 0, pending ×3 (hold), F(14) processed at
    // rung 0. Last four: P P P F → 1 flare, no repeated_flares.
    let mut sessions: Vec<Value> = (0..4).map(|i| flare(t(2 * i, 10), 50.0)).collect();
    sessions.extend((4..7).map(|i| pending(t(2 * i, 10), 0.0)));
    sessions.push(flare(t(14, 10), 0.0));
    let out = check(
        history(t(15, 12), kg(140.0), sessions),
        json!({
            "rung": 0, "transition": "regress",
            "see_clinician": { "recommended": true, "reasons": ["no_tolerable_rung"] },
        }),
    );
    assert_reason_rules(&out, &["no_tolerable_rung"]);
}

#[test]
fn a_flare_that_regresses_to_rung_0_is_not_at_rung_0() {
    // 4 flares: the last one was processed at rung 1 (and lands on 0).
    check(
        descend(3, kg(140.0)),
        json!({ "rung": 0, "see_clinician": { "recommended": true, "reasons": ["repeated_flares"] } }),
    );
    // A fifth flare is processed at rung 0: both reasons, sorted.
    check(descend(4, kg(140.0)), referral(&["no_tolerable_rung", "repeated_flares"]));
}

// --- asymmetry -------------------------------------------------------------------

fn sided(at: String, point: &str, pain: i64, side: &str) -> Value {
    session(at, 100.0, json!([ { "point": point, "pain": pain, "side": side }, { "point": "after_24h", "pain": 0 } ]))
}

#[test]
fn asymmetry_needs_low_lsi_and_one_sided_pain() {
    // (label, sessions on days 0, 2, …, left/right of the symmetry test,
    //  lsi shown, referred)
    type Case = (&'static str, Vec<(&'static str, i64, &'static str)>, f64, f64, f64, bool);
    let table: Vec<Case> = vec![
        // 85 / 100 = 0.85 < 0.90; 2 left sessions
        ("2 left", vec![("during", 2, "left"), ("during", 2, "left")], 100.0, 85.0, 0.85, true),
        // side on any check-in counts (after_1h, right)
        ("2 right", vec![("after_1h", 1, "right"), ("during", 3, "right")], 100.0, 85.0, 0.85, true),
        ("1 left 1 right", vec![("during", 2, "left"), ("during", 2, "right")], 100.0, 85.0, 0.85, false),
        // pain 0 does not count
        ("left pain 0", vec![("during", 0, "left"), ("during", 0, "left")], 100.0, 85.0, 0.85, false),
        // central is not a side
        ("central", vec![("during", 2, "central"), ("during", 2, "central")], 100.0, 85.0, 0.85, false),
        // 90 / 100 = 0.90, not below 0.90
        ("lsi 0.90", vec![("during", 2, "left"), ("during", 2, "left")], 100.0, 90.0, 0.90, false),
        // 899 / 1000 = 0.899 < 0.90 (shown rounded: 0.90)
        ("lsi 0.899", vec![("during", 2, "left"), ("during", 2, "left")], 1000.0, 899.0, 0.90, true),
        // 169 / 200 = 0.845 → half-up 0.85; min/max whichever side is weaker
        ("lsi 0.845", vec![("during", 2, "left"), ("during", 2, "left")], 169.0, 200.0, 0.85, true),
        // last four: left, ok, ok, ok → 1 left session
        (
            "out of the last four",
            vec![
                ("during", 2, "left"),
                ("during", 2, "left"),
                ("during", 0, "central"),
                ("during", 0, "central"),
                ("during", 0, "central"),
            ],
            100.0,
            85.0,
            0.85,
            false,
        ),
    ];
    for (label, points, left, right, lsi, referred) in table {
        let n = points.len() as i64;
        let sessions = points
            .iter()
            .enumerate()
            .map(|(i, (point, pain, side))| sided(t(2 * i as i64, 10), point, *pain, side))
            .collect();
        let h = history(t(2 * n - 1, 12), kg(140.0), sessions);
        let h = with(h, "symmetry_tests", json!([symmetry(t(0, 8), left, right)]));
        let reasons: &[&str] = if referred { &["asymmetry"] } else { &[] };
        let out = check_as(
            label,
            h,
            json!({
                "status": "normal",
                "metrics": { "lsi": lsi },
                "see_clinician": { "recommended": referred, "reasons": reasons },
            }),
        );
        if referred {
            assert_reason_rules(&out, &["asymmetry"]);
        }
    }
}

#[test]
fn the_latest_symmetry_test_counts() {
    let sessions = vec![sided(t(0, 10), "during", 2, "left"), sided(t(2, 10), "during", 2, "left")];
    let base = history(t(3, 12), kg(140.0), sessions);
    let weak = |at: String| symmetry(at, 100.0, 80.0);
    let fine = |at: String| symmetry(at, 100.0, 95.0);
    // (label, tests, lsi, referred)
    let table = [
        ("by time", json!([weak(t(1, 8)), fine(t(2, 8))]), 0.95, false),
        ("listed backwards", json!([fine(t(2, 8)), weak(t(1, 8))]), 0.95, false),
        ("same instant, fine last", json!([weak(t(2, 8)), fine(t(2, 8))]), 0.95, false),
        ("same instant, weak last", json!([fine(t(2, 8)), weak(t(2, 8))]), 0.8, true),
        // a test later than as_of does not exist
        ("future", json!([fine(t(1, 8)), weak(t(5, 8))]), 0.95, false),
    ];
    for (label, tests, lsi, referred) in table {
        let reasons: &[&str] = if referred { &["asymmetry"] } else { &[] };
        check_as(
            label,
            with(base.clone(), "symmetry_tests", tests),
            json!({ "metrics": { "lsi": lsi },
                    "see_clinician": { "recommended": referred, "reasons": reasons } }),
        );
    }
    // No symmetry test: lsi null.
    check(base, json!({ "metrics": { "lsi": null } }));
}

#[test]
fn referral_reasons_are_sorted() {
    // Entered day 0 with left pain, progressed day 2 with left pain; lsi 0.8;
    // as_of day 44 > 42.
    let entering = session(
        t(0, 10),
        140.0,
        json!([ { "point": "during", "pain": 5, "side": "left" }, { "point": "after_24h", "pain": 3 } ]),
    );
    let h = history(t(44, 12), kg(140.0), vec![entering, sided(t(2, 10), "during", 2, "left")]);
    let h = with(h, "symmetry_tests", json!([symmetry(t(3, 8), 100.0, 80.0)]));
    check(
        h,
        json!({
            "status": "episode", "rung": 4,
            "see_clinician": { "recommended": true, "reasons": ["asymmetry", "duration"] },
        }),
    );
}
