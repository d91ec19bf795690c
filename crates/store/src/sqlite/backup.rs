//! A consistent copy of a SQLite database while servers write to it, with
//! SQLite's online backup API.
//!
//! The copy is one backup step over every page, inside one read transaction of
//! the source: in WAL mode that reads a snapshot and holds up no writer, and a
//! write committed meanwhile is simply not in the copy (several smaller steps
//! would restart from the beginning whenever another connection wrote). The copy
//! is written to a temporary file next to the target, checked with
//! `PRAGMA integrity_check`, synced, and only then renamed to the target, so the
//! target is never a half-written database.

use crate::error::{Result, StoreError};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// What a backup copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupSummary {
    /// Pages of the copy.
    pub pages: u64,
    /// Its size in bytes.
    pub bytes: u64,
}

/// How often a busy source is tried again (a checkpoint holding its lock, say).
const BUSY_RETRIES: u32 = 50;

/// Copies the database at `source` to a new file `target` (which must not exist)
/// while others may write to `source`.
pub fn backup(source: &Path, target: &Path) -> Result<BackupSummary> {
    if !source.is_file() {
        return Err(StoreError::Invalid(format!("{} is not a database file", source.display())));
    }
    if target.exists() {
        return Err(StoreError::Invalid(format!(
            "{} exists already; give the backup a new name (or remove the old one first)",
            target.display()
        )));
    }
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let partial = tempfile::Builder::new()
        .prefix(".pullback-backup-")
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(|e| StoreError::Invalid(format!("cannot write in {}: {e}", dir.display())))?;
    let source_conn =
        Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(StoreError::backend)?;
    source_conn.busy_timeout(Duration::from_secs(5)).map_err(StoreError::backend)?;
    let mut copy = Connection::open(partial.path()).map_err(StoreError::backend)?;
    {
        let backup = Backup::new(&source_conn, &mut copy).map_err(StoreError::backend)?;
        let mut tries = 0;
        loop {
            match backup.step(-1).map_err(StoreError::backend)? {
                StepResult::Done => break,
                StepResult::Busy | StepResult::Locked if tries < BUSY_RETRIES => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                StepResult::More => {}
                other => return Err(StoreError::Invalid(format!("the source stayed busy ({other:?}); try again"))),
            }
        }
    }
    let check: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(StoreError::backend)?;
    if check != "ok" {
        return Err(StoreError::Corrupt(format!("the copy fails its integrity check: {check}")));
    }
    // The copy may carry the source's WAL mode: back to a rollback journal, so that
    // the one file is the whole backup (opening it with Pullback turns WAL on again).
    let mode: String = copy.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0)).map_err(StoreError::backend)?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(StoreError::Invalid(format!("the copy stayed in journal mode {mode}")));
    }
    let pages: i64 = copy.query_row("PRAGMA page_count", [], |r| r.get(0)).map_err(StoreError::backend)?;
    let pages = u64::try_from(pages).unwrap_or(0);
    copy.close().map_err(|(_, e)| StoreError::backend(e))?;
    drop(source_conn);
    let file = partial.persist_noclobber(target).map_err(|e| StoreError::backend(e.error))?;
    file.sync_all().map_err(StoreError::backend)?;
    let bytes = file.metadata().map_err(StoreError::backend)?.len();
    if let Ok(dir) = std::fs::File::open(dir) {
        // The rename itself survives a crash only once the directory is synced.
        let _ = dir.sync_all();
    }
    Ok(BackupSummary { pages, bytes })
}
