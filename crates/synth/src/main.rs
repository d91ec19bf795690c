//! `pullback-synth`: writes a deterministic synthetic `pullback.plan/v1`
//! history (compact JSON) to standard output or a file.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use pullback_synth::{DEFAULT_SEED, Spec, history, write_strong_csv};

/// Generate a synthetic pullback.plan/v1 history for benchmarks and replay tests.
#[derive(Debug, Parser)]
#[command(name = "pullback-synth", version)]
struct Args {
    /// Number of training sessions (one or two every ~3.6 days).
    #[arg(long, value_name = "N", default_value_t = 2000)]
    sessions: usize,

    /// Mean number of sets per session (each session has this ± 20 %).
    #[arg(long, value_name = "N", default_value_t = 30)]
    sets_per_session: usize,

    /// Number of standalone check-ins [default: sessions / 5].
    #[arg(long, value_name = "N")]
    standalone_checkins: Option<usize>,

    /// Seed of the random number generator: the same arguments give the same bytes.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    seed: u64,

    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,

    /// Instead of a history document, write a Strong CSV export (comma dialect) of
    /// N set rows, streamed (for the import benchmark).
    #[arg(long, value_name = "N")]
    strong_csv_rows: Option<usize>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let spec = Spec {
        sessions: args.sessions,
        sets_per_session: args.sets_per_session,
        standalone_checkins: args.standalone_checkins.unwrap_or(args.sessions / 5),
        seed: args.seed,
    };
    if let Some(rows) = args.strong_csv_rows {
        return match &args.out {
            Some(path) => {
                let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
                write_strong_csv(BufWriter::new(file), rows, args.seed)
                    .with_context(|| format!("writing {}", path.display()))
            }
            None => write_strong_csv(BufWriter::new(io::stdout().lock()), rows, args.seed).context("writing stdout"),
        };
    }
    let doc = history(&spec);
    match &args.out {
        Some(path) => {
            let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
            write(BufWriter::new(file), &doc).with_context(|| format!("writing {}", path.display()))
        }
        None => write(BufWriter::new(io::stdout().lock()), &doc).context("writing stdout"),
    }
}

fn write(mut out: impl Write, doc: &serde_json::Value) -> anyhow::Result<()> {
    serde_json::to_writer(&mut out, doc)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
