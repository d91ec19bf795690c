//! What Pullback's front ends share, above the store: the decision from a stored
//! log and the owed check-ins ([`planning`]), exports of a lifter's log
//! ([`export`]), streamed imports of other apps' CSV exports ([`csv_import`]),
//! and secrets: random bytes, digests, password hashes and tokens ([`secrets`]).
//! The command line and the web app call these, so both give the same decisions,
//! the same files and the same import behaviour.

pub mod csv_import;
pub mod export;
pub mod planning;
pub mod secrets;
