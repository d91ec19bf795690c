//! `pullback export` and `pullback import`: the log to a file and back.
//!
//! Both speak the plan contract (`pullback.plan/v1`), so an export is also a valid
//! `pullback plan --input` document, and a history document is also an import.

use crate::Failure;
use crate::context::{Ctx, Globals};
use anyhow::Context as _;
use clap::{Args, ValueEnum};
use jiff::Timestamp;
use pullback_app::export;
use pullback_app::json_import::{self, Tally, profile_differs, skip_known};
use pullback_contract::{EXPORT_VERSION, NotAnExport, PlanRequest, Problem};
use pullback_store::{ImportMode, User};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// What `pullback export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The pullback.plan/v1 history document as of now: `pullback plan --input` reads it.
    Plan,
    /// Everything: the plan document plus a `pullback_export` object (user, plates,
    /// stored session ids). Also a valid plan document.
    Json,
    /// One row per set (see `pullback export --help` for the columns).
    Csv,
    /// FHIR R4: a Bundle of Observations, one per pain check-in (LOINC 72514-3), for
    /// a clinician's system.
    Fhir,
}

/// Write your log to a file (or standard output).
///
/// `plan` is the pullback.plan/v1 history document as of now (or --as-of):
/// `pullback plan --input` on it gives the same decision as `pullback plan`.
/// `json` is the same document with a `pullback_export` object (user, plates,
/// stored session ids): a backup that `pullback import` reads back. `csv` is one
/// row per set for spreadsheets.
#[derive(Debug, Args)]
#[command(after_help = "CSV columns (one row per set): session_id,session_at,exercise,exercise_index,set_index,\
    load,unit,reps,rpe,warmup,tempo,block_height,session_note,exercise_note,set_note. Indexes count from 1; load is in \
    unit (kg or lb); rpe, tempo, block_height (cm for kg, inches for lb) and the notes are empty when not logged.\n\n\
    Examples:\n  \
    pullback export --format json --output backup.json\n  \
    pullback export --format plan | pullback plan --input -\n  \
    pullback export --format csv > sets.csv\n  \
    pullback export --format fhir --pretty --output pain.fhir.json")]
pub struct ExportArgs {
    /// What to write.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    format: ExportFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Indent the JSON.
    #[arg(long)]
    pretty: bool,
}

/// What `pullback import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// Recognise the format from the content.
    Auto,
    /// A pullback.plan/v1 history document (any `pullback export` JSON is one).
    Plan,
    /// A `pullback export --format json` file (a plan document with `pullback_export`).
    Json,
    /// A CSV export of Strong, Hevy or FitNotes (the dialect is read from the header).
    Csv,
}

/// Read a history file into your log, all or nothing.
///
/// Reads a pullback.plan/v1 history document or a `pullback export --format json`
/// file. Every problem is reported by JSON pointer and nothing is written unless
/// the whole file is valid. By default the file's sessions, check-ins, screenings
/// and symmetry tests are added to your log, skipping those already in it (same
/// time and same content), so importing a file twice adds nothing the second time;
/// your profile stays as it is. With --replace your log and profile are replaced by
/// the file's (your plates are kept).
///
/// A CSV export of Strong, Hevy or FitNotes is read in your time zone, its weights
/// in the unit the file names (or --units, for a file that names none), converted to
/// your units, and streamed into your log in one transaction: a bad row stores
/// nothing (unless --skip-bad-rows). Each set is keyed, so importing the same export
/// again, or a newer one, adds only the sets your log lacks, and brings the sets it
/// imported before in line with this reading (a new mapping, the unit, notes).
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pullback import backup.json\n  \
    pullback import examples/01-flare-enters-episode.input.json --replace --dry-run\n  \
    pullback export --format json | pullback --database other.db import -\n  \
    pullback import strong.csv --dry-run --units lb   # a Strong, Hevy or FitNotes CSV export\n  \
    pullback import hevy.csv --skip-bad-rows --mapping my-names.txt\n\n\
    Exit codes: 0 ok, 2 bad input (one line per problem on stderr, naming the JSON pointer; nothing written), \
    1 anything else.")]
pub struct ImportArgs {
    /// The file to read, or `-` for standard input.
    #[arg(value_name = "FILE|-")]
    pub file: PathBuf,
    /// The file's format.
    #[arg(long, value_enum, default_value_t = ImportFormat::Auto)]
    pub format: ImportFormat,
    /// Replace your whole log (and, for a JSON file, your profile) with the file's,
    /// instead of adding to it.
    #[arg(long)]
    pub replace: bool,
    /// Show what would be imported, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// CSV: import the good rows and list the bad ones, instead of refusing the file.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// CSV: extra exercise names, one `App name = pullback_id` per line (`#` comments;
    /// `= deadlift block 10 cm` for a pull from a block, `= other` to keep a name as
    /// another exercise). Re-importing a file with a mapping re-maps the sets it
    /// imported before.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// CSV: the unit of the file's weights, for an export without a unit column
    /// (Strong's comma export), which is refused without it. A file that names its
    /// unit is read in its own; the preview says which unit was read and why.
    #[arg(long, value_enum, value_name = "UNIT")]
    pub units: Option<crate::user::UnitsArg>,
}

