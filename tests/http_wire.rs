//! The HTTP client against a raw TCP server on 127.0.0.1:0 that answers with hand-written
//! bytes: the framings and connection behaviours real servers use.

use std::path::Path;
use std::time::Duration;

use benchbot::driver::http::HttpDriver;
use benchbot::driver::{Driver, ErrorKind};
use benchbot::scenario::{Scenario, Stream};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Serves each connection: for every request head read, writes the next canned response;
/// closes the connection after a response when `close_after` says so.
async fn raw_server(responses: Vec<&'static [u8]>, close_after_each: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut i = 0usize;
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            loop {
                if !read_head(&mut s).await {
                    break;
                }
                let r = responses[i % responses.len()];
                i += 1;
                if s.write_all(r).await.is_err() {
                    break;
                }
                if close_after_each {
                    break;
                }
            }
        }
    });
    url
}

async fn read_head(s: &mut TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte).await {
            Ok(1) => buf.push(byte[0]),
            _ => return false,
        }
    }
    true
}

fn scenario() -> Scenario {
    let text = "[scenario]\nname = \"w\"\nkind = \"internal\"\n[[target]]\nname = \"t\"\nrole = \"ours\"\n[target.http]\nbase-url = \"http://127.0.0.1:1\"\n[[operation]]\nname = \"get\"\n[operation.http]\npath = \"/x\"\n[load]\noperations = 1\n";
    Scenario::from_source(Path::new("w.toml"), text).unwrap()
}

async fn exchange(url: &str, times: usize) -> (Vec<Result<(), ErrorKind>>, Vec<u8>) {
    let s = scenario();
    let d = HttpDriver::new(
        "t",
        url,
        &[],
        Duration::from_secs(2),
        http_plans(&s),
        &benchbot::driver::http::TlsOptions::default(),
    )
    .await
    .unwrap();
    let mut conn = d.conn();
    let op = s.render(Stream::Measured, 0);
    let mut results = Vec::new();
    for _ in 0..times {
        results.push(
            d.execute(&mut conn, &op)
                .await
                .map(|_| ())
                .map_err(|e| e.kind),
        );
    }
    (results, conn.body.to_vec())
}

#[tokio::test]
async fn chunked_bodies_with_extensions_and_trailers() {
    let url = raw_server(vec![b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"], false).await;
    let (r, body) = exchange(&url, 3).await;
    assert!(r.iter().all(Result::is_ok), "{r:?}");
    assert_eq!(body, b"hello world");
}

#[tokio::test]
async fn continue_then_the_real_response() {
    let url = raw_server(
        vec![b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"],
        false,
    )
    .await;
    let (r, body) = exchange(&url, 2).await;
    assert!(r.iter().all(Result::is_ok), "{r:?}");
    assert_eq!(body, b"ok");
}

#[tokio::test]
async fn http10_bodies_end_when_the_server_closes() {
    let url = raw_server(
        vec![b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close"],
        true,
    )
    .await;
    let (r, body) = exchange(&url, 3).await;
    assert!(r.iter().all(Result::is_ok), "{r:?}");
    assert_eq!(body, b"until close");
}

#[tokio::test]
async fn a_keep_alive_connection_closed_while_idle_is_retried_once() {
    // Promises keep-alive (HTTP/1.1, no `Connection: close`) but closes after each response.
    let url = raw_server(vec![b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"], true).await;
    let (r, _) = exchange(&url, 5).await;
    assert!(r.iter().all(Result::is_ok), "{r:?}");
}

#[tokio::test]
async fn server_errors_and_truncated_responses_are_classified() {
    let url = raw_server(
        vec![b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"],
        false,
    )
    .await;
    let (r, _) = exchange(&url, 2).await;
    assert_eq!(r, vec![Err(ErrorKind::Http5xx), Err(ErrorKind::Http5xx)]);
    let url = raw_server(
        vec![b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"],
        true,
    )
    .await;
    let (r, _) = exchange(&url, 1).await;
    assert_eq!(r, vec![Err(ErrorKind::Io)]);
    let url = raw_server(vec![b"NOT HTTP AT ALL\r\n\r\n"], false).await;
    let (r, _) = exchange(&url, 1).await;
    assert_eq!(r, vec![Err(ErrorKind::Io)]);
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (_s, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let s = scenario();
    let d = HttpDriver::new(
        "t",
        &url,
        &[],
        Duration::from_millis(200),
        http_plans(&s),
        &benchbot::driver::http::TlsOptions::default(),
    )
    .await
    .unwrap();
    let mut conn = d.conn();
    let e = d
        .execute(&mut conn, &s.render(Stream::Measured, 0))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout);
}

/// The HTTP request plan of each operation of `s`.
fn http_plans(s: &Scenario) -> Vec<benchbot::driver::http::OpPlan> {
    s.ops
        .iter()
        .map(|o| o.parts.http.clone().expect("an http operation"))
        .collect()
}
