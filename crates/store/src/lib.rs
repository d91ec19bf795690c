//! Pullback's training log: one storage trait, [`Store`], and its two
//! implementations, [`SqliteStore`] (a file, nothing to set up) and
//! [`PostgresStore`] (a server, for several instances of the web app).
//!
//! A store keeps lifters, their profiles, and everything they log (sessions with
//! exercises and sets, pain check-ins, red-flag screenings, symmetry tests), each
//! with its time and the offset it was logged in. It reads a lifter's log back as
//! the engine's [`pullback_core::History`], and keeps one replay checkpoint per
//! lifter, which it deletes itself whenever a write reaches back into what the
//! checkpoint covers.
//!
//! Loads and other decimals are stored as text, exactly; no float touches them.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use pullback_core::{Units, ExerciseLog, ExerciseId, Exercise, Set, Load, Reps, Decimal};
//! use pullback_store::{Store, SqliteStore, StoredProfile, NewSession, At};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let store = SqliteStore::open(dir.path().join("pullback.db")).await.unwrap();
//! let lifter = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap();
//!
//! let set = Set { load: Load::parse(Decimal::from(140)).unwrap(), reps: Reps::parse(5).unwrap(), rpe: None, warmup: false };
//! let deadlift = ExerciseLog { exercise: ExerciseId::Known(Exercise::Deadlift), tempo: None, block_height: None, sets: vec![set] };
//! let at: At = "2026-03-02T07:00:00+01:00".parse().unwrap();
//! store.add_session(lifter.id, &NewSession { at, external_id: None, exercises: vec![deadlift], checkins: vec![] }).await.unwrap();
//!
//! let stored = store.history(lifter.id).await.unwrap();
//! assert_eq!(stored.history.sessions.len(), 1);
//! assert_eq!(stored.history.sessions[0].exercises[0].sets[0].load.to_string(), "140");
//! # });
//! ```

mod codec;
mod error;
pub mod model;
pub mod planning;
pub mod postgres;
pub mod sqlite;
mod store;

pub use error::{Result, StoreError};
pub use model::{
    ApiToken, At, AuditEntry, CareLink, CaseloadEntry, CheckinId, ClinicalNote, Credentials, Digest, ImportBatch,
    ImportCounts, ImportMode, KeyedSession, NewAudit, NewCheckin, NewCheckpoint, NewScreening, NewSession,
    NewSymmetryTest, NoteId, Resume, Revision, ScreeningId, SessionEntry, SessionId, StoredCheckpoint, StoredHistory,
    StoredProfile, SymmetryTestId, TokenId, User, UserId, WorkoutCounts,
};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use store::Store;

use std::sync::Arc;

/// Opens the store a URL names: `postgres://…` or `postgresql://…` (PostgreSQL,
/// with the migrations it lacks applied; see [`PostgresStore::connect`] for the pool
/// parameters), else `sqlite:///absolute/path.db`, `sqlite://relative/path.db`, or
/// a plain file path (SQLite).
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Arc::new(PostgresStore::connect(url, postgres::Migrate::Apply).await?));
    }
    Ok(Arc::new(SqliteStore::open_url(url).await?))
}
