//! The stylesheet, the script and the icon, embedded in the binary: nothing is
//! fetched from a CDN, and nothing needs npm at run time.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub const STYLE_PATH: &str = "/assets/style.css";
pub const SCRIPT_PATH: &str = "/assets/app.js";
pub const ICON_PATH: &str = "/assets/icon.svg";

pub const STYLE: &str = include_str!("../assets/style.css");
pub const SCRIPT: &str = include_str!("../assets/app.js");
pub const ICON_SVG: &str = include_str!("../assets/icon.svg");

pub async fn serve(Path(file): Path<String>) -> Response {
    let (content_type, body) = match file.as_str() {
        "style.css" => ("text/css; charset=utf-8", STYLE),
        "app.js" => ("text/javascript; charset=utf-8", SCRIPT),
        "icon.svg" => ("image/svg+xml", ICON_SVG),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}
