//! The JSON API under `/api/v1`, with personal access tokens, against the real server.

use crate::{Answer, Server, answer};
use pullback_store::{SessionId, Store};
use pullback_web::{Access, ROUTES};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A client of the API with one lifter's token.
pub(crate) struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    /// Signs `name` up and gives them a personal access token.
    pub(crate) async fn lifter(server: &Server, name: &str) -> Api {
        server.lifter(name).await;
        let user = server.store.user_by_name(name).await.unwrap();
        let (token, digest) = pullback_app::secrets::new_token().unwrap();
        server.store.create_api_token(user.id, "test script", &digest).await.unwrap();
        Api { client: reqwest::Client::new(), base: server.url(""), token }
    }

    pub(crate) async fn get(&self, path: &str) -> Answer {
        let request = self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.token);
        answer(request.send().await.unwrap()).await
    }

    pub(crate) async fn post(&self, path: &str, body: &Value) -> Answer {
        self.post_text(path, &body.to_string()).await
    }

    pub(crate) async fn post_text(&self, path: &str, body: &str) -> Answer {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub(crate) async fn patch(&self, path: &str, body: &Value) -> Answer {
        self.send(reqwest::Method::PATCH, path, Some(&body.to_string())).await
    }

    pub(crate) async fn delete(&self, path: &str) -> Answer {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    pub(crate) async fn send(&self, method: reqwest::Method, path: &str, body: Option<&str>) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_owned());
        }
        answer(request.send().await.unwrap()).await
    }
}

/// The fields named by a 422 answer's problems.
pub(crate) fn fields(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["error"], "invalid", "{body}");
    body["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap().to_owned()).collect()
}

/// A deadlift session at `at` with two warm-ups and three working sets, rated
/// `pain` during.
pub(crate) fn five_sets(at: &str, pain: u8) -> Value {
    json!({
        "at": at,
        "exercises": [{
            "exercise": "deadlift",
            "tempo": "3-1-3",
            "sets": [
                { "load": 60, "reps": 5, "warmup": true },
                { "load": 100, "reps": 3, "warmup": true },
                { "load": 140, "reps": 5, "rpe": 7.5 },
                { "load": 140, "reps": 5, "rpe": 8 },
                { "load": 142.5, "reps": 5, "rpe": 8.5 },
            ],
        }],
        "checkins": [{ "point": "during", "pain": pain, "bottom_only": true }],
    })
}

async fn session_count(server: &Server, name: &str) -> usize {
    let user = server.store.user_by_name(name).await.unwrap();
    server.store.sessions(user.id, None).await.unwrap().len()
}

#[tokio::test]
async fn a_posted_session_is_stored_and_listed_with_its_ids_and_offset() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let created = ana.post("/api/v1/me/sessions", &five_sets("2026-03-01T18:30:00+01:00", 2)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();

    let listed = ana.get("/api/v1/me/sessions").await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let body = listed.json();
    assert_eq!(body["units"], "kg");
    let sessions = body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{body}");
    let session = &sessions[0];
    assert_eq!(session["id"], id);
    assert_eq!(session["at"], "2026-03-01T18:30:00+01:00", "the offset it was logged in is kept");
    let exercise = &session["exercises"][0];
    assert_eq!(exercise["exercise"], "deadlift");
    assert_eq!(exercise["tempo"], "3-1-3");
    let sets = exercise["sets"].as_array().unwrap();
    assert_eq!(sets.len(), 5);
    assert_eq!(sets[0], json!({ "load": 60, "reps": 5, "warmup": true }));
    assert_eq!(sets[4], json!({ "load": 142.5, "reps": 5, "rpe": 8.5 }));
    let checkin = &session["checkins"][0];
    assert_eq!((checkin["point"].as_str(), checkin["pain"].as_i64()), (Some("during"), Some(2)));
    assert_eq!(checkin["bottom_only"], true);
    assert!(checkin["id"].as_i64().is_some(), "{checkin}");

    let user = server.store.user_by_name("ana").await.unwrap();
    let stored = server.store.sessions(user.id, None).await.unwrap();
    assert_eq!(stored[0].id, SessionId(id));
    assert_eq!(stored[0].session.exercises[0].sets.len(), 5);

    let again = ana.post("/api/v1/me/sessions", session).await;
    assert_eq!(again.status, StatusCode::CREATED, "a listed session posts back as a new one: {}", again.body);
    let listed = ana.get("/api/v1/me/sessions").await.json();
    assert_eq!(listed["sessions"][1]["exercises"], session["exercises"]);
    assert_ne!(listed["sessions"][1]["id"], session["id"]);
}

