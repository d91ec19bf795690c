//! `pullback plan`: what to do next session, from a history document or from the log.

use crate::Failure;
use crate::context::{Ctx, Globals, read_input};
use anyhow::Context;
use clap::{Args, ValueEnum};
use jiff::{SignedDuration, Timestamp};
use pullback_contract::{PlanOutput, PrescribedOut};
use pullback_core::{Checkpoint, Decimal, Decision, Load, plan, plan_resumed};
use pullback_store::{NewCheckpoint, Resume, StoredProfile, UserId};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// The pullback.plan/v1 decision document.
    Json,
    /// A short summary for a person.
    Text,
}

/// What to do next session, and why.
///
/// From your log as of now (or --as-of), or from a history document
/// (pullback.plan/v1) with --input, whose `as_of` is the decision's "now".
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pullback plan                                   # from your log, as a summary\n  \
    pullback plan --format json --as-of 2026-03-02T07:00:00Z\n  \
    pullback plan --input examples/01-flare-enters-episode.input.json --pretty\n  \
    pullback export --format plan | pullback plan --input -\n\n\
    Exit codes: 0 ok, 2 bad input (one line per problem on stderr, naming the JSON pointer), 1 anything else.")]
pub struct PlanArgs {
    /// A history document instead of your log, or `-` for standard input.
    #[arg(long, short, value_name = "FILE|-")]
    input: Option<PathBuf>,
    /// Indent the JSON output.
    #[arg(long)]
    pretty: bool,
    /// Output format [default: json with --input, text from your log].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Replay the whole log instead of resuming from the saved checkpoint (for
    /// checking and timing; the result is the same).
    #[arg(long, conflicts_with = "input")]
    full_replay: bool,
}

pub fn run(args: &PlanArgs, globals: &Globals) -> Result<(), Failure> {
    match &args.input {
        Some(path) => {
            let text = read_input(path)?;
            let output = pullback_contract::plan_output_str(&text)
                .map_err(|problems| Failure::BadInput(problems.iter().map(ToString::to_string).collect()))?;
            emit(args, args.format.unwrap_or(Format::Json), &output, &|_| None)
        }
        None => {
            let ctx = Ctx::open(globals)?;
            let lifter = ctx.lifter()?;
            let decision = if args.full_replay {
                plan(&ctx.block_on(ctx.store.history(lifter.id))?.history, ctx.now)
            } else {
                stored_decision(&ctx, lifter.id)?
            };
            let profile = ctx.block_on(ctx.store.profile(lifter.id))?;
            let output = pullback_contract::render(&decision);
            emit(args, args.format.unwrap_or(Format::Text), &output, &|line| plates_note(line, &profile))
        }
    }
}

fn emit(
    args: &PlanArgs,
    format: Format,
    output: &PlanOutput,
    note: &dyn Fn(&PrescribedOut) -> Option<String>,
) -> Result<(), Failure> {
    let rendered = match format {
        Format::Text => pullback_contract::summary_with(output, note),
        Format::Json if args.pretty => serde_json::to_string_pretty(output).context("rendering the decision")? + "\n",
        Format::Json => serde_json::to_string(output).context("rendering the decision")? + "\n",
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(rendered.as_bytes()).and_then(|()| stdout.flush()).context("writing the decision")?;
    Ok(())
}

/// How far behind "now" a new checkpoint stops: late check-ins (the 24 h one,
/// logged a day late) usually land after it, so they rarely invalidate it.
const CHECKPOINT_LAG: SignedDuration = SignedDuration::from_hours(72);
/// A checkpoint is refreshed when it has fallen this far behind.
const CHECKPOINT_REFRESH: SignedDuration = SignedDuration::from_hours(24 * 7);

/// The decision from the log: resumed from the lifter's checkpoint when there is a
/// usable one, else a full replay; then the checkpoint is moved forward if it lags.
pub fn stored_decision(ctx: &Ctx, user: UserId) -> Result<Decision, Failure> {
    let as_of = ctx.now;
    let resume: Resume = ctx.block_on(ctx.store.resume(user))?;
    let base = resume.checkpoint.as_ref().and_then(|c| serde_json::from_slice::<Checkpoint>(&c.state).ok());
    let later = &resume.history.history;
    let (decision, base) = match base {
        Some(cp) => match plan_resumed(&cp, later, as_of) {
            Ok(decision) => (decision, Some(cp)),
            // Made after this --as-of: replay everything instead.
            Err(_) => (plan(&ctx.block_on(ctx.store.history(user))?.history, as_of), None),
        },
        None if resume.checkpoint.is_some() => (plan(&ctx.block_on(ctx.store.history(user))?.history, as_of), None),
        None => (plan(later, as_of), None),
    };
    refresh_checkpoint(ctx, user, &resume, base.as_ref(), as_of);
    Ok(decision)
}

/// Moves the checkpoint forward when it lags by more than [`CHECKPOINT_REFRESH`].
/// Best effort: a failure here only costs speed, never correctness.
fn refresh_checkpoint(ctx: &Ctx, user: UserId, resume: &Resume, base: Option<&Checkpoint>, as_of: Timestamp) {
    let Ok(covers_until) = as_of.checked_sub(CHECKPOINT_LAG) else { return };
    let stale = base.is_none_or(|cp| covers_until.duration_since(cp.covers_until) > CHECKPOINT_REFRESH);
    // Only a checkpoint resumed from (or a full history) matches what `resume` holds.
    let full = resume.checkpoint.is_none();
    if !stale || (base.is_none() && !full) {
        return;
    }
    let checkpoint = Checkpoint::make(base, &resume.history.history, as_of, covers_until);
    let Ok(state) = serde_json::to_vec(&checkpoint) else { return };
    let new = NewCheckpoint { covers_until: checkpoint.covers_until, made_at: checkpoint.made_at, state };
    let _ = ctx.block_on(ctx.store.put_checkpoint(user, &new, resume.history.revision));
}

/// "= bar + 25 + 10 per side" for barbell lines.
fn plates_note(line: &PrescribedOut, profile: &StoredProfile) -> Option<String> {
    let barbell = matches!(line.exercise, "deadlift" | "sumo_deadlift" | "romanian_deadlift" | "trap_bar_deadlift");
    let load = Load::parse(Decimal::try_from(line.load?).ok()?).ok()?;
    if !barbell || load < profile.profile.bar_weight {
        return None;
    }
    let plates = profile.plates_or_default();
    let described = pullback_core::plates::describe(load, profile.profile.bar_weight, &plates, profile.profile.units);
    described.split_once(" = ").map(|(_, rest)| format!("= {rest}"))
}
