//! The `tracing` log of every command, on standard error.

use clap::ValueEnum;

/// The shape of the log lines on standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Installs the log for the whole process: what `level` and up (unless RUST_LOG
/// says otherwise) to standard error. Every command calls it, so a warning from
/// the store or the app (a checkpoint that could not be kept) is never lost.
pub fn init_logging(level: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let log = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);

    let _ = match format {
        LogFormat::Text => log.try_init(),
        LogFormat::Json => log.json().try_init(),
    };
}
