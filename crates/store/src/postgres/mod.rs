//! The PostgreSQL backend: a `sqlx` pool, the runtime query API (the checked
//! `query!` macros would need a database to build against), and its own migrations
//! in `migrations/postgres/`, applied at connect unless asked not to.
//!
//! The data model is SQLite's: decimals as text, times as RFC 3339 text plus UTC
//! nanoseconds, one revision per lifter. Where SQLite serialises writers with
//! `BEGIN IMMEDIATE`, every write here that raises a revision or replaces a
//! checkpoint first locks the lifter's `users` row, so that writers of one lifter
//! take turns and [`Store::put_checkpoint`]'s revision check stays true until commit.
//!
//! Reads that take several queries (a history) run in one `REPEATABLE READ`
//! transaction, so they see one snapshot.

mod accounts;
mod care;
mod edit;
mod migrate;
mod read;
mod reminders;
mod rows;
mod workouts;
mod write;

use crate::error::{Result, StoreError};
use crate::model::{
    ApiToken, AuditEntry, Caller, CareLink, CaseloadEntry, ClinicalNote, Credentials, Digest, NewAudit, NoteId, TokenId,
};
use crate::model::{
    CheckinId, ClientId, Edit, Entry, ImportBatch, ImportCounts, ImportMode, Logged, NewCheckin, NewCheckpoint,
    NewScreening, NewSession, NewSymmetryTest, Resume, Revision, ScreeningId, SessionEntry, SessionId,
    StoredCheckpoint, StoredHistory, StoredProfile, SymmetryTestId, Tokens, User, UserId, WorkoutCounts,
};
use crate::store::Store;
use crate::throttle::{Admission, Limit};
use async_trait::async_trait;
use jiff::Timestamp;
use pullback_core::History;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

pub use migrate::{MIGRATIONS, Migration};

/// Whether [`PostgresStore::connect`] brings the schema up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migrate {
    /// Apply the migrations the database lacks (safe when several servers start at once).
    Apply,
    /// Apply nothing; refuse a database whose schema is behind or ahead of this
    /// Pullback (for deployments that migrate in a separate step).
    Skip,
    /// Apply and check nothing: for a tool that then calls
    /// [`PostgresStore::migrate`] or [`PostgresStore::schema_version`] itself.
    Unchecked,
}

/// The connection pool's size and patience.
///
/// In a URL: `postgres://…/pullback?max_connections=20&acquire_timeout=10` (seconds).
/// The other query parameters are PostgreSQL's own (`sslmode`, `application_name`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Connections this process opens at most (default 10). Every server instance
    /// has its own pool: keep their sum under the server's `max_connections`.
    pub max_connections: u32,
    /// How long a query waits for a free connection before failing (default 5 s).
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> PoolSettings {
        PoolSettings { max_connections: 10, acquire_timeout: Duration::from_secs(5) }
    }
}

/// A training log in a PostgreSQL database. Cheap to clone; clones share the pool.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `postgres://user:password@host:port/database?…` (or
    /// `postgresql://…`), with the pool settings of its query (see
    /// [`PoolSettings`]), and applies or checks the migrations.
    pub async fn connect(url: &str, migrate: Migrate) -> Result<PostgresStore> {
        let (options, settings) = parse_url(url)?;
        PostgresStore::connect_with(options, settings, migrate).await
    }

    /// Connects with options built in code.
    pub async fn connect_with(
        options: PgConnectOptions,
        settings: PoolSettings,
        migrate: Migrate,
    ) -> Result<PostgresStore> {
        let target = describe(&options);
        // Names the connections in pg_stat_activity, unless the URL does.
        let options = match options.get_application_name() {
            Some(_) => options,
            None => options.application_name("pullback"),
        };
        // One plain connection first: the pool would retry a refused connection until
        // its timeout and then say only that it timed out, not why.
        let probe = PgConnection::connect_with(&options).await.map_err(|e| connect_error(&target, e))?;
        probe.close().await.map_err(|e| connect_error(&target, e))?;
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .connect_lazy_with(options);
        let store = PostgresStore { pool };
        match migrate {
            Migrate::Apply => {
                store.migrate().await?;
            }
            Migrate::Skip => migrate::require_current(&store.pool).await?,
            Migrate::Unchecked => {}
        }
        Ok(store)
    }

    /// Applies the migrations the database lacks; gives the versions applied
    /// (none when it was up to date). `Schema` if the database is newer than this
    /// Pullback.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        migrate::apply(&self.pool).await
    }

    /// The newest migration applied to the database (0 for an empty one).
    pub async fn schema_version(&self) -> Result<i64> {
        migrate::version(&self.pool).await
    }

    /// The pool, for tools and tests that need plain SQL.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Failing to reach the server, with where it was (never the password).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct ConnectError(String);

