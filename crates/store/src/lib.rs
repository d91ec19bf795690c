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
//! let set = Set { load: Load::parse(Decimal::from(140)).unwrap(), reps: Reps::parse(5).unwrap(), rpe: None, warmup: false, note: None };
//! let deadlift = ExerciseLog { exercise: ExerciseId::Known(Exercise::Deadlift), tempo: None, block_height: None, sets: vec![set], note: None };
//! let at: At = "2026-03-02T07:00:00+01:00".parse().unwrap();
//! store.add_session(lifter.id, &NewSession { at, external_id: None, exercises: vec![deadlift], checkins: vec![], note: None }).await.unwrap();
//!
//! let stored = store.history(lifter.id).await.unwrap();
//! assert_eq!(stored.history.sessions.len(), 1);
//! assert_eq!(stored.history.sessions[0].exercises[0].sets[0].load.to_string(), "140");
//! # });
//! ```

mod assemble;
mod codec;
pub mod copy;
mod error;
pub mod model;
pub mod postgres;
mod reimport;
pub mod reminders;
mod schema;
pub mod sqlite;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
pub mod throttle;

pub use error::{Result, StoreError};
pub use model::{
    ApiToken, At, AuditEntry, Caller, CareLink, CaseloadEntry, CheckinId, ClientId, ClinicalNote, Credentials, Digest,
    Edit, Entry, ImportBatch, ImportCounts, ImportMode, KeyedSession, Logged, NewAudit, NewCheckin, NewCheckpoint,
    NewScreening, NewSession, NewSymmetryTest, NoteId, Resume, Revision, ScreeningId, SessionEntry, SessionId,
    StoredCheckpoint, StoredHistory, StoredProfile, SymmetryTestId, TokenId, Tokens, User, UserId, WorkoutCounts,
};
pub use postgres::PostgresStore;
pub use reminders::{FeedKind, PushSubscription, QuietHours, ReminderSettings, Reminders};
pub use sqlite::SqliteStore;
pub use store::Store;
pub use throttle::{Admission, Limit, LimitRule};

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

/// Opens the store a URL names, like [`open`]; with `migrate` false it applies no
/// migration and refuses (`Schema`) a database whose schema is behind or ahead of
/// this Pullback, for deployments that run `pullback migrate` as a separate step.
/// A SQLite file is checked before it is opened, so an old file stays untouched.
pub async fn open_with(url: &str, migrate: bool) -> Result<Arc<dyn Store>> {
    if migrate {
        return open(url).await;
    }
    if is_postgres(url) {
        return Ok(Arc::new(PostgresStore::connect(url, postgres::Migrate::Skip).await?));
    }
    let version = sqlite_schema_version(url).await?;
    require_version(version)?;
    Ok(Arc::new(SqliteStore::open_url(url).await?))
}

/// Brings the schema of the database a URL names up to date; gives its version
/// before and after (equal when there was nothing to do).
pub async fn migrate(url: &str) -> Result<(i64, i64)> {
    if is_postgres(url) {
        let store = PostgresStore::connect(url, postgres::Migrate::Unchecked).await?;
        let before = store.schema_version().await?;
        store.migrate().await?;
        return Ok((before, store.schema_version().await?));
    }
    let before = sqlite_schema_version(url).await?;
    // Opening a SQLite file applies what it lacks.
    SqliteStore::open_url(url).await?;
    Ok((before, sqlite_schema_version(url).await?))
}

/// The newest schema version this Pullback knows.
pub fn known_schema_version() -> i64 {
    schema::newest(sqlite::MIGRATIONS)
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

fn require_version(version: i64) -> Result<()> {
    schema::require_current(version, known_schema_version())
}

/// The newest migration applied to a SQLite file, 0 when the file or its
/// `schema_migrations` table does not exist yet. Opens it read-only.
async fn sqlite_schema_version(url: &str) -> Result<i64> {
    let path = sqlite::sqlite_path(url)?;
    let read = move || -> Result<i64> {
        if !path.exists() {
            return Ok(0);
        }
        let conn = rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(StoreError::backend)?;
        let has_table: bool = conn
            .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations')", [], |r| r.get(0))
            .map_err(StoreError::backend)?;
        if !has_table {
            return Ok(0);
        }
        let newest: Option<i64> = conn
            .query_row("SELECT max(version) FROM schema_migrations", [], |r| r.get(0))
            .map_err(StoreError::backend)?;
        Ok(newest.unwrap_or(0))
    };
    tokio::task::spawn_blocking(read).await.map_err(StoreError::backend)?
}
