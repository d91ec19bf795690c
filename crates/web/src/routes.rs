//! The one route table. It builds the router, and the authorization tests walk it,
//! since axum cannot list its routes: a route added here is tested at once.

use crate::pages::{account, today};
use crate::state::AppState;
use crate::{assets, csrf};
use axum::Router;
use axum::http::{HeaderValue, Method, header};
use axum::routing::{MethodRouter, get, post};
use axum::routing::{delete, patch};
use tower_http::set_header::SetResponseHeaderLayer;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (log-in, sign-up, assets, health).
    Public,
    /// A signed-in lifter, by session cookie; pages answer 303 to `/login` without one.
    Lifter,
    /// A lifter by personal access token (the JSON API); 401 without one.
    Token,
    /// A signed-in clinician (`auth::Clinician`): anonymous → 303 to `/login`; a
    /// lifter without the role → 404, as if the page did not exist. Routes with a
    /// `{lifter}` parameter (`auth::Patient`) also need a care link to that lifter,
    /// else 404.
    Clinician,
}

/// One route: method, path (axum syntax), who may call it, and its handler.
#[derive(Debug)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub handler: fn() -> MethodRouter<AppState>,
}

macro_rules! route {
    ($method:ident $path:literal, $access:ident, $handler:expr) => {
        Route { method: Method::$method, path: $path, access: Access::$access, handler: || $handler }
    };
}

