//! Reading the raw document field by field, collecting every problem with its
//! JSON pointer instead of stopping at the first.

use crate::Problem;
use crate::raw::{Leaf, List, Slot};
use jiff::Timestamp;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A JSON pointer (RFC 6901) to the value being read, built without allocating:
/// a chain of borrowed segments that is only rendered when a problem is reported.
/// (Parsing a 60,000-set history must not allocate a string per field.)
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ptr<'a> {
    Root,
    Key(&'a Ptr<'a>, &'a str),
    Index(&'a Ptr<'a>, usize),
}

impl Ptr<'_> {
    pub fn key<'b>(&'b self, key: &'b str) -> Ptr<'b> {
        Ptr::Key(self, key)
    }

    pub fn index(&self, i: usize) -> Ptr<'_> {
        Ptr::Index(self, i)
    }

    /// The pointer as text, e.g. `/sessions/0/checkins/2/pain`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    fn render_into(&self, out: &mut String) {
        match self {
            Ptr::Root => {}
            Ptr::Key(parent, key) => {
                parent.render_into(out);
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Ptr::Index(parent, i) => {
                parent.render_into(out);
                out.push('/');
                out.push_str(&i.to_string());
            }
        }
    }
}

/// Collects problems while reading.
#[derive(Debug, Default)]
pub(crate) struct Reader {
    pub problems: Vec<Problem>,
}

impl Reader {
    pub fn problem(&mut self, at: &Ptr<'_>, message: impl Into<String>) {
        self.problems.push(Problem { pointer: at.render(), message: message.into() });
    }

    /// The value of a field, or a "missing" problem at `at/key` (`null` counts as missing).
    pub fn required<'l, 'a>(&mut self, field: &'l Option<Leaf<'a>>, at: &Ptr<'_>, key: &str) -> Option<&'l Leaf<'a>> {
        let value = field.as_ref();
        if value.is_none() {
            self.problem(&at.key(key), "is required but missing");
        }
        value
    }

    /// An optional field read with `read`: `Some(None)` when absent, `None` when
    /// present but invalid (the problem is recorded). Callers read every field
    /// before combining them, so one bad field never hides the problems of another.
    pub fn optional<T>(
        &mut self,
        field: &Option<Leaf<'_>>,
        at: &Ptr<'_>,
        key: &str,
        read: impl FnOnce(&mut Reader, &Leaf<'_>, &Ptr<'_>) -> Option<T>,
    ) -> Option<Option<T>> {
        match field {
            None => Some(None),
            Some(v) => read(self, v, &at.key(key)).map(Some),
        }
    }

    /// Every element of a list of objects, through `item`; absent reads as empty.
    pub fn each<R, T>(
        &mut self,
        list: &List<'_, R>,
        at: &Ptr<'_>,
        item: impl Fn(&mut Reader, &R, &Ptr<'_>) -> Option<T>,
    ) -> Vec<T> {
        match list {
            List::Wrong(other) => {
                self.problem(at, format!("must be an array, not {other}"));
                Vec::new()
            }
            List::Items(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, slot) in items.iter().enumerate() {
                    let here = at.index(i);
                    match slot {
                        Slot::Ok(raw) => out.extend(item(self, raw, &here)),
                        Slot::Wrong(other) => self.problem(&here, format!("must be an object, not {other}")),
                    }
                }
                out
            }
        }
    }

