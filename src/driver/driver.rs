//! The driver trait and what an operation returns.
//!
//! A driver turns a [`Rendered`] operation into one round trip. The engine owns timing;
//! drivers only say whether the operation succeeded and, if not, what kind of error it was.

use std::fmt;
use std::future::Future;
use std::sync::atomic::AtomicU64;

use super::load::{Batches, LoadPhasePlan, LoadStats};
use super::op::Rendered;

/// The kinds of failed operation, counted separately in the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorKind {
    Connect,
    Timeout,
    Http4xx,
    Http5xx,
    HttpStatus,
    Io,
    ExitStatus,
    Spawn,
    /// The system under test refused the operation (an SQL error, a Redis error reply).
    Driver,
    /// A check of the response failed (`[[operation.http.check]]`), or a capture found
    /// nothing to take.
    Check,
    /// A request used a virtual user's variable (`{{vu.NAME}}`) that nothing captured yet.
    Capture,
}

impl ErrorKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Http4xx => "http-4xx",
            ErrorKind::Http5xx => "http-5xx",
            ErrorKind::HttpStatus => "http-status",
            ErrorKind::Io => "io",
            ErrorKind::ExitStatus => "exit-status",
            ErrorKind::Spawn => "spawn",
            ErrorKind::Driver => "driver",
            ErrorKind::Check => "check",
            ErrorKind::Capture => "capture",
        }
    }
}

/// A failed operation.
#[derive(Clone, Debug)]
pub struct OpError {
    pub kind: ErrorKind,
    pub detail: String,
}

impl OpError {
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.detail)
    }
}

/// What a successful operation returned that the engine checks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// The ids a search returned, in order (operations with `recall` only).
    pub ids: Option<Vec<u64>>,
}

/// One way of executing operations against a target.
pub trait Driver: Send + Sync + 'static {
    /// Per-worker state, e.g. a keep-alive connection.
    type Conn: Send + 'static;

    /// A fresh, not yet connected, worker state.
    fn conn(&self) -> Self::Conn;

    /// Untimed work before each operation (hyperfine's `--prepare`).
    fn prepare(&self, _conn: &mut Self::Conn) -> impl Future<Output = Result<(), OpError>> + Send {
        async { Ok(()) }
    }

    /// Executes one operation; the engine times this call.
    fn execute(
        &self,
        conn: &mut Self::Conn,
        op: &Rendered<'_>,
    ) -> impl Future<Output = Result<Reply, OpError>> + Send;

    /// Untimed work once before a target's first repetition (tables, keys).
    fn setup(&self) -> impl Future<Output = Result<(), OpError>> + Send {
        async { Ok(()) }
    }

    /// The load phase: sends every batch, counting rows into `done`.
    fn load(
        &self,
        _plan: &LoadPhasePlan,
        _batches: Batches,
        _done: &AtomicU64,
    ) -> impl Future<Output = Result<LoadStats, OpError>> + Send {
        async {
            Err(OpError::new(
                ErrorKind::Driver,
                "this driver has no load phase",
            ))
        }
    }

    /// Untimed work after each repetition (hyperfine's `--cleanup`).
    fn cleanup(&self) -> impl Future<Output = Result<(), OpError>> + Send {
        async { Ok(()) }
    }
}

/// Last `max` bytes of `text`, cut at a character boundary.
#[must_use]
pub fn tail(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}
