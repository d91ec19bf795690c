//! FHIR R4 export of pain scores: a `Bundle` (type `collection`) of `Observation`s,
//! one per pain check-in, coded with LOINC 72514-3 "Pain severity - 0-10 verbal
//! numeric rating [Score] - Reported", so that a clinician's system can take them.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use pullback_core::{History, Point};
use serde_json::{Value, json};

/// The LOINC code of the 0–10 pain severity score.
pub const LOINC_PAIN_SEVERITY: &str = "72514-3";
const LOINC_DISPLAY: &str = "Pain severity - 0-10 verbal numeric rating [Score] - Reported";

/// Who the observations are about, and how to name the sessions.
#[derive(Debug, Clone, Copy)]
pub struct FhirSubject<'a> {
    /// The lifter's name, as the subject's display.
    pub name: &'a str,
    /// Session ids as the lifter sees them, parallel to `history.sessions`.
    pub session_ids: &'a [String],
    /// Times are written with this zone's offset.
    pub time_zone: &'a TimeZone,
}

/// The Bundle of pain Observations of `history`, at `as_of` (its timestamp).
/// Check-ins later than `as_of` are left out, as they are for a plan.
pub fn fhir_bundle(history: &History, as_of: Timestamp, subject: &FhirSubject<'_>) -> Value {
    let mut entries = Vec::new();
    for (i, session) in history.sessions.iter().enumerate() {
        let session_id = subject.session_ids.get(i).cloned().unwrap_or_else(|| (i + 1).to_string());
        for c in &session.checkins {
            let at = c.at.unwrap_or_else(|| session.at.checked_add(c.point.default_offset()).unwrap_or(session.at));
            if at > as_of || session.at > as_of {
                continue;
            }
            let mut components = vec![text_component("check-in point", c.point.id())];
            components.push(text_component("session", &format!("{session_id} at {}", time(session.at, subject))));
            if let Some(side) = c.side {
                components.push(text_component("side", side.id()));
            }
            if c.point == Point::During && c.bottom_only {
                components.push(json!({ "code": { "text": "only at the bottom of the pull" }, "valueBoolean": true }));
            }
            let note = format!("{} the deadlift session {session_id}", point_words(c.point));
            let id = format!("pain-s{session_id}-{}", c.point.id().replace('_', "-"));
            entries.push(observation(&id, at, c.pain.value(), components, &note, subject));
        }
    }
    for (i, c) in history.checkins.iter().enumerate().filter(|(_, c)| c.at <= as_of) {
        let mut components = vec![text_component("check-in point", "standalone")];
        if let Some(side) = c.side {
            components.push(text_component("side", side.id()));
        }
        let id = format!("pain-c{}", i + 1);
        entries.push(observation(&id, c.at, c.pain.value(), components, "Standalone check-in", subject));
    }
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": time(as_of, subject),
        "entry": entries,
    })
}

fn observation(
    id: &str,
    at: Timestamp,
    pain: u8,
    components: Vec<Value>,
    note: &str,
    subject: &FhirSubject<'_>,
) -> Value {
    json!({
        "fullUrl": format!("urn:pullback:observation:{id}"),
        "resource": {
            "resourceType": "Observation",
            "id": id,
            "status": "final",
            "category": [{ "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey",
                "display": "Survey"
            }] }],
            "code": {
                "coding": [{ "system": "http://loinc.org", "code": LOINC_PAIN_SEVERITY, "display": LOINC_DISPLAY }],
                "text": "Pain severity 0-10"
            },
            "subject": { "display": subject.name },
            "effectiveDateTime": time(at, subject),
            "valueInteger": pain,
            "component": components,
            "note": [{ "text": note }]
        }
    })
}

fn text_component(what: &str, value: &str) -> Value {
    json!({ "code": { "text": what }, "valueString": value })
}

