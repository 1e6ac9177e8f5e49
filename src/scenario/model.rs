//! The scenario file format, version 1, as written by users (`scenarios/*.toml`).
//!
//! These types mirror the TOML one to one; [`super::Scenario::from_source`] turns them into a checked
//! [`super::Scenario`]. Every table denies unknown keys, so a typo is an error at its line.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::driver::command::{CommandOperation, CommandTarget};
use crate::driver::http::{HttpOperation, HttpTarget};
use crate::driver::postgres::{PostgresOperation, PostgresTarget};
use crate::driver::redis::{RedisOperation, RedisTarget};
use crate::driver::service::ServiceTable;
use crate::driver::LoadPhaseTable;
use crate::util::{Bytes, Dur, Name, Percent};

/// A whole scenario file.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ScenarioFile {
    /// What the scenario is and how it is judged.
    pub scenario: Meta,
    /// The systems under test; at least one with `role = "ours"`.
    #[serde(rename = "target")]
    pub targets: Vec<Target>,
    /// The operation mix. Without any, a `command` target runs its command as one operation named `run`.
    #[serde(rename = "operation", default)]
    pub operations: Vec<Operation>,
    /// Named value generators, used as `{{name}}` in templates (one value per operation).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// How load is applied.
    #[serde(default)]
    pub load: Load,
    /// What counts as a regression.
    #[serde(default)]
    pub thresholds: Thresholds,
    /// Seeded datasets (vectors with ground truth, a graph, a key space) the operations draw
    /// from and targets ingest.
    pub dataset: Option<DatasetTable>,
    /// How `benchbot ab` builds each source tree before measuring it.
    pub build: Option<BuildTable>,
    /// Measure at several load levels (a capacity curve), or search for the highest load
    /// within the objectives.
    pub sweep: Option<SweepTable>,
}

/// `[sweep]`: the load levels of a capacity curve.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SweepTable {
    /// `rate` (open loop) or `concurrency` (closed loop).
    pub over: SweepOver,
    /// The levels, in order. Or give `from`, `to` and `steps`.
    #[serde(default)]
    pub values: Vec<f64>,
    pub from: Option<f64>,
    pub to: Option<f64>,
    /// Levels from `from` to `to`, both included (default 6).
    pub steps: Option<u32>,
    /// `linear` (default) or `geometric` spacing.
    #[serde(default)]
    pub scale: SweepScale,
    /// Search between `from` and `to` for the highest level within the scenario's objectives
    /// (`[[thresholds.slo]]`), halving the bracket until it is within `precision`.
    #[serde(default)]
    pub search: bool,
    /// The search stops when the bracket is this narrow (default 5%).
    pub precision: Option<Percent>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SweepOver {
    Rate,
    Concurrency,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SweepScale {
    #[default]
    Linear,
    Geometric,
}

/// `[build]`: the command that builds a source tree, run with `sh -c` at the tree's top
/// level (e.g. `cargo build --release`); scenarios refer to the build as `{{tree}}/…`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BuildTable {
    pub command: String,
}

/// The `[dataset]` table: any of its three parts.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DatasetTable {
    pub vectors: Option<VectorsTable>,
    pub graph: Option<GraphTable>,
    pub keys: Option<KeysTable>,
}

/// `[dataset.vectors]`: clustered vectors generated from the seed, or read from files.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct VectorsTable {
    /// Number of base vectors (generated data).
    pub count: Option<u64>,
    /// Dimension (generated data).
    pub dim: Option<u32>,
    /// Number of seeded centroids the vectors cluster around (default 16).
    pub clusters: Option<u32>,
    /// Standard deviation of each component around its centroid (default 0.1).
    pub spread: Option<f64>,
    /// Scale every vector to unit length.
    #[serde(default)]
    pub normalize: bool,
    /// `l2` (default), `cosine` or `ip` (inner product): what "nearest" means for the ground truth.
    pub distance: Option<DistanceName>,
    /// Number of query vectors (default 1000; generated data).
    pub queries: Option<u32>,
    /// Ground-truth depth: nearest neighbours computed per query (default 10).
    pub k: Option<u32>,
    /// Base vectors from a file (`.fvecs`, `.npy`, `.csv`, `.jsonl`), relative to the scenario.
    pub file: Option<String>,
    /// Query vectors from a file; required with `file`.
    pub query_file: Option<String>,
    /// JSON Lines: the field holding each vector when lines are objects (default `vector`).
    pub json_field: Option<String>,
    /// Seed of this dataset (default: the scenario's).
    pub seed: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DistanceName {
    L2,
    Cosine,
    Ip,
}

