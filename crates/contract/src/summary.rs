//! A short human summary of a decision (`pullback plan --format text`).

use crate::render::{DISCLAIMER, PlanOutput, PrescribedOut};
use std::fmt::Write;

/// Renders the same decision as the JSON, for a person at a terminal.
pub fn summary(out: &PlanOutput) -> String {
    summary_with(out, |_| None)
}

/// The summary, with a note after each prescribed line (e.g. the plates per side).
pub fn summary_with(out: &PlanOutput, note: impl Fn(&PrescribedOut) -> Option<String>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", headline(out));
    if !out.prescription.is_empty() {
        let _ = writeln!(s, "\nNext session:");
        for p in &out.prescription {
            let _ = writeln!(s, "  - {}", line(p));
            if let Some(note) = note(p) {
                let _ = writeln!(s, "    {note}");
            }
        }
    }
    if let Some(cap) = out.load_cap {
        let unit = out.prescription.first().map_or("", |p| p.unit);
        let _ = writeln!(s, "  Top sets at or under {cap} {unit}.");
    }
    if !out.reasons.is_empty() {
        let _ = writeln!(s, "\nWhy:");
        for r in &out.reasons {
            let _ = writeln!(s, "  - {}", r.text);
        }
    }
    if out.see_clinician.recommended {
        let _ = writeln!(s, "\nSee a clinician: {}.", out.see_clinician.reasons.join(", ").replace('_', " "));
    }
    if !out.flags.is_empty() {
        let _ = writeln!(s, "\nFlags: {}.", out.flags.join(", ").replace('_', " "));
    }
    // Information only, and only once there is an estimate: a red-flag day says nothing else.
    if out.tolerance.status == "estimate" && matches!(out.action, "train" | "rest_active") {
        let _ = writeln!(s, "\nTolerance estimate (information, not a change to this plan):\n  {}", out.tolerance.text);
    }
    let _ = writeln!(s, "\n{DISCLAIMER}");
    s
}

/// The decision in one sentence: what to do today.
pub fn headline(out: &PlanOutput) -> String {
    match out.action {
        "urgent_care" => "URGENT: get emergency care now. Do not train.".to_string(),
        "see_doctor" => "See a doctor before you train again.".to_string(),
        "rest_active" => "Rest from deadlifts today; stay active.".to_string(),
        _ => match (&out.episode, out.rung) {
            (Some(e), Some(rung)) => format!("Train: episode day {}, rung {rung} of 11.", e.day),
            _ => "Train: your own program.".to_string(),
        },
    }
}

/// What to do today, in plain words and first: "Deadlift 3 × 5 at 72.5 kg from a
/// 15 cm block: your back is settling." The ladder's terms (rung, episode day) are
/// for [`ladder_words`], under it.
pub fn plain_headline(out: &PlanOutput) -> String {
    let first = out.prescription.first();
    match (out.action, first) {
        ("urgent_care" | "see_doctor", _) => headline(out),
        ("rest_active", _) => "No deadlifts today: bird dogs and unloaded good mornings, and a walk.".to_string(),
        (_, Some(p)) if out.status == "episode" => {
            let mut text = line(p).replace(", from a", " from a");
            if let Some(c) = text.get(..1) {
                text = c.to_uppercase() + &text[1..];
            }
            format!("{text}: {}.", settling_words(out.transition))
        }
        _ => match out.load_cap {
            Some(cap) => format!("Train your own program, top sets at or under {cap} {}.", unit_of(out)),
            None => "Train: your own program.".to_string(),
        },
    }
}

fn unit_of(out: &PlanOutput) -> &'static str {
    out.prescription.first().map_or("kg", |p| p.unit)
}

/// How the last session moved the ladder, in a lifter's words.
fn settling_words(transition: &str) -> &'static str {
    match transition {
        "progress" | "block_lower" => "your back is settling, one step up",
        "hold" => "same as last time until you rate it 24 h after",
        "enter" => "your back needs lighter work for a while",
        "regress" | "block_add" => "your back needs an easier day",
        _ => "your back is settling",
    }
}

/// "Episode day 6 · rung 3 of 11": where on the ladder, for the details.
pub fn ladder_words(out: &PlanOutput) -> Option<String> {
    match (&out.episode, out.rung) {
        (Some(e), Some(rung)) => Some(format!("Episode day {} · rung {rung} of 11", e.day)),
        _ => None,
    }
}

/// One prescribed exercise in words: "deadlift 3 × 5 at 70 kg, tempo 3-1-3".
pub fn line(p: &PrescribedOut) -> String {
    let mut text = p.exercise.replace('_', " ");
    match (p.sets, p.reps) {
        (Some(sets), Some(reps)) => {
            let _ = write!(text, " {sets} × {reps}");
        }
        _ => text.push_str(", your own sets and reps"),
    }
    match p.load {
        Some(load) if load > 0.0 => {
            let _ = write!(text, " at {load} {}", p.unit);
        }
        Some(_) => text.push_str(", unloaded"),
        None if p.sets.is_some() => text.push_str(" (load unknown: set your working weight)"),
        None => {}
    }
    if let Some(tempo) = &p.tempo {
        let _ = write!(text, ", tempo {tempo}");
    }
    if let Some(h) = p.block_height {
        let unit = if p.unit == "kg" { "cm" } else { "in" };
        let _ = write!(text, ", from a {h} {unit} block");
    }
    text
}

/// "= bar + 25 + 10 per side" for a barbell line whose load is at least the bar,
/// with the lifter's bar, plates and units.
pub fn plates_note(
    line: &PrescribedOut,
    bar: pullback_core::Load,
    plates: &[pullback_core::Load],
    units: pullback_core::Units,
) -> Option<String> {
    let barbell = pullback_core::Exercise::from_id(line.exercise).is_some_and(pullback_core::Exercise::is_barbell);
    let load = pullback_core::Load::parse(rust_decimal::Decimal::try_from(line.load?).ok()?).ok()?;
    if !barbell || load < bar {
        return None;
    }
    let described = pullback_core::plates::describe(load, bar, plates, units);
    described.split_once(" = ").map(|(_, rest)| format!("= {rest}"))
}
