//! The personal tolerance estimate on Today, History, the clinician's lifter page
//! and the plan API: the same estimate everywhere, in plain words, said to be
//! information and not a change to the plan.

use crate::api::Api;
use crate::history::{log_deadlift, user_id};
use crate::{Answer, Server};
use pullback_core::Point;
use pullback_store::{Store, UserId};
use reqwest::StatusCode;

/// Fifteen sessions every two days up to the day before "now" (2026-03-02):
/// tolerated at 100, 110 and 120 kg, flared (6/10 during) at 130 and 140 kg. The
/// estimate: flares began above about 120 kg, 6 of 6 above, 0 of 9 at or below.
async fn log_split_at_120(server: &Server, user: UserId) {
    for i in 0..15i64 {
        let load = [100, 110, 120, 130, 140][usize::try_from(i % 5).unwrap()];
        let at = jiff::Timestamp::from_second(1_769_968_800 + i * 2 * 86_400).unwrap(); // 2026-02-01T18:00Z
        let during = if load > 120 { 6 } else { 1 };
        log_deadlift(server, user, &at.to_string(), load, &[(Point::During, during), (Point::After24h, 2)]).await;
    }
}

/// The tolerance card of a page: from its section to the section's end.
fn card(page: &Answer) -> &str {
    let start = page.body.find("<section class=\"tolerance\"").unwrap_or_else(|| panic!("no card in:\n{}", page.body));
    let rest = &page.body[start..];
    &rest[..rest.find("</section>").unwrap()]
}

/// W is derived (section 2): 120 kg, the heaviest top set before the first flare.
const ESTIMATE: &str = "Flares began above about 120 kg (100% of the working weight): 6 of 6 sessions above it \
    flared, 0 of 9 at or below it. Based on 15 rated sessions since 1 Feb 2026. The difference is clear.";
/// What the card says under the load.
const DETAIL: &str = "6 of 6 sessions above it flared, 0 of 9 at or below it. Based on 15 rated sessions since 1 Feb 2026. The \
     difference is clear.";

#[tokio::test]
async fn today_shows_the_estimate_as_information() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    log_split_at_120(&server, user_id(&server, "ana").await).await;
    let today = ana.get("/").await;
    assert_eq!(today.status, StatusCode::OK);
    let card = card(&today);
    assert!(card.contains("data-tolerance=\"estimate\""), "{card}");
    assert!(card.contains("<strong data-tolerance-load>120 kg</strong>"), "{card}");
    assert!(card.contains("(100% of your working weight)"), "{card}");
    assert!(card.contains(DETAIL), "{card}");
    assert!(card.contains("not a change to your plan"), "{card}");
    assert!(card.contains("It does not replace a clinician."), "{card}");
    // The plan card and its buttons come first: the estimate is under them.
    assert!(today.body.find("href=\"/session\"").unwrap() < today.body.find("class=\"tolerance\"").unwrap());
}

#[tokio::test]
async fn with_little_data_the_pages_say_so_instead_of_guessing() {
    let server = Server::start().await;
    let ben = server.lifter("ben").await;
    let id = user_id(&server, "ben").await;
    log_deadlift(&server, id, "2026-02-27T18:00:00Z", 100, &[(Point::During, 1), (Point::After24h, 1)]).await;
    for page in ["/", "/history"] {
        let answer = ben.get(page).await;
        let card = card(&answer);
        assert!(card.contains("data-tolerance=\"not_enough_data\""), "{page}: {card}");
        assert!(card.contains("Not enough data for a tolerance estimate yet"), "{page}: {card}");
        assert!(card.contains("so far 1 rated: 0 flared, 1 tolerated"), "{page}: {card}");
        assert!(!card.contains("data-tolerance-load"), "{page}: {card}");
        assert!(!answer.body.contains("The dashed line"), "{page}: no line without an estimate");
    }
}

