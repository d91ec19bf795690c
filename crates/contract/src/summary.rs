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
    let barbell = matches!(line.exercise, "deadlift" | "sumo_deadlift" | "romanian_deadlift" | "trap_bar_deadlift");
    let load = pullback_core::Load::parse(rust_decimal::Decimal::try_from(line.load?).ok()?).ok()?;
    if !barbell || load < bar {
        return None;
    }
    let described = pullback_core::plates::describe(load, bar, plates, units);
    described.split_once(" = ").map(|(_, rest)| format!("= {rest}"))
}
