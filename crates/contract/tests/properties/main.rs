//! Property tests of the engine on random histories of the contract's shape.
//!
//! Histories are generated as JSON documents and go through the real contract
//! parser, so the properties hold for what users can actually send.

use proptest::prelude::*;
use pullback_contract::{parse_request, plan_value};
use pullback_core::ladder::prescription;
use pullback_core::replay::{Cause, Response, State};
use pullback_core::{Action, Decimal, Flag, Referral, Rung, Units, plan, trace};
use serde_json::{Value, json};

const BASE: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn time(minutes: i64) -> String {
    let t = jiff::Timestamp::from_second(BASE + minutes * 60).expect("in range");
    pullback_contract::format_time(t)
}

/// Every known exercise and one other, with the deadlift three times as likely.
fn exercise_names() -> Vec<&'static str> {
    pullback_core::Exercise::ALL.iter().map(|e| e.id()).chain(["deadlift", "deadlift", "squat"]).collect()
}
const POINTS: &[&str] = &["before", "during", "after_1h", "after_24h"];
const SIDES: &[&str] = &["central", "left", "right", "both"];

fn checkin() -> impl Strategy<Value = Value> {
    (0..4usize, 0..=10i64, any::<bool>(), proptest::option::of(0..4usize), proptest::option::of(-60i64..3000)).prop_map(
        |(p, pain, bottom, side, at)| {
            let mut c = json!({ "point": POINTS[p], "pain": pain, "bottom_only": bottom });
            if let Some(s) = side {
                c["side"] = json!(SIDES[s]);
            }
            if let Some(offset) = at {
                c["at_offset"] = json!(offset); // resolved against the session time below
            }
            c
        },
    )
}

fn session(span: i64) -> impl Strategy<Value = Value> {
    let set = (0..=1200u32, 0..=12i64, prop::bool::weighted(0.2)).prop_map(
        |(quarter_kg, reps, warmup)| json!({ "load": f64::from(quarter_kg) / 4.0, "reps": reps, "warmup": warmup }),
    );
    let exercise = (prop::sample::select(exercise_names()), prop::collection::vec(set, 0..4))
        .prop_map(|(e, sets)| json!({ "exercise": e, "sets": sets }));
    (0..span, prop::collection::vec(exercise, 0..3), prop::collection::vec(checkin(), 0..5)).prop_map(
        |(minute, exercises, checkins)| {
            let checkins: Vec<Value> = checkins
                .into_iter()
                .map(|mut c| {
                    if let Some(offset) = c.as_object_mut().and_then(|o| o.remove("at_offset")) {
                        c["at"] = json!(time(minute + offset.as_i64().unwrap_or(0)));
                    }
                    c
                })
                .collect();
            json!({ "at": time(minute), "exercises": exercises, "checkins": checkins })
        },
    )
}

fn screening(span: i64) -> impl Strategy<Value = Value> {
    (0..span, prop::collection::vec(prop::bool::weighted(0.1), 8)).prop_map(|(minute, answers)| {
        let names = [
            "saddle_anesthesia",
            "bladder_bowel",
            "progressive_weakness",
            "fever",
            "trauma",
            "cancer_history",
            "weight_loss",
            "night_pain",
        ];
        let mut s = json!({ "at": time(minute) });
        for (name, yes) in names.iter().zip(answers) {
            s[*name] = json!(yes);
        }
        s
    })
}

fn protocol() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({})),
        (1..=8i64, 1..=5i64, 1..=10i64).prop_map(|(t, w, s)| json!({
            "tolerable_max": t, "worse_delta": w, "sore_min": s
        })),
        (2..=10i64, 100..=200u32).prop_map(|(window, ratio)| json!({
            "pattern_window": window, "pattern_min": 1, "intensity_spike_ratio": f64::from(ratio) / 100.0,
            "layoff_caps": [[3, 0.9], [10, 0.3]]
        })),
    ]
}

