//! The caseload dashboard (`GET /clinic`): the rows of
//! [`pullback_app::caseload`], most urgent first, with counts by status and a
//! filter by status and name.

use crate::auth::Clinician;
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::pages::{Nav, app_page};
use crate::state::AppState;
use axum::extract::{Query, State};
use jiff::Timestamp;
use maud::{Markup, html};
use pullback_app::caseload::{PainAt, RECENT_DAYS, Row, Status, caseload};
use pullback_core::{Flag, Referral};
use pullback_store::{Store, UserId};
use serde::Deserialize;
use std::sync::Arc;

/// The longest name search taken; longer text cannot match a user name anyway.
const MAX_QUERY_CHARS: usize = 100;

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

/// A referral's words by its id (an id this build does not know, from an older
/// cached row, is shown as it is).
pub fn referral_words(id: &str) -> &str {
    Referral::from_id(id).map_or(id, |r| r.words())
}

fn flag_words(id: &str) -> &str {
    Flag::from_id(id).map_or(id, |f| f.words())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn row(name: &str, action: &str) -> Row {
        Row::quiet(name.len() as i64, name, action)
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
