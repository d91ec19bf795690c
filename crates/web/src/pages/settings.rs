//! Settings: the profile, exports and imports of the lifter's data, personal access
//! tokens for the JSON API, and deleting the account. Each is its own POST form.

use crate::auth::Lifter;
use crate::cookies::{SESSION_COOKIE, secure, set_cookie};
use crate::csrf::{CsrfToken, Form, NoFields};
use crate::error::PageError;
use crate::pages::parts::capitalised;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::tz::TimeZone;
use maud::{Markup, html};
use pullback_app::csv_import::{CsvImportError, Imported, import_csv};
use pullback_app::export::{fhir_document, full_document, write_csv};
use pullback_app::secrets::new_token;
use pullback_app::words::count;
use pullback_core::{Decimal, Load, Units, Variation};
use pullback_import::{BadRow, ImportError, Options, UnitsRead};
use pullback_store::{ApiToken, StoreError, StoredProfile, TokenId};
use serde::Deserialize;
use std::str::FromStr;

/// The largest CSV upload taken (the route's body limit).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// Zones offered in the time-zone field; any other IANA name may be typed.
const COMMON_ZONES: [&str; 24] = [
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Oslo",
    "Europe/Stockholm",
    "Europe/Helsinki",
    "Europe/Warsaw",
    "Europe/Athens",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
];

// --- The page ---

#[derive(Debug, Deserialize)]
pub struct SettingsQuery {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    revoked: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Query(query): Query<SettingsQuery>,
) -> Result<Markup, PageError> {
    let profile = state.store.profile(lifter.user.id).await?;
    let mut view = View::new(&state, &lifter, &token, ProfileForm::from_stored(&profile), &profile).await?;
    view.notice = match (query.saved.is_some(), query.revoked.is_some()) {
        (true, _) => Some("Your profile is saved."),
        (_, true) => Some("The token is revoked: it no longer works."),
        _ => None,
    };
    Ok(view.render())
}

/// Everything the settings page shows, with the problems of the form just sent.
struct View<'a> {
    lifter: &'a Lifter,
    token: &'a CsrfToken,
    zone: TimeZone,
    profile: ProfileForm,
    profile_problems: Vec<Problem>,
    tokens: Vec<ApiToken>,
    token_problem: Option<String>,
    delete_problem: Option<String>,
    notice: Option<&'static str>,
}