/// `[dataset.graph]`: a seeded directed graph.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct GraphTable {
    pub nodes: u64,
    /// Out-edges per node (default 8).
    pub degree: Option<u32>,
    /// `uniform` (default) or `power-law` in-degrees.
    pub distribution: Option<GraphDistribution>,
    /// Skew of a power-law graph, in (0, 1) (default 0.9).
    pub theta: Option<f64>,
    pub seed: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GraphDistribution {
    Uniform,
    PowerLaw,
}

/// `[dataset.keys]`: a key space with uniform or zipfian access.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct KeysTable {
    pub count: u64,
    /// `uniform` (default) or `zipf`.
    pub access: Option<KeyAccess>,
    /// Zipf skew in (0, 1) (default 0.99, YCSB's).
    pub theta: Option<f64>,
    /// Bytes of each value written by an ingest (default 100).
    pub value_size: Option<u32>,
    pub seed: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum KeyAccess {
    Uniform,
    Zipf,
}

/// The `[scenario]` table.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Meta {
    /// Unique name; used in file paths and reports.
    pub name: Name,
    /// `internal` (our system against its own history) or `competitive` (against other systems).
    pub kind: Kind,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<Name>,
    /// Free-form size class, e.g. `small`, `medium`.
    pub tier: Option<Name>,
    /// `warm` (default): one target state for all repetitions; `cold`: a fresh managed service per repetition.
    #[serde(default)]
    pub mode: StateMode,
    /// Seed of the operation sequence (default 1).
    pub seed: Option<u64>,
    /// Memory the scenario needs free, e.g. `"2GiB"` (checked by preflight).
    pub memory: Option<Bytes>,
    /// Ids of figures in `baselines/published.toml` this scenario is set beside (competitive
    /// reviews show ours against them, as ratios).
    #[serde(default)]
    pub published: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Internal,
    Competitive,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Internal => "internal",
            Kind::Competitive => "competitive",
        })
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StateMode {
    #[default]
    Warm,
    Cold,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Ours,
    Competitor,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Ours => "ours",
            Role::Competitor => "competitor",
        })
    }
}

/// One `[[target]]`: exactly one driver table (`http` or `command`), optionally a managed `service`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Target {
    pub name: Name,
    pub role: Role,
    #[serde(default)]
    pub description: String,
    pub http: Option<HttpTarget>,
    pub command: Option<CommandTarget>,
    pub postgres: Option<PostgresTarget>,
    pub redis: Option<RedisTarget>,
    pub service: Option<ServiceTable>,
    /// The load phase: datasets written into the target before the operations run, in order
    /// (`[[target.ingest]]`, e.g. vectors then edges for a hybrid workload).
    #[serde(default, rename = "ingest")]
    pub load_phases: Vec<LoadPhaseTable>,
}

/// One `[[operation]]` of the mix.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Operation {
    pub name: Name,
    /// Relative frequency in the mix (default 1).
    pub weight: Option<u32>,
    /// Run once by every virtual user (worker) when it starts, before its share of the mix,
    /// and never in the mix: a login whose token later requests use as `{{vu.token}}`. Only its
    /// error rate is compared (a handful of samples per repetition say little of latency).
    #[serde(default)]
    pub first: bool,
    pub http: Option<HttpOperation>,
    pub command: Option<CommandOperation>,
    pub postgres: Option<PostgresOperation>,
    pub redis: Option<RedisOperation>,
    /// A search: compare the returned ids with the `recall` nearest true neighbours of the
    /// operation's `{{vectors.query}}` (recall@k and precision). PostgreSQL: the first column of the
    /// rows; HTTP: the array at `ids` in the JSON response.
    pub recall: Option<u32>,
    /// A traversal whose answer is checked against `[dataset.graph]` from the operation's
    /// first `{{graph.node}}`: `out-neighbours` (the returned ids, as a multiset, are its
    /// out-edges' ends) or `two-hop-count` (the returned number is how many distinct nodes are
    /// reachable in one or two hops). A wrong answer counts as a `driver` error.
    pub verify: Option<Verify>,
}

/// What a traversal's answer must equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verify {
    OutNeighbours,
    TwoHopCount,
}

