//! A scenario's datasets, the kinds of rows they provide, and estimates for dry runs.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::error::DatasetError;
use super::{truth, Graph, Keys, Truth, Vectors};

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
            (RowKind::Vectors | RowKind::Keys, 0) => {
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