/// A refusal that whoever wrote the URL can fix (an unknown database or user, a
/// wrong password: SQLSTATE 3D000 and class 28) is `Invalid`; anything else (no
/// server, too many connections) is `Backend`.
fn connect_error(target: &str, e: sqlx::Error) -> StoreError {
    let message = |reason: &dyn std::fmt::Display| format!("cannot connect to PostgreSQL at {target}: {reason}");
    match &e {
        sqlx::Error::Database(answer)
            if answer.code().is_some_and(|code| code == "3D000" || code.starts_with("28")) =>
        {
            StoreError::Invalid(message(&answer.message()))
        }
        sqlx::Error::Database(answer) => StoreError::backend(ConnectError(message(&answer.message()))),
        sqlx::Error::Io(io) => StoreError::backend(ConnectError(message(io))),
        _ => StoreError::backend(ConnectError(message(&e))),
    }
}

/// `host:port/database`, for messages.
fn describe(options: &PgConnectOptions) -> String {
    let database = options.get_database().unwrap_or_else(|| options.get_username());
    format!("{}:{}/{database}", options.get_host(), options.get_port())
}

/// Splits our pool parameters off a URL's query and reads the rest as
/// PostgreSQL's connection options.
fn parse_url(url: &str) -> Result<(PgConnectOptions, PoolSettings)> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut settings = PoolSettings::default();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "max_connections" => settings.max_connections = pool_number(key, value, 1..=1000)?,
            "acquire_timeout" => {
                settings.acquire_timeout = Duration::from_secs(pool_number(key, value, 1..=3600)?.into())
            }
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
    let options = PgConnectOptions::from_str(&rest)
        .map_err(|e| StoreError::Invalid(format!("this is not a usable PostgreSQL URL: {e}")))?;
    Ok((options, settings))
}

fn pool_number(key: &str, value: &str, range: std::ops::RangeInclusive<u32>) -> Result<u32> {
    value.parse().ok().filter(|n| range.contains(n)).ok_or_else(|| {
        StoreError::Invalid(format!(
            "{key}={value:?} in the database URL: use a whole number from {} to {}",
            range.start(),
            range.end()
        ))
    })
}

/// Everything a failed query can mean to a caller.
fn db(e: sqlx::Error) -> StoreError {
    match &e {
        // Text with a NUL character: SQLite keeps it, PostgreSQL cannot.
        sqlx::Error::Database(d) if d.code().as_deref() == Some("22021") => {
            StoreError::Invalid(format!("the text cannot be stored: {}", d.message()))
        }
        _ => StoreError::backend(e),
    }
}

#[async_trait]
impl Store for PostgresStore {
    #[tracing::instrument(skip(self, profile))]
    async fn create_user(&self, name: &str, profile: &StoredProfile) -> Result<User> {
        write::create_user(&self.pool, name, profile, None).await
    }

    #[tracing::instrument(skip(self))]
    async fn users(&self) -> Result<Vec<User>> {
        read::users(&self.pool).await
    }

    #[tracing::instrument(skip(self))]
    async fn user(&self, id: UserId) -> Result<User> {
        read::user(&self.pool, id).await
    }

    #[tracing::instrument(skip(self))]
    async fn user_by_name(&self, name: &str) -> Result<User> {
        read::user_by_name(&self.pool, name).await
    }

    #[tracing::instrument(skip(self))]
    async fn delete_user(&self, id: UserId) -> Result<()> {
        write::delete_user(&self.pool, id).await
    }

    #[tracing::instrument(skip(self))]
    async fn profile(&self, user: UserId) -> Result<StoredProfile> {
        let mut c = self.pool.acquire().await.map_err(db)?;
        read::profile(&mut c, user).await
    }

    #[tracing::instrument(skip(self, profile))]
    async fn set_profile(&self, user: UserId, profile: &StoredProfile) -> Result<()> {
        write::set_profile(&self.pool, user, profile).await
    }

    #[tracing::instrument(skip(self, session), fields(at = %session.at))]
    async fn add_session(&self, user: UserId, session: &NewSession) -> Result<SessionId> {
        write::add_session(&self.pool, user, session).await
    }

    #[tracing::instrument(skip(self, checkin))]
    async fn add_checkin(&self, user: UserId, checkin: &NewCheckin) -> Result<CheckinId> {
        write::add_checkin(&self.pool, user, checkin).await
    }

    #[tracing::instrument(skip(self, session))]
    async fn add_session_once(
        &self,
        user: UserId,
        client: &ClientId,
        session: &NewSession,
    ) -> Result<Logged<SessionId>> {
        edit::add_session_once(&self.pool, user, client, session).await
    }