/// Every route of the app.
pub static ROUTES: &[Route] = &[
    route!(GET "/healthz", Public, get(health)),
    route!(GET "/assets/{file}", Public, get(assets::serve)),
    // The installable, offline-first app: service worker, manifest, the offline page.
    route!(GET "/sw.js", Public, get(assets::service_worker)),
    route!(GET "/manifest.webmanifest", Public, get(assets::manifest)),
    route!(GET "/offline", Public, get(crate::pages::offline)),
    route!(GET "/login", Public, get(account::login_page)),
    route!(POST "/login", Public, post(account::login)),
    route!(GET "/signup", Public, get(account::signup_page)),
    route!(POST "/signup", Public, post(account::signup)),
    route!(POST "/logout", Lifter, post(account::logout)),
    route!(GET "/", Lifter, get(today::show)),
    route!(GET "/log", Lifter, get(crate::pages::log::page)),
    route!(POST "/log", Lifter, post(crate::pages::log::save)),
    route!(GET "/session", Lifter, get(crate::pages::log::live)),
    route!(GET "/checkin", Lifter, get(crate::pages::checkin::page)),
    route!(POST "/checkin", Lifter, post(crate::pages::checkin::save)),
    route!(GET "/screening", Lifter, get(crate::pages::screening::page)),
    route!(POST "/screening", Lifter, post(crate::pages::screening::save)),
    route!(GET "/symmetry", Lifter, get(crate::pages::screening::symmetry_page)),
    route!(POST "/symmetry", Lifter, post(crate::pages::screening::save_symmetry)),
    // The JSON API: personal access tokens only (see crate::api).
    route!(GET "/api/v1/openapi.json", Public, get(crate::api::docs::openapi_json)),
    route!(GET "/api/v1/me/sessions", Token, get(crate::api::sessions::list)),
    route!(POST "/api/v1/me/sessions", Token, post(crate::api::sessions::create)),
    route!(POST "/api/v1/me/checkins", Token, post(crate::api::events::checkin)),
    route!(POST "/api/v1/me/screenings", Token, post(crate::api::events::screening)),
    route!(POST "/api/v1/me/symmetry-tests", Token, post(crate::api::events::symmetry_test)),
    route!(GET "/api/v1/me/plan", Token, get(crate::api::plan::stored)),
    route!(POST "/api/v1/plan", Token, post(crate::api::plan::evaluate)),
    route!(GET "/api/v1/me/export", Token, get(crate::api::export::export)),
    // Issue 13: writes once per client id (above), lists with ids, changes and deletions.
    route!(PATCH "/api/v1/me/sessions/{id}", Token, patch(crate::api::sessions::change)),
    route!(DELETE "/api/v1/me/sessions/{id}", Token, delete(crate::api::sessions::delete)),
    route!(GET "/api/v1/me/checkins", Token, get(crate::api::entries::list_checkins)),
    route!(PATCH "/api/v1/me/checkins/{id}", Token, patch(crate::api::edits::change_checkin)),
    route!(DELETE "/api/v1/me/checkins/{id}", Token, delete(crate::api::edits::delete_checkin)),
    route!(GET "/api/v1/me/screenings", Token, get(crate::api::entries::list_screenings)),
    route!(PATCH "/api/v1/me/screenings/{id}", Token, patch(crate::api::edits::change_screening)),
    route!(DELETE "/api/v1/me/screenings/{id}", Token, delete(crate::api::edits::delete_screening)),
    route!(GET "/api/v1/me/symmetry-tests", Token, get(crate::api::entries::list_symmetry_tests)),
    route!(PATCH "/api/v1/me/symmetry-tests/{id}", Token, patch(crate::api::edits::change_symmetry_test)),
    route!(DELETE "/api/v1/me/symmetry-tests/{id}", Token, delete(crate::api::edits::delete_symmetry_test)),
    route!(GET "/history", Lifter, get(crate::pages::history::page)),
    // Changing and deleting logged entries (crate::pages::entries; sessions in pages::log).
    route!(GET "/history/sessions/{id}", Lifter, get(crate::pages::log::edit_page)),
    route!(POST "/history/sessions/{id}", Lifter, post(crate::pages::log::edit_save)),
    route!(GET "/history/sessions/{id}/delete", Lifter, get(crate::pages::entries::confirm_session)),
    route!(POST "/history/sessions/{id}/delete", Lifter, post(crate::pages::entries::delete_session)),
    route!(GET "/history/checkins/{id}", Lifter, get(crate::pages::entries::checkin_page)),
    route!(POST "/history/checkins/{id}", Lifter, post(crate::pages::entries::checkin_save)),
    route!(GET "/history/checkins/{id}/delete", Lifter, get(crate::pages::entries::confirm_checkin)),
    route!(POST "/history/checkins/{id}/delete", Lifter, post(crate::pages::entries::delete_checkin)),
    route!(GET "/history/screenings/{id}", Lifter, get(crate::pages::entries::screening_page)),
    route!(POST "/history/screenings/{id}", Lifter, post(crate::pages::entries::screening_save)),
    route!(GET "/history/screenings/{id}/delete", Lifter, get(crate::pages::entries::confirm_screening)),
    route!(POST "/history/screenings/{id}/delete", Lifter, post(crate::pages::entries::delete_screening)),
    route!(GET "/history/symmetry-tests/{id}", Lifter, get(crate::pages::entries::symmetry_page)),
    route!(POST "/history/symmetry-tests/{id}", Lifter, post(crate::pages::entries::symmetry_save)),
    route!(GET "/history/symmetry-tests/{id}/delete", Lifter, get(crate::pages::entries::confirm_symmetry)),
    route!(POST "/history/symmetry-tests/{id}/delete", Lifter, post(crate::pages::entries::delete_symmetry)),
    route!(GET "/settings", Lifter, get(crate::pages::settings::page)),
    route!(POST "/settings/profile", Lifter, post(crate::pages::settings::profile::save)),
    route!(GET "/settings/export.json", Lifter, get(crate::pages::settings::exports::json)),
    route!(GET "/settings/export.csv", Lifter, get(crate::pages::settings::exports::csv)),
    route!(GET "/settings/export.fhir.json", Lifter, get(crate::pages::settings::exports::fhir)),
    route!(
        POST "/settings/import",
        Lifter,
        post(crate::pages::settings::import::import)
            .layer(axum::extract::DefaultBodyLimit::max(crate::pages::settings::import::MAX_UPLOAD_BYTES))
    ),
    route!(POST "/settings/tokens", Lifter, post(crate::pages::settings::tokens::create)),
    route!(POST "/settings/tokens/{id}/delete", Lifter, post(crate::pages::settings::tokens::revoke)),
    route!(POST "/settings/delete", Lifter, post(crate::pages::settings::deletion::delete)),
    // The clinician's caseload, most urgent first (cached rows, see clinic::dashboard).
    route!(GET "/clinic", Clinician, get(crate::clinic::dashboard::page)),
    // Sharing with clinicians: invitations (clinician side), accepting and the care team (lifter side).
    route!(GET "/clinic/invite", Clinician, get(crate::clinic::invite::page)),
    route!(POST "/clinic/invitations", Clinician, post(crate::clinic::invite::create)),
    route!(GET "/invite/{code}", Lifter, get(crate::pages::care::invitation)),
    route!(POST "/invite/{code}", Lifter, post(crate::pages::care::accept_link)),
    route!(GET "/settings/care-team", Lifter, get(crate::pages::care::page)),
    route!(POST "/settings/care-team/accept", Lifter, post(crate::pages::care::accept_code)),
    route!(POST "/settings/care-team/{clinician}/revoke", Lifter, post(crate::pages::care::revoke)),
    // One lifter, seen by their clinician: plan, history, protocol tuning, notes (all audited).
    route!(GET "/clinic/lifters/{lifter}", Clinician, get(crate::clinic::lifter::page)),
    route!(POST "/clinic/lifters/{lifter}/protocol", Clinician, post(crate::clinic::lifter::protocol::save)),
    route!(POST "/clinic/lifters/{lifter}/profile", Clinician, post(crate::clinic::lifter::profile::save)),
    route!(POST "/clinic/lifters/{lifter}/notes", Clinician, post(crate::clinic::lifter::notes::add)),
    // Check-in reminders (issue 18): choices, the secret calendar feed, Web Push.
    route!(GET "/settings/reminders", Lifter, get(crate::pages::reminders::page)),
    route!(POST "/settings/reminders", Lifter, post(crate::pages::reminders::save)),
    route!(POST "/settings/reminders/calendar", Lifter, post(crate::pages::reminders::new_calendar_link)),
    route!(POST "/settings/reminders/calendar/revoke", Lifter, post(crate::pages::reminders::revoke_calendar_link)),
    route!(POST "/settings/reminders/push", Lifter, post(crate::pages::reminders::subscribe)),
    route!(POST "/settings/reminders/push/delete", Lifter, post(crate::pages::reminders::unsubscribe)),
    // Public, but only with a secret link's secret (crate::feeds): anything else is 404.
    route!(GET "/calendar/{file}", Public, get(crate::calendar::feed)),
    // The clinician's daily digest of their caseload, in the app and as a secret RSS link.
    route!(GET "/clinic/digest", Clinician, get(crate::clinic::digest::page)),
    route!(POST "/clinic/digest/feed", Clinician, post(crate::clinic::digest::new_feed_link)),
    route!(POST "/clinic/digest/feed/revoke", Clinician, post(crate::clinic::digest::revoke_feed_link)),
    route!(GET "/digest/{file}", Public, get(crate::clinic::digest::feed)),
];

