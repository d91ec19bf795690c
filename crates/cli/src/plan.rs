//! `pullback plan`: what to do next session, from a history document or from the log.

use crate::Failure;
use crate::context::{Ctx, Globals, read_input};
use anyhow::Context;
use clap::{Args, ValueEnum};
use pullback_contract::{PlanOutput, PrescribedOut};
use pullback_core::{Decision, plan};
use pullback_store::{StoredProfile, UserId};
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

/// The decision from the log (see [`pullback_app::planning::stored_decision`]).
pub fn stored_decision(ctx: &Ctx, user: UserId) -> Result<Decision, Failure> {
    Ok(ctx.block_on(pullback_app::planning::stored_decision(ctx.store.as_ref(), user, ctx.now))?)
}

/// "= bar + 25 + 10 per side" for barbell lines.
fn plates_note(line: &PrescribedOut, profile: &StoredProfile) -> Option<String> {
    let p = &profile.profile;
    pullback_contract::plates_note(line, p.bar_weight, &profile.plates_or_default(), p.units)
}
