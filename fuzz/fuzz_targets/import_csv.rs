//! Arbitrary bytes through the CSV importer: header detection (by name, any
//! delimiter, or by the position of Strong's columns for a header in another
//! language), every format forced, no file unit given and each one given, bad
//! rows skipped or not, in file order and in time order, and the bytes as a
//! mapping file (`pullback_import::fuzzing::read_every_way`, which the import
//! tests also run on every fixture). Refusals are fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pullback_import::fuzzing::read_every_way(data);
});