/// Histories over about 200 days.
fn history() -> impl Strategy<Value = Value> {
    history_over(300_000)
}

prop_compose! {
    /// Histories whose events fall within `span` minutes.
    fn history_over(span: i64)(
        lb in any::<bool>(),
        w in proptest::option::of(40..=300u32),
        sessions in prop::collection::vec(session(span), 0..30),
        standalone in prop::collection::vec((0..span, 0..=10i64), 0..8),
        screenings in prop::collection::vec(screening(span), 0..3),
        symmetry in prop::collection::vec((0..span, 50..=400u32, 50..=400u32), 0..3),
        protocol in protocol(),
        as_of in 0..span + span / 15,
    ) -> Value {
        let mut profile = json!({ "units": if lb { "lb" } else { "kg" } });
        if let Some(w) = w {
            profile["working_weight"] = json!(w);
        }
        json!({
            "contract": "pullback.plan/v1",
            "as_of": time(as_of),
            "profile": profile,
            "protocol": protocol,
            "sessions": sessions,
            "checkins": standalone.iter().map(|(m, p)| json!({ "at": time(*m), "pain": p })).collect::<Vec<_>>(),
            "screenings": screenings,
            "symmetry_tests": symmetry.iter()
                .map(|(m, l, r)| json!({ "at": time(*m), "left": l, "right": r }))
                .collect::<Vec<_>>(),
        })
    }
}

/// Histories of every usual variation, both units, and more episodes: besides
/// `history()`'s mix (bottom-only flags, layoffs over ~200 days, check-ins and
/// sessions after `as_of`), a third of the histories are crowded into ~20 days so
/// that sessions follow each other closely and the ladder moves a lot. Half are
/// "mild" (session pains 0–5), so that tolerated sessions, soreness patterns and
/// the climb back up, rare with pains drawn from 0–10, are common.
fn ladder_history() -> impl Strategy<Value = Value> {
    let variation = prop::sample::select(vec!["deadlift", "sumo_deadlift", "trap_bar_deadlift"]);
    (prop_oneof![2 => history(), 1 => history_over(30_000)], variation, any::<bool>()).prop_map(
        |(mut doc, variation, mild)| {
            doc["profile"]["usual_variation"] = json!(variation);
            doc["protocol"] = json!({}); // the defaults: tolerable_max 4
            if mild {
                let checkins =
                    doc["sessions"].as_array_mut().into_iter().flatten().filter_map(|s| s["checkins"].as_array_mut());
                for checkin in checkins.flatten() {
                    checkin["pain"] = json!(checkin["pain"].as_i64().unwrap_or(0) % 6);
                }
            }
            doc
        },
    )
}

/// The highest block height of section 3: 20 cm in kg profiles, 8 in in lb profiles.
fn highest_block(units: Units) -> Decimal {
    if units == Units::Kg { Decimal::from(20) } else { Decimal::from(8) }
}

