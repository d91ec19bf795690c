//! Sign-up, log-in and log-out, CSRF, cookies and rate limiting.

use crate::{PASSWORD, Server};
use reqwest::StatusCode;

#[tokio::test]
async fn sign_up_lands_on_today_and_log_out_ends_the_session() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let today = ana.get("/").await;
    assert_eq!(today.status, StatusCode::OK);
    assert!(today.body.contains("does not replace a clinician"), "{}", today.body);
    let out = ana.submit("/", "/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(ana.get("/").await.location(), Some("/login"));
}

#[tokio::test]
async fn a_post_without_a_csrf_token_is_refused() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let refused = ana.post_without_token("/logout", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(ana.get("/").await.status, StatusCode::OK, "still signed in");
    let stranger = server.browser();
    let refused = stranger.post_without_token("/login", &[("name", "ana"), ("password", PASSWORD)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_wrong_password_gets_the_same_answer_as_an_unknown_user() {
    let server = Server::start().await;
    server.lifter("ana").await;
    let browser = server.browser();
    let wrong = browser.submit("/login", "/login", &[("name", "ana"), ("password", "wrong password")]).await;
    let unknown = browser.submit("/login", "/login", &[("name", "nobody"), ("password", "wrong password")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, wrong.status);
    let message =
        |body: &str| body.split("role=\"alert\">").nth(1).and_then(|r| r.split('<').next()).map(str::to_owned);
    assert_eq!(message(&wrong.body), message(&unknown.body));
    assert_eq!(message(&wrong.body).as_deref(), Some("Wrong user name or password."));
}

#[tokio::test]
async fn the_session_id_changes_at_log_in_and_cookies_are_http_only_and_same_site() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    ana.submit("/", "/logout", &[]).await;
    let first = ana.submit("/login", "/login", &[("name", "ana"), ("password", PASSWORD)]).await;
    let second = ana.submit("/login", "/login", &[("name", "ana"), ("password", PASSWORD)]).await;
    let session = |cookies: Vec<String>| cookies.into_iter().find(|c| c.starts_with("pb_session=")).unwrap();
    let (a, b) = (session(first.set_cookies()), session(second.set_cookies()));
    assert_ne!(a.split(';').next(), b.split(';').next(), "a log-in must start a new session id");
    for cookie in [&a, &b] {
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain HTTP without a proxy header: {cookie}");
    }
}

/// A guess at `name` with `password` from `from` (through a trusted proxy); gives the answer.
async fn guess_from(server: &Server, from: &str, name: &str, password: &str) -> crate::Answer {
    let browser = server.browser();
    let token = browser.get("/login").await.csrf();
    let form = [("csrf", token.as_str()), ("name", name), ("password", password)];
    let sent = browser.client.post(server.url("/login")).header("x-forwarded-for", from).form(&form);
    crate::answer(sent.send().await.unwrap()).await
}

#[tokio::test]
async fn wrong_guesses_slow_that_address_down_on_that_account() {
    let server = Server::start().await;
    server.lifter("ana").await;
    let browser = server.browser();
    for _ in 0..pullback_web::auth::FREE_GUESSES {
        let wrong = browser.submit("/login", "/login", &[("name", "ana"), ("password", "nope nope")]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    let slowed = browser.submit("/login", "/login", &[("name", "ana"), ("password", PASSWORD)]).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS, "the next guess from here waits");
    assert_eq!(slowed.headers["retry-after"], "1", "{:?}", slowed.headers);
    assert!(slowed.body.contains("Wait 1 second, then try again."), "{}", slowed.body);
    let other = server.lifter("ben").await;
    assert_eq!(other.get("/").await.status, StatusCode::OK, "other accounts are not slowed");
}

#[tokio::test]
async fn wrong_guesses_from_one_address_do_not_lock_the_owner_out() {
    let server =
        Server::start_with(pullback_web::Config { trust_proxy: true, ..pullback_web::Config::default() }).await;
    server.lifter("ana").await;
    let mut refused = 0;
    for _ in 0..12 {
        let status = guess_from(&server, "203.0.113.9", "ana", "nope nope").await.status;
        assert!([StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&status), "{status}");
        refused += usize::from(status == StatusCode::TOO_MANY_REQUESTS);
    }
    assert!(refused > 0, "the guesser was slowed down");
    let owner = guess_from(&server, "198.51.100.7", "ana", PASSWORD).await;
    assert_eq!(owner.status, StatusCode::SEE_OTHER, "the owner, elsewhere, signs in at once: {}", owner.body);
}

#[tokio::test]
async fn failed_log_ins_are_rate_limited_per_address() {
    let server = Server::start().await;
    server.lifter("ana").await;
    let browser = server.browser();
    // Guessing many accounts from one address: each account stays under its own limit.
    for i in 0..pullback_web::auth::MAX_FAILURES_PER_ADDRESS {
        let name = format!("guess{i}");
        let wrong = browser.submit("/login", "/login", &[("name", &name), ("password", "nope nope")]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    let limited = browser.submit("/login", "/login", &[("name", "ana"), ("password", PASSWORD)]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.body.contains("Too many failed log-ins"), "{}", limited.body);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_limit_counts_the_forwarded_address() {
    let server =
        Server::start_with(pullback_web::Config { trust_proxy: true, ..pullback_web::Config::default() }).await;
    server.lifter("ana").await;
    let guess = |from: &'static str, name: String| {
        let client = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build();
        let (url, client) = (server.url(""), client.unwrap());
        async move {
            let page = crate::answer(client.get(format!("{url}/login")).send().await.unwrap()).await;
            let form = [("csrf", page.csrf()), ("name", name), ("password", "nope nope".to_owned())];
            let sent = client.post(format!("{url}/login")).header("x-forwarded-for", from).form(&form);
            crate::answer(sent.send().await.unwrap()).await.status
        }
    };
    // Twenty failures through the proxy from one client: that client is limited…
    for i in 0..pullback_web::auth::MAX_FAILURES_PER_ADDRESS {
        assert_eq!(guess("198.51.100.7, 203.0.113.9", format!("guess{i}")).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(guess("203.0.113.9", "one more".into()).await, StatusCode::TOO_MANY_REQUESTS);
    // …and another client behind the same proxy is not.
    assert_eq!(guess("203.0.113.10", "someone".into()).await, StatusCode::UNAUTHORIZED);
}

/// `n` browsers, each with the log-in page's CSRF token, ready to post at once.
async fn guessers(server: &Server, n: usize) -> Vec<(crate::Browser, String)> {
    let mut ready = Vec::new();
    for _ in 0..n {
        let browser = server.browser();
        let token = browser.get("/login").await.csrf();
        ready.push((browser, token));
    }
    ready
}

/// Posts every guess at once; gives the statuses.
async fn all_at_once(server: &Server, guesses: Vec<((crate::Browser, String), (String, String))>) -> Vec<StatusCode> {
    let mut tasks = tokio::task::JoinSet::new();
    for ((browser, token), (name, password)) in guesses {
        let url = server.url("/login");
        tasks.spawn(async move {
            let form = [("csrf", token), ("name", name), ("password", password)];
            browser.client.post(url).form(&form).send().await.unwrap().status()
        });
    }
    tasks.join_all().await
}

#[tokio::test]
async fn simultaneous_guesses_at_one_account_are_counted_before_any_is_checked() {
    let server = Server::start().await;
    server.lifter("ana").await;
    let browsers = guessers(&server, 60).await;
    // 59 wrong guesses and the right password, all at once, from one address.
    let passwords = (0..60).map(|i| if i == 59 { PASSWORD.to_owned() } else { format!("guess {i}") });
    let guesses = browsers.into_iter().zip(passwords.map(|p| ("ana".to_owned(), p))).collect();
    let statuses = all_at_once(&server, guesses).await;
    let checked = statuses.iter().filter(|s| **s != StatusCode::TOO_MANY_REQUESTS).count();
    assert!(
        checked <= pullback_web::auth::FREE_GUESSES,
        "{checked} of 60 simultaneous guesses were checked: {statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| [StatusCode::UNAUTHORIZED, StatusCode::SEE_OTHER, StatusCode::TOO_MANY_REQUESTS].contains(s))
    );
}

#[tokio::test]
async fn simultaneous_guesses_at_many_accounts_from_one_address_are_counted_before_any_is_checked() {
    let server = Server::start().await;
    let browsers = guessers(&server, 60).await;
    let guesses = browsers.into_iter().zip((0..60).map(|i| (format!("someone{i}"), "nope nope".to_owned()))).collect();
    let statuses = all_at_once(&server, guesses).await;
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert!(
        checked <= pullback_web::auth::MAX_FAILURES_PER_ADDRESS,
        "{checked} of 60 simultaneous guesses from one address were checked: {statuses:?}"
    );
}

#[tokio::test]
async fn sign_ups_are_limited_per_address_also_when_simultaneous() {
    let server = Server::start().await;
    let mut tasks = tokio::task::JoinSet::new();
    let mut ready = Vec::new();
    for i in 0..30 {
        let browser = server.browser();
        let token = browser.get("/signup").await.csrf();
        ready.push((browser, token, format!("new{i}")));
    }
    for (browser, token, name) in ready {
        let url = server.url("/signup");
        tasks.spawn(async move {
            let form = [("csrf", token.as_str()), ("name", &name), ("password", PASSWORD), ("units", "kg")];
            let answer = crate::answer(browser.client.post(url).form(&form).send().await.unwrap()).await;
            (answer.status, answer.headers.contains_key("retry-after"))
        });
    }
    let answers = tasks.join_all().await;
    let created = answers.iter().filter(|(s, _)| *s == StatusCode::SEE_OTHER).count();
    assert_eq!(created, pullback_web::auth::MAX_SIGNUPS_PER_ADDRESS, "{answers:?}");
    assert!(
        answers.iter().all(|(s, retry)| *s == StatusCode::SEE_OTHER || (*s == StatusCode::TOO_MANY_REQUESTS && *retry)),
        "{answers:?}"
    );
}

#[tokio::test]
async fn pages_and_answers_with_personal_data_are_not_stored_by_caches() {
    use pullback_store::Store as _;
    use pullback_web::{Access, ROUTES};
    let server = Server::start().await;
    let kim = server.lifter("kim").await;
    server.lifter("ana").await;
    let (kim_id, ana_id) =
        (server.store.user_by_name("kim").await.unwrap().id, server.store.user_by_name("ana").await.unwrap().id);
    server.store.set_clinician(kim_id, true).await.unwrap();
    let digest = pullback_app::secrets::sha256(b"kim-invites-ana");
    server.store.create_invitation(kim_id, &digest, "2026-03-09T07:00:00Z".parse().unwrap()).await.unwrap();
    let ana = server.store.user(ana_id).await.unwrap();
    server.store.accept_invitation(&ana, &digest, crate::NOW.parse().unwrap()).await.unwrap();
    let (token, token_digest) = pullback_app::secrets::new_token().unwrap();
    server.store.create_api_token(kim_id, "test", &token_digest).await.unwrap();
    let mut checked = 0;
    for route in ROUTES.iter().filter(|r| r.method == reqwest::Method::GET && r.access != Access::Public) {
        let path = route.path.replace("{lifter}", &ana_id.to_string()).replace("{code}", "KIMINVITES1");
        let request = kim.client.get(server.url(&path));
        let request = if route.access == Access::Token { request.bearer_auth(&token) } else { request };
        let got = crate::answer(request.send().await.unwrap()).await;
        assert!(got.status.is_success() || got.status == StatusCode::NOT_FOUND, "{path}: {}", got.status);
        // The API: never stored. Pages: never in a shared cache, asked again every time
        // (`no-store` there stalled the offline app's service worker in Chromium).
        // A page may be stricter on its own (exports, a secret shown once: `no-store`).
        let allowed: &[&str] =
            if route.access == Access::Token { &["no-store"] } else { &["private, no-cache", "no-store"] };
        let got = got.headers.get("cache-control").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert!(allowed.contains(&got.as_str()), "{path}: cache-control {got:?}");
        checked += 1;
    }
    assert!(checked >= 15, "{checked} routes");
    let style = server.browser().get("/assets/style.css").await;
    assert_eq!(style.headers["cache-control"], "public, max-age=3600", "assets stay cached");
}

#[tokio::test]
async fn expired_browser_sessions_are_deleted_while_the_server_runs() {
    use pullback_store::Store as _;
    let config = pullback_web::Config {
        session_sweep: Some(std::time::Duration::from_millis(100)),
        ..pullback_web::Config::default()
    };
    let server = Server::start_with(config).await;
    server.lifter("ana").await;
    let ana = server.store.user_by_name("ana").await.unwrap().id;
    let expired: jiff::Timestamp = "2026-03-01T07:00:00Z".parse().unwrap();
    for i in 0..3u8 {
        server.store.create_web_session(ana, &[i; 32], expired).await.unwrap();
    }
    let count = |expired_only: bool| {
        let db = pullback_store::rusqlite::Connection::open(server.store.path()).unwrap();
        let sql = if expired_only {
            "SELECT count(*) FROM web_sessions WHERE expires_ns <= 1772434800000000000"
        } else {
            "SELECT count(*) FROM web_sessions"
        };
        db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap()
    };
    // Wide margin: the sweep runs every 100 ms here; the test checks that it runs.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while count(true) > 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(count(true), 0, "the expired sessions are gone");
    assert_eq!(count(false), 1, "ana's own session, made at sign-up, stays");
}

#[tokio::test]
async fn a_name_with_hidden_characters_cannot_pose_as_another_lifter() {
    let server = Server::start().await;
    server.lifter("demo-bea").await;
    let browser = server.browser();
    for posing in ["demo-bea\u{200b}", "demo\u{202e}aeb", "\u{ff44}emo-bea"] {
        let form = [("name", posing), ("password", PASSWORD), ("units", "kg")];
        let refused = browser.submit("/signup", "/signup", &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{posing:?}");
        assert!(
            refused.body.contains("user name") && (refused.body.contains("U+") || refused.body.contains("taken")),
            "{posing:?}: {}",
            refused.body
        );
    }
}

#[tokio::test]
async fn another_spelling_of_the_same_name_gets_no_fresh_back_off() {
    let server = Server::start().await;
    server.lifter("ana").await;
    let browser = server.browser();
    for _ in 0..pullback_web::auth::FREE_GUESSES {
        let wrong = browser.submit("/login", "/login", &[("name", "ana"), ("password", "nope nope")]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    for spelling in ["\u{ff41}na", " ANA ", "an\u{ff41}"] {
        let slowed = browser.submit("/login", "/login", &[("name", spelling), ("password", "nope nope")]).await;
        assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS, "{spelling:?}");
    }
}
