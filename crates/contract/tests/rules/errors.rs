//! plan-contract.md "Errors": every input problem is reported with an RFC 6901
//! pointer. Messages are matched loosely (usually the offending value; an
//! empty needle where only the pointer is fixed).

use crate::*;
use serde_json::{Value, json};

/// A valid history that uses every part of the input.
fn valid() -> Value {
    json!({
        "contract": "pullback.plan/v1",
        "as_of": "2026-03-02T07:00:00Z",
        "profile": {
            "units": "kg", "working_weight": 140, "usual_variation": "deadlift",
            "load_increment": 2.5, "bar_weight": 20, "kettlebell_weight": 16,
            "time_zone": "Europe/Oslo"
        },
        "protocol": { "tolerable_max": 4 },
        "screenings": [ { "at": "2026-02-20T08:00:00Z", "fever": false, "trauma": false } ],
        "sessions": [ {
            "id": "s1", "at": "2026-02-20T18:00:00Z",
            "exercises": [ {
                "exercise": "deadlift", "tempo": "3-1-3", "block_height": null,
                "sets": [ { "load": 60, "reps": 5, "warmup": true, "rpe": 6 },
                          { "load": 140, "reps": 5, "rpe": 8.5 } ] } ],
            "checkins": [
                { "point": "before", "pain": 0 },
                { "point": "during", "pain": 3, "bottom_only": false, "side": "left" },
                { "point": "after_1h", "pain": 4, "side": "central" },
                { "point": "after_24h", "pain": 2, "at": "2026-02-21T19:00:00Z" } ] } ],
        "checkins": [ { "at": "2026-02-23T09:00:00Z", "pain": 3, "side": "left" } ],
        "symmetry_tests": [ { "at": "2026-02-22T10:00:00Z", "left": 310, "right": 265 } ]
    })
}

/// Each case sets `pointer` to `value` in `valid()` and expects a problem at
/// `pointer` whose message contains `needle`.
fn refuse_each(cases: &[(&str, Value, &str)]) {
    for (pointer, value, needle) in cases {
        check_errors_as(&format!("{pointer} = {value}"), set(valid(), pointer, value.clone()), &[(pointer, needle)]);
    }
}

#[test]
fn the_valid_history_is_accepted() {
    check(
        valid(),
        json!({ "contract": "pullback.plan/v1", "status": "normal", "transition": "none",
                "action": "train" }),
    );
}

#[test]
fn unknown_fields_outside_protocol_are_ignored() {
    let h = set(valid(), "/notes", json!("hello"));
    let h = set(h, "/profile/nickname", json!("Ada"));
    let h = set(h, "/sessions/0/mood", json!("good"));
    let h = set(h, "/sessions/0/checkins/0/note", json!("stiff"));
    check(h, json!({ "status": "normal" }));
}

#[test]
fn boundary_values_are_accepted() {
    let h = set(valid(), "/sessions/0/checkins/0/pain", json!(10));
    let h = set(h, "/sessions/0/checkins/1/pain", json!(0));
    let h = set(h, "/sessions/0/checkins/1/side", json!("both"));
    let h = set(h, "/checkins/0/side", json!("right"));
    let h = set(h, "/sessions/0/exercises/0/sets/0/rpe", json!(10));
    let h = set(h, "/sessions/0/exercises/0/sets/1/rpe", json!(9.5));
    let h = set(h, "/sessions/0/exercises/0/sets/0/load", json!(0));
    let h = set(h, "/sessions/0/exercises/0/sets/0/reps", json!(0));
    let h = set(h, "/sessions/0/exercises/0/tempo", json!("5-0-5"));
    let h = set(h, "/sessions/0/at", json!("2026-02-20T23:30:00+05:30"));
    let h = set(h, "/profile/usual_variation", json!("trap_bar_deadlift"));
    run(&h);
    for protocol in [
        json!({ "tolerable_max": 1, "worse_delta": 1, "sore_min": 1, "pattern_window": 2,
                "pattern_min": 1, "intensity_spike_ratio": 1.0, "volume_spike_acwr": 1.0,
                "layoff_caps": [[1, 1.0]], "episode_referral_days": 7, "lsi_min": 0.5 }),
        json!({ "tolerable_max": 8, "worse_delta": 5, "sore_min": 10, "pattern_window": 10,
                "pattern_min": 10, "intensity_spike_ratio": 2.0, "volume_spike_acwr": 3.0,
                "layoff_caps": [[14, 0.8], [56, 0.6], [182, 0.5]],
                "episode_referral_days": 365, "lsi_min": 1.0 }),
        // pattern_min may equal the effective (default) window
        json!({ "pattern_min": 4 }),
    ] {
        run(&set(valid(), "/protocol", protocol));
    }
}

