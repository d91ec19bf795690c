//! The clinician's daily digest (`GET /clinic/digest`, and as an RSS 2.0 feed at
//! a secret link `GET /digest/{secret}.rss`): which of their lifters changed state
//! over the last day — entered an episode, got a red flag (urgent care, see a
//! doctor), got a new referral reason — and who has overdue check-ins.
//!
//! The state now is the caseload dashboard's rows ([`dashboard::caseload`], the
//! same computation and cache, called, not copied). "A day ago" is needed only for
//! lifters with a red flag or a referral now (to tell a new one from one already
//! known): their plan a day ago is replayed from their log.

use crate::auth::Clinician;
use crate::clinic::dashboard::referral_words;
use crate::csrf::{CsrfToken, Form, NoFields};
use crate::error::PageError;
use crate::feeds;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use maud::{Markup, html};
use pullback_app::caseload::{Row, caseload};
use pullback_core::Decision;
use pullback_store::{FeedKind, Store, StoreError, UserId};
use serde::Deserialize;
use std::sync::Arc;

/// How far back the digest looks.
pub const DIGEST_WINDOW: SignedDuration = SignedDuration::from_hours(24);

/// What changed for a lifter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Urgent care or see a doctor, not so a day ago.
    RedFlag,
    /// A see-a-clinician reason that was not there a day ago.
    Referral,
    /// The episode started within the last day.
    EnteredEpisode,
    /// Check-ins more than 12 hours late (listed every day while they are).
    Overdue,
}

impl ChangeKind {
    pub fn id(self) -> &'static str {
        match self {
            ChangeKind::RedFlag => "red_flag",
            ChangeKind::Referral => "referral",
            ChangeKind::EnteredEpisode => "episode",
            ChangeKind::Overdue => "overdue",
        }
    }
}

/// One line of the digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub lifter: i64,
    pub name: String,
    pub kind: ChangeKind,
    /// Plain words: what the protocol says now.
    pub text: String,
}

/// What a lifter's plan a day ago said, as far as the digest compares it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Before {
    pub red_flag: bool,
    pub referrals: Vec<String>,
}

fn red_flag(action: &str) -> bool {
    matches!(action, "urgent_care" | "see_doctor")
}

/// The digest's lines for one lifter: their row now, their plan a day ago (only
/// asked for when the row has a red flag or a referral), the digest's start.
pub fn changes_of(row: &Row, before: Option<&Before>, since: Timestamp) -> Vec<Change> {
    let change = |kind: ChangeKind, text: String| Change { lifter: row.lifter, name: row.name.clone(), kind, text };
    let before = before.cloned().unwrap_or_default();
    let mut found = Vec::new();
    if red_flag(&row.action) && !before.red_flag {
        let text = if row.action == "urgent_care" {
            "Red flag: urgent care (the latest screening)."
        } else {
            "Red flag: see a doctor before training (the latest screening)."
        };
        found.push(change(ChangeKind::RedFlag, text.into()));
    }
    let new: Vec<&str> =
        row.referrals.iter().filter(|r| !before.referrals.contains(r)).map(|r| referral_words(r)).collect();
    if !new.is_empty() {
        found.push(change(ChangeKind::Referral, format!("New referral reason: {}.", new.join(", "))));
    }
    if row.episode_started.is_some_and(|start| start > since) {
        found.push(change(ChangeKind::EnteredEpisode, "Entered an episode (a flare).".into()));
    }
    if row.overdue > 0 {
        let n = row.overdue;
        found.push(change(ChangeKind::Overdue, format!("{n} check-in{} overdue.", if n == 1 { "" } else { "s" })));
    }
    found
}

