//! Pullback's application layer, what its front ends share above the store: the
//! decision from a stored log and the owed check-ins ([`planning`]), a
//! clinician's caseload ([`caseload`]), exports of a lifter's log ([`export`]),
//! streamed imports of other apps' CSV exports ([`csv_import`]), the merge of a
//! JSON history document into a log ([`json_import`]),
//! secrets: random bytes, digests, password hashes and tokens ([`secrets`]), and
//! the demo data of `pullback serve --demo` ([`demo`]).
//! The command line and the web app call these, so both give the same decisions,
//! the same files and the same import behaviour.

pub mod caseload;
pub mod csv_import;
pub mod demo;
pub mod export;
pub mod json_import;
pub mod planning;
pub mod secrets;
pub mod words;
