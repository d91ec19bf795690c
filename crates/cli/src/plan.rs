//! `pullback plan`: run the plan contract on a history document.

use crate::Failure;
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::{Read, Write};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// The pullback.plan/v1 decision document.
    Json,
    /// A short summary for a person.
    Text,
}

/// Decide what to do next session from a history document (pullback.plan/v1).
///
/// The decision's "now" is the document's `as_of`; the clock is never read.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pullback plan --input examples/01-flare-enters-episode.input.json --pretty\n  \
    cat history.json | pullback plan --input - --format text\n\n\
    Exit codes: 0 ok, 2 bad input (one line per problem on stderr, naming the JSON pointer), 1 anything else.")]
pub struct PlanArgs {
    /// The history document, or `-` for standard input.
    #[arg(long, short, value_name = "FILE|-")]
    input: PathBuf,
    /// Indent the JSON output.
    #[arg(long)]
    pretty: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

pub fn run(args: &PlanArgs) -> Result<(), Failure> {
    let text = read_input(args)?;
    let output = pullback_contract::plan_output_str(&text)
        .map_err(|problems| Failure::BadInput(problems.iter().map(ToString::to_string).collect()))?;
    let rendered = match args.format {
        Format::Text => pullback_contract::summary(&output),
        Format::Json if args.pretty => serde_json::to_string_pretty(&output).context("rendering the decision")? + "\n",
        Format::Json => serde_json::to_string(&output).context("rendering the decision")? + "\n",
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(rendered.as_bytes()).and_then(|()| stdout.flush()).context("writing the decision")?;
    Ok(())
}

fn read_input(args: &PlanArgs) -> Result<String, Failure> {
    let mut text = String::new();
    if args.input.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
    } else {
        text = std::fs::read_to_string(&args.input).with_context(|| format!("reading {}", args.input.display()))?;
    }
    Ok(text)
}
