//! `pullback serve`: the web app.

use crate::Failure;
use crate::context::{Globals, database_url, now, redact, store_failure};
use crate::log_setup::LogFormat;
use anyhow::Context as _;
use clap::Args;

/// Serve the web app: sign up, log sessions and check-ins, see today's plan.
///
/// Uses the same database as the other commands (an embedded SQLite file by
/// default, nothing to set up). Logs go to standard error, as text or one JSON
/// object a line (--log-format json); set RUST_LOG to change what is logged
/// (default: info).
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pullback serve                          # then open http://127.0.0.1:8080\n  \
    pullback serve --bind 0.0.0.0:8080 --secure-cookies   # behind a TLS reverse proxy\n  \
    PULLBACK_NOW=2026-03-02T07:00:00Z pullback serve      # a fixed \"now\", for demos and tests\n  \
    pullback serve --demo --database /tmp/demo.db         # a clinician and 14 lifters to look at")]
pub struct ServeArgs {
    /// The address to listen on (port 0 picks a free one).
    #[arg(long, env = "PULLBACK_BIND", default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    bind: String,
    /// The signing secret (at least 32 characters) [default: made at the first start and kept in the database].
    #[arg(long, env = "PULLBACK_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// Always mark cookies Secure (serve behind TLS). Without it, only requests with
    /// X-Forwarded-Proto: https get Secure cookies.
    #[arg(long, env = "PULLBACK_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Behind a reverse proxy that sets X-Forwarded-For: count failed log-ins by
    /// the address the proxy saw, not the proxy's own. Only with a proxy in front:
    /// otherwise a client could choose its own address.
    #[arg(long, env = "PULLBACK_TRUST_PROXY")]
    trust_proxy: bool,
    /// Let people sign up as clinicians (physical therapists, coaches), who can
    /// invite lifters to share their data. Without it only `pullback user
    /// grant-clinician` gives the role.
    #[arg(long, env = "PULLBACK_ALLOW_CLINICIAN_SIGNUP")]
    allow_clinician_signup: bool,
    /// Seed demo data (unless there already): a clinician, demo-pt, and fourteen
    /// lifters in every state, timed back from now. Prints the log-ins; each start
    /// sets new passwords for demo-pt and demo-bea.
    #[arg(long)]
    demo: bool,
    /// Never apply migrations: refuse to start (exit 2) when the database's schema
    /// is behind, for deployments that run `pullback migrate` as a separate step.
    #[arg(long, env = "PULLBACK_NO_MIGRATE")]
    no_migrate: bool,
    /// How log lines are written to standard error: `text` for people, `json` (one
    /// object a line) for a log collector.
    #[arg(long, env = "PULLBACK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Who runs this server, for the push services that deliver check-in reminders
    /// (a `mailto:` or `https:` URL in each reminder's VAPID signature).
    #[arg(long, env = "PULLBACK_PUSH_CONTACT", value_name = "URL")]
    push_contact: Option<String>,
}

pub fn run(args: &ServeArgs, globals: &Globals) -> Result<(), Failure> {
    let fixed_now = match &globals.as_of {
        Some(text) => Some(now(Some(text))?),
        None => None,
    };
    let url = database_url(globals)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async {
        let store = pullback_store::open_with(&url, !args.no_migrate).await.map_err(|e| match e {
            pullback_store::StoreError::Schema(message) if args.no_migrate => {
                Failure::BadInput(vec![format!("--no-migrate: {}: {message}", redact(&url))])
            }
            other => store_failure(other, &url),
        })?;
        if args.demo {
            let at = fixed_now.unwrap_or_else(jiff::Timestamp::now);
            let login = pullback_app::demo::seed(store.as_ref(), at).await.context("seeding the demo data")?;
            println!("{login}");
        }
        let config = pullback_web::Config {
            secure_cookies: args.secure_cookies,
            secret: args.secret.clone(),
            now: fixed_now,
            allow_clinician_signup: args.allow_clinician_signup,
            trust_proxy: args.trust_proxy,
            request_timeout: None,
            password_hashes: None,
            session_sweep: None,
            push_contact: args.push_contact.clone(),
        };
        let app = pullback_web::app(store, config).await.context("starting the web app")?;
        let listener = tokio::net::TcpListener::bind(&args.bind)
            .await
            .map_err(|e| Failure::BadInput(vec![format!("--bind {}: {e}", args.bind)]))?;
        let address = listener.local_addr().context("reading the bound address")?;
        // Tests and scripts read this line to find the port.
        let shown = redact(&url);
        println!("Pullback is serving on http://{address} (database: {shown}). Stop it with Ctrl-C.");
        tracing::info!(%address, database = %shown, "serving");
        pullback_web::serve(listener, app).await.context("serving")?;
        Ok(())
    })
}
