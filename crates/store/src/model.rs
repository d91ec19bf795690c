//! What the store reads and writes: ids, timed values, and the shapes that wrap
//! `pullback_core`'s domain types with what only storage knows (ids, offsets,
//! IANA names, revisions).

use crate::error::{Result, StoreError};
use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use pullback_core::{
    ExerciseLog, History, Load, Note, Overrides, Pain, Point, Profile, RedFlags, Session, SessionCheckin, Side,
    Strength, Units,
};
use std::collections::BTreeMap;
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A lifter.
    UserId
);
id_type!(
    /// A stored session (what `pullback checkin --session ID` names).
    SessionId
);
id_type!(
    /// A stored check-in, of a session or standalone.
    CheckinId
);
id_type!(
    /// A stored red-flag screening.
    ScreeningId
);
id_type!(
    /// A stored symmetry test.
    SymmetryTestId
);
id_type!(
    /// A personal access token of the JSON API.
    TokenId
);

pub use pullback_core::ClientId;

/// What a write with a [`ClientId`] did: the stored id, and whether this call
/// stored it (`false`: the client id had been stored already, nothing was written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logged<T> {
    pub id: T,
    pub created: bool,
}

/// An entry of a lifter's log that can be changed or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entry {
    Session(SessionId),
    Checkin(CheckinId),
    Screening(ScreeningId),
    SymmetryTest(SymmetryTestId),
}

impl Entry {
    /// "session", "check-in", … (for messages and the audit log).
    pub fn kind(self) -> &'static str {
        match self {
            Entry::Session(_) => "session",
            Entry::Checkin(_) => "check-in",
            Entry::Screening(_) => "screening",
            Entry::SymmetryTest(_) => "symmetry test",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Entry::Session(id) => id.0,
            Entry::Checkin(id) => id.0,
            Entry::Screening(id) => id.0,
            Entry::SymmetryTest(id) => id.0,
        }
    }
}

/// A change to an entry; each variant fits the [`Entry`] of the same name.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// The session's time and exercises (with their sets); its check-ins stay.
    Session {
        at: At,
        exercises: Vec<ExerciseLog>,
    },
    /// A check-in's answers; its time and what it belongs to stay.
    Checkin {
        pain: Pain,
        side: Option<Side>,
        bottom_only: bool,
    },
    Screening {
        answers: RedFlags,
    },
    SymmetryTest {
        left: Strength,
        right: Strength,
    },
}

/// A lifter's write counter: every write of an event (session, check-in,
/// screening, symmetry test), profile or import raises it. A
/// checkpoint computed from a history read at one revision is only stored while the
/// revision is unchanged (see [`crate::Store::put_checkpoint`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Revision(pub i64);

pub use pullback_core::At;

/// A lifter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub created_at: Timestamp,
    /// May follow other lifters (granted by the server's admin).
    pub clinician: bool,
}

/// Who is asking, from one read of a browser session or an API token: the user,
/// and their revision at that read (what a cached decision is keyed by).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user: User,
    pub revision: Revision,
}

/// A lifter's profile as stored: the engine's [`Profile`] plus what only storage
/// and the command line need.
#[derive(Debug, Clone)]
pub struct StoredProfile {
    /// `profile.time_zone` is the zone named by `time_zone_name`.
    pub profile: Profile,
    /// The IANA name of the lifter's time zone, e.g. `Europe/Berlin`.
    pub time_zone_name: String,
    /// The plates at hand, heaviest first; `None` means the unit's default plates.
    pub plates: Option<Vec<Load>>,
    /// The protocol parameters this lifter overrides; they pass
    /// [`pullback_core::Params::from_overrides`].
    pub overrides: Overrides,
}

impl StoredProfile {
    /// Every field at its default for `units`, in UTC.
    pub fn new(units: Units) -> StoredProfile {
        StoredProfile {
            profile: Profile::new(units),
            time_zone_name: "UTC".to_owned(),
            plates: None,
            overrides: Overrides::default(),
        }
    }

    /// Sets the time zone by its IANA name; `Invalid` if the name is unknown.
    pub fn with_time_zone(mut self, name: &str) -> Result<StoredProfile> {
        self.profile.time_zone = resolve_time_zone(name)?;
        name.clone_into(&mut self.time_zone_name);
        Ok(self)
    }

    /// Switches to `units` ([`Profile::switch_units`]); the plates go back to the
    /// new unit's default set too. Gives whether anything changed.
    pub fn switch_units(&mut self, units: Units) -> bool {
        if units == self.profile.units {
            return false;
        }
        self.profile.switch_units(units);
        self.plates = None;
        true
    }

