//! The personal tolerance estimate (`pullback_core::tolerance`) as a card: one
//! render for Today, History and the clinician's lifter page, in plain words for a
//! phone. It says that it is information, not a change to the plan, and that it
//! does not replace a clinician.

use maud::{Markup, html};
use pullback_core::{Profile, Tolerance, Verdict};

/// Who reads the card: the lifter ("your") or their clinician ("their").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Lifter,
    Clinician,
}

impl Reader {
    fn their(self) -> &'static str {
        match self {
            Reader::Lifter => "your",
            Reader::Clinician => "their",
        }
    }
}

/// The card. The estimate leads with the load in large type, then the counts in
/// a sentence; without one, the sentence says why.
pub fn card(tolerance: &Tolerance, profile: &Profile, reader: Reader) -> Markup {
    let their = reader.their();
    html! {
        section.tolerance data-tolerance=(tolerance.verdict.id()) aria-labelledby="tolerance-title" {
            h2 #tolerance-title { "Load tolerance, from " (their) " log" }
            @if let Verdict::Estimate(e) = tolerance.verdict {
                p.tolerance-load {
                    "Flares began above about "
                    strong data-tolerance-load { (e.load.shown(profile.load_increment)) " " (profile.units.load_symbol()) }
                    @if let Some(percent) = e.percent_of_working_weight {
                        span.percent { " (" (percent) "% of " (their) " working weight)" }
                    }
                }
            }
            p.tolerance-text { (tolerance.detail) }
            p.hint {
                "This is information from " (their) " own sessions, not a change to " (their) " plan: the plan "
                "follows the protocol as before. It does not replace a clinician."
            }
        }
    }
}
