//! Small pieces several pages share. A leaf: it uses no page, so pages that share
//! a piece do not import each other (`charts` and `history` used to).

use pullback_core::{Decimal, Load};
use std::str::FromStr;

/// "deadlift" → "Deadlift".
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A working weight as typed in a form: empty is none (the plan takes it from the
/// log); otherwise a number above 0 in the profile's unit. The error says what is
/// wrong, for the form to put after the field's name.
pub fn working_weight(text: &str) -> Result<Option<Load>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let number = Decimal::from_str(text)
        .map_err(|_| format!("“{text}” is not a number; write it like 140 or 142.5, or leave it empty"))?;
    Load::parse_positive(number).map(Some).map_err(|e| format!("“{text}”: {}", e.0))
}