#[test]
fn missing_required_fields() {
    for pointer in [
        "/contract",
        "/as_of",
        "/profile",
        "/profile/units",
        "/sessions/0/at",
        "/checkins/0/at",
        "/screenings/0/at",
        "/symmetry_tests/0/at",
    ] {
        check_errors_as(&format!("without {pointer}"), remove(valid(), pointer), &[(pointer, "")]);
    }
}

#[test]
fn unknown_contract_units_and_variation() {
    refuse_each(&[
        ("/contract", json!("pullback.plan/v2"), "pullback.plan/v2"),
        ("/profile/units", json!("stone"), "stone"),
        ("/profile/units", json!("KG"), "KG"),
        ("/profile/usual_variation", json!("romanian_deadlift"), "romanian_deadlift"),
        ("/profile/time_zone", json!("Mars/Olympus"), "Mars/Olympus"),
    ]);
}

#[test]
fn times_must_be_rfc3339_with_an_offset() {
    refuse_each(&[
        ("/as_of", json!("2026-03-02"), "2026-03-02"),
        ("/as_of", json!("2026-03-02T07:00:00"), "2026-03-02T07:00:00"),
        ("/sessions/0/at", json!("yesterday"), "yesterday"),
        ("/sessions/0/at", json!("2026-02-20T18:00:00"), "2026-02-20T18:00:00"),
        ("/sessions/0/checkins/3/at", json!("2026-02-21T19:00:00"), "2026-02-21T19:00:00"),
        ("/checkins/0/at", json!("23/02/2026 09:00"), "23/02/2026"),
        ("/screenings/0/at", json!("2026-02-20T08:00"), "2026-02-20T08:00"),
        ("/symmetry_tests/0/at", json!("2026-02-22T10:00:00"), "2026-02-22T10:00:00"),
    ]);
}

#[test]
fn pain_must_be_an_integer_from_0_to_10() {
    refuse_each(&[
        ("/sessions/0/checkins/2/pain", json!(11), "11"),
        ("/sessions/0/checkins/2/pain", json!(-1), "-1"),
        ("/sessions/0/checkins/2/pain", json!(5.0), "5"),
        ("/sessions/0/checkins/2/pain", json!("5"), "5"),
        ("/checkins/0/pain", json!(11), "11"),
        ("/checkins/0/pain", json!(-1), "-1"),
        ("/checkins/0/pain", json!(2.5), "2.5"),
    ]);
}

#[test]
fn points_and_sides_are_enumerations() {
    refuse_each(&[
        ("/sessions/0/checkins/0/point", json!("after_2h"), "after_2h"),
        ("/sessions/0/checkins/1/side", json!("middle"), "middle"),
        ("/checkins/0/side", json!("middle"), "middle"),
    ]);
}

#[test]
fn tempo_is_three_digits_joined_by_dashes() {
    refuse_each(&[
        ("/sessions/0/exercises/0/tempo", json!("3-1"), "3-1"),
        ("/sessions/0/exercises/0/tempo", json!("a-b-c"), "a-b-c"),
        ("/sessions/0/exercises/0/tempo", json!("31-1-3"), "31-1-3"),
    ]);
}

