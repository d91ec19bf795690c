//! Two app servers sharing one PostgreSQL database, as two instances behind a load
//! balancer would: a browser session, the signing secret, the log-in rate limit
//! and the clinicians' dashboard cache all live in the database, so a lifter may
//! land on either server at any request.
//!
//! Each test makes a database of its own on the server that
//! `PULLBACK_TEST_POSTGRES_URL` names (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! and drops it afterwards. Without a server the tests fail, saying so:
//! `scripts/postgres` starts one and prints the URL.

use crate::{Answer, NOW, PASSWORD, answer};
use pullback_store::testing::TestDatabase;
use pullback_store::{Store, UserId};
use pullback_web::Config;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;

/// A database of this test's own on the test server (`pullback_store::testing`).
type TestDb = TestDatabase;

/// One app instance with a connection pool of its own; stopped when dropped.
#[derive(Debug)]
struct Instance {
    address: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Instance {
    /// Opens the database as `pullback serve --database URL` does (migrations
    /// included, under their lock) and serves on a port of its own.
    async fn start(database: &str) -> Instance {
        let store = pullback_store::open(database).await.unwrap();
        let config = Config { now: Some(NOW.parse().unwrap()), ..Config::default() };
        let app = pullback_web::app(store, config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            pullback_web::serve(listener, app).await.unwrap();
        });
        Instance { address, task }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

/// Servers A and B on one database, plus a store of the test's own on it for
/// setting up and checking.
struct Pair {
    a: Instance,
    b: Instance,
    store: Arc<dyn Store>,
    _db: TestDb,
}

impl Pair {
    /// Both servers start at once, as a rolling deploy would start them: both
    /// apply the migrations and agree on one signing secret.
    async fn start() -> Pair {
        let db = TestDatabase::create("pullback_web").await;
        let url = db.url();
        let (a, b) = tokio::join!(Instance::start(&url), Instance::start(&url));
        let store = pullback_store::open(&url).await.unwrap();
        Pair { a, b, store, _db: db }
    }

    async fn user(&self, name: &str) -> UserId {
        self.store.user_by_name(name).await.unwrap().id
    }

    /// A personal access token for `name`.
    async fn token(&self, name: &str) -> String {
        let (token, digest) = pullback_app::secrets::new_token().unwrap();
        self.store.create_api_token(self.user(name).await, "two servers", &digest).await.unwrap();
        token
    }
}

/// A browser whose cookies go to both servers, as they would behind one host
/// name: reqwest's own jar keeps cookies per host and port, so this one keeps
/// them itself.
#[derive(Debug)]
struct Visitor {
    client: reqwest::Client,
    cookies: Mutex<Vec<(String, String)>>,
}

impl Visitor {
    fn new() -> Visitor {
        let client = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        Visitor { client, cookies: Mutex::new(Vec::new()) }
    }

    /// Signs `name` up through `server`.
    async fn signed_up(server: &Instance, name: &str) -> Visitor {
        let visitor = Visitor::new();
        let form = [("name", name), ("password", PASSWORD), ("units", "kg"), ("time_zone", "UTC")];
        let answer = visitor.submit(server, "/signup", "/signup", &form).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "sign-up of {name} failed: {}", answer.body);
        visitor
    }

    fn cookie_header(&self) -> String {
        let cookies = self.cookies.lock().unwrap();
        cookies.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
    }

    fn keep_cookies(&self, answer: &Answer) {
        let mut cookies = self.cookies.lock().unwrap();
        for set_cookie in answer.set_cookies() {
            let pair = set_cookie.split(';').next().unwrap_or("");
            let Some((name, value)) = pair.split_once('=') else { continue };
            cookies.retain(|(kept, _)| kept != name);
            cookies.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().iter().find(|(kept, _)| kept == name).map(|(_, value)| value.clone())
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let answer = answer(request.header("cookie", self.cookie_header()).send().await.unwrap()).await;
        self.keep_cookies(&answer);
        answer
    }

    async fn get(&self, server: &Instance, path: &str) -> Answer {
        self.send(self.client.get(server.url(path))).await
    }

    async fn post_form(&self, server: &Instance, path: &str, csrf: &str, fields: &[(&str, &str)]) -> Answer {
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf)];
        form.extend_from_slice(fields);
        self.send(self.client.post(server.url(path)).form(&form)).await
    }

    /// GETs `page` from `server` for its token, then POSTs the form to `path` there.
    async fn submit(&self, server: &Instance, page: &str, path: &str, fields: &[(&str, &str)]) -> Answer {
        let token = self.get(server, page).await.csrf();
        self.post_form(server, path, &token, fields).await
    }
}

/// POSTs `body` as JSON to `path` on `server` with a bearer token.
async fn api_post(client: &reqwest::Client, server: &Instance, token: &str, path: &str, body: &Value) -> Answer {
    let request = client
        .post(server.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string());
    answer(request.send().await.unwrap()).await
}

/// A deadlift session at `at` with one working set, rated `pain` during.
fn session_at(at: &str, pain: u8) -> Value {
    json!({
        "at": at,
        "exercises": [{
            "exercise": "deadlift",
            "sets": [{ "load": 100, "reps": 5, "warmup": true }, { "load": 140, "reps": 5, "rpe": 8 }],
        }],
        "checkins": [{ "point": "during", "pain": pain, "bottom_only": true }],
    })
}

