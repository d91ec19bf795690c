//! Streamed imports of Strong, Hevy and FitNotes CSV exports into the store.
//!
//! A reader thread parses the file and hands each workout, in batches, to
//! [`Store::import_workouts`], which writes them in one transaction as they come.
//! Memory stays flat whatever the file's size, and a bad row anywhere (found only
//! at the end) stores nothing: the reader then never sends `Commit`, and the
//! transaction rolls back.

use jiff::Timestamp;
use pullback_import::{Format, ImportError, Options, ParsedSession, Report};
use pullback_store::{At, ImportBatch, KeyedSession, Store, StoreError, UserId, WorkoutCounts};
use std::io::Read;
use tokio::sync::mpsc;

/// Sets per batch sent to the store: big enough that the channel costs nothing,
/// small enough that a batch is a few hundred kilobytes.
pub const BATCH_SETS: usize = 4096;
/// Batches in flight between the reader and the store.
const BATCHES_IN_FLIGHT: usize = 4;
/// Why the reader stopped when the store stopped first (its error is the one told).
const STORE_STOPPED: &str = "the log stopped taking workouts";

/// What an import wrote, and what the file held.
#[derive(Debug, Clone)]
pub struct Imported {
    pub format: Format,
    pub report: Report,
    pub counts: WorkoutCounts,
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum CsvImportError {
    /// The file: bad rows, an unknown header, a workout after now…
    #[error(transparent)]
    File(#[from] ImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the CSV reader failed: {0}")]
    Reader(String),
}

/// Imports `input` into `user`'s log (after deleting it, with `replace`), all or
/// nothing. A workout after `now` refuses the file.
pub async fn import_csv(
    store: &dyn Store,
    user: UserId,
    input: Box<dyn Read + Send>,
    options: Options,
    replace: bool,
    now: Timestamp,
) -> Result<Imported, CsvImportError> {
    let (sender, receiver) = mpsc::channel(BATCHES_IN_FLIGHT);
    let reading = tokio::task::spawn_blocking(move || read_and_send(input, &options, &sender, now));
    let (read, written) = tokio::join!(reading, store.import_workouts(user, replace, receiver));
    // The one who stopped first tells why: the other only saw the channel close.
    match (read.map_err(|e| CsvImportError::Reader(e.to_string()))?, written) {
        (Ok((format, report)), Ok(counts)) => Ok(Imported { format, report, counts }),
        (Err(ImportError::Stopped(why)), Err(store)) if why == STORE_STOPPED => Err(store.into()),
        (Err(e), _) => Err(e.into()),
        (Ok(_), Err(store)) => Err(store.into()),
    }
}

/// Reads the whole file without storing anything: the preview of `--dry-run`.
pub fn preview(input: impl Read, options: &Options, now: Timestamp) -> Result<(Format, Report), ImportError> {
    pullback_import::read_each(input, options, |session| not_after(&session, now))
}

/// Reads the file and sends its workouts in batches, then `Commit`. On any error
/// it returns without `Commit`, so the store keeps nothing.
fn read_and_send(
    reader: impl Read,
    options: &Options,
    sender: &mpsc::Sender<ImportBatch>,
    now: Timestamp,
) -> Result<(Format, Report), ImportError> {
    let send = |batch: ImportBatch| {
        // A closed channel means the store failed; its error is the one reported.
        sender.blocking_send(batch).map_err(|_| ImportError::Stopped(STORE_STOPPED.into()))
    };
    let mut batch = Vec::new();
    let mut sets = 0;
    let (format, report) = pullback_import::read_each(reader, options, |session| {
        not_after(&session, now)?;
        sets += session.keys.len();
        batch.push(keyed(session));
        if sets >= BATCH_SETS {
            sets = 0;
            send(ImportBatch::Sessions(std::mem::take(&mut batch)))?;
        }
        Ok(())
    })?;
    if !batch.is_empty() {
        send(ImportBatch::Sessions(batch))?;
    }
    send(ImportBatch::Commit)?;
    Ok((format, report))
}

fn keyed(session: ParsedSession) -> KeyedSession {
    KeyedSession {
        at: At::from(&session.at),
        external_id: session.id,
        exercises: session.exercises,
        set_keys: session.keys.iter().map(|k| k.value()).collect(),
        note: session.note,
    }
}

/// A workout after now is refused, as logging one is.
fn not_after(session: &ParsedSession, now: Timestamp) -> Result<(), ImportError> {
    if session.at.timestamp() <= now {
        return Ok(());
    }
    Err(ImportError::Stopped(format!(
        "the workout of {} is after now ({}); import what has happened, or set --as-of; nothing was imported",
        session.at.strftime("%Y-%m-%d %H:%M %Z"),
        pullback_contract::format_time(now)
    )))
}
