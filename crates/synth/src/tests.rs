use super::*;

fn sessions(doc: &Value) -> &Vec<Value> {
    doc["sessions"].as_array().expect("sessions is an array")
}

fn total_sets(doc: &Value) -> usize {
    sessions(doc)
        .iter()
        .flat_map(|s| s["exercises"].as_array().expect("exercises"))
        .map(|e| e["sets"].as_array().expect("sets").len())
        .sum()
}

fn session_checkins(doc: &Value) -> usize {
    sessions(doc).iter().map(|s| s["checkins"].as_array().expect("checkins").len()).sum()
}

fn standalone(doc: &Value) -> usize {
    doc["checkins"].as_array().expect("checkins").len()
}

fn small() -> Spec {
    Spec { sessions: 150, sets_per_session: 12, standalone_checkins: 40, seed: 7 }
}

#[test]
fn same_spec_same_bytes() {
    let spec = Spec::default();
    let a = serde_json::to_string(&history(&spec)).expect("serialises");
    let b = serde_json::to_string(&history(&spec)).expect("serialises");
    assert_eq!(a, b);
}

#[test]
fn another_seed_another_history() {
    let a = history(&small());
    let b = history(&Spec { seed: 8, ..small() });
    assert_ne!(a, b);
}

#[test]
fn default_counts() {
    let doc = history(&Spec::default());
    assert_eq!(doc["contract"], CONTRACT);
    assert_eq!(doc["profile"]["units"], "kg");
    assert_eq!(sessions(&doc).len(), 2000);

    let sets = total_sets(&doc);
    assert!((58_800..=61_200).contains(&sets), "{sets} sets, expected about 60,000");

    assert_eq!(standalone(&doc), 400);
    let checkins = session_checkins(&doc) + standalone(&doc);
    assert!((7_500..=8_500).contains(&checkins), "{checkins} check-ins, expected about 8,000");

    let screenings = doc["screenings"].as_array().expect("screenings");
    assert!(!screenings.is_empty());
    for s in screenings {
        for (key, value) in s.as_object().expect("object") {
            if key != "at" {
                assert_eq!(value, &Value::Bool(false), "{key}");
            }
        }
    }
    assert!(!doc["symmetry_tests"].as_array().expect("tests").is_empty());
}

#[test]
fn spans_about_ten_years() {
    let doc = history(&Spec::default());
    let all = sessions(&doc);
    let first: Timestamp = all[0]["at"].as_str().expect("at").parse().expect("time");
    let last: Timestamp = all[all.len() - 1]["at"].as_str().expect("at").parse().expect("time");
    let years = (last.as_second() - first.as_second()) as f64 / (365.25 * 86_400.0);
    assert!((8.5..=12.0).contains(&years), "{years} years");
    let as_of: Timestamp = doc["as_of"].as_str().expect("as_of").parse().expect("time");
    assert_eq!(as_of.as_second() - last.as_second(), DAY + HOUR);
}

#[test]
fn scales_with_the_spec() {
    let spec = small();
    let doc = history(&spec);
    assert_eq!(sessions(&doc).len(), 150);
    assert_eq!(standalone(&doc), 40);
    let sets = total_sets(&doc);
    assert!((1_650..=1_950).contains(&sets), "{sets}");
    assert_eq!(sessions(&history(&Spec::for_sessions(1000))).len(), 1000);
}

#[test]
fn empty_spec_is_a_valid_document() {
    let doc = history(&Spec { sessions: 0, sets_per_session: 0, standalone_checkins: 10, seed: 1 });
    assert!(sessions(&doc).is_empty());
    assert_eq!(standalone(&doc), 0);
    assert!(doc["as_of"].is_string());
}

/// Visits every string stored under a key `at` or `as_of`.
fn times<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "at" || key == "as_of" {
                    out.push(v.as_str().expect("a time is a string"));
                } else {
                    times(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| times(v, out)),
        _ => {}
    }
}

#[test]
fn every_time_is_rfc3339_utc_and_sessions_are_in_order() {
    let doc = history(&Spec::default());
    let mut all = Vec::new();
    times(&doc, &mut all);
    assert!(all.len() > 2000);
    for t in &all {
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.ends_with('Z'), "{t}");
        assert_eq!(&t[10..11], "T", "{t}");
        let parsed: Timestamp = t.parse().expect("RFC 3339");
        assert_eq!(&parsed.to_string(), t);
    }

    let at = |v: &Value| -> Timestamp { v["at"].as_str().expect("at").parse().expect("time") };
    let session_times: Vec<Timestamp> = sessions(&doc).iter().map(at).collect();
    assert!(session_times.windows(2).all(|w| w[0] < w[1]));
    let standalone_times: Vec<Timestamp> = doc["checkins"].as_array().expect("checkins").iter().map(at).collect();
    assert!(standalone_times.windows(2).all(|w| w[0] <= w[1]));
    let as_of: Timestamp = doc["as_of"].as_str().expect("as_of").parse().expect("time");
    assert!(all.iter().all(|t| t.parse::<Timestamp>().expect("time") <= as_of));
}

