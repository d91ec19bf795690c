//! The caseload: every lifter a clinician follows, one row each, most urgent
//! first (the web app's `GET /clinic` shows it).
//!
//! A row needs the lifter's plan (a replay) and their recent check-ins, so rows
//! are cached in the store (`Store::put_caseload_row`) and reused while the
//! lifter's log revision is unchanged and the row was computed in the same hour
//! as "now" ([`fresh`]); the stale ones are recomputed concurrently. Sorting and
//! status are pure functions of the rows.

use crate::planning::{owed, stored_decision};
use jiff::{SignedDuration, Timestamp};
use pullback_core::{Decision, History};
use pullback_store::{CaseloadEntry, SessionEntry, Store, StoreError, User, UserId};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::sync::Arc;
use tokio::task::JoinSet;

/// How many check-ins the pain sparkline shows.
pub const SPARK_POINTS: usize = 30;
/// How far back a row looks for check-ins and activity.
pub const RECENT_DAYS: i64 = 56;
/// How many stale rows are computed at once. The replays run on blocking threads
/// and the store has a small pool: more would only queue.
pub const CONCURRENCY: usize = 8;
/// The sessions read for owed check-ins (only those of the last 72 h count).
const OWED_SESSIONS: usize = 10;
/// A row's place in the order, most urgent first. A lifter can meet several
/// conditions; the row shows (and sorts by) the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// A red flag of possible nerve compression in the latest screening.
    Urgent,
    /// Another red flag: a doctor before training.
    Doctor,
    /// The latest check-in is above tolerable: rest and stay active.
    Flaring,
    /// The protocol recommends a clinician's visit (see `see_clinician.reasons`).
    Clinician,
    /// A 1 h or 24 h check-in is more than 12 hours late.
    Overdue,
    /// None of the above.
    Ok,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Urgent, Status::Doctor, Status::Flaring, Status::Clinician, Status::Overdue, Status::Ok];

    /// The id used in `?status=` and in the rows' `data-status`.
    pub fn id(self) -> &'static str {
        match self {
            Status::Urgent => "urgent",
            Status::Doctor => "doctor",
            Status::Flaring => "flaring",
            Status::Clinician => "clinician",
            Status::Overdue => "overdue",
            Status::Ok => "ok",
        }
    }

    pub fn from_id(id: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Urgent => "Urgent care",
            Status::Doctor => "See a doctor",
            Status::Flaring => "Flaring",
            Status::Clinician => "See a clinician",
            Status::Overdue => "Overdue check-ins",
            Status::Ok => "On track",
        }
    }
}

/// A pain rating and when it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PainAt {
    pub pain: u8,
    #[serde(with = "rfc3339")]
    pub at: Timestamp,
}

/// One lifter's line on the dashboard, as cached (JSON) in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub lifter: i64,
    pub name: String,
    /// The plan's action id (`urgent_care`, `see_doctor`, `rest_active`, `train`).
    pub action: String,
    /// `None` in the normal state.
    pub rung: Option<u8>,
    /// The block height with its unit ("15 cm"), when on a block.
    pub block: Option<String>,
    #[serde(with = "rfc3339_option")]
    pub episode_started: Option<Timestamp>,
    /// The plan's `see_clinician` reasons (ids).
    pub referrals: Vec<String>,
    /// The plan's flags (ids).
    pub flags: Vec<String>,
    /// Check-ins more than 12 hours late.
    pub overdue: usize,
    /// The last [`SPARK_POINTS`] check-ins of the last [`RECENT_DAYS`] days, oldest first.
    pub pains: Vec<PainAt>,
    /// The lifter's tolerable maximum (the sparkline's line).
    pub tolerable_max: u8,
    /// The latest session, check-in, screening or symmetry test.
    #[serde(with = "rfc3339_option")]
    pub last_activity: Option<Timestamp>,
}

impl Row {
    /// The row of a lifter with `action` and nothing else to show: no rung, no
    /// referral, flag or pain, no activity, the default tolerable maximum.
    pub fn quiet(lifter: i64, name: &str, action: &str) -> Row {
        Row {
            lifter,
            name: name.to_owned(),
            action: action.to_owned(),
            rung: None,
            block: None,
            episode_started: None,
            referrals: vec![],
            flags: vec![],
            overdue: 0,
            pains: vec![],
            tolerable_max: pullback_core::Params::default().tolerable_max(),
            last_activity: None,
        }
    }

    /// Every condition the row meets, most urgent first; `[Ok]` when none.
    pub fn conditions(&self) -> Vec<Status> {
        let mut found = Vec::new();
        match self.action.as_str() {
            "urgent_care" => found.push(Status::Urgent),
            "see_doctor" => found.push(Status::Doctor),
            "rest_active" => found.push(Status::Flaring),
            _ => {}
        }
        if !self.referrals.is_empty() {
            found.push(Status::Clinician);
        }
        if self.overdue > 0 {
            found.push(Status::Overdue);
        }
        if found.is_empty() {
            found.push(Status::Ok);
        }
        found
    }

