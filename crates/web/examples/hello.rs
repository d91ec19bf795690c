//! The floor for `scripts/load-compare`: a bare axum "hello" handler on the same
//! axum, hyper and tokio as `pullback serve`, with nothing else (no store, no
//! middleware). What Pullback serves is measured against it in the same run.
//!
//! `cargo run --release -p pullback-web --example hello` prints
//! `serving on http://127.0.0.1:PORT` and serves until killed.

use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new().route("/", get(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("serving on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
