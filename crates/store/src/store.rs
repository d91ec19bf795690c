//! The storage trait every backend implements.

use crate::error::Result;
use crate::model::{
    ApiToken, AuditEntry, Caller, CareLink, CaseloadEntry, ClinicalNote, Credentials, Digest, NewAudit, NoteId, TokenId,
};
use crate::model::{
    CheckinId, ClientId, Edit, Entry, ImportBatch, ImportCounts, ImportMode, Logged, NewCheckin, NewCheckpoint,
    NewScreening, NewSession, NewSymmetryTest, Resume, Revision, ScreeningId, SessionEntry, SessionId,
    StoredCheckpoint, StoredHistory, StoredProfile, SymmetryTestId, Tokens, User, UserId, WorkoutCounts,
};
use crate::throttle::{Admission, Limit};
use async_trait::async_trait;
use jiff::Timestamp;
use pullback_core::History;

/// A lifter's training log. Usable as `Arc<dyn Store>`.
///
/// Every write is one transaction: it happens whole or not at all. Every method
/// that names a user fails with [`NotFound`](crate::StoreError::NotFound) when the
/// user does not exist.
///
/// **Checkpoints are invalidated here:** a write that adds a session, or a check-in
/// of a session, at or before the stored checkpoint's `covers_until` (the session's
/// time counts for both), or a standalone check-in at or before it, deletes the
/// checkpoint in the same transaction. So does a profile change (the replay reads
/// the usual variation and the protocol parameters) and a replacing import.
/// Screenings and symmetry tests leave it alone (they raise the revision only).
#[async_trait]
pub trait Store: Send + Sync {
    /// Creates a lifter with a profile. `Conflict` if the name is taken; `Invalid`
    /// if it is empty or the profile cannot be stored.
    async fn create_user(&self, name: &str, profile: &StoredProfile) -> Result<User>;

    /// Every lifter, by id.
    async fn users(&self) -> Result<Vec<User>>;

    async fn user(&self, id: UserId) -> Result<User>;

    async fn user_by_name(&self, name: &str) -> Result<User>;

    /// Deletes a lifter and everything logged for them.
    async fn delete_user(&self, id: UserId) -> Result<()>;

    async fn profile(&self, user: UserId) -> Result<StoredProfile>;

    /// Replaces the profile. `Invalid` if the time zone is unknown, a plate is 0,
    /// or an override is out of range.
    async fn set_profile(&self, user: UserId, profile: &StoredProfile) -> Result<()>;

    /// Logs a session with its exercises, sets and check-ins.
    async fn add_session(&self, user: UserId, session: &NewSession) -> Result<SessionId>;

    /// Logs a check-in. For a session check-in, `NotFound` if the session does not
    /// exist or is another lifter's; `Invalid` if the check-in is neither a session
    /// check-in with a point nor a standalone one with a time.
    async fn add_checkin(&self, user: UserId, checkin: &NewCheckin) -> Result<CheckinId>;

    /// Logs a session once per client id: a retry with a stored client id writes
    /// nothing and answers the stored session's id with `created: false`.
    async fn add_session_once(
        &self,
        user: UserId,
        client: &ClientId,
        session: &NewSession,
    ) -> Result<Logged<SessionId>>;

    /// Logs a check-in once per client id, as [`Store::add_session_once`].
    async fn add_checkin_once(
        &self,
        user: UserId,
        client: &ClientId,
        checkin: &NewCheckin,
    ) -> Result<Logged<CheckinId>>;