    #[tracing::instrument(skip(self, checkin))]
    async fn add_checkin_once(
        &self,
        user: UserId,
        client: &ClientId,
        checkin: &NewCheckin,
    ) -> Result<Logged<CheckinId>> {
        edit::add_checkin_once(&self.pool, user, client, checkin).await
    }

    #[tracing::instrument(skip(self, change, audit))]
    async fn edit_entry(&self, entry: Entry, change: &Edit, audit: &NewAudit<'_>) -> Result<()> {
        edit::edit_entry(&self.pool, entry, change, audit).await
    }

    #[tracing::instrument(skip(self, audit))]
    async fn delete_entry(&self, entry: Entry, audit: &NewAudit<'_>) -> Result<()> {
        edit::delete_entry(&self.pool, entry, audit).await
    }

    #[tracing::instrument(skip(self, screening))]
    async fn add_screening(&self, user: UserId, screening: &NewScreening) -> Result<ScreeningId> {
        write::add_screening(&self.pool, user, screening).await
    }

    #[tracing::instrument(skip(self, test))]
    async fn add_symmetry_test(&self, user: UserId, test: &NewSymmetryTest) -> Result<SymmetryTestId> {
        write::add_symmetry_test(&self.pool, user, test).await
    }

    #[tracing::instrument(skip(self))]
    async fn history(&self, user: UserId) -> Result<StoredHistory> {
        read::history(&self.pool, user, None).await
    }

    #[tracing::instrument(skip(self))]
    async fn history_after(&self, user: UserId, after: Timestamp) -> Result<StoredHistory> {
        read::history(&self.pool, user, Some(after)).await
    }

    #[tracing::instrument(skip(self))]
    async fn resume(&self, user: UserId) -> Result<Resume> {
        read::resume(&self.pool, user).await
    }

    #[tracing::instrument(skip(self))]
    async fn sessions(&self, user: UserId, last: Option<usize>) -> Result<Vec<SessionEntry>> {
        read::sessions(&self.pool, user, last).await
    }

    #[tracing::instrument(skip(self))]
    async fn checkpoint(&self, user: UserId) -> Result<Option<StoredCheckpoint>> {
        read::checkpoint(&self.pool, user).await
    }

    #[tracing::instrument(skip(self, checkpoint), fields(covers_until = %checkpoint.covers_until))]
    async fn put_checkpoint(&self, user: UserId, checkpoint: &NewCheckpoint, based_on: Revision) -> Result<bool> {
        write::put_checkpoint(&self.pool, user, checkpoint, based_on).await
    }

    #[tracing::instrument(skip(self))]
    async fn delete_checkpoint(&self, user: UserId) -> Result<()> {
        write::delete_checkpoint(&self.pool, user).await
    }

    #[tracing::instrument(skip(self, history), fields(sessions = history.sessions.len()))]
    async fn import_history(&self, user: UserId, history: &History, mode: ImportMode) -> Result<ImportCounts> {
        write::import_history(&self.pool, user, history, mode).await
    }

    async fn import_workouts(
        &self,
        user: UserId,
        replace: bool,
        batches: tokio::sync::mpsc::Receiver<ImportBatch>,
    ) -> Result<WorkoutCounts> {
        workouts::import(&self.pool, user, replace, batches).await
    }

    async fn create_account(&self, name: &str, profile: &StoredProfile, password_hash: &str) -> Result<User> {
        write::create_user(&self.pool, name, profile, Some(password_hash)).await
    }

    async fn set_password(&self, user: UserId, password_hash: &str, tokens: Tokens) -> Result<()> {
        accounts::set_password(&self.pool, user, password_hash, tokens).await
    }

    async fn credentials(&self, name: &str) -> Result<Option<Credentials>> {
        accounts::credentials(&self.pool, name).await
    }

    async fn create_web_session(&self, user: UserId, id_hash: &Digest, expires: Timestamp) -> Result<()> {
        accounts::create_web_session(&self.pool, user, id_hash, expires).await
    }

    async fn web_session(&self, id_hash: &Digest, now: Timestamp) -> Result<Option<Caller>> {
        accounts::web_session(&self.pool, id_hash, now).await
    }

    async fn delete_web_session(&self, id_hash: &Digest) -> Result<()> {
        accounts::delete_web_session(&self.pool, id_hash).await
    }

    async fn delete_expired_web_sessions(&self, now: Timestamp) -> Result<usize> {
        accounts::delete_expired_web_sessions(&self.pool, now).await
    }

    async fn create_api_token(&self, user: UserId, name: &str, token_hash: &Digest) -> Result<TokenId> {
        accounts::create_api_token(&self.pool, user, name, token_hash).await
    }

    async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>> {
        accounts::api_tokens(&self.pool, user).await
    }

