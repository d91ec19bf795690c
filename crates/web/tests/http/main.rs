//! HTTP integration tests: the real app on port 0 with a fresh SQLite file per
//! test, driven by a real HTTP client with a cookie jar.

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod api_edits;
mod authorization;
mod clinic_lifter;
mod connections;
mod dashboard;
mod digest;
mod harness;
mod history;
mod linking;
mod live;
mod logging;
mod push;
mod reminders;
mod security;
mod settings;
mod tolerance;
mod two_servers;
mod uploads;

pub use harness::*;