fn is_sorted<T: Ord>(items: &[T]) -> bool {
    items.windows(2).all(|w| w[0] <= w[1])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// A flare never moves the lifter up the ladder and never lowers a block (while
    /// the rung keeps a barbell: below rung 2 the block goes by rule), and in an
    /// episode it never raises the prescribed load.
    #[test]
    fn a_flare_never_moves_up(doc in history()) {
        let request = parse_request(&doc).expect("generated histories are valid");
        let profile = &request.history.profile;
        let w = profile.working_weight;
        for step in trace(&request.history, request.as_of) {
            let Some(Cause::Session(Response::Flare(_))) = step.cause else { continue };
            match (step.before, step.after) {
                (State::Normal, State::Episode(e)) => prop_assert_eq!(e.position.rung, Rung::ENTRY),
                (State::Episode(before), State::Episode(after)) => {
                    let judged = step.layoff_drop.map_or(before.position.rung, |d| d.to);
                    prop_assert!(after.position.rung <= judged, "flare moved up: {:?}", step);
                    if after.position.rung.is_barbell() {
                        prop_assert!(after.position.block >= before.position.block, "flare lowered a block: {:?}", step);
                    }
                    // Loads are only known with a known W (the profile's, here).
                    if w.is_some() {
                        let load_at = |rung, block| prescription(rung, block, w, profile)[0].load;
                        let was = load_at(judged, before.position.block);
                        let now = load_at(after.position.rung, after.position.block);
                        prop_assert!(now <= was, "flare raised the load from {:?} to {:?}", was, now);
                    }
                }
                (before, after) => prop_assert!(false, "a flare went from {:?} to {:?}", before, after),
            }
        }
    }

    /// Section 4's invariants on every replay step (issue 11): a flare never moves up
    /// the ladder; a block never exceeds the highest; below rung 2 there is no block;
    /// an entering session with bottom-only pain during starts on the first block,
    /// whichever rule made it enter. The decision at `as_of` agrees with the last step.
    #[test]
    fn every_replay_step_keeps_the_ladder_rules(doc in ladder_history()) {
        let request = parse_request(&doc).expect("generated histories are valid");
        let history = &request.history;
        let units = history.profile.units;
        let timeline = pullback_core::timeline::Timeline::build(history, request.as_of);
        let steps = trace(history, request.as_of);
        for step in &steps {
            if let State::Episode(after) = step.after {
                let position = after.position;
                if let Some(block) = position.block {
                    prop_assert!(block.height(units) <= highest_block(units), "block above the highest: {:?}", step);
                    prop_assert!(position.rung.is_barbell(), "a block below rung 2: {:?}", step);
                }
            }
            if let (Some(Cause::Session(Response::Flare(_))), State::Episode(before), State::Episode(after)) =
                (step.cause, step.before, step.after)
            {
                let judged = step.layoff_drop.map_or(before.position.rung, |d| d.to);
                prop_assert!(after.position.rung <= judged, "a flare moved up: {:?}", step);
            }
            if let (pullback_core::timeline::Event::Session(i), State::Normal, State::Episode(after)) =
                (step.event, step.before, step.after)
            {
                prop_assert_eq!(after.position.rung, Rung::ENTRY);
                let bottom_only = timeline.sessions[i]
                    .point(pullback_core::Point::During)
                    .is_some_and(|during| during.bottom_only);
                let want = bottom_only.then_some(pullback_core::Block::First);
                prop_assert_eq!(after.position.block, want, "entering step {:?}", step);
            }
        }
        // The decision reports the ladder where the replay left it (before the
        // as_of layoff drop, which keeps the block).
        let decision = plan(history, request.as_of);
        if let Some(State::Episode(last)) = steps.last().map(|s| s.after) {
            prop_assert_eq!(decision.block, last.position.block);
        }
    }

    /// The latest screening with a red flag always wins over everything else.
    #[test]
    fn a_red_flag_always_wins(mut doc in history(), urgent in any::<bool>(), which in 0..3usize) {
        let as_of = doc["as_of"].clone();
        let flag = if urgent {
            ["saddle_anesthesia", "bladder_bowel", "progressive_weakness"][which]
        } else {
            ["fever", "trauma", "night_pain"][which]
        };
        doc["screenings"] = json!([{ "at": as_of, flag: true }]);
        let out = plan_value(&doc).expect("valid");
        prop_assert_eq!(&out["action"], if urgent { "urgent_care" } else { "see_doctor" });
        prop_assert_eq!(&out["prescription"], &json!([]));
        prop_assert_eq!(&out["load_cap"], &Value::Null);
    }

    /// Percent-of-W loads and caps are multiples of the increment, or the bar
    /// weight where the bar floor applies, and never below the bar.
    #[test]
    fn loads_sit_on_the_increment_or_the_bar(doc in history()) {
        let request = parse_request(&doc).expect("valid");
        let profile = &request.history.profile;
        let decision = plan(&request.history, request.as_of);
        let usual = profile.usual_variation.exercise();
        let percent_loads = decision
            .prescription
            .iter()
            .filter(|p| p.exercise == usual && decision.rung.is_some_and(|r| r.value() >= 3))
            .filter_map(|p| p.load);
        for load in percent_loads.chain(decision.load_cap) {
            let on_increment = (load.value() / profile.load_increment.value()).fract().is_zero();
            prop_assert!(on_increment || load == profile.bar_weight, "{} is off the increment", load);
            prop_assert!(load >= profile.bar_weight, "{} is below the bar", load);
        }
        let unit = if profile.units == Units::Kg { Decimal::new(25, 1) } else { Decimal::from(5) };
        prop_assert_eq!(profile.load_increment.value(), unit);
    }

    /// Arrays the contract promises sorted are sorted, and without duplicates.
    #[test]
    fn output_arrays_are_sorted(doc in history()) {
        let request = parse_request(&doc).expect("valid");
        let d = plan(&request.history, request.as_of);
        prop_assert!(is_sorted(&d.flags) && d.flags.windows(2).all(|w| w[0] != w[1]));
        prop_assert!(is_sorted(&d.see_clinician) && d.see_clinician.windows(2).all(|w| w[0] != w[1]));
        prop_assert!(is_sorted(&d.education));
        let out = plan_value(&doc).expect("valid");
        let ids = |key: &str| -> Vec<String> {
            out[key].as_array().into_iter().flatten().map(|v| v.as_str().unwrap_or_default().to_owned()).collect()
        };
        prop_assert!(is_sorted(&ids("flags")));
        let reasons: Vec<String> = out["see_clinician"]["reasons"]
            .as_array().into_iter().flatten().map(|v| v.as_str().unwrap_or_default().to_owned()).collect();
        prop_assert!(is_sorted(&reasons));
        let education: Vec<String> = out["education"]
            .as_array().into_iter().flatten().map(|v| v["id"].as_str().unwrap_or_default().to_owned()).collect();
        prop_assert!(is_sorted(&education));
        // The typed enums and the strings agree on the order.
        prop_assert_eq!(d.flags.iter().map(|f: &Flag| f.id().to_owned()).collect::<Vec<_>>(), ids("flags"));
        prop_assert_eq!(d.see_clinician.iter().map(|r: &Referral| r.id().to_owned()).collect::<Vec<_>>(), reasons);
    }

    /// The same input gives the same output: twice, and through both readers (the
    /// JSON-text fast path and the `serde_json::Value` path).
    #[test]
    fn the_same_input_gives_the_same_output(doc in history()) {
        let first = plan_value(&doc).expect("valid");
        let again = plan_value(&doc).expect("valid");
        prop_assert_eq!(&first, &again);
        let from_text = pullback_contract::plan_output_str(&doc.to_string()).expect("valid");
        prop_assert_eq!(serde_json::to_value(from_text).expect("json"), first);
    }

    /// A plan resumed from a checkpoint (or from a checkpoint made on another one)
    /// is exactly the plan of a full replay.
    #[test]
    fn a_checkpoint_gives_the_full_replays_decision(
        doc in prop_oneof![history(), history_over(80_000)],
        back in checkpoint_offsets(),
    ) {
        resumed_equals_full(&doc, back)?;
    }

    /// The tolerance estimate a chart computes without a replay
    /// (`tolerance::tally`) is the decision's.
    #[test]
    fn the_tally_of_a_history_gives_the_decisions_estimate(doc in prop_oneof![history(), rated_history()]) {
        let request = parse_request(&doc).expect("valid");
        let decision = plan(&request.history, request.as_of);
        let tally = pullback_core::tolerance::tally(&request.history, request.as_of);
        let verdict = pullback_core::tolerance::estimate(&tally, decision.metrics.working_weight);
        prop_assert_eq!(verdict, decision.tolerance.verdict);
        prop_assert_eq!(tally.sessions(), decision.tolerance.sessions);
    }

    /// The same for histories of many rated sessions whose flares follow the load,
    /// so that the tolerance estimate, which the checkpoint carries, is made.
    #[test]
    fn a_checkpoint_gives_the_full_replays_tolerance_estimate(
        doc in rated_history(),
        back in checkpoint_offsets(),
    ) {
        resumed_equals_full(&doc, back)?;
    }

    /// Both readers report the same problems for broken documents.
    #[test]
    fn both_readers_agree_on_problems(doc in history(), noise in noise(), slot in 0..12usize) {
        let mut doc = doc;
        if let Some(v) = doc.pointer_mut(NOISE_SLOTS[slot]) {
            *v = noise;
        }
        // Pointers, not messages: serde_json's text round trip of an f64 may change
        // its last digit, and messages quote the value.
        let pointers = |problems: Vec<pullback_contract::Problem>| -> Vec<String> {
            problems.into_iter().map(|p| p.pointer).collect()
        };
        let from_value = plan_value(&doc).err().map(pointers);
        let from_text = pullback_contract::plan_output_str(&doc.to_string()).err().map(pointers);
        prop_assert_eq!(from_value, from_text);
    }

    /// Every decision explains itself: a reason for every flag and referral, and a
    /// prescription exactly when training or resting actively.
    #[test]
    fn every_flag_and_referral_has_a_reason(doc in history()) {
        let request = parse_request(&doc).expect("valid");
        let d = plan(&request.history, request.as_of);
        for flag in &d.flags {
            prop_assert!(d.reasons.iter().any(|r| r.rule == flag.id() && !r.text.is_empty()), "no reason for {:?}", flag);
        }
        for referral in &d.see_clinician {
            prop_assert!(d.reasons.iter().any(|r| r.rule == referral.id()), "no reason for {:?}", referral);
        }
        let prescribes = matches!(d.action, Action::Train | Action::RestActive);
        prop_assert_eq!(prescribes, !d.prescription.is_empty());
    }

    /// Arbitrary JSON in every slot of the contract's shape never makes the parser
    /// or the engine panic: it is either planned or refused with problems.
    #[test]
    fn no_input_of_the_contracts_shape_panics(doc in history(), noise in noise(), slot in 0..12usize) {
        let mut doc = doc;
        if let Some(v) = doc.pointer_mut(NOISE_SLOTS[slot]) {
            *v = noise;
        }
        match plan_value(&doc) {
            Ok(out) => prop_assert_eq!(&out["contract"], "pullback.plan/v1"),
            Err(problems) => prop_assert!(!problems.is_empty()),
        }
    }
}