    /// Changes an entry of `audit.lifter`'s log and records `audit`, in one
    /// transaction; the revision rises and a checkpoint the entry touched (at its old
    /// or new time) is deleted. `NotFound` if the entry is not theirs; `Invalid` if
    /// the edit does not fit the entry (or a check-in edit sets `bottom_only` on a
    /// point other than `during`).
    async fn edit_entry(&self, entry: Entry, edit: &Edit, audit: &NewAudit<'_>) -> Result<()>;

    /// Deletes an entry of `audit.lifter`'s log (a session with its check-ins) and
    /// records `audit`, in one transaction, as [`Store::edit_entry`].
    async fn delete_entry(&self, entry: Entry, audit: &NewAudit<'_>) -> Result<()>;

    async fn add_screening(&self, user: UserId, screening: &NewScreening) -> Result<ScreeningId>;

    async fn add_symmetry_test(&self, user: UserId, test: &NewSymmetryTest) -> Result<SymmetryTestId>;

    /// The lifter's whole history, with the parameters of their overrides.
    async fn history(&self, user: UserId) -> Result<StoredHistory>;

    /// What a checkpoint covering up to `after` still needs: sessions after it (with
    /// all their check-ins), standalone check-ins after it, and every screening and
    /// symmetry test.
    async fn history_after(&self, user: UserId, after: Timestamp) -> Result<StoredHistory>;

    /// The checkpoint and the history after it (or the whole history), read
    /// together so that no write falls between them.
    async fn resume(&self, user: UserId) -> Result<Resume>;

    /// Sessions with their ids and logged offsets, in time order; with `last`, only
    /// the latest `last` sessions.
    async fn sessions(&self, user: UserId, last: Option<usize>) -> Result<Vec<SessionEntry>>;

    async fn checkpoint(&self, user: UserId) -> Result<Option<StoredCheckpoint>>;

    /// Stores (or replaces) the lifter's checkpoint if their revision is still
    /// `based_on`, the revision of the history it was computed from. Returns whether
    /// it was stored: `false` means a write came in meanwhile, and the checkpoint
    /// may miss it.
    async fn put_checkpoint(&self, user: UserId, checkpoint: &NewCheckpoint, based_on: Revision) -> Result<bool>;

    async fn delete_checkpoint(&self, user: UserId) -> Result<()>;

    /// Writes a whole history in one transaction: all of it or, on any error,
    /// nothing. Times are stored with the offset of the lifter's time zone.
    async fn import_history(&self, user: UserId, history: &History, mode: ImportMode) -> Result<ImportCounts>;

    /// Imports workouts as they arrive on `batches`, in one transaction, so that a
    /// file of any size is written in flat memory: everything is stored when
    /// [`ImportBatch::Commit`] arrives, and nothing when the channel closes without
    /// it (the producer found a bad row, say) or anything fails.
    ///
    /// Idempotent by key: a set whose key the lifter already has is skipped; a
    /// workout whose `external_id` is stored gets its new sets as extra exercise
    /// entries at its end. With `replace`, the lifter's sessions, check-ins,
    /// screenings and symmetry tests are deleted first (the profile stays).
    async fn import_workouts(
        &self,
        user: UserId,
        replace: bool,
        batches: tokio::sync::mpsc::Receiver<ImportBatch>,
    ) -> Result<WorkoutCounts>;

    // --- Accounts (the web app) ---

    /// Creates a lifter with a profile and a password hash, in one transaction;
    /// fails as [`Store::create_user`] does.
    async fn create_account(&self, name: &str, profile: &StoredProfile, password_hash: &str) -> Result<User>;

    /// Sets a user's password hash (a PHC string; the store never sees a password),
    /// signs every browser session of theirs out and, with [`Tokens::Revoke`],
    /// revokes their personal access tokens, in one transaction.
    async fn set_password(&self, user: UserId, password_hash: &str, tokens: Tokens) -> Result<()>;

    /// The user named `name` and their password hash; `None` if there is none.
    async fn credentials(&self, name: &str) -> Result<Option<Credentials>>;

    /// Starts a browser session, known by the SHA-256 of its id, until `expires`.
    async fn create_web_session(&self, user: UserId, id_hash: &Digest, expires: Timestamp) -> Result<()>;

    /// The user of an unexpired browser session, with their revision, in one read.
    async fn web_session(&self, id_hash: &Digest, now: Timestamp) -> Result<Option<Caller>>;

    async fn delete_web_session(&self, id_hash: &Digest) -> Result<()>;

    /// Deletes the sessions expired at `now`; gives how many.
    async fn delete_expired_web_sessions(&self, now: Timestamp) -> Result<usize>;

    /// Stores a personal access token by the SHA-256 of its text. `Invalid` for an
    /// empty or over-long name.
    async fn create_api_token(&self, user: UserId, name: &str, token_hash: &Digest) -> Result<TokenId>;

    async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>>;

    /// The user a token belongs to, with their revision, in one read.
    async fn api_token_user(&self, token_hash: &Digest) -> Result<Option<Caller>>;

    /// `NotFound` unless `user` has the token.
    async fn delete_api_token(&self, user: UserId, token: TokenId) -> Result<()>;

    /// The server-wide signing secret: the stored one, or `candidate`, stored now by
    /// the first instance to ask, so that every instance shares it.
    async fn server_secret(&self, candidate: &[u8]) -> Result<Vec<u8>>;

    /// Admits an attempt of a guarded action (a log-in, a sign-up) or says until when
    /// to wait: checks every limit and, when none refuses, counts the attempt
    /// against each subject, all in one transaction, so that attempts arriving
    /// together cannot all pass the check before any of them is counted. A refused
    /// attempt is not counted. Attempts older than a day are forgotten.
    async fn admit_attempt(&self, limits: &[Limit], now: Timestamp) -> Result<Admission>;

    /// Uncounts one attempt of `subject` admitted at `at` (a log-in that succeeded
    /// was no failure of its address).
    async fn forget_attempt(&self, subject: &str, at: Timestamp) -> Result<()>;

    /// Forgets every attempt of `subject`.
    async fn clear_attempts(&self, subject: &str) -> Result<()>;

    // --- Clinicians ---

    /// Grants (or withdraws) the clinician role. Withdrawing ends every care link
    /// and every unused invitation of theirs.
    async fn set_clinician(&self, user: UserId, clinician: bool) -> Result<()>;

    /// Stores a one-time invitation of `clinician`'s, by the SHA-256 of its code.
    /// `Invalid` unless the user is a clinician.
    async fn create_invitation(&self, clinician: UserId, code_hash: &Digest, expires: Timestamp) -> Result<()>;

    /// The clinician of an unused, unexpired invitation (still a clinician); `None`
    /// otherwise. Reads only: the invitation stays unused.
    async fn invitation(&self, code_hash: &Digest, now: Timestamp) -> Result<Option<User>>;

    /// Links `lifter` to the clinician of an unused, unexpired invitation, uses it
    /// up and records it in the lifter's audit log; gives the clinician. `NotFound`
    /// for an unknown, used or expired code, or one whose maker is no longer a
    /// clinician; `Invalid` for one's own.
    async fn accept_invitation(&self, lifter: &User, code_hash: &Digest, now: Timestamp) -> Result<User>;

    /// The clinicians who can see `lifter`'s data.
    async fn care_team(&self, lifter: UserId) -> Result<Vec<CareLink>>;

    /// Whether `clinician` is a clinician linked to `lifter`.
    async fn can_view(&self, clinician: UserId, lifter: UserId) -> Result<bool>;

    /// Ends `clinician`'s access to `lifter`'s data at once, and records it.
    /// `NotFound` if there was none.
    async fn revoke_care(&self, lifter: &User, clinician: UserId, now: Timestamp) -> Result<()>;

    /// `clinician`'s lifters, with their revisions and cached dashboard rows.
    async fn caseload(&self, clinician: UserId) -> Result<Vec<CaseloadEntry>>;

    /// Caches a lifter's dashboard row, computed for `revision` at `computed_for`.
    async fn put_caseload_row(
        &self,
        lifter: UserId,
        revision: Revision,
        computed_for: Timestamp,
        row: &str,
    ) -> Result<()>;

    /// Writes one entry of `entry.lifter`'s audit log.
    async fn record_audit(&self, entry: &NewAudit<'_>) -> Result<()>;

    /// The lifter's audit log, newest first, at most `last` entries.
    async fn audit_log(&self, lifter: UserId, last: usize) -> Result<Vec<AuditEntry>>;

    /// Changes a lifter's profile on someone else's behalf, with its audit entries
    /// (one per changed setting), in one transaction (the checkpoint goes, as with
    /// `set_profile`).
    async fn set_profile_audited(
        &self,
        lifter: UserId,
        profile: &StoredProfile,
        entries: &[NewAudit<'_>],
    ) -> Result<()>;

    /// Adds `clinician`'s private note about `lifter`. `Invalid` when empty or over 10,000 characters.
    async fn add_note(&self, lifter: UserId, clinician: UserId, text: &str, now: Timestamp) -> Result<NoteId>;

    /// `clinician`'s notes about `lifter`, newest first.
    async fn notes(&self, lifter: UserId, clinician: UserId) -> Result<Vec<ClinicalNote>>;

    /// Check-in reminders and secret feed links (issue 18).
    fn reminders(&self) -> &dyn crate::reminders::Reminders;
}
