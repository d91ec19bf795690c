//! What both backends' history reads share: which sessions a read covers
//! ([`Since`]), the sessions as read ([`Sessions`]), and putting the parts of a
//! read together into a [`StoredHistory`].

use crate::codec;
use crate::error::Result;
use crate::model::{At, CheckinId, Revision, ScreeningId, SessionId, StoredHistory, StoredProfile, SymmetryTestId};
use jiff::Timestamp;
use pullback_core::{History, Screening, Session, StandaloneCheckin, SymmetryTest};

/// Which sessions (and standalone check-ins) a read covers: those at or after a
/// bound, in UTC nanoseconds, or none at all.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Since {
    Nanos(i64),
    Nothing,
}

impl Since {
    pub(crate) const ALL: Since = Since::Nanos(i64::MIN);

    /// Strictly after `t`.
    pub(crate) fn after(t: Timestamp) -> Since {
        match i64::try_from(t.as_nanosecond() + 1) {
            Ok(ns) => Since::Nanos(ns),
            Err(_) if t.as_nanosecond() < 0 => Since::ALL,
            Err(_) => Since::Nothing,
        }
    }
}

/// Sessions with everything in them, as read.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    pub sessions: Vec<Session>,
    pub ids: Vec<SessionId>,
    /// Each session's time as logged (RFC 3339 with its offset).
    pub texts: Vec<String>,
    pub checkin_ids: Vec<Vec<CheckinId>>,
}

/// A session's time as it was logged, with its offset.
pub(crate) fn logged_at(id: SessionId, text: &str) -> Result<At> {
    text.parse().map_err(|_| codec::corrupt(format!("session {id} time {text:?}")))
}

/// Everything a history read gathered, in one transaction.
#[derive(Debug)]
pub(crate) struct Read {
    pub revision: Revision,
    pub profile: StoredProfile,
    pub sessions: Sessions,
    pub checkins: Vec<StandaloneCheckin>,
    pub checkin_ids: Vec<CheckinId>,
    pub screenings: Vec<Screening>,
    pub screening_ids: Vec<ScreeningId>,
    pub symmetry_tests: Vec<SymmetryTest>,
    pub symmetry_test_ids: Vec<SymmetryTestId>,
}

impl Read {
    /// The engine's history with what only storage knows (ids, offsets, revision).
    pub(crate) fn into_stored(self) -> Result<StoredHistory> {
        let params = codec::params(&self.profile.overrides)?;
        let Sessions { sessions, ids, texts, .. } = self.sessions;
        let session_offsets =
            ids.iter().zip(&texts).map(|(id, text)| Ok(logged_at(*id, text)?.offset)).collect::<Result<Vec<_>>>()?;
        let history = History {
            profile: self.profile.profile,
            params,
            sessions,
            checkins: self.checkins,
            screenings: self.screenings,
            symmetry_tests: self.symmetry_tests,
        };
        Ok(StoredHistory {
            history,
            session_ids: ids,
            session_offsets,
            checkin_ids: self.checkin_ids,
            screening_ids: self.screening_ids,
            symmetry_test_ids: self.symmetry_test_ids,
            revision: self.revision,
        })
    }
}