/// The effective time of a session check-in (protocol section 1).
fn checkin_time(session: &pullback_core::Session, c: &pullback_core::SessionCheckin) -> jiff::Timestamp {
    c.at.unwrap_or_else(|| session.at.checked_add(c.point.default_offset()).unwrap_or(session.at))
}

fn checkpoint_offsets() -> impl Strategy<Value = (i64, i64, i64, i64)> {
    prop_oneof![
        (0..200_000i64, 0..200_000i64, 0..200_000i64, 0..200_000i64),
        (0..20_000i64, 0..20_000i64, 0..20_000i64, 0..20_000i64),
    ]
}

/// Checkpoints at two instants `back` minutes before `as_of` (made, covers, made,
/// covers), the second made on the first: both resume to the full replay's decision.
fn resumed_equals_full(doc: &Value, back: (i64, i64, i64, i64)) -> Result<(), TestCaseError> {
    let request = parse_request(doc).expect("valid");
    let as_of = request.as_of;
    let minutes = |m: i64| jiff::SignedDuration::from_mins(m);
    let made2 = as_of.checked_sub(minutes(back.0)).expect("in range");
    let t2 = made2.checked_sub(minutes(back.1)).expect("in range");
    let made1 = t2.max(made2.checked_sub(minutes(back.2)).expect("in range"));
    let t1 = t2.min(made1.checked_sub(minutes(back.3)).expect("in range"));

    // The stored history: what was written late would have deleted the checkpoints.
    let history = as_stored(as_stored(request.history, t1, made1), t2, made2);
    let full = plan(&history, as_of);

    let first = pullback_core::Checkpoint::make(None, &history, made1, t1);
    let resumed = pullback_core::plan_resumed(&first, &after(&history, t1), as_of).expect("not stale");
    prop_assert_eq!(&resumed, &full, "resumed from T1 = {}", t1);

    let second = pullback_core::Checkpoint::make(Some(&first), &after(&history, t1), made2, t2);
    let chained = pullback_core::plan_resumed(&second, &after(&history, t2), as_of).expect("not stale");
    prop_assert_eq!(&chained, &full, "resumed from T2 = {} on T1 = {}", t2, t1);
    Ok(())
}

