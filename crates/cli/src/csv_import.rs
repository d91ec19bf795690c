//! `pullback import` of a Strong, Hevy or FitNotes CSV export: the options, the
//! progress bar and the report. The streaming into the store (one transaction,
//! flat memory) is [`pullback_app::csv_import`].

use crate::Failure;
use crate::context::{Ctx, Globals};
use crate::transfer::ImportArgs;
use anyhow::Context as _;
use pullback_app::csv_import::{CsvImportError, import_csv, preview};
use pullback_import::{Format, ImportError, Options, Report, Units, UnitsRead};
use pullback_store::{StoredProfile, WorkoutCounts};

/// Files smaller than this import too fast for a progress bar to help.
const PROGRESS_FROM_BYTES: u64 = 4 << 20;

/// A CSV file (standard input is spooled to a temporary file first, so that an
/// export out of time order can be read again), and its size for the progress bar.
pub struct CsvInput {
    pub file: std::fs::File,
    pub bytes: Option<u64>,
}

pub fn run(args: &ImportArgs, globals: &Globals, input: CsvInput) -> Result<(), Failure> {
    let ctx = Ctx::open(globals)?;
    let lifter = ctx.lifter()?;
    let profile = ctx.block_on(ctx.store.profile(lifter.id))?;
    let options = options(args, &profile)?;
    let bar = progress(input.bytes);
    let reader = bar.wrap_read(input.file);
    let now = ctx.now;
    let file = args.file.display().to_string();
    let units = profile.profile.units;

    if args.dry_run {
        let read = preview(reader, &options, now);
        bar.finish_and_clear();
        let (format, report) = read.map_err(|e| read_failure(e, &file))?;
        print_report(format, &report, units);
        println!(
            "Would import into {}'s log{}: the sets not already in it (a set already imported is skipped, and \
             brought in line with this reading: its exercise as mapped now, its load, missing notes).",
            lifter.name,
            if args.replace { ", replacing it" } else { "" }
        );
        println!("Nothing was written (--dry-run).");
        return Ok(());
    }
    let result = ctx.block_on(import_csv(ctx.store.as_ref(), lifter.id, Box::new(reader), options, args.replace, now));
    bar.finish_and_clear();
    let imported = result.map_err(|e| match e {
        CsvImportError::File(e) => read_failure(e, &file),
        CsvImportError::Store(e) => Failure::from(e),
        CsvImportError::Reader(why) => Failure::Other(anyhow::anyhow!(why)),
    })?;
    print_report(imported.format, &imported.report, units);
    print_counts(&lifter.name, args.replace, &imported.counts);
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
    options.file_units = args.units.map(Into::into);
    options.skip_bad_rows = args.skip_bad_rows;
    Ok(options)
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

/// What the file held: sessions, sets, dates, the unit read, names mapped or
/// kept, failed attempts, notes, rows skipped.
fn print_report(format: Format, r: &Report, yours: Units) {
    use pullback_app::words::count;
    let day = |z: &Option<jiff::Zoned>| z.as_ref().map_or("-".to_string(), |z| z.strftime("%Y-%m-%d").to_string());
    println!(
        "{} export: {} rows, {} sessions, {} sets, from {} to {}.",
        format.app_name(),
        r.rows,
        r.sessions,
        r.sets,
        day(&r.first),
        day(&r.last)
    );
    let converted = match &r.units {
        UnitsRead::Named { unit, .. } | UnitsRead::Given(unit) if *unit != yours => {
            format!("; loads converted to {}, your unit", yours.load_symbol())
        }
        UnitsRead::Column { kg, lb, .. } if (yours == Units::Kg && *lb > 0) || (yours == Units::Lb && *kg > 0) => {
            format!("; loads converted to {}, your unit", yours.load_symbol())
        }
        _ => String::new(),
    };
    println!("  units: {}{converted}.", r.units);
    if let Some(unused) = r.given_units_unused {
        println!("  --units {} was not used: the file names its own unit.", unused.load_symbol());
    }
    if let Some(english) = &r.read_by_position {
        println!(
            "  header: not in English; its {} columns were read by the position of Strong's: {}.",
            english.len(),
            english.join(", ")
        );
    }
    for (app, id) in &r.mapped {
        println!("  mapped: {app} → {id}");
    }
    for (app, (variant, sets)) in &r.variants {
        println!(
            "  deadlift variant kept as another exercise: {app} ({}): {}",
            count(*sets, "set", "sets"),
            variant.explain()
        );
    }
    for (app, sets) in &r.unmapped {
        println!("  kept as another exercise: {app} ({sets} sets; map it with --mapping)");
    }
    if r.failed_sets > 0 {
        println!("  failed attempts (0 reps) kept, never a top set: {}", count(r.failed_sets, "set", "sets"));
    }
    if r.notes.total() > 0 {
        let n = &r.notes;
        println!(
            "  notes kept: {}, {}, {}",
            count(n.sessions, "workout", "workouts"),
            count(n.exercises, "exercise", "exercises"),
            count(n.sets, "set", "sets")
        );
    }
    for (reason, rows) in &r.skipped {
        println!("  skipped: {} ({reason})", count(*rows, "row", "rows"));
    }
    for bad in &r.bad_rows {
        println!("  bad row skipped: line {}, column {:?}: {}", bad.line, bad.column, bad.reason);
    }
}

fn print_counts(name: &str, replace: bool, c: &WorkoutCounts) {
    use pullback_app::words::count;
    if c.sets == 0 && !c.changed_anything() {
        println!(
            "Nothing new to import: the file's {} are already in {name}'s log.",
            count(c.known_sets, "set", "sets")
        );
        return;
    }
    if c.sets > 0 {
        let verb = if replace { "Replaced" } else { "Imported into" };
        let mut line = format!(
            "{verb} {name}'s log: {} ({})",
            count(c.sessions, "session", "sessions"),
            count(c.sets, "set", "sets")
        );
        if c.extended > 0 {
            line.push_str(&format!(
                ", and new sets in {}",
                count(c.extended, "session already logged", "sessions already logged")
            ));
        }
        println!("{line}.");
    } else {
        println!("No new sets: the file's {} are already in {name}'s log.", count(c.known_sets, "set", "sets"));
    }
    if !c.remapped.is_empty() {
        let changes: Vec<String> = c
            .remapped
            .iter()
            .map(|((from, to), sets)| format!("{from} → {to} ({})", count(*sets, "set", "sets")))
            .collect();
        println!("Re-mapped {} imported before: {}.", count(c.remapped_sets(), "set", "sets"), changes.join("; "));
    }
    if c.reloaded > 0 {
        println!(
            "Corrected the load of {} imported before, read now in the file's unit as this import reads it.",
            count(c.reloaded, "set", "sets")
        );
    }
    if c.notes_added > 0 {
        println!("Added {} to what was imported before.", count(c.notes_added, "note", "notes"));
    }
    if c.known_sets > 0 && c.sets > 0 {
        println!("Skipped, already in the log: {}.", count(c.known_sets, "set", "sets"));
    }
}
