//! Differential: for any JSON text, the text fast path (`plan_output_str`, used by
//! `pullback plan`) and the `serde_json::Value` path (`plan_value`) must agree:
//! both accept with the same decision, or both refuse with the same problems.
//!
//! Documents with a repeated object key are skipped: a `Value` keeps the last
//! one, and what the text path does with them is its own business.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(value) = serde_json::from_str::<Value>(text) else { return };
    if has_repeated_key(text) {
        return;
    }
    let from_text =
        pullback_contract::plan_output_str(text).map(|out| serde_json::to_value(out).unwrap_or(Value::Null));
    let from_value = pullback_contract::plan_value(&value);
    match (&from_text, &from_value) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the two paths decide differently"),
        (Err(a), Err(b)) => {
            let mut a: Vec<String> = a.iter().map(ToString::to_string).collect();
            let mut b: Vec<String> = b.iter().map(ToString::to_string).collect();
            a.sort();
            b.sort();
            assert_eq!(a, b, "the two paths refuse differently");
        }
        _ => panic!("one path accepts and the other refuses:\ntext:  {from_text:?}\nvalue: {from_value:?}"),
    }
});

/// Whether any object in the document repeats a key (checked with a visitor that
/// sees every key, which a `Value` does not).
fn has_repeated_key(text: &str) -> bool {
    use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
    struct Check;
    impl<'de> Visitor<'de> for Check {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_str<E>(self, _: &str) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            let mut repeated = false;
            while let Some(r) = seq.next_element_seed(Seed)? {
                repeated |= r;
            }
            Ok(repeated)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut keys = std::collections::HashSet::new();
            let mut repeated = false;
            while let Some(key) = map.next_key::<String>()? {
                repeated |= !keys.insert(key);
                repeated |= map.next_value_seed(Seed)?;
            }
            Ok(repeated)
        }
    }
    struct Seed;
    impl<'de> serde::de::DeserializeSeed<'de> for Seed {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_any(Check)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde::de::DeserializeSeed::deserialize(Seed, &mut de).unwrap_or(true)
}
