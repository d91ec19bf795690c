//! Reading JSON values by JSON pointer, collecting every problem instead of stopping
//! at the first.

use crate::Problem;
use jiff::Timestamp;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::str::FromStr;

/// A JSON pointer (RFC 6901) being built while walking a document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ptr(String);

impl Ptr {
    pub fn root() -> Ptr {
        Ptr(String::new())
    }

    pub fn key(&self, key: &str) -> Ptr {
        Ptr(format!("{}/{}", self.0, key.replace('~', "~0").replace('/', "~1")))
    }

    pub fn index(&self, i: usize) -> Ptr {
        Ptr(format!("{}/{i}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Collects problems while reading.
#[derive(Debug, Default)]
pub(crate) struct Reader {
    pub problems: Vec<Problem>,
}

/// A short description of a JSON value for messages ("5.0", "\"five\"", "an object").
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Object(_) => "an object".into(),
        Value::Array(_) => "an array".into(),
        Value::Null => "null".into(),
        other => {
            let text = other.to_string();
            if text.chars().count() > 40 { format!("{}…", text.chars().take(40).collect::<String>()) } else { text }
        }
    }
}

impl Reader {
    pub fn problem(&mut self, at: &Ptr, message: impl Into<String>) {
        self.problems.push(Problem { pointer: at.as_str().to_owned(), message: message.into() });
    }

    /// The value of `key`, treating `null` as absent.
    pub fn optional<'v>(&mut self, obj: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
        obj.get(key).filter(|v| !v.is_null())
    }

    /// The value of `key`, or a "missing" problem.
    pub fn required<'v>(&mut self, obj: &'v Map<String, Value>, at: &Ptr, key: &str) -> Option<&'v Value> {
        let value = self.optional(obj, key);
        if value.is_none() {
            self.problem(&at.key(key), "is required but missing");
        }
        value
    }

    pub fn object<'v>(&mut self, v: &'v Value, at: &Ptr) -> Option<&'v Map<String, Value>> {
        let obj = v.as_object();
        if obj.is_none() {
            self.problem(at, format!("must be an object, not {}", describe(v)));
        }
        obj
    }

    /// An optional array field; absent and `null` read as empty.
    pub fn array<'v>(&mut self, obj: &'v Map<String, Value>, at: &Ptr, key: &str) -> &'v [Value] {
        match self.optional(obj, key) {
            None => &[],
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.problem(&at.key(key), format!("must be an array, not {}", describe(other)));
                &[]
            }
        }
    }

    pub fn string<'v>(&mut self, v: &'v Value, at: &Ptr) -> Option<&'v str> {
        let s = v.as_str();
        if s.is_none() {
            self.problem(at, format!("must be a string, not {}", describe(v)));
        }
        s
    }

    pub fn boolean(&mut self, v: &Value, at: &Ptr) -> Option<bool> {
        let b = v.as_bool();
        if b.is_none() {
            self.problem(at, format!("must be true or false, not {}", describe(v)));
        }
        b
    }

    /// An optional boolean field, `false` when absent.
    pub fn flag(&mut self, obj: &Map<String, Value>, at: &Ptr, key: &str) -> bool {
        self.optional(obj, key).and_then(|v| self.boolean(v, &at.key(key))).unwrap_or(false)
    }

    /// An integer; `5.0` is not one.
    pub fn integer(&mut self, v: &Value, at: &Ptr, what: &str) -> Option<i64> {
        let n = match v {
            Value::Number(n) if n.is_i64() => n.as_i64(),
            Value::Number(n) if n.is_u64() => Some(i64::MAX), // beyond any range we accept
            _ => None,
        };
        if n.is_none() {
            self.problem(at, format!("{} is not {what}", describe(v)));
        }
        n
    }

    /// Any JSON number, read exactly as a decimal.
    pub fn decimal(&mut self, v: &Value, at: &Ptr) -> Option<Decimal> {
        let Value::Number(n) = v else {
            self.problem(at, format!("must be a number, not {}", describe(v)));
            return None;
        };
        let text = n.to_string();
        let d = Decimal::from_str(&text).or_else(|_| Decimal::from_scientific(&text)).ok();
        if d.is_none() {
            self.problem(at, format!("{text} is out of range"));
        }
        d
    }

    /// An RFC 3339 time with an offset.
    pub fn timestamp(&mut self, v: &Value, at: &Ptr) -> Option<Timestamp> {
        let text = self.string(v, at)?;
        match parse_time(text) {
            Ok(t) => Some(t),
            Err(message) => {
                self.problem(at, message);
                None
            }
        }
    }

    pub fn required_timestamp(&mut self, obj: &Map<String, Value>, at: &Ptr, key: &str) -> Option<Timestamp> {
        self.required(obj, at, key).and_then(|v| self.timestamp(v, &at.key(key)))
    }

    pub fn optional_timestamp(&mut self, obj: &Map<String, Value>, at: &Ptr, key: &str) -> Option<Timestamp> {
        self.optional(obj, key).and_then(|v| self.timestamp(v, &at.key(key)))
    }

    /// Runs a core `parse` constructor and records its refusal at `at`.
    pub fn check<T>(&mut self, at: &Ptr, result: Result<T, pullback_core::ValueError>) -> Option<T> {
        result.map_err(|e| self.problem(at, e.0)).ok()
    }
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
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(Ptr::root().key("a/b").key("c~d").index(2).as_str(), "/a~1b/c~0d/2");
    }
}