    pub fn string<'l>(&mut self, v: &'l Leaf<'_>, at: &Ptr<'_>) -> Option<&'l str> {
        match v {
            Leaf::Str(s) => Some(s),
            other => {
                self.problem(at, format!("must be a string, not {other}"));
                None
            }
        }
    }

    pub fn boolean(&mut self, v: &Leaf<'_>, at: &Ptr<'_>) -> Option<bool> {
        match v {
            Leaf::Bool(b) => Some(*b),
            other => {
                self.problem(at, format!("must be true or false, not {other}"));
                None
            }
        }
    }

    /// An optional boolean field, `false` when absent.
    pub fn flag(&mut self, field: &Option<Leaf<'_>>, at: &Ptr<'_>, key: &str) -> bool {
        field.as_ref().and_then(|v| self.boolean(v, &at.key(key))).unwrap_or(false)
    }

    /// An integer; `5.0` is not one.
    pub fn integer(&mut self, v: &Leaf<'_>, at: &Ptr<'_>, what: &str) -> Option<i64> {
        match v {
            Leaf::Int(i) => Some(*i),
            // Beyond every range accepted: the caller's range check refuses it.
            Leaf::UInt(_) => Some(i64::MAX),
            other => {
                self.problem(at, format!("{other} is not {what}"));
                None
            }
        }
    }

    /// Any JSON number, read exactly as a decimal.
    pub fn decimal(&mut self, v: &Leaf<'_>, at: &Ptr<'_>) -> Option<Decimal> {
        let d = match v {
            Leaf::Int(i) => Some(Decimal::from(*i)),
            Leaf::UInt(u) => Some(Decimal::from(*u)),
            Leaf::Float(f) => float_to_decimal(*f),
            other => {
                self.problem(at, format!("must be a number, not {other}"));
                return None;
            }
        };
        if d.is_none() {
            self.problem(at, format!("{v} is out of range"));
        }
        d
    }

    /// An RFC 3339 time with an offset.
    pub fn timestamp(&mut self, v: &Leaf<'_>, at: &Ptr<'_>) -> Option<Timestamp> {
        let text = self.string(v, at)?;
        match parse_time(text) {
            Ok(t) => Some(t),
            Err(message) => {
                self.problem(at, message);
                None
            }
        }
    }

    pub fn required_timestamp(&mut self, field: &Option<Leaf<'_>>, at: &Ptr<'_>, key: &str) -> Option<Timestamp> {
        self.required(field, at, key).and_then(|v| self.timestamp(v, &at.key(key)))
    }

    /// Runs a core `parse` constructor and records its refusal at `at`.
    pub fn check<T>(&mut self, at: &Ptr<'_>, result: Result<T, pullback_core::ValueError>) -> Option<T> {
        result.map_err(|e| self.problem(at, e.0)).ok()
    }
}

/// A JSON number as an exact decimal: integers directly, floats through their
/// shortest round-trip text (so `0.1` is 0.1, not 0.1000000000000000055…).
#[cfg(test)]
fn number_to_decimal(n: &serde_json::Number) -> Option<Decimal> {
    if let Some(i) = n.as_i64() {
        return Some(Decimal::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Some(Decimal::from(u));
    }
    float_to_decimal(n.as_f64()?)
}

fn float_to_decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    // Fast path for the usual loads (142.5, 0.25): the fewest decimals (up to 4)
    // whose value rounds back to `f` is the same number as its shortest text.
    const POWERS: [f64; 5] = [1.0, 10.0, 100.0, 1_000.0, 10_000.0];
    for (scale, power) in POWERS.iter().enumerate() {
        let scaled = (f * power).round();
        if scaled.abs() < 9e15 && scaled / power == f {
            // `scaled` is an integer below 2^53, so the cast is exact.
            #[allow(clippy::cast_possible_truncation)]
            return Some(Decimal::new(scaled as i64, scale as u32));
        }
    }
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(f);
    Decimal::from_str(text).or_else(|_| Decimal::from_scientific(text)).ok()
}

/// Parses an RFC 3339 time that carries an offset (`Z` or `±hh:mm`).
pub fn parse_time(text: &str) -> Result<Timestamp, String> {
    // jiff's parser is lenient about a few things RFC 3339 refuses (a missing
    // seconds field, a bracketed zone name); the date-time shape is checked first.
    let shaped = text.len() >= 20
        && text.as_bytes().get(10).is_some_and(|c| matches!(c, b'T' | b't' | b' '))
        && text.as_bytes().get(16) == Some(&b':');
    match Timestamp::from_str(text) {
        Ok(t) if shaped && !text.contains('[') => Ok(t),
        _ => Err(format!("{text:?} is not an RFC 3339 time with an offset, like \"2026-02-20T18:00:00Z\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_need_an_offset() {
        assert!(parse_time("2026-02-20T18:00:00Z").is_ok());
        assert!(parse_time("2026-02-20T18:00:00.5+01:00").is_ok());
        assert!(parse_time("2026-02-20T18:00:00").is_err());
        assert!(parse_time("2026-02-20").is_err());
        assert!(parse_time("2026-02-20T18:00Z").is_err());
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn numbers_read_exactly() {
        let n = |text: &str| number_to_decimal(&serde_json::from_str(text).unwrap()).map(|d| d.normalize().to_string());
        assert_eq!(n("0.1"), Some("0.1".into()));
        assert_eq!(n("70"), Some("70".into()));
        assert_eq!(n("122.5"), Some("122.5".into()));
        assert_eq!(n("1e-7"), Some("0.0000001".into()));
        assert_eq!(n("1e300"), None);
        for text in ["0.3", "2.675", "1.0001", "0.00001", "123456.789", "-0.5", "1e-20", "0.1234567"] {
            let expected: Decimal = text.parse().or_else(|_| Decimal::from_scientific(text)).unwrap();
            assert_eq!(n(text), Some(expected.normalize().to_string()), "{text}");
        }
    }

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(Ptr::Root.key("a/b").key("c~d").index(2).render(), "/a~1b/c~0d/2");
    }
}
