//! Issue 14.3: the notes of each app are kept with the workout, the exercise or
//! the set, and counted in the report.

use crate::{fixture, options};
use pullback_import::{Note, NotesKept, Parsed, Units, read};

fn note(n: &Option<Note>) -> Option<&str> {
    n.as_ref().map(Note::as_str)
}

fn read_fixture(name: &str) -> Parsed {
    read(fixture(name).as_bytes(), &options(Units::Kg, "UTC")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn hevy_descriptions_are_the_workouts_and_exercise_notes_the_exercises() {
    let parsed = read_fixture("hevy_notes.csv");
    assert_eq!(parsed.report.notes, NotesKept { sessions: 2, exercises: 1, sets: 0 });
    let pull = parsed.sessions.iter().find(|s| s.id.contains("2026-01-14")).expect("the 14 Jan workout");
    assert_eq!(note(&pull.note), Some("Slept badly, kept it light"));
    assert_eq!(note(&pull.exercises[0].note), Some("Mixed grip on the top set"));
    assert!(pull.exercises[0].sets.iter().all(|s| s.note.is_none()), "the exercise's note is not each set's");
}

#[test]
fn fitnotes_comments_are_the_sets() {
    let parsed = read_fixture("fitnotes_comments.csv");
    assert_eq!(parsed.report.notes, NotesKept { sessions: 0, exercises: 0, sets: 1 });
    let deadlift = &parsed.sessions[0].exercises[0];
    assert_eq!(note(&deadlift.sets[1].note), Some("left hip tight, stopped there"));
    assert_eq!(note(&deadlift.sets[0].note), None);
}

#[test]
fn strong_workout_notes_note_rows_and_set_notes() {
    let parsed = read_fixture("strong_translated_zh.csv");
    let session = &parsed.sessions[0];
    assert_eq!(note(&session.note), Some("状态不错"));
    assert_eq!(note(&session.exercises[0].sets[2].note), Some("握力不够"));
    assert_eq!(parsed.report.notes, NotesKept { sessions: 1, exercises: 0, sets: 1 });
}

#[test]
fn a_note_of_any_length_is_kept_cut_to_2000_characters() {
    let long = "a".repeat(2500);
    let csv = format!(
        "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n\
         2022-10-04,Deadlift,Back,140.0,kgs,3,,,,{long}\n"
    );
    let parsed = read(csv.as_bytes(), &options(Units::Kg, "UTC")).unwrap();
    let kept = note(&parsed.sessions[0].exercises[0].sets[0].note).unwrap_or_default();
    assert_eq!(kept.chars().count(), 2000);
    assert!(kept.ends_with('…'));
}
