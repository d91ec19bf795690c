//! Protocol section 3: the prescription of every rung.

use crate::*;
use serde_json::json;

#[test]
fn rungs_3_to_11_with_w_140_kg() {
    // (tolerated sessions after entering, rung, load, tempo)
    let table = [
        (0, 3, 70.0, json!(null)),    // 50 % of 140 = 70
        (1, 4, 70.0, json!("3-0-3")), // 50 %
        (2, 5, 70.0, json!("3-1-3")), // 50 %
        (3, 6, 70.0, json!("5-0-5")), // 50 %
        (4, 7, 82.5, json!(null)),    // 60 % of 140 = 84 → 82.5
        (5, 8, 97.5, json!(null)),    // 70 % of 140 = 98 → 97.5
        (6, 9, 110.0, json!(null)),   // 80 % of 140 = 112 → 110
        (7, 10, 125.0, json!(null)),  // 90 % of 140 = 126 → 125
        (8, 11, 140.0, json!(null)),  // 100 % of 140 = 140
    ];
    for (n, rung, load, tempo) in table {
        let main = json!({ "exercise": "deadlift", "load": load, "unit": "kg",
                           "sets": 3, "reps": 5, "tempo": tempo, "block_height": null });
        // rungs 7–11: jefferson_curl 2 × 8 unloaded after the main lift
        let prescription = rung_prescription(rung, main);
        check_as(
            &format!("rung {rung}"),
            ladder(n),
            json!({
                "action": "train", "status": "episode", "rung": rung,
                "transition": if n == 0 { "enter" } else { "progress" },
                "prescription": prescription,
                "load_cap": null,
                "flags": [],
                "see_clinician": { "recommended": false, "reasons": [] },
            }),
        );
    }
}

#[test]
fn rung_2_is_sumo_with_the_empty_bar() {
    for (label, profile, load, unit) in [
        ("kg", kg(140.0), 20.0, "kg"),
        ("lb", lb(405.0), 45.0, "lb"),
        ("bar_weight 15", and(kg(140.0), "bar_weight", json!(15)), 15.0, "kg"),
    ] {
        check_as(
            label,
            descend(1, profile),
            json!({
                "rung": 2, "transition": "regress",
                "prescription": [ { "exercise": "sumo_deadlift", "load": load, "unit": unit,
                                    "sets": 3, "reps": 10, "tempo": null, "block_height": null } ],
            }),
        );
    }
}

#[test]
fn rung_1_is_the_kettlebell_sumo_deadlift() {
    for (label, profile, load) in [
        ("kg", kg(140.0), 16.0),
        ("lb", lb(405.0), 35.0),
        ("kettlebell_weight 24", and(kg(140.0), "kettlebell_weight", json!(24)), 24.0),
    ] {
        check_as(
            label,
            descend(2, profile),
            json!({
                "rung": 1, "block_height": null,
                "prescription": [ { "exercise": "kettlebell_sumo_deadlift", "load": load,
                                    "sets": 3, "reps": 10, "tempo": null } ],
            }),
        );
    }
}

#[test]
fn rung_0_is_bird_dog_then_unloaded_good_morning() {
    check(
        descend(3, kg(140.0)),
        json!({ "action": "train", "rung": 0, "block_height": null, "prescription": rung0() }),
    );
}

#[test]
fn the_ladder_loads_the_usual_variation() {
    let profile = and(kg(140.0), "usual_variation", json!("trap_bar_deadlift"));
    check(
        ladder_with(1, profile.clone()),
        json!({ "rung": 4, "prescription": [ { "exercise": "trap_bar_deadlift", "load": 70,
                                               "tempo": "3-0-3" } ] }),
    );
    // Rung 2 is sumo with the empty bar whatever the usual variation.
    check(descend(1, profile), json!({ "rung": 2, "prescription": [ { "exercise": "sumo_deadlift", "load": 20 } ] }));
    let sumo = and(kg(140.0), "usual_variation", json!("sumo_deadlift"));
    check(
        ladder_with(5, sumo),
        // 70 % of 140 = 98 → 97.5
        json!({ "rung": 8, "prescription": [
            { "exercise": "sumo_deadlift", "load": 97.5 },
            { "exercise": "jefferson_curl", "load": 0, "sets": 2, "reps": 8 } ] }),
    );
}
