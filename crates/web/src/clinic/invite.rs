//! Invitations, the clinician's side: a one-time code a lifter accepts to let the
//! clinician see their data (the lifter's side is `pages::care`).
//!
//! A code is 10 characters from an alphabet without look-alikes (no I, L, O, 0,
//! 1), so it can be read out or typed by hand; only its SHA-256 is stored. The
//! lifter's page looks the code up (`Store::invitation`) to say who invites them
//! before they accept.

use crate::auth::Clinician;
use crate::csrf::{CsrfToken, Form, NoFields};
use crate::error::PageError;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, HOST};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use maud::{Markup, html};
use pullback_app::secrets::{random_bytes, sha256};
use pullback_store::Digest;

/// The characters of a code: capitals and digits that cannot be mistaken for one another.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// The length of a code (about 50 bits).
pub const CODE_CHARS: usize = 10;
/// How long an invitation can be accepted.
pub const VALID_FOR: SignedDuration = SignedDuration::from_hours(24 * 7);

/// A new random code, e.g. `K7QX2M9HPT`.
pub fn new_code() -> anyhow::Result<String> {
    // Bytes at or above the largest multiple of the alphabet's size are skipped,
    // so that every character is equally likely.
    let limit = 256 - 256 % ALPHABET.len();
    let mut code = String::with_capacity(CODE_CHARS);
    while code.len() < CODE_CHARS {
        for byte in random_bytes::<32>()? {
            if usize::from(byte) < limit && code.len() < CODE_CHARS {
                code.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
            }
        }
    }
    Ok(code)
}

/// A code as people write it (`k7qx2-m9hpt`), in its canonical form; `None`
/// when it cannot be a code.
pub fn normalize(text: &str) -> Option<String> {
    let code: String =
        text.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    let valid = code.len() == CODE_CHARS && code.bytes().all(|b| ALPHABET.contains(&b));
    valid.then_some(code)
}

/// What the store keeps of a (canonical) code.
pub fn digest(code: &str) -> Digest {
    sha256(code.as_bytes())
}

/// A code in two groups of five, easier to read out.
pub fn grouped(code: &str) -> String {
    let (first, second) = code.split_at(code.len().min(CODE_CHARS / 2));
    format!("{first}-{second}")
}

/// The form that makes an invitation.
pub async fn page(clinician: Clinician, token: CsrfToken) -> Markup {
    let body = html! {
        h1 { "Invite a lifter" }
        p { "A lifter who accepts your invitation lets you see their history, plan and charts, and change their \
            protocol settings, working weight and usual variation. Everything you see and change is written in a \
            log they can read, and they can stop sharing at any time." }
        p { "Each invitation is for one lifter: it works once, for 7 days." }
        form.stack method="post" action="/clinic/invitations" {
            (csrf_field(&token))
            button type="submit" { "Make an invitation code" }
        }
    };
    app_page("Invite a lifter", &clinician.user, &token, Nav::Clinic, body)
}

/// Makes a one-time invitation and shows its code and link, this once.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    clinician: Clinician,
    token: CsrfToken,
    Form(_): Form<NoFields>,
) -> Result<Response, PageError> {
    let code = new_code()?;
    let expires = state.now().checked_add(VALID_FOR).map_err(anyhow::Error::from)?;
    state.store.create_invitation(clinician.user.id, &digest(&code), expires).await?;
    let link = link(&state, &headers, &code);
    let zone = state.store.profile(clinician.user.id).await?.profile.time_zone;
    let until = expires.to_zoned(zone).strftime("%-d %b %Y, %H:%M").to_string();
    let body = html! {
        h1 { "Invitation ready" }
        p.notice role="status" { "Give this link, or the code, to the lifter you will follow. It works once, \
            until " (until) "." }
        label { "Link" input.token readonly value=(link); }
        label { "Code" input.token readonly value=(grouped(&code)); }
        h2 { "What the lifter does" }
        ol {
            li { "Logs in to Pullback (or creates an account), then opens the link. If the link opened the log-in \
                page, they open it again once logged in." }
            li { "Or, without the link: in Settings → Who can see my data, they type the code." }
            li { "They read what you will see and accept. You then find them in your clinic." }
        }
        p.hint { "Only a digest of the code is kept, so it cannot be shown again: make a new invitation if it is lost." }
        p { a.button href="/clinic/invite" { "Invite another lifter" } }
    };
    let mut response = app_page("Invitation ready", &clinician.user, &token, Nav::Clinic, body).into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The invitation's absolute link, on the host the clinician used (relative
/// without a Host header).
fn link(state: &AppState, headers: &HeaderMap, code: &str) -> String {
    let path = format!("/invite/{code}");
    let host = headers.get(HOST).and_then(|h| h.to_str().ok()).filter(|h| is_host(h));
    match host {
        Some(host) => {
            let scheme = if crate::auth::secure(state, headers) { "https" } else { "http" };
            format!("{scheme}://{host}{path}")
        }
        None => path,
    }
}

/// Whether `text` looks like `name[:port]` (a Host header is the client's word;
/// anything odd falls back to a relative link).
fn is_host(text: &str) -> bool {
    !text.is_empty() && text.len() <= 255 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ten_unambiguous_characters_and_differ() {
        let a = new_code().unwrap_or_else(|e| panic!("{e}"));
        let b = new_code().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.len(), CODE_CHARS);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)), "{a}");
        assert!(!a.contains(['I', 'L', 'O', '0', '1']), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn typed_codes_are_normalized_and_bad_ones_refused() {
        assert_eq!(normalize(" k7qx2-m9hpt ").as_deref(), Some("K7QX2M9HPT"));
        assert_eq!(normalize("K7QX2 M9HPT").as_deref(), Some("K7QX2M9HPT"));
        assert_eq!(normalize("K7QX2M9HP"), None, "too short");
        assert_eq!(normalize("NOSUCHCODE1"), None, "O and 1 are not in the alphabet, and too long");
        assert_eq!(normalize("K7QX2M9HP0"), None);
        assert_eq!(grouped("K7QX2M9HPT"), "K7QX2-M9HPT");
    }

    #[test]
    fn hosts_with_odd_characters_are_refused() {
        assert!(is_host("pullback.example.org:8443"));
        assert!(is_host("[::1]:8080"));
        assert!(!is_host("evil.example/\"><script>"));
        assert!(!is_host(""));
    }
}