pub fn run_export(args: &ExportArgs, globals: &Globals) -> Result<(), Failure> {
    let ctx = Ctx::open(globals)?;
    let lifter = ctx.lifter()?;
    let stored = ctx.block_on(ctx.store.history(lifter.id))?;
    let profile = ctx.block_on(ctx.store.profile(lifter.id))?;
    let now = ctx.now;
    let mut out = Vec::new();
    let render = |out: &mut Vec<u8>, doc: &Value| {
        if args.pretty { serde_json::to_writer_pretty(&mut *out, doc) } else { serde_json::to_writer(&mut *out, doc) }
    };
    match args.format {
        ExportFormat::Plan => render(&mut out, &export::plan_document(now, &stored, &profile)),
        ExportFormat::Json => render(&mut out, &export::full_document(now, &lifter.name, &stored, &profile)),
        ExportFormat::Fhir => render(&mut out, &export::fhir_document(now, &lifter.name, &stored)),
        ExportFormat::Csv => Ok(export::write_csv(&mut out, &stored, &profile).context("writing the CSV")?),
    }
    .context("rendering the export")?;
    if args.format != ExportFormat::Csv {
        out.push(b'\n');
    }
    match &args.output {
        Some(path) => std::fs::write(path, &out).with_context(|| format!("writing {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&out).and_then(|()| stdout.flush()).context("writing the export")?;
        }
    }
    Ok(())
}

pub fn run_import(args: &ImportArgs, globals: &Globals) -> Result<(), Failure> {
    let mut input = open_import(&args.file)?;
    let csv = match args.format {
        ImportFormat::Csv => true,
        ImportFormat::Plan | ImportFormat::Json => false,
        ImportFormat::Auto => !looks_like_json(&mut input.reader).context("reading the file")?,
    };
    if csv {
        let file = csv_file(&args.file, input.reader)?;
        return crate::csv_import::run(args, globals, crate::csv_import::CsvInput { file, bytes: input.bytes });
    }
    if args.units.is_some() || args.mapping.is_some() {
        return Err(Failure::BadInput(vec![format!(
            "{}: --units and --mapping are for CSV exports; a JSON document names its unit (profile.units) and \
             Pullback's own exercise ids",
            args.file.display()
        )]));
    }
    let mut text = String::new();
    input.reader.read_to_string(&mut text).with_context(|| format!("reading {}", args.file.display()))?;
    let request = parse_import(&text, args.format, &args.file)?;
    let ctx = Ctx::open(globals)?;
    let lifter = ctx.lifter()?;
    let stored = ctx.block_on(ctx.store.history(lifter.id))?;
    future_problems(&request, ctx.now)?;
    let mode = if args.replace { ImportMode::Replace } else { ImportMode::Append };
    let (history, skipped) = match mode {
        ImportMode::Replace => (request.history, Tally::default()),
        ImportMode::Append => {
            let (file, ours) = (&request.history.profile, &stored.history.profile);
            if file.units != ours.units {
                return Err(Failure::BadInput(vec![format!(
                    "{}: the file is in {} but {}'s log is in {}; import it with --replace, or convert it",
                    args.file.display(),
                    file.units.load_symbol(),
                    lifter.name,
                    ours.units.load_symbol()
                )]));
            }
            skip_known(request.history, &stored.history)
        }
    };
    let incoming = Tally::of(&history);
    if mode == ImportMode::Append && profile_differs(&history, &stored.history) {
        eprintln!(
            "note: the file's profile or protocol settings differ from yours and are not applied; \
             `pullback import --replace` takes them (and replaces your log)"
        );
    }
    if args.dry_run {
        print_dry_run(&lifter, mode, &incoming, &skipped, &Tally::of(&stored.history));
        return Ok(());
    }
    if mode == ImportMode::Append && incoming.is_empty() {
        if skipped.is_empty() {
            println!("Nothing to import: the file holds no sessions, check-ins, screenings or symmetry tests.");
        } else {
            println!("Nothing new to import: {} already in {}'s log.", skipped.describe(), lifter.name);
        }
        return Ok(());
    }
    let counts = ctx.block_on(ctx.store.import_history(lifter.id, &history, mode))?;
    let verb = if mode == ImportMode::Replace { "Replaced" } else { "Imported into" };
    println!("{verb} {}'s log: {}.", lifter.name, Tally::from(counts).describe());
    if !skipped.is_empty() {
        println!("Skipped, already in the log: {}.", skipped.describe());
    }
    Ok(())
}

/// The file to import, buffered, and its size when it is a file.
struct ImportInput {
    reader: BufReader<Box<dyn Read + Send>>,
    bytes: Option<u64>,
}

fn open_import(path: &Path) -> Result<ImportInput, Failure> {
    if path.as_os_str() == "-" {
        return Ok(ImportInput { reader: BufReader::new(Box::new(std::io::stdin())), bytes: None });
    }
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let bytes = file.metadata().ok().map(|m| m.len());
    Ok(ImportInput { reader: BufReader::with_capacity(64 * 1024, Box::new(file)), bytes })
}

/// The CSV to import as a file that can be read twice: the file itself, or
/// standard input spooled to an anonymous temporary file.
fn csv_file(path: &Path, mut input: BufReader<Box<dyn Read + Send>>) -> Result<std::fs::File, Failure> {
    if path.as_os_str() != "-" {
        return Ok(std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?);
    }
    let mut spooled = tempfile::tempfile().context("making a temporary file for standard input")?;
    std::io::copy(&mut input, &mut spooled).context("reading standard input")?;
    std::io::Seek::rewind(&mut spooled).context("reading standard input back")?;
    Ok(spooled)
}

/// Whether the input starts (after a byte-order mark and white space) with `{`:
/// a JSON document rather than a CSV export. Looks, consumes nothing.
fn looks_like_json(reader: &mut impl BufRead) -> std::io::Result<bool> {
    let head = reader.fill_buf()?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    Ok(head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'))
}

/// Reads and checks the file. Problems exit 2 naming their JSON pointer.
fn parse_import(text: &str, format: ImportFormat, path: &Path) -> Result<PlanRequest, Failure> {
    let bad = |problems: Vec<Problem>| Failure::BadInput(problems.iter().map(ToString::to_string).collect());
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if !body.starts_with('{') {
        return Err(Failure::BadInput(vec![format!(
            "{}: not a JSON document, which --format {} reads; for a Strong, Hevy or FitNotes CSV use --format csv \
             (or auto)",
            path.display(),
            if format == ImportFormat::Json { "json" } else { "plan" }
        )]));
    }
    if format != ImportFormat::Json {
        return pullback_contract::parse_request_str(text).map_err(bad);
    }
    // A JSON export: check its envelope, then read the same tree.
    let value: Value =
        serde_json::from_str(text).map_err(|e| Failure::BadInput(vec![format!("(document): not valid JSON: {e}")]))?;
    match pullback_contract::check_export_envelope(&value) {
        Ok(()) => {}
        Err(NotAnExport::Version { pointer, found }) => {
            return Err(Failure::BadInput(vec![format!(
                "{pointer}: {found} is not a version this Pullback reads ({EXPORT_VERSION})"
            )]));
        }
        Err(NotAnExport::Missing { pointer }) => {
            return Err(Failure::BadInput(vec![format!(
                "{pointer}: is required with --format json but missing; {} is a plan document: \
                 import it with --format plan (or auto)",
                path.display()
            )]));
        }
    }
    pullback_contract::parse_request(&value).map_err(bad)
}

/// Events logged after now are refused, as `pullback log` refuses them.
fn future_problems(request: &PlanRequest, now: Timestamp) -> Result<(), Failure> {
    let mut problems: Vec<String> = json_import::future_events(&request.history, now)
        .into_iter()
        .map(|(pointer, at)| {
            format!(
                "{pointer}: {at} is after now ({now}); import what has happened, or set --as-of",
                at = pullback_contract::format_time(at),
                now = pullback_contract::format_time(now)
            )
        })
        .collect();
    // A file from the future can have thousands: the first ones say what to do.
    const SHOWN: usize = 20;
    if problems.len() > SHOWN {
        let more = problems.len() - SHOWN;
        problems.truncate(SHOWN);
        problems.push(format!("… and {more} more events after now; nothing was imported"));
    }
    if problems.is_empty() { Ok(()) } else { Err(Failure::BadInput(problems)) }
}

fn print_dry_run(lifter: &User, mode: ImportMode, incoming: &Tally, skipped: &Tally, stored: &Tally) {
    match mode {
        ImportMode::Replace => {
            println!(
                "Would replace {}'s log ({}) and profile with the file's: {}.",
                lifter.name,
                stored.describe(),
                incoming.describe()
            );
        }
        ImportMode::Append => {
            println!("Would import into {}'s log: {}.", lifter.name, incoming.describe());
            if !skipped.is_empty() {
                println!("Would skip, already in the log: {}.", skipped.describe());
            }
        }
    }
    println!("Nothing was written (--dry-run).");
}