    /// The plates at hand: the configured ones or the unit's default.
    pub fn plates_or_default(&self) -> Vec<Load> {
        self.plates.clone().unwrap_or_else(|| pullback_core::plates::default_plates(self.profile.units))
    }
}

pub(crate) fn resolve_time_zone(name: &str) -> Result<TimeZone> {
    TimeZone::get(name).map_err(|_| {
        StoreError::Invalid(format!("{name:?} is not a known time zone; use an IANA name like \"Europe/Berlin\""))
    })
}

/// A session to log, with its exercises (sets in order) and its check-ins.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub at: At,
    /// An identifier from outside (an imported file's session id), kept as is.
    pub external_id: Option<String>,
    pub exercises: Vec<ExerciseLog>,
    /// Check-ins taken with the session; a later one for the same point wins.
    /// Their own times, when given, are stored with the session's offset.
    pub checkins: Vec<SessionCheckin>,
    /// The lifter's note on the whole session.
    pub note: Option<Note>,
}

/// A check-in to log: of a session (`session` and `point` given) or standalone
/// (both `None`, `at` required).
#[derive(Debug, Clone)]
pub struct NewCheckin {
    pub session: Option<SessionId>,
    pub point: Option<Point>,
    pub pain: Pain,
    /// For a session check-in, `None` means the session time plus the point's offset.
    pub at: Option<At>,
    pub side: Option<Side>,
    pub bottom_only: bool,
}

impl NewCheckin {
    /// A check-in of `session` at `point`.
    pub fn of_session(session: SessionId, point: Point, pain: Pain, at: Option<At>) -> NewCheckin {
        NewCheckin { session: Some(session), point: Some(point), pain, at, side: None, bottom_only: false }
    }

    /// A check-in not tied to a session.
    pub fn standalone(pain: Pain, at: At) -> NewCheckin {
        NewCheckin { session: None, point: None, pain, at: Some(at), side: None, bottom_only: false }
    }
}

/// A red-flag screening to log.
#[derive(Debug, Clone, Copy)]
pub struct NewScreening {
    pub at: At,
    pub answers: RedFlags,
}

/// A symmetry test to log.
#[derive(Debug, Clone, Copy)]
pub struct NewSymmetryTest {
    pub at: At,
    pub left: Strength,
    pub right: Strength,
}

/// A lifter's history as the engine reads it, with the ids storage gave it.
#[derive(Debug, Clone)]
pub struct StoredHistory {
    /// Sessions in time order (ties in the order written), exercises and sets in
    /// the order logged, each session's check-ins in the order written; standalone
    /// check-ins, screenings and symmetry tests in time order.
    pub history: History,
    /// Parallel to `history.sessions`.
    pub session_ids: Vec<SessionId>,
    /// The offset each session was logged in, parallel to `history.sessions`.
    pub session_offsets: Vec<Offset>,
    /// Parallel to `history.checkins` (the standalone ones).
    pub checkin_ids: Vec<CheckinId>,
    /// Parallel to `history.screenings`.
    pub screening_ids: Vec<ScreeningId>,
    /// Parallel to `history.symmetry_tests`.
    pub symmetry_test_ids: Vec<SymmetryTestId>,
    /// The lifter's revision when this was read, for [`crate::Store::put_checkpoint`].
    pub revision: Revision,
}

/// A session as `pullback history` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionEntry {
    pub id: SessionId,
    /// The session time with the offset it was logged in.
    pub at: At,
    pub session: Session,
    /// Parallel to `session.checkins`.
    pub checkin_ids: Vec<CheckinId>,
}

/// A replay checkpoint to store. The state is opaque to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheckpoint {
    /// Every event at or before this instant is folded into `state`.
    pub covers_until: Timestamp,
    /// The decision instant it was made at.
    pub made_at: Timestamp,
    pub state: Vec<u8>,
}

/// A stored replay checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub covers_until: Timestamp,
    pub made_at: Timestamp,
    pub state: Vec<u8>,
    /// The lifter's revision the checkpoint was computed from.
    pub revision: Revision,
    pub created_at: Timestamp,
}

/// What a plan needs, read at one instant: the checkpoint if there is one, and the
/// history after its `covers_until` (or the whole history without one).
#[derive(Debug, Clone)]
pub struct Resume {
    pub checkpoint: Option<StoredCheckpoint>,
    pub history: StoredHistory,
}

/// How an import treats what is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Add the events to the lifter's log, keeping their profile and parameters;
    /// the file's units must match the profile's.
    Append,
    /// Delete the lifter's events first and take the file's profile and parameters
    /// (plates are kept: the plan contract does not carry them).
    Replace,
}

