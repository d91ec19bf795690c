//! `pullback migrate` (bring a database's schema up to date) and `pullback
//! migrate-db` (copy a SQLite install into a fresh PostgreSQL database).

use crate::Failure;
use crate::context::{Globals, database_url, redact, store_failure};
use anyhow::Context as _;
use clap::Args;
use pullback_store::copy::{self, COPIED_TABLES, CopyError};

/// Apply the schema migrations the database lacks, and say which version it is at.
///
/// `pullback serve` and the other commands migrate on their own; run this as a
/// separate deployment step when the servers start with `serve --no-migrate`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pullback migrate --database postgres://pullback@127.0.0.1/pullback\n  \
    pullback migrate --database /var/lib/pullback/pullback.db")]
pub struct MigrateArgs {}

pub fn run(_args: &MigrateArgs, globals: &Globals) -> Result<(), Failure> {
    let url = database_url(globals)?;
    let (before, after) = runtime()?.block_on(pullback_store::migrate(&url)).map_err(|e| store_failure(e, &url))?;
    let shown = redact(&url);
    if before == after {
        println!("{shown}: schema version {after}, already up to date.");
    } else {
        println!("{shown}: schema version {before} → {after}.");
    }
    Ok(())
}

/// Copy everything from a SQLite database into a new PostgreSQL database.
///
/// (The copy itself is `pullback_store::copy`.) Copies users (with their password hashes and roles), profiles, sessions with
/// their exercises, sets and import keys, check-ins, screenings, symmetry tests,
/// API tokens, care links, invitations, clinical notes and the audit log, keeping
/// every id, in one transaction on the target. Does not copy what is rebuilt or
/// short-lived: web sessions (everyone signs in again), failed log-ins, replay
/// checkpoints, caseload rows, and the signing secret. Refuses a target that
/// already has users. The target's schema is brought up to date first.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  \
    pullback migrate-db --from /var/lib/pullback/pullback.db --to postgres://pullback@127.0.0.1/pullback")]
pub struct MigrateDbArgs {
    /// The SQLite database to copy (a file path or sqlite:// URL); it is not changed
    /// beyond bringing its schema up to date.
    #[arg(long, value_name = "PATH|URL")]
    from: String,
    /// The PostgreSQL database to fill (postgres://…); it must have no users yet.
    #[arg(long, value_name = "URL")]
    to: String,
}

pub fn run_db(args: &MigrateDbArgs, _globals: &Globals) -> Result<(), Failure> {
    if !args.to.starts_with("postgres://") && !args.to.starts_with("postgresql://") {
        return Err(Failure::BadInput(vec![format!(
            "--to {}: give a PostgreSQL URL (postgres://user@host/database); migrate-db copies SQLite into PostgreSQL",
            redact(&args.to)
        )]));
    }
    if args.from.starts_with("postgres://") || args.from.starts_with("postgresql://") {
        return Err(Failure::BadInput(vec![format!(
            "--from {}: give a SQLite database; to copy PostgreSQL to PostgreSQL use pg_dump and pg_restore",
            redact(&args.from)
        )]));
    }
    let path = pullback_store::sqlite::sqlite_path(&args.from).map_err(|e| store_failure(e, &args.from))?;
    if !path.exists() {
        return Err(Failure::BadInput(vec![format!("--from {}: no such file", path.display())]));
    }
    let counts = runtime()?.block_on(copy(args, &path))?;
    for (table, rows) in COPIED_TABLES.iter().zip(&counts) {
        println!("{table}: {rows}");
    }
    println!("Copied {} into {}.", path.display(), redact(&args.to));
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the async runtime")?)
}

/// Copies, and says what stopped a copy the way the other commands do.
async fn copy(args: &MigrateDbArgs, path: &std::path::Path) -> Result<Vec<usize>, Failure> {
    copy::sqlite_to_postgres(path, &args.to).await.map_err(|e| match e {
        CopyError::Source(e) => store_failure(e, &args.from),
        CopyError::Target(e) => store_failure(e, &args.to),
        CopyError::TargetHasUsers => Failure::BadInput(vec![format!(
            "--to {}: this database already has users; migrate-db fills only an empty one",
            redact(&args.to)
        )]),
        other => Failure::Other(other.into()),
    })
}
