//! HTTP/1.1 over keep-alive connections, one per worker.
//!
//! A small client written for load generation: each worker owns its connection and does the
//! whole round trip in its own task (no connection task, no channel), formats the request
//! into a reused buffer and parses the response head with `httparse`. Bodies are read by
//! `Content-Length`, chunked encoding, or until the server closes (HTTP/1.0).

use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use std::sync::atomic::{AtomicU64, Ordering};

use super::{Batches, Driver, ErrorKind, IngestStats, OpError, Reply};
use crate::scenario::{Rendered, Scenario};

/// Largest response head accepted.
const MAX_HEAD: usize = 64 * 1024;

/// Settings of an HTTP target after placeholders such as `{{port}}` were filled in.
pub struct HttpDriver {
    addrs: Vec<SocketAddr>,
    /// `Host` and the fixed headers, preformatted as `Name: value\r\n` lines.
    fixed_headers: String,
    prefix: String,
    ops: Vec<OpSpec>,
    timeout: Duration,
}

struct OpSpec {
    method: String,
    expect: Option<Vec<u16>>,
    /// JSON pointer to the ids a search returned.
    ids: Option<String>,
}

/// A request sent once before the operations, e.g. creating a collection.
pub struct SetupRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub expect: Option<Vec<u16>>,
    /// Name → JSON pointer into the response.
    pub capture: Vec<(String, String)>,
}

/// The ids at `pointer` in a JSON document (a single non-negative integer is one answer, e.g. a
/// count): an array of non-negative integers, of strings
/// holding them, of objects whose `id` member is one, or of Neo4j result rows
/// (`{"row": [id, …]}`).
///
/// # Errors
/// A message saying what is missing or malformed.
pub fn ids_at(body: &[u8], pointer: &str) -> Result<Vec<u64>, String> {
    let doc: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("response is not JSON: {e}"))?;
    let found = doc
        .pointer(pointer)
        .ok_or_else(|| format!("no `{pointer}` in the response"))?;
    // A single number (a count) is a one-element answer.
    if let Some(n) = found.as_u64() {
        return Ok(vec![n]);
    }
    let arr = found
        .as_array()
        .ok_or_else(|| format!("`{pointer}` is not an array or a count"))?;
    let id = |v: &serde_json::Value| match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    };
    arr.iter()
        .map(|v| {
            match v {
                // Result objects such as Qdrant's `{"id": 7, "score": …}` or Milvus's, and
                // Neo4j's result rows `{"row": [7], "meta": …}` (the first column).
                serde_json::Value::Object(o) => o
                    .get("id")
                    .or_else(|| o.get("row").and_then(|r| r.get(0)))
                    .and_then(id),
                v => id(v),
            }
            .ok_or_else(|| format!("`{pointer}` holds `{v}`, not a row id"))
        })
        .collect()
}

/// One worker's connection and buffers.
pub struct Conn {
    stream: Option<TcpStream>,
    read: BytesMut,
    write: Vec<u8>,
    /// The last response body, available to response checks.
    pub body: BytesMut,
}

/// Why an HTTP target could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum HttpSetupError {
    #[error("target `{target}`: base-url `{url}`: {message}")]
    Url {
        target: String,
        url: String,
        message: String,
    },
    #[error("target `{target}`: header `{name}`: {message}")]
    Header {
        target: String,
        name: String,
        message: String,
    },
}

