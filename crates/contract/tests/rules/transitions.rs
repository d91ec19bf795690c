//! Protocol section 4: the transition table, one or more tests per row.

use crate::*;
use serde_json::json;

// --- normal → episode ------------------------------------------------------

#[test]
fn flare_at_any_point_enters_at_rung_3() {
    // Normal state: a flare if any of before/during/after_1h/after_24h > 4.
    for point in ["before", "during", "after_1h", "after_24h"] {
        let h = history(t(3, 12), kg(140.0), vec![session(t(0, 10), 140.0, cis(&[(point, 5)]))]);
        // A later tolerable standalone check-in keeps the action at `train`.
        let h = with(h, "checkins", json!([standalone(t(2, 9), 2)]));
        let out = check_as(
            point,
            h,
            json!({
                "action": "train",
                "status": "episode",
                "rung": 3,
                "block_height": null,
                "transition": "enter",
                // 3 days 2 h after the session → day 3
                "episode": { "started": t(0, 10), "day": 3 },
                // 50 % of 140 = 70
                "prescription": [ { "exercise": "deadlift", "load": 70, "unit": "kg",
                                    "sets": 3, "reps": 5, "tempo": null, "block_height": null } ],
                "load_cap": null,
            }),
        );
        assert_reason_rules(&out, &["enter"]);
    }
}

#[test]
fn three_sore_sessions_enter_by_pattern() {
    // after_24h 2 ≥ sore_min 2: sore. At the third: 3 of the last 3 sore ≥ 3.
    let h = history(t(7, 12), kg(140.0), vec![sore(t(0, 10), 100.0), sore(t(3, 10), 100.0), sore(t(6, 10), 100.0)]);
    let out = check(
        h,
        json!({
            "action": "train",
            "status": "episode",
            "rung": 3,
            "transition": "enter",
            "episode": { "started": t(6, 10), "day": 1 },
            "prescription": [ { "exercise": "deadlift", "load": 70, "sets": 3, "reps": 5 } ],
            "flags": ["pattern"],
        }),
    );
    assert_reason_rules(&out, &["pattern"]);
}

#[test]
fn two_sore_sessions_are_not_a_pattern() {
    let h = history(t(4, 12), kg(140.0), vec![sore(t(0, 10), 100.0), sore(t(3, 10), 100.0)]);
    check(
        h,
        json!({
            "status": "normal", "rung": null, "episode": null, "transition": "none",
            "flags": [],
            // 1.10 × 100 = 110
            "load_cap": 110,
        }),
    );
}

#[test]
fn pattern_looks_at_the_last_four_sessions_only() {
    let mut sessions = vec![
        sore(t(0, 10), 100.0),
        ok(t(3, 10), 100.0),
        ok(t(6, 10), 100.0),
        sore(t(9, 10), 100.0),
        sore(t(12, 10), 100.0),
    ];
    // Last 4: ok, ok, sore, sore → 2 sore < 3.
    check(
        history(t(13, 12), kg(140.0), sessions.clone()),
        json!({ "status": "normal", "transition": "none", "flags": [] }),
    );
    // Last 4: ok(6), sore(9), sore(12), sore(15) → 3 sore ≥ 3 → enter.
    sessions.push(sore(t(15, 10), 100.0));
    check(
        history(t(16, 12), kg(140.0), sessions),
        json!({
            "status": "episode", "rung": 3, "transition": "enter",
            "episode": { "started": t(15, 10), "day": 1 },
            "flags": ["pattern"],
        }),
    );
}

#[test]
fn pattern_window_skips_sessions_without_after_24h() {
    // Sessions with an after_24h: sore(0), ok(3), sore(6), sore(12) → 3 sore of
    // the last 4 → enter. (Counting the pending one would give 2 of 4.)
    let h = history(
        t(13, 12),
        kg(140.0),
        vec![
            sore(t(0, 10), 100.0),
            ok(t(3, 10), 100.0),
            sore(t(6, 10), 100.0),
            pending(t(9, 10), 100.0),
            sore(t(12, 10), 100.0),
        ],
    );
    check(
        h,
        json!({
            "status": "episode", "transition": "enter",
            "episode": { "started": t(12, 10) }, "flags": ["pattern"],
        }),
    );
}

#[test]
fn tolerated_session_in_normal_is_none() {
    let h = history(t(2, 12), kg(140.0), vec![ok(t(0, 10), 100.0)]);
    check(
        h,
        json!({
            "contract": "pullback.plan/v1",
            "protocol": "seed-deadlift-v1",
            "as_of": t(2, 12),
            "action": "train",
            "status": "normal",
            "rung": null,
            "block_height": null,
            "episode": null,
            "transition": "none",
            "prescription": own_program("deadlift"),
            // 1.10 × 100 = 110
            "load_cap": 110,
            "flags": [],
            "see_clinician": { "recommended": false, "reasons": [] },
            // 2 days 2 h
            "metrics": { "working_weight": 140, "acwr": null,
                         "days_since_last_session": 2, "lsi": null },
        }),
    );
}

