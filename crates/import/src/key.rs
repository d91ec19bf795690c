//! Stable keys of imported sets, for idempotent re-imports.

use jiff::civil::DateTime;
use rust_decimal::Decimal;
use std::fmt;

/// A stable key of one imported set: 128-bit FNV-1a over, in order, the app
/// ([`Format::app`](crate::Format::app)), the workout's start as written (civil
/// time, so the user's time zone does not change it), the exercise name as the app
/// wrote it (so a changed mapping does not change it), the set order or index as
/// written, the set's position among that exercise's sets in the workout, the
/// weight as written (normalised decimal) with its unit, and the reps.
///
/// The same file gives the same keys on every read, on every platform and Rust
/// version (the hash is specified here, not `std`'s). Rendered as 32 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SetKey(u128);

impl SetKey {
    pub fn value(self) -> u128 {
        self.0
    }
}

impl fmt::Display for SetKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

/// What a key is made of.
#[derive(Debug)]
pub(crate) struct KeyParts<'a> {
    pub app: &'a str,
    pub start: DateTime,
    pub exercise: &'a str,
    pub order: &'a str,
    pub position: usize,
    pub weight: Decimal,
    pub unit: &'a str,
    pub reps: u32,
}

const FNV_OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
const FNV_PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

struct Fnv(u128);

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
    }

    /// A length-prefixed field, so that ("ab", "c") and ("a", "bc") differ.
    fn field(&mut self, bytes: &[u8]) {
        self.bytes(&(bytes.len() as u64).to_le_bytes());
        self.bytes(bytes);
    }
}

impl KeyParts<'_> {
    pub fn key(&self) -> SetKey {
        let mut h = Fnv(FNV_OFFSET);
        h.field(self.app.as_bytes());
        h.field(self.start.to_string().as_bytes());
        h.field(self.exercise.as_bytes());
        h.field(self.order.as_bytes());
        h.field(&(self.position as u64).to_le_bytes());
        h.field(self.weight.normalize().to_string().as_bytes());
        h.field(self.unit.as_bytes());
        h.field(&self.reps.to_le_bytes());
        SetKey(h.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_for_the_empty_input() {
        // FNV-1a 128 of "" is the offset basis; of "a" the published value.
        let mut h = Fnv(FNV_OFFSET);
        h.bytes(b"a");
        assert_eq!(h.0, 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
    }
}
