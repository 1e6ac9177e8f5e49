//! Run records: the versioned JSON every later stage reads.
//!
//! A record is written once per `benchbot run` of a scenario. Readers accept every
//! `format_version` up to [`FORMAT_VERSION`] and refuse newer ones instead of misreading them.
//! Unknown fields are ignored, so a record from a newer minor addition still reads.
//! A baseline is a run record saved under `baselines/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use hdrhistogram::Histogram;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub mod published;

use crate::scenario::{Kind, LoadMode, Metric, Role, Slo, StateMode};
pub use crate::system::Environment;
pub use crate::util::{decode_histogram, encode_histogram, new_histogram, write_atomic};

/// The record format this binary writes.
///
/// - 1: the first format.
/// - 2: adds `trigger` (what started the run). Version 1 records read as `trigger = null`.
/// - 3: adds `preflight`, per-target system `samples`, and the environment's governor, runner,
///   runner labels and compiler. Older records read with those empty.
/// - 4: adds per-repetition `recall` and `precision` of searches, and the load phase as the
///   operations `ingest` (rows per second) and `index-build`. Older records read without them.
pub const FORMAT_VERSION: u32 = 4;
/// The `format` field of every run record.
pub const FORMAT: &str = "benchbot.run-record";

/// Everything measured in one run of one scenario.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct RunRecord {
    /// Always `benchbot.run-record`.
    pub format: String,
    pub format_version: u32,
    pub benchbot_version: String,
    /// Unique id of the run: `YYYYMMDDTHHMMSSZ-xxxxxxxx`.
    pub run_id: String,
    /// True when the run was interrupted; such a record is never used as a baseline.
    #[serde(default)]
    pub incomplete: bool,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub git: Option<GitInfo>,
    /// What started the run: `pull_request`, `schedule`, `workflow_dispatch`, `push`, `local`…
    #[serde(default)]
    pub trigger: Option<String>,
    pub scenario: ScenarioInfo,
    pub load: LoadInfo,
    pub environment: Environment,
    /// The preflight checks taken before the run.
    #[serde(default)]
    pub preflight: Option<crate::system::preflight::PreflightReport>,
    pub targets: Vec<TargetRecord>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct GitInfo {
    pub sha: String,
    pub reference: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioInfo {
    pub name: String,
    pub kind: Kind,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub tier: Option<String>,
    pub mode: StateMode,
    pub seed: u64,
    /// SHA-256 of the scenario file.
    pub source_digest: String,
    /// SHA-256 of the first `sequence_ops` rendered operations.
    pub sequence_digest: String,
    pub sequence_ops: u64,
    pub thresholds: ThresholdsInfo,
    /// Ids of the published figures the scenario is compared with (`baselines/published.toml`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub published: Vec<String>,
    /// The scenario's datasets: sizes and the digest of their contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DatasetInfo>,
}

/// What a scenario's datasets were.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DatasetInfo {
    /// SHA-256 over the vectors and queries (see `docs/datasets.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vectors_digest: Option<String>,
    /// `count × dim`, distance, queries and ground-truth depth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vectors: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<String>,
}

impl DatasetInfo {
    /// `("vectors", "10000 × 128, …")`, then the graph and the keys, for those present.
    pub fn parts(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("vectors", &self.vectors),
            ("graph", &self.graph),
            ("keys", &self.keys),
        ]
        .into_iter()
        .filter_map(|(what, text)| text.as_deref().map(|t| (what, t)))
    }

    /// Describes `d`; computes the vector digest (a pass over the data) when asked.
    #[must_use]
    pub fn of(d: &crate::dataset::Dataset, digest: bool) -> Self {
        let access = |a: &crate::dataset::Access, skewed: &'static str| match a {
            crate::dataset::Access::Uniform => "uniform",
            crate::dataset::Access::Zipf(_) => skewed,
        };
        Self {
            vectors_digest: d
                .vectors
                .as_ref()
                .filter(|_| digest)
                .map(|v| v.digest().to_owned()),
            vectors: d.vectors.as_ref().map(|v| {
                format!(
                    "{} × {}, {}, {} queries, k = {}",
                    v.count(),
                    v.dim(),
                    v.distance.as_str(),
                    v.query_count(),
                    v.k
                )
            }),
            graph: d.graph.as_ref().map(|g| {
                format!(
                    "{} nodes, {} edges, {} targets",
                    g.nodes,
                    g.edges(),
                    access(&g.targets, "power-law")
                )
            }),
            keys: d.keys.as_ref().map(|k| {
                format!(
                    "{} keys, {} access, {}-byte values",
                    k.count,
                    access(&k.access, "zipfian"),
                    k.value_size
                )
            }),
        }
    }
}

