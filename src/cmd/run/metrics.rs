//! `--metrics-addr`: the live metrics endpoint, Prometheus' text format on `GET /metrics`,
//! served from a thread of its own for as long as the run lasts.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use crate::engine::Live;

/// Binds `addr` and serves `live` until the process ends. A non-loopback address is refused
/// unless `any_address` says it is meant (the metrics name targets and operations).
///
/// # Errors
/// The address is not loopback (without `any_address`) or cannot be bound.
pub fn serve(addr: SocketAddr, any_address: bool, live: Arc<Live>) -> anyhow::Result<SocketAddr> {
    anyhow::ensure!(
        addr.ip().is_loopback() || any_address,
        "--metrics-addr {addr}: not a loopback address\n  hint: the metrics name every target and operation; add --metrics-any-address to serve them beyond this machine"
    );
    let listener = TcpListener::bind(addr)
        .map_err(|e| anyhow::anyhow!("--metrics-addr {addr}: cannot listen: {e}"))?;
    let bound = listener.local_addr()?;
    std::thread::Builder::new()
        .name("benchbot-metrics".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = answer(stream, &live);
            }
        })?;
    Ok(bound)
}

/// One request, one response, then the connection closes.
fn answer(mut s: TcpStream, live: &Live) -> std::io::Result<()> {
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    s.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
        let n = s.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    let mut words = head.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    let (status, kind, body) = match (method, path) {
        ("GET", "/metrics") => (
            "200 OK",
            "text/plain; version=0.0.4; charset=utf-8",
            live.render(),
        ),
        ("GET", "/") => (
            "200 OK",
            "text/plain; charset=utf-8",
            "benchbot: the live metrics are at /metrics\n".to_owned(),
        ),
        ("GET", _) => ("404 Not Found", "text/plain", "not found\n".to_owned()),
        _ => (
            "405 Method Not Allowed",
            "text/plain",
            "GET only\n".to_owned(),
        ),
    };
    write!(
        s,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    s.flush()
}
