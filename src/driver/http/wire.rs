//! Reading HTTP/1.1 responses: the head with `httparse`, bodies by `Content-Length`,
//! chunked encoding, or until the server closes (HTTP/1.0).

use bytes::{Buf, BytesMut};
use tokio::io::AsyncReadExt;

use super::tls::Stream;

/// Largest response head accepted.
pub(super) const MAX_HEAD: usize = 64 * 1024;

/// Failure while reading: (nothing of the response had arrived, message).
pub(super) type ReadError = (bool, String);

async fn fill(stream: &mut Stream, buf: &mut BytesMut, nothing_yet: bool) -> Result<(), ReadError> {
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

/// Response headers to keep: the names wanted (lower case), and the values found.
pub(super) struct Kept<'a> {
    pub want: &'a [String],
    pub found: &'a mut Vec<(String, String)>,
}

/// Reads one response; returns its status and whether the connection may be reused. The
/// headers `kept.want` names are left in `kept.found`.
pub(super) async fn read_response(
    stream: &mut Stream,
    buf: &mut BytesMut,
    body: &mut BytesMut,
    head_only: bool,
    kept: Kept<'_>,
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
                    kept.found.clear();
                    for h in resp.headers.iter() {
                        if !kept.want.is_empty()
                            && kept.want.iter().any(|w| h.name.eq_ignore_ascii_case(w))
                        {
                            kept.found.push((
                                h.name.to_ascii_lowercase(),
                                String::from_utf8_lossy(h.value).trim().to_owned(),
                            ));
                        }
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

async fn read_line(stream: &mut Stream, buf: &mut BytesMut) -> Result<BytesMut, ReadError> {
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
    stream: &mut Stream,
    buf: &mut BytesMut,
    body: &mut BytesMut,
) -> Result<(), ReadError> {
    loop {
        let line = read_line(stream, buf).await?;
        let size_text = std::str::from_utf8(&line)
            .ok()
            .and_then(|l| l.split(';').next())
            .map_or("", str::trim);
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