/// The judging rules in force when the record was made.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ThresholdsInfo {
    pub regression: f64,
    pub warn: f64,
    pub latency_floor_ns: u64,
    pub throughput_floor: f64,
    pub error_rate_floor: f64,
    pub alpha: f64,
    /// Searches whose recall differs by more than this are not compared like for like.
    #[serde(default = "default_recall_margin")]
    pub recall_margin: f64,
    pub metrics: Vec<Metric>,
    #[serde(default)]
    pub slo: Vec<Slo>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct LoadInfo {
    pub mode: LoadMode,
    pub concurrency: u32,
    pub rate: Option<f64>,
    pub duration_ns: Option<u64>,
    pub operations: Option<u64>,
    pub warmup: Option<String>,
    pub repetitions: u32,
    pub cooldown_ns: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct TargetRecord {
    pub name: String,
    pub role: Role,
    /// `http` or `command`.
    pub driver: String,
    pub operations: Vec<OperationRecord>,
    /// System samples taken during the repetitions.
    #[serde(default)]
    pub samples: Vec<crate::system::sampler::Sample>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct OperationRecord {
    pub name: String,
    pub repetitions: Vec<Repetition>,
    /// Only these metrics are compared for this operation (ingested benchmarks: `mean` for
    /// times, `throughput` for rates). Absent: the scenario's metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<Metric>>,
    /// The tool's own mean, standard deviation and count, when it gave no raw samples
    /// (nanoseconds for times, operations per second for rates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<SummaryRecord>,
    /// Unit of an ingested value that is neither a time nor a rate (`B/op`, `MB`, `%`…): the
    /// value is stored in `latency.mean_ns` (lower is better) or `throughput` (higher is better).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// Summary statistics reported by a benchmark tool.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SummaryRecord {
    pub mean: f64,
    pub stdev: f64,
    pub n: u64,
}

/// One repetition of one operation against one target.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Repetition {
    pub index: u32,
    /// Measured wall time of the repetition.
    pub elapsed_ns: u64,
    /// Successful operations.
    pub count: u64,
    /// Failed operations by kind (`connect`, `timeout`, `http-4xx`, `http-5xx`, `http-status`, `io`, `exit-status`, `spawn`).
    #[serde(default)]
    pub errors: BTreeMap<String, u64>,
    /// The first message seen for each error kind.
    #[serde(default)]
    pub error_samples: BTreeMap<String, String>,
    /// Successful operations per second.
    pub throughput: f64,
    /// Open loop: the configured arrival rate of this operation's share.
    pub target_rate: Option<f64>,
    /// Operations started per second.
    pub achieved_rate: f64,
    /// Open loop: sends that started more than 1 ms after their intended time.
    #[serde(default)]
    pub late_sends: u64,
    /// Latency of successful operations. Open loop: from the intended send time
    /// (coordinated omission corrected). Closed loop: from the actual send.
    pub latency: Latency,
    /// Open loop only: from the actual send to the reply (uncorrected service time).
    pub service: Option<Latency>,
    /// Searches: mean recall@k of the successful operations against the exact ground truth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall: Option<f64>,
    /// Searches: mean share of returned ids that are among the true k nearest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<f64>,
}

/// Latency summary in nanoseconds, with the serialized histogram.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct Latency {
    pub min_ns: u64,
    pub p50_ns: u64,
    pub p90_ns: u64,
    pub p95_ns: u64,
    pub p99_ns: u64,
    pub p999_ns: u64,
    pub max_ns: u64,
    pub mean_ns: f64,
    pub stdev_ns: f64,
    /// HdrHistogram V2 + DEFLATE, base64: merge repetitions or runs by adding histograms.
    pub histogram: String,
}

/// Why a record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{}: cannot read", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: not a valid run record: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: written by a newer benchbot (format_version {found}, this binary reads up to {FORMAT_VERSION})\n  hint: upgrade benchbot to read it; it was left untouched", path.display())]
    TooNew { path: PathBuf, found: u64 },
    #[error("{}: `format` is {found:?}, expected \"{FORMAT}\"", path.display())]
    WrongFormat { path: PathBuf, found: String },
    #[error("histogram of {target}/{operation}: {message}")]
    Histogram {
        target: String,
        operation: String,
        message: String,
    },
}

