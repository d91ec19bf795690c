//! Settings: the profile form, exports, the CSV upload, personal access tokens and
//! deleting the account.

use crate::history::{log_deadlift, user_id};
use crate::{Answer, Browser, PASSWORD, Server, answer};
use pullback_core::{Point, Units, Variation};
use pullback_store::Store;
use reqwest::StatusCode;

const STRONG: &str = include_str!("../../../import/tests/fixtures/strong_comma.csv");

fn profile_fields<'a>(working_weight: &'a str, time_zone: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("units", "kg"),
        ("working_weight", working_weight),
        ("usual_variation", "sumo_deadlift"),
        ("time_zone", time_zone),
        ("plates", "20, 25, 10, 1.25"),
    ]
}

#[tokio::test]
async fn a_profile_change_is_stored_and_confirmed() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let saved = ana.submit("/settings", "/settings/profile", &profile_fields("142.5", "Europe/Oslo")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), Some("/settings?saved=1"));
    let stored = server.store.profile(user_id(&server, "ana").await).await.unwrap();
    assert_eq!(stored.profile.working_weight.map(|w| w.to_string()).as_deref(), Some("142.5"));
    assert_eq!(stored.profile.usual_variation, Variation::SumoDeadlift);
    assert_eq!(stored.time_zone_name, "Europe/Oslo");
    let plates: Vec<String> = stored.plates.unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(plates, ["25", "20", "10", "1.25"], "heaviest first");
    let page = ana.get("/settings?saved=1").await;
    assert!(page.body.contains("Your profile is saved."));
    assert!(page.body.contains("value=\"142.5\"") && page.body.contains("value=\"Europe/Oslo\""), "{}", page.body);
    assert!(page.body.contains("aria-current=\"page\">Settings"));
}

