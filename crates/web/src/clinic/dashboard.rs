//! The caseload dashboard (`GET /clinic`): every lifter a clinician follows, one
//! row each, most urgent first.
//!
//! A row needs the lifter's plan (a replay) and their recent check-ins, so rows
//! are cached in the store (`Store::put_caseload_row`) and reused while the
//! lifter's log revision is unchanged and the row was computed in the same hour
//! as "now" ([`fresh`]); the stale ones are recomputed concurrently. Sorting,
//! status and filtering are pure functions of the rows.

use crate::auth::Clinician;
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::pages::{Nav, app_page};
use crate::state::AppState;
use axum::extract::{Query, State};
use jiff::{SignedDuration, Timestamp};
use maud::{Markup, html};
use pullback_app::planning::{owed, stored_decision};
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
/// The longest name search taken; longer text cannot match a user name anyway.
const MAX_QUERY_CHARS: usize = 100;

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

/// What `?status=` and `?q=` ask for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Rows that meet this condition (any of theirs, not only the first).
    pub status: Option<Status>,
    /// A part of the name, any case.
    pub name: String,
}

/// The query string as sent: the form's empty fields mean "any".
#[derive(Debug, Default, Deserialize)]
pub struct FilterQuery {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
}

impl Filter {
    /// Reads the query; a problem names the field.
    pub fn parse(query: &FilterQuery) -> Result<Filter, String> {
        let status = match query.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) => Some(Status::from_id(id).ok_or_else(|| {
                let ids: Vec<&str> = Status::ALL.iter().map(|s| s.id()).collect();
                format!("status: {id:?} is not a status; use one of {}, or leave it empty for all", ids.join(", "))
            })?),
        };
        let name = query.q.as_deref().unwrap_or("").trim().to_owned();
        if name.chars().count() > MAX_QUERY_CHARS {
            return Err(format!("q: a name search has at most {MAX_QUERY_CHARS} characters"));
        }
        Ok(Filter { status, name })
    }

    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.name.is_empty()
    }

    pub fn matches(&self, row: &Row) -> bool {
        let status_ok = self.status.is_none_or(|wanted| row.conditions().contains(&wanted));
        let name_ok = self.name.is_empty() || row.name.to_lowercase().contains(&self.name.to_lowercase());
        status_ok && name_ok
    }
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
pub async fn caseload(store: &Arc<dyn Store>, clinician: UserId, now: Timestamp) -> Result<Vec<Row>, PageError> {
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
) -> Result<Vec<Row>, PageError> {
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
        match done.map_err(|e| anyhow::anyhow!("computing a caseload row stopped: {e}"))? {
            Ok(row) => rows.push(row),
            // Deleted since the caseload was read: no row.
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
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

/// `GET /clinic`.
pub async fn page(
    State(state): State<AppState>,
    clinician: Clinician,
    token: CsrfToken,
    Query(query): Query<FilterQuery>,
) -> Result<Markup, PageError> {
    let filter = Filter::parse(&query).map_err(PageError::BadForm)?;
    let body = dashboard(&state.store, clinician.user.id, state.now(), &filter).await?;
    Ok(app_page("Your lifters", &clinician.user, &token, Nav::Clinic, body))
}

/// The page's body: what the server does for `GET /clinic` besides the layout.
pub async fn dashboard(
    store: &Arc<dyn Store>,
    clinician: UserId,
    now: Timestamp,
    filter: &Filter,
) -> Result<Markup, PageError> {
    let rows = caseload(store, clinician, now).await?;
    Ok(render(&rows, filter, now))
}

/// The dashboard of `rows` (sorted), with the filter form and the rows it selects.
pub fn render(rows: &[Row], filter: &Filter, now: Timestamp) -> Markup {
    let shown: Vec<&Row> = rows.iter().filter(|r| filter.matches(r)).collect();
    html! {
        div.caseload-head {
            h1 { "Your lifters" }
            a.button href="/clinic/invite" { "Invite a lifter" }
            a.button.secondary href="/clinic/digest" { "Daily digest" }
        }
        p.lead { "Most urgent first: urgent care, see a doctor, flaring, see a clinician, overdue check-ins, "
            "then everyone else, each group by latest activity." }
        (counts(rows, filter))
        (filter_form(filter))
        @if rows.is_empty() {
            p.empty { "No lifters yet. Invite a lifter: they accept, and their log appears here." }
        } @else if shown.is_empty() {
            p.empty { "No lifter matches. " a href="/clinic" { "Show everyone" } }
        } @else {
            (table(&shown, now))
        }
        p.note { "Statuses follow each lifter's own log under the protocol. They support, and do not replace, "
            "your clinical judgement." }
    }
}

/// How many lifters meet each condition, as links to that filter.
fn counts(rows: &[Row], filter: &Filter) -> Markup {
    html! {
        nav.status-counts aria-label="Lifters by status" {
            @for status in Status::ALL {
                @let n = rows.iter().filter(|r| r.conditions().contains(&status)).count();
                a.count href=(format!("/clinic?status={}", status.id())) data-count=(status.id())
                    aria-current=[(filter.status == Some(status)).then_some("true")] {
                    span class=(format!("badge status-{}", status.id())) { (status.label()) } " " strong { (n) }
                }
            }
        }
    }
}

fn filter_form(filter: &Filter) -> Markup {
    html! {
        form.caseload-filter method="get" action="/clinic" role="search" {
            label {
                "Status"
                select name="status" {
                    option value="" selected[filter.status.is_none()] { "Everyone" }
                    @for status in Status::ALL {
                        option value=(status.id()) selected[filter.status == Some(status)] { (status.label()) }
                    }
                }
            }
            label {
                "Name"
                input type="search" name="q" value=(filter.name) maxlength=(MAX_QUERY_CHARS) autocomplete="off"
                    placeholder="Find by name";
            }
            button type="submit" { "Show" }
            @if !filter.is_empty() { a.clear href="/clinic" { "Clear" } }
        }
    }
}

fn table(rows: &[&Row], now: Timestamp) -> Markup {
    html! {
        table.caseload {
            thead { tr {
                th scope="col" { "Lifter" } th scope="col" { "Status" } th scope="col" { "Rung" }
                th scope="col" { "Episode" } th scope="col" { "Last pain" } th scope="col" { "Pain trend" }
                th scope="col" { "Last active" }
            } }
            tbody { @for row in rows { (row_markup(row, now)) } }
        }
    }
}

fn row_markup(row: &Row, now: Timestamp) -> Markup {
    let status = row.status();
    html! {
        tr data-status=(status.id()) data-lifter=(row.lifter) {
            th scope="row" data-label="Lifter" { a href=(format!("/clinic/lifters/{}", row.lifter)) { (row.name) } }
            td data-label="Status" {
                span class=(format!("badge status-{}", status.id())) { (status.label()) }
                @for detail in status_details(row) { " " span.detail { (detail) } }
            }
            td data-label="Rung" { span.value { (rung_words(row)) } }
            td data-label="Episode" {
                span.value { @match row.episode_day(now) { Some(day) => { "day " (day) }, None => { "–" } } }
            }
            td data-label="Last pain" {
                span.value {
                    @match row.last_pain() {
                        Some(p) => { strong { (p.pain) "/10" } " " time datetime=(p.at) { (ago(p.at, now)) } },
                        None => { "none in " (RECENT_DAYS / 7) " weeks" },
                    }
                }
            }
            td.trend data-label="Pain trend" { (sparkline(&row.pains, row.tolerable_max)) }
            td data-label="Last active" {
                span.value {
                    @match row.last_activity {
                        Some(at) => { time datetime=(at) { (ago(at, now)) } },
                        None => { "never" },
                    }
                }
            }
        }
    }
}

/// The status in words, beyond its label: referral reasons, overdue check-ins, flags.
pub fn status_details(row: &Row) -> Vec<String> {
    let mut details = Vec::new();
    match row.action.as_str() {
        "urgent_care" => details.push("a red flag of possible nerve compression in the screening".to_owned()),
        "see_doctor" => details.push("a red flag in the screening: a doctor before training".to_owned()),
        "rest_active" => details.push("latest pain above tolerable: rest and stay active".to_owned()),
        _ => {}
    }
    if !row.referrals.is_empty() {
        let reasons: Vec<&str> = row.referrals.iter().map(|r| referral_words(r)).collect();
        details.push(format!("see a clinician: {}", reasons.join(", ")));
    }
    if row.overdue > 0 {
        let s = if row.overdue == 1 { "" } else { "s" };
        details.push(format!("{} check-in{s} overdue", row.overdue));
    }
    let flags: Vec<&str> = row.flags.iter().map(|f| flag_words(f)).collect();
    if !flags.is_empty() {
        details.push(format!("flags: {}", flags.join(", ")));
    }
    details
}

pub fn referral_words(id: &str) -> &str {
    match id {
        "duration" => "episode past the referral day (6 weeks by default)",
        "repeated_flares" => "repeated flares",
        "no_tolerable_rung" => "no tolerable rung",
        "asymmetry" => "left/right asymmetry",
        other => other,
    }
}

fn flag_words(id: &str) -> &str {
    match id {
        "intensity_spike" => "intensity spike",
        "volume_spike" => "volume spike",
        "missing_checkin" => "missing 24 h check-in",
        "working_weight_unknown" => "working weight unknown",
        other => other,
    }
}

fn rung_words(row: &Row) -> String {
    match (row.rung, &row.block) {
        (Some(rung), Some(block)) => format!("rung {rung} of 11, from a {block} block"),
        (Some(rung), None) => format!("rung {rung} of 11"),
        (None, _) => "normal".to_owned(),
    }
}

/// "just now", "5 min ago", "3 h ago", "2 days ago", "5 weeks ago".
pub fn ago(then: Timestamp, now: Timestamp) -> String {
    let minutes = now.duration_since(then).as_mins();
    match minutes {
        ..1 => "just now".to_owned(),
        1..60 => format!("{minutes} min ago"),
        60..1440 => format!("{} h ago", minutes / 60),
        1440..2880 => "1 day ago".to_owned(),
        2880..20160 => format!("{} days ago", minutes / 1440),
        _ => format!("{} weeks ago", minutes / 10080),
    }
}

const SPARK_WIDTH: usize = 120;
const SPARK_HEIGHT: usize = 28;

/// A tiny inline SVG of the pains (0–10, oldest first) with a dashed line at the
/// tolerable maximum, labelled for screen readers.
pub fn sparkline(pains: &[PainAt], tolerable_max: u8) -> Markup {
    let values: Vec<u8> = pains.iter().map(|p| p.pain).collect();
    if values.is_empty() {
        return html! { span.muted { "–" } };
    }
    let y = |pain: u8| (SPARK_HEIGHT - 2) as f64 - f64::from(pain) * (SPARK_HEIGHT - 4) as f64 / 10.0;
    let step = if values.len() > 1 { SPARK_WIDTH as f64 / (values.len() - 1) as f64 } else { 0.0 };
    let points: Vec<String> =
        values.iter().enumerate().map(|(i, &v)| format!("{:.1},{:.1}", i as f64 * step, y(v))).collect();
    let last = values.len() - 1;
    let label = format!(
        "Pain at the last {} check-ins, oldest first: {}",
        values.len(),
        values.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")
    );
    let above = values[last] > tolerable_max;
    html! {
        svg.sparkline viewBox=(format!("-3 -3 {} {}", SPARK_WIDTH + 6, SPARK_HEIGHT + 6)) width=(SPARK_WIDTH)
            height=(SPARK_HEIGHT) role="img" aria-label=(label) {
            line.tolerable x1="0" x2=(SPARK_WIDTH) y1=(format!("{:.1}", y(tolerable_max)))
                y2=(format!("{:.1}", y(tolerable_max))) {}
            polyline points=(points.join(" ")) {}
            circle class=(if above { "last above" } else { "last" }) cx=(format!("{:.1}", last as f64 * step))
                cy=(format!("{:.1}", y(values[last]))) r="2.5" {}
        }
    }
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
        Row {
            lifter: name.len() as i64,
            name: name.to_owned(),
            action: action.to_owned(),
            rung: None,
            block: None,
            episode_started: None,
            referrals: vec![],
            flags: vec![],
            overdue: 0,
            pains: vec![],
            tolerable_max: 4,
            last_activity: None,
        }
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
    fn the_filter_matches_any_condition_and_a_part_of_the_name() {
        let mut flaring = row("Flo Berg", "rest_active");
        flaring.overdue = 1;
        let query = |status: &str, q: &str| FilterQuery { status: Some(status.into()), q: Some(q.into()) };
        let overdue = Filter::parse(&query("overdue", "")).unwrap_or_else(|e| panic!("{e}"));
        assert!(overdue.matches(&flaring), "overdue, though flaring comes first");
        assert!(!overdue.matches(&row("nora", "train")));
        let by_name = Filter::parse(&query("", "  bErG ")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(by_name, Filter { status: None, name: "bErG".into() });
        assert!(by_name.matches(&flaring));
        assert!(!by_name.matches(&row("nora", "train")));
        assert!(Filter::parse(&FilterQuery::default()).is_ok_and(|f| f.is_empty()));
    }

    #[test]
    fn a_bad_filter_names_its_field() {
        let bad = Filter::parse(&FilterQuery { status: Some("worried".into()), q: None });
        assert!(bad.as_ref().is_err_and(|e| e.starts_with("status:") && e.contains("urgent")), "{bad:?}");
        let long = Filter::parse(&FilterQuery { status: None, q: Some("x".repeat(MAX_QUERY_CHARS + 1)) });
        assert!(long.is_err_and(|e| e.starts_with("q:")));
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

    #[test]
    fn times_read_as_how_long_ago() {
        let now = at("2026-03-02T07:00:00Z");
        let ago_text = |t: &str| ago(at(t), now);
        assert_eq!(ago_text("2026-03-02T06:59:30Z"), "just now");
        assert_eq!(ago_text("2026-03-02T06:15:00Z"), "45 min ago");
        assert_eq!(ago_text("2026-03-02T04:00:00Z"), "3 h ago");
        assert_eq!(ago_text("2026-03-01T06:00:00Z"), "1 day ago");
        assert_eq!(ago_text("2026-02-25T07:00:00Z"), "5 days ago");
        assert_eq!(ago_text("2026-01-20T07:00:00Z"), "5 weeks ago");
        assert_eq!(ago_text("2026-01-19T07:00:00Z"), "6 weeks ago");
    }

    #[test]
    fn the_sparkline_lists_its_values_and_marks_a_last_pain_above_tolerable() {
        let pains: Vec<PainAt> = [2, 3, 6]
            .iter()
            .enumerate()
            .map(|(i, &pain)| PainAt { pain, at: Timestamp::from_second(i as i64).unwrap_or(Timestamp::UNIX_EPOCH) })
            .collect();
        let svg = sparkline(&pains, 4).into_string();
        assert!(svg.contains("aria-label=\"Pain at the last 3 check-ins, oldest first: 2, 3, 6\""), "{svg}");
        assert!(svg.contains("class=\"last above\""), "{svg}");
        assert!(svg.contains("points=\"0.0,21.2 60.0,18.8 120.0,11.6\""), "{svg}");
        let calm = sparkline(&pains[..2], 4).into_string();
        assert!(!calm.contains("above"), "{calm}");
        assert!(sparkline(&[], 4).into_string().contains('–'));
    }
}
