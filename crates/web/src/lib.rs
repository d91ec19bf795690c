//! Pullback's web app: the lifter's daily loop in a phone's browser, and a JSON API.
//!
//! - Pages are server-rendered HTML ([`maud`]), phone-first, with forms that work
//!   without JavaScript. Every form carries a CSRF token ([`csrf`]).
//! - Browser sessions live in the database through the [`Store`] trait, so any
//!   server instance serves any request; the signing secret is made at the first
//!   start and kept in the database too ([`state`]).
//! - The JSON API under `/api/v1` takes only personal access tokens (Bearer).
//! - One route table ([`routes::ROUTES`]) builds the router and drives the
//!   authorization tests.

pub mod api;
pub mod assets;
pub mod auth;
pub mod calendar;
pub mod clinic;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod feeds;
pub mod pages;
pub mod push;
pub mod routes;
pub mod state;
pub mod workers;

pub use routes::{Access, ROUTES, Route};
pub use state::{AppState, Config};

use axum::Router;
use pullback_store::Store;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The application: every route of [`ROUTES`] with its middleware, over `store`;
/// also starts the hourly deletion of expired browser sessions, which ends with
/// the router.
pub async fn app(store: Arc<dyn Store>, config: Config) -> anyhow::Result<Router> {
    let state = AppState::new(store, config).await?;
    state.spawn_session_sweep();
    let contact = state.config.push_contact.clone().unwrap_or_else(|| push::DEFAULT_CONTACT.to_owned());
    push::spawn_sender(&state.store, state.vapid.clone(), contact, state.config.now);
    Ok(routes::router(state))
}

/// Serves `app` on `listener` with the default [`Timeouts`] until Ctrl-C or
/// SIGTERM, then finishes the requests in flight.
pub async fn serve(listener: TcpListener, app: Router) -> std::io::Result<()> {
    serve_with(listener, app, Timeouts::default()).await
}

/// What a connection may hold of the server before it sends a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// How long a client has to send a request's head (request line and headers),
    /// counted from when the server starts waiting for it: on a new connection,
    /// and on a kept-alive one after each answer. So it is also the idle timeout:
    /// a connection that sends nothing, trickles its header (slowloris) or sits
    /// idle between requests is closed after it. The body then has
    /// [`Config::request_timeout`], the answer included.
    pub header_read: std::time::Duration,
    /// At most this many connections are open at once; further ones wait in the
    /// listen queue until one closes.
    pub max_connections: usize,
}

impl Default for Timeouts {
    /// 10 s for a request's head (and for idling between requests), and 10,000
    /// connections.
    fn default() -> Timeouts {
        Timeouts { header_read: std::time::Duration::from_secs(10), max_connections: 10_000 }
    }
}

/// How long shutting down waits for the requests in flight.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves `app` on `listener` (HTTP/1.1 with keep-alive) with `timeouts` until
/// Ctrl-C or SIGTERM, then stops accepting, closes idle connections and waits for
/// the requests in flight (at most 30 s). Handlers see the peer's address as
/// `ConnectInfo<SocketAddr>`.
pub async fn serve_with(listener: TcpListener, app: Router, timeouts: Timeouts) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(timeouts.header_read).keep_alive(true);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let open = Arc::new(tokio::sync::Semaphore::new(timeouts.max_connections.max(1)));
    let mut stop = std::pin::pin!(shutdown_signal());
    loop {
        let next = async {
            let permit = open.clone().acquire_owned().await;
            (permit, listener.accept().await)
        };
        let (permit, accepted) = tokio::select! {
            next = next => next,
            () = &mut stop => break,
        };
        let Ok(permit) = permit else { break };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                accept_failed(&e).await;
                continue;
            }
        };
        // Small answers go out at once rather than waiting for more to send.
        let _ = stream.set_nodelay(true);
        let service = tower::ServiceExt::map_request(app.clone(), move |mut request: axum::extract::Request<_>| {
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            request
        });
        let service = hyper_util::service::TowerToHyperService::new(service);
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%peer, error = %e, "connection closed");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("stopped with requests still in flight after {SHUTDOWN_GRACE:?}");
    }
    Ok(())
}

/// After a failed `accept`: a client that gave up is nothing; anything else (out
/// of file descriptors, say) is logged, and the loop pauses a second rather than
/// spin.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