#[test]
fn values_are_inside_the_contract() {
    let doc = history(&Spec::default());
    let mut warmups = 0;
    let mut rpes = 0;
    let mut tempos = 0;
    let mut blocks = 0;
    let mut names = std::collections::BTreeSet::new();
    for s in sessions(&doc) {
        for e in s["exercises"].as_array().expect("exercises") {
            names.insert(e["exercise"].as_str().expect("name").to_owned());
            if let Some(t) = e.get("tempo").and_then(Value::as_str) {
                let parts: Vec<&str> = t.split('-').collect();
                assert_eq!(parts.len(), 3, "{t}");
                assert!(parts.iter().all(|p| p.len() == 1 && p.as_bytes()[0].is_ascii_digit()));
                tempos += 1;
            }
            if let Some(h) = e.get("block_height").and_then(Value::as_f64) {
                assert!(h > 0.0 && h <= 20.0);
                blocks += 1;
            }
            for set in e["sets"].as_array().expect("sets") {
                assert!(set["load"].as_f64().expect("load") >= 0.0);
                assert!(set["reps"].as_u64().is_some());
                if set.get("warmup") == Some(&Value::Bool(true)) {
                    warmups += 1;
                }
                if let Some(rpe) = set.get("rpe") {
                    let rpe = rpe.as_f64().expect("rpe");
                    assert!((6.0..=10.0).contains(&rpe) && (rpe * 2.0).fract() == 0.0);
                    rpes += 1;
                }
            }
        }
        for c in s["checkins"].as_array().expect("checkins") {
            let pain = c["pain"].as_u64().expect("integer pain");
            assert!(pain <= 6);
        }
    }
    for name in ["deadlift", "sumo_deadlift", "romanian_deadlift", "good_morning", "squat", "bench_press"] {
        assert!(names.contains(name), "no {name}");
    }
    assert!(warmups > 1000 && rpes > 1000 && tempos > 20 && blocks > 20);
}

/// A rough replay of protocol section 4 (no blocks, layoffs or time windows),
/// enough to see that the history goes through episodes and back.
#[test]
fn goes_through_episodes_and_back() {
    let doc = history(&Spec::default());
    let counted = [
        "deadlift",
        "sumo_deadlift",
        "trap_bar_deadlift",
        "romanian_deadlift",
        "kettlebell_sumo_deadlift",
        "good_morning",
        "bird_dog",
    ];
    let mut rung: Option<u32> = None;
    let (mut enters, mut regresses, mut progresses, mut holds, mut resolves) = (0, 0, 0, 0, 0);
    let mut sore: Vec<bool> = Vec::new();
    for s in sessions(&doc) {
        let counts = s["exercises"]
            .as_array()
            .expect("exercises")
            .iter()
            .any(|e| counted.contains(&e["exercise"].as_str().expect("name")));
        if !counts {
            continue;
        }
        let mut pains = std::collections::BTreeMap::new();
        for c in s["checkins"].as_array().expect("checkins") {
            pains.insert(c["point"].as_str().expect("point").to_owned(), c["pain"].as_u64().expect("pain"));
        }
        let get = |p: &str| pains.get(p).copied();
        let after = get("after_24h");
        match rung {
            None => {
                let flare = pains.values().any(|&p| p > 4);
                if let Some(a) = after.filter(|_| !flare) {
                    sore.push(a >= 2);
                }
                let pattern = sore.iter().rev().take(4).filter(|&&x| x).count() >= 3;
                if flare || (after.is_some() && pattern) {
                    rung = Some(3);
                    enters += 1;
                    sore.clear();
                }
            }
            Some(r) => {
                let baseline = get("before").unwrap_or(0);
                let flare = ["during", "after_1h", "after_24h"].iter().any(|p| get(p).is_some_and(|x| x > 4))
                    || after.is_some_and(|a| a >= baseline + 2);
                if flare {
                    rung = Some(r.saturating_sub(1));
                    regresses += 1;
                } else if after.is_none() {
                    holds += 1;
                } else if r == 11 {
                    rung = None;
                    resolves += 1;
                } else {
                    rung = Some(r + 1);
                    progresses += 1;
                }
            }
        }
    }
    assert!(enters >= 10, "{enters} enters");
    assert!(resolves >= 5, "{resolves} resolves");
    assert!(regresses >= 10, "{regresses} regresses");
    assert!(progresses >= 50, "{progresses} progresses");
    assert!(holds >= 5, "{holds} holds");
}
