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
use std::io::{Read, Seek};
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

/// A file to import: read from the start, and read again when its workouts are
/// not in time order (a file on disk, an upload spooled to a temporary file).
pub trait Source: Read + Seek + Send {}

impl<T: Read + Seek + Send> Source for T {}

/// Why the first reading stopped: a workout earlier than the one before it.
const OUT_OF_ORDER: &str = "the file's workouts are not in time order";

/// Imports `input` into `user`'s log (after deleting it, with `replace`), all or
/// nothing. A workout after `now` refuses the file.
///
/// Workouts are written in time order, so that the log's session ids run with
/// time: a file in time order (Strong's, FitNotes') is streamed in one reading;
/// one that is not (Hevy lists the newest first) is noticed at its first
/// workout out of order, that transaction is rolled back, and the file is read
/// again with [`pullback_import::read_each_in_time_order`].
pub async fn import_csv(
    store: &dyn Store,
    user: UserId,
    input: Box<dyn Source>,
    options: Options,
    replace: bool,
    now: Timestamp,
) -> Result<Imported, CsvImportError> {
    let (result, input) = import_once(store, user, input, options.clone(), replace, now, false).await;
    match result {
        Err(CsvImportError::File(ImportError::Stopped(why))) if why == OUT_OF_ORDER => {
            let (result, _) = import_once(store, user, input, options, replace, now, true).await;
            result
        }
        other => other,
    }
}

/// One reading of `input` into one store transaction; gives the input back.
async fn import_once(
    store: &dyn Store,
    user: UserId,
    mut input: Box<dyn Source>,
    options: Options,
    replace: bool,
    now: Timestamp,
    sorted: bool,
) -> (Result<Imported, CsvImportError>, Box<dyn Source>) {
    let (sender, receiver) = mpsc::channel(BATCHES_IN_FLIGHT);
    let reading = tokio::task::spawn_blocking(move || {
        let read = input
            .rewind()
            .map_err(ImportError::Io)
            .and_then(|()| read_and_send(&mut input, &options, &sender, now, sorted));
        (read, input)
    });
    let (read, written) = tokio::join!(reading, store.import_workouts(user, replace, receiver));
    let (read, input) = match read {
        Ok(both) => both,
        Err(e) => return (Err(CsvImportError::Reader(e.to_string())), Box::new(std::io::Cursor::new(Vec::new()))),
    };
    // The one who stopped first tells why: the other only saw the channel close.
    let result = match (read, written) {
        (Ok((format, report)), Ok(counts)) => Ok(Imported { format, report, counts }),
        (Err(ImportError::Stopped(why)), Err(store)) if why == STORE_STOPPED => Err(store.into()),
        (Err(e), _) => Err(e.into()),
        (Ok(_), Err(store)) => Err(store.into()),
    };
    (result, input)
}

/// Reads the whole file without storing anything: the preview of `--dry-run`.
pub fn preview(input: impl Read, options: &Options, now: Timestamp) -> Result<(Format, Report), ImportError> {
    pullback_import::read_each(input, options, |session| not_after(&session, now))
}

/// Reads the file and sends its workouts in batches, then `Commit`. On any error
/// it returns without `Commit`, so the store keeps nothing. In file order, it stops
/// at the first workout earlier than the one before ([`OUT_OF_ORDER`]); `sorted`
/// reads the workouts in time order instead.
fn read_and_send(
    reader: &mut dyn Source,
    options: &Options,
    sender: &mpsc::Sender<ImportBatch>,
    now: Timestamp,
    sorted: bool,
) -> Result<(Format, Report), ImportError> {
    let send = |batch: ImportBatch| {
        // A closed channel means the store failed; its error is the one reported.
        sender.blocking_send(batch).map_err(|_| ImportError::Stopped(STORE_STOPPED.into()))
    };
    let mut batch = Vec::new();
    let mut sets = 0;
    let mut last: Option<Timestamp> = None;
    let sink = |session: ParsedSession| {
        not_after(&session, now)?;
        let at = session.at.timestamp();
        if last.is_some_and(|last| at < last) {
            return Err(ImportError::Stopped(OUT_OF_ORDER.into()));
        }
        last = Some(at);
        sets += session.keys.len();
        batch.push(keyed(session));
        if sets >= BATCH_SETS {
            sets = 0;
            send(ImportBatch::Sessions(std::mem::take(&mut batch)))?;
        }
        Ok(())
    };
    let (format, report) = if sorted {
        pullback_import::read_each_in_time_order(&mut *reader, options, sink)?
    } else {
        pullback_import::read_each(&mut *reader, options, sink)?
    };
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
        decided: session.decided,
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
