//! Hardening of the CSV upload (issue 12, items 1 and 2): a client that sends
//! slowly holds no database lock, and an upload that does not arrive whole stores
//! nothing.

use crate::history::user_id;
use crate::{Browser, Server};
use axum::body::Bytes;
use pullback_store::Store;
use pullback_web::Config;
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

const STRONG: &str = include_str!("../../../import/tests/fixtures/strong_comma.csv");
const BOUNDARY: &str = "pullback-slow-upload";

/// The multipart body of the import form, cut in two inside the file: the first
/// part ends on a line boundary after the first workout, so a reader that took
/// the cut for the end of the file would find whole workouts in it.
fn body_in_two(csrf: &str) -> (Bytes, Bytes) {
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"units\"\r\n\r\nlb\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"strong.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    );
    let second_workout = STRONG.find("2025-11-06").expect("the fixture has a second workout");
    let cut = STRONG[second_workout..].find('\n').map(|i| second_workout + i + 1).expect("a line");
    let first = format!("{head}{}", &STRONG[..cut]);
    let rest = format!("{}\r\n--{BOUNDARY}--\r\n", &STRONG[cut..]);
    (Bytes::from(first), Bytes::from(rest))
}

/// Starts an upload whose body comes from the returned sender, chunk by chunk.
fn start_upload(
    server: &Server,
    browser: &Browser,
) -> (mpsc::Sender<Result<Bytes, std::io::Error>>, tokio::task::JoinHandle<reqwest::Result<reqwest::Response>>) {
    let (sender, receiver) = mpsc::channel(4);
    let request = browser
        .client
        .post(server.url("/settings/import"))
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(reqwest::Body::wrap_stream(ReceiverStream::new(receiver)));
    (sender, tokio::spawn(request.send()))
}

async fn sessions(server: &Server, name: &str) -> usize {
    server.store.sessions(user_id(server, name).await, None).await.unwrap().len()
}

#[tokio::test]
async fn a_slow_upload_does_not_hold_up_other_lifters_writes() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let ben = server.lifter("ben").await;
    let (first, rest) = body_in_two(&ana.get("/settings").await.csrf());
    let (sender, upload) = start_upload(&server, &ana);
    sender.send(Ok(first)).await.unwrap();
    // Ana's phone stalls mid-file; the server has read the first part by now.
    tokio::time::sleep(Duration::from_millis(700)).await;

    let started = Instant::now();
    let checkin = ben.submit("/checkin", "/checkin", &[("pain", "3"), ("side", "")]).await;
    assert_eq!(checkin.status, StatusCode::SEE_OTHER, "ben's check-in: {}", checkin.body);
    let cy = server.lifter("cy").await; // a sign-up writes too (asserts 303)
    let profile = ana.get("/settings").await; // and ana herself can read meanwhile
    assert_eq!(profile.status, StatusCode::OK);
    drop(cy);
    let waited = started.elapsed();
    // SQLite's busy timeout is 5 s: a held write lock shows as a wait of seconds.
    assert!(waited < Duration::from_secs(3), "other writes waited {waited:?} for a stalled upload");

    sender.send(Ok(rest)).await.unwrap();
    drop(sender);
    let done = crate::answer(upload.await.unwrap().unwrap()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Imported 3 sessions"), "{}", done.body);
    assert_eq!(sessions(&server, "ana").await, 3);
}

#[tokio::test]
async fn an_upload_cut_by_the_request_timeout_stores_nothing() {
    let config = Config { request_timeout: Some(Duration::from_millis(800)), ..Config::default() };
    let server = Server::start_with(config).await;
    let ana = server.lifter("ana").await;
    let (first, _rest) = body_in_two(&ana.get("/settings").await.csrf());
    let (sender, upload) = start_upload(&server, &ana);
    sender.send(Ok(first)).await.unwrap();
    let answer = crate::answer(upload.await.unwrap().unwrap()).await;
    assert_eq!(answer.status, StatusCode::REQUEST_TIMEOUT, "{}", answer.body);
    drop(sender);
    // Whatever the server still had running after the timeout has finished by now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sessions(&server, "ana").await, 0, "a cut upload stores nothing");
}

#[tokio::test]
async fn an_upload_the_client_breaks_off_stores_nothing() {
    let server = Server::start().await;
    let ana = server.lifter("ana").await;
    let (first, _rest) = body_in_two(&ana.get("/settings").await.csrf());
    let (sender, upload) = start_upload(&server, &ana);
    sender.send(Ok(first)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The phone loses its signal: the body stream fails and the connection closes.
    sender.send(Err(std::io::Error::other("signal lost"))).await.unwrap();
    drop(sender);
    let _ = upload.await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sessions(&server, "ana").await, 0, "a broken-off upload stores nothing");
}
