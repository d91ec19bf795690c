//! The clinician's private notes on a lifter: the lifter's log says one was added,
//! never what it says.

use super::{Data, moment};
use super::{View, audit, problem_for, saved};
use crate::auth::Patient;
use crate::csrf::{CsrfToken, Form};
use crate::error::{FieldProblem, PageError};
use crate::pages::csrf_field;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};
use pullback_store::StoreError;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct NoteFields {
    #[serde(default)]
    text: String,
}

/// `POST /clinic/lifters/{lifter}/notes`: a private note. The lifter's log records
/// that a note was added, never its text.
pub async fn add(
    State(state): State<AppState>,
    patient: Patient,
    token: CsrfToken,
    Form(sent): Form<NoteFields>,
) -> Result<Response, PageError> {
    let text = sent.text.trim();
    let refusal = if text.is_empty() {
        Some("text: write the note first".to_owned())
    } else {
        match state.store.add_note(patient.lifter.id, patient.clinician.id, text, state.now()).await {
            Ok(_) => None,
            Err(StoreError::Invalid(why)) => Some(format!("text: {why}")),
            Err(e) => return Err(e.into()),
        }
    };
    if let Some(message) = refusal {
        let mut view = View::new(&patient, &token);
        view.note_problems = vec![FieldProblem { field: "text".into(), message }];
        view.note_sent = sent.text;
        return view.refused(&state).await;
    }
    let entry = audit(&patient, "note_added", "a private note (only its author can read it)".to_owned(), state.now());
    state.store.record_audit(&entry).await?;
    Ok(saved(&patient, "note", "notes"))
}

impl View<'_> {
    pub(super) fn notes_section(&self, data: &Data, here: &str) -> Markup {
        let problem = problem_for(&self.note_problems, "text");
        html! {
            section.clinic-notes #notes aria-labelledby="notes-title" {
                h2 #notes-title { "Your private notes" }
                p.hint { "Only you can read these: not the lifter, not their other clinicians. The lifter's log \
                    says that you added a note, never what it says." }
                @if data.notes.is_empty() {
                    p.muted { "No notes yet." }
                } @else {
                    ol.plain.notes {
                        @for note in &data.notes {
                            li {
                                time datetime=(note.created_at.to_string()) { (moment(note.created_at, data.zone())) }
                                p.note-text { (note.text) }
                            }
                        }
                    }
                }
                form.stack method="post" action=(format!("{here}/notes")) {
                    (csrf_field(self.token))
                    label {
                        "New note"
                        textarea name="text" id="text" rows="4" maxlength="10000" required
                            aria-invalid=[problem.map(|_| "true")] { (self.note_sent) }
                        @if let Some(problem) = problem { span.problem role="alert" { (problem) } }
                    }
                    button type="submit" { "Add the note" }
                }
            }
        }
    }
}