/// A FHIR dateTime with seconds and the zone's offset.
fn time(t: Timestamp, subject: &FhirSubject<'_>) -> String {
    t.to_zoned(subject.time_zone.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

fn point_words(point: Point) -> &'static str {
    match point {
        Point::Before => "Before",
        Point::During => "During",
        Point::After1h => "1 h after",
        Point::After24h => "24 h after",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The R4 rules that can be checked offline for this Bundle: the required
    /// elements and their types and value sets (Bundle.type, Observation.status,
    /// code.coding, effective[x] as dateTime, value[x] as integer, components with
    /// a code and one value[x]), and the ids' and dateTimes' formats.
    fn check_r4(bundle: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        let mut need = |ok: bool, what: String| {
            if !ok {
                problems.push(what);
            }
        };
        need(bundle["resourceType"] == "Bundle", "Bundle.resourceType".into());
        need(
            [
                "document",
                "message",
                "transaction",
                "transaction-response",
                "batch",
                "batch-response",
                "history",
                "searchset",
                "collection",
            ]
            .contains(&bundle["type"].as_str().unwrap_or("")),
            "Bundle.type".into(),
        );
        let date_time = |v: &Value| {
            v.as_str().is_some_and(|s| {
                s.len() == 25
                    && s.as_bytes()[10] == b'T'
                    && (s.ends_with("+00:00") || s.as_bytes()[19] == b'+' || s.as_bytes()[19] == b'-')
            })
        };
        need(date_time(&bundle["timestamp"]), "Bundle.timestamp is an instant".into());
        for (i, entry) in bundle["entry"].as_array().into_iter().flatten().enumerate() {
            let r = &entry["resource"];
            let at = |field: &str| format!("entry[{i}].{field}");
            need(entry["fullUrl"].as_str().is_some_and(|u| u.contains(':')), at("fullUrl is a URI"));
            need(r["resourceType"] == "Observation", at("resourceType"));
            let id = r["id"].as_str().unwrap_or("");
            need(
                !id.is_empty()
                    && id.len() <= 64
                    && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
                at("id matches [A-Za-z0-9\\-\\.]{1,64}"),
            );
            need(
                [
                    "registered",
                    "preliminary",
                    "final",
                    "amended",
                    "corrected",
                    "cancelled",
                    "entered-in-error",
                    "unknown",
                ]
                .contains(&r["status"].as_str().unwrap_or("")),
                at("status"),
            );
            let coding = &r["code"]["coding"][0];
            need(coding["system"] == "http://loinc.org" && coding["code"] == LOINC_PAIN_SEVERITY, at("code"));
            need(date_time(&r["effectiveDateTime"]), at("effectiveDateTime"));
            need(r["valueInteger"].as_i64().is_some_and(|v| (0..=10).contains(&v)), at("valueInteger"));
            for (j, c) in r["component"].as_array().into_iter().flatten().enumerate() {
                need(c["code"]["text"].is_string(), at(&format!("component[{j}].code")));
                let values = c.as_object().map_or(0, |o| o.keys().filter(|k| k.starts_with("value")).count());
                need(values == 1, at(&format!("component[{j}].value[x]")));
            }
        }
        problems
    }

    #[test]
    fn one_valid_observation_per_pain_check_in() {
        let doc = serde_json::json!({
            "contract": "pullback.plan/v1", "as_of": "2026-03-02T07:00:00Z",
            "profile": { "units": "kg", "time_zone": "Europe/Oslo" },
            "sessions": [{ "at": "2026-02-20T18:00:00Z",
                "exercises": [{ "exercise": "deadlift", "sets": [{ "load": 140, "reps": 5 }] }],
                "checkins": [{ "point": "during", "pain": 3, "bottom_only": true },
                             { "point": "after_24h", "pain": 5, "side": "left" },
                             { "point": "after_1h", "pain": 9, "at": "2026-03-05T00:00:00Z" }] }],
            "checkins": [{ "at": "2026-02-23T09:00:00Z", "pain": 3 }]
        });
        let request = crate::parse_request(&doc).expect("valid");
        let tz = TimeZone::get("Europe/Oslo").expect("zone");
        let subject = FhirSubject { name: "ana", session_ids: &["12".to_string()], time_zone: &tz };
        let bundle = fhir_bundle(&request.history, request.as_of, &subject);
        assert_eq!(check_r4(&bundle), Vec::<String>::new());
        let entries = bundle["entry"].as_array().expect("entries");
        // The 1 h check-in is later than as_of: not there yet.
        assert_eq!(entries.len(), 3);
        let after_24h = &entries[1]["resource"];
        assert_eq!(after_24h["valueInteger"], 5);
        assert_eq!(after_24h["effectiveDateTime"], "2026-02-21T19:00:00+01:00");
        assert_eq!(after_24h["component"][0]["valueString"], "after_24h");
        assert_eq!(after_24h["component"][1]["valueString"], "12 at 2026-02-20T19:00:00+01:00");
        assert_eq!(after_24h["component"][2]["valueString"], "left");
        assert_eq!(entries[0]["resource"]["component"][2]["valueBoolean"], true);
        assert_eq!(entries[2]["resource"]["component"][0]["valueString"], "standalone");
    }

    #[test]
    fn the_checks_catch_a_broken_observation() {
        let mut bundle = json!({ "resourceType": "Bundle", "type": "collection", "timestamp": "2026-03-02T08:00:00+01:00",
            "entry": [{ "fullUrl": "urn:x:1", "resource": { "resourceType": "Observation", "id": "p 1", "status": "done",
                "code": { "coding": [{ "system": "http://loinc.org", "code": "72514-3" }] },
                "effectiveDateTime": "yesterday", "valueInteger": 11 } }] });
        assert_eq!(check_r4(&bundle).len(), 4);
        bundle["type"] = json!("pile");
        assert_eq!(check_r4(&bundle).len(), 5);
    }
}
