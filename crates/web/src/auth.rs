//! Who is asking: log-in limits, password work (the hashing itself is
//! [`pullback_app::secrets`]), browser sessions (a random id in an
//! HttpOnly cookie; only its SHA-256 is stored), and API tokens (Bearer).

use crate::error::{ApiError, Attempted, PageError};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};
use jiff::{SignedDuration, Timestamp};
use pullback_app::secrets::{TOKEN_PREFIX, random_bytes, sha256};
use pullback_store::{Admission, Digest, Limit, LimitRule, User};
use std::sync::Arc;
use tokio::sync::Semaphore;

pub const SESSION_COOKIE: &str = "pb_session";
/// How long a browser stays signed in.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(24 * 30);
/// Guesses at one account from one address that go at once; after them each next
/// guess from that address at that account waits [`FIRST_DELAY`], doubling with
/// every further failure up to [`MAX_DELAY`]. The owner, from anywhere else, is
/// never held up by someone else's guesses: nothing locks an account.
pub const FREE_GUESSES: usize = 3;
pub const FIRST_DELAY: SignedDuration = SignedDuration::from_secs(1);
pub const MAX_DELAY: SignedDuration = SignedDuration::from_mins(15);
/// Failed log-ins allowed per address (at any accounts) in [`FAILURE_WINDOW`].
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
pub const FAILURE_WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Sign-ups allowed per address in [`SIGNUP_WINDOW`].
pub const MAX_SIGNUPS_PER_ADDRESS: usize = 10;
pub const SIGNUP_WINDOW: SignedDuration = SignedDuration::from_hours(1);

/// The limits a log-in attempt of `name` from `address` is counted against, before
/// its password is checked: the back-off of this address at this account
/// (forgotten after a day, or at a successful log-in from it), and the address's
/// failures at any account.
pub fn login_limits(name: &str, address: std::net::IpAddr) -> [Limit; 2] {
    let backoff = LimitRule::Backoff {
        free: FREE_GUESSES,
        first_delay: FIRST_DELAY,
        max_delay: MAX_DELAY,
        forget: pullback_store::throttle::KEPT,
    };
    let window = LimitRule::Window { max: MAX_FAILURES_PER_ADDRESS, window: FAILURE_WINDOW };
    // The account as the store finds it (`ｄｅｍｏ` is `demo`), so that spelling
    // one name in other forms gets no fresh back-off.
    let account = pullback_core::clean_name(name, usize::MAX).unwrap_or_else(|_| name.trim().to_owned());
    [
        Limit { subject: format!("pair:{address} {}", account.to_lowercase()), rule: backoff },
        Limit { subject: format!("addr:{address}"), rule: window },
    ]
}

/// The limit a sign-up from `address` is counted against, before its password is hashed.
pub fn signup_limits(address: std::net::IpAddr) -> [Limit; 1] {
    let rule = LimitRule::Window { max: MAX_SIGNUPS_PER_ADDRESS, window: SIGNUP_WINDOW };
    [Limit { subject: format!("signup:{address}"), rule }]
}

/// Counts an attempt against `limits`, or refuses it with how long to wait.
pub async fn admit(state: &AppState, limits: &[Limit], what: Attempted) -> Result<(), PageError> {
    let now = state.now();
    match state.store.admit_attempt(limits, now).await? {
        Admission::Admitted => Ok(()),
        Admission::Wait { until } => {
            let wait = until.duration_since(now).unsigned_abs();
            Err(PageError::TooManyAttempts { what, retry_after: wait })
        }
    }
}

/// Runs password work (`work`: argon2id, about 19 MiB and tens of milliseconds
/// each) on a blocking thread once one of the server's permits is free, so that at
/// most [`Config::password_hashes`](crate::Config::password_hashes) run at once
/// however many log-ins and sign-ups arrive together. The permit is held until the
/// work ends, even if the request is dropped meanwhile.
pub async fn password_work<T: Send + 'static>(
    permits: &Arc<Semaphore>,
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let permit = permits.clone().acquire_owned().await?;
    let done = tokio::task::spawn_blocking(move || {
        let out = work();
        drop(permit);
        out
    });
    Ok(done.await?)
}
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

/// Whether cookies must be `Secure`: configured so, or the request came over TLS
/// through a proxy that says so.
pub fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
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