#[tokio::test]
async fn a_session_without_a_time_is_now_and_last_limits_the_list() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let mut body = five_sets("2026-02-27T18:00:00Z", 1);
    ana.post("/api/v1/me/sessions", &body).await;
    body.as_object_mut().unwrap().remove("at");
    let created = ana.post("/api/v1/me/sessions", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);

    let latest = ana.get("/api/v1/me/sessions?last=1").await.json();
    let sessions = latest["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["at"], crate::NOW, "the server's now, in the lifter's zone (UTC)");
    assert_eq!(ana.get("/api/v1/me/sessions").await.json()["sessions"].as_array().unwrap().len(), 2);
    for bad in ["0", "two", "-1"] {
        let refused = ana.get(&format!("/api/v1/me/sessions?last={bad}")).await;
        assert_eq!(fields(&refused), ["last"], "last={bad}");
    }
}

#[tokio::test]
async fn bad_input_gets_422_with_every_field_by_pointer_and_stores_nothing() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let mut body = five_sets("2026-03-01T18:00:00Z", 11);
    body["exercises"][0]["sets"][1]["load"] = json!(-5);
    body["exercises"][0]["sets"][3]["reps"] = json!("five");
    body["exercises"][0]["tempo"] = json!("fast");
    let refused = ana.post("/api/v1/me/sessions", &body).await;
    let mut got = fields(&refused);
    got.sort();
    assert_eq!(
        got,
        ["/checkins/0/pain", "/exercises/0/sets/1/load", "/exercises/0/sets/3/reps", "/exercises/0/tempo"],
        "{}",
        refused.body
    );
    let problems = refused.json()["problems"].clone();
    let load = problems.as_array().unwrap().iter().find(|p| p["field"] == "/exercises/0/sets/1/load").unwrap();
    assert!(load["message"].as_str().unwrap().contains("-5"), "{load}");
    assert_eq!(session_count(&server, "ana").await, 0, "nothing half-stored");
}

#[tokio::test]
async fn logging_rules_beyond_the_contract_are_422_too() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let future = five_sets("2026-03-02T08:00:00Z", 2);
    assert_eq!(fields(&ana.post("/api/v1/me/sessions", &future).await), ["/at"]);

    let mut after = five_sets("2026-03-01T18:00:00Z", 2);
    after["checkins"][0]["point"] = json!("after_1h");
    assert_eq!(fields(&ana.post("/api/v1/me/sessions", &after).await), ["/checkins/0/bottom_only"]);

    let empty = json!({ "at": "2026-03-01T18:00:00Z", "exercises": [{ "exercise": "deadlift", "sets": [] }] });
    assert_eq!(fields(&ana.post("/api/v1/me/sessions", &empty).await), ["/exercises/0/sets"]);
    assert_eq!(fields(&ana.post("/api/v1/me/sessions", &json!({})).await), ["/exercises"]);

    assert_eq!(fields(&ana.post_text("/api/v1/me/sessions", "{\"at\": ").await), [""]);
    assert_eq!(fields(&ana.post_text("/api/v1/me/sessions", "[1, 2]").await), [""]);
    assert_eq!(session_count(&server, "ana").await, 0);
}

