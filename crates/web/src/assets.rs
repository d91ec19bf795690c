//! The stylesheet, the script and the icon, embedded in the binary: nothing is
//! fetched from a CDN, and nothing needs npm at run time.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub const STYLE_PATH: &str = "/assets/style.css";
pub const SCRIPT_PATH: &str = "/assets/app.js";
pub const ICON_PATH: &str = "/assets/icon.svg";
pub const OUTBOX_PATH: &str = "/assets/outbox.js";
pub const MANIFEST_PATH: &str = "/manifest.webmanifest";

pub const STYLE: &str = include_str!("../assets/style.css");
pub const SCRIPT: &str = include_str!("../assets/app.js");
pub const ICON_SVG: &str = include_str!("../assets/icon.svg");
pub const OUTBOX: &str = include_str!("../assets/outbox.js");
pub const SERVICE_WORKER: &str = include_str!("../assets/sw.js");
/// Settings → Reminders: subscribes this browser to Web Push and back.
pub const REMINDERS: &str = include_str!("../assets/reminders.js");

pub async fn serve(Path(file): Path<String>) -> Response {
    let (content_type, body) = match file.as_str() {
        "style.css" => ("text/css; charset=utf-8", STYLE),
        "app.js" => ("text/javascript; charset=utf-8", SCRIPT),
        "icon.svg" => ("image/svg+xml", ICON_SVG),
        "outbox.js" => ("text/javascript; charset=utf-8", OUTBOX),
        "reminders.js" => ("text/javascript; charset=utf-8", REMINDERS),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// `/sw.js`: the service worker, at the root so that it serves every page. Never
/// cached by HTTP, so that a new version reaches phones at their next visit.
pub async fn service_worker() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], SERVICE_WORKER)
        .into_response()
}

/// The web app manifest: Pullback installs on a phone's home screen and opens
/// full screen, on Today.
pub async fn manifest() -> Response {
    let manifest = serde_json::json!({
        "name": "Pullback",
        "short_name": "Pullback",
        "description": "Symptom-guided deadlift training: log sessions, rate your back, get your next session.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#fbfaf7",
        "theme_color": "#1f5f8b",
        "icons": [
            { "src": ICON_PATH, "sizes": "any", "type": "image/svg+xml", "purpose": "any" },
            { "src": ICON_PATH, "sizes": "any", "type": "image/svg+xml", "purpose": "maskable" }
        ]
    });
    (
        [(header::CONTENT_TYPE, "application/manifest+json"), (header::CACHE_CONTROL, "public, max-age=3600")],
        manifest.to_string(),
    )
        .into_response()
}
