//! HTTP/1.1 over keep-alive connections, one per worker.
//!
//! A small client written for load generation: each worker owns its connection and does the
//! whole round trip in its own task (no connection task, no channel), formats the request
//! into a reused buffer and parses the response head with `httparse` ([`super::wire`]).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::check::OpPlan;
use super::ids::ids_at;
use super::tls::{Stream, TlsOptions};
use super::wire::read_response;
use crate::driver::driver::{Driver, ErrorKind, OpError, Reply};
use crate::driver::load::{run_load, Batches, LoadPhasePlan, LoadStats, LoadVia};
use crate::driver::op::Rendered;

/// Settings of an HTTP target after placeholders such as `{{port}}` were filled in.
pub struct HttpDriver {
    addrs: Vec<SocketAddr>,
    /// `Host` and the fixed headers, preformatted as `Name: value\r\n` lines.
    fixed_headers: String,
    prefix: String,
    ops: Vec<OpPlan>,
    pub(super) timeout: Duration,
    /// `https://`: the TLS client and the name the server's certificate must carry.
    tls: Option<(
        tokio_rustls::TlsConnector,
        rustls::pki_types::ServerName<'static>,
    )>,
}

/// One worker's connection and buffers.
pub struct Conn {
    pub(super) stream: Option<Stream>,
    pub(super) read: BytesMut,
    pub(super) write: Vec<u8>,
    /// The last response body, available to response checks.
    pub body: BytesMut,
    /// The last response's headers that checks or captures read (lower-case names).
    pub(super) headers: Vec<(String, String)>,
    /// This virtual user's captured values (`{{vu.NAME}}`).
    pub(super) vars: std::collections::BTreeMap<String, String>,
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
    /// Builds the driver for target `target`, with `base_url` and `headers` already
    /// substituted; `ops` is the request plan of each operation of the scenario (empty for a
    /// driver that only sends setup requests).
    ///
    /// # Errors
    /// [`HttpSetupError`] for a URL that does not resolve or an invalid header.
    pub async fn new(
        target: &str,
        base_url: &str,
        headers: &[(String, String)],
        timeout: Duration,
        ops: Vec<OpPlan>,
        tls: &TlsOptions,
    ) -> Result<Self, HttpSetupError> {
        let url_err = |message: String| HttpSetupError::Url {
            target: target.to_owned(),
            url: base_url.to_owned(),
            message,
        };
        let (rest, https) = if let Some(r) = base_url.strip_prefix("http://") {
            (r, false)
        } else if let Some(r) = base_url.strip_prefix("https://") {
            (r, true)
        } else {
            return Err(url_err("not an http:// or https:// URL".into()));
        };
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
            format!("{authority}:{}", if https { 443 } else { 80 })
        };
        let tls = if https {
            let host = if has_port {
                authority.rsplit_once(':').map_or(authority, |(h, _)| h)
            } else {
                authority
            };
            let config = super::tls::client_config(tls).map_err(url_err)?;
            let name = super::tls::server_name(host).map_err(url_err)?;
            Some((tokio_rustls::TlsConnector::from(config), name))
        } else {
            None
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
            let _ = write!(fixed_headers, "{k}: {v}\r\n");
        }
        Ok(Self {
            addrs,
            fixed_headers,
            prefix: prefix.to_owned(),
            ops,
            timeout,
            tls,
        })
    }

    /// One request with an arbitrary method, path (below the base URL's path), headers and
    /// body; returns the status, the body is left in `conn.body`.
    pub(super) async fn request(
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
        self.send(conn, method == "HEAD", &[]).await
    }

    /// Writes `conn.write` and reads the response, retrying once on a reused connection the
    /// server closed while idle.
    async fn send(
        &self,
        conn: &mut Conn,
        head_only: bool,
        want: &[String],
    ) -> Result<u16, OpError> {
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
                let kept = super::wire::Kept {
                    want,
                    found: &mut conn.headers,
                };
                read_response(stream, &mut conn.read, &mut conn.body, head_only, kept).await
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

    async fn connect(&self) -> Result<Stream, OpError> {
        let mut last = None;
        for addr in &self.addrs {
            match TcpStream::connect(addr).await {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    let Some((connector, name)) = &self.tls else {
                        return Ok(Stream::Plain(stream));
                    };
                    // A failed handshake (an untrusted certificate, a plain-HTTP server) is a
                    // connection error of its own, with rustls' reason.
                    return connector
                        .connect(name.clone(), stream)
                        .await
                        .map(|s| Stream::Tls(Box::new(s)))
                        .map_err(|e| {
                            OpError::new(ErrorKind::Connect, format!("TLS with {addr}: {e}"))
                        });
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

    fn encode(
        &self,
        op: &Rendered<'_>,
        spec: &OpPlan,
        vars: &std::collections::BTreeMap<String, String>,
        out: &mut Vec<u8>,
    ) -> Result<(), OpError> {
        use std::io::Write as _;
        let value = |i: usize| {
            crate::template::expand_vu(op.value(i), |n| vars.get(n).map(String::as_str)).map_err(
                |name| {
                    OpError::new(
                        ErrorKind::Capture,
                        format!("`{{{{vu.{name}}}}}` has no value yet in this virtual user: no earlier response captured it (a `first = true` operation can)"),
                    )
                },
            )
        };
        let method = spec.method.as_str();
        let path = value(spec.path)?;
        let path = path.as_ref();
        out.clear();
        let _ = write!(
            out,
            "{method} {}{path} HTTP/1.1\r\n{}",
            self.prefix, self.fixed_headers
        );
        for (k, i) in &spec.headers {
            let v = value(*i)?;
            let v = v.as_ref();
            if !valid_token(k) || !valid_value(v) {
                return Err(OpError::new(ErrorKind::Io, format!("invalid header `{k}`")));
            }
            let _ = write!(out, "{k}: {v}\r\n");
        }
        match spec.body.map(value).transpose()? {
            Some(b) => {
                let _ = write!(out, "Content-Length: {}\r\n\r\n", b.len());
                out.extend_from_slice(b.as_bytes());
            }
            None if matches!(method, "POST" | "PUT" | "PATCH") => {
                out.extend_from_slice(b"Content-Length: 0\r\n\r\n");
            }
            None => out.extend_from_slice(b"\r\n"),
        }
        if path.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(OpError::new(
                ErrorKind::Io,
                format!(
                    "path `{}` contains spaces or control characters",
                    path.escape_debug()
                ),
            ));
        }
        Ok(())
    }

    async fn round_trip(&self, conn: &mut Conn, op: &Rendered<'_>) -> Result<Reply, OpError> {
        let spec = &self.ops[op.op];
        self.encode(op, spec, &conn.vars, &mut conn.write)?;
        let status = self
            .send(conn, spec.method == "HEAD", &spec.want_headers)
            .await?;
        let ok = match &spec.expect_status {
            Some(list) => list.contains(&status),
            None => (200..300).contains(&status),
        };
        if ok {
            if !(spec.checks.is_empty() && spec.captures.is_empty()) {
                super::checks::apply(spec, conn)?;
            }
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
            format!(
                "status {status} for {} {}",
                spec.method,
                op.value(spec.path)
            ),
        ))
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
            headers: Vec::new(),
            vars: std::collections::BTreeMap::new(),
        }
    }

    async fn load(
        &self,
        plan: &LoadPhasePlan,
        batches: Batches,
        done: &AtomicU64,
    ) -> Result<LoadStats, OpError> {
        let LoadVia::Http(h) = &plan.via else {
            return Err(OpError::new(
                ErrorKind::Driver,
                "no HTTP load-phase request",
            ));
        };
        run_load(super::load::HttpSink::new(self, h), batches, done).await
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