#[tokio::test]
async fn without_a_valid_token_the_api_answers_401_in_json() {
    let server = Server::start().await;
    let ana_browser = server.lifter("ana").await;
    let url = server.url("/api/v1/me/sessions");
    let client = reqwest::Client::new();
    let body = five_sets("2026-03-01T18:00:00Z", 2);
    let attempts = [
        ("no token", client.get(&url)),
        ("a wrong token", client.get(&url).bearer_auth("pb_0123456789abcdef0123456789abcdef0123456789abcdef")),
        ("not a pb_ token", client.get(&url).bearer_auth("0123456789abcdef")),
        ("basic auth", client.get(&url).basic_auth("ana", Some(crate::PASSWORD))),
        ("only the session cookie", ana_browser.client.get(&url)),
        ("a POST with only the session cookie", ana_browser.client.post(&url).json(&body)),
    ];
    for (what, request) in attempts {
        let refused = answer(request.send().await.unwrap()).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{what}: {}", refused.body);
        assert_eq!(refused.json()["error"], "unauthorized", "{what}");
        assert_eq!(refused.headers.get("www-authenticate").unwrap(), "Bearer", "{what}");
    }
    assert_eq!(session_count(&server, "ana").await, 0, "the cookie POST stored nothing");
}

#[tokio::test]
async fn one_lifters_token_cannot_read_or_change_another_lifters_data() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let ben = Api::lifter(&server, "ben").await;
    let created = ana.post("/api/v1/me/sessions", &five_sets("2026-03-01T18:00:00Z", 2)).await;
    let anas_session = created.json()["id"].as_i64().unwrap();

    let checkin = json!({ "session": anas_session, "point": "after_1h", "pain": 9 });
    let refused = ben.post("/api/v1/me/checkins", &checkin).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    assert_eq!(refused.json()["error"], "not_found");
    let anas = ana.get("/api/v1/me/sessions").await.json();
    assert_eq!(anas["sessions"][0]["checkins"].as_array().unwrap().len(), 1, "only her own check-in: {anas}");

    assert_eq!(ben.get("/api/v1/me/sessions").await.json()["sessions"], json!([]));
    let export = ben.get("/api/v1/me/export?format=json").await.json();
    assert_eq!(export["sessions"], json!([]), "{export}");
    assert_eq!(ben.get("/api/v1/me/plan").await.json()["metrics"]["days_since_last_session"], Value::Null);
}

#[tokio::test]
async fn checkins_screenings_and_symmetry_tests_are_stored() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let session = ana.post("/api/v1/me/sessions", &five_sets("2026-03-01T18:00:00Z", 2)).await.json()["id"].clone();

    let of_session = json!({ "session": session, "point": "after_24h", "pain": 3, "side": "left" });
    let stored = ana.post("/api/v1/me/checkins", &of_session).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.body);
    let standalone = json!({ "pain": 6, "side": "both", "at": "2026-03-01T09:00:00+01:00" });
    assert_eq!(ana.post("/api/v1/me/checkins", &standalone).await.status, StatusCode::CREATED);
    let point_alone = json!({ "point": "after_1h", "pain": 3 });
    assert_eq!(fields(&ana.post("/api/v1/me/checkins", &point_alone).await), ["/point"]);
    let bad = json!({ "session": session, "point": "later", "pain": 3, "side": "up" });
    let mut got = fields(&ana.post("/api/v1/me/checkins", &bad).await);
    got.sort();
    assert_eq!(got, ["/point", "/side"]);

    let mut answers = json!({
        "saddle_anesthesia": false, "bladder_bowel": false, "progressive_weakness": false, "fever": false,
        "trauma": false, "cancer_history": false, "weight_loss": false, "night_pain": true,
    });
    let saved = ana.post("/api/v1/me/screenings", &answers).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    assert_eq!(saved.json()["red_flags"], json!(["night_pain"]));
    assert!(saved.json()["message"].as_str().unwrap().contains("See a doctor"), "{}", saved.body);
    answers.as_object_mut().unwrap().remove("fever");
    answers["trauma"] = json!("no");
    let mut got = fields(&ana.post("/api/v1/me/screenings", &answers).await);
    got.sort();
    assert_eq!(got, ["/fever", "/trauma"], "a forgotten answer is never a no");

    let test = json!({ "left": 310, "right": 265 });
    assert_eq!(ana.post("/api/v1/me/symmetry-tests", &test).await.status, StatusCode::CREATED);
    assert_eq!(fields(&ana.post("/api/v1/me/symmetry-tests", &json!({ "left": 310, "right": 0 })).await), ["/right"]);

    let user = server.store.user_by_name("ana").await.unwrap();
    let history = server.store.history(user.id).await.unwrap().history;
    let checkins = &history.sessions[0].checkins;
    assert_eq!(checkins.len(), 2, "during, and the 24 h one: {checkins:?}");
    assert_eq!(checkins[1].pain.value(), 3);
    assert_eq!(history.checkins.len(), 1);
    assert_eq!(history.checkins[0].at, "2026-03-01T08:00:00Z".parse().unwrap());
    assert_eq!(history.screenings.len(), 1);
    assert!(history.screenings[0].answers.night_pain && !history.screenings[0].answers.fever);
    assert_eq!(history.symmetry_tests.len(), 1);
}

