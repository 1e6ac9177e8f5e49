//! Redis (RESP2) over one connection per worker, with a small in-task client.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::check::OpPlan;
use super::load::PipelineSink;
use crate::driver::driver::{Driver, ErrorKind, OpError, Reply};
use crate::driver::load::{run_load, Batches, LoadPhasePlan, LoadStats};
use crate::driver::op::Rendered;

/// A Redis target after placeholders were filled in.
pub struct RedisDriver {
    pub address: String,
    pub setup: Vec<Vec<String>>,
    pub timeout: Duration,
    /// The command words of each operation of the scenario.
    pub ops: Vec<OpPlan>,
}

/// One worker's connection.
pub struct Conn {
    stream: Option<TcpStream>,
    read: BytesMut,
    write: Vec<u8>,
}

fn encode(words: &[&str], out: &mut Vec<u8>) {
    out.clear();
    append(words, out);
}

/// Appends one command in RESP to `out` (pipelines are several appended commands).
pub fn append<S: AsRef<str>>(words: &[S], out: &mut Vec<u8>) {
    out.extend_from_slice(format!("*{}\r\n", words.len()).as_bytes());
    for w in words {
        let w = w.as_ref();
        out.extend_from_slice(format!("${}\r\n", w.len()).as_bytes());
        out.extend_from_slice(w.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
}

/// Length of one complete RESP2 value at the start of `buf`, `Ok(None)` when more bytes are
/// needed; an error reply's text is returned as `Err`.
pub(super) fn parse(buf: &[u8]) -> Result<Option<(usize, Option<String>)>, String> {
    let Some(end) = buf.windows(2).position(|w| w == b"\r\n") else {
        return Ok(None);
    };
    let line = std::str::from_utf8(&buf[1..end]).map_err(|_| "reply is not UTF-8".to_owned())?;
    let head = end + 2;
    match buf.first() {
        Some(b'+' | b':') => Ok(Some((head, None))),
        Some(b'-') => Ok(Some((head, Some(line.to_owned())))),
        Some(b'$') => {
            let n: i64 = line
                .parse()
                .map_err(|_| format!("bad bulk length `{line}`"))?;
            if n < 0 {
                return Ok(Some((head, None)));
            }
            let total = head + usize::try_from(n).unwrap_or(0) + 2;
            Ok((buf.len() >= total).then_some((total, None)))
        }
        Some(b'*') => {
            let n: i64 = line
                .parse()
                .map_err(|_| format!("bad array length `{line}`"))?;
            let mut at = head;
            let mut first_error = None;
            for _ in 0..n.max(0) {
                match parse(&buf[at..])? {
                    Some((len, err)) => {
                        at += len;
                        first_error = first_error.or(err);
                    }
                    None => return Ok(None),
                }
            }
            Ok(Some((at, first_error)))
        }
        Some(other) => Err(format!("unexpected reply type `{}`", char::from(*other))),
        None => Ok(None),
    }
}

impl RedisDriver {
    async fn round_trip(&self, conn: &mut Conn, words: &[&str]) -> Result<(), OpError> {
        encode(words, &mut conn.write);
        let stream = if let Some(s) = &mut conn.stream {
            s
        } else {
            let s = TcpStream::connect(&self.address)
                .await
                .map_err(|e| OpError::new(ErrorKind::Connect, format!("{}: {e}", self.address)))?;
            let _ = s.set_nodelay(true);
            conn.stream.insert(s)
        };
        let io = |e: std::io::Error| OpError::new(ErrorKind::Io, e.to_string());
        stream.write_all(&conn.write).await.map_err(io)?;
        conn.read.clear();
        loop {
            match parse(&conn.read) {
                Ok(Some((len, error))) => {
                    conn.read.advance(len);
                    return match error {
                        Some(e) => Err(OpError::new(
                            ErrorKind::Driver,
                            format!("{}: {e}", words.first().copied().unwrap_or("")),
                        )),
                        None => Ok(()),
                    };
                }
                Ok(None) => {
                    conn.read.reserve(4096);
                    if stream.read_buf(&mut conn.read).await.map_err(io)? == 0 {
                        return Err(OpError::new(
                            ErrorKind::Io,
                            "connection closed before the reply was complete",
                        ));
                    }
                }
                Err(e) => return Err(OpError::new(ErrorKind::Io, format!("malformed reply: {e}"))),
            }
        }
    }

    async fn timed(&self, conn: &mut Conn, words: &[&str]) -> Result<(), OpError> {
        if let Ok(r) = tokio::time::timeout(self.timeout, self.round_trip(conn, words)).await {
            if r.as_ref().is_err_and(|e| e.kind == ErrorKind::Io) {
                conn.stream = None;
            }
            r
        } else {
            conn.stream = None;
            Err(OpError::new(
                ErrorKind::Timeout,
                format!("no reply within {:?}", self.timeout),
            ))
        }
    }
}

impl Driver for RedisDriver {
    type Conn = Conn;

    fn conn(&self) -> Conn {
        Conn {
            stream: None,
            read: BytesMut::with_capacity(4096),
            write: Vec::with_capacity(256),
        }
    }

    async fn setup(&self) -> Result<(), OpError> {
        let mut conn = self.conn();
        for cmd in &self.setup {
            let words: Vec<&str> = cmd.iter().map(String::as_str).collect();
            self.timed(&mut conn, &words).await.map_err(|e| {
                OpError::new(e.kind, format!("setup `{}`: {}", cmd.join(" "), e.detail))
            })?;
        }
        Ok(())
    }

    async fn execute(&self, conn: &mut Conn, op: &Rendered<'_>) -> Result<Reply, OpError> {
        let words: Vec<&str> = self.ops[op.op].words.iter().map(|i| op.value(*i)).collect();
        self.timed(conn, &words).await.map(|()| Reply::default())
    }

    async fn load(
        &self,
        _plan: &LoadPhasePlan,
        batches: Batches,
        done: &AtomicU64,
    ) -> Result<LoadStats, OpError> {
        let stream = TcpStream::connect(&self.address)
            .await
            .map_err(|e| OpError::new(ErrorKind::Connect, format!("{}: {e}", self.address)))?;
        let _ = stream.set_nodelay(true);
        let sink = PipelineSink {
            stream,
            read: BytesMut::with_capacity(64 * 1024),
            address: self.address.clone(),
        };
        run_load(sink, batches, done).await
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn resp_replies() {
        assert_eq!(parse(b"+OK\r\n").unwrap(), Some((5, None)));
        assert_eq!(parse(b"$5\r\nhello\r\n").unwrap(), Some((11, None)));
        assert_eq!(parse(b"$5\r\nhel").unwrap(), None);
        assert_eq!(parse(b"$-1\r\n").unwrap(), Some((5, None)));
        assert_eq!(parse(b"*2\r\n:1\r\n$1\r\nx\r\n").unwrap(), Some((15, None)));
        assert_eq!(
            parse(b"-ERR unknown command 'NOPE'\r\n").unwrap(),
            Some((29, Some("ERR unknown command 'NOPE'".into())))
        );
        assert!(parse(b"?what\r\n").is_err());
    }
}
