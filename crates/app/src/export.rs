//! A lifter's log as files: the plan document, the full JSON export, one CSV row
//! per set, and a FHIR R4 bundle of pain scores.

use jiff::Timestamp;
use jiff::tz::Offset;
use pullback_contract::{ExportEnvelope, WriteOptions, add_export_envelope, history_document};
use pullback_core::Note;
use pullback_store::{StoredHistory, StoredProfile};
use serde_json::Value;
use std::io::Write;

/// The columns of `pullback export --format csv`, one row per set, in log order:
///
/// - `session_id`: the stored id, as `pullback history` and `pullback checkin --session` use it;
/// - `session_at`: the session's time, RFC 3339 with the offset it was logged in;
/// - `exercise`: `deadlift`, `sumo_deadlift`, …, or the name of another exercise;
/// - `exercise_index`, `set_index`: positions in the session and in the exercise, from 1;
/// - `load`: in `unit` (`kg` or `lb`), 0 for bodyweight; `reps`;
/// - `rpe`: 6–10 in halves, empty when not logged; `warmup`: `true` or `false`;
/// - `tempo`: `E-P-C` like `3-1-3`, empty when none;
/// - `block_height`: in cm (kg profiles) or inches (lb profiles), empty when none;
/// - `session_note`, `exercise_note`, `set_note`: the lifter's notes (imported
///   from another app, or sent with the session), empty when none; a session's and
///   an exercise's note repeat on each of their rows.
///
/// Sessions without sets (and check-ins, screenings, symmetry tests) have no rows:
/// use `--format json` for everything.
pub const CSV_HEADER: [&str; 15] = [
    "session_id",
    "session_at",
    "exercise",
    "exercise_index",
    "set_index",
    "load",
    "unit",
    "reps",
    "rpe",
    "warmup",
    "tempo",
    "block_height",
    "session_note",
    "exercise_note",
    "set_note",
];

/// The stored history as a plan document at `now`: sessions keep the offset they
/// were logged in and carry their id (the imported file's, else the stored one).
/// `pullback plan --input` on it gives the same decision as the stored plan.
pub fn plan_document(now: Timestamp, stored: &StoredHistory, profile: &StoredProfile) -> Value {
    let mut history = stored.history.clone();
    for (session, id) in history.sessions.iter_mut().zip(&stored.session_ids) {
        session.id.get_or_insert_with(|| id.to_string());
    }
    let options = WriteOptions {
        time_zone: Some(&profile.time_zone_name),
        overrides: Some(&profile.overrides),
        session_offsets: &stored.session_offsets,
    };
    history_document(&history, now, &options)
}

/// Everything about the lifter: the plan document plus a `pullback_export` object
/// (version, user name, plates, stored session ids), which `pullback import` reads back.
pub fn full_document(now: Timestamp, user_name: &str, stored: &StoredHistory, profile: &StoredProfile) -> Value {
    let mut doc = plan_document(now, stored, profile);
    let session_ids: Vec<i64> = stored.session_ids.iter().map(|id| id.0).collect();
    let envelope = ExportEnvelope { user: user_name, plates: profile.plates.as_deref(), session_ids: &session_ids };
    add_export_envelope(&mut doc, &envelope);
    doc
}

/// One row per set under [`CSV_HEADER`], in log order.
pub fn write_csv(out: impl Write, stored: &StoredHistory, profile: &StoredProfile) -> csv::Result<()> {
    let unit = profile.profile.units.load_symbol();
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    let sessions = stored.history.sessions.iter().zip(&stored.session_ids).zip(&stored.session_offsets);
    for ((session, id), offset) in sessions {
        let at = if *offset == Offset::UTC {
            session.at.to_string()
        } else {
            session.at.display_with_offset(*offset).to_string()
        };
        for (ei, exercise) in session.exercises.iter().enumerate() {
            let tempo = exercise.tempo.map(|t| t.to_string()).unwrap_or_default();
            let block = exercise.block_height.map(|h| h.value().normalize().to_string()).unwrap_or_default();
            for (si, set) in exercise.sets.iter().enumerate() {
                w.write_record([
                    id.to_string().as_str(),
                    &at,
                    exercise.exercise.as_str(),
                    &(ei + 1).to_string(),
                    &(si + 1).to_string(),
                    &set.load.value().normalize().to_string(),
                    unit,
                    &set.reps.value().to_string(),
                    &set.rpe.map(|r| r.value().normalize().to_string()).unwrap_or_default(),
                    if set.warmup { "true" } else { "false" },
                    &tempo,
                    &block,
                    note(session.note.as_ref()),
                    note(exercise.note.as_ref()),
                    note(set.note.as_ref()),
                ])?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

fn note(note: Option<&Note>) -> &str {
    note.map_or("", Note::as_str)
}

/// The FHIR R4 bundle of the lifter's pain check-ins (see [`pullback_contract::fhir_bundle`]).
pub fn fhir_document(now: Timestamp, user_name: &str, stored: &StoredHistory) -> Value {
    let ids: Vec<String> = stored.session_ids.iter().map(ToString::to_string).collect();
    let zone = &stored.history.profile.time_zone;
    let subject = pullback_contract::FhirSubject { name: user_name, session_ids: &ids, time_zone: zone };
    pullback_contract::fhir_bundle(&stored.history, now, &subject)
}
