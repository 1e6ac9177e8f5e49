//! HTTP/1.1 over keep-alive connections, one per worker (hyper's low-level client).

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HeaderName, HeaderValue, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::{Driver, ErrorKind, OpError};
use crate::scenario::{Rendered, Scenario};

/// Settings of an HTTP target after placeholders such as `{{port}}` were filled in.
pub struct HttpDriver {
    addrs: Vec<SocketAddr>,
    host: HeaderValue,
    prefix: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    ops: Vec<OpSpec>,
    timeout: Duration,
}

struct OpSpec {
    method: Method,
    expect: Option<Vec<u16>>,
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
        let hostport = if authority
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()))
            && !authority.ends_with(']')
        {
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
        let host = HeaderValue::from_str(authority).map_err(|e| url_err(e.to_string()))?;
        let mut hs = Vec::new();
        for (k, v) in headers {
            let header_err = |message: String| HttpSetupError::Header {
                target: target.to_owned(),
                name: k.clone(),
                message,
            };
            hs.push((
                HeaderName::from_bytes(k.as_bytes()).map_err(|e| header_err(e.to_string()))?,
                HeaderValue::from_str(v).map_err(|e| header_err(e.to_string()))?,
            ));
        }
        let ops = scenario
            .ops
            .iter()
            .map(|o| {
                let h = o.http.as_ref();
                OpSpec {
                    method: h
                        .and_then(|h| Method::from_bytes(h.method.as_bytes()).ok())
                        .unwrap_or(Method::GET),
                    expect: h.and_then(|h| h.expect_status.clone()),
                }
            })
            .collect();
        Ok(Self {
            addrs,
            host,
            prefix: prefix.to_owned(),
            headers: hs,
            ops,
            timeout,
        })
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, OpError> {
        let mut last = None;
        for addr in &self.addrs {
            match TcpStream::connect(addr).await {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    let (sender, conn) = http1::handshake(TokioIo::new(stream))
                        .await
                        .map_err(|e| OpError::new(ErrorKind::Connect, e.to_string()))?;
                    tokio::spawn(async move {
                        // The connection ends when the server closes it or the sender is dropped;
                        // request-level errors surface through `send_request`.
                        let _ = conn.await;
                    });
                    return Ok(sender);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(OpError::new(
            ErrorKind::Connect,
            last.map_or_else(|| "no address".into(), |e| e.to_string()),
        ))
    }

    async fn round_trip(
        &self,
        conn: &mut Option<SendRequest<Full<Bytes>>>,
        op: &Rendered<'_>,
    ) -> Result<(), OpError> {
        let sender = match conn {
            Some(s) if !s.is_closed() => s,
            _ => conn.insert(self.connect().await?),
        };
        if sender.ready().await.is_err() {
            *sender = self.connect().await?;
        }
        let spec = &self.ops[op.op];
        let uri = if self.prefix.is_empty() {
            op.path.to_string()
        } else {
            format!("{}{}", self.prefix, op.path)
        };
        let mut req = Request::builder().method(spec.method.clone()).uri(uri);
        if let Some(h) = req.headers_mut() {
            h.insert(HOST, self.host.clone());
            for (k, v) in &self.headers {
                h.insert(k.clone(), v.clone());
            }
            for (k, v) in &op.headers {
                let (Ok(k), Ok(v)) = (
                    HeaderName::from_bytes(k.as_bytes()),
                    HeaderValue::from_str(v),
                ) else {
                    return Err(OpError::new(ErrorKind::Io, format!("invalid header `{k}`")));
                };
                h.insert(k, v);
            }
        }
        let body = op
            .body
            .as_ref()
            .map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
        let req = req
            .body(Full::new(body))
            .map_err(|e| OpError::new(ErrorKind::Io, e.to_string()))?;
        let resp = match sender.send_request(req).await {
            Ok(r) => r,
            Err(e) => {
                *conn = None;
                return Err(OpError::new(ErrorKind::Io, e.to_string()));
            }
        };
        let status = resp.status().as_u16();
        if let Err(e) = resp.into_body().collect().await {
            *conn = None;
            return Err(OpError::new(ErrorKind::Io, format!("reading body: {e}")));
        }
        let ok = match &spec.expect {
            Some(list) => list.contains(&status),
            None => (200..300).contains(&status),
        };
        if ok {
            return Ok(());
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

impl Driver for HttpDriver {
    type Conn = Option<SendRequest<Full<Bytes>>>;

    fn conn(&self) -> Self::Conn {
        None
    }

    async fn execute(&self, conn: &mut Self::Conn, op: &Rendered<'_>) -> Result<(), OpError> {
        if let Ok(r) = tokio::time::timeout(self.timeout, self.round_trip(conn, op)).await {
            r
        } else {
            // The request may still be in flight on this connection: never reuse it.
            *conn = None;
            Err(OpError::new(
                ErrorKind::Timeout,
                format!("no reply within {:?}", self.timeout),
            ))
        }
    }
}
