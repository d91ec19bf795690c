//! `pullback`: symptom-guided deadlift training from your own logs.
//!
//! Exit codes: 0 ok, 2 bad input (or usage), 1 anything else.

// Wired to `pullback log` with the store (issue 3).
#[allow(dead_code)]
mod logline;
mod plan;

/// mimalloc: a 60,000-set history allocates ~18 MB in many small pieces; with
/// glibc's allocator a third of `pullback plan`'s time went to page faults
/// (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Symptom-guided deadlift training and rehab. Pullback does not replace a clinician.
#[derive(Debug, Parser)]
#[command(name = "pullback", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Plan(plan::PlanArgs),
}

/// What went wrong, and so which exit code.
#[derive(Debug)]
pub enum Failure {
    /// The input broke the contract: one line per problem, exit 2.
    BadInput(Vec<String>),
    /// Anything else: exit 1.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Plan(args) => plan::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(lines)) => {
            for line in lines {
                eprintln!("error: {line}");
            }
            ExitCode::from(2)
        }
        Err(Failure::Other(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
