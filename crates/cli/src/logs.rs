//! `pullback log`: one session in one line.

use crate::Failure;
use crate::context::{Ctx, Globals, parse_time};
use crate::logline;
use clap::{Args, ValueEnum};
use pullback_core::{BlockHeight, Decimal, Pain, Point, SessionCheckin, Side, Tempo};
use pullback_store::{At, NewSession};
use std::str::FromStr;

/// Log a session: exercises and their sets, with pain before and during.
#[derive(Debug, Args)]
#[command(after_help = "Sets are LOADxREPS or LOADxREPSxSETS; `bw` is bodyweight, a `w` prefix marks a warm-up \
    (w60x5), and @RPE adds an RPE (140x5@8). Aliases: dl, sumo, trap, rdl, kb, gm, jc.\n\n\
    Examples:\n  \
    pullback log deadlift 140x5x3 --tempo 3-1-3 --block 10 --during 3\n  \
    pullback log dl w60x5 w100x3 140x5x3 rdl 80x8x3 --before 1 --during 2\n  \
    pullback log deadlift 100x5x3 squat 100x5x5 --other squat --during 4 --bottom-only")]
pub struct LogArgs {
    /// Exercises, each followed by its sets.
    #[arg(required = true, value_name = "EXERCISE SETS")]
    entries: Vec<String>,
    /// Accept NAME as another exercise (squat, bench…): kept, not used by the rules.
    #[arg(long = "other", value_name = "NAME")]
    others: Vec<String>,
    /// Tempo of the first exercise, E-P-C seconds, e.g. 3-1-3.
    #[arg(long)]
    tempo: Option<String>,
    /// Block height of the first exercise (cm for kg profiles, inches for lb).
    #[arg(long, value_name = "HEIGHT")]
    block: Option<String>,
    /// Pain before the session, 0–10.
    #[arg(long, value_name = "PAIN")]
    before: Option<i64>,
    /// Worst pain while lifting, 0–10.
    #[arg(long, value_name = "PAIN")]
    during: Option<i64>,
    /// It hurt only at the bottom of the pull.
    #[arg(long, requires = "during")]
    bottom_only: bool,
    /// Where it hurt.
    #[arg(long, value_enum)]
    side: Option<SideArg>,
    /// When the session was [default: now].
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SideArg {
    Central,
    Left,
    Right,
    Both,
}

impl From<SideArg> for Side {
    fn from(s: SideArg) -> Side {
        match s {
            SideArg::Central => Side::Central,
            SideArg::Left => Side::Left,
            SideArg::Right => Side::Right,
            SideArg::Both => Side::Both,
        }
    }
}

/// A pain value from a flag, or a problem naming the flag.
pub fn pain(flag: &str, value: i64, problems: &mut Vec<String>) -> Option<Pain> {
    Pain::parse(value).map_err(|e| problems.push(format!("{flag}: {e}"))).ok()
}

/// A time from `--at`, not later than now; now when absent.
pub fn when(ctx: &Ctx, at: Option<&str>, zone: &jiff::tz::TimeZone) -> Result<At, Failure> {
    let instant = match at {
        Some(text) => parse_time(text, "--at")?,
        None => ctx.now,
    };
    if instant > ctx.now {
        return Err(Failure::BadInput(vec![format!(
            "--at: {instant} is in the future (now is {}); log what has happened",
            pullback_contract::format_time(ctx.now)
        )]));
    }
    Ok(match at.and_then(|text| At::from_str(text).ok()) {
        Some(given) => given,
        None => At::in_zone(instant, zone),
    })
}

pub fn run(args: &LogArgs, globals: &Globals) -> Result<(), Failure> {
    let mut problems = Vec::new();
    let mut exercises = match logline::parse(&args.entries, &args.others) {
        Ok(exercises) => exercises,
        Err(e) => return Err(Failure::BadInput(vec![e.to_string()])),
    };
    let first = &mut exercises[0];
    if let Some(text) = &args.tempo {
        first.tempo = Tempo::parse(text).map_err(|e| problems.push(format!("--tempo: {e}"))).ok();
    }
    if let Some(text) = &args.block {
        let height = Decimal::from_str(text).map_err(|_| format!("{text:?} is not a number"));
        first.block_height = height
            .and_then(|d| BlockHeight::parse(d).map_err(|e| e.0))
            .map_err(|m| problems.push(format!("--block: {m}")))
            .ok();
    }
    let side = args.side.map(Side::from);
    let mut checkins = Vec::new();
    for (flag, point, value) in [("--before", Point::Before, args.before), ("--during", Point::During, args.during)] {
        if let Some(p) = value.and_then(|v| pain(flag, v, &mut problems)) {
            let bottom_only = point == Point::During && args.bottom_only;
            checkins.push(SessionCheckin { point, pain: p, at: None, side, bottom_only });
        }
    }
    if !problems.is_empty() {
        return Err(Failure::BadInput(problems));
    }

    let ctx = Ctx::open(globals)?;
    let lifter = ctx.lifter()?;
    let profile = ctx.block_on(ctx.store.profile(lifter.id))?;
    let at = when(&ctx, args.at.as_deref(), &profile.profile.time_zone)?;
    let session = NewSession { at, external_id: None, exercises, checkins, note: None };
    let id = ctx.block_on(ctx.store.add_session(lifter.id, &session))?;

    let unit = profile.profile.units.load_symbol();
    let increment = profile.profile.load_increment;
    let summary: Vec<String> =
        session.exercises.iter().map(|e| crate::logs::describe_exercise(e, unit, increment)).collect();
    let local = at.zoned();
    println!("Logged session {id} ({}): {}.", local.strftime("%a %-d %b %H:%M"), summary.join("; "));
    let after_1h = local.checked_add(jiff::SignedDuration::from_hours(1)).unwrap_or(local.clone());
    let after_24h = local.checked_add(jiff::SignedDuration::from_hours(24)).unwrap_or(local.clone());
    println!(
        "Rate your back 1 h after (from {}) and 24 h after (from {}): pullback checkin PAIN --point after_1h",
        after_1h.strftime("%H:%M"),
        after_24h.strftime("%a %H:%M")
    );
    Ok(())
}

/// "deadlift 3 × 5 at 140 kg (2 warm-up sets)"; a load that is not a typed number
/// (converted from the other unit) is shown rounded to `increment`, "≈ 102.5 kg".
pub fn describe_exercise(e: &pullback_core::ExerciseLog, unit: &str, increment: pullback_core::Load) -> String {
    let work: Vec<&pullback_core::Set> = e.sets.iter().filter(|s| !s.warmup).collect();
    let warmups = e.sets.len() - work.len();
    let mut text = e.exercise.as_str().replace('_', " ");
    let groups = group_sets(&work);
    let parts: Vec<String> = groups
        .iter()
        .map(|(count, load, reps)| {
            let load = if load.value().is_zero() {
                "bodyweight".to_string()
            } else {
                format!("{} {unit}", load.shown(increment))
            };
            format!("{count} × {reps} at {load}")
        })
        .collect();
    if !parts.is_empty() {
        text.push(' ');
        text.push_str(&parts.join(", "));
    }
    if let Some(tempo) = e.tempo {
        text.push_str(&format!(", tempo {tempo}"));
    }
    if let Some(block) = e.block_height {
        text.push_str(&format!(", from a {} block", block.value().normalize()));
    }
    if warmups > 0 {
        text.push_str(&format!(" ({warmups} warm-up set{})", if warmups == 1 { "" } else { "s" }));
    }
    text
}

/// Consecutive equal sets, as (count, load, reps).
fn group_sets(sets: &[&pullback_core::Set]) -> Vec<(usize, pullback_core::Load, u32)> {
    let mut groups: Vec<(usize, pullback_core::Load, u32)> = Vec::new();
    for s in sets {
        match groups.last_mut() {
            Some((count, load, reps)) if *load == s.load && *reps == s.reps.value() => *count += 1,
            _ => groups.push((1, s.load, s.reps.value())),
        }
    }
    groups
}
