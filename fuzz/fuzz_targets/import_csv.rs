//! Arbitrary bytes through the CSV importer, forced into each dialect and detected,
//! with and without skipping bad rows. Refusals are fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pullback_core::Units;
use pullback_import::{Format, Options, read};

fuzz_target!(|data: &[u8]| {
    let zone = jiff::tz::TimeZone::UTC;
    let formats = std::iter::once(None).chain(Format::ALL.into_iter().map(Some));
    for (i, format) in formats.enumerate() {
        let mut options = Options::new(if i % 2 == 0 { Units::Kg } else { Units::Lb }, zone.clone());
        options.format = format;
        options.skip_bad_rows = i % 3 == 0;
        let _ = read(data, &options);
    }
});
