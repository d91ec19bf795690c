//! The `pullback.plan/v1` contract: the JSON that `pullback plan`, the web API and
//! the export speak.
//!
//! JSON field names live only here. [`parse_request`] turns an input document into
//! valid core types, reporting every problem by JSON pointer; [`render`] turns a
//! decision back into the output document.
//!
//! ```
//! let input = serde_json::json!({
//!     "contract": "pullback.plan/v1",
//!     "as_of": "2026-03-02T07:00:00Z",
//!     "profile": { "units": "kg", "working_weight": 140 }
//! });
//! let output = pullback_contract::plan_value(&input).unwrap();
//! assert_eq!(output["action"], "train");
//! ```

mod event;
mod export;
mod fhir;
mod parse;
mod raw;
mod read;
mod render;
mod request;
mod summary;
mod write;

pub use event::{read_checkin, read_screening, read_session, read_session_checkin, read_symmetry_test};
pub use export::{EXPORT_VERSION, ExportEnvelope, NotAnExport, add_export_envelope, check_export_envelope};
pub use fhir::{FhirSubject, LOINC_PAIN_SEVERITY, fhir_bundle};
pub use parse::{parse_protocol, parse_request, parse_request_str};
pub use read::parse_time;
pub use render::{DISCLAIMER, PlanOutput, PrescribedOut, ShareOut, ToleranceOut, format_time, render};
pub use request::{
    CheckinAnswers, CheckinOf, ListedSession, Lister, PostedCheckin, PostedScreening, PostedSession,
    PostedSymmetryTest, SessionChange, StoredCheckin, StoredEntries, json_kind, read_checkin_change,
    read_posted_checkin, read_posted_screening, read_posted_session, read_posted_symmetry_test, read_screening_change,
    read_session_change, read_symmetry_change,
};
pub use summary::{
    headline, ladder_words, line as prescribed_line, plain_headline, plates_note, summary, summary_with,
};
pub use write::{WriteOptions, decimal_number, history_document, protocol_object};

use serde_json::Value;

/// The contract name every input document must carry.
pub const CONTRACT: &str = "pullback.plan/v1";

/// One problem with an input document, named by JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer of the offending field, e.g. `/sessions/0/checkins/2/pain`.
    pub pointer: String,
    /// What is wrong, e.g. `11 is outside 0..=10`.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pointer = if self.pointer.is_empty() { "(document)" } else { &self.pointer };
        write!(f, "{pointer}: {}", self.message)
    }
}

/// A valid history and the instant to decide at.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub history: pullback_core::History,
    pub as_of: jiff::Timestamp,
}

/// Parses, plans and renders.
pub fn plan_output(input: &Value) -> Result<PlanOutput, Vec<Problem>> {
    let request = parse_request(input)?;
    Ok(render(&pullback_core::plan(&request.history, request.as_of)))
}

/// Parses JSON text, plans and renders: the fast path for files and request bodies.
/// A syntax error is one problem at the document root.
pub fn plan_output_str(input: &str) -> Result<PlanOutput, Vec<Problem>> {
    let request = parse_request_str(input)?;
    Ok(render(&pullback_core::plan(&request.history, request.as_of)))
}

/// Runs the whole contract: parse a history document, plan, render the decision.
pub fn plan_value(input: &Value) -> Result<Value, Vec<Problem>> {
    let output = plan_output(input)?;
    Ok(serde_json::to_value(output).unwrap_or(Value::Null))
}