fn valid_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn valid_value(s: &str) -> bool {
    s.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

impl HttpDriver {
    /// Builds the driver for target `target` of `scenario`, with `base_url` and `headers` already
    /// substituted.
    ///
    /// # Errors
    /// [`HttpSetupError`] for a URL that does not resolve or an invalid header.
    pub async fn new(
        target: &str,
        base_url: &str,
        headers: &[(String, String)],
        timeout: Duration,
        scenario: &Scenario,
    ) -> Result<Self, HttpSetupError> {
        let url_err = |message: String| HttpSetupError::Url {
            target: target.to_owned(),
            url: base_url.to_owned(),
            message,
        };
        let rest = base_url
            .strip_prefix("http://")
            .ok_or_else(|| url_err("not an http:// URL".into()))?;
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        if authority.is_empty()
            || !valid_value(authority)
            || authority.contains(char::is_whitespace)
        {
            return Err(url_err("no valid host".into()));
        }
        let has_port = authority
            .rsplit_once(':')
            .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            && !authority.ends_with(']');
        let hostport = if has_port {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host(hostport.as_str())
            .await
            .map_err(|e| url_err(format!("cannot resolve: {e}")))?
            .collect();
        if addrs.is_empty() {
            return Err(url_err("resolves to no address".into()));
        }
        let mut fixed_headers = format!("Host: {authority}\r\n");
        for (k, v) in headers {
            if !valid_token(k) || !valid_value(v) {
                return Err(HttpSetupError::Header {
                    target: target.to_owned(),
                    name: k.clone(),
                    message: "not a valid header name or value".into(),
                });
            }
            fixed_headers.push_str(&format!("{k}: {v}\r\n"));
        }
        let ops = scenario
            .ops
            .iter()
            .map(|o| OpSpec {
                method: o
                    .http
                    .as_ref()
                    .map_or_else(|| "GET".to_owned(), |h| h.method.clone()),
                expect: o.http.as_ref().and_then(|h| h.expect_status.clone()),
                ids: o.http.as_ref().and_then(|h| h.ids.clone()),
            })
            .collect();
        Ok(Self {
            addrs,
            fixed_headers,
            prefix: prefix.to_owned(),
            ops,
            timeout,
        })
    }

    /// Sends `requests` in order on one connection; returns the captured values.
    ///
    /// # Errors
    /// The first request that fails, answers with an unexpected status, or lacks a capture.
    /// `fill` is applied to paths and bodies first, with the captures made so far.
    pub async fn setup_requests(
        &self,
        requests: &[SetupRequest],
        fill: impl Fn(&str, &[(String, String)]) -> String,
    ) -> Result<Vec<(String, String)>, OpError> {
        let mut conn = self.conn();
        let mut captured: Vec<(String, String)> = Vec::new();
        for r in requests {
            let path = fill(&r.path, &captured);
            let body = r.body.as_deref().map(|b| fill(b, &captured));
            let headers: Vec<(String, String)> = r
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), fill(v, &captured)))
                .collect();
            let what = format!("setup {} {path}", r.method);
            let status = self
                .request(
                    &mut conn,
                    &r.method,
                    &path,
                    &headers,
                    body.as_deref().map(str::as_bytes),
                )
                .await
                .map_err(|e| OpError::new(e.kind, format!("{what}: {}", e.detail)))?;
            let ok = r
                .expect
                .as_ref()
                .map_or((200..300).contains(&status), |l| l.contains(&status));
            if !ok {
                let text = String::from_utf8_lossy(&conn.body);
                return Err(OpError::new(
                    ErrorKind::HttpStatus,
                    format!("{what}: status {status}: {}", super::tail(&text, 300)),
                ));
            }
            for (name, pointer) in &r.capture {
                let doc: serde_json::Value = serde_json::from_slice(&conn.body).map_err(|e| {
                    OpError::new(
                        ErrorKind::Driver,
                        format!("{what}: response is not JSON: {e}"),
                    )
                })?;
                let value = match doc.pointer(pointer) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                        v.to_string()
                    }
                    _ => {
                        return Err(OpError::new(
                            ErrorKind::Driver,
                            format!(
                                "{what}: no string or number at `{pointer}` to capture as `{name}`"
                            ),
                        ))
                    }
                };
                captured.push((name.clone(), value));
            }
        }
        Ok(captured)
    }

    /// One request with an arbitrary method, path (below the base URL's path), headers and
    /// body; returns the status, the body is left in `conn.body`.
    async fn request(
        &self,
        conn: &mut Conn,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Option<&[u8]>,
    ) -> Result<u16, OpError> {
        use std::io::Write as _;
        if path.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(OpError::new(
                ErrorKind::Io,
                format!(
                    "path `{}` contains spaces or control characters",
                    path.escape_debug()
                ),
            ));
        }
        let out = &mut conn.write;
        out.clear();
        let _ = write!(
            out,
            "{method} {}{path} HTTP/1.1\r\n{}",
            self.prefix, self.fixed_headers
        );
        for (k, v) in headers {
            if !valid_token(k) || !valid_value(v) {
                return Err(OpError::new(ErrorKind::Io, format!("invalid header `{k}`")));
            }
            let _ = write!(out, "{k}: {v}\r\n");
        }
        let body = body.unwrap_or_default();
        let _ = write!(out, "Content-Length: {}\r\n\r\n", body.len());
        out.extend_from_slice(body);
        self.send(conn, method == "HEAD").await
    }

    /// Writes `conn.write` and reads the response, retrying once on a reused connection the
    /// server closed while idle.
    async fn send(&self, conn: &mut Conn, head_only: bool) -> Result<u16, OpError> {
        let mut reused = conn.stream.is_some();
        loop {
            let stream = match &mut conn.stream {
                Some(s) => s,
                None => conn.stream.insert(self.connect().await?),
            };
            conn.read.clear();
            let attempt = async {
                stream
                    .write_all(&conn.write)
                    .await
                    .map_err(|e| (true, e.to_string()))?;
                read_response(stream, &mut conn.read, &mut conn.body, head_only).await
            };
            match attempt.await {
                Ok((status, keep_alive)) => {
                    if !keep_alive {
                        conn.stream = None;
                    }
                    return Ok(status);
                }
                Err((nothing_read, message)) => {
                    conn.stream = None;
                    if reused && nothing_read {
                        reused = false;
                        continue;
                    }
                    return Err(OpError::new(ErrorKind::Io, message));
                }
            }
        }
    }

    async fn connect(&self) -> Result<TcpStream, OpError> {
        let mut last = None;
        for addr in &self.addrs {
            match TcpStream::connect(addr).await {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(OpError::new(
            ErrorKind::Connect,
            last.map_or_else(
                || "no address".into(),
                |e| format!("{}: {e}", self.addrs[0]),
            ),
        ))
    }

    fn encode(&self, op: &Rendered<'_>, method: &str, out: &mut Vec<u8>) -> Result<(), OpError> {
        use std::io::Write as _;
        out.clear();
        let _ = write!(
            out,
            "{method} {}{} HTTP/1.1\r\n{}",
            self.prefix, op.path, self.fixed_headers
        );
        for (k, v) in &op.headers {
            if !valid_token(k) || !valid_value(v) {
                return Err(OpError::new(ErrorKind::Io, format!("invalid header `{k}`")));
            }
            let _ = write!(out, "{k}: {v}\r\n");
        }
        match &op.body {
            Some(b) => {
                let _ = write!(out, "Content-Length: {}\r\n\r\n", b.len());
                out.extend_from_slice(b.as_bytes());
            }
            None if matches!(method, "POST" | "PUT" | "PATCH") => {
                out.extend_from_slice(b"Content-Length: 0\r\n\r\n")
            }
            None => out.extend_from_slice(b"\r\n"),
        }
        if op.path.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(OpError::new(
                ErrorKind::Io,
                format!(
                    "path `{}` contains spaces or control characters",
                    op.path.escape_debug()
                ),
            ));
        }
        Ok(())
    }

    async fn round_trip(&self, conn: &mut Conn, op: &Rendered<'_>) -> Result<Reply, OpError> {
        let spec = &self.ops[op.op];
        self.encode(op, &spec.method, &mut conn.write)?;
        let status = self.send(conn, spec.method == "HEAD").await?;
        let ok = match &spec.expect {
            Some(list) => list.contains(&status),
            None => (200..300).contains(&status),
        };
        if ok {
            let ids = match &spec.ids {
                Some(p) => {
                    Some(ids_at(&conn.body, p).map_err(|m| OpError::new(ErrorKind::Driver, m))?)
                }
                None => None,
            };
            return Ok(Reply { ids });
        }
        let kind = match status {
            400..=499 => ErrorKind::Http4xx,
            500..=599 => ErrorKind::Http5xx,
            _ => ErrorKind::HttpStatus,
        };
        Err(OpError::new(
            kind,
            format!("status {status} for {} {}", spec.method, op.path),
        ))
    }
}

