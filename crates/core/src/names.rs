//! Names people choose: user names, token names, other exercises' names. A name
//! is stored in Unicode normalisation form NFKC (so `ｄｅｍｏ` is `demo`), trimmed,
//! with runs of spaces made one, and may not hide anything: control characters,
//! format characters (zero-width spaces and joiners, direction overrides and
//! isolates, the byte-order mark), other default-ignorable ones (Hangul fillers,
//! variation selectors), private-use, unassigned and line-separating characters
//! are refused, each named by its code point. Otherwise a lifter could take a name
//! that looks like another's in a clinician's caseload.

use crate::ValueError;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// The longest name of another exercise, in characters.
pub const MAX_EXERCISE_NAME_CHARS: usize = 100;

/// `raw` as a name of 1 to `max_chars` characters: NFKC, trimmed, runs of
/// whitespace made one space; refused (naming the character as `U+XXXX`) if it
/// holds a character that does not show.
pub fn clean_name(raw: &str, max_chars: usize) -> Result<String, ValueError> {
    // ASCII is its own NFKC: skip the normalisation (imports name every row).
    let normal: String = if raw.is_ascii() { raw.to_owned() } else { raw.nfkc().collect() };
    // As typed first (NFKC turns some fillers into others), then as normalised.
    if let Some(hidden) = raw.chars().find(|c| hides(*c)).or_else(|| normal.chars().find(|c| hides(*c))) {
        return Err(ValueError(format!(
            "contains U+{:04X}, a control, format or invisible character; use letters, digits, spaces and punctuation",
            u32::from(hidden)
        )));
    }
    let name = normal.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = name.chars().count();
    if count == 0 {
        return Err(ValueError("must not be empty".into()));
    }
    if count > max_chars {
        return Err(ValueError(format!("has {count} characters; at most {max_chars} characters are allowed")));
    }
    Ok(name)
}

/// Whether `c` does not show, or changes how its neighbours show. Tabs and line
/// breaks count (they are controls): a name is one line.
fn hides(c: char) -> bool {
    use GeneralCategory::{Control, Format, LineSeparator, ParagraphSeparator, PrivateUse, Surrogate, Unassigned};
    if c == ' ' {
        return false;
    }
    matches!(
        c.general_category(),
        Control | Format | LineSeparator | ParagraphSeparator | PrivateUse | Surrogate | Unassigned
    ) || default_ignorable(c)
}

/// Default-ignorable code points (Unicode's `Default_Ignorable_Code_Point`) that
/// are not format characters: fillers and selectors that render as nothing.
fn default_ignorable(c: char) -> bool {
    matches!(
        u32::from(c),
        0x034F | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F | 0x3164 | 0xFE00..=0xFE0F | 0xFFA0
            | 0xE0100..=0xE01EF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(raw: &str) -> String {
        clean_name(raw, 64).unwrap_err().0
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_named() {
        for (raw, code) in [
            ("bea\u{200b}", "U+200B"),
            ("bea\u{200d}", "U+200D"),
            ("\u{202e}aeb", "U+202E"),
            ("b\u{2067}ea", "U+2067"),
            ("bea\u{feff}", "U+FEFF"),
            ("be\u{ad}a", "U+00AD"),
            ("b\u{3164}ea", "U+3164"),
            ("bea\u{fe0f}", "U+FE0F"),
            ("be\u{e000}a", "U+E000"),
            ("be\ta", "U+0009"),
            ("be\u{2028}a", "U+2028"),
        ] {
            assert!(hidden(raw).contains(code), "{raw:?}: {}", hidden(raw));
        }
    }

    #[test]
    fn names_are_normalised_trimmed_and_bounded() {
        assert_eq!(clean_name("\u{ff44}\u{ff45}\u{ff4d}\u{ff4f}-bea", 64).unwrap(), "demo-bea");
        assert_eq!(clean_name("  Zoe\u{0308}  \u{3000} Ann ", 64).unwrap(), "Zoë Ann");
        assert_eq!(clean_name("Łukasz Żółć 李小龙", 64).unwrap(), "Łukasz Żółć 李小龙");
        assert_eq!(clean_name("  ", 64).unwrap_err().0, "must not be empty");
        assert!(clean_name(&"é".repeat(65), 64).unwrap_err().0.contains("at most 64"));
        assert!(clean_name(&"é".repeat(64), 64).is_ok());
    }
}
