//! Words shared by the front ends' messages.

/// "1 set", "3 sets": a number with the noun's form for it.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
