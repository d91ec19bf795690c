//! Cookies, a leaf module: reading one from a request, and `Set-Cookie` values
//! that are always HttpOnly and SameSite=Lax. `auth` (the session cookie) and
//! `csrf` (the nonce cookie) both use it, and it uses neither.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};
use jiff::SignedDuration;

/// The browser session's cookie.
pub const SESSION_COOKIE: &str = "pb_session";

/// The value of cookie `name` in the request's headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// Whether cookies must be `Secure`: configured so (`Config::secure_cookies`), or the request came over TLS
/// through a proxy that says so.
pub fn secure(configured: bool, headers: &HeaderMap) -> bool {
    configured
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`, Secure when asked;
/// `max_age` `None` deletes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age: Option<SignedDuration>, secure: bool) -> HeaderValue {
    let mut cookie = Cookie::build((name.to_owned(), value.to_owned()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .build();
    match max_age {
        Some(age) => cookie.set_max_age(cookie::time::Duration::seconds(age.as_secs())),
        None => cookie.make_removal(),
    }
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}