/// The `[load]` table.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Load {
    /// `closed` (default): `concurrency` workers each wait for a reply before the next request.
    /// `open`: requests are due at a constant `rate`, whether or not replies came back.
    #[serde(default)]
    pub mode: LoadMode,
    /// Closed: number of workers. Open: maximum requests in flight (connections). Default 1.
    pub concurrency: Option<u32>,
    /// Open mode only: operations per second.
    pub rate: Option<f64>,
    /// How long each repetition measures. Give this or `operations`.
    pub duration: Option<Dur>,
    /// How many operations each repetition measures. Give this or `duration`.
    pub operations: Option<u64>,
    /// Excluded from measurement: a duration (`"2s"`) or a number of operations.
    pub warmup: Option<Warmup>,
    /// Default 3; fewer gives a low-confidence verdict.
    pub repetitions: Option<u32>,
    /// Pause between repetitions and between targets.
    pub cooldown: Option<Dur>,
    /// A load profile instead of one level: stages run one after another in each repetition.
    /// Open loop: `{ duration = "30s", rate = 1000 }`, a ramp `{ duration = "30s", rate =
    /// 1000, to = 7000 }`; closed loop: `{ duration = "1m", concurrency = 8 }`.
    #[serde(default)]
    pub stages: Vec<StageTable>,
    /// The width of one point of the time series kept per repetition (default: 1 s, or the
    /// repetition's duration ÷ 300 when longer, so a record stays small).
    pub interval: Option<Dur>,
}

/// One stage of a load profile.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct StageTable {
    pub duration: Dur,
    /// Open loop: operations per second at the stage's start.
    pub rate: Option<f64>,
    /// Open loop: the rate at the stage's end (a linear ramp from `rate`).
    pub to: Option<f64>,
    /// Closed loop: workers during the stage.
    pub concurrency: Option<u32>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LoadMode {
    #[default]
    Closed,
    Open,
}

impl fmt::Display for LoadMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LoadMode::Closed => "closed",
            LoadMode::Open => "open",
        })
    }
}

/// Warmup as a duration or a count of operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Warmup {
    Duration(Dur),
    Operations(u64),
}

impl<'de> Deserialize<'de> for Warmup {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Warmup;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"2s\" or a number of operations")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Warmup, E> {
                Dur::parse(s).map(Warmup::Duration).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Warmup, E> {
                Ok(Warmup::Operations(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Warmup, E> {
                u64::try_from(n)
                    .map(Warmup::Operations)
                    .map_err(|_| E::custom("warmup operations cannot be negative"))
            }
        }
        d.deserialize_any(V)
    }
}

/// The `[thresholds]` table.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Thresholds {
    /// A significant change worse than this fails (default 5% internal, 10% competitive).
    pub regression: Option<Percent>,
    /// A significant change worse than this warns (default half of `regression`).
    pub warn: Option<Percent>,
    /// Latency changes smaller than this are noise, whatever the statistics say (default `50us`).
    pub latency_floor: Option<Dur>,
    /// Throughput changes smaller than this many operations per second are noise (default 1).
    pub throughput_floor: Option<f64>,
    /// Error-rate changes smaller than this are noise (default 0.1%).
    pub error_rate_floor: Option<Percent>,
    /// Competitive comparisons of searches whose recall differs by more than this are
    /// flagged as not like for like (default 2%, in recall points).
    pub recall_margin: Option<Percent>,
    /// Significance level of the Welch t-test (default 0.05).
    pub alpha: Option<f64>,
    /// Metrics compared against the baseline (default p50, p99, mean, throughput, error-rate).
    pub metrics: Option<Vec<Metric>>,
    /// Of the compared metrics, those whose regression fails the run (default: all of them);
    /// the others are shown only. The false-alarm rate is controlled across the gating rows
    /// of a scenario (Holm–Bonferroni).
    pub gate: Option<Vec<Metric>>,
    /// Absolute objectives, checked on every run whether or not a baseline exists.
    #[serde(default)]
    pub slo: Vec<Slo>,
}

/// An absolute objective such as `{ metric = "p99", max = "20ms" }`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Slo {
    pub metric: Metric,
    /// Only this operation (default: every operation of every `ours` target).
    pub operation: Option<Name>,
    /// Upper bound: a duration for latencies, a percentage for `error-rate`.
    pub max: Option<SloValue>,
    /// Lower bound: operations per second for `throughput`.
    pub min: Option<SloValue>,
}

/// A bound of an objective: a duration, a percentage or a plain number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SloValue {
    Duration(Dur),
    Percent(Percent),
    Number(f64),
}