impl RunRecord {
    /// Reads a record, refusing versions newer than this binary.
    ///
    /// # Errors
    /// [`RecordError`] naming the file and, for syntax or type errors, the line and column.
    pub fn read(path: &Path) -> Result<Self, RecordError> {
        let text = std::fs::read_to_string(path).map_err(|source| RecordError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json(path, &text)
    }

    /// Parses record text; `path` names it in errors.
    ///
    /// # Errors
    /// See [`RunRecord::read`].
    pub fn from_json(path: &Path, text: &str) -> Result<Self, RecordError> {
        #[derive(Deserialize)]
        struct Head {
            format: Option<String>,
            format_version: Option<u64>,
        }
        let parse_err = |e: &serde_json::Error| RecordError::Parse {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let head: Head = serde_json::from_str(text).map_err(|e| parse_err(&e))?;
        match head.format.as_deref() {
            Some(FORMAT) => {}
            other => {
                return Err(RecordError::WrongFormat {
                    path: path.to_owned(),
                    found: other.unwrap_or("(missing)").to_owned(),
                })
            }
        }
        if let Some(v) = head.format_version {
            if v > u64::from(FORMAT_VERSION) {
                return Err(RecordError::TooNew {
                    path: path.to_owned(),
                    found: v,
                });
            }
        }
        serde_json::from_str(text).map_err(|e| parse_err(&e))
    }

    /// Writes pretty JSON atomically (temporary file, then rename).
    ///
    /// # Errors
    /// I/O errors, with the path.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let json = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        write_atomic(path, format!("{json}\n").as_bytes())
    }

    /// The per-repetition values of `metric` for every (target, operation). Repetitions
    /// without a value (latency of a repetition where nothing succeeded) are left out.
    #[must_use]
    pub fn samples(&self, metric: Metric) -> Vec<Samples<'_>> {
        self.targets
            .iter()
            .flat_map(|t| {
                t.operations
                    .iter()
                    .filter(move |o| o.metrics.as_ref().is_none_or(|m| m.contains(&metric)))
                    .map(move |o| Samples {
                        target: &t.name,
                        role: t.role,
                        operation: &o.name,
                        values: o
                            .repetitions
                            .iter()
                            .map(|r| r.metric(metric))
                            .filter(|v| !v.is_nan())
                            .collect(),
                        summary: o
                            .summary
                            .filter(|_| {
                                o.repetitions.len() <= 1
                                    && matches!(metric, Metric::Mean | Metric::Throughput)
                            })
                            .map(|s| crate::stats::Summary {
                                mean: s.mean,
                                var: s.stdev * s.stdev,
                                n: usize::try_from(s.n).unwrap_or(usize::MAX),
                            }),
                        unit: o.unit.as_deref(),
                    })
            })
            // Recall and precision exist for searches only.
            .filter(|s| {
                !(metric.is_fraction() && metric != Metric::ErrorRate && s.values.is_empty())
            })
            .collect()
    }
}

/// The values of one metric over the repetitions of one (target, operation).
#[derive(Clone, Debug, PartialEq)]
pub struct Samples<'a> {
    pub target: &'a str,
    pub role: Role,
    pub operation: &'a str,
    pub values: Vec<f64>,
    /// Summary statistics from the tool, used instead of `values` when it gave no samples.
    pub summary: Option<crate::stats::Summary>,
    /// Unit of an ingested value that is neither a time nor a rate.
    pub unit: Option<&'a str>,
}

