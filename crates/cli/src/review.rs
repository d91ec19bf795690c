//! `pullback due` and `pullback history`: what to rate next, and what was logged.

use crate::Failure;
use crate::context::{Ctx, Globals};
use crate::logs::describe_exercise;
use clap::Args;
use pullback_core::Point;

/// Which 1 h and 24 h check-ins are due (from their time on) or overdue (12 h past it).
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  pullback due")]
pub struct DueArgs {}

use pullback_app::planning::owed;

pub fn run_due(_args: &DueArgs, globals: &Globals) -> Result<(), Failure> {
    let ctx = Ctx::open(globals)?;
    let lifter = ctx.lifter()?;
    let sessions = ctx.block_on(ctx.store.sessions(lifter.id, Some(20)))?;
    let profile = ctx.block_on(ctx.store.profile(lifter.id))?;
    let owed = owed(&sessions, ctx.now);
    if owed.is_empty() {
        println!("Nothing due: every recent session has its 1 h and 24 h check-ins.");
    }
    for o in owed {
        let local = o.due.to_zoned(profile.profile.time_zone.clone());
        println!(
            "{:<8} session {}: {} check-in, from {}   pullback checkin PAIN --point {} --session {}",
            o.status,
            o.session,
            if o.point == Point::After1h { "1 h" } else { "24 h" },
            local.strftime("%a %-d %b %H:%M"),
            o.point.id(),
            o.session
        );
    }
    Ok(())
}

/// Your sessions and check-ins as a table.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  pullback history --last 10")]
pub struct HistoryArgs {
    /// Show only the latest N sessions.
    #[arg(long, value_name = "N", default_value_t = 20)]
    last: usize,
}

/// The session's notes, one line each: the session's, then each exercise's and set's
/// ("deadlift, set 2: felt heavy"), line breaks shown as " / ".
fn notes(session: &pullback_core::Session) -> Vec<String> {
    let one_line = |note: &pullback_core::Note| note.as_str().lines().collect::<Vec<_>>().join(" / ");
    let mut lines: Vec<String> = session.note.iter().map(|n| format!("note: {}", one_line(n))).collect();
    for e in &session.exercises {
        let name = e.exercise.as_str().replace('_', " ");
        if let Some(note) = &e.note {
            lines.push(format!("{name}: {}", one_line(note)));
        }
        for (i, set) in e.sets.iter().enumerate() {
            if let Some(note) = &set.note {
                lines.push(format!("{name}, set {}: {}", i + 1, one_line(note)));
            }
        }
    }
    lines
}

pub fn run_history(args: &HistoryArgs, globals: &Globals) -> Result<(), Failure> {
    let ctx = Ctx::open(globals)?;
    let lifter = ctx.lifter()?;
    let profile = ctx.block_on(ctx.store.profile(lifter.id))?;
    let sessions = ctx.block_on(ctx.store.sessions(lifter.id, Some(args.last)))?;
    if sessions.is_empty() {
        println!("No sessions yet. Log one: pullback log deadlift 140x5x3 --during 2");
        return Ok(());
    }
    let unit = profile.profile.units.load_symbol();
    println!("{:>5}  {:<16}  {:<5} {:<5} {:<5} {:<5}  exercises", "id", "when", "pre", "dur", "1h", "24h");
    for entry in &sessions {
        let pain = |point: Point| {
            entry
                .session
                .checkins
                .iter()
                .rev()
                .find(|c| c.point == point)
                .map_or("-".to_string(), |c| format!("{}{}", c.pain.value(), if c.bottom_only { "b" } else { "" }))
        };
        let increment = profile.profile.load_increment;
        let exercises: Vec<String> =
            entry.session.exercises.iter().map(|e| describe_exercise(e, unit, increment)).collect();
        println!(
            "{:>5}  {:<16}  {:<5} {:<5} {:<5} {:<5}  {}",
            entry.id.0,
            entry.at.zoned().strftime("%Y-%m-%d %H:%M").to_string(),
            pain(Point::Before),
            pain(Point::During),
            pain(Point::After1h),
            pain(Point::After24h),
            exercises.join("; ")
        );
        for note in notes(&entry.session) {
            println!("{:>5}  {note}", "");
        }
    }
    println!("(pain 0–10; b = only at the bottom of the pull)");
    Ok(())
}
