//! Arbitrary bytes through both ways into the contract: the text fast path that
//! `pullback plan` uses (`plan_output_str`) and, for whatever parses as JSON, the
//! `serde_json::Value` path (`plan_value`). Refusals are fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = pullback_contract::plan_output_str(text);
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = pullback_contract::plan_value(&value);
    }
});
