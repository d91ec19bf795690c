//! Connections that hold the server without finishing a request (slowloris): a
//! partial header, an idle keep-alive connection, a connection that says
//! nothing. Each is closed once the header-read timeout passes.

use pullback_web::Timeouts;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server whose connections get `header_read` to send a request's head.
async fn server(header_read: Duration) -> crate::Server {
    crate::Server::start_serving(pullback_web::Config::default(), Timeouts { header_read, ..Timeouts::default() }).await
}

/// Reads until the server closes the connection; gives what it sent, or `None`
/// if it was still open after `limit`.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    });
    read.await.ok().map(|()| String::from_utf8_lossy(&got).into_owned())
}

/// Wide margin over the one-second timeout: the test checks that the connection
/// is closed at all, not how fast.
const LIMIT: Duration = Duration::from_secs(15);

#[tokio::test]
async fn a_connection_that_never_finishes_its_header_is_closed() {
    let server = server(Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
    let sent = read_until_closed(&mut stream, LIMIT).await;
    let sent = sent.unwrap_or_else(|| panic!("a partial header kept the connection open past {LIMIT:?}"));
    assert!(!sent.contains("200 OK"), "{sent}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = server(Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
    let sent = read_until_closed(&mut stream, LIMIT).await;
    let sent = sent.unwrap_or_else(|| panic!("an idle keep-alive connection stayed open past {LIMIT:?}"));
    assert!(sent.starts_with("HTTP/1.1 200 OK") && sent.ends_with("ok\n"), "the request was answered first: {sent}");
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let server = server(Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let sent = read_until_closed(&mut stream, LIMIT).await;
    assert_eq!(sent.as_deref(), Some(""), "a silent connection stayed open past {LIMIT:?}");
}

#[tokio::test]
async fn a_request_in_several_pieces_within_the_timeout_is_answered() {
    let server = server(Duration::from_secs(5)).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    for piece in ["GET /healthz HTTP/1.1\r\n", "Host: 127.0.0.1\r\n", "Connection: close\r\n\r\n"] {
        stream.write_all(piece.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sent = read_until_closed(&mut stream, LIMIT).await.unwrap();
    assert!(sent.starts_with("HTTP/1.1 200 OK"), "{sent}");
}

#[test]
fn the_default_timeouts_are_short_enough_to_matter() {
    let defaults = Timeouts::default();
    assert!(defaults.header_read <= Duration::from_secs(30), "{defaults:?}");
}
