//! What every request shares: the store, the signing secret, the configuration.

use jiff::Timestamp;
use pullback_app::planning::PlanCache;
use pullback_store::Store;
use std::sync::Arc;

/// How the server runs.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Mark cookies `Secure` always (behind TLS). Without it they are marked
    /// `Secure` only on requests that arrive with `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// A configured signing secret, overriding the one kept in the database.
    pub secret: Option<String>,
    /// Behind a reverse proxy: take the client's address (for the per-address
    /// log-in limit) from the last `X-Forwarded-For` entry, the one the proxy added.
    /// Off by default, since anyone can send that header straight to the server.
    pub trust_proxy: bool,
    /// A fixed "now" (from `PULLBACK_NOW`), for reproducible tests and demos.
    pub now: Option<Timestamp>,
    /// Whether sign-up offers the clinician role (`serve --allow-clinician-signup`);
    /// otherwise only the admin grants it (`pullback user grant-clinician`).
    pub allow_clinician_signup: bool,
    /// How long one request may take, the upload of its body included
    /// ([`DEFAULT_REQUEST_TIMEOUT`] when `None`); then it is answered 408.
    pub request_timeout: Option<std::time::Duration>,
    /// How many password hashes (argon2id, about 19 MiB each) run at once
    /// ([`default_password_hashes`] when `None`); more log-ins and sign-ups wait.
    pub password_hashes: Option<usize>,
    /// How often expired browser sessions are deleted ([`DEFAULT_SESSION_SWEEP`]
    /// when `None`).
    pub session_sweep: Option<std::time::Duration>,
    /// The contact (`mailto:` or `https:`) push services see in reminders' VAPID
    /// signatures ([`crate::push::DEFAULT_CONTACT`] when `None`).
    pub push_contact: Option<String>,
}

/// The default of [`Config::session_sweep`]: hourly.
pub const DEFAULT_SESSION_SWEEP: std::time::Duration = std::time::Duration::from_secs(3600);

/// The default of [`Config::password_hashes`]: the number of cores, from 2 to 8.
pub fn default_password_hashes() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZero::get).clamp(2, 8)
}

/// The default of [`Config::request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Cheap to clone; shared by every request.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Arc<dyn Store>,
    pub secret: Vec<u8>,
    pub config: Config,
    /// Permits for password hashing ([`Config::password_hashes`]).
    pub passwords: Arc<tokio::sync::Semaphore>,
    /// The threads that plan posted history documents ([`crate::api::plan`]).
    pub documents: crate::workers::Workers,
    /// Lifters' logs as plan reads last folded them ([`PlanCache`]).
    pub plans: PlanCache,
    /// The key pair that signs check-in reminders (Web Push), made at the first
    /// start and kept in the database ([`crate::push::Vapid::load`]).
    pub vapid: crate::push::Vapid,
}

/// How many lifters' folded logs the plan cache keeps (a few kB each).
pub const PLAN_CACHE_LIFTERS: usize = 4096;

impl std::fmt::Debug for Inner {
    /// Never prints the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("now", &self.config.now).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Reads (or, on the very first start, makes and stores) the signing secret.
    pub async fn new(store: Arc<dyn Store>, config: Config) -> anyhow::Result<AppState> {
        let secret = match &config.secret {
            Some(configured) if configured.len() >= 32 => configured.as_bytes().to_vec(),
            Some(_) => anyhow::bail!("the configured secret must have at least 32 characters"),
            None => store.server_secret(&pullback_app::secrets::random_bytes::<32>()?).await?,
        };
        let passwords = Arc::new(tokio::sync::Semaphore::new(
            config.password_hashes.unwrap_or_else(default_password_hashes).max(1),
        ));
        let documents = crate::workers::Workers::new(
            "plan-document",
            crate::api::plan::DOCUMENT_WORKERS,
            crate::api::plan::DOCUMENTS_WAITING,
        )?;
        let plans = PlanCache::new(PLAN_CACHE_LIFTERS);
        let vapid = crate::push::Vapid::load(store.as_ref()).await?;
        Ok(AppState(Arc::new(Inner { store, secret, config, passwords, documents, plans, vapid })))
    }

    /// Deletes expired browser sessions now and every [`Config::session_sweep`],
    /// on a task that ends when the app's state is dropped.
    pub fn spawn_session_sweep(&self) {
        let every = self.config.session_sweep.unwrap_or(DEFAULT_SESSION_SWEEP);
        let app = Arc::downgrade(&self.0);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(inner) = app.upgrade() else { return };
                let state = AppState(inner);
                match state.store.delete_expired_web_sessions(state.now()).await {
                    Ok(0) => {}
                    Ok(deleted) => tracing::info!(deleted, "deleted expired browser sessions"),
                    Err(e) => tracing::warn!(error = %e, "deleting expired browser sessions failed"),
                }
            }
        });
    }

    /// "Now": the configured instant, or the clock.
    pub fn now(&self) -> Timestamp {
        self.config.now.unwrap_or_else(Timestamp::now)
    }
}