/// Failure while reading: (nothing of the response had arrived, message).
type ReadError = (bool, String);

async fn fill(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    nothing_yet: bool,
) -> Result<(), ReadError> {
    buf.reserve(8192);
    match stream.read_buf(buf).await {
        Ok(0) => Err((
            nothing_yet,
            "connection closed before the response was complete".into(),
        )),
        Ok(_) => Ok(()),
        Err(e) => Err((nothing_yet, e.to_string())),
    }
}

/// Reads one response; returns its status and whether the connection may be reused.
async fn read_response(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    body: &mut BytesMut,
    head_only: bool,
) -> Result<(u16, bool), ReadError> {
    loop {
        // Parse the head.
        let (status, head_len, framing, keep_alive) = loop {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut resp = httparse::Response::new(&mut headers);
            match resp.parse(buf) {
                Ok(httparse::Status::Complete(n)) => {
                    let status = resp.code.unwrap_or(0);
                    let http11 = resp.version == Some(1);
                    let mut framing = Framing::UntilClose;
                    let mut keep_alive = http11;
                    for h in resp.headers.iter() {
                        if h.name.eq_ignore_ascii_case("content-length") {
                            let len = std::str::from_utf8(h.value)
                                .ok()
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .ok_or((false, "invalid Content-Length".to_owned()))?;
                            if !matches!(framing, Framing::Chunked) {
                                framing = Framing::Length(len);
                            }
                        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                            if h.value
                                .windows(7)
                                .any(|w| w.eq_ignore_ascii_case(b"chunked"))
                            {
                                framing = Framing::Chunked;
                            }
                        } else if h.name.eq_ignore_ascii_case("connection") {
                            if h.value.windows(5).any(|w| w.eq_ignore_ascii_case(b"close")) {
                                keep_alive = false;
                            } else if h
                                .value
                                .windows(10)
                                .any(|w| w.eq_ignore_ascii_case(b"keep-alive"))
                            {
                                keep_alive = true;
                            }
                        }
                    }
                    if head_only || status == 204 || status == 304 || (100..200).contains(&status) {
                        framing = Framing::Length(0);
                    }
                    break (status, n, framing, keep_alive);
                }
                Ok(httparse::Status::Partial) => {
                    if buf.len() > MAX_HEAD {
                        return Err((false, format!("response head larger than {MAX_HEAD} bytes")));
                    }
                    let nothing = buf.is_empty();
                    fill(stream, buf, nothing).await?;
                }
                Err(e) => return Err((false, format!("malformed response: {e}"))),
            }
        };
        buf.advance(head_len);
        body.clear();
        let keep_alive = match framing {
            Framing::Length(len) => {
                while buf.len() < len {
                    fill(stream, buf, false).await?;
                }
                body.extend_from_slice(&buf[..len]);
                buf.advance(len);
                keep_alive
            }
            Framing::Chunked => {
                read_chunked(stream, buf, body).await?;
                keep_alive
            }
            Framing::UntilClose => {
                loop {
                    body.extend_from_slice(buf);
                    buf.clear();
                    buf.reserve(8192);
                    match stream.read_buf(buf).await {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e) => return Err((false, e.to_string())),
                    }
                }
                false
            }
        };
        // 1xx (e.g. 100 Continue) precede the real response.
        if (100..200).contains(&status) && status != 101 {
            continue;
        }
        return Ok((status, keep_alive));
    }
}

enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

async fn read_line(stream: &mut TcpStream, buf: &mut BytesMut) -> Result<BytesMut, ReadError> {
    loop {
        if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
            let line = buf.split_to(i);
            buf.advance(2);
            return Ok(line);
        }
        if buf.len() > MAX_HEAD {
            return Err((false, "chunk size line too long".into()));
        }
        fill(stream, buf, false).await?;
    }
}

async fn read_chunked(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    body: &mut BytesMut,
) -> Result<(), ReadError> {
    loop {
        let line = read_line(stream, buf).await?;
        let size_text = std::str::from_utf8(&line)
            .ok()
            .and_then(|l| l.split(';').next())
            .map(str::trim)
            .unwrap_or("");
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| (false, format!("invalid chunk size `{size_text}`")))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(stream, buf).await?.is_empty() {}
            return Ok(());
        }
        while buf.len() < size + 2 {
            fill(stream, buf, false).await?;
        }
        body.extend_from_slice(&buf[..size]);
        buf.advance(size + 2);
    }
}

impl Driver for HttpDriver {
    type Conn = Conn;

    fn conn(&self) -> Conn {
        Conn {
            stream: None,
            read: BytesMut::with_capacity(16 * 1024),
            write: Vec::with_capacity(1024),
            body: BytesMut::new(),
        }
    }

