//! `pullback backup PATH`: a consistent copy of a SQLite database, taken while
//! servers go on writing to it (SQLite's online backup API).

use crate::Failure;
use crate::context::{Globals, database_url};
use clap::Args;
use std::path::PathBuf;

/// Copy the SQLite database to a new file while the server keeps running.
///
/// The copy is a snapshot: every write committed before it began is in it, and
/// none is half in it. It is checked (`PRAGMA integrity_check`) before it gets
/// its name, so a file at PATH is always a whole database. To restore, stop the
/// server and put the copy where the database was (README: "Back up and
/// restore"). For PostgreSQL use `pg_dump`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pullback backup /var/backups/pullback-$(date +%F).db\n  \
    pullback --database /var/lib/pullback/pullback.db backup /mnt/usb/pullback.db")]
pub struct BackupArgs {
    /// Where to write the copy; it must not exist yet.
    path: PathBuf,
}

pub fn run(args: &BackupArgs, globals: &Globals) -> Result<(), Failure> {
    let url = database_url(globals)?;
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(Failure::BadInput(vec![
            "backup copies a SQLite database; back up PostgreSQL with pg_dump (see the README's \"Back up and restore\")"
                .into(),
        ]));
    }
    let source = pullback_store::sqlite::sqlite_path(&url)?;
    let summary = pullback_store::sqlite::backup(&source, &args.path)?;
    println!(
        "Backed up {} to {} ({} pages, {} bytes).",
        source.display(),
        args.path.display(),
        summary.pages,
        summary.bytes
    );
    Ok(())
}