#[tokio::test]
async fn the_stored_plan_is_the_contracts_plan_of_the_export() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    for (at, pain) in [("2026-02-20T18:00:00Z", 1), ("2026-02-24T18:00:00Z", 2), ("2026-02-27T18:00:00Z", 6)] {
        let created = ana.post("/api/v1/me/sessions", &five_sets(at, pain)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    }
    let stored = ana.get("/api/v1/me/plan").await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
    assert!(stored.set_cookies().is_empty(), "the API sets no cookie: {:?}", stored.set_cookies());
    let stored = stored.json();
    assert!(stored["disclaimer"].as_str().unwrap().contains("does not replace a clinician"));
    assert_eq!(stored["contract"], "pullback.plan/v1");

    let export = ana.get("/api/v1/me/export?format=json").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.headers["content-type"].to_str().unwrap().starts_with("application/json"));
    let recomputed = ana.post_text("/api/v1/plan", &export.body).await;
    assert_eq!(recomputed.status, StatusCode::OK, "{}", recomputed.body);
    let recomputed = recomputed.json();
    for field in ["as_of", "action", "status", "rung", "transition", "prescription", "load_cap", "flags"] {
        assert_eq!(stored[field], recomputed[field], "{field}");
    }
    assert_eq!(stored, recomputed, "the whole decision");
    assert_eq!(stored["status"], "episode", "the 6/10 session was planned on: {stored}");
    assert_eq!(stored["metrics"]["working_weight"], 142.5, "{stored}");
}

#[tokio::test]
async fn the_plan_calculator_reports_the_contracts_problems() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let document = json!({
        "contract": "pullback.plan/v1",
        "as_of": "2026-03-02T07:00:00Z",
        "profile": { "units": "stone" },
        "sessions": [{ "at": "2026-03-01T18:00:00Z", "exercises": [{ "exercise": "deadlift",
            "sets": [{ "load": 100, "reps": 5 }] }], "checkins": [{ "point": "during", "pain": 12 }] }],
    });
    let mut got = fields(&ana.post("/api/v1/plan", &document).await);
    got.sort();
    assert_eq!(got, ["/profile/units", "/sessions/0/checkins/0/pain"]);
    assert_eq!(fields(&ana.post_text("/api/v1/plan", "not json").await), [""]);
    let fine = json!({ "contract": "pullback.plan/v1", "as_of": "2026-03-02T07:00:00Z", "profile": { "units": "kg" } });
    let plan = ana.post("/api/v1/plan", &fine).await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.body);
    assert_eq!(plan.json()["action"], "train");
    assert_eq!(session_count(&server, "ana").await, 0, "the calculator stores nothing");
}

/// A valid plan document of `bytes` bytes: a small history, padded with spaces.
fn padded_document(bytes: usize) -> String {
    let fine = json!({ "contract": "pullback.plan/v1", "as_of": "2026-03-02T07:00:00Z", "profile": { "units": "kg" } });
    let mut text = fine.to_string();
    text.push_str(&" ".repeat(bytes.saturating_sub(text.len())));
    text
}