fn attribute_values(body: &str, attribute: &str) -> Vec<String> {
    let marker = format!("{attribute}=\"");
    body.match_indices(&marker).map(|(at, _)| body[at + marker.len()..].split('"').next().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lifter_signed_up_on_one_server_carries_on_on_the_other() {
    let pair = Pair::start().await;
    let ana = Visitor::signed_up(&pair.a, "ana").await;
    assert!(ana.cookie("pb_session").is_some(), "no session cookie after sign-up");

    let today = ana.get(&pair.b, "/").await;
    assert_eq!(today.status, StatusCode::OK, "{}", today.body);
    assert!(today.body.contains("ana"), "B does not know who this is:\n{}", today.body);

    // A token from a page of B, checked by B with the secret both share.
    let saved = ana.submit(&pair.b, "/checkin", "/checkin", &[("pain", "2")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let history = pair.store.history(pair.user("ana").await).await.unwrap();
    assert_eq!(history.history.checkins.len(), 1);

    // And a token from a page of A is good on B too: one secret, not two.
    let from_a = ana.get(&pair.a, "/checkin").await.csrf();
    let again = ana.post_form(&pair.b, "/checkin", &from_a, &[("pain", "3")]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(pair.store.history(pair.user("ana").await).await.unwrap().history.checkins.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_through_both_servers_lose_nothing() {
    const PER_SERVER: usize = 50;
    let pair = Pair::start().await;
    Visitor::signed_up(&pair.a, "ana").await;
    let token = pair.token("ana").await;
    let user = pair.user("ana").await;
    let before = pair.store.history(user).await.unwrap().revision;

    // Interleaved: even sessions through A, odd ones through B, all in flight at once.
    let client = reqwest::Client::new();
    let mut writes = tokio::task::JoinSet::new();
    for i in 0..2 * PER_SERVER {
        let server = if i % 2 == 0 { pair.a.url("") } else { pair.b.url("") };
        let (client, token) = (client.clone(), token.clone());
        let at = jiff::Timestamp::from_second(1_769_904_000 + 3_600 * i as i64).unwrap().to_string();
        writes.spawn(async move {
            let request = client
                .post(format!("{server}/api/v1/me/sessions"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(session_at(&at, 1).to_string());
            answer(request.send().await.unwrap()).await
        });
    }
    let mut ids = Vec::new();
    while let Some(created) = writes.join_next().await {
        let created = created.unwrap();
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        ids.push(created.json()["id"].as_i64().unwrap());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 2 * PER_SERVER, "two writes were given one id");

    let after = pair.store.history(user).await.unwrap();
    assert_eq!(after.history.sessions.len(), 2 * PER_SERVER);
    let mut stored: Vec<i64> = after.session_ids.iter().map(|id| id.0).collect();
    stored.sort_unstable();
    assert_eq!(stored, ids, "the stored sessions are not the ones the servers answered");
    assert_eq!(after.revision.0 - before.0, 2 * PER_SERVER as i64, "one revision per write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clinician_on_one_server_sees_a_flare_written_through_the_other() {
    let pair = Pair::start().await;
    let pt = Visitor::signed_up(&pair.a, "pt").await;
    let clinician = pair.user("pt").await;
    pair.store.set_clinician(clinician, true).await.unwrap();
    Visitor::signed_up(&pair.b, "ana").await;
    Visitor::signed_up(&pair.b, "cal").await;
    let expires = NOW.parse::<jiff::Timestamp>().unwrap().checked_add(jiff::SignedDuration::from_hours(1)).unwrap();
    for lifter in ["cal", "ana"] {
        let code = pullback_app::secrets::sha256(format!("{lifter}'s invitation").as_bytes());
        pair.store.create_invitation(clinician, &code, expires).await.unwrap();
        let user = pair.store.user_by_name(lifter).await.unwrap();
        pair.store.accept_invitation(&user, &code, NOW.parse().unwrap()).await.unwrap();
    }
    let ana = pair.user("ana").await;

    let before = pt.get(&pair.a, "/clinic").await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert!(!attribute_values(&before.body, "data-status").contains(&"flaring".to_owned()), "{}", before.body);
    let caseload = pair.store.caseload(clinician).await.unwrap();
    assert!(caseload.iter().all(|entry| entry.cached.is_some()), "A cached no rows");

    // Ana's session yesterday, and its 24 h check-in at 7/10, through B.
    let token = pair.token("ana").await;
    let client = reqwest::Client::new();
    let session =
        api_post(&client, &pair.b, &token, "/api/v1/me/sessions", &session_at("2026-03-01T06:00:00Z", 2)).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.body);
    let checkin = json!({ "session": session.json()["id"], "point": "after_24h", "pain": 7 });
    let flare = api_post(&client, &pair.b, &token, "/api/v1/me/checkins", &checkin).await;
    assert_eq!(flare.status, StatusCode::CREATED, "{}", flare.body);

    let after = pt.get(&pair.a, "/clinic").await;
    assert_eq!(attribute_values(&after.body, "data-lifter").first(), Some(&ana.0.to_string()), "{}", after.body);
    assert_eq!(attribute_values(&after.body, "data-status").first().map(String::as_str), Some("flaring"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_log_ins_count_across_both_servers() {
    let pair = Pair::start().await;
    Visitor::signed_up(&pair.a, "ana").await;
    let guesser = Visitor::new();
    for attempt in 0..pullback_web::auth::FREE_GUESSES {
        let server = if attempt % 2 == 0 { &pair.a } else { &pair.b };
        let wrong = guesser.submit(server, "/login", "/login", &[("name", "ana"), ("password", "nope nope")]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "attempt {attempt}: {}", wrong.body);
    }
    // Neither server alone saw the limit; together they did.
    for server in [&pair.a, &pair.b] {
        let owner = Visitor::new();
        let limited = owner.submit(server, "/login", "/login", &[("name", "ana"), ("password", PASSWORD)]).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "on {}: {}", server.address, limited.body);
    }
}