/// The router of [`ROUTES`] with its middleware: CSRF nonces for pages, security
/// headers (`Cache-Control`: `no-store` on the API, `private, no-cache` on pages,
/// unless a handler sets its own), request
/// tracing, a timeout and compression.
pub fn router(state: AppState) -> Router {
    // The CSRF nonce is for forms: token routes (the API) read no cookie, so they
    // are served without it rather than making and setting one on every call.
    let (mut pages, mut api) = (Router::new(), Router::new());
    for route in ROUTES {
        match route.access {
            Access::Token => api = api.route(route.path, (route.handler)()),
            _ => pages = pages.route(route.path, (route.handler)()),
        }
    }
    // The API's answers are never stored by any cache. Pages are revalidated every
    // time and never kept by a shared cache (`private, no-cache`): `no-store` on a
    // page stalled the service worker's own fetches in Chromium (it never
    // installed), and the offline app keeps the lifter's own pages by design.
    let api =
        api.layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    pages
        .layer(axum::middleware::from_fn_with_state(state.clone(), csrf::ensure_nonce))
        .merge(api)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Pages carry personal data (plans, histories, notes): no shared cache keeps
        // them, and the browser asks again every time. Only the assets say otherwise
        // (cached an hour); a page showing a secret once sets `no-store` itself.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout.unwrap_or(crate::state::DEFAULT_REQUEST_TIMEOUT),
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// Paths whose rest is a secret: an invitation's code grants access to a
/// lifter's data until it is used, and a feed's secret opens the feed, so they
/// never go into a log.
const SECRET_PATHS: &[&str] = &["/invite/", "/calendar/", "/digest/"];

/// The log's span of a request (tower-http's default fields, at debug level),
/// with the secret part of a path replaced by `<redacted>`.
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let uri = request.uri();
    let shown = match SECRET_PATHS.iter().find(|prefix| uri.path().starts_with(*prefix)) {
        Some(prefix) => format!("{prefix}<redacted>"),
        None => uri.to_string(),
    };
    tracing::debug_span!("request", method = %request.method(), uri = %shown, version = ?request.version())
}

/// Liveness and readiness: answers once the database does.
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<&'static str, crate::error::ApiError> {
    state.store.credentials("").await?;
    Ok("ok\n")
}
