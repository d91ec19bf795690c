//! What a re-import changes in the sets a lifter imported before (both backends):
//! the sets a file has again (the same [`KeyedSession::set_keys`]) are brought in
//! line with how this import reads them.
//!
//! - **Names.** An exercise entry whose name this import's mapping decides
//!   ([`KeyedSession::decided`]) takes that name and block height: a mapping given
//!   on a later import re-maps the sets imported before, without `--replace`. A
//!   name the mapping does not know leaves the entry as it is, so a re-import
//!   without the mapping file undoes nothing.
//! - **Loads.** A set whose load this import reads otherwise takes the new load:
//!   the file read again in the unit the lifter now names (`--units`) corrects the
//!   sets read in the wrong unit before.
//! - **Notes.** A workout, entry or set without a note gets the file's (imports
//!   before notes were kept dropped them). A note already there is kept.

use crate::model::{KeyedSession, WorkoutCounts};
use pullback_core::Note;
use std::collections::{HashMap, HashSet};

/// A stored set of an imported workout, by its import key.
#[derive(Debug, Clone)]
pub(crate) struct StoredSet {
    pub exercise_id: i64,
    pub position: i64,
    /// As stored (`Load`'s text).
    pub load: String,
    pub has_note: bool,
}

/// A stored exercise entry of an imported workout.
#[derive(Debug, Clone)]
pub(crate) struct StoredEntry {
    pub exercise: String,
    /// As stored (`BlockHeight`'s text).
    pub block_height: Option<String>,
    pub has_note: bool,
}

/// What is stored of one imported workout.
#[derive(Debug, Clone, Default)]
pub(crate) struct StoredWorkout {
    pub sets: HashMap<u128, StoredSet>,
    pub entries: HashMap<i64, StoredEntry>,
    pub has_note: bool,
}

/// The updates that bring a stored workout in line with a re-import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    /// Entry id, new exercise name, new block height.
    pub entries: Vec<(i64, String, Option<String>)>,
    /// Exercise entry id, set position, new load.
    pub loads: Vec<(i64, i64, String)>,
    /// Exercise entry id, set position, note.
    pub set_notes: Vec<(i64, i64, String)>,
    /// Entry id, note.
    pub entry_notes: Vec<(i64, String)>,
    pub session_note: Option<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// The changes `incoming` makes to `stored` (see the module), counted in `counts`.
pub(crate) fn changes(stored: &StoredWorkout, incoming: &KeyedSession, counts: &mut WorkoutCounts) -> Changes {
    let mut out = Changes::default();
    let mut renamed: HashSet<i64> = HashSet::new();
    let mut noted: HashSet<i64> = HashSet::new();
    let mut keys = incoming.set_keys.iter();
    for (index, e) in incoming.exercises.iter().enumerate() {
        let decided = incoming.decided.get(index).copied().unwrap_or(false);
        let name = e.exercise.as_str();
        let block = e.block_height.map(|h| h.value().to_string());
        for (set, key) in e.sets.iter().zip(&mut keys) {
            let Some(known) = stored.sets.get(key) else { continue };
            let Some(entry) = stored.entries.get(&known.exercise_id) else { continue };
            if decided && (entry.exercise != name || entry.block_height != block) {
                *counts.remapped.entry((entry.exercise.clone(), name.to_owned())).or_default() += 1;
                if renamed.insert(known.exercise_id) {
                    out.entries.push((known.exercise_id, name.to_owned(), block.clone()));
                }
            }
            let load = set.load.to_string();
            if known.load != load {
                counts.reloaded += 1;
                out.loads.push((known.exercise_id, known.position, load));
            }
            if let (false, Some(note)) = (known.has_note, &set.note) {
                counts.notes_added += 1;
                out.set_notes.push((known.exercise_id, known.position, note.as_str().to_owned()));
            }
            if let (false, Some(note)) = (entry.has_note, &e.note)
                && noted.insert(known.exercise_id)
            {
                counts.notes_added += 1;
                out.entry_notes.push((known.exercise_id, note.as_str().to_owned()));
            }
        }
    }
    if !stored.has_note && !stored.sets.is_empty() {
        out.session_note = incoming.note.as_ref().map(|n: &Note| n.as_str().to_owned());
        counts.notes_added += usize::from(out.session_note.is_some());
    }
    out
}
