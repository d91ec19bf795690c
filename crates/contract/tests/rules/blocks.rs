//! Protocol sections 3 and 4 on blocks, for both units and every barbell
//! variation: where an episode starts on a block, and how far `block_add` goes.
//!
//! Written from the spec for issue 11 before the engine was changed:
//! - section 4, "An entering session whose `during` says `bottom_only` also
//!   starts on the first block": *every* entering session, so also one that
//!   enters by the pattern rule;
//! - section 3, heights: kg 15 → 10 → 5 → off, first 15, highest 20;
//!   lb 6 → 4 → 2 → off, first 6, highest 8;
//! - section 4, `block_add`: "the first block, or one step higher", while the
//!   block is below the highest.

use crate::*;
use serde_json::json;

const VARIATIONS: [&str; 3] = ["deadlift", "sumo_deadlift", "trap_bar_deadlift"];

/// A profile of `units` whose usual variation is `variation`.
fn profile(units: &str, variation: &str) -> serde_json::Value {
    let w = if units == "kg" { 140.0 } else { 300.0 };
    json!({ "units": units, "working_weight": w, "usual_variation": variation })
}

/// Sore (after_24h 2) and tolerable, with `during` 1 at the bottom of the pull only.
fn sore_bottom_only(at: impl AsRef<str>, exercise: &str, load: f64) -> serde_json::Value {
    session_of(
        at,
        exercise,
        sets(load, 3),
        json!([
            { "point": "during", "pain": 1, "bottom_only": true },
            { "point": "after_24h", "pain": 2 }
        ]),
    )
}

fn bottom_of(at: impl AsRef<str>, exercise: &str, load: f64) -> serde_json::Value {
    session_of(
        at,
        exercise,
        sets(load, 3),
        json!([
            { "point": "during", "pain": 5, "bottom_only": true },
            { "point": "after_24h", "pain": 3 }
        ]),
    )
}

fn ok_of(at: impl AsRef<str>, exercise: &str, load: f64) -> serde_json::Value {
    session_of(at, exercise, sets(load, 3), cis(&[("after_24h", 0)]))
}

fn sore_of(at: impl AsRef<str>, exercise: &str, load: f64) -> serde_json::Value {
    session_of(at, exercise, sets(load, 3), cis(&[("after_24h", 2)]))
}

#[test]
fn a_pattern_entry_with_bottom_only_pain_during_starts_on_the_first_block() {
    // Two sore sessions, then a third that is sore with `during` bottom-only:
    // 3 of the last 3 sore ≥ 3 → enter by pattern, on the first block.
    for units in ["kg", "lb"] {
        let first = if units == "kg" { 15 } else { 6 };
        for variation in VARIATIONS {
            let sessions = vec![
                sore_of(t(0, 10), variation, 100.0),
                sore_of(t(3, 10), variation, 100.0),
                sore_bottom_only(t(6, 10), variation, 100.0),
            ];
            let out = check_as(
                &format!("{units} {variation}"),
                history(t(7, 12), profile(units, variation), sessions),
                json!({
                    "status": "episode", "rung": 3, "transition": "enter", "block_height": first,
                    "flags": ["pattern"],
                    "prescription": [ { "exercise": variation, "sets": 3, "reps": 5, "block_height": first } ],
                }),
            );
            assert_reason_rules(&out, &["pattern"]);
        }
    }
}

#[test]
fn a_pattern_entry_without_bottom_only_pain_starts_off_the_block() {
    let sessions = vec![sore(t(0, 10), 100.0), sore(t(3, 10), 100.0), sore(t(6, 10), 100.0)];
    check(
        history(t(7, 12), kg(140.0), sessions),
        json!({ "status": "episode", "rung": 3, "transition": "enter", "block_height": null }),
    );
}

#[test]
fn block_add_steps_to_the_highest_for_both_units_and_every_variation() {
    // enter on the first block (bottom-only flare) → bottom-only flare: one step
    // higher = the highest → bottom-only flare on the highest: regress, block kept.
    for (units, first, highest) in [("kg", 15, 20), ("lb", 6, 8)] {
        for variation in VARIATIONS {
            let label = format!("{units} {variation}");
            let sessions = [
                bottom_of(t(0, 10), variation, 100.0),
                bottom_of(t(2, 10), variation, 50.0),
                bottom_of(t(4, 10), variation, 50.0),
            ];
            let expected = [
                json!({ "rung": 3, "transition": "enter", "block_height": first,
                        "prescription": [ { "exercise": variation, "block_height": first } ] }),
                json!({ "rung": 3, "transition": "block_add", "block_height": highest,
                        "prescription": [ { "exercise": variation, "block_height": highest } ] }),
                json!({ "rung": 2, "transition": "regress", "block_height": highest,
                        "prescription": [ { "exercise": "sumo_deadlift", "block_height": highest } ] }),
            ];
            for (i, want) in expected.into_iter().enumerate() {
                let n = i as i64;
                let h = history(t(2 * n + 1, 12), profile(units, variation), sessions[..=i].to_vec());
                check_as(&format!("{label}, after session {i}"), h, want);
            }
        }
    }
}

#[test]
fn block_add_from_a_pattern_entry_on_the_first_block_reaches_the_highest() {
    // The shape of issue 11's lb sumo report: entered by pattern with bottom-only
    // pain during (first block, 6 in), then a bottom-only flare: 8 in, not 6.
    for (units, highest) in [("kg", 20), ("lb", 8)] {
        for variation in VARIATIONS {
            let sessions = vec![
                sore_of(t(0, 10), variation, 100.0),
                sore_of(t(3, 10), variation, 100.0),
                sore_bottom_only(t(6, 10), variation, 100.0),
                bottom_of(t(8, 10), variation, 50.0),
            ];
            check_as(
                &format!("{units} {variation}"),
                history(t(9, 12), profile(units, variation), sessions),
                json!({ "rung": 3, "transition": "block_add", "block_height": highest }),
            );
        }
    }
}

#[test]
fn a_walk_down_the_blocks_lists_every_height_in_order() {
    // first → (tolerated) one step lower each time → off → progress, both units.
    for (units, heights) in [("kg", [15, 10, 5]), ("lb", [6, 4, 2])] {
        for variation in VARIATIONS {
            let mut sessions = vec![bottom_of(t(0, 10), variation, 100.0)];
            sessions.extend((1..=4).map(|i| ok_of(t(2 * i, 10), variation, 50.0)));
            let want = [json!(heights[0]), json!(heights[1]), json!(heights[2]), json!(null), json!(null)];
            let rungs = [3, 3, 3, 3, 4];
            for (i, (height, rung)) in want.into_iter().zip(rungs).enumerate() {
                let n = i as i64;
                let h = history(t(2 * n + 1, 12), profile(units, variation), sessions[..=i].to_vec());
                check_as(
                    &format!("{units} {variation}, after session {i}"),
                    h,
                    json!({ "rung": rung, "block_height": height }),
                );
            }
        }
    }
}