    /// The most urgent condition: what the row shows and sorts by.
    pub fn status(&self) -> Status {
        self.conditions().first().copied().unwrap_or(Status::Ok)
    }

    pub fn last_pain(&self) -> Option<PainAt> {
        self.pains.last().copied()
    }

    /// Whole days since the episode started, at `now`.
    pub fn episode_day(&self, now: Timestamp) -> Option<i64> {
        self.episode_started.map(|start| now.duration_since(start).as_hours().div_euclid(24))
    }
}

/// The dashboard order: by status (urgent first), then the most recent activity,
/// then the name.
pub fn sort(rows: &mut [Row]) {
    rows.sort_by_cached_key(|row| (row.status(), Reverse(row.last_activity), row.name.to_lowercase(), row.lifter));
}

/// Whether a row computed for `computed_for` may be shown at `now` (its revision
/// already matched): only within the same UTC hour. The plan also moves with time
/// alone (episode days, overdue check-ins, layoffs), so an hour bounds how late
/// such a change can show, and each lifter costs at most one replay per hour.
pub fn fresh(computed_for: Timestamp, now: Timestamp) -> bool {
    hour_of(computed_for) == hour_of(now)
}

fn hour_of(t: Timestamp) -> i64 {
    t.as_second().div_euclid(3600)
}

/// The clinician's rows, sorted: cached rows that are still fresh, the others
/// computed now (at most [`CONCURRENCY`] at a time) and cached.
pub async fn caseload(store: &Arc<dyn Store>, clinician: UserId, now: Timestamp) -> Result<Vec<Row>, StoreError> {
    let mut rows = Vec::new();
    let mut stale = Vec::new();
    for entry in store.caseload(clinician).await? {
        match cached_row(&entry, now) {
            Some(row) => rows.push(row),
            None => stale.push(entry),
        }
    }
    rows.extend(compute_rows(store, stale, now).await?);
    sort(&mut rows);
    Ok(rows)
}

/// The cached row if it is fresh and readable (an unreadable one is recomputed).
fn cached_row(entry: &CaseloadEntry, now: Timestamp) -> Option<Row> {
    let (computed_for, json) = entry.cached.as_ref()?;
    if !fresh(*computed_for, now) {
        return None;
    }
    let mut row: Row = serde_json::from_str(json).ok()?;
    // The name is the account's, never a stale copy.
    row.name.clone_from(&entry.lifter.name);
    Some(row)
}