impl<'a> View<'a> {
    async fn new(
        state: &AppState,
        lifter: &'a Lifter,
        token: &'a CsrfToken,
        profile: ProfileForm,
        stored: &StoredProfile,
    ) -> Result<View<'a>, PageError> {
        let tokens = state.store.api_tokens(lifter.user.id).await?;
        Ok(View {
            lifter,
            token,
            zone: stored.profile.time_zone.clone(),
            profile,
            profile_problems: Vec::new(),
            tokens,
            token_problem: None,
            delete_problem: None,
            notice: None,
        })
    }

    /// The page as a 422: a form on it was refused.
    async fn refused(
        state: &AppState,
        lifter: &'a Lifter,
        token: &'a CsrfToken,
        with: impl FnOnce(&mut View<'a>),
    ) -> Result<Response, PageError> {
        let stored = state.store.profile(lifter.user.id).await?;
        let mut view = View::new(state, lifter, token, ProfileForm::from_stored(&stored), &stored).await?;
        with(&mut view);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, view.render()).into_response())
    }

    fn render(&self) -> Markup {
        let body = html! {
            h1 { "Settings" }
            @if let Some(notice) = self.notice { p.notice role="status" { (notice) } }
            (self.profile_section())
            (self.data_section())
            (self.tokens_section())
            section aria-labelledby="reminders-title" {
                h2 #reminders-title { "Reminders" }
                p { "Check-in reminders in your phone's calendar or as notifications: "
                    a href="/settings/reminders" { "Reminders" } "." }
            }
            section aria-labelledby="care-title" {
                h2 #care-title { "Who can see my data" }
                p { "Clinicians you share your data with, invitations, and everything they did with your data: "
                    a href="/settings/care-team" { "Who can see my data" } "." }
            }
            (self.delete_section())
        };
        app_page("Settings", &self.lifter.user, self.token, Nav::Settings, body)
    }

    fn problem(&self, field: &str) -> Option<&str> {
        self.profile_problems.iter().find(|p| p.field == field).map(|p| p.message.as_str())
    }

    /// A text field with its label, hint and problem.
    fn text_field(&self, field: &'static str, label: &str, value: &str, hint: &str, extra: Markup) -> Markup {
        let problem = self.problem(field);
        let described =
            format!("{field}-hint{}", if problem.is_some() { format!(" {field}-problem") } else { "".into() });
        html! {
            label {
                (label)
                input name=(field) id=(field) value=(value) aria-describedby=(described)
                    aria-invalid=[problem.map(|_| "true")] list=[(field == "time_zone").then_some("zones")];
                span.hint id=(format!("{field}-hint")) { (hint) }
                @if let Some(p) = problem { span.problem id=(format!("{field}-problem")) { (p) } }
                (extra)
            }
        }
    }

    fn profile_section(&self) -> Markup {
        let f = &self.profile;
        html! {
            section aria-labelledby="profile-title" {
                h2 #profile-title { "Profile" }
                @if !self.profile_problems.is_empty() {
                    p.problem role="alert" {
                        "Please check: " (self.profile_problems.iter().map(|p| p.label).collect::<Vec<_>>().join(", ")) "."
                    }
                }
                // What the store refused about the profile as a whole has no field to stand by.
                @if let Some(whole) = self.problem(WHOLE_PROFILE) { p.problem { (whole) } }
                form.stack method="post" action="/settings/profile" {
                    (csrf_field(self.token))
                    fieldset.choice {
                        legend { "You lift in" }
                        label { input type="radio" name="units" value="kg" checked[f.units == "kg"]; " kilograms" }
                        label { input type="radio" name="units" value="lb" checked[f.units == "lb"]; " pounds" }
                        span.hint { "Switching units resets the bar, the load step and the plates to the new unit's \
                            defaults; enter your working weight in the new unit." }
                        @if let Some(p) = self.problem("units") { span.problem { (p) } }
                    }
                    (self.text_field("working_weight", if f.units == "lb" { "Working weight (lb)" } else { "Working weight (kg)" }, &f.working_weight,
                        "Your 100 % for the ladder. Leave it empty to take it from your log.", html! {}))
                    label {
                        "Usual variation"
                        select name="usual_variation" {
                            @for v in Variation::ALL {
                                option value=(v.exercise().id()) selected[f.usual_variation == v.exercise().id()] { (v.label()) }
                            }
                        }
                        @if let Some(p) = self.problem("usual_variation") { span.problem { (p) } }
                    }
                    (self.text_field("time_zone", "Time zone", &f.time_zone,
                        "An IANA name like Europe/Oslo: dates and check-in times are shown in it.",
                        html! { datalist #zones { @for z in COMMON_ZONES { option value=(z) {} } } }))
                    (self.text_field("plates", "Plates", &f.plates,
                        "The plates you have, comma-separated, heaviest first, like 25, 20, 15, 10, 5, 2.5, 1.25. \
                         Leave it empty for the usual ones.", html! {}))
                    button type="submit" { "Save profile" }
                }
            }
        }
    }

    fn data_section(&self) -> Markup {
        html! {
            section aria-labelledby="data-title" {
                h2 #data-title { "Your data" }
                p { "Download everything you logged:" }
                ul.plain.downloads {
                    li { a.button.secondary href="/settings/export.json" download { "All data (JSON)" } }
                    li { a.button.secondary href="/settings/export.csv" download { "Sets (CSV)" } }
                    li { a.button.secondary href="/settings/export.fhir.json" download { "Pain scores (FHIR JSON)" } }
                }
                h3 { "Import from another app" }
                p.hint { "A CSV export of Strong, Hevy or FitNotes. Workouts already imported are not doubled: \
                    only sets you do not have yet are added." }
                // The token comes first, so that it is checked before the file is read.
                form.stack method="post" action="/settings/import" enctype="multipart/form-data" {
                    (csrf_field(self.token))
                    (unit_choice(None))
                    label { "CSV file" input type="file" name="file" accept=".csv,text/csv" required; }
                    label.check { input type="checkbox" name="skip_bad_rows" value="1";
                        " Skip bad rows (they are listed) instead of refusing the file" }
                    button type="submit" { "Import" }
                }
            }
        }
    }

    fn tokens_section(&self) -> Markup {
        html! {
            section aria-labelledby="tokens-title" {
                h2 #tokens-title { "Personal access tokens" }
                p.hint { "For scripts and other apps using the JSON API: send "
                    code { "Authorization: Bearer <token>" } ". A token acts as you; revoke it when it is no longer used." }
                @if self.tokens.is_empty() {
                    p.muted { "No tokens yet." }
                } @else {
                    table.tokens {
                        thead { tr { th { "Name" } th { "Created" } th { span.visually-hidden { "Revoke" } } } }
                        tbody {
                            @for t in &self.tokens {
                                tr {
                                    td { (t.name) }
                                    td { (t.created_at.to_zoned(self.zone.clone()).strftime("%-d %b %Y")) }
                                    td {
                                        form.inline method="post" action=(format!("/settings/tokens/{}/delete", t.id)) {
                                            (csrf_field(self.token))
                                            button.secondary type="submit" aria-label=(format!("Revoke {}", t.name)) {
                                                "Revoke"
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form.stack method="post" action="/settings/tokens" {
                    (csrf_field(self.token))
                    label {
                        "New token's name"
                        input name="name" required maxlength="64" placeholder="e.g. my spreadsheet"
                            aria-invalid=[self.token_problem.as_ref().map(|_| "true")];
                        @if let Some(p) = &self.token_problem { span.problem role="alert" { (p) } }
                    }
                    button type="submit" { "Create token" }
                }
            }
        }
    }

    fn delete_section(&self) -> Markup {
        html! {
            section.danger-zone aria-labelledby="delete-title" {
                h2 #delete-title { "Delete my account" }
                p { "This deletes your account and everything you logged, for good. Download your data first if \
                    you want to keep it." }
                form.stack method="post" action="/settings/delete" {
                    (csrf_field(self.token))
                    label {
                        span { "Type your user name, " strong { (self.lifter.user.name) } ", to confirm" }
                        input name="confirm" autocomplete="off" required
                            aria-invalid=[self.delete_problem.as_ref().map(|_| "true")];
                        @if let Some(p) = &self.delete_problem { span.problem role="alert" { (p) } }
                    }
                    button.danger type="submit" { "Delete my account and data" }
                }
            }
        }
    }
}

// --- Profile ---

/// The profile form as sent (and as shown again when refused).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    units: String,
    #[serde(default)]
    working_weight: String,
    #[serde(default)]
    usual_variation: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    plates: String,
}

impl ProfileForm {
    fn from_stored(stored: &StoredProfile) -> ProfileForm {
        let p = &stored.profile;
        ProfileForm {
            units: p.units.load_symbol().to_owned(),
            working_weight: p.working_weight.map(|w| w.to_string()).unwrap_or_default(),
            usual_variation: p.usual_variation.exercise().id().to_owned(),
            time_zone: stored.time_zone_name.clone(),
            plates: plates_text(stored.plates.as_deref()),
        }
    }
}

fn plates_text(plates: Option<&[Load]>) -> String {
    plates.map(|p| p.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")).unwrap_or_default()
}

/// The field name of a problem with the profile as a whole.
const WHOLE_PROFILE: &str = "profile";

/// One problem of a form: the field's name, its label, and what is wrong.
#[derive(Debug, Clone)]
struct Problem {
    field: &'static str,
    label: &'static str,
    message: String,
}

impl Problem {
    fn new(field: &'static str, label: &'static str, message: impl std::fmt::Display) -> Problem {
        Problem { field, label, message: format!("{label}: {message}") }
    }
}

pub async fn save_profile(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Form(form): Form<ProfileForm>,
) -> Result<Response, PageError> {
    let stored = state.store.profile(lifter.user.id).await?;
    let problems = match apply(&form, stored) {
        Ok(updated) => match state.store.set_profile(lifter.user.id, &updated).await {
            Ok(()) => return Ok(Redirect::to("/settings?saved=1").into_response()),
            Err(StoreError::Invalid(why)) => vec![Problem::new(WHOLE_PROFILE, "Profile", why)],
            Err(e) => return Err(e.into()),
        },
        Err(problems) => problems,
    };
    View::refused(&state, &lifter, &token, |view| {
        view.profile = form;
        view.profile_problems = problems;
    })
    .await
}

/// The profile with the form applied, or every problem found (as `pullback profile
/// set` checks them). Switching units resets the bar, load step, kettlebell and
/// plates to the new unit's defaults, unless other plates are given.
fn apply(form: &ProfileForm, mut stored: StoredProfile) -> Result<StoredProfile, Vec<Problem>> {
    let mut problems = Vec::new();
    let units = match form.units.as_str() {
        "kg" => Units::Kg,
        "lb" => Units::Lb,
        _ => {
            problems.push(Problem::new("units", "Units", "choose kilograms or pounds"));
            stored.profile.units
        }
    };
    // The plates field shows the stored plates: left as it was, they are in the old unit.
    let plates_edited = form.plates.trim() != plates_text(stored.plates.as_deref());
    let units_switched = stored.switch_units(units);
    match working_weight(&form.working_weight) {
        Ok(w) => stored.profile.working_weight = w,
        Err(message) => problems.push(Problem::new("working_weight", "Working weight", message)),
    }
    match Variation::from_id(form.usual_variation.trim()) {
        Some(v) => stored.profile.usual_variation = v,
        None => problems.push(Problem::new("usual_variation", "Usual variation", "choose one of the three deadlifts")),
    }
    if plates_edited || !units_switched {
        match plates(&form.plates) {
            Ok(p) => stored.plates = p,
            Err(message) => problems.push(Problem::new("plates", "Plates", message)),
        }
    }
    match time_zone(&form.time_zone, &stored) {
        Ok(updated) => stored = updated,
        Err(message) => problems.push(Problem::new("time_zone", "Time zone", message)),
    }
    if problems.is_empty() { Ok(stored) } else { Err(problems) }
}

fn working_weight(text: &str) -> Result<Option<Load>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let number = Decimal::from_str(text)
        .map_err(|_| format!("“{text}” is not a number; write it like 140 or 142.5, or leave it empty"))?;
    Load::parse_positive(number).map(Some).map_err(|e| format!("“{text}”: {}", e.0))
}

/// Plates as typed, heaviest first; `None` (the unit's usual plates) when empty.
fn plates(text: &str) -> Result<Option<Vec<Load>>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let mut plates = text
        .split(',')
        .map(|item| {
            let item = item.trim();
            let number = Decimal::from_str(item).map_err(|_| format!("“{item}” is not a number"))?;
            Load::parse_positive(number).map_err(|e| format!("“{item}”: {}", e.0))
        })
        .collect::<Result<Vec<Load>, String>>()?;
    plates.sort_by(|a, b| b.cmp(a));
    Ok(Some(plates))
}

fn time_zone(text: &str, stored: &StoredProfile) -> Result<StoredProfile, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("give an IANA name like Europe/Oslo".into());
    }
    stored.clone().with_time_zone(name).map_err(|e| match e {
        StoreError::Invalid(why) => why,
        other => other.to_string(),
    })
}

// --- Exports ---

pub async fn export_json(State(state): State<AppState>, lifter: Lifter) -> Result<Response, PageError> {
    let (stored, profile) = read_all(&state, &lifter).await?;
    let doc = full_document(state.now(), &lifter.user.name, &stored, &profile);
    let body = serde_json::to_vec_pretty(&doc).map_err(anyhow::Error::from)?;
    Ok(download(body, "application/json", &file_name(&state, &lifter, "json")))
}

pub async fn export_csv(State(state): State<AppState>, lifter: Lifter) -> Result<Response, PageError> {
    let (stored, profile) = read_all(&state, &lifter).await?;
    let mut body = Vec::new();
    write_csv(&mut body, &stored, &profile).map_err(anyhow::Error::from)?;
    Ok(download(body, "text/csv; charset=utf-8", &file_name(&state, &lifter, "csv")))
}

pub async fn export_fhir(State(state): State<AppState>, lifter: Lifter) -> Result<Response, PageError> {
    let stored = state.store.history(lifter.user.id).await?;
    let doc = fhir_document(state.now(), &lifter.user.name, &stored);
    let body = serde_json::to_vec_pretty(&doc).map_err(anyhow::Error::from)?;
    Ok(download(body, "application/fhir+json", &file_name(&state, &lifter, "fhir.json")))
}

async fn read_all(
    state: &AppState,
    lifter: &Lifter,
) -> Result<(pullback_store::StoredHistory, StoredProfile), PageError> {
    let stored = state.store.history(lifter.user.id).await?;
    let profile = state.store.profile(lifter.user.id).await?;
    Ok((stored, profile))
}

/// `pullback-NAME-DATE.EXT`, with anything but letters, digits, `-` and `_` in the
/// name replaced, so the header needs no quoting rules.
fn file_name(state: &AppState, lifter: &Lifter, extension: &str) -> String {
    let name: String = lifter
        .user
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    let date = state.now().strftime("%Y-%m-%d");
    format!("pullback-{name}-{date}.{extension}")
}

/// A file to save, never cached (it is personal data).
fn download(body: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CONTENT_DISPOSITION, disposition);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

// --- Import ---

/// The import form's choice of the unit of the file's weights (field `units`):
/// as the file says, kilograms or pounds.
fn unit_choice(chosen: Option<Units>) -> Markup {
    html! {
        fieldset.choice {
            legend { "Unit of the file's weights" }
            label { input type="radio" name="units" value="" checked[chosen.is_none()]; " as the file says" }
            label { input type="radio" name="units" value="kg" checked[chosen == Some(Units::Kg)]; " kilograms" }
            label { input type="radio" name="units" value="lb" checked[chosen == Some(Units::Lb)]; " pounds" }
            span.hint { "Hevy, FitNotes and most Strong exports say their unit. Strong's comma export does not: \
                choose the unit you logged in, or the file is refused. Loads are converted to your unit." }
        }
    }
}

/// The multipart upload: the CSRF token (first), `units`, `skip_bad_rows`, then `file`.
///
/// The file is spooled to an anonymous temporary file first and imported only once
/// it has arrived whole: the import's write transaction never waits on the client,
/// so a phone that uploads slowly holds up nobody else's writes, and an upload that
/// is cut off (a lost signal, the request timeout) stores nothing.
pub async fn import(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    // A body that is not multipart has no token to check: refused as a stale form.
    let mut multipart = multipart.map_err(|_| PageError::Csrf)?;
    let first = multipart.next_field().await.map_err(|_| PageError::Csrf)?.ok_or(PageError::Csrf)?;
    if first.name() != Some(crate::csrf::FIELD) {
        return Err(PageError::Csrf);
    }
    let csrf = first.text().await.map_err(|_| PageError::Csrf)?;
    crate::csrf::verify(&state, &headers, Some(&csrf))?;

    let profile = state.store.profile(lifter.user.id).await?;
    let mut options = Options::new(profile.profile.units, profile.profile.time_zone.clone());
    let file = loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => break field,
            Ok(Some(field)) if field.name() == Some("units") => match field.text().await.as_deref().map(str::trim) {
                Ok("") => options.file_units = None,
                Ok("kg") => options.file_units = Some(Units::Kg),
                Ok("lb") => options.file_units = Some(Units::Lb),
                Ok(other) => {
                    let why = html! { p.problem role="alert" { "Unit of the file's weights: “" (other)
                    "” is not a unit; choose kilograms or pounds, or as the file says." } };
                    return import_refused(&lifter, &token, StatusCode::UNPROCESSABLE_ENTITY, why);
                }
                Err(e) => return import_refused(&lifter, &token, e.status(), upload_failed(&e.body_text())),
            },
            Ok(Some(field)) => options.skip_bad_rows |= field.name() == Some("skip_bad_rows"),
            Ok(None) => return import_refused(&lifter, &token, StatusCode::UNPROCESSABLE_ENTITY, no_file()),
            Err(e) => return import_refused(&lifter, &token, e.status(), upload_failed(&e.body_text())),
        }
    };
    let spooled = match spool(file).await {
        Ok(spooled) => spooled,
        Err(Spool::Upload(status, why)) => return import_refused(&lifter, &token, status, upload_failed(&why)),
        Err(Spool::Disk(e)) => return Err(anyhow::anyhow!("could not spool the upload: {e}").into()),
    };
    let reader = Box::new(std::io::BufReader::new(spooled));
    match import_csv(state.store.as_ref(), lifter.user.id, reader, options, false, state.now()).await {
        Ok(imported) => Ok(import_done(&lifter, &token, &imported, profile.profile.units).into_response()),
        Err(CsvImportError::File(e)) => {
            import_refused(&lifter, &token, StatusCode::UNPROCESSABLE_ENTITY, file_problems(&e))
        }
        Err(CsvImportError::Store(e)) => Err(e.into()),
        Err(CsvImportError::Reader(why)) => Err(anyhow::anyhow!(why).into()),
    }
}

/// Why an upload could not be spooled.
#[derive(Debug)]
enum Spool {
    /// The upload broke off or was too large (the status and the reason to show).
    Upload(StatusCode, String),
    /// The temporary file could not be written.
    Disk(std::io::Error),
}

/// Writes the uploaded file to an anonymous temporary file (deleted when closed,
/// also when this future is dropped by the request timeout) and rewinds it.
async fn spool(mut field: Field<'_>) -> Result<std::fs::File, Spool> {
    use tokio::io::AsyncWriteExt;
    let file = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(|e| Spool::Disk(std::io::Error::other(e)))?
        .map_err(Spool::Disk)?;
    let mut out = tokio::io::BufWriter::new(tokio::fs::File::from_std(file));
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => out.write_all(&chunk).await.map_err(Spool::Disk)?,
            Ok(None) => break,
            Err(e) => return Err(Spool::Upload(e.status(), e.body_text())),
        }
    }
    out.flush().await.map_err(Spool::Disk)?;
    let mut file = out.into_inner().into_std().await;
    tokio::task::spawn_blocking(move || {
        use std::io::Seek;
        file.rewind().map(|()| file)
    })
    .await
    .map_err(|e| Spool::Disk(std::io::Error::other(e)))?
    .map_err(Spool::Disk)
}

fn no_file() -> Markup {
    html! { p.problem role="alert" { "Choose a CSV file to import." } }
}

fn upload_failed(why: &str) -> Markup {
    html! {
        p.problem role="alert" {
            "The upload did not arrive whole (" (why) "); nothing was imported. Files up to "
            (MAX_UPLOAD_BYTES / (1024 * 1024)) " MB are taken."
        }
    }
}

/// Why the file was refused, in the web form's words.
fn file_problems(error: &ImportError) -> Markup {
    match error {
        ImportError::BadRows { rows, total } => html! {
            p.problem role="alert" {
                (total) " bad row" @if *total != 1 { "s" } " in the file; nothing was imported. Fix them, or import \
                again with “Skip bad rows” ticked to import the rest."
            }
            (bad_row_list(rows, *total))
        },
        ImportError::UnknownFormat { header, columns, nearest } => html! {
            p.problem role="alert" {
                "The file's first line is not the header of a Strong, Hevy or FitNotes CSV export; nothing was \
                imported. Check that you chose the app's CSV export."
            }
            p { "The first line was: " code { (header) } }
            p { "Its " (columns.len()) " columns: " (columns.join(", ")) "." }
            @if let Some((format, missing)) = nearest {
                p { "The nearest is a " (format.app_name()) " export, which also has " (missing.join(", ")) "." }
            }
        },
        ImportError::UnitNeeded { format, line, weight } => html! {
            p.problem role="alert" {
                "This " (format.app_name()) " export has no unit column, so its weights (the first is " (weight)
                " on line " (line) ") could be kilograms or pounds; nothing was imported. Choose the unit you \
                logged in under “Unit of the file's weights” and upload it again."
            }
        },
        other => html! { p.problem role="alert" { (capitalised(&other.to_string())) } },
    }
}

fn bad_row_list(rows: &[BadRow], total: usize) -> Markup {
    html! {
        ul.bad-rows {
            @for row in rows {
                li {
                    "Line " (row.line)
                    @if !row.column.is_empty() { ", column “" (row.column) "”" }
                    ": " (row.reason)
                }
            }
            @if total > rows.len() { li { "… and " (total - rows.len()) " more" } }
        }
    }
}

fn import_refused(lifter: &Lifter, token: &CsrfToken, status: StatusCode, why: Markup) -> Result<Response, PageError> {
    let body = html! {
        h1 { "Import refused" }
        (why)
        p { a.button href="/settings#data-title" { "Back to Settings" } }
    };
    Ok((status, app_page("Import refused", &lifter.user, token, Nav::Settings, body)).into_response())
}

fn import_done(lifter: &Lifter, token: &CsrfToken, imported: &Imported, yours: Units) -> Markup {
    let (r, c) = (&imported.report, &imported.counts);
    let day = |z: &Option<jiff::Zoned>| z.as_ref().map_or("-".to_owned(), |z| z.strftime("%-d %b %Y").to_string());
    let converted = match &r.units {
        UnitsRead::Named { unit, .. } | UnitsRead::Given(unit) => *unit != yours,
        UnitsRead::Column { kg, lb, .. } => {
            if yours == Units::Kg {
                *lb > 0
            } else {
                *kg > 0
            }
        }
        UnitsRead::NotNeeded => false,
    };
    let body = html! {
        h1 { "Import done" }
        p.notice role="status" {
            @if !c.changed_anything() {
                "Nothing new: the file's " (count(c.known_sets, "set is", "sets are")) " already in your log."
            } @else if c.sets == 0 {
                "No new sets: the file's " (count(c.known_sets, "set is", "sets are")) " already in your log."
            } @else {
                "Imported " (count(c.sessions, "session", "sessions")) " (" (count(c.sets, "set", "sets")) ")"
                @if c.extended > 0 { ", and new sets in " (count(c.extended, "session already logged", "sessions already logged")) }
                "."
            }
            @if !c.remapped.is_empty() {
                " Re-mapped " (count(c.remapped_sets(), "set", "sets")) " imported before: "
                (c.remapped.iter().map(|((from, to), n)| format!("{from} → {to} ({n})")).collect::<Vec<_>>().join("; ")) "."
            }
            @if c.reloaded > 0 { " Corrected the load of " (count(c.reloaded, "set", "sets")) " imported before." }
            @if c.notes_added > 0 { " Added " (count(c.notes_added, "note", "notes")) " to what was imported before." }
        }
        dl.report {
            dt { "File" } dd { (imported.format.app_name()) " export: " (count(r.rows, "row", "rows")) ", "
                (count(r.sessions, "workout", "workouts")) ", " (count(r.sets, "set", "sets")) ", from "
                (day(&r.first)) " to " (day(&r.last)) }
            dt { "Unit of the file's weights" } dd { (r.units)
                @if converted { "; loads converted to " (yours.load_symbol()) ", your unit" } "."
                @if let Some(unused) = r.given_units_unused {
                    " The unit you chose (" (unused.load_symbol()) ") was not used: the file names its own."
                }
            }
            @if let Some(english) = &r.read_by_position {
                dt { "Header" } dd { "Not in English: its " (english.len()) " columns were read by the position of \
                    Strong's (" (english.join(", ")) ")." }
            }
            dt { "Already in your log" } dd { (count(c.known_sets, "set", "sets")) " skipped" }
            @for (reason, rows) in &r.skipped { dt { "Skipped (" (reason) ")" } dd { (count(*rows, "row", "rows")) } }
            @if r.failed_sets > 0 {
                dt { "Failed attempts (0 reps)" } dd { (count(r.failed_sets, "set", "sets")) " kept; never counted as a top set" }
            }
            @if r.notes.total() > 0 {
                dt { "Notes kept" } dd { (count(r.notes.sessions, "workout", "workouts")) ", "
                    (count(r.notes.exercises, "exercise", "exercises")) ", " (count(r.notes.sets, "set", "sets")) }
            }
            @for (name, (variant, sets)) in &r.variants {
                dt { "Deadlift variant kept as another exercise" }
                dd { (name) " (" (count(*sets, "set", "sets")) "): " (variant.explain()) }
            }
            @for (name, sets) in &r.unmapped {
                dt { "Kept as another exercise" } dd { (name) " (" (count(*sets, "set", "sets")) ")" }
            }
        }
        @if !r.bad_rows.is_empty() {
            h2 { "Bad rows skipped" }
            (bad_row_list(&r.bad_rows, r.skipped.get(pullback_import::skip::BAD_ROW).copied().unwrap_or(0)))
        }
        p { a.button href="/history" { "See your history" } " " a.button.secondary href="/settings" { "Back to Settings" } }
    };
    app_page("Import done", &lifter.user, token, Nav::Settings, body)
}

// --- Tokens ---

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

/// Creates a personal access token and shows it, this once: only its digest is kept.
pub async fn create_token(
    State(state): State<AppState>,
    lifter: Lifter,
    token: CsrfToken,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let name = form.name.trim();
    let refuse = |why: String| View::refused(&state, &lifter, &token, move |view| view.token_problem = Some(why));
    if name.is_empty() {
        return refuse("Token name: give the token a name, like “my spreadsheet”.".into()).await;
    }
    let (text, digest) = new_token()?;
    match state.store.create_api_token(lifter.user.id, name, &digest).await {
        Ok(_) => {}
        Err(StoreError::Invalid(why)) => return refuse(format!("Token name: {why}")).await,
        Err(e) => return Err(e.into()),
    }
    let body = html! {
        h1 { "Token created" }
        p.notice role="status" { "The token “" (name) "” is ready. Copy it now: it is shown only this once." }
        label { "Your token" input.token readonly value=(text) aria-describedby="token-hint"; }
        p.hint #token-hint { "Send it as " code { "Authorization: Bearer " (text) } ". Anyone with it can read and \
            write your log, so keep it secret; revoke it on the Settings page." }
        p { a.button href="/settings#tokens-title" { "Back to Settings" } }
    };
    let mut response = app_page("Token created", &lifter.user, &token, Nav::Settings, body).into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Revokes one of the lifter's tokens; another lifter's (or no) token is a 404.
pub async fn delete_token(
    State(state): State<AppState>,
    lifter: Lifter,
    Path(id): Path<String>,
    Form(_): Form<NoFields>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    state.store.delete_api_token(lifter.user.id, TokenId(id)).await?;
    Ok(Redirect::to("/settings?revoked=1").into_response())
}

// --- Deleting the account ---

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

/// Deletes the lifter with everything logged (browser sessions and tokens too),
/// once they have typed their user name, and signs the browser out.
pub async fn delete_account(
    State(state): State<AppState>,
    headers: HeaderMap,
    lifter: Lifter,
    token: CsrfToken,
    Form(form): Form<DeleteForm>,
) -> Result<Response, PageError> {
    if form.confirm.trim() != lifter.user.name {
        let why =
            format!("Confirm: type your user name, {}, exactly as it is, to delete your account.", lifter.user.name);
        return View::refused(&state, &lifter, &token, |view| view.delete_problem = Some(why)).await;
    }
    state.store.delete_user(lifter.user.id).await?;
    let mut response = Redirect::to("/signup").into_response();
    response
        .headers_mut()
        .append(SET_COOKIE, set_cookie(SESSION_COOKIE, "", None, secure(state.config.secure_cookies, &headers)));
    Ok(response)
}
