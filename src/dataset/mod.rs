//! Deterministic datasets from a seed (`[dataset.vectors]`, `[dataset.graph]`,
//! `[dataset.keys]`), vectors read from files, and exact ground truth for recall.
//!
//! Every generator is random access: row `i` is a function of the seed and `i` only, so a
//! dataset is the same on every machine and thread count, and datasets larger than memory
//! stream through ingest and ground truth. The algorithms are in `docs/datasets.md`.

pub mod files;
pub mod graph;
pub mod truth;
pub mod vectors;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub use graph::{Access, Graph, Keys};
pub use truth::Truth;
pub use vectors::{Distance, Synthetic, Vectors};

/// A dataset file that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
pub struct DatasetError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl DatasetError {
    pub fn new(path: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for DatasetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Runs `work(c)` for `c` in `0..chunks` on every core; results come back in chunk order.
pub fn parallel_chunks<T: Send>(chunks: u64, work: impl Fn(u64) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(usize::try_from(chunks).unwrap_or(usize::MAX))
        .max(1);
    let next = std::sync::atomic::AtomicU64::new(0);
    let mut out: Vec<(u64, T)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let c = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if c >= chunks {
                            break mine;
                        }
                        mine.push((c, work(c)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    out.sort_unstable_by_key(|(c, _)| *c);
    out.into_iter().map(|(_, t)| t).collect()
}

/// The datasets of one scenario.
#[derive(Debug, Default)]
pub struct Dataset {
    pub vectors: Option<Vectors>,
    pub graph: Option<Graph>,
    pub keys: Option<Keys>,
    truth: OnceLock<Arc<Truth>>,
}

/// Which rows an ingest writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// `id`, `vector`.
    Vectors,
    /// `from`, `to`.
    Edges,
    /// `key`, `value`.
    Keys,
}

impl RowKind {
    /// `vectors`, `edges` or `keys`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            RowKind::Vectors => "vectors",
            RowKind::Edges => "edges",
            RowKind::Keys => "keys",
        }
    }

    /// One row in PostgreSQL `COPY` text format: the fields, written by `field(f, out)`,
    /// tab-separated, then a newline.
    pub fn copy_row(self, out: &mut String, mut field: impl FnMut(usize, &mut String)) {
        for f in 0..self.fields().len() {
            if f > 0 {
                out.push('\t');
            }
            field(f, out);
        }
        out.push('\n');
    }

    /// One row as a JSON object, `{"id":0,"vector":[…]}`, `{"key":"0","value":"…"}` or
    /// `{"from":0,"to":7}`; fields written by `field(f, out)` (keys and values quoted).
    pub fn json_row(self, out: &mut String, mut field: impl FnMut(usize, &mut String)) {
        let q = if self == RowKind::Keys { "\"" } else { "" };
        out.push('{');
        for (f, name) in self.fields().iter().enumerate() {
            if f > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(name);
            out.push_str("\":");
            out.push_str(q);
            field(f, out);
            out.push_str(q);
        }
        out.push('}');
    }

    /// The fields a row of this kind offers to ingest templates.
    #[must_use]
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            RowKind::Vectors => &["id", "vector"],
            RowKind::Edges => &["from", "to"],
            RowKind::Keys => &["key", "value"],
        }
    }
}

impl Dataset {
    #[must_use]
    pub fn new(vectors: Option<Vectors>, graph: Option<Graph>, keys: Option<Keys>) -> Self {
        Self {
            vectors,
            graph,
            keys,
            truth: OnceLock::new(),
        }
    }

    /// Number of rows of `kind`.
    #[must_use]
    pub fn rows(&self, kind: RowKind) -> u64 {
        match kind {
            RowKind::Vectors => self.vectors.as_ref().map_or(0, Vectors::count),
            RowKind::Edges => self.graph.as_ref().map_or(0, Graph::edges),
            RowKind::Keys => self.keys.as_ref().map_or(0, |k| k.count),
        }
    }

    /// Appends field `field` (an index into [`RowKind::fields`]) of row `i` to `out`.
    /// `scratch` is reused between calls.
    pub fn write_field(
        &self,
        kind: RowKind,
        i: u64,
        field: usize,
        scratch: &mut Vec<f32>,
        out: &mut String,
    ) {
        use std::fmt::Write as _;
        match (kind, field) {
            (RowKind::Vectors, 0) | (RowKind::Keys, 0) => {
                let _ = write!(out, "{i}");
            }
            (RowKind::Vectors, _) => {
                if let Some(v) = &self.vectors {
                    scratch.resize(v.dim(), 0.0);
                    v.row(i, scratch);
                    Vectors::write_json(scratch, out);
                }
            }
            (RowKind::Edges, f) => {
                if let Some(g) = &self.graph {
                    let (a, b) = g.edge(i);
                    let _ = write!(out, "{}", if f == 0 { a } else { b });
                }
            }
            (RowKind::Keys, _) => {
                if let Some(k) = &self.keys {
                    k.value(i, out);
                }
            }
        }
    }