#[test]
fn standalone_checkin_above_tolerable_enters_episode() {
    let h = with(history(t(2, 12), kg(140.0), vec![]), "checkins", json!([standalone(t(1, 8), 6)]));
    let out = check(
        h,
        json!({
            // the latest check-in (6) is above 4
            "action": "rest_active",
            "status": "episode",
            "rung": 3,
            "transition": "enter",
            "episode": { "started": t(1, 8), "day": 1 },
            "prescription": rung0(),
            "load_cap": null,
            "metrics": { "days_since_last_session": null },
        }),
    );
    assert_reason_rules(&out, &["enter"]);
}

#[test]
fn standalone_checkin_at_tolerable_does_not_enter() {
    let h = with(history(t(2, 12), kg(140.0), vec![]), "checkins", json!([standalone(t(1, 8), 4)]));
    check(h, json!({ "action": "train", "status": "normal", "rung": null, "transition": "none" }));
}

// --- episode rows -----------------------------------------------------------

#[test]
fn bottom_only_flare_in_episode_adds_the_first_block() {
    let h = history(t(3, 12), kg(140.0), vec![flare(t(0, 10), 140.0), bottom(t(2, 10), 70.0)]);
    let out = check(
        h,
        json!({
            "action": "train", "status": "episode", "rung": 3, "block_height": 15,
            "transition": "block_add",
            "prescription": [ { "exercise": "deadlift", "load": 70, "sets": 3, "reps": 5,
                                "block_height": 15 } ],
        }),
    );
    assert_reason_rules(&out, &["block_add"]);
}

#[test]
fn entering_bottom_only_flare_starts_on_the_first_block() {
    check(
        history(t(1, 12), kg(140.0), vec![bottom(t(0, 10), 140.0)]),
        json!({ "status": "episode", "rung": 3, "block_height": 15, "transition": "enter",
                "prescription": [ { "load": 70, "block_height": 15 } ] }),
    );
    check(
        history(t(1, 12), lb(405.0), vec![bottom(t(0, 10), 405.0)]),
        // 50 % of 405 = 202.5 → 200 (5 lb steps)
        json!({ "status": "episode", "rung": 3, "block_height": 6, "transition": "enter",
                "prescription": [ { "load": 200, "unit": "lb", "block_height": 6 } ] }),
    );
}

/// Blocks go up to the highest, then down one step per tolerated session,
/// then off, then the ladder progresses.
fn block_walk(profile: serde_json::Value, heights: [serde_json::Value; 7]) {
    let sessions = [
        bottom(t(0, 10), 100.0), // enter on the first block
        bottom(t(2, 10), 70.0),  // block_add: one step higher = the highest
        ok(t(4, 10), 70.0),      // block_lower
        ok(t(6, 10), 70.0),      // block_lower
        ok(t(8, 10), 70.0),      // block_lower
        ok(t(10, 10), 70.0),     // block_lower: off the block
        ok(t(12, 10), 70.0),     // progress
    ];
    let steps = [
        (3, "enter"),
        (3, "block_add"),
        (3, "block_lower"),
        (3, "block_lower"),
        (3, "block_lower"),
        (3, "block_lower"),
        (4, "progress"),
    ];
    for (i, ((rung, transition), height)) in steps.iter().zip(heights).enumerate() {
        let n = i as i64;
        let h = history(t(2 * n + 1, 12), profile.clone(), sessions[..=i].to_vec());
        check_as(
            &format!("after session {i}"),
            h,
            json!({
                "status": "episode", "rung": rung, "transition": transition,
                "block_height": height,
                "prescription": [ { "block_height": height } ],
            }),
        );
    }
}

#[test]
fn blocks_step_up_and_down_in_cm() {
    // 15 → 20 (highest) → 15 → 10 → 5 → off → progress
    block_walk(kg(140.0), [json!(15), json!(20), json!(15), json!(10), json!(5), json!(null), json!(null)]);
}

#[test]
fn blocks_step_up_and_down_in_inches() {
    // 6 → 8 (highest) → 6 → 4 → 2 → off → progress
    block_walk(lb(405.0), [json!(6), json!(8), json!(6), json!(4), json!(2), json!(null), json!(null)]);
}

#[test]
fn block_add_from_a_lowered_block_steps_one_up() {
    // 15 → tolerated → 10 → bottom-only flare → 15
    let h = history(t(5, 12), kg(140.0), vec![bottom(t(0, 10), 140.0), ok(t(2, 10), 70.0), bottom(t(4, 10), 70.0)]);
    check(h, json!({ "rung": 3, "block_height": 15, "transition": "block_add" }));
}