#[test]
fn rpe_is_6_to_10_in_halves() {
    refuse_each(&[
        ("/sessions/0/exercises/0/sets/1/rpe", json!(5.5), "5.5"),
        ("/sessions/0/exercises/0/sets/1/rpe", json!(7.25), "7.25"),
        ("/sessions/0/exercises/0/sets/1/rpe", json!(10.5), "10.5"),
    ]);
}

#[test]
fn loads_and_reps() {
    refuse_each(&[
        ("/sessions/0/exercises/0/sets/1/load", json!(-5), "-5"),
        ("/sessions/0/exercises/0/sets/1/load", json!("140"), "140"),
        ("/sessions/0/exercises/0/sets/1/reps", json!(2.5), "2.5"),
        ("/sessions/0/exercises/0/sets/1/reps", json!(-1), "-1"),
        ("/sessions/0/exercises/0/sets/1/reps", json!("5"), "5"),
    ]);
}

#[test]
fn notes_are_text_of_1_to_2000_characters() {
    // Notes (optional, added in v1 additively) on a session, an exercise and a set.
    let noted = set(valid(), "/sessions/0/note", json!("Pulled in the garage"));
    let noted = set(noted, "/sessions/0/exercises/0/note", json!("hook grip"));
    let noted = set(noted, "/sessions/0/exercises/0/sets/1/note", json!("felt heavy, no pain"));
    check(noted, json!({ "status": "normal" }));
    refuse_each(&[
        ("/sessions/0/note", json!(5), "must be a string"),
        ("/sessions/0/exercises/0/note", json!("   "), "must not be empty"),
        ("/sessions/0/exercises/0/sets/1/note", json!("x".repeat(2001)), "at most 2000 characters"),
    ]);
}

#[test]
fn symmetry_values_must_be_positive() {
    refuse_each(&[("/symmetry_tests/0/left", json!(0), "0"), ("/symmetry_tests/0/right", json!(-3), "-3")]);
}

#[test]
fn unknown_protocol_key() {
    check_errors(set(valid(), "/protocol/tolerable_min", json!(2)), &[("/protocol/tolerable_min", "")]);
}

#[test]
fn protocol_values_out_of_range() {
    refuse_each(&[
        ("/protocol/tolerable_max", json!(0), "0"),
        ("/protocol/tolerable_max", json!(9), "9"),
        ("/protocol/worse_delta", json!(0), "0"),
        ("/protocol/worse_delta", json!(6), "6"),
        ("/protocol/sore_min", json!(0), "0"),
        ("/protocol/sore_min", json!(11), "11"),
        ("/protocol/pattern_window", json!(1), "1"),
        ("/protocol/pattern_window", json!(11), "11"),
        ("/protocol/pattern_min", json!(0), "0"),
        ("/protocol/intensity_spike_ratio", json!(0.99), "0.99"),
        ("/protocol/intensity_spike_ratio", json!(2.01), "2.01"),
        ("/protocol/volume_spike_acwr", json!(0.9), "0.9"),
        ("/protocol/volume_spike_acwr", json!(3.5), "3.5"),
        ("/protocol/episode_referral_days", json!(6), "6"),
        ("/protocol/episode_referral_days", json!(366), "366"),
        ("/protocol/lsi_min", json!(0.49), "0.49"),
        ("/protocol/lsi_min", json!(1.01), "1.01"),
        ("/protocol/tolerable_max", json!("4"), "4"),
    ]);
}

#[test]
fn integer_protocol_keys_refuse_decimals() {
    refuse_each(&[
        ("/protocol/tolerable_max", json!(4.0), "4"),
        ("/protocol/worse_delta", json!(2.0), "2"),
        ("/protocol/pattern_window", json!(4.0), "4"),
        ("/protocol/episode_referral_days", json!(42.0), "42"),
    ]);
}