    /// The ground truth, once [`Dataset::prepare_truth`] ran.
    #[must_use]
    pub fn truth(&self) -> Option<&Truth> {
        self.truth.get().map(AsRef::as_ref)
    }

    /// Computes (or reads from `cache_dir`) the exact nearest neighbours of every query.
    /// Returns whether the cache was used. A no-op without vectors or when already done.
    ///
    /// # Errors
    /// When the cache cannot be written.
    pub fn prepare_truth(&self, cache_dir: &Path) -> Result<Option<bool>, DatasetError> {
        let Some(v) = &self.vectors else {
            return Ok(None);
        };
        if self.truth.get().is_some() {
            return Ok(Some(true));
        }
        let (t, hit) = truth::cached(cache_dir, v)?;
        let _ = self.truth.set(Arc::new(t));
        Ok(Some(hit))
    }

    /// Bytes held in memory by the datasets (without the ground truth).
    #[must_use]
    pub fn resident_bytes(&self) -> u64 {
        self.vectors.as_ref().map_or(0, Vectors::resident_bytes)
    }
}

/// What a dataset will cost, measured on a sample on this machine (`run --dry-run`).
#[derive(Clone, Debug)]
pub struct Estimate {
    /// Bytes of the vectors as `f32` (what a target stores at least, before its index).
    pub vector_bytes: u64,
    /// Bytes benchbot holds: queries, centroids or file rows, and the ground truth.
    pub resident_bytes: u64,
    /// Brute-force ground truth on every core of this machine.
    pub truth: Option<std::time::Duration>,
    /// Vectors generated per second on one core (the load phase's producer).
    pub rows_per_sec: Option<f64>,
}

impl Dataset {
    /// Times a sample of generation and distance computations and extrapolates.
    #[must_use]
    #[expect(clippy::cast_precision_loss, reason = "estimates")]
    pub fn estimate(&self) -> Estimate {
        let Some(v) = &self.vectors else {
            return Estimate {
                vector_bytes: 0,
                resident_bytes: 0,
                truth: None,
                rows_per_sec: None,
            };
        };
        let rows = v.count().min(2000);
        let mut row = vec![0f32; v.dim()];
        let t = std::time::Instant::now();
        for i in 0..rows {
            v.row(i, &mut row);
        }
        let gen = t.elapsed().as_secs_f64().max(1e-9) / rows as f64;
        // Brute force itself on 512 rows (eight blocks), every query: the same code path.
        let truth = truth::estimate(v, 512);
        Estimate {
            vector_bytes: v.count() * v.dim() as u64 * 4,
            resident_bytes: v.resident_bytes() + (v.query_count() * v.k * 8) as u64,
            truth: Some(truth),
            rows_per_sec: Some(1.0 / gen),
        }
    }
}

/// Recall@k and precision of `returned` against the true nearest `truth` (at least `k` long).
///
/// Recall@k: the share of the true `k` nearest found among the first `k` returned.
/// Precision: the share of everything returned that is among the true `k` nearest.
#[must_use]
pub fn recall_precision(returned: &[u64], truth: &[u64], k: usize) -> (f64, f64) {
    let truth = &truth[..k.min(truth.len())];
    let hit = |id: &u64| truth.contains(id);
    let found = returned.iter().take(k).filter(|id| hit(id)).count();
    let relevant = returned.iter().filter(|id| hit(id)).count();
    #[expect(clippy::cast_precision_loss, reason = "k is small")]
    let recall = found as f64 / truth.len().max(1) as f64;
    #[expect(clippy::cast_precision_loss, reason = "result lists are small")]
    let precision = if returned.is_empty() {
        0.0
    } else {
        relevant as f64 / returned.len() as f64
    };
    (recall, precision)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recall_and_precision_count_what_they_should() {
        let truth = [1, 2, 3, 4];
        assert_eq!(recall_precision(&[1, 2, 3, 4], &truth, 4), (1.0, 1.0));
        assert_eq!(recall_precision(&[4, 3, 9, 8], &truth, 4), (0.5, 0.5));
        // Two results only: recall counts the misses, precision does not.
        assert_eq!(recall_precision(&[1, 2], &truth, 4), (0.5, 1.0));
        assert_eq!(recall_precision(&[], &truth, 4), (0.0, 0.0));
    }

    #[test]
    fn parallel_chunks_keeps_chunk_order() {
        let v = parallel_chunks(100, |c| c * 2);
        assert_eq!(v, (0..100).map(|c| c * 2).collect::<Vec<_>>());
    }
}
