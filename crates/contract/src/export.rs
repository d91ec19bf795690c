//! The `pullback_export` object of a full export: the plan document plus what only
//! Pullback reads back (the format's version, the user, the plates, the stored
//! session ids), written by `pullback export --format json` and the web's
//! download, and checked by `pullback import --format json`.

use crate::write::decimal_number;
use pullback_core::Load;
use serde_json::{Value, json};

/// The field of the export object in the document.
const FIELD: &str = "pullback_export";
/// The export format this Pullback writes and reads.
pub const EXPORT_VERSION: i64 = 1;

/// What a full export adds to the plan document.
#[derive(Debug, Clone, Copy)]
pub struct ExportEnvelope<'a> {
    pub user: &'a str,
    /// The lifter's plates, heaviest first; `None` for the unit's usual plates.
    pub plates: Option<&'a [Load]>,
    /// The stored ids of the document's sessions, in its order.
    pub session_ids: &'a [i64],
}

/// Adds the export object to a plan document (an object; anything else is left alone).
pub fn add_export_envelope(document: &mut Value, envelope: &ExportEnvelope<'_>) {
    if let Some(fields) = document.as_object_mut() {
        let plates = envelope.plates.map(|plates| plates.iter().map(|p| decimal_number(p.value())).collect::<Vec<_>>());
        fields.insert(
            FIELD.to_owned(),
            json!({
                "version": EXPORT_VERSION,
                "user": envelope.user,
                "plates": plates,
                "session_ids": envelope.session_ids,
            }),
        );
    }
}

/// Why a document is not a full export this Pullback reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAnExport {
    /// No export object: a plan document (its pointer, `/pullback_export`).
    Missing { pointer: String },
    /// An export of another version (its pointer and the version as written).
    Version { pointer: String, found: String },
}

/// Checks that `document` is a full export of the version this Pullback reads.
pub fn check_export_envelope(document: &Value) -> Result<(), NotAnExport> {
    let Some(envelope) = document.get(FIELD) else {
        return Err(NotAnExport::Missing { pointer: format!("/{FIELD}") });
    };
    match envelope.get("version") {
        Some(version) if version.as_i64() == Some(EXPORT_VERSION) => Ok(()),
        other => Err(NotAnExport::Version {
            pointer: format!("/{FIELD}/version"),
            found: other.map_or_else(|| "none".to_owned(), ToString::to_string),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pullback_core::Decimal;
    use std::str::FromStr;

    fn load(text: &str) -> Load {
        Load::parse(Decimal::from_str(text).unwrap()).unwrap()
    }

    #[test]
    fn an_export_written_is_an_export_read() {
        let mut doc = json!({ "as_of": "2026-03-01T00:00:00Z" });
        let plates = [load("20"), load("1.25")];
        add_export_envelope(&mut doc, &ExportEnvelope { user: "ana", plates: Some(&plates), session_ids: &[3, 7] });
        assert_eq!(
            doc["pullback_export"],
            json!({ "version": 1, "user": "ana", "plates": [20, 1.25], "session_ids": [3, 7] })
        );
        assert_eq!(check_export_envelope(&doc), Ok(()));
    }

    #[test]
    fn a_plan_document_or_another_version_is_refused_with_its_pointer() {
        let plan = json!({ "as_of": "2026-03-01T00:00:00Z" });
        assert_eq!(check_export_envelope(&plan), Err(NotAnExport::Missing { pointer: "/pullback_export".into() }));
        let newer = json!({ "pullback_export": { "version": 2 } });
        let found = NotAnExport::Version { pointer: "/pullback_export/version".into(), found: "2".into() };
        assert_eq!(check_export_envelope(&newer), Err(found));
        let none = json!({ "pullback_export": {} });
        assert!(matches!(check_export_envelope(&none), Err(NotAnExport::Version { found, .. }) if found == "none"));
    }
}