#[tokio::test]
async fn history_shows_the_same_estimate() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    log_split_at_120(&server, user_id(&server, "ana").await).await;
    let history = ana.get("/history").await;
    assert_eq!(history.status, StatusCode::OK);
    let card = card(&history);
    assert!(card.contains("<strong data-tolerance-load>120 kg</strong>") && card.contains(DETAIL), "{card}");
    assert!(card.contains("from your log"), "{card}");
    // The top-set chart draws it as a dashed line, and says so.
    let chart = &history.body[history.body.find("id=\"chart-top-sets\"").unwrap()..];
    let chart = &chart[..chart.find("</figure>").unwrap()];
    assert!(
        chart.contains(
            "The dashed line: your deadlift flares began above about 120 kg (your load tolerance; \
                        information, not a cap)."
        ),
        "{chart}"
    );
    // Its dashes, in the warning colour (#8a5a00) no series uses.
    let dashes = chart.to_ascii_lowercase().matches("#8a5a00").count();
    assert!(dashes >= 10, "{dashes} dashes in:\n{chart}");
}

#[tokio::test]
async fn the_clinicians_lifter_page_shows_their_estimate_and_no_one_else_sees_it() {
    let server = Server::start().await;
    let kim = server.lifter("dr-kim").await;
    let kim_id = user_id(&server, "dr-kim").await;
    server.store.set_clinician(kim_id, true).await.unwrap();
    let _ana = server.lifter("ana").await;
    let ana_id = user_id(&server, "ana").await;
    log_split_at_120(&server, ana_id).await;
    let page = format!("/clinic/lifters/{ana_id}");

    // Not linked yet: nothing of Ana's.
    let refused = kim.get(&page).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(!refused.body.contains("Flares began"), "{}", refused.body);

    let digest = pullback_app::secrets::sha256(b"kim-invites-ana");
    server.store.create_invitation(kim_id, &digest, "2026-03-09T07:00:00Z".parse().unwrap()).await.unwrap();
    let ana = server.store.user(ana_id).await.unwrap();
    server.store.accept_invitation(&ana, &digest, crate::NOW.parse().unwrap()).await.unwrap();

    let shown = kim.get(&page).await;
    assert_eq!(shown.status, StatusCode::OK);
    let card = card(&shown);
    assert!(card.contains("Load tolerance, from their log"), "{card}");
    assert!(card.contains("<strong data-tolerance-load>120 kg</strong>") && card.contains(DETAIL), "{card}");
    assert!(card.contains("(100% of their working weight)"), "{card}");
    assert!(card.contains("not a change to their plan"), "{card}");
    // In the plan section, as the lifter sees it.
    let plan = shown.body.find("id=\"plan\"").unwrap();
    let history = shown.body.find("id=\"history\"").unwrap();
    let at = shown.body.find("class=\"tolerance\"").unwrap();
    assert!(plan < at && at < history, "the card is in the plan section");
}

#[tokio::test]
async fn the_plan_api_carries_the_estimate() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    log_split_at_120(&server, user_id(&server, "ana").await).await;
    let plan = ana.get("/api/v1/me/plan").await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.body);
    let tolerance = &plan.json()["tolerance"];
    assert_eq!(tolerance["status"], "estimate");
    assert_eq!(tolerance["load"], 120.0);
    assert_eq!(tolerance["unit"], "kg");
    assert_eq!(tolerance["above"]["flared"], 6);
    assert_eq!(tolerance["below"]["sessions"], 9);
    assert_eq!(tolerance["text"], ESTIMATE);
}

#[tokio::test]
async fn a_red_flag_day_shows_only_the_red_flag() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let id = user_id(&server, "ana").await;
    log_split_at_120(&server, id).await;
    let answers = pullback_core::RedFlags { bladder_bowel: true, ..Default::default() };
    let at: pullback_store::At = "2026-03-02T06:00:00Z".parse().unwrap();
    server.store.add_screening(id, &pullback_store::NewScreening { at, answers }).await.unwrap();
    let today = ana.get("/").await;
    assert!(today.body.contains("data-action=\"urgent_care\""), "{}", today.body);
    assert!(!today.body.contains("class=\"tolerance\""), "no estimate beside urgent care:\n{}", today.body);
}