impl<'de> Deserialize<'de> for SloValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SloValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration (\"20ms\"), a percentage (\"1%\") or a number")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<SloValue, E> {
                if s.trim_end().ends_with('%') {
                    Percent::parse(s).map(SloValue::Percent).map_err(E::custom)
                } else {
                    Dur::parse(s).map(SloValue::Duration).map_err(E::custom)
                }
            }
            fn visit_f64<E: serde::de::Error>(self, f: f64) -> Result<SloValue, E> {
                Ok(SloValue::Number(f))
            }
            #[expect(clippy::cast_precision_loss, reason = "bounds are far below 2^53")]
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<SloValue, E> {
                Ok(SloValue::Number(n as f64))
            }
            #[expect(clippy::cast_precision_loss, reason = "bounds are far below 2^53")]
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<SloValue, E> {
                Ok(SloValue::Number(n as f64))
            }
        }
        d.deserialize_any(V)
    }
}

/// A metric of one (target, operation) that can be compared or bounded.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
pub enum Metric {
    #[serde(rename = "p50")]
    P50,
    #[serde(rename = "p90")]
    P90,
    #[serde(rename = "p95")]
    P95,
    #[serde(rename = "p99")]
    P99,
    #[serde(rename = "p99.9")]
    P999,
    #[serde(rename = "max")]
    Max,
    #[serde(rename = "mean")]
    Mean,
    #[serde(rename = "throughput")]
    Throughput,
    #[serde(rename = "error-rate")]
    ErrorRate,
    /// Recall@k of a search (`recall` operations only).
    #[serde(rename = "recall")]
    Recall,
    /// Share of returned ids that are true neighbours (`recall` operations only).
    #[serde(rename = "precision")]
    Precision,
}

impl Metric {
    pub const DEFAULT_COMPARED: [Metric; 5] = [
        Metric::P50,
        Metric::P99,
        Metric::Mean,
        Metric::Throughput,
        Metric::ErrorRate,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::P50 => "p50",
            Metric::P90 => "p90",
            Metric::P95 => "p95",
            Metric::P99 => "p99",
            Metric::P999 => "p99.9",
            Metric::Max => "max",
            Metric::Mean => "mean",
            Metric::Throughput => "throughput",
            Metric::ErrorRate => "error-rate",
            Metric::Recall => "recall",
            Metric::Precision => "precision",
        }
    }

    /// Whether a larger value is better (throughput) or worse (latencies, errors).
    #[must_use]
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Metric::Throughput | Metric::Recall | Metric::Precision
        )
    }

    /// A share in `[0, 1]` compared in absolute points (error rate, recall, precision).
    #[must_use]
    pub fn is_fraction(self) -> bool {
        matches!(self, Metric::ErrorRate | Metric::Recall | Metric::Precision)
    }

    #[must_use]
    pub fn is_latency(self) -> bool {
        !matches!(
            self,
            Metric::Throughput | Metric::ErrorRate | Metric::Recall | Metric::Precision
        )
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Warmup {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Warmup::Duration(d) => d.serialize(s),
            Warmup::Operations(n) => s.serialize_u64(*n),
        }
    }
}

impl JsonSchema for Warmup {
    fn schema_name() -> Cow<'static, str> {
        "Warmup".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [g.subschema_for::<Dur>(), {"type": "integer", "minimum": 0}],
            "description": "a duration such as \"2s\", or a number of operations"
        })
    }
}

impl Serialize for SloValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SloValue::Duration(d) => d.serialize(s),
            SloValue::Percent(p) => p.serialize(s),
            SloValue::Number(n) => s.serialize_f64(*n),
        }
    }
}

impl JsonSchema for SloValue {
    fn schema_name() -> Cow<'static, str> {
        "SloValue".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [g.subschema_for::<Dur>(), {"type": "string", "pattern": "^ *[0-9.]+ *%$"}, {"type": "number"}],
            "description": "a duration (\"20ms\"), a percentage (\"1%\") or a number"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_warmups_round_trip_through_json() {
        for text in ["\"20ms\"", "\"1%\"", "500.0"] {
            let v: SloValue = serde_json::from_str(text).unwrap();
            let back: SloValue = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
            assert_eq!(v, back, "{text}");
        }
        for text in ["\"2s\"", "50"] {
            let w: Warmup = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&w).unwrap(), text);
        }
    }
}