/// 10–40 deadlift sessions over ~200 days, each rated during and 24 h after (some
/// 24 h ratings timed late or missing), that flare mostly above a random load.
fn rated_history() -> impl Strategy<Value = Value> {
    let session = (0..300_000i64, 12..=36u32, 0..=3i64, any::<bool>(), 0..10u8);
    (100..=140u32, prop::collection::vec(session, 10..40), 0..320_000i64).prop_map(|(line, sessions, as_of)| {
        let sessions: Vec<Value> = sessions
            .into_iter()
            .map(|(minute, load, pain, late, noise)| {
                let load = load * 5; // 60–180 kg
                // Above the line it flares, below it does not, one time in ten the other way.
                let flares = (load > line) != (noise == 0);
                let peak = if flares { 5 + pain } else { pain };
                let mut checkins = vec![json!({ "point": "during", "pain": pain })];
                if noise != 1 {
                    let at = time(minute + if late { 3_000 } else { 1_440 });
                    checkins.push(json!({ "point": "after_24h", "pain": peak, "at": at }));
                }
                json!({ "at": time(minute), "checkins": checkins,
                        "exercises": [{ "exercise": "deadlift", "sets": [{ "load": load, "reps": 5 }] }] })
            })
            .collect();
        json!({ "contract": "pullback.plan/v1", "as_of": time(as_of),
                "profile": { "units": "kg", "working_weight": 150 }, "sessions": sessions })
    })
}