/// Starts a browser session for `user`: a new random id (so the id always changes
/// at log-in), stored by digest. Gives the cookie to set.
pub async fn start_session(state: &AppState, user: &User, headers: &HeaderMap) -> Result<HeaderValue, PageError> {
    let id = hex::encode(random_bytes::<32>()?);
    let expires = state.now().checked_add(SESSION_LIFETIME).unwrap_or(Timestamp::MAX);
    state.store.create_web_session(user.id, &sha256(id.as_bytes()), expires).await?;
    Ok(set_cookie(SESSION_COOKIE, &id, Some(SESSION_LIFETIME), secure(state, headers)))
}

/// The signed-in lifter of a page request. Without a valid session a page answers
/// 303 to the log-in page.
#[derive(Debug, Clone)]
pub struct Lifter {
    pub user: User,
    /// The digest of the session id (for log-out and for binding CSRF tokens).
    pub session: Digest,
    /// The lifter's revision when the session was checked (keys the plan cache).
    pub revision: pullback_store::Revision,
}

impl FromRequestParts<AppState> for Lifter {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Lifter, PageError> {
        let Some(id) = cookie_value(&parts.headers, SESSION_COOKIE) else {
            return Err(PageError::SignInFirst);
        };
        let session = sha256(id.as_bytes());
        // One read: the session, its user and their revision.
        let Some(caller) = state.store.web_session(&session, state.now()).await? else {
            return Err(PageError::SignInFirst);
        };
        Ok(Lifter { user: caller.user, session, revision: caller.revision })
    }
}

/// The lifter of an API request, by personal access token (`Authorization: Bearer
/// pb_…`). The session cookie is never accepted here, so the API needs no CSRF
/// protection. Without a valid token: 401 with a JSON body.
#[derive(Debug, Clone)]
pub struct ApiLifter {
    pub user: User,
    /// The lifter's revision when the token was checked (keys the plan cache).
    pub revision: pullback_store::Revision,
}

impl FromRequestParts<AppState> for ApiLifter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ApiLifter, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.starts_with(TOKEN_PREFIX))
            .ok_or(ApiError::Unauthorized)?;
        // One read: the token, its user and their revision.
        let caller = state.store.api_token_user(&sha256(token.as_bytes())).await?.ok_or(ApiError::Unauthorized)?;
        Ok(ApiLifter { user: caller.user, revision: caller.revision })
    }
}

/// A signed-in clinician. A signed-in user without the role gets 404: the
/// clinician pages do not exist for them.
#[derive(Debug, Clone)]
pub struct Clinician {
    pub user: User,
    pub session: Digest,
}

impl FromRequestParts<AppState> for Clinician {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Clinician, PageError> {
        let Lifter { user, session, .. } = Lifter::from_request_parts(parts, state).await?;
        if !user.clinician {
            return Err(PageError::NotFound);
        }
        Ok(Clinician { user, session })
    }
}

/// A clinician and one of their lifters, from the `{lifter}` path parameter (the
/// lifter's id). Without a care link, or for a lifter who does not exist, 404:
/// the answer does not tell whether the lifter exists.
#[derive(Debug, Clone)]
pub struct Patient {
    pub clinician: User,
    pub lifter: User,
}

#[derive(Debug, serde::Deserialize)]
struct LifterParam {
    lifter: String,
}

impl FromRequestParts<AppState> for Patient {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Patient, PageError> {
        let Clinician { user: clinician, .. } = Clinician::from_request_parts(parts, state).await?;
        let axum::extract::Path(param) = axum::extract::Path::<LifterParam>::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError::NotFound)?;
        let id = param.lifter.parse::<i64>().map(pullback_store::UserId).map_err(|_| PageError::NotFound)?;
        if !state.store.can_view(clinician.id, id).await? {
            return Err(PageError::NotFound);
        }
        let lifter = state.store.user(id).await?;
        Ok(Patient { clinician, lifter })
    }
}

/// The client's address for rate limiting: the TCP peer, or behind a trusted
/// proxy the last `X-Forwarded-For` entry (nginx's `$proxy_add_x_forwarded_for`
/// appends the address it saw; earlier entries are the client's own word).
pub fn client_address(state: &AppState, headers: &HeaderMap, peer: std::net::IpAddr) -> std::net::IpAddr {
    if !state.config.trust_proxy {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .next_back()
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn password_work_runs_at_most_as_many_at_once_as_there_are_permits() {
        let permits = Arc::new(Semaphore::new(2));
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let (permits, running, most) = (permits.clone(), running.clone(), most.clone());
            tasks.spawn(async move {
                password_work(&permits, move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    // Long enough for the others to pile up if nothing held them back.
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
                .unwrap();
            });
        }
        tasks.join_all().await;
        let most = most.load(Ordering::SeqCst);
        assert!((1..=2).contains(&most), "{most} ran at once");
    }
}
