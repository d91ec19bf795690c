//! `pullback import` of a Strong, Hevy or FitNotes CSV export, streamed: a reader
//! thread parses the file and hands each workout, in batches, to the store, which
//! writes them in one transaction as they come. Memory stays flat whatever the
//! file's size, and a bad row anywhere (found only at the end) stores nothing:
//! the reader then never sends `Commit`, and the transaction rolls back.

use crate::Failure;
use crate::context::{Ctx, Globals};
use crate::transfer::ImportArgs;
use anyhow::Context as _;
use jiff::Timestamp;
use pullback_import::{Format, ImportError, Options, ParsedSession, Report};
use pullback_store::{At, ImportBatch, KeyedSession, StoredProfile, WorkoutCounts};
use std::io::Read;
use tokio::sync::mpsc;

/// Sets per batch sent to the store: big enough that the channel costs nothing,
/// small enough that a batch is a few hundred kilobytes.
const BATCH_SETS: usize = 4096;
/// Batches in flight between the reader and the store.
const BATCHES_IN_FLIGHT: usize = 4;
/// Files smaller than this import too fast for a progress bar to help.
const PROGRESS_FROM_BYTES: u64 = 4 << 20;
/// Why the reader stopped when the store stopped first (its error is the one told).
const STORE_STOPPED: &str = "the log stopped taking workouts";

/// A CSV file or standard input, and its size when known (for the progress bar).
pub struct CsvInput {
    pub reader: Box<dyn Read + Send>,
    pub bytes: Option<u64>,
}

pub fn run(args: &ImportArgs, globals: &Globals, input: CsvInput) -> Result<(), Failure> {
    let ctx = Ctx::open(globals)?;
    let lifter = ctx.lifter()?;
    let profile = ctx.block_on(ctx.store.profile(lifter.id))?;
    let options = options(args, &profile)?;
    let bar = progress(input.bytes);
    let reader = bar.wrap_read(input.reader);
    let now = ctx.now;
    let file = args.file.display().to_string();

    if args.dry_run {
        let read = pullback_import::read_each(reader, &options, |session| not_after(&session, now));
        bar.finish_and_clear();
        let (format, report) = read.map_err(|e| read_failure(e, &file))?;
        print_report(format, &report);
        println!(
            "Would import into {}'s log{}: the sets not already in it (a set already imported is skipped).",
            lifter.name,
            if args.replace { ", replacing it" } else { "" }
        );
        println!("Nothing was written (--dry-run).");
        return Ok(());
    }

    let (sender, receiver) = mpsc::channel(BATCHES_IN_FLIGHT);
    let store = ctx.store.clone();
    let (read, written) = ctx.block_on(async move {
        let reading = tokio::task::spawn_blocking(move || read_and_send(reader, &options, &sender, now));
        tokio::join!(reading, store.import_workouts(lifter.id, args.replace, receiver))
    });
    bar.finish_and_clear();
    // The one who stopped first tells why: the other only saw the channel close.
    let (format, report, counts) = match (read.context("the CSV reader stopped")?, written) {
        (Ok((format, report)), Ok(counts)) => (format, report, counts),
        (Err(ImportError::Stopped(why)), Err(store)) if why == STORE_STOPPED => return Err(store.into()),
        (Err(e), _) => return Err(read_failure(e, &file)),
        (Ok(_), Err(store)) => return Err(store.into()),
    };
    print_report(format, &report);
    print_counts(&lifter.name, args.replace, &counts);
    Ok(())
}

fn options(args: &ImportArgs, profile: &StoredProfile) -> Result<Options, Failure> {
    let mut options = Options::new(profile.profile.units, profile.profile.time_zone.clone());
    if let Some(path) = &args.mapping {
        let file = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        options.mapping.extend_from_file(&file).map_err(|e| {
            Failure::BadInput(
                e.problems.iter().map(|p| format!("{}:{}: {}", path.display(), p.line, p.message)).collect(),
            )
        })?;
    }
    options.skip_bad_rows = args.skip_bad_rows;
    Ok(options)
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
    }
}

/// A workout after now is refused, as `pullback log` refuses one.
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

fn read_failure(error: ImportError, file: &str) -> Failure {
    match error {
        ImportError::Io(io) => Failure::Other(anyhow::Error::new(io).context(format!("reading {file}"))),
        other => Failure::BadInput(vec![format!("{file}: {other}")]),
    }
}

/// A progress bar on standard error for files big enough to wait for; hidden when
/// standard error is not a terminal (indicatif checks) or the size is unknown.
fn progress(bytes: Option<u64>) -> indicatif::ProgressBar {
    let Some(bytes) = bytes.filter(|&b| b >= PROGRESS_FROM_BYTES) else {
        return indicatif::ProgressBar::hidden();
    };
    let bar = indicatif::ProgressBar::new(bytes);
    let style = indicatif::ProgressStyle::with_template("importing {bar:40} {bytes}/{total_bytes} ({eta})")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// What the file held: sessions, sets, dates, names mapped or kept, rows skipped.
fn print_report(format: Format, r: &Report) {
    let day = |z: &Option<jiff::Zoned>| z.as_ref().map_or("-".to_string(), |z| z.strftime("%Y-%m-%d").to_string());
    println!(
        "{} export: {} rows, {} sessions, {} sets, from {} to {}.",
        format.app(),
        r.rows,
        r.sessions,
        r.sets,
        day(&r.first),
        day(&r.last)
    );
    for (app, id) in &r.mapped {
        println!("  mapped: {app} → {id}");
    }
    for (app, sets) in &r.unmapped {
        println!("  kept as another exercise: {app} ({sets} sets; map it with --mapping)");
    }
    for (reason, rows) in &r.skipped {
        println!("  skipped: {} ({reason})", crate::transfer::count(*rows, "row", "rows"));
    }
    for bad in &r.bad_rows {
        println!("  bad row skipped: line {}, column {:?}: {}", bad.line, bad.column, bad.reason);
    }
}

fn print_counts(name: &str, replace: bool, c: &WorkoutCounts) {
    use crate::transfer::count;
    if c.sets == 0 {
        println!(
            "Nothing new to import: the file's {} are already in {name}'s log.",
            count(c.known_sets, "set", "sets")
        );
        return;
    }
    let verb = if replace { "Replaced" } else { "Imported into" };
    let mut line =
        format!("{verb} {name}'s log: {} ({})", count(c.sessions, "session", "sessions"), count(c.sets, "set", "sets"));
    if c.extended > 0 {
        line.push_str(&format!(
            ", and new sets in {}",
            count(c.extended, "session already logged", "sessions already logged")
        ));
    }
    println!("{line}.");
    if c.known_sets > 0 {
        println!("Skipped, already in the log: {}.", count(c.known_sets, "set", "sets"));
    }
}
