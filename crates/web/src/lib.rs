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
pub mod clinic;
pub mod csrf;
pub mod demo;
pub mod error;
pub mod pages;
pub mod routes;
pub mod state;

pub use routes::{Access, ROUTES, Route};
pub use state::{AppState, Config};

use axum::Router;
use pullback_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The application: every route of [`ROUTES`] with its middleware, over `store`.
pub async fn app(store: Arc<dyn Store>, config: Config) -> anyhow::Result<Router> {
    let state = AppState::new(store, config).await?;
    Ok(routes::router(state))
}

/// Serves `app` on `listener` until Ctrl-C or SIGTERM, then finishes the requests
/// in flight.
pub async fn serve(listener: TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
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