impl Repetition {
    /// Errors of every kind.
    #[must_use]
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// The value of `metric`: latencies in nanoseconds, throughput in operations per second,
    /// error rate as a fraction of all attempts. Latencies are `NaN` when nothing succeeded.
    #[must_use]
    #[expect(
        clippy::cast_precision_loss,
        reason = "nanosecond latencies and counts fit f64 well enough"
    )]
    pub fn metric(&self, metric: Metric) -> f64 {
        let l = &self.latency;
        if self.count == 0 && metric.is_latency() {
            return f64::NAN;
        }
        match metric {
            Metric::P50 => l.p50_ns as f64,
            Metric::P90 => l.p90_ns as f64,
            Metric::P95 => l.p95_ns as f64,
            Metric::P99 => l.p99_ns as f64,
            Metric::P999 => l.p999_ns as f64,
            Metric::Max => l.max_ns as f64,
            Metric::Mean => l.mean_ns,
            Metric::Throughput => self.throughput,
            Metric::Recall => self.recall.unwrap_or(f64::NAN),
            Metric::Precision => self.precision.unwrap_or(f64::NAN),
            Metric::ErrorRate => {
                let errors = self.error_count();
                let total = self.count + errors;
                if total == 0 {
                    0.0
                } else {
                    errors as f64 / total as f64
                }
            }
        }
    }
}

impl Latency {
    /// Summarises and serializes a histogram of nanoseconds.
    #[must_use]
    pub fn from_histogram(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return Self {
                histogram: encode_histogram(h),
                ..Self::default()
            };
        }
        Self {
            min_ns: h.min(),
            p50_ns: h.value_at_quantile(0.50),
            p90_ns: h.value_at_quantile(0.90),
            p95_ns: h.value_at_quantile(0.95),
            p99_ns: h.value_at_quantile(0.99),
            p999_ns: h.value_at_quantile(0.999),
            max_ns: h.max(),
            mean_ns: h.mean(),
            stdev_ns: h.stdev(),
            histogram: encode_histogram(h),
        }
    }

    /// The histogram back from its serialized form.
    ///
    /// # Errors
    /// A message when the text is not base64 of a V2 histogram.
    pub fn histogram(&self) -> Result<Histogram<u64>, String> {
        decode_histogram(&self.histogram)
    }
}

/// Several runs of one scenario as one baseline: the repetitions of each (target, operation)
/// are pooled, so the statistics see every run's repetitions as samples. The pooled record
/// takes its metadata from the first run and `run_id` from `label` and the pooled run ids.
///
/// # Panics
/// Never: `records` must not be empty, which callers guarantee.
#[must_use]
pub fn pool(records: &[&RunRecord], label: &str) -> RunRecord {
    let mut out = records[0].clone();
    out.run_id = format!(
        "{label} ({} run{}: {})",
        records.len(),
        if records.len() == 1 { "" } else { "s" },
        records
            .iter()
            .map(|r| r.run_id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for r in &records[1..] {
        for t in &r.targets {
            // Summaries cannot be pooled with samples: pooling keeps raw repetitions only.
            let Some(ot) = out.targets.iter_mut().find(|o| o.name == t.name) else {
                continue;
            };
            for op in &t.operations {
                if let Some(oo) = ot.operations.iter_mut().find(|o| o.name == op.name) {
                    oo.repetitions.extend(op.repetitions.iter().cloned());
                }
            }
        }
    }
    out
}

fn default_recall_margin() -> f64 {
    0.02
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_round_trip_and_merge() {
        let mut a = new_histogram();
        let mut b = new_histogram();
        for v in 1..=1000u64 {
            a.record(v * 1000).unwrap();
            b.record(v * 2000).unwrap();
        }
        let a2 = decode_histogram(&encode_histogram(&a)).unwrap();
        assert_eq!(a2.len(), 1000);
        assert_eq!(a2.value_at_quantile(0.5), a.value_at_quantile(0.5));
        let mut merged = a2;
        merged
            .add(decode_histogram(&encode_histogram(&b)).unwrap())
            .unwrap();
        assert_eq!(merged.len(), 2000);
        assert!(merged.max() >= 1_999_000);
    }

    #[test]
    fn newer_versions_are_refused_not_misread() {
        let text = r#"{"format":"benchbot.run-record","format_version":99,"whatever":true}"#;
        let err = RunRecord::from_json(Path::new("r.json"), text).unwrap_err();
        assert!(
            matches!(err, RecordError::TooNew { found: 99, .. }),
            "{err}"
        );
        let err = RunRecord::from_json(
            Path::new("r.json"),
            "{\"format\": \"benchbot.run-record\",\n \"format_version\": 1, \"run_id\": 5}",
        )
        .unwrap_err();
        assert!(matches!(err, RecordError::Parse { line: 2, .. }), "{err}");
        let err = RunRecord::from_json(Path::new("r.json"), "[1, 2").unwrap_err();
        assert!(matches!(err, RecordError::Parse { .. }), "{err}");
    }
}
