//! Two real `pullback serve` processes on one PostgreSQL database, started at
//! once (both migrate, under the advisory lock, and agree on one signing secret):
//! a browser session begun on one carries on on the other, and writes through
//! both at once all arrive.
//!
//! The database is made fresh on the server that `PULLBACK_TEST_POSTGRES_URL`
//! names (default `postgres://postgres@127.0.0.1:5432/postgres`) and dropped
//! afterwards. Without a server the tests fail, saying so: `scripts/postgres`
//! starts one and prints the URL.

// Test helpers: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use pullback_store::testing::TestDatabase;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Mutex;

const NOW: &str = "2026-03-02T07:00:00Z";
const PASSWORD: &str = "correct horse";

/// A database of this test's own on the test server (`pullback_store::testing`).
type TestDb = TestDatabase;

/// A running `pullback serve`; killed when dropped.
#[derive(Debug)]
struct Process {
    child: Child,
    base: String,
    // Kept open so that the server never writes to a closed pipe.
    _stdout: BufReader<ChildStdout>,
    _log: tempfile::NamedTempFile,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Process {
    /// Starts `pullback serve` on a free port and waits for the line that gives its address.
    fn start(database: &str) -> Process {
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_pullback"))
            .args(["serve", "--bind", "127.0.0.1:0", "--database", database])
            .env("PULLBACK_NOW", NOW)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log.reopen().unwrap()))
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let marker = "Pullback is serving on ";
        let Some(rest) = line.strip_prefix(marker) else {
            let _ = child.kill();
            let stderr = std::fs::read_to_string(log.path()).unwrap_or_default();
            panic!("pullback serve did not start: stdout {line:?}\nstderr:\n{stderr}");
        };
        let base = rest.split_whitespace().next().unwrap().to_owned();
        Process { child, base, _stdout: stdout, _log: log }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Servers A and B, started at once on one fresh database.
struct Pair {
    a: Process,
    b: Process,
    url: String,
    _db: TestDb,
}

impl Pair {
    async fn start() -> Pair {
        let db = TestDatabase::create("pullback_cli").await;
        let url = db.url();
        let (for_a, for_b) = (url.clone(), url.clone());
        let a = tokio::task::spawn_blocking(move || Process::start(&for_a));
        let b = tokio::task::spawn_blocking(move || Process::start(&for_b));
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        Pair { a, b, url, _db: db }
    }
}

/// What a request answered.
struct Answer {
    status: StatusCode,
    set_cookies: Vec<String>,
    body: String,
}

impl Answer {
    async fn of(response: reqwest::Response) -> Answer {
        let status = response.status();
        let set_cookies = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned());
        let set_cookies = set_cookies.collect();
        Answer { status, set_cookies, body: response.text().await.unwrap() }
    }

    /// The CSRF token of the page's first form.
    fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).unwrap_or_else(|| panic!("no CSRF field in:\n{}", self.body)) + marker.len();
        self.body[start..].split('"').next().unwrap().to_owned()
    }
}

/// A browser whose cookies go to both servers, as they would behind one host
/// name (reqwest's own jar keeps them per host and port).
struct Visitor {
    client: reqwest::Client,
    cookies: Mutex<Vec<(String, String)>>,
}

impl Visitor {
    fn new() -> Visitor {
        let client = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        Visitor { client, cookies: Mutex::new(Vec::new()) }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let header = {
            let cookies = self.cookies.lock().unwrap();
            cookies.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
        };
        let answer = Answer::of(request.header("cookie", header).send().await.unwrap()).await;
        let mut cookies = self.cookies.lock().unwrap();
        for set_cookie in &answer.set_cookies {
            let Some((name, value)) = set_cookie.split(';').next().and_then(|pair| pair.split_once('=')) else {
                continue;
            };
            cookies.retain(|(kept, _)| kept != name);
            cookies.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        drop(cookies);
        answer
    }

    async fn get(&self, server: &Process, path: &str) -> Answer {
        self.send(self.client.get(server.url(path))).await
    }

    /// GETs `page` from `server` for its token, then POSTs the form to `path` there.
    async fn submit(&self, server: &Process, page: &str, path: &str, fields: &[(&str, &str)]) -> Answer {
        let token = self.get(server, page).await.csrf();
        let mut form: Vec<(&str, &str)> = vec![("csrf", &token)];
        form.extend_from_slice(fields);
        self.send(self.client.post(server.url(path)).form(&form)).await
    }
}

async fn sign_up(server: &Process, name: &str) -> Visitor {
    let visitor = Visitor::new();
    let form = [("name", name), ("password", PASSWORD), ("units", "kg"), ("time_zone", "UTC")];
    let answer = visitor.submit(server, "/signup", "/signup", &form).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "sign-up of {name} failed: {}", answer.body);
    visitor
}

/// A deadlift session at `at` with one working set.
fn session_at(at: &str) -> Value {
    json!({
        "at": at,
        "exercises": [{ "exercise": "deadlift", "sets": [{ "load": 140, "reps": 5, "rpe": 8 }] }],
        "checkins": [{ "point": "during", "pain": 1, "bottom_only": true }],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_begun_on_one_process_carries_on_on_the_other() {
    let pair = Pair::start().await;
    let ana = sign_up(&pair.a, "ana").await;

    let today = ana.get(&pair.b, "/").await;
    assert_eq!(today.status, StatusCode::OK, "B does not know the session: {}", today.body);
    let saved = ana.submit(&pair.b, "/checkin", "/checkin", &[("pain", "2")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "a form on B with B's token: {}", saved.body);

    let store = pullback_store::open(&pair.url).await.unwrap();
    let user = store.user_by_name("ana").await.unwrap();
    assert_eq!(store.history(user.id).await.unwrap().history.checkins.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_through_both_processes_at_once_all_arrive() {
    const PER_SERVER: i64 = 25;
    let pair = Pair::start().await;
    sign_up(&pair.a, "ana").await;
    let store = pullback_store::open(&pair.url).await.unwrap();
    let user = store.user_by_name("ana").await.unwrap();
    let (token, digest) = pullback_app::secrets::new_token().unwrap();
    store.create_api_token(user.id, "two processes", &digest).await.unwrap();
    let before = store.history(user.id).await.unwrap().revision;

    let client = reqwest::Client::new();
    let mut writes = tokio::task::JoinSet::new();
    for i in 0..2 * PER_SERVER {
        let server = if i % 2 == 0 { &pair.a } else { &pair.b };
        let at = jiff::Timestamp::from_second(1_769_904_000 + 3_600 * i).unwrap().to_string();
        let request = client
            .post(server.url("/api/v1/me/sessions"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(session_at(&at).to_string());
        writes.spawn(async move { Answer::of(request.send().await.unwrap()).await });
    }
    while let Some(created) = writes.join_next().await {
        let created = created.unwrap();
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    }

    let after = store.history(user.id).await.unwrap();
    assert_eq!(after.history.sessions.len() as i64, 2 * PER_SERVER);
    assert_eq!(after.revision.0 - before.0, 2 * PER_SERVER, "one revision per write");
}
