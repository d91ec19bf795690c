//! `pullback`: symptom-guided deadlift training from your own logs.
//!
//! Exit codes: 0 ok, 2 bad input (or usage), 1 anything else.

mod backup;
mod checkin;
mod context;
mod csv_import;
mod logline;
mod logs;
mod migrate;
mod plan;
mod profile;
mod review;
mod screen;
mod serve;
mod transfer;
mod user;

/// mimalloc: a 60,000-set history allocates ~18 MB in many small pieces; with
/// glibc's allocator a third of `pullback plan`'s time went to page faults
/// (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Symptom-guided deadlift training and rehab, from your own logs.
///
/// Log sessions and how your back feels during, 1 h after and 24 h after; Pullback
/// says what to do next session, and why. It does not replace a clinician, and it
/// never diagnoses or doses.
#[derive(Debug, Parser)]
#[command(name = "pullback", version, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    globals: context::Globals,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Plan(plan::PlanArgs),
    User(user::UserArgs),
    Profile(profile::ProfileArgs),
    Log(logs::LogArgs),
    Checkin(checkin::CheckinArgs),
    Screen(screen::ScreenArgs),
    Symmetry(screen::SymmetryArgs),
    Due(review::DueArgs),
    History(review::HistoryArgs),
    Export(transfer::ExportArgs),
    Import(transfer::ImportArgs),
    Serve(serve::ServeArgs),
    Migrate(migrate::MigrateArgs),
    MigrateDb(migrate::MigrateDbArgs),
    Backup(backup::BackupArgs),
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

impl From<pullback_app::secrets::SecretError> for Failure {
    fn from(e: pullback_app::secrets::SecretError) -> Self {
        Failure::Other(e.into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let globals = &cli.globals;
    let result = match &cli.command {
        Command::Plan(args) => plan::run(args, globals),
        Command::User(args) => user::run(args, globals),
        Command::Profile(args) => profile::run(args, globals),
        Command::Log(args) => logs::run(args, globals),
        Command::Checkin(args) => checkin::run(args, globals),
        Command::Screen(args) => screen::run(args, globals),
        Command::Symmetry(args) => screen::run_symmetry(args, globals),
        Command::Due(args) => review::run_due(args, globals),
        Command::History(args) => review::run_history(args, globals),
        Command::Export(args) => transfer::run_export(args, globals),
        Command::Import(args) => transfer::run_import(args, globals),
        Command::Serve(args) => serve::run(args, globals),
        Command::Migrate(args) => migrate::run(args, globals),
        Command::MigrateDb(args) => migrate::run_db(args, globals),
        Command::Backup(args) => backup::run(args, globals),
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
