//! From a core [`Decision`] to the `pullback.plan/v1` output document.
//!
//! Field order follows plan-contract.md so that `--pretty` output reads like it.

use crate::CONTRACT;
use pullback_core::{Decimal, Decision, Load, PROTOCOL, Prescribed, Share, Tolerance, Units};
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// Shown with every piece of advice, in every format.
pub const DISCLAIMER: &str = "Pullback gives training guidance from your own logs. It does not replace a clinician, \
     and it never diagnoses or doses. If pain is severe, spreading or new, see a doctor or physical therapist.";

/// The output document. Field names and enumerations are a stable promise.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PlanOutput {
    pub contract: &'static str,
    pub protocol: &'static str,
    pub as_of: String,
    pub action: &'static str,
    pub status: &'static str,
    pub rung: Option<u8>,
    pub block_height: Option<f64>,
    pub episode: Option<EpisodeOut>,
    pub transition: &'static str,
    pub prescription: Vec<PrescribedOut>,
    pub load_cap: Option<f64>,
    pub flags: Vec<&'static str>,
    pub see_clinician: SeeClinicianOut,
    pub metrics: MetricsOut,
    pub reasons: Vec<TextOut>,
    pub education: Vec<EducationOut>,
    /// Added field: the safety note every advice screen shows.
    pub disclaimer: &'static str,
    /// Added field (issue 18): the personal tolerance estimate. Information only:
    /// it never changes the prescription.
    pub tolerance: ToleranceOut,
}

/// The personal tolerance estimate (`pullback_core::tolerance`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ToleranceOut {
    /// `estimate`, `not_enough_data` or `no_clear_threshold`.
    pub status: &'static str,
    /// Flares began above this top-set load; null without an estimate.
    pub load: Option<f64>,
    pub unit: &'static str,
    /// `load` as a whole percentage of the working weight; null without one.
    pub percent_of_working_weight: Option<f64>,
    /// `clear` (the 95 % intervals of the flare rates do not overlap) or
    /// `tentative`; null without an estimate.
    pub confidence: Option<&'static str>,
    /// The sessions above `load`, at or below it; null without an estimate.
    pub above: Option<ShareOut>,
    pub below: Option<ShareOut>,
    /// The rated sessions it is made from, and the earliest one's time.
    pub sessions: u32,
    pub flared: u32,
    pub tolerated: u32,
    pub since: Option<String>,
    /// What an estimate needs at least.
    pub minimum: MinimumOut,
    /// The estimate in one or two plain sentences.
    pub text: String,
}

/// Sessions on one side of the estimate, with the Wilson 95 % interval of their
/// flare rate (0–1, rounded to 2 decimals).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ShareOut {
    pub sessions: u32,
    pub flared: u32,
    pub flare_rate_low: f64,
    pub flare_rate_high: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MinimumOut {
    pub sessions: u32,
    pub flared: u32,
    pub tolerated: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EpisodeOut {
    pub started: String,
    pub day: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PrescribedOut {
    pub exercise: &'static str,
    pub load: Option<f64>,
    pub unit: &'static str,
    pub sets: Option<u8>,
    pub reps: Option<u8>,
    pub tempo: Option<String>,
    pub block_height: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeeClinicianOut {
    pub recommended: bool,
    pub reasons: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MetricsOut {
    pub working_weight: Option<f64>,
    pub acwr: Option<f64>,
    pub days_since_last_session: Option<i64>,
    pub lsi: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TextOut {
    pub rule: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EducationOut {
    pub id: &'static str,
    pub text: &'static str,
}

/// RFC 3339 in UTC with `Z`, truncated to the second.
pub fn format_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A decimal as a JSON number. Loads are multiples of the increment, so `f64`
/// prints them exactly as the shortest decimal that round-trips.
fn number(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(f64::NAN)
}

fn load(l: Load) -> f64 {
    number(l.value())
}

pub fn render(d: &Decision) -> PlanOutput {
    let units = d.units;
    PlanOutput {
        contract: CONTRACT,
        protocol: PROTOCOL,
        as_of: format_time(d.as_of),
        action: d.action.id(),
        status: if d.in_episode() { "episode" } else { "normal" },
        rung: d.rung.map(|r| r.value()),
        block_height: d.block.map(|b| number(b.height(units))),
        episode: d.episode.map(|e| EpisodeOut { started: format_time(e.started), day: e.day }),
        transition: d.transition.id(),
        prescription: d.prescription.iter().map(|p| prescribed(p, units)).collect(),
        load_cap: d.load_cap.map(load),
        flags: d.flags.iter().map(|f| f.id()).collect(),
        see_clinician: SeeClinicianOut {
            recommended: !d.see_clinician.is_empty(),
            reasons: d.see_clinician.iter().map(|r| r.id()).collect(),
        },
        metrics: MetricsOut {
            working_weight: d.metrics.working_weight.map(load),
            acwr: d.metrics.acwr.map(number),
            days_since_last_session: d.metrics.days_since_last_session,
            lsi: d.metrics.lsi.map(number),
        },
        reasons: d.reasons.iter().map(|r| TextOut { rule: r.rule, text: r.text.clone() }).collect(),
        education: d.education.iter().map(|e| EducationOut { id: e.id(), text: e.text() }).collect(),
        disclaimer: DISCLAIMER,
        tolerance: tolerance(&d.tolerance, units),
    }
}

fn tolerance(t: &Tolerance, units: Units) -> ToleranceOut {
    let estimate = t.verdict.estimate();
    ToleranceOut {
        status: t.verdict.id(),
        load: estimate.map(|e| load(e.load)),
        unit: units.load_symbol(),
        percent_of_working_weight: estimate.and_then(|e| e.percent_of_working_weight).map(number),
        confidence: estimate.map(|e| e.confidence.id()),
        above: estimate.map(|e| share(e.above)),
        below: estimate.map(|e| share(e.below)),
        sessions: t.sessions,
        flared: t.flared,
        tolerated: t.tolerated,
        since: t.since.map(format_time),
        minimum: MinimumOut {
            sessions: pullback_core::tolerance::MIN_SESSIONS,
            flared: pullback_core::tolerance::MIN_EACH,
            tolerated: pullback_core::tolerance::MIN_EACH,
        },
        text: t.text.clone(),
    }
}

fn share(s: Share) -> ShareOut {
    let (low, high) = s.interval();
    let two_places = |x: f64| (x * 100.0).round() / 100.0;
    ShareOut {
        sessions: s.sessions,
        flared: s.flared,
        flare_rate_low: two_places(low),
        flare_rate_high: two_places(high),
    }
}

fn prescribed(p: &Prescribed, units: Units) -> PrescribedOut {
    PrescribedOut {
        exercise: p.exercise.id(),
        load: p.load.map(load),
        unit: units.load_symbol(),
        sets: p.sets,
        reps: p.reps,
        tempo: p.tempo.map(|t| t.to_string()),
        block_height: p.block.map(|b| number(b.height(units))),
    }
}
