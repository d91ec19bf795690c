//! Today: check-ins that are due, then the plan with its reasons and education.

use crate::auth::Lifter;
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::pages::{Nav, app_page};
use crate::state::AppState;
use axum::extract::{Query, State};
use maud::{Markup, html};
use pullback_app::planning::{Owed, owed};
use pullback_contract::PlanOutput;
use pullback_core::Point;
use pullback_store::StoredProfile;

/// `?saved=session` and the like: what the last form saved, said once on arrival.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Arrival {
    #[serde(default)]
    saved: Option<String>,
}

/// What a save redirect names, in words; `None` for anything else.
pub fn saved_words(what: &str) -> Option<&'static str> {
    Some(match what {
        "session" => "Session saved.",
        "checkin" => "Check-in saved.",
        "screening" => "Screening saved.",
        "symmetry" => "Symmetry test saved.",
        "changed" => "Change saved. Your plan below follows it.",
        "deleted" => "Deleted. Your plan below follows it.",
        _ => return None,
    })
}

pub async fn show(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Query(arrival): Query<Arrival>,
) -> Result<Markup, PageError> {
    let now = state.now();
    let user = lifter.user.id;
    let decision = state.plans.decision(state.store.as_ref(), user, lifter.revision, now).await?;
    let output = pullback_contract::render(&decision);
    let profile = state.store.profile(user).await?;
    let sessions = state.store.sessions(user, Some(10)).await?;
    let owed: Vec<Owed> = owed(&sessions, now).into_iter().filter(|o| o.status != "upcoming").collect();
    let saved = arrival.saved.as_deref().and_then(saved_words);
    let body = html! {
        @if let Some(words) = saved { p.saved role="status" { (words) } }
        // Filled in by app.js: entries kept on this phone while offline, and their sync.
        p.sync role="status" data-sync-status hidden {}
        // A red flag comes first and alone: no check-in chasing above "get care now".
        @if !stop_training(&output) { (due_checkins(&owed, &profile)) }
        (plan_card(&output, &profile))
        @if matches!(output.action, "train" | "rest_active") {
            p.links.start {
                a.button.start href="/session" { "Start session" }
                a.button.secondary href="/log" { "Log an earlier session" }
            }
        }
        p.links { a.button.secondary href="/screening" { "Red-flag screening" } }
    };
    Ok(app_page("Today", &lifter.user, &token, Nav::Today, body))
}

fn due_checkins(owed: &[Owed], profile: &StoredProfile) -> Markup {
    html! {
        @if !owed.is_empty() {
            section.due aria-label="Check-ins due" {
                h2 { "Check-ins due" }
                ul.plain {
                    @for o in owed {
                        li {
                            a.button href=(format!("/checkin?session={}&point={}", o.session, o.point.id())) {
                                "Rate your back " (point_words(o.point)) " your session of "
                                (session_day(o, profile))
                                @if o.status == "overdue" { " (overdue)" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The day of the session a check-in is owed for (its due time less the point's offset).
fn session_day(owed: &Owed, profile: &StoredProfile) -> String {
    let session = owed.due.checked_sub(owed.point.default_offset()).unwrap_or(owed.due);
    session.to_zoned(profile.profile.time_zone.clone()).strftime("%a %-d %b").to_string()
}

/// "1 hour after", "24 hours after".
pub fn point_words(point: Point) -> &'static str {
    match point {
        Point::Before => "before",
        Point::During => "during",
        Point::After1h => "1 hour after",
        Point::After24h => "24 hours after",
    }
}

/// The plan: unmistakable for urgent care and see-doctor, plain otherwise. What
/// to do today leads in plain words; a referral comes right under it, above the
/// prescription; the ladder's terms (rung, episode day) are details.
pub fn plan_card(out: &PlanOutput, profile: &StoredProfile) -> Markup {
    let tone = match out.action {
        "urgent_care" => "plan urgent",
        "see_doctor" => "plan doctor",
        "rest_active" => "plan rest",
        _ => "plan train",
    };
    let p = &profile.profile;
    let plates = profile.plates_or_default();
    // On a stop day only the red flag's reason comes up front; on a rest day only
    // the rest: one instruction at a time. The others fold away.
    let focus = if stop_training(out) || out.action == "rest_active" { Some(out.action) } else { None };
    let (up_front, later): (Vec<_>, Vec<_>) =
        out.reasons.iter().partition(|r| focus.is_none_or(|action| r.rule == action));
    html! {
        section class=(tone) data-action=(out.action) aria-live="polite" {
            h1 { (pullback_contract::plain_headline(out)) }
            @if let Some(words) = pullback_contract::ladder_words(out) { p.ladder { (words) } }
            @if out.action == "urgent_care" {
                p.callout { "Call your local emergency number or go to an emergency department now. "
                    "These symptoms need a doctor today, not training advice." }
            }
            @if out.action == "see_doctor" {
                p.callout { "Book a doctor's appointment before your next session." }
            }
            @if out.see_clinician.recommended && !stop_training(out) {
                p.clinician role="note" { strong { "See a clinician: " }
                    (out.see_clinician.reasons.iter().map(|r| crate::clinic::dashboard::referral_words(r))
                        .collect::<Vec<_>>().join(", "))
                    ". A physical therapist who knows lifting can look at this with you." }
            }
            @if !out.prescription.is_empty() {
                h2 { @if out.action == "rest_active" { "Today instead" } @else { "Next session" } }
                ul.prescription {
                    @for line in &out.prescription {
                        li {
                            span.line { (capitalised(&pullback_contract::prescribed_line(line))) }
                            @if let Some(note) = pullback_contract::plates_note(line, p.bar_weight, &plates, p.units) {
                                span.plates { "Plates: " (note.trim_start_matches("= ")) }
                            }
                        }
                    }
                }
                @if let Some(cap) = out.load_cap {
                    p { "Keep top sets at or under " strong { (cap) " " (p.units.load_symbol()) } "." }
                }
            }
            @if !up_front.is_empty() {
                h2 { "Why" }
                ul { @for r in &up_front { li data-rule=(r.rule) { (r.text) } } }
            }
            @if !later.is_empty() {
                details.education {
                    summary { @if stop_training(out) { "Your training record, for when a doctor has cleared you" }
                        @else { "Your ladder, for your next training day" } }
                    ul { @for r in &later { li data-rule=(r.rule) { (r.text) } } }
                }
            }
            @if !out.education.is_empty() {
                details.education {
                    summary { "Good to know" }
                    @for e in &out.education { p { (e.text) } }
                }
            }
        }
    }
}

/// Urgent care and see-a-doctor: the screen says only that.
fn stop_training(out: &PlanOutput) -> bool {
    matches!(out.action, "urgent_care" | "see_doctor")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
