//! Server-rendered pages: one layout, phone-first, forms that work without JavaScript.

pub mod account;
pub mod care;
pub mod charts;
pub mod checkin;
pub mod entries;
pub mod history;
pub mod log;
pub mod parts;
pub mod reminders;
pub mod screening;
pub mod settings;
pub mod today;
pub mod tolerance;

use crate::csrf::CsrfToken;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use pullback_store::User;

/// The navigation's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Today,
    Log,
    Checkin,
    History,
    Settings,
    /// The clinician's pages (only clinicians see the entry).
    Clinic,
    None,
}

const NAV: [(Nav, &str, &str); 5] = [
    (Nav::Today, "/", "Today"),
    (Nav::Log, "/log", "Log"),
    (Nav::Checkin, "/checkin", "Check-in"),
    (Nav::History, "/history", "History"),
    (Nav::Settings, "/settings", "Settings"),
];

/// What every advice screen says.
pub const NOT_A_CLINICIAN: &str = "Pullback gives training guidance from your own log. It does not replace a \
    clinician: it never diagnoses and never gives medication advice. If something feels wrong, see a physical \
    therapist or a doctor.";

/// A page of the signed-in app: header with navigation, the body, the footer.
pub fn app_page(title: &str, user: &User, token: &CsrfToken, active: Nav, body: Markup) -> Markup {
    document(
        title,
        html! {
            header.top {
                a.brand href="/" { (PreEscaped(crate::assets::ICON_SVG)) span { "Pullback" } }
                span.who data-user=(user.name) { (user.name) " " (logout_form(token)) }
            }
            nav.tabs aria-label="Main" {
                @for (nav, href, label) in NAV {
                    a href=(href) aria-current=[(nav == active).then_some("page")] { (label) }
                }
                @if user.clinician {
                    a href="/clinic" aria-current=[(active == Nav::Clinic).then_some("page")] { "Clinic" }
                }
            }
            main { (body) }
        },
    )
}

/// A page for someone not signed in (log-in, sign-up, messages).
pub fn public_page(title: &str, body: Markup) -> Markup {
    document(
        title,
        html! {
            header.top { a.brand href="/" { (PreEscaped(crate::assets::ICON_SVG)) span { "Pullback" } } }
            main { (body) }
        },
    )
}

fn document(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) " · Pullback" }
                link rel="stylesheet" href=(crate::assets::STYLE_PATH);
                link rel="icon" href=(crate::assets::ICON_PATH) type="image/svg+xml";
                link rel="manifest" href=(crate::assets::MANIFEST_PATH);
                meta name="theme-color" content="#1f5f8b";
                script src=(crate::assets::OUTBOX_PATH) defer {}
                script src=(crate::assets::SCRIPT_PATH) defer {}
            }
            body {
                (content)
                footer.disclaimer { p { (NOT_A_CLINICIAN) } }
            }
        }
    }
}

/// A short page that says what happened (errors, confirmations).
pub fn message_page(title: &str, text: &str) -> Markup {
    public_page(
        title,
        html! {
            h1 { (title) }
            p { (text) }
            p { a.button href="/" { "Back to Pullback" } }
        },
    )
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(token: &CsrfToken) -> Markup {
    html! { input type="hidden" name=(crate::csrf::FIELD) value=(token.0); }
}

/// A POST form button that logs out.
pub fn logout_form(token: &CsrfToken) -> Markup {
    html! {
        form.inline method="post" action="/logout" {
            (csrf_field(token))
            button.secondary type="submit" { "Log out" }
        }
    }
}

/// `/offline`: what the app shows, without signal, for a page never opened before.
/// It holds nobody's data, so it may be cached (the service worker keeps it when
/// it installs; a `no-store` answer there stalled the install in Chromium).
pub async fn offline() -> impl axum::response::IntoResponse {
    let page = public_page(
        "Offline",
        html! {
            h1 { "No connection" }
            p { "This page has not been opened on this phone before, so there is no copy of it here." }
            p { "Today, Session, Log and Check-in open without signal once you have opened them. A session or a \
                 check-in you save without signal is kept on this phone and sent when you are back online." }
            p { a.button href="/" { "Today" } " " a.button.secondary href="/session" { "Start session" } }
        },
    );
    ([(axum::http::header::CACHE_CONTROL, "public, max-age=3600")], page)
}
