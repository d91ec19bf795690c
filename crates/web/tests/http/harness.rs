//! Starting the app, and a browser-like client: cookies kept, redirects not
//! followed (tests assert them), CSRF tokens read from the page's forms.

use pullback_store::SqliteStore;
use pullback_web::Config;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use std::net::SocketAddr;
use std::sync::Arc;
use tempfile::TempDir;

/// "Now" for every test server, unless a test asks for another.
pub const NOW: &str = "2026-03-02T07:00:00Z";

/// A running app on 127.0.0.1 with its own database; stopped when dropped.
#[derive(Debug)]
pub struct Server {
    pub address: SocketAddr,
    pub store: Arc<SqliteStore>,
    _dir: TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub async fn start() -> Server {
        Server::start_at(NOW).await
    }

    /// A server whose "now" is `now` (RFC 3339).
    pub async fn start_at(now: &str) -> Server {
        Server::start_with(Config { now: Some(now.parse().unwrap()), ..Config::default() }).await
    }

    /// A server with `config` ("now" is [`NOW`] unless the config sets one).
    pub async fn start_with(config: Config) -> Server {
        Server::start_serving(config, pullback_web::Timeouts::default()).await
    }

    /// A server with `config` whose connections have `timeouts`.
    pub async fn start_serving(mut config: Config, timeouts: pullback_web::Timeouts) -> Server {
        config.now = config.now.or_else(|| Some(NOW.parse().unwrap()));
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("pullback.db")).await.unwrap());
        let app = pullback_web::app(store.clone(), config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            pullback_web::serve_with(listener, app, timeouts).await.unwrap();
        });
        Server { address, store, _dir: dir, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// A new browser (empty cookie jar).
    pub fn browser(&self) -> Browser {
        let client = reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap();
        Browser { client, base: self.url("") }
    }

    /// A new browser signed up as `name` (password `correct horse`, kilograms, UTC).
    pub async fn lifter(&self, name: &str) -> Browser {
        let browser = self.browser();
        let page = browser.get("/signup").await;
        let form = [("name", name), ("password", PASSWORD), ("units", "kg"), ("time_zone", "UTC")];
        let response = browser.post_form("/signup", &page.csrf(), &form).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "sign-up of {name} failed: {}", response.body);
        browser
    }
}

pub const PASSWORD: &str = "correct horse";

/// What a request answered.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The CSRF token of the page's first form.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).unwrap_or_else(|| panic!("no CSRF field in:\n{}", self.body)) + marker.len();
        self.body[start..].split('"').next().unwrap().to_owned()
    }

    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    /// The `Set-Cookie` values.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.body))
    }
}

/// A client with a cookie jar, like a browser.
#[derive(Debug)]
pub struct Browser {
    pub client: reqwest::Client,
    base: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> Answer {
        answer(self.client.get(format!("{}{path}", self.base)).send().await.unwrap()).await
    }

    /// POSTs a form with `csrf` as its token.
    pub async fn post_form(&self, path: &str, csrf: &str, fields: &[(&str, &str)]) -> Answer {
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf)];
        form.extend_from_slice(fields);
        answer(self.client.post(format!("{}{path}", self.base)).form(&form).send().await.unwrap()).await
    }

    /// GETs `page` for its token, then POSTs the form to `path`.
    pub async fn submit(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> Answer {
        let token = self.get(page).await.csrf();
        self.post_form(path, &token, fields).await
    }

    /// POSTs a form without any token.
    pub async fn post_without_token(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        answer(self.client.post(format!("{}{path}", self.base)).form(fields).send().await.unwrap()).await
    }
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Answer { status, headers, body }
}