    async fn ingest(
        &self,
        plan: &crate::scenario::IngestPlan,
        mut batches: Batches,
        done: &AtomicU64,
    ) -> Result<IngestStats, OpError> {
        let mut conn = self.conn();
        let mut hist = crate::record::new_histogram();
        let Some(h) = &plan.http else {
            return Err(OpError::new(ErrorKind::Driver, "no HTTP ingest request"));
        };
        let (method, headers) = (&h.method, &h.headers);
        let start = std::time::Instant::now();
        let mut rows = 0;
        while let Some(b) = batches.recv().await {
            let t = std::time::Instant::now();
            let status = tokio::time::timeout(
                self.timeout,
                self.request(&mut conn, method, &b.path, headers, Some(&b.bytes)),
            )
            .await
            .map_err(|_| {
                OpError::new(
                    ErrorKind::Timeout,
                    format!("ingest: no reply within {:?}", self.timeout),
                )
            })??;
            if !(200..300).contains(&status) {
                let text = String::from_utf8_lossy(&conn.body);
                return Err(OpError::new(
                    ErrorKind::HttpStatus,
                    format!(
                        "ingest {method} {}: status {status}: {}",
                        b.path,
                        super::tail(&text, 300)
                    ),
                ));
            }
            hist.saturating_record(
                u64::try_from(t.elapsed().as_nanos())
                    .unwrap_or(u64::MAX)
                    .max(1),
            );
            rows += b.rows;
            done.fetch_add(b.rows, Ordering::Relaxed);
        }
        Ok(IngestStats {
            rows,
            elapsed: start.elapsed(),
            batches: hist,
            index: None,
        })
    }

    async fn execute(&self, conn: &mut Conn, op: &Rendered<'_>) -> Result<Reply, OpError> {
        if let Ok(r) = tokio::time::timeout(self.timeout, self.round_trip(conn, op)).await {
            r
        } else {
            // The request may still be in flight on this connection: never reuse it.
            conn.stream = None;
            Err(OpError::new(
                ErrorKind::Timeout,
                format!("no reply within {:?}", self.timeout),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ids_at;

    #[test]
    fn ids_come_from_arrays_of_numbers_strings_objects_and_rows() {
        let chroma = br#"{"ids": [["3", "1"]], "distances": null}"#;
        assert_eq!(ids_at(chroma, "/ids/0").unwrap(), [3, 1]);
        let qdrant =
            br#"{"result": {"points": [{"id": 7, "score": 0.9}, {"id": 2, "score": 0.5}]}}"#;
        assert_eq!(ids_at(qdrant, "/result/points").unwrap(), [7, 2]);
        let neo4j = br#"{"results": [{"columns": ["id"], "data": [{"row": [5], "meta": [null]}]}], "errors": []}"#;
        assert_eq!(ids_at(neo4j, "/results/0/data").unwrap(), [5]);
        assert!(ids_at(br#"{"ids": [[-1]]}"#, "/ids/0")
            .unwrap_err()
            .contains("not a row id"));
        assert!(ids_at(br#"{"code": 1100}"#, "/data")
            .unwrap_err()
            .contains("no `/data`"));
        assert!(ids_at(b"<html>", "/ids").unwrap_err().contains("not JSON"));
        let count = br#"{"result": [{"c": 12}]}"#;
        assert_eq!(ids_at(count, "/result/0/c").unwrap(), [12]);
    }
}
