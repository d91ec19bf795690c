//! `pullback screen`: the eight red-flag questions, and `pullback symmetry`.

use crate::Failure;
use crate::context::{Ctx, Globals};
use crate::logs::when;
use clap::Args;
use pullback_core::{Decimal, RedFlagQuestion, RedFlags, Strength};
use pullback_store::{NewScreening, NewSymmetryTest};
use std::io::{BufRead, IsTerminal, Write};
use std::str::FromStr;

/// Answer the red-flag screening: interactively, or with flags in scripts.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pullback screen                          # asks the eight questions\n  \
    pullback screen --no-red-flags           # all answers no\n  \
    pullback screen --yes fever,night_pain\n\n\
    Identifiers: saddle_anesthesia, bladder_bowel, progressive_weakness, fever, trauma, cancer_history, \
    weight_loss, night_pain.")]
pub struct ScreenArgs {
    /// The questions answered yes, by identifier, comma-separated; the rest are no.
    #[arg(long, value_delimiter = ',', value_name = "IDS", conflicts_with = "no_red_flags")]
    yes: Vec<String>,
    /// Every answer is no.
    #[arg(long)]
    no_red_flags: bool,
    /// When [default: now].
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

pub fn run(args: &ScreenArgs, globals: &Globals) -> Result<(), Failure> {
    let answers = if args.no_red_flags || !args.yes.is_empty() {
        from_flags(&args.yes)?
    } else if std::io::stdin().is_terminal() {
        ask()?
    } else {
        return Err(Failure::BadInput(vec![
            "screen: answer with --yes ID,… or --no-red-flags when not at a terminal (see --help)".into(),
        ]));
    };
    let ctx = Ctx::open(globals)?;
    let lifter = ctx.lifter()?;
    let profile = ctx.block_on(ctx.store.profile(lifter.id))?;
    let at = when(&ctx, args.at.as_deref(), &profile.profile.time_zone)?;
    ctx.block_on(ctx.store.add_screening(lifter.id, &NewScreening { at, answers }))?;
    println!("{}", answers.outcome());
    Ok(())
}

fn from_flags(yes: &[String]) -> Result<RedFlags, Failure> {
    let mut flags = RedFlags::default();
    let mut problems = Vec::new();
    for id in yes {
        match flags.answer_mut(id.trim()) {
            Some(answer) => *answer = true,
            None => problems.push(format!("--yes: {id:?} is not a red-flag question; see --help for the identifiers")),
        }
    }
    if problems.is_empty() { Ok(flags) } else { Err(Failure::BadInput(problems)) }
}

fn ask() -> Result<RedFlags, Failure> {
    let mut flags = RedFlags::default();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    println!("Red-flag screening: answer y or n.");
    for RedFlagQuestion { id, question, .. } in RedFlags::QUESTIONS {
        loop {
            print!("{question} [y/n] ");
            std::io::stdout().flush().map_err(|e| Failure::Other(e.into()))?;
            let Some(line) = lines.next() else {
                return Err(Failure::BadInput(vec!["screen: the questions were not all answered".into()]));
            };
            let line = line.map_err(|e| Failure::Other(e.into()))?;
            match line.trim().to_lowercase().as_str() {
                "y" | "yes" => {
                    if let Some(answer) = flags.answer_mut(id) {
                        *answer = true;
                    }
                    break;
                }
                "n" | "no" => break,
                _ => println!("Please answer y or n."),
            }
        }
    }
    Ok(flags)
}

/// Record a left/right strength test (e.g. single-leg press or hip hinge).
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  pullback symmetry 310 265      # left 310, right 265: LSI 0.85")]
pub struct SymmetryArgs {
    /// The left side's result (any positive measure, the same for both sides).
    left: String,
    /// The right side's result.
    right: String,
    /// When [default: now].
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

pub fn run_symmetry(args: &SymmetryArgs, globals: &Globals) -> Result<(), Failure> {
    let strength = |name: &str, text: &str| {
        Decimal::from_str(text)
            .map_err(|_| format!("{name}: {text:?} is not a number"))
            .and_then(|d| Strength::parse(d).map_err(|e| format!("{name}: {e}")))
    };
    let (left, right) = match (strength("LEFT", &args.left), strength("RIGHT", &args.right)) {
        (Ok(l), Ok(r)) => (l, r),
        (l, r) => return Err(Failure::BadInput(l.err().into_iter().chain(r.err()).collect())),
    };
    let ctx = Ctx::open(globals)?;
    let lifter = ctx.lifter()?;
    let profile = ctx.block_on(ctx.store.profile(lifter.id))?;
    let at = when(&ctx, args.at.as_deref(), &profile.profile.time_zone)?;
    ctx.block_on(ctx.store.add_symmetry_test(lifter.id, &NewSymmetryTest { at, left, right }))?;
    let (weak, strong) = if left <= right { (left, right) } else { (right, left) };
    let lsi =
        (weak.value() / strong.value()).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    println!("Symmetry test saved: left {}, right {}, limb symmetry index {lsi}.", left.value(), right.value());
    Ok(())
}