#[tokio::test]
async fn a_large_plan_document_is_planned_and_one_over_the_limit_refused() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let limit = pullback_web::api::plan::MAX_DOCUMENT_BYTES;
    assert_eq!(limit, 8 * 1024 * 1024, "README and ARCHITECTURE give this figure");
    // Over the in-memory part: spooled to a file while it arrives, then planned.
    let large = ana.post_text("/api/v1/plan", &padded_document(limit)).await;
    assert_eq!(large.status, StatusCode::OK, "{}", large.body);
    assert_eq!(large.json()["action"], "train");

    let over = ana.post_text("/api/v1/plan", &padded_document(limit + 1)).await;
    assert_eq!(over.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", over.body);
    assert_eq!(over.json()["error"], "too_large");
    assert!(over.json()["message"].as_str().unwrap().contains("at most 8 MiB"), "{}", over.body);

    // The same without a Content-Length: the body stops being read at the limit.
    let chunks = padded_document(limit + 1).into_bytes().chunks(1 << 20).map(<[u8]>::to_vec).collect::<Vec<_>>();
    let stream = tokio_stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
    let request = ana
        .client
        .post(format!("{}/api/v1/plan", ana.base))
        .bearer_auth(&ana.token)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream));
    let chunked = answer(request.send().await.unwrap()).await;
    assert_eq!(chunked.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", chunked.body);
}

#[tokio::test]
async fn the_export_comes_in_each_format() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    ana.post("/api/v1/me/sessions", &five_sets("2026-03-01T18:00:00Z", 2)).await;
    let csv = ana.get("/api/v1/me/export?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let mut lines = csv.body.lines();
    assert_eq!(lines.next(), Some(pullback_app::export::CSV_HEADER.join(",").as_str()));
    assert_eq!(lines.count(), 5, "one row per set");
    let fhir = ana.get("/api/v1/me/export?format=fhir").await;
    assert_eq!(fhir.json()["resourceType"], "Bundle");
    let plan = ana.get("/api/v1/me/export?format=plan").await.json();
    assert_eq!(plan["contract"], "pullback.plan/v1");
    assert!(plan.get("pullback_export").is_none(), "the plan document alone");
    assert_eq!(fields(&ana.get("/api/v1/me/export?format=xml").await), ["format"]);
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route_with_its_security() {
    let server = Server::start().await;
    let document = answer(reqwest::get(server.url("/api/v1/openapi.json")).await.unwrap()).await;
    assert_eq!(document.status, StatusCode::OK, "public, no token");
    let document = document.json();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."), "{}", document["openapi"]);
    let bearer = &document["components"]["securitySchemes"]["bearer"];
    assert_eq!((bearer["type"].as_str(), bearer["scheme"].as_str()), (Some("http"), Some("bearer")), "{bearer}");

    let api_routes: Vec<_> = ROUTES.iter().filter(|r| r.path.starts_with("/api/v1/")).collect();
    assert!(api_routes.len() >= 9, "the API's routes are in the table");
    for route in &api_routes {
        let method = route.method.as_str().to_lowercase();
        let operation = &document["paths"][route.path][&method];
        assert!(operation.is_object(), "{} {} is missing from openapi.json", route.method, route.path);
        let expected = match route.access {
            Access::Token => json!([{ "bearer": [] }]),
            Access::Public => json!([{}]),
            Access::Lifter | Access::Clinician => panic!("{}: the API takes no session cookie", route.path),
        };
        assert_eq!(operation["security"], expected, "{} {}", route.method, route.path);
    }
    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let known = api_routes.iter().any(|r| r.path == path && r.method.as_str().eq_ignore_ascii_case(method));
            assert!(known, "openapi.json lists {method} {path}, which the route table does not have");
        }
    }
}

#[tokio::test]
async fn the_documented_plan_has_exactly_the_fields_the_api_sends() {
    let server = Server::start().await;
    let ana = Api::lifter(&server, "ana").await;
    let plan = ana.get("/api/v1/me/plan").await.json();
    let document = answer(reqwest::get(server.url("/api/v1/openapi.json")).await.unwrap()).await.json();
    let keys = |v: &Value| {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    let schema = &document["components"]["schemas"]["PlanOutput"]["properties"];
    assert_eq!(keys(schema), keys(&plan));
    let metrics = &document["components"]["schemas"]["Metrics"]["properties"];
    assert_eq!(keys(metrics), keys(&plan["metrics"]));
}
