//! The clinician's pages: their lifters, seen with the lifters' consent.

pub mod dashboard;
pub mod digest;
pub mod invite;
pub mod lifter;
