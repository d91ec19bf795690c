//! The SQLite backend: `rusqlite` with a bundled SQLite, a small `r2d2` pool whose
//! work runs on tokio's blocking threads, WAL mode, and migrations applied at open.

mod accounts;
pub mod backup;
mod care;
mod edit;
mod migrate;
mod read;
mod reminders;
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
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A rusqlite error as the store's: the database itself failed.
fn db(e: rusqlite::Error) -> StoreError {
    StoreError::backend(e)
}

/// The user's revision; `NotFound` if there is no such user.
fn require_user(c: &Connection, user: UserId) -> Result<Revision> {
    c.prepare_cached("SELECT revision FROM users WHERE id = ?1")
        .and_then(|mut s| s.query_row([user.0], |r| r.get(0)).optional())
        .map_err(db)?
        .map(Revision)
        .ok_or_else(|| StoreError::not_found("user", user))
}

pub use backup::{BackupSummary, backup};
pub use migrate::MIGRATIONS;

/// How long a connection waits for another writer (another process, say) before
/// giving up with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections per store: writers take turns anyway; readers run side by side.
const POOL_SIZE: u32 = 4;

/// A training log in one SQLite file. Cheap to clone; clones share the pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: r2d2::Pool<SqliteConnectionManager>,
    path: PathBuf,
}

/// Sets what every connection needs. `journal_mode` is persistent in the file;
/// the others are per connection.
///
/// - `synchronous = NORMAL`: in WAL mode a commit survives a crash of the process
///   (not necessarily a power cut), without an fsync per commit.
/// - `cache_size` of 16 MiB: ten years of sets (about 2 MB) stay in the page cache
///   while a history is read; the default 2 MB made the read evict and re-read.
fn configure(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(64);
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384;")
}

impl SqliteStore {
    /// Opens the database at `path`, creating its directories and the file if
    /// needed, and applies the migrations it lacks.
    #[tracing::instrument]
    pub async fn open(path: impl AsRef<Path> + std::fmt::Debug) -> Result<SqliteStore> {
        let path = path.as_ref().to_owned();
        tokio::task::spawn_blocking(move || SqliteStore::open_blocking(path)).await.map_err(join_error)?
    }

    /// Opens `sqlite:///absolute/path.db`, `sqlite://relative/path.db`,
    /// `sqlite:path.db` or a plain path.
    pub async fn open_url(url: &str) -> Result<SqliteStore> {
        SqliteStore::open(sqlite_path(url)?).await
    }

