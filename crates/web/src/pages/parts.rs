//! Small pieces several pages share. A leaf: it uses no page, so pages that share
//! a piece do not import each other (`charts` and `history` used to).

/// "deadlift" → "Deadlift".
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
