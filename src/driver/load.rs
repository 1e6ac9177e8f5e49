//! The load phase as drivers see it: a plan, encoded batches, one shared send loop, and what
//! it measured. Each driver renders its own batches and provides a [`LoadSink`].

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::driver::OpError;
use super::http::{self, LoadHttp};
use super::{postgres, redis};
use crate::dataset::{Dataset, RowKind};
use crate::util::new_histogram;

/// `[[target.ingest]]`: the load phase, bulk-writing a dataset into the target before the
/// operations run. Measured on its own: rows per second and, with `after`, the index build.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[schemars(rename = "Ingest")]
pub struct LoadPhaseTable {
    /// Which rows: `vectors` (`id`, `vector`), `edges` (`from`, `to`) or `keys` (`key`, `value`).
    pub rows: RowsName,
    /// Rows per request (HTTP) or per pipeline flush (Redis); default 500.
    pub batch: Option<u32>,
    /// PostgreSQL: a `COPY … FROM STDIN` statement; rows are sent in text format, fields in
    /// the order above, tab-separated.
    pub copy: Option<String>,
    /// HTTP: one request per batch; `{{ids}}`, `{{int-ids}}`, `{{vectors}}`, `{{keys}}`,
    /// `{{values}}`, `{{edges}}` and `{{rows}}` (one object per row) are JSON arrays of the
    /// batch's rows.
    pub http: Option<LoadHttp>,
    /// Redis: one command per row, `{{id}}`, `{{vector}}`, `{{from}}`, `{{to}}`, `{{key}}`,
    /// `{{value}}` filled in; pipelined `batch` at a time.
    pub redis: Option<Vec<String>>,
    /// PostgreSQL statements run after the rows (e.g. `CREATE INDEX`), timed as `index-build`.
    #[serde(default)]
    pub after: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RowsName {
    Vectors,
    Edges,
    Keys,
}

/// A target's load phase, checked: which rows, how many per batch, and how the driver sends them.
#[derive(Clone, Debug)]
pub struct LoadPhasePlan {
    pub rows: RowKind,
    pub batch: usize,
    pub via: LoadVia,
}

/// How a driver writes rows: one variant per driver with a load phase.
#[derive(Clone, Debug)]
pub enum LoadVia {
    /// PostgreSQL `COPY … FROM STDIN`, then the `after` statements.
    Copy(postgres::LoadPlan),
    /// One HTTP request per batch.
    Http(http::LoadPlan),
    /// Pipelined Redis commands, one per row.
    Redis(redis::LoadPlan),
}

impl LoadPhasePlan {
    /// Renders rows `range` as one batch in the driver's encoding.
    #[must_use]
    pub fn render(
        &self,
        data: &Dataset,
        range: std::ops::Range<u64>,
        scratch: &mut Vec<f32>,
    ) -> Batch {
        let kind = self.rows;
        match &self.via {
            LoadVia::Copy(_) => postgres::render_batch(kind, data, range, scratch),
            LoadVia::Http(h) => h.render_batch(kind, data, range, scratch),
            LoadVia::Redis(r) => r.render_batch(kind, data, range, scratch),
        }
    }
}

/// One unit of the load phase, already encoded for the target's protocol: `COPY` text
/// (PostgreSQL), a request body (HTTP) or pipelined commands (Redis).
#[derive(Clone, Debug)]
pub struct Batch {
    /// Rows (Redis: commands) in this batch.
    pub rows: u64,
    /// HTTP only: the request path.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Receives the batches of the load phase, in order.
pub type Batches = tokio::sync::mpsc::Receiver<Batch>;

/// What the load phase measured.
#[derive(Debug)]
pub struct LoadStats {
    pub rows: u64,
    /// Time to send every batch (and have it acknowledged).
    pub elapsed: Duration,
    /// Round trip of each batch, in nanoseconds (COPY: the time to hand it to the server).
    pub batches: Histogram<u64>,
    /// PostgreSQL `after` statements (index build).
    pub index: Option<Duration>,
}

/// Where a driver's batches go.
pub trait LoadSink: Send {
    /// Sends one batch and waits until the target acknowledged it (or took it, for a stream).
    fn send(&mut self, batch: Batch) -> impl Future<Output = Result<(), OpError>> + Send;
    /// Ends the load after `sent` rows; a target that reports what it wrote checks the count.
    fn finish(self, sent: u64) -> impl Future<Output = Result<(), OpError>> + Send;
}

/// The one send loop of every load phase: each batch timed into a histogram, rows counted
/// into `done`, then the sink finished (a target that reports its row count checks it).
///
/// # Errors
/// The first batch the target refused, or a row count that does not match.
pub async fn run_load<S: LoadSink>(
    mut sink: S,
    mut batches: Batches,
    done: &AtomicU64,
) -> Result<LoadStats, OpError> {
    let mut hist = new_histogram();
    let start = Instant::now();
    let mut rows = 0;
    while let Some(b) = batches.recv().await {
        let t = Instant::now();
        let n = b.rows;
        sink.send(b).await?;
        hist.saturating_record(
            u64::try_from(t.elapsed().as_nanos())
                .unwrap_or(u64::MAX)
                .max(1),
        );
        rows += n;
        done.fetch_add(n, Ordering::Relaxed);
    }
    sink.finish(rows).await?;
    Ok(LoadStats {
        rows,
        elapsed: start.elapsed(),
        batches: hist,
        index: None,
    })
}

impl LoadPhasePlan {
    /// The plan with run-time placeholders (ports, captures) filled into request headers.
    #[must_use]
    pub fn filled(&self, vars: &super::vars::Vars) -> Self {
        let mut plan = self.clone();
        if let LoadVia::Http(h) = &mut plan.via {
            for (_, v) in &mut h.headers {
                *v = vars.fill(v);
            }
        }
        plan
    }

    /// The plan split for shards: the rows alone, and the statements run after them (the
    /// index build, PostgreSQL only), which one shard runs once every shard's rows are in.
    #[must_use]
    pub fn split_after(&self) -> (Self, Vec<String>) {
        let mut rows = self.clone();
        let after = match &mut rows.via {
            LoadVia::Copy(p) => std::mem::take(&mut p.after),
            LoadVia::Http(_) | LoadVia::Redis(_) => Vec::new(),
        };
        (rows, after)
    }
}