#[test]
fn bottom_only_flare_on_the_highest_block_regresses_and_keeps_the_block() {
    // 15 → 20 (highest) → not below the highest → regress to rung 2.
    // SPEC-AMBIGUOUS: the spec only says "Regressing below rung 2 takes the
    // block away"; I read that regressing to rung 2 (still a barbell rung)
    // keeps the block (also in `regressing_below_rung_2_takes_the_block_away`).
    let h = history(t(5, 12), kg(140.0), vec![bottom(t(0, 10), 140.0), bottom(t(2, 10), 70.0), bottom(t(4, 10), 70.0)]);
    check(
        h,
        json!({
            "rung": 2, "block_height": 20, "transition": "regress",
            "prescription": [ { "exercise": "sumo_deadlift", "load": 20, "sets": 3, "reps": 10,
                                "block_height": 20 } ],
        }),
    );
}

#[test]
fn bottom_only_flare_at_rung_2_adds_a_block() {
    // enter 3 → flare 2 → bottom-only flare at rung 2 (≥ 2) → block 15
    let h = history(t(5, 12), kg(140.0), vec![flare(t(0, 10), 140.0), flare(t(2, 10), 70.0), bottom(t(4, 10), 20.0)]);
    check(
        h,
        json!({
            "rung": 2, "block_height": 15, "transition": "block_add",
            "prescription": [ { "exercise": "sumo_deadlift", "load": 20, "block_height": 15 } ],
        }),
    );
}

#[test]
fn bottom_only_flare_below_rung_2_regresses() {
    // 3 → 2 → 1 → bottom-only flare at rung 1 (< 2) → regress to 0, no block
    let h = history(
        t(7, 12),
        kg(140.0),
        vec![flare(t(0, 10), 140.0), flare(t(2, 10), 70.0), flare(t(4, 10), 20.0), bottom(t(6, 10), 16.0)],
    );
    check(h, json!({ "rung": 0, "block_height": null, "transition": "regress" }));
}

#[test]
fn bottom_only_test_looks_only_at_during() {
    // during 2 (bottom_only) is tolerable, after_24h 6 makes the flare: block_add.
    let s = session(
        t(2, 10),
        70.0,
        json!([
            { "point": "during", "pain": 2, "bottom_only": true },
            { "point": "after_24h", "pain": 6 }
        ]),
    );
    let h = history(t(4, 0), kg(140.0), vec![flare(t(0, 10), 140.0), s]);
    let h = with(h, "checkins", json!([standalone(t(3, 12), 3)]));
    check(h, json!({ "action": "train", "rung": 3, "block_height": 15, "transition": "block_add" }));
}

#[test]
fn flare_in_episode_regresses_one_rung() {
    // enter 3 → progress 4 → flare → 3
    let h = history(t(5, 12), kg(140.0), vec![flare(t(0, 10), 140.0), ok(t(2, 10), 70.0), flare(t(4, 10), 70.0)]);
    let out = check(
        h,
        json!({ "rung": 3, "transition": "regress",
                "prescription": [ { "exercise": "deadlift", "load": 70, "tempo": null } ] }),
    );
    assert_reason_rules(&out, &["regress"]);
}

#[test]
fn regress_at_rung_0_stays_at_0() {
    // 3 → 2 → 1 → 0 → flare at 0 → still 0, still `regress`
    let out = check(
        descend(4, kg(140.0)),
        json!({
            "action": "train", "status": "episode", "rung": 0, "block_height": null,
            "transition": "regress", "prescription": rung0(),
        }),
    );
    assert_reason_rules(&out, &["regress"]);
}

#[test]
fn regressing_below_rung_2_takes_the_block_away() {
    let sessions = vec![
        bottom(t(0, 10), 140.0), // enter, rung 3, block 15
        flare(t(2, 10), 70.0),   // regress to 2, block kept
        flare(t(4, 10), 20.0),   // regress to 1, block gone
    ];
    check(
        history(t(3, 12), kg(140.0), sessions[..2].to_vec()),
        json!({ "rung": 2, "block_height": 15, "transition": "regress" }),
    );
    check(
        history(t(5, 12), kg(140.0), sessions),
        json!({ "rung": 1, "block_height": null, "transition": "regress",
                "prescription": [ { "exercise": "kettlebell_sumo_deadlift", "block_height": null } ] }),
    );
}