#[tokio::test]
async fn a_bad_working_weight_and_an_unknown_time_zone_are_refused_field_by_field() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let refused = ana.submit("/settings", "/settings/profile", &profile_fields("heavy", "Mars/Olympus")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &refused.body;
    assert!(body.contains("id=\"working_weight-problem\">Working weight: “heavy” is not a number"), "{body}");
    assert!(
        body.contains("id=\"time_zone-problem\">Time zone: &quot;Mars/Olympus&quot; is not a known time zone"),
        "{body}"
    );
    assert!(body.contains("Please check: Working weight, Time zone."), "{body}");
    assert!(body.contains("value=\"heavy\""), "the form keeps what was typed");
    let negative = ana.submit("/settings", "/settings/profile", &profile_fields("-5", "UTC")).await;
    assert_eq!(negative.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(negative.body.contains("Working weight: “-5”: -5 is negative"), "{}", negative.body);
    let stored = server.store.profile(user_id(&server, "ana").await).await.unwrap();
    assert_eq!(stored.time_zone_name, "UTC", "nothing stored");
    assert_eq!(stored.profile.usual_variation, Variation::Deadlift, "nothing stored");
}

#[tokio::test]
async fn switching_units_resets_the_plates_unless_new_ones_are_given() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    ana.submit("/settings", "/settings/profile", &profile_fields("", "UTC")).await;
    let shown = "25, 20, 10, 1.25";
    let fields = [("units", "lb"), ("usual_variation", "deadlift"), ("time_zone", "UTC"), ("plates", shown)];
    let saved = ana.submit("/settings", "/settings/profile", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stored = server.store.profile(user_id(&server, "ana").await).await.unwrap();
    assert_eq!(stored.profile.units, Units::Lb);
    assert_eq!(stored.plates, None, "the kilogram plates were left as shown: back to the pound defaults");
    assert_eq!(stored.profile.bar_weight.to_string(), "45");
}

#[tokio::test]
async fn the_exports_hold_the_logged_session() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let user = user_id(&server, "ana").await;
    log_deadlift(&server, user, "2026-02-27T17:00:00Z", 120, &[(Point::During, 2)]).await;

    let json = ana.get("/settings/export.json").await;
    assert_eq!(json.status, StatusCode::OK);
    let disposition = json.headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"pullback-ana-2026-03-02.json\""), "{disposition}");
    assert_eq!(json.headers["cache-control"], "no-store");
    let doc = json.json();
    assert_eq!(doc["pullback_export"]["user"], "ana");
    assert_eq!(doc["sessions"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["sessions"][0]["exercises"][0]["exercise"], "deadlift");
    assert_eq!(doc["sessions"][0]["exercises"][0]["sets"][1]["load"], 120);

    let csv = ana.get("/settings/export.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let mut lines = csv.body.lines();
    assert_eq!(lines.next(), Some(pullback_app::export::CSV_HEADER.join(",").as_str()));
    assert_eq!(lines.count(), 4, "one warm-up and three work sets:\n{}", csv.body);

    let fhir = ana.get("/settings/export.fhir.json").await;
    assert_eq!(fhir.status, StatusCode::OK);
    assert_eq!(fhir.json()["resourceType"], "Bundle");
}

/// Uploads `file` through the import form: token first, then the checkbox, then the file.
async fn upload(server: &Server, browser: &Browser, csrf: &str, skip_bad_rows: bool, file: &str) -> Answer {
    upload_in(server, browser, csrf, Some("lb"), skip_bad_rows, file).await
}

/// Uploads `file` with the unit choice `units` (`None`: the field left out).
async fn upload_in(
    server: &Server,
    browser: &Browser,
    csrf: &str,
    units: Option<&str>,
    skip_bad_rows: bool,
    file: &str,
) -> Answer {
    let boundary = "pullback-test-7d1c0e";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n");
    if let Some(units) = units {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"units\"\r\n\r\n{units}\r\n"));
    }
    if skip_bad_rows {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"skip_bad_rows\"\r\n\r\n1\r\n"));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"strong.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    ));
    let request = browser
        .client
        .post(server.url("/settings/import"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"));
    answer(request.body(body).send().await.unwrap()).await
}

async fn sessions(server: &Server, name: &str) -> usize {
    server.store.sessions(user_id(server, name).await, None).await.unwrap().len()
}

#[tokio::test]
async fn a_strong_export_imports_its_three_workouts_once() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let csrf = ana.get("/settings").await.csrf();
    let first = upload(&server, &ana, &csrf, false, STRONG).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(first.body.contains("Imported 3 sessions"), "{}", first.body);
    assert!(first.body.contains("Strong export"), "{}", first.body);
    assert_eq!(sessions(&server, "ana").await, 3);
    let again = upload(&server, &ana, &csrf, false, STRONG).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert!(again.body.contains("Nothing new"), "{}", again.body);
    assert_eq!(sessions(&server, "ana").await, 3, "a second upload adds nothing");
}

#[tokio::test]
async fn the_import_form_offers_the_unit_of_the_files_weights_after_its_token() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let page = ana.get("/settings").await.body;
    let form = &page[page.find("action=\"/settings/import\"").expect("the import form")..];
    let form = &form[..form.find("</form>").expect("the form's end")];
    let token = form.find("name=\"csrf\"").expect("the token");
    let units = form.find("name=\"units\"").expect("the unit choice");
    let file = form.find("name=\"file\"").expect("the file");
    assert!(token < units && units < file, "the token first, the unit before the file: {form}");
    for value in ["value=\"\" checked", "value=\"kg\"", "value=\"lb\""] {
        assert!(form.contains(value), "{value}: {form}");
    }
    assert!(form.contains("Unit of the file's weights") && form.contains("Strong's comma export does not"), "{form}");
}