/// A history as a store keeps it: sessions and standalone check-ins in time order,
/// without the check-ins of sessions at or before `t` timed after `made_at` (writing
/// those invalidates a checkpoint that covers `t`).
fn as_stored(
    mut history: pullback_core::History,
    t: jiff::Timestamp,
    made_at: jiff::Timestamp,
) -> pullback_core::History {
    history.sessions.sort_by_key(|s| s.at);
    history.checkins.sort_by_key(|c| c.at);
    for session in &mut history.sessions {
        if session.at <= t {
            let at = session.at;
            let snapshot = session.clone();
            session.checkins.retain(|c| checkin_time(&snapshot, c) <= made_at || at > t);
        }
    }
    history
}

/// What a store loads after a checkpoint that covers `t`.
fn after(history: &pullback_core::History, t: jiff::Timestamp) -> pullback_core::History {
    let mut later = history.clone();
    later.sessions.retain(|s| s.at > t);
    later.checkins.retain(|c| c.at > t);
    later
}

/// Places in a generated history where the noise tests put arbitrary JSON.
const NOISE_SLOTS: [&str; 12] = [
    "/as_of",
    "/profile/units",
    "/profile/working_weight",
    "/sessions/0/at",
    "/sessions/0/exercises/0/sets/0/load",
    "/sessions/0/exercises/0/sets/0/reps",
    "/sessions/0/checkins/0/pain",
    "/sessions/0/checkins/0/point",
    "/protocol/tolerable_max",
    "/protocol/layoff_caps",
    "/symmetry_tests/0/left",
    "/profile/time_zone",
];

