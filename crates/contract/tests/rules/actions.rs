//! Protocol section 5: the action and its precedence.

use crate::*;
use serde_json::json;

/// A normal-state lifter: one tolerated session at 100, W = 140.
fn normal() -> serde_json::Value {
    history(t(2, 12), kg(140.0), vec![ok(t(0, 10), 100.0)])
}

const URGENT: [&str; 3] = ["saddle_anesthesia", "bladder_bowel", "progressive_weakness"];
const DOCTOR: [&str; 5] = ["fever", "trauma", "cancer_history", "weight_loss", "night_pain"];

#[test]
fn each_cauda_equina_sign_means_urgent_care() {
    for field in URGENT {
        check_as(
            field,
            with(normal(), "screenings", json!([screening(t(1, 8), &[field])])),
            json!({
                "action": "urgent_care", "status": "normal",
                "prescription": [], "load_cap": null,
            }),
        );
    }
}

#[test]
fn each_red_flag_means_see_doctor() {
    for field in DOCTOR {
        check_as(
            field,
            with(normal(), "screenings", json!([screening(t(1, 8), &[field])])),
            json!({
                "action": "see_doctor", "status": "normal",
                "prescription": [], "load_cap": null,
            }),
        );
    }
}

#[test]
fn urgent_care_outranks_see_doctor() {
    check(
        with(normal(), "screenings", json!([screening(t(1, 8), &["fever", "bladder_bowel"])])),
        json!({ "action": "urgent_care", "prescription": [] }),
    );
}

#[test]
fn urgent_care_in_an_episode_prescribes_nothing() {
    let h = with(ladder(2), "screenings", json!([screening(t(4, 12), &["saddle_anesthesia"])]));
    check(h, json!({ "action": "urgent_care", "status": "episode", "prescription": [], "load_cap": null }));
}

#[test]
fn a_later_no_screening_clears_see_doctor() {
    let yes = screening(t(1, 8), &["fever"]);
    // absent fields count as no
    let no = json!({ "at": t(1, 20) });
    for (label, screenings) in
        [("in time order", json!([yes.clone(), no.clone()])), ("listed backwards", json!([no.clone(), yes.clone()]))]
    {
        check_as(
            label,
            with(normal(), "screenings", screenings),
            json!({ "action": "train", "prescription": own_program("deadlift"), "load_cap": 110 }),
        );
    }
}

#[test]
fn at_the_same_instant_the_later_listed_screening_wins() {
    let yes = screening(t(1, 8), &["trauma"]);
    let no = screening(t(1, 8), &[]);
    check_as("yes, no", with(normal(), "screenings", json!([yes.clone(), no.clone()])), json!({ "action": "train" }));
    check_as("no, yes", with(normal(), "screenings", json!([no, yes])), json!({ "action": "see_doctor" }));
}

#[test]
fn a_screening_later_than_as_of_does_not_exist() {
    check(with(normal(), "screenings", json!([screening(t(3, 8), &["bladder_bowel"])])), json!({ "action": "train" }));
}

#[test]
fn see_doctor_outranks_rest_active() {
    let squat = session_of(t(2, 10), "squat", sets(100.0, 3), cis(&[("during", 6)]));
    let h = history(t(2, 12), kg(140.0), vec![ok(t(0, 10), 100.0), squat]);
    let h = with(h, "screenings", json!([screening(t(1, 8), &["night_pain"])]));
    check(h, json!({ "action": "see_doctor", "prescription": [] }));
}

#[test]
fn rest_active_in_the_normal_state() {
    // Only a squat session (not counted, so no event), during 6 > 4.
    let squat = session_of(t(0, 10), "squat", sets(100.0, 3), cis(&[("during", 6)]));
    check(
        history(t(0, 12), kg(140.0), vec![squat]),
        json!({
            "action": "rest_active", "status": "normal", "rung": null, "transition": "none",
            "prescription": rung0(), "load_cap": null,
            "metrics": { "days_since_last_session": null },
        }),
    );
}

#[test]
fn rest_active_in_an_episode() {
    // after_24h 5 enters and is the latest check-in.
    check(
        history(t(1, 12), kg(140.0), vec![session(t(0, 10), 140.0, cis(&[("after_24h", 5)]))]),
        json!({
            "action": "rest_active", "status": "episode", "rung": 3,
            "prescription": rung0(), "load_cap": null,
        }),
    );
}

#[test]
fn train_in_the_normal_state_is_the_own_program_under_the_cap() {
    let profile = and(kg(140.0), "usual_variation", json!("sumo_deadlift"));
    let s = session_of(t(0, 10), "sumo_deadlift", sets(100.0, 3), cis(&[("after_24h", 0)]));
    check(
        history(t(1, 12), profile, vec![s]),
        json!({
            "action": "train", "status": "normal",
            "prescription": own_program("sumo_deadlift"),
            // 1.10 × 100 = 110
            "load_cap": 110,
        }),
    );
}

#[test]
fn no_cap_without_sessions() {
    check(
        history(t(1, 12), kg(140.0), vec![]),
        json!({
            "action": "train", "status": "normal", "transition": "none",
            "load_cap": null, "flags": [],
            "metrics": { "working_weight": 140, "days_since_last_session": null, "acwr": null },
        }),
    );
}

#[test]
fn train_in_an_episode_is_the_rung() {
    check(
        ladder(0),
        json!({
            "action": "train", "status": "episode", "rung": 3, "load_cap": null,
            "prescription": [ { "exercise": "deadlift", "load": 70, "unit": "kg",
                                "sets": 3, "reps": 5, "tempo": null, "block_height": null } ],
        }),
    );
}