#[tokio::test]
async fn a_strong_export_without_a_unit_column_needs_the_unit_chosen() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let csrf = ana.get("/settings").await.csrf();
    let refused = upload_in(&server, &ana, &csrf, Some(""), false, STRONG).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        refused.body.contains("has no unit column") && refused.body.contains("Choose the unit"),
        "{}",
        refused.body
    );
    assert_eq!(sessions(&server, "ana").await, 0, "nothing stored");
    let refused = upload_in(&server, &ana, &csrf, None, false, STRONG).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "the field left out is “as the file says”");
    let stone = upload_in(&server, &ana, &csrf, Some("stone"), false, STRONG).await;
    assert_eq!(stone.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stone.body.contains("“stone” is not a unit"), "{}", stone.body);

    // In pounds, for a kilogram lifter: converted, and the page says which unit it read.
    let done = upload_in(&server, &ana, &csrf, Some("lb"), false, STRONG).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("lb, as you said (the file has no unit column); loads converted to kg"),
        "{}",
        done.body
    );
    assert!(done.body.contains("Notes kept") && done.body.contains("1 workout, 1 exercise, 1 set"), "{}", done.body);
    let history = ana.get("/history?all=1").await.body;
    // 315 lb = 142.88159655 kg, shown rounded to the 2.5 kg step.
    assert!(history.contains("Deadlift ≈ 142.5×5 @7, ≈ 142.5×5 @8"), "{history}");
    assert!(history.contains("Note: Back felt fine, no pain"), "{history}");
    let stored = server.store.history(user_id(&server, "ana").await).await.unwrap().history;
    let top = stored.sessions[0].exercises[0].sets[2].load.to_string();
    assert_eq!(top, "142.88159655", "stored exactly");

    // A file that names its unit is read in it whatever is chosen, and the page says so.
    let hevy = include_str!("../../../import/tests/fixtures/hevy_imperial.csv");
    let done = upload_in(&server, &ana, &csrf, Some("kg"), false, hevy).await;
    assert!(done.body.contains("lb, as the column &quot;weight_lbs&quot; says"), "{}", done.body);
    assert!(done.body.contains("The unit you chose (kg) was not used: the file names its own."), "{}", done.body);
}

#[tokio::test]
async fn a_newest_first_export_is_stored_oldest_first() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let csrf = ana.get("/settings").await.csrf();
    let hevy = include_str!("../../../import/tests/fixtures/hevy_notes.csv");
    let done = upload_in(&server, &ana, &csrf, None, false, hevy).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let listed = server.store.sessions(user_id(&server, "ana").await, None).await.unwrap();
    let days: Vec<String> = listed.iter().map(|e| e.at.zoned().date().to_string()).collect();
    assert_eq!(days, ["2026-01-07", "2026-01-10", "2026-01-14"]);
    assert!(listed.windows(2).all(|w| w[0].id < w[1].id), "session ids run with time: {listed:?}");
}

#[tokio::test]
async fn an_upload_with_a_bad_row_stores_nothing_unless_bad_rows_are_skipped() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let csrf = ana.get("/settings").await.csrf();
    let bad = STRONG.replacen("Deadlift (Barbell)\",1,315.0,5", "Deadlift (Barbell)\",1,heavy,5", 1);
    assert_ne!(bad, STRONG);
    let refused = upload(&server, &ana, &csrf, false, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("1 bad row in the file; nothing was imported"), "{}", refused.body);
    assert!(refused.body.contains("Line 4, column “Weight”"), "{}", refused.body);
    assert_eq!(sessions(&server, "ana").await, 0, "nothing stored");

    let unknown = upload(&server, &ana, &csrf, false, "Day,Lift,Kilos\n2026-01-01,Deadlift,100\n").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.body);
    assert!(unknown.body.contains("not the header of a Strong, Hevy or FitNotes CSV export"), "{}", unknown.body);

    let skipped = upload(&server, &ana, &csrf, true, &bad).await;
    assert_eq!(skipped.status, StatusCode::OK, "{}", skipped.body);
    assert!(skipped.body.contains("Bad rows skipped") && skipped.body.contains("Line 4"), "{}", skipped.body);
    assert_eq!(sessions(&server, "ana").await, 3);
}