fn noise() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".*".prop_map(Value::from),
        Just(json!(1e300)),
        Just(json!(-0.0)),
        Just(json!(u64::MAX)),
        Just(json!("2026-02-30T25:61:00Z")),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::hash_map("[a-z_]{1,8}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A check-in timed after both checkpoints but belonging to a session before the
/// first must survive the chain: here it is the latest check-in, so it decides.
#[test]
fn a_chained_checkpoint_keeps_late_check_ins_of_old_sessions() {
    let doc = json!({
        "contract": "pullback.plan/v1",
        "as_of": "2026-03-02T21:00:00Z",
        "profile": { "units": "kg", "working_weight": 140 },
        "sessions": [{ "at": "2026-03-01T18:00:00Z",
            "exercises": [{ "exercise": "deadlift", "sets": [{ "load": 140, "reps": 5 }] }],
            "checkins": [{ "point": "during", "pain": 2 }, { "point": "after_24h", "pain": 6 }] }]
    });
    let request = parse_request(&doc).expect("valid");
    let t = |s: &str| s.parse::<jiff::Timestamp>().expect("time");
    let full = plan(&request.history, request.as_of);
    assert_eq!(full.action, Action::RestActive);
    let first =
        pullback_core::Checkpoint::make(None, &request.history, t("2026-03-02T19:00:00Z"), t("2026-03-01T19:00:00Z"));
    let later = after(&request.history, t("2026-03-01T19:00:00Z"));
    let second =
        pullback_core::Checkpoint::make(Some(&first), &later, t("2026-03-02T20:00:00Z"), t("2026-03-01T20:00:00Z"));
    let resumed =
        pullback_core::plan_resumed(&second, &after(&request.history, t("2026-03-01T20:00:00Z")), request.as_of)
            .expect("not stale");
    assert_eq!(resumed, full);
}

/// A checkpoint covering the first half of a history with a known threshold still
/// gives the full replay's estimate: the rated sessions before it come from the
/// checkpoint, those after it from the history read after it.
#[test]
fn a_checkpoint_carries_the_rated_sessions_before_it() {
    let sessions: Vec<Value> = (0..24i64)
        .map(|i| {
            let load = [100, 110, 120, 130, 140, 150][usize::try_from(i % 6).expect("small")];
            let pain = if load > 130 { 6 } else { 2 };
            json!({ "at": time(i * 2 * 1440), "checkins": [{ "point": "during", "pain": 1 }, { "point": "after_24h", "pain": pain }],
                    "exercises": [{ "exercise": "deadlift", "sets": [{ "load": load, "reps": 5 }] }] })
        })
        .collect();
    let doc = json!({ "contract": "pullback.plan/v1", "as_of": time(50 * 1440),
                      "profile": { "units": "kg", "working_weight": 150 }, "sessions": sessions });
    let request = parse_request(&doc).expect("valid");
    let full = plan(&request.history, request.as_of);
    let estimate = full.tolerance.verdict.estimate().expect("an estimate");
    assert_eq!(estimate.load.value(), Decimal::from(130));
    assert_eq!((estimate.above.flared, estimate.above.sessions, full.tolerance.sessions), (8, 8, 24));

    let t = jiff::Timestamp::from_second(BASE + 25 * 86_400).expect("in range");
    let checkpoint = pullback_core::Checkpoint::make(None, &request.history, t, t);
    let resumed = pullback_core::plan_resumed(&checkpoint, &after(&request.history, t), request.as_of).expect("fresh");
    assert_eq!(resumed.tolerance, full.tolerance);
    assert_eq!(resumed, full);
}