#[test]
fn pattern_min_above_the_pattern_window() {
    // default window 4
    check_errors(set(valid(), "/protocol", json!({ "pattern_min": 5 })), &[("/protocol/pattern_min", "5")]);
    // both given
    check_errors(
        set(valid(), "/protocol", json!({ "pattern_window": 3, "pattern_min": 4 })),
        &[("/protocol/pattern_min", "4")],
    );
    // SPEC-AMBIGUOUS: a window of 2 leaves the default pattern_min 3 too big;
    // the spec says this is an error but not which pointer names it (the
    // absent /protocol/pattern_min or the given /protocol/pattern_window).
    // I only require some problem under /protocol.
    check_error_under(
        "pattern_window 2 with the default pattern_min",
        set(valid(), "/protocol", json!({ "pattern_window": 2 })),
        "/protocol",
    );
}

#[test]
fn bad_layoff_caps() {
    // SPEC-AMBIGUOUS: the pointer may name the list or the offending entry
    // (e.g. /protocol/layoff_caps/1/0); I only require it to be under
    // /protocol/layoff_caps.
    for caps in [
        json!([]),
        json!([[14, 0.8], [14, 0.6]]), // days not strictly rising
        json!([[56, 0.6], [14, 0.8]]), // days falling
        json!([[14, 0]]),              // factor 0
        json!([[14, 1.5]]),            // factor above 1
        json!([[0, 0.8]]),             // days below 1
        json!([[14.5, 0.8]]),          // days not an integer
        json!([[14]]),                 // not a pair
        json!("14 days"),              // not a list
    ] {
        check_error_under(
            &format!("layoff_caps {caps}"),
            set(valid(), "/protocol", json!({ "layoff_caps": caps })),
            "/protocol/layoff_caps",
        );
    }
}

#[test]
fn several_problems_are_all_reported() {
    let h = set(valid(), "/profile/units", json!("stone"));
    let h = set(h, "/sessions/0/checkins/2/pain", json!(11));
    let h = set(h, "/sessions/0/exercises/0/sets/1/rpe", json!(7.25));
    let h = set(h, "/checkins/0/side", json!("middle"));
    let wanted = [
        ("/profile/units", "stone"),
        ("/sessions/0/checkins/2/pain", "11"),
        ("/sessions/0/exercises/0/sets/1/rpe", "7.25"),
        ("/checkins/0/side", "middle"),
    ];
    check_errors(h.clone(), &wanted);
    // one Problem per problem. SPEC-AMBIGUOUS: I read "one line per problem"
    // as exactly these four problems for these four faults (no follow-on
    // problems caused by the bad `units`).
    let problems = plan_value_problems(&h);
    assert_eq!(problems.len(), wanted.len(), "expected exactly one problem per problem, got {problems:?}");
}

fn plan_value_problems(h: &Value) -> Vec<(String, String)> {
    match pullback_contract::plan_value(h) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.into_iter().map(|p| (p.pointer, p.message)).collect(),
    }
}

#[test]
fn other_exercise_names_are_bounded_and_printable() {
    refuse_each(&[
        ("/sessions/0/exercises/0/exercise", json!("x".repeat(101)), "at most 100 characters"),
        ("/sessions/0/exercises/0/exercise", json!("squat\u{202e}"), "U+202E"),
        ("/sessions/0/exercises/0/exercise", json!("sq\u{200b}uat"), "U+200B"),
        ("/sessions/0/exercises/0/exercise", json!("squat\n"), "U+000A"),
    ]);
    let fine = set(valid(), "/sessions/0/exercises/0/exercise", json!("x".repeat(100)));
    check(fine, json!({ "action": "train" }));
}

#[test]
fn a_huge_rpe_is_a_problem_not_a_panic() {
    refuse_each(&[
        ("/sessions/0/exercises/0/sets/1/rpe", json!(4.043941470922785e28), "between 6 and 10"),
        ("/sessions/0/exercises/0/sets/1/rpe", json!(-7.9e28), "between 6 and 10"),
    ]);
}