#[tokio::test]
async fn an_upload_with_a_wrong_token_is_refused_before_the_file_is_read() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let refused = upload(&server, &ana, "00ff", false, STRONG).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(sessions(&server, "ana").await, 0);
}

/// The token shown on the page after creating one.
fn shown_token(page: &Answer) -> String {
    let start = page.body.find("value=\"pb_").unwrap_or_else(|| panic!("no token in:\n{}", page.body)) + 7;
    page.body[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_token_is_shown_once_listed_and_revoked_only_by_its_owner() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let ben = server.lifter("ben").await;
    let ana_id = user_id(&server, "ana").await;

    let created = ana.submit("/settings", "/settings/tokens", &[("name", "my spreadsheet")]).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.headers["cache-control"], "no-store");
    let token = shown_token(&created);
    let digest = pullback_app::secrets::sha256(token.as_bytes());
    assert_eq!(
        server.store.api_token_user(&digest).await.unwrap().map(|c| c.user.id),
        Some(ana_id),
        "the token is usable"
    );
    let settings = ana.get("/settings").await;
    assert!(settings.body.contains("<td>my spreadsheet</td><td>"), "listed with its date: {}", settings.body);
    assert!(!settings.body.contains(&token), "the token is shown only once");

    let unnamed = ana.submit("/settings", "/settings/tokens", &[("name", "  ")]).await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unnamed.body.contains("Token name: give the token a name"), "{}", unnamed.body);

    ben.submit("/settings", "/settings/tokens", &[("name", "ben's phone")]).await;
    let bens = server.store.api_tokens(user_id(&server, "ben").await).await.unwrap();
    let not_hers = ana.submit("/settings", &format!("/settings/tokens/{}/delete", bens[0].id), &[]).await;
    assert_eq!(not_hers.status, StatusCode::NOT_FOUND);
    assert_eq!(server.store.api_tokens(user_id(&server, "ben").await).await.unwrap().len(), 1, "ben keeps it");
    let nonsense = ana.submit("/settings", "/settings/tokens/abc/delete", &[]).await;
    assert_eq!(nonsense.status, StatusCode::NOT_FOUND);

    let hers = server.store.api_tokens(ana_id).await.unwrap();
    let revoked = ana.submit("/settings", &format!("/settings/tokens/{}/delete", hers[0].id), &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(revoked.location(), Some("/settings?revoked=1"));
    assert_eq!(server.store.api_token_user(&digest).await.unwrap().map(|c| c.user.id), None, "revoked");
    assert!(!ana.get("/settings").await.body.contains("<td>my spreadsheet</td>"));
}

#[tokio::test]
async fn deleting_the_account_needs_the_user_name_and_then_log_in_fails() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let user = user_id(&server, "ana").await;
    log_deadlift(&server, user, "2026-02-27T17:00:00Z", 120, &[]).await;

    let wrong = ana.submit("/settings", "/settings/delete", &[("confirm", "anna")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Confirm: type your user name, ana,"), "{}", wrong.body);
    assert_eq!(ana.get("/").await.status, StatusCode::OK, "still signed in");
    assert_eq!(sessions(&server, "ana").await, 1, "nothing deleted");

    let deleted = ana.submit("/settings", "/settings/delete", &[("confirm", "ana")]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(deleted.location(), Some("/signup"));
    assert!(deleted.set_cookies().iter().any(|c| c.starts_with("pb_session=;")), "{:?}", deleted.set_cookies());
    assert_eq!(ana.get("/settings").await.location(), Some("/login"), "signed out");
    assert!(server.store.credentials("ana").await.unwrap().is_none(), "the account is gone");
    let log_in = ana.submit("/login", "/login", &[("name", "ana"), ("password", PASSWORD)]).await;
    assert_eq!(log_in.status, StatusCode::UNAUTHORIZED);
}