/// The clinician's digest at `now`, most urgent first.
pub async fn digest(store: &Arc<dyn Store>, clinician: UserId, now: Timestamp) -> Result<Vec<Change>, PageError> {
    let since = now.checked_sub(DIGEST_WINDOW).unwrap_or(Timestamp::MIN);
    let rows = caseload(store, clinician, now).await?;
    let mut changes = Vec::new();
    for row in &rows {
        let before = if red_flag(&row.action) || !row.referrals.is_empty() {
            match plan_before(store.as_ref(), UserId(row.lifter), since).await {
                Ok(before) => Some(before),
                // Deleted since the caseload was read.
                Err(StoreError::NotFound { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        } else {
            None
        };
        changes.extend(changes_of(row, before.as_ref(), since));
    }
    changes.sort_by_cached_key(|c| (c.kind, c.name.to_lowercase(), c.lifter));
    Ok(changes)
}

/// The lifter's plan at `at`, from their whole log (on a blocking thread: a replay).
async fn plan_before(store: &dyn Store, lifter: UserId, at: Timestamp) -> Result<Before, StoreError> {
    let history = store.history(lifter).await?;
    let decision: Decision = tokio::task::spawn_blocking(move || pullback_core::plan(&history.history, at))
        .await
        .map_err(|e| StoreError::Backend(format!("the replay stopped: {e}").into()))?;
    Ok(Before {
        red_flag: red_flag(decision.action.id()),
        referrals: decision.see_clinician.iter().map(|r| r.id().to_owned()).collect(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    #[serde(default)]
    revoked: Option<String>,
}

/// `GET /clinic/digest`.
pub async fn page(
    State(state): State<AppState>,
    clinician: Clinician,
    token: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Markup, PageError> {
    let now = state.now();
    let changes = digest(&state.store, clinician.user.id, now).await?;
    let link_since = state.store.reminders().feed_link(clinician.user.id, FeedKind::Digest).await?;
    let body = html! {
        h1 { "Daily digest" }
        p.lead { "Who changed state in the last 24 hours: red flags, new referral reasons, new episodes; \
            and who has overdue check-ins." }
        @if notice.revoked.is_some() { p.notice role="status" { "The feed link is revoked: it no longer opens your digest." } }
        (changes_list(&changes))
        (feed_section(&token, link_since))
        p.note { "Statuses follow each lifter's own log under the protocol. They support, and do not replace, \
            your clinical judgement." }
        p { a href="/clinic" { "Back to your lifters" } }
    };
    Ok(app_page("Daily digest", &clinician.user, &token, Nav::Clinic, body))
}

fn changes_list(changes: &[Change]) -> Markup {
    html! {
        @if changes.is_empty() {
            p.empty { "No changes in the last 24 hours." }
        } @else {
            ul.digest {
                @for c in changes {
                    li data-kind=(c.kind.id()) {
                        a href=(format!("/clinic/lifters/{}", c.lifter)) { (c.name) } ": " (c.text)
                    }
                }
            }
        }
    }
}

fn feed_section(token: &CsrfToken, since: Option<Timestamp>) -> Markup {
    html! {
        section aria-labelledby="digest-feed-title" {
            h2 #digest-feed-title { "As a feed" }
            p.hint { "A private RSS link for a feed reader: the same digest, refreshed whenever the reader asks. \
                It is shown once; anyone with it reads your lifters' names and states, so revoke it if it leaks." }
            @if since.is_some() {
                p { "A feed link is active." }
                form.inline method="post" action="/clinic/digest/feed/revoke" {
                    (csrf_field(token)) button.secondary type="submit" { "Revoke the link" }
                }
                " "
                form.inline method="post" action="/clinic/digest/feed" {
                    (csrf_field(token)) button.secondary type="submit" { "Make a new link" }
                }
            } @else {
                form method="post" action="/clinic/digest/feed" {
                    (csrf_field(token)) button type="submit" { "Get a feed link" }
                }
            }
        }
    }
}

/// `POST /clinic/digest/feed`: a new link (the old one stops working), shown once.
pub async fn new_feed_link(
    State(state): State<AppState>,
    clinician: Clinician,
    token: CsrfToken,
    headers: HeaderMap,
    Form(_): Form<NoFields>,
) -> Result<Response, PageError> {
    let (secret, digest) = feeds::new_secret()?;
    state.store.reminders().replace_feed_link(clinician.user.id, FeedKind::Digest, &digest, state.now()).await?;
    let link = format!("{}/digest/{secret}.rss", feeds::base_url(&state, &headers));
    let body = html! {
        h1 { "Your digest feed" }
        p.notice role="status" { "Copy it now: it is shown only this once. Any older link no longer works." }
        label { "The link (paste it into your feed reader)" input.token #digest-link readonly value=(link); }
        p { a.button.secondary href="/clinic/digest" { "Back to the digest" } }
    };
    let mut response = app_page("Your digest feed", &clinician.user, &token, Nav::Clinic, body).into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `POST /clinic/digest/feed/revoke`.
pub async fn revoke_feed_link(
    State(state): State<AppState>,
    clinician: Clinician,
    Form(_): Form<NoFields>,
) -> Result<Response, PageError> {
    state.store.reminders().revoke_feed_link(clinician.user.id, FeedKind::Digest).await?;
    Ok(Redirect::to("/clinic/digest?revoked=1").into_response())
}

/// `GET /digest/{secret}.rss`: the digest as RSS 2.0. A link of someone who is no
/// longer a clinician opens nothing.
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let owner = feeds::owner(&state, FeedKind::Digest, &file, "rss").await?;
    if !state.store.user(owner).await?.clinician {
        return Err(PageError::NotFound);
    }
    let now = state.now();
    let changes = digest(&state.store, owner, now).await?;
    Ok(feeds::response(
        "application/rss+xml; charset=utf-8",
        rss_document(&changes, &feeds::base_url(&state, &headers), now),
    ))
}

/// The RSS 2.0 document: one item per change. A change's GUID is stable for its
/// lifter, kind and day, so a reader shows it once a day, not at every refresh.
pub fn rss_document(changes: &[Change], base: &str, now: Timestamp) -> String {
    let day = now.strftime("%Y-%m-%d").to_string();
    let items = changes
        .iter()
        .map(|c| rss::Item {
            title: Some(format!("{}: {}", c.name, c.text)),
            link: Some(format!("{base}/clinic/lifters/{}", c.lifter)),
            description: Some(c.text.clone()),
            guid: Some(rss::Guid {
                value: format!("pullback-digest-{}-{}-{day}", c.lifter, c.kind.id()),
                permalink: false,
            }),
            pub_date: Some(now.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()),
            ..rss::Item::default()
        })
        .collect();
    rss::Channel {
        title: "Pullback: daily digest".into(),
        link: format!("{base}/clinic/digest"),
        description: "Which of your lifters changed state in the last 24 hours. It supports, and does not \
            replace, your clinical judgement."
            .into(),
        last_build_date: Some(now.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()),
        ttl: Some("60".into()),
        items,
        ..rss::Channel::default()
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(action: &str) -> Row {
        Row {
            lifter: 1,
            name: "ana".into(),
            action: action.into(),
            rung: None,
            block: None,
            episode_started: None,
            referrals: vec![],
            flags: vec![],
            overdue: 0,
            pains: vec![],
            tolerable_max: 3,
            last_activity: None,
        }
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn a_red_flag_or_referral_is_news_only_when_it_is_new() {
        let since = at("2026-03-01T07:00:00Z");
        let mut now = row("see_doctor");
        now.referrals = vec!["repeated_flares".into()];
        let kinds = |b: Option<&Before>| changes_of(&now, b, since).iter().map(|c| c.kind).collect::<Vec<_>>();
        assert_eq!(kinds(None), [ChangeKind::RedFlag, ChangeKind::Referral]);
        let known = Before { red_flag: true, referrals: vec!["repeated_flares".into()] };
        assert!(kinds(Some(&known)).is_empty());
    }

    #[test]
    fn an_episode_is_news_on_the_day_it_starts_and_overdue_every_day() {
        let since = at("2026-03-01T07:00:00Z");
        let mut r = row("train");
        r.episode_started = Some(at("2026-03-01T18:00:00Z"));
        r.overdue = 2;
        let found = changes_of(&r, None, since);
        assert_eq!(found.iter().map(|c| c.kind).collect::<Vec<_>>(), [ChangeKind::EnteredEpisode, ChangeKind::Overdue]);
        assert_eq!(found[1].text, "2 check-ins overdue.");
        r.episode_started = Some(at("2026-02-20T18:00:00Z"));
        assert_eq!(changes_of(&r, None, since).len(), 1, "an older episode is no news");
    }
}