    async fn api_token_user(&self, token_hash: &Digest) -> Result<Option<Caller>> {
        accounts::api_token_user(&self.pool, token_hash).await
    }

    async fn delete_api_token(&self, user: UserId, token: TokenId) -> Result<()> {
        accounts::delete_api_token(&self.pool, user, token).await
    }

    async fn server_secret(&self, candidate: &[u8]) -> Result<Vec<u8>> {
        accounts::server_secret(&self.pool, candidate).await
    }

    async fn admit_attempt(&self, limits: &[Limit], now: Timestamp) -> Result<Admission> {
        accounts::admit_attempt(&self.pool, limits, now).await
    }

    async fn forget_attempt(&self, subject: &str, at: Timestamp) -> Result<()> {
        accounts::forget_attempt(&self.pool, subject, at).await
    }

    async fn clear_attempts(&self, subject: &str) -> Result<()> {
        accounts::clear_attempts(&self.pool, subject).await
    }

    async fn set_clinician(&self, user: UserId, clinician: bool) -> Result<()> {
        care::set_clinician(&self.pool, user, clinician).await
    }

    async fn create_invitation(&self, clinician: UserId, code_hash: &Digest, expires: Timestamp) -> Result<()> {
        care::create_invitation(&self.pool, clinician, code_hash, expires).await
    }

    async fn accept_invitation(&self, lifter: &User, code_hash: &Digest, now: Timestamp) -> Result<User> {
        care::accept_invitation(&self.pool, lifter, code_hash, now).await
    }

    async fn care_team(&self, lifter: UserId) -> Result<Vec<CareLink>> {
        care::care_team(&self.pool, lifter).await
    }

    async fn can_view(&self, clinician: UserId, lifter: UserId) -> Result<bool> {
        care::can_view(&self.pool, clinician, lifter).await
    }

    async fn revoke_care(&self, lifter: &User, clinician: UserId, now: Timestamp) -> Result<()> {
        care::revoke(&self.pool, lifter, clinician, now).await
    }

    async fn caseload(&self, clinician: UserId) -> Result<Vec<CaseloadEntry>> {
        care::caseload(&self.pool, clinician).await
    }

    async fn put_caseload_row(
        &self,
        lifter: UserId,
        revision: Revision,
        computed_for: Timestamp,
        row: &str,
    ) -> Result<()> {
        care::put_caseload_row(&self.pool, lifter, revision, computed_for, row).await
    }

    async fn record_audit(&self, entry: &NewAudit<'_>) -> Result<()> {
        let mut c = self.pool.acquire().await.map_err(db)?;
        care::audit(&mut c, entry).await
    }

    async fn audit_log(&self, lifter: UserId, last: usize) -> Result<Vec<AuditEntry>> {
        care::audit_log(&self.pool, lifter, last).await
    }

    async fn set_profile_audited(
        &self,
        lifter: UserId,
        profile: &StoredProfile,
        entries: &[NewAudit<'_>],
    ) -> Result<()> {
        care::set_profile_audited(&self.pool, lifter, profile, entries).await
    }

    async fn invitation(&self, code_hash: &Digest, now: Timestamp) -> Result<Option<User>> {
        care::invitation(&self.pool, code_hash, now).await
    }

    async fn add_note(&self, lifter: UserId, clinician: UserId, text: &str, now: Timestamp) -> Result<NoteId> {
        care::add_note(&self.pool, lifter, clinician, text, now).await
    }

    async fn notes(&self, lifter: UserId, clinician: UserId) -> Result<Vec<ClinicalNote>> {
        care::notes(&self.pool, lifter, clinician).await
    }

    fn reminders(&self) -> &dyn crate::reminders::Reminders {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_parameters_come_off_the_url() {
        let (options, settings) =
            parse_url("postgres://ana@db.example:6543/log?max_connections=20&sslmode=disable&acquire_timeout=9")
                .unwrap();
        assert_eq!(settings, PoolSettings { max_connections: 20, acquire_timeout: Duration::from_secs(9) });
        assert_eq!(describe(&options), "db.example:6543/log");
        let (_, settings) = parse_url("postgresql://ana@localhost/log").unwrap();
        assert_eq!(settings, PoolSettings::default());
    }

    #[test]
    fn bad_pool_parameters_name_themselves() {
        for url in ["postgres://h/db?max_connections=0", "postgres://h/db?acquire_timeout=soon"] {
            let Err(StoreError::Invalid(message)) = parse_url(url) else { panic!("{url} was accepted") };
            let key = url.split(['?', '=']).nth(1).unwrap();
            assert!(message.contains(key), "{message}");
        }
        assert!(matches!(parse_url("postgres://h:port/db"), Err(StoreError::Invalid(_))));
    }
}