    fn open_blocking(path: PathBuf) -> Result<SqliteStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Invalid(format!("cannot create the database directory {}: {e}", dir.display()))
            })?;
        }
        let mut conn = Connection::open(&path).map_err(StoreError::backend)?;
        configure(&mut conn).map_err(StoreError::backend)?;
        // Two processes opening a new file at once: switching it to WAL takes an
        // exclusive lock, and SQLite answers "busy" at once rather than wait (it
        // would deadlock otherwise). Each step is idempotent, so try again.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        loop {
            match prepare(&mut conn, &path) {
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                other => break other?,
            }
        }
        drop(conn);

        let manager = SqliteConnectionManager::file(&path).with_init(configure);
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(0))
            .test_on_check_out(false)
            .build(manager)
            .map_err(StoreError::backend)?;
        Ok(SqliteStore { pool, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f`, a read of one row by an index (who is asking), right here when a
    /// pooled connection is free at once, else as [`run`](Self::run) does. Such a
    /// read takes microseconds, less than the two thread switches of a blocking
    /// task, which were the largest cost of a cached plan read (issue 16's
    /// profile); in WAL mode a reader never waits for a writer.
    async fn run_point_read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        match self.pool.try_get() {
            Some(mut conn) => f(&mut conn),
            None => self.run(f).await,
        }
    }

    /// Runs `f` on a pooled connection on a blocking thread.
    async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(StoreError::backend)?;
            f(&mut conn)
        })
        .await
        .map_err(join_error)?
    }
}

/// Puts the file in WAL mode and applies the migrations it lacks.
fn prepare(conn: &mut Connection, path: &Path) -> Result<()> {
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)).map_err(StoreError::backend)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Invalid(format!("{} cannot use WAL mode (it stays in {mode})", path.display())));
    }
    migrate::apply(conn)
}

fn is_busy(e: &StoreError) -> bool {
    let StoreError::Backend(source) = e else { return false };
    source.downcast_ref::<rusqlite::Error>().and_then(rusqlite::Error::sqlite_error_code)
        == Some(rusqlite::ErrorCode::DatabaseBusy)
}

fn join_error(e: tokio::task::JoinError) -> StoreError {
    match e.try_into_panic() {
        Ok(panic) => std::panic::resume_unwind(panic),
        Err(e) => StoreError::backend(e),
    }
}

/// The file a SQLite URL names.
pub fn sqlite_path(url: &str) -> Result<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    if rest.is_empty() || rest.contains('?') {
        return Err(StoreError::Invalid(format!(
            "{url:?} is not a SQLite database; use sqlite:///absolute/path.db, sqlite://relative.db or a file path"
        )));
    }
    Ok(PathBuf::from(rest))
}

#[async_trait]
impl Store for SqliteStore {
    #[tracing::instrument(skip(self, profile))]
    async fn create_user(&self, name: &str, profile: &StoredProfile) -> Result<User> {
        let (name, profile) = (name.to_owned(), profile.clone());
        self.run(move |c| write::create_user(c, &name, &profile, None)).await
    }

    async fn create_account(&self, name: &str, profile: &StoredProfile, password_hash: &str) -> Result<User> {
        let (name, profile, hash) = (name.to_owned(), profile.clone(), password_hash.to_owned());
        self.run(move |c| write::create_user(c, &name, &profile, Some(&hash))).await
    }

    #[tracing::instrument(skip(self))]
    async fn users(&self) -> Result<Vec<User>> {
        self.run(read::users).await
    }

    #[tracing::instrument(skip(self))]
    async fn user(&self, id: UserId) -> Result<User> {
        self.run(move |c| read::user(c, id)).await
    }

    #[tracing::instrument(skip(self))]
    async fn user_by_name(&self, name: &str) -> Result<User> {
        let name = name.to_owned();
        self.run(move |c| read::user_by_name(c, &name)).await
    }

    #[tracing::instrument(skip(self))]
    async fn delete_user(&self, id: UserId) -> Result<()> {
        self.run(move |c| write::delete_user(c, id)).await
    }

    #[tracing::instrument(skip(self))]
    async fn profile(&self, user: UserId) -> Result<StoredProfile> {
        self.run(move |c| read::profile(c, user)).await
    }

    #[tracing::instrument(skip(self, profile))]
    async fn set_profile(&self, user: UserId, profile: &StoredProfile) -> Result<()> {
        let profile = profile.clone();
        self.run(move |c| write::set_profile(c, user, &profile)).await
    }

    #[tracing::instrument(skip(self, session), fields(at = %session.at))]
    async fn add_session(&self, user: UserId, session: &NewSession) -> Result<SessionId> {
        let session = session.clone();
        self.run(move |c| write::add_session(c, user, &session)).await
    }

    #[tracing::instrument(skip(self, checkin))]
    async fn add_checkin(&self, user: UserId, checkin: &NewCheckin) -> Result<CheckinId> {
        let checkin = checkin.clone();
        self.run(move |c| write::add_checkin(c, user, &checkin)).await
    }

    #[tracing::instrument(skip(self, session))]
    async fn add_session_once(
        &self,
        user: UserId,
        client: &ClientId,
        session: &NewSession,
    ) -> Result<Logged<SessionId>> {
        let (client, session) = (client.clone(), session.clone());
        self.run(move |c| edit::add_session_once(c, user, &client, &session)).await
    }

    #[tracing::instrument(skip(self, checkin))]
    async fn add_checkin_once(
        &self,
        user: UserId,
        client: &ClientId,
        checkin: &NewCheckin,
    ) -> Result<Logged<CheckinId>> {
        let (client, checkin) = (client.clone(), checkin.clone());
        self.run(move |c| edit::add_checkin_once(c, user, &client, &checkin)).await
    }

    #[tracing::instrument(skip(self, change, audit))]
    async fn edit_entry(&self, entry: Entry, change: &Edit, audit: &NewAudit<'_>) -> Result<()> {
        let (change, actor, action, detail) =
            (change.clone(), audit.actor.clone(), audit.action.to_owned(), audit.detail.clone());
        let (lifter, at) = (audit.lifter, audit.at);
        self.run(move |c| {
            edit::edit_entry(c, entry, &change, &NewAudit { lifter, actor: &actor, action: &action, detail, at })
        })
        .await
    }

    #[tracing::instrument(skip(self, audit))]
    async fn delete_entry(&self, entry: Entry, audit: &NewAudit<'_>) -> Result<()> {
        let (actor, action, detail) = (audit.actor.clone(), audit.action.to_owned(), audit.detail.clone());
        let (lifter, at) = (audit.lifter, audit.at);
        self.run(move |c| {
            edit::delete_entry(c, entry, &NewAudit { lifter, actor: &actor, action: &action, detail, at })
        })
        .await
    }

    #[tracing::instrument(skip(self, screening))]
    async fn add_screening(&self, user: UserId, screening: &NewScreening) -> Result<ScreeningId> {
        let screening = *screening;
        self.run(move |c| write::add_screening(c, user, &screening)).await
    }

    #[tracing::instrument(skip(self, test))]
    async fn add_symmetry_test(&self, user: UserId, test: &NewSymmetryTest) -> Result<SymmetryTestId> {
        let test = *test;
        self.run(move |c| write::add_symmetry_test(c, user, &test)).await
    }

    #[tracing::instrument(skip(self))]
    async fn history(&self, user: UserId) -> Result<StoredHistory> {
        self.run(move |c| read::history(c, user, None)).await
    }

    #[tracing::instrument(skip(self))]
    async fn history_after(&self, user: UserId, after: Timestamp) -> Result<StoredHistory> {
        self.run(move |c| read::history(c, user, Some(after))).await
    }

    #[tracing::instrument(skip(self))]
    async fn resume(&self, user: UserId) -> Result<Resume> {
        self.run(move |c| read::resume(c, user)).await
    }

    #[tracing::instrument(skip(self))]
    async fn sessions(&self, user: UserId, last: Option<usize>) -> Result<Vec<SessionEntry>> {
        self.run(move |c| read::sessions(c, user, last)).await
    }

    #[tracing::instrument(skip(self))]
    async fn checkpoint(&self, user: UserId) -> Result<Option<StoredCheckpoint>> {
        self.run(move |c| read::checkpoint(c, user)).await
    }

    #[tracing::instrument(skip(self, checkpoint), fields(covers_until = %checkpoint.covers_until))]
    async fn put_checkpoint(&self, user: UserId, checkpoint: &NewCheckpoint, based_on: Revision) -> Result<bool> {
        let checkpoint = checkpoint.clone();
        self.run(move |c| write::put_checkpoint(c, user, &checkpoint, based_on)).await
    }

    #[tracing::instrument(skip(self))]
    async fn delete_checkpoint(&self, user: UserId) -> Result<()> {
        self.run(move |c| write::delete_checkpoint(c, user)).await
    }

    #[tracing::instrument(skip(self, history), fields(sessions = history.sessions.len()))]
    async fn import_history(&self, user: UserId, history: &History, mode: ImportMode) -> Result<ImportCounts> {
        let history = history.clone();
        self.run(move |c| write::import_history(c, user, &history, mode)).await
    }

    async fn import_workouts(
        &self,
        user: UserId,
        replace: bool,
        batches: tokio::sync::mpsc::Receiver<ImportBatch>,
    ) -> Result<WorkoutCounts> {
        self.run(move |c| workouts::import_workouts(c, user, replace, batches)).await
    }

    async fn set_password(&self, user: UserId, password_hash: &str, tokens: Tokens) -> Result<()> {
        let hash = password_hash.to_owned();
        self.run(move |c| accounts::set_password(c, user, &hash, tokens)).await
    }

    async fn credentials(&self, name: &str) -> Result<Option<Credentials>> {
        let name = name.to_owned();
        self.run(move |c| accounts::credentials(c, &name)).await
    }

    async fn create_web_session(&self, user: UserId, id_hash: &Digest, expires: Timestamp) -> Result<()> {
        let id = *id_hash;
        self.run(move |c| accounts::create_web_session(c, user, &id, expires)).await
    }

    async fn web_session(&self, id_hash: &Digest, now: Timestamp) -> Result<Option<Caller>> {
        let id = *id_hash;
        self.run_point_read(move |c| accounts::web_session(c, &id, now)).await
    }

    async fn delete_web_session(&self, id_hash: &Digest) -> Result<()> {
        let id = *id_hash;
        self.run(move |c| accounts::delete_web_session(c, &id)).await
    }

    async fn delete_expired_web_sessions(&self, now: Timestamp) -> Result<usize> {
        self.run(move |c| accounts::delete_expired_web_sessions(c, now)).await
    }

    async fn create_api_token(&self, user: UserId, name: &str, token_hash: &Digest) -> Result<TokenId> {
        let (name, hash) = (name.to_owned(), *token_hash);
        self.run(move |c| accounts::create_api_token(c, user, &name, &hash)).await
    }

    async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>> {
        self.run(move |c| accounts::api_tokens(c, user)).await
    }

    async fn api_token_user(&self, token_hash: &Digest) -> Result<Option<Caller>> {
        let hash = *token_hash;
        self.run_point_read(move |c| accounts::api_token_user(c, &hash)).await
    }

    async fn delete_api_token(&self, user: UserId, token: TokenId) -> Result<()> {
        self.run(move |c| accounts::delete_api_token(c, user, token)).await
    }

    async fn server_secret(&self, candidate: &[u8]) -> Result<Vec<u8>> {
        let candidate = candidate.to_vec();
        self.run(move |c| accounts::server_secret(c, &candidate)).await
    }

    async fn admit_attempt(&self, limits: &[Limit], now: Timestamp) -> Result<Admission> {
        let limits = limits.to_vec();
        self.run(move |c| accounts::admit_attempt(c, &limits, now)).await
    }

    async fn forget_attempt(&self, subject: &str, at: Timestamp) -> Result<()> {
        let subject = subject.to_owned();
        self.run(move |c| accounts::forget_attempt(c, &subject, at)).await
    }

    async fn clear_attempts(&self, subject: &str) -> Result<()> {
        let subject = subject.to_owned();
        self.run(move |c| accounts::clear_attempts(c, &subject)).await
    }

    async fn set_clinician(&self, user: UserId, clinician: bool) -> Result<()> {
        self.run(move |c| care::set_clinician(c, user, clinician)).await
    }

    async fn create_invitation(&self, clinician: UserId, code_hash: &Digest, expires: Timestamp) -> Result<()> {
        let code = *code_hash;
        self.run(move |c| care::create_invitation(c, clinician, &code, expires)).await
    }

    async fn accept_invitation(&self, lifter: &User, code_hash: &Digest, now: Timestamp) -> Result<User> {
        let (lifter, code) = (lifter.clone(), *code_hash);
        self.run(move |c| care::accept_invitation(c, &lifter, &code, now)).await
    }

    async fn care_team(&self, lifter: UserId) -> Result<Vec<CareLink>> {
        self.run(move |c| care::care_team(c, lifter)).await
    }

    async fn can_view(&self, clinician: UserId, lifter: UserId) -> Result<bool> {
        self.run(move |c| care::can_view(c, clinician, lifter)).await
    }

    async fn revoke_care(&self, lifter: &User, clinician: UserId, now: Timestamp) -> Result<()> {
        let lifter = lifter.clone();
        self.run(move |c| care::revoke(c, &lifter, clinician, now)).await
    }

    async fn caseload(&self, clinician: UserId) -> Result<Vec<CaseloadEntry>> {
        self.run(move |c| care::caseload(c, clinician)).await
    }

    async fn put_caseload_row(
        &self,
        lifter: UserId,
        revision: Revision,
        computed_for: Timestamp,
        row: &str,
    ) -> Result<()> {
        let row = row.to_owned();
        self.run(move |c| care::put_caseload_row(c, lifter, revision, computed_for, &row)).await
    }

    async fn record_audit(&self, entry: &NewAudit<'_>) -> Result<()> {
        let (actor, action, detail) = (entry.actor.clone(), entry.action.to_owned(), entry.detail.clone());
        let (lifter, at) = (entry.lifter, entry.at);
        self.run(move |c| care::record_audit(c, &NewAudit { lifter, actor: &actor, action: &action, detail, at })).await
    }

    async fn audit_log(&self, lifter: UserId, last: usize) -> Result<Vec<AuditEntry>> {
        self.run(move |c| care::audit_log(c, lifter, last)).await
    }

    async fn set_profile_audited(
        &self,
        lifter: UserId,
        profile: &StoredProfile,
        entries: &[NewAudit<'_>],
    ) -> Result<()> {
        let profile = profile.clone();
        let owned: Vec<(User, String, String, Timestamp, UserId)> =
            entries.iter().map(|e| (e.actor.clone(), e.action.to_owned(), e.detail.clone(), e.at, e.lifter)).collect();
        self.run(move |c| {
            let entries: Vec<NewAudit<'_>> = owned
                .iter()
                .map(|(actor, action, detail, at, lifter)| NewAudit {
                    lifter: *lifter,
                    actor,
                    action,
                    detail: detail.clone(),
                    at: *at,
                })
                .collect();
            care::set_profile_audited(c, lifter, &profile, &entries)
        })
        .await
    }

    async fn invitation(&self, code_hash: &Digest, now: Timestamp) -> Result<Option<User>> {
        let code = *code_hash;
        self.run(move |c| care::invitation(c, &code, now)).await
    }

    async fn add_note(&self, lifter: UserId, clinician: UserId, text: &str, now: Timestamp) -> Result<NoteId> {
        let text = text.to_owned();
        self.run(move |c| care::add_note(c, lifter, clinician, &text, now)).await
    }

    async fn notes(&self, lifter: UserId, clinician: UserId) -> Result<Vec<ClinicalNote>> {
        self.run(move |c| care::notes(c, lifter, clinician)).await
    }

    fn reminders(&self) -> &dyn crate::reminders::Reminders {
        self
    }
}