/// How many rows an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub sessions: usize,
    pub exercises: usize,
    pub sets: usize,
    /// Session and standalone check-ins.
    pub checkins: usize,
    pub screenings: usize,
    pub symmetry_tests: usize,
}

/// A workout from another app's export, for [`Store::import_workouts`](crate::Store::import_workouts).
#[derive(Debug, Clone)]
pub struct KeyedSession {
    pub at: At,
    /// The workout's identifier, the same on every read of the same export
    /// (`strong 2025-12-05T18:30:00 Pull day`, say). A later import finds the stored
    /// workout by it and adds only the sets it lacks.
    pub external_id: String,
    pub exercises: Vec<ExerciseLog>,
    /// Parallel to `exercises`: whether the import's exercise mapping decided the
    /// name (a mapped name, or one a user's mapping keeps as another exercise). A
    /// stored set of the same key in an entry of another name is re-mapped to it.
    pub decided: Vec<bool>,
    /// One stable key per set: the sets of `exercises[0]` in order, then of
    /// `exercises[1]`… A set whose key the lifter has already is not stored again;
    /// its entry's name (when decided), its load and missing notes follow the file.
    pub set_keys: Vec<u128>,
    /// The workout's note (its notes or description in the app).
    pub note: Option<Note>,
}

/// What the producer of an import sends to [`Store::import_workouts`](crate::Store::import_workouts).
#[derive(Debug, Clone)]
pub enum ImportBatch {
    Sessions(Vec<KeyedSession>),
    /// The end: store it all. Closing the channel without it stores nothing.
    Commit,
}

/// What [`Store::import_workouts`](crate::Store::import_workouts) wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkoutCounts {
    /// Workouts new to the log.
    pub sessions: usize,
    /// Stored workouts that got sets they lacked.
    pub extended: usize,
    /// Sets written.
    pub sets: usize,
    /// Sets skipped because the lifter had them already (same key).
    pub known_sets: usize,
    /// Sets imported before whose exercise this import maps otherwise:
    /// (stored name, new name) → sets re-mapped.
    pub remapped: BTreeMap<(String, String), usize>,
    /// Sets imported before whose load this import reads otherwise (the file's
    /// unit named now), corrected.
    pub reloaded: usize,
    /// Notes added to workouts, entries and sets imported before without them.
    pub notes_added: usize,
}

impl WorkoutCounts {
    /// Sets re-mapped to another exercise.
    pub fn remapped_sets(&self) -> usize {
        self.remapped.values().sum()
    }

    /// Whether the import changed anything in the log.
    pub fn changed_anything(&self) -> bool {
        self.sets > 0 || !self.remapped.is_empty() || self.reloaded > 0 || self.notes_added > 0
    }
}

/// A user and their password hash (PHC string), for signing in.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    /// `None` for a user made on the command line who never set a password.
    pub password_hash: Option<String>,
}

/// What a new password does to the user's personal access tokens (browser
/// sessions always end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tokens {
    /// Revoke them too: the usual reset, since a stolen password may have made some.
    Revoke,
    /// Keep them working (an integration that must not stop).
    Keep,
}

/// A personal access token, as listed (the token itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    pub created_at: Timestamp,
}

/// A SHA-256 digest: of a web session id or an API token. Only digests are stored.
pub type Digest = [u8; 32];

id_type!(
    /// A clinician's note about a lifter.
    NoteId
);

/// A clinician who can see a lifter's data, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareLink {
    pub clinician: User,
    pub since: Timestamp,
}

/// A clinician's private note about a lifter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicalNote {
    pub id: NoteId,
    pub text: String,
    pub created_at: Timestamp,
}

/// Something another person did with a lifter's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The actor's name when it happened.
    pub actor: String,
    /// What, e.g. `viewed`, `protocol_changed`, `access_granted`.
    pub action: String,
    /// In words, e.g. "tolerable_max 4 → 3: still flaring at 4".
    pub detail: String,
    pub at: Timestamp,
}

/// One audit entry to write.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub lifter: UserId,
    pub actor: &'a User,
    pub action: &'a str,
    pub detail: String,
    pub at: Timestamp,
}

/// A lifter on a clinician's caseload, with their log's revision and the cached
/// dashboard row, if one was computed.
#[derive(Debug, Clone)]
pub struct CaseloadEntry {
    pub lifter: User,
    pub revision: Revision,
    /// `(computed for, row)`; valid for `revision` only.
    pub cached: Option<(Timestamp, String)>,
}
