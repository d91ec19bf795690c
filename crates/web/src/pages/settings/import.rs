//! Importing a CSV export of Strong, Hevy or FitNotes, and the report of what was read.

use super::View;
use super::upload::{Spool, spool};
use crate::auth::Lifter;
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::pages::parts::capitalised;
use crate::pages::{Nav, app_page, csrf_field};
use crate::state::AppState;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pullback_app::csv_import::{CsvImportError, Imported, import_csv};
use pullback_app::words::count;
use pullback_core::Units;
use pullback_import::{BadRow, ImportError, Options, UnitsRead};

/// The largest CSV upload taken (the route's body limit).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

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

impl View<'_> {
    /// The upload form, in the "Your data" section.
    pub(super) fn import_form(&self) -> Markup {
        html! {
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