#[test]
fn significantly_worse_after_24h_is_a_flare_in_an_episode() {
    // baseline = before. before 1: after_24h 3 ≥ 1 + 2 → flare → regress to 2.
    // before 2: 3 < 2 + 2 → tolerated → progress to 4.
    for (before, rung, transition) in [(1, 2, "regress"), (2, 4, "progress")] {
        let s = session(t(2, 10), 70.0, cis(&[("before", before), ("during", 2), ("after_24h", 3)]));
        check_as(
            &format!("before {before}"),
            history(t(3, 12), kg(140.0), vec![flare(t(0, 10), 140.0), s]),
            json!({ "rung": rung, "transition": transition }),
        );
    }
}

#[test]
fn before_is_only_the_baseline_in_an_episode() {
    // before 5 is not a flare in an episode; after_24h 4 < 5 + 2 → tolerated.
    let s = session(t(2, 10), 70.0, cis(&[("before", 5), ("during", 3), ("after_1h", 3), ("after_24h", 4)]));
    check(
        history(t(3, 12), kg(140.0), vec![flare(t(0, 10), 140.0), s]),
        json!({ "action": "train", "rung": 4, "transition": "progress" }),
    );
}

#[test]
fn tolerated_session_in_an_episode_progresses() {
    let out = check(
        ladder(1),
        json!({
            "status": "episode", "rung": 4, "transition": "progress",
            "prescription": [ { "exercise": "deadlift", "load": 70, "sets": 3, "reps": 5,
                                "tempo": "3-0-3" } ],
        }),
    );
    assert_reason_rules(&out, &["progress"]);
}

#[test]
fn tolerated_session_at_rung_11_resolves() {
    // 8 tolerated sessions climb 3 → 11, the 9th resolves.
    let out = check(
        ladder(9),
        json!({
            "action": "train", "status": "normal", "rung": null, "block_height": null,
            "episode": null, "transition": "resolve",
            "prescription": own_program("deadlift"),
            // heaviest top set in the 28 days before as_of: 140 (the entering
            // session, day 0); 1.10 × 140 = 154 → 152.5
            "load_cap": 152.5,
            "flags": [],
        }),
    );
    assert_reason_rules(&out, &["resolve"]);
}

#[test]
fn pending_session_in_an_episode_holds() {
    let sessions = vec![flare(t(0, 10), 140.0), pending(t(2, 10), 70.0)];
    // 10 h after the pending session: no missing_checkin yet
    let out = check(
        history(t(2, 20), kg(140.0), sessions.clone()),
        json!({ "action": "train", "rung": 3, "transition": "hold", "flags": [] }),
    );
    assert_reason_rules(&out, &["hold"]);
    // 24 h after: still hold, and flag missing_checkin
    check(
        history(t(3, 10), kg(140.0), sessions),
        json!({ "rung": 3, "transition": "hold", "flags": ["missing_checkin"] }),
    );
}

#[test]
fn standalone_checkin_in_an_episode_is_not_a_transition() {
    // enter 3 → progress 4; a later standalone check-in keeps `progress`.
    let base = history(t(4, 0), kg(140.0), vec![flare(t(0, 10), 140.0), ok(t(2, 10), 70.0)]);
    check(
        with(base.clone(), "checkins", json!([standalone(t(3, 12), 3)])),
        json!({ "action": "train", "status": "episode", "rung": 4, "transition": "progress" }),
    );
    // Even above tolerable it only makes the action rest_active.
    check(
        with(base, "checkins", json!([standalone(t(3, 12), 7)])),
        json!({ "action": "rest_active", "status": "episode", "rung": 4,
                "transition": "progress", "prescription": rung0() }),
    );
}

#[test]
fn sessions_without_a_counted_exercise_are_not_events() {
    // squat and jefferson_curl alone do not make a session count (only the
    // first seven exercises do), so they neither progress nor move days.
    let squat = session_of(t(2, 10), "squat", sets(100.0, 3), cis(&[("during", 1), ("after_24h", 1)]));
    let curl = session_of(
        t(2, 14),
        "jefferson_curl",
        json!([{ "load": 0, "reps": 8 }]),
        cis(&[("during", 1), ("after_24h", 1)]),
    );
    check(
        history(t(3, 16), kg(140.0), vec![flare(t(0, 10), 140.0), squat, curl]),
        json!({
            "status": "episode", "rung": 3, "transition": "enter",
            // last counted session t(0,10) → 3 days 6 h
            "metrics": { "days_since_last_session": 3 },
        }),
    );
}

#[test]
fn a_bird_dog_session_counts() {
    let s = session_of(t(0, 10), "bird_dog", json!([{ "load": 0, "reps": 10 }]), cis(&[("after_24h", 5)]));
    let h = with(history(t(1, 20), kg(140.0), vec![s]), "checkins", json!([standalone(t(1, 12), 2)]));
    check(
        h,
        json!({ "status": "episode", "rung": 3, "transition": "enter",
                "metrics": { "days_since_last_session": 1 } }),
    );
}