async fn compute_rows(
    store: &Arc<dyn Store>,
    stale: Vec<CaseloadEntry>,
    now: Timestamp,
) -> Result<Vec<Row>, StoreError> {
    let mut rows = Vec::with_capacity(stale.len());
    let mut waiting = stale.into_iter();
    let mut running = JoinSet::new();
    loop {
        while running.len() < CONCURRENCY {
            let Some(entry) = waiting.next() else { break };
            let store = Arc::clone(store);
            running.spawn(async move { refresh(store.as_ref(), entry, now).await });
        }
        let Some(done) = running.join_next().await else { break };
        let done = done.map_err(|e| StoreError::Backend(format!("computing a caseload row stopped: {e}").into()))?;
        match done {
            Ok(row) => rows.push(row),
            // Deleted since the caseload was read: no row.
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(rows)
}

/// Computes a lifter's row and caches it for the revision read with the caseload.
/// A write since then raised the revision, so this row is never served for it.
async fn refresh(store: &dyn Store, entry: CaseloadEntry, now: Timestamp) -> Result<Row, StoreError> {
    let lifter = entry.lifter.id;
    let decision = stored_decision(store, lifter, now).await?;
    let since = now.checked_sub(SignedDuration::from_hours(24 * RECENT_DAYS)).unwrap_or(Timestamp::MIN);
    let recent = store.history_after(lifter, since).await?;
    let sessions = store.sessions(lifter, Some(OWED_SESSIONS)).await?;
    let row = build_row(&entry.lifter, &decision, &recent.history, &sessions, now);
    match serde_json::to_string(&row) {
        Ok(json) => {
            if let Err(e) = store.put_caseload_row(lifter, entry.revision, now, &json).await {
                // Only speed is lost: the row is computed again next time.
                tracing::warn!(error = %e, lifter = %lifter, "could not cache the caseload row");
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not serialise the caseload row"),
    }
    Ok(row)
}

/// A lifter's row from their plan, their recent history (check-ins, screenings,
/// symmetry tests) and their latest sessions.
pub fn build_row(
    lifter: &User,
    decision: &Decision,
    recent: &History,
    sessions: &[SessionEntry],
    now: Timestamp,
) -> Row {
    let units = decision.units;
    Row {
        lifter: lifter.id.0,
        name: lifter.name.clone(),
        action: decision.action.id().to_owned(),
        rung: decision.rung.map(|r| r.value()),
        block: decision.block.map(|b| format!("{} {}", b.height(units), units.height_symbol())),
        episode_started: decision.episode.map(|e| e.started),
        referrals: decision.see_clinician.iter().map(|r| r.id().to_owned()).collect(),
        flags: decision.flags.iter().map(|f| f.id().to_owned()).collect(),
        overdue: owed(sessions, now).iter().filter(|o| o.status == "overdue").count(),
        pains: recent_pains(recent, now),
        tolerable_max: recent.params.tolerable_max(),
        last_activity: last_activity(recent, sessions, now),
    }
}

/// Every check-in of `history` at or before `now`, in time order, the last
/// [`SPARK_POINTS`] of them.
fn recent_pains(history: &History, now: Timestamp) -> Vec<PainAt> {
    let of_sessions = history.sessions.iter().flat_map(|s| {
        s.checkins.iter().filter_map(move |c| {
            let at = c.at.or_else(|| s.at.checked_add(c.point.default_offset()).ok())?;
            Some(PainAt { pain: c.pain.value(), at })
        })
    });
    let standalone = history.checkins.iter().map(|c| PainAt { pain: c.pain.value(), at: c.at });
    let mut pains: Vec<PainAt> = of_sessions.chain(standalone).filter(|p| p.at <= now).collect();
    pains.sort_by_key(|p| p.at);
    let skip = pains.len().saturating_sub(SPARK_POINTS);
    pains.split_off(skip)
}

fn last_activity(recent: &History, sessions: &[SessionEntry], now: Timestamp) -> Option<Timestamp> {
    let sessions = sessions.iter().map(|s| s.at.instant);
    let pains = recent_pains(recent, now).into_iter().map(|p| p.at);
    let screenings = recent.screenings.iter().map(|s| s.at);
    let tests = recent.symmetry_tests.iter().map(|t| t.at);
    sessions.chain(pains).chain(screenings).chain(tests).filter(|&at| at <= now).max()
}

/// RFC 3339 text for a [`Timestamp`] in the cached JSON.
mod rfc3339 {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(at)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

mod rfc3339_option {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.collect_str(at),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| t.parse().map_err(serde::de::Error::custom)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn row(name: &str, action: &str) -> Row {
        Row::quiet(name.len() as i64, name, action)
    }

    fn active(mut row: Row, when: &str) -> Row {
        row.last_activity = Some(at(when));
        row
    }

    #[test]
    fn the_status_is_the_most_urgent_condition() {
        let mut flaring = row("flo", "rest_active");
        flaring.referrals = vec!["duration".into()];
        flaring.overdue = 1;
        assert_eq!(flaring.conditions(), [Status::Flaring, Status::Clinician, Status::Overdue]);
        assert_eq!(flaring.status(), Status::Flaring);
        assert_eq!(row("ivo", "urgent_care").status(), Status::Urgent);
        assert_eq!(row("dora", "see_doctor").status(), Status::Doctor);
        let mut late = row("owen", "train");
        late.overdue = 2;
        assert_eq!(late.status(), Status::Overdue);
        assert_eq!(row("nora", "train").conditions(), [Status::Ok]);
    }

    #[test]
    fn rows_sort_by_urgency_then_latest_activity_then_name() {
        let mut clinician = row("asha", "train");
        clinician.referrals = vec!["asymmetry".into()];
        let mut overdue = row("owen", "train");
        overdue.overdue = 1;
        let mut rows = vec![
            active(row("nora", "train"), "2026-03-01T00:00:00Z"),
            active(row("bea", "train"), "2026-03-01T10:00:00Z"),
            row("adam", "train"),
            overdue,
            clinician,
            active(row("flo", "rest_active"), "2026-02-01T00:00:00Z"),
            active(row("dora", "see_doctor"), "2026-03-01T00:00:00Z"),
            active(row("ivo", "urgent_care"), "2026-01-01T00:00:00Z"),
            active(row("Zed", "train"), "2026-03-01T00:00:00Z"),
        ];
        sort(&mut rows);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        // Ties on activity go by name (any case); no activity at all comes last.
        assert_eq!(names, ["ivo", "dora", "flo", "asha", "owen", "bea", "nora", "Zed", "adam"]);
    }

    #[test]
    fn a_cached_row_is_fresh_within_its_hour_only() {
        let computed = at("2026-03-02T07:05:00Z");
        assert!(fresh(computed, at("2026-03-02T07:59:59Z")));
        assert!(fresh(computed, at("2026-03-02T07:00:00Z")));
        assert!(!fresh(computed, at("2026-03-02T08:00:00Z")));
        assert!(!fresh(computed, at("2026-03-02T06:59:59Z")));
        assert!(!fresh(computed, at("2026-03-03T07:05:00Z")));
    }

    #[test]
    fn a_row_survives_its_json() {
        let mut original = active(row("bea", "train"), "2026-03-01T10:00:00Z");
        original.rung = Some(3);
        original.block = Some("10 cm".into());
        original.episode_started = Some(at("2026-02-24T07:00:00Z"));
        original.pains = vec![PainAt { pain: 5, at: at("2026-02-24T08:00:00Z") }];
        let json = serde_json::to_string(&original).unwrap_or_else(|e| panic!("{e}"));
        let back: Row = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, original);
        assert_eq!(back.episode_day(at("2026-03-02T06:59:00Z")), Some(5));
        assert_eq!(back.episode_day(at("2026-03-02T07:00:00Z")), Some(6));
    }
}
