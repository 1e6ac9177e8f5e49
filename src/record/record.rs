//! The run-record format: everything measured in one run of one scenario.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dataset_info::DatasetInfo;
use crate::scenario::{Kind, LoadMode, Metric, Role, Slo, StateMode};
use crate::system::Environment;

/// Name of the load phase's pseudo-operation in records (rows per second; batch latencies).
/// The word stays "ingest" in records for compatibility with every stored history.
pub const LOAD_OP: &str = "ingest";
/// Name of the index build's pseudo-operation (PostgreSQL `after` statements).
pub const INDEX_OP: &str = "index-build";

/// The record format this binary writes.
///
/// - 1: the first format.
/// - 2: adds `trigger` (what started the run). Version 1 records read as `trigger = null`.
/// - 3: adds `preflight`, per-target system `samples`, and the environment's governor, runner,
///   runner labels and compiler. Older records read with those empty.
/// - 4: adds per-repetition `recall` and `precision` of searches, and the load phase as the
///   operations `ingest` (rows per second) and `index-build`. Older records read without them.
/// - 5: adds interleaved A/B runs (`ab`: base and head, block ids, order), per-repetition
///   `block`, `run_id` (runs pooled into a baseline), `busy` and `contention` (the machine's
///   other load while measuring), and the `gate` metrics of the thresholds. Older records read
///   without them.
/// - 6: adds per-repetition `series` (per interval: successes, errors, late sends, latency
///   percentiles, the intended rate), `interval_ms` and `unsent` (planned sends never sent),
///   load profiles (`load.stages`) and capacity curves (`sweep`). Older records read without
///   them.
/// - 7: adds `shard` (this run generated one shard of the load), `shards` (a record merged
///   from shards: each shard's run and machine) and `ab.extension_blocks`. Older records read
///   without them.
/// - 8: an ingested benchmark with more than 100 raw samples is one repetition whose histogram
///   holds them all, with their exact mean, deviation and count in `summary`
///   (`from_samples`). Older records read as they were (one repetition per sample).
pub const FORMAT_VERSION: u32 = 8;
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
    /// An interleaved A/B run: the base's measurements and how the blocks ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ab: Option<AbInfo>,
    /// A baseline pooled from several runs: each of them (their repetitions carry `run_id`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pooled: Vec<PooledRun>,
    /// A capacity curve: the scenario at several load levels (its `targets` then hold the
    /// capacity figures per repetition as operations `capacity`, `max-throughput`, `knee`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepRecord>,
    /// This run generated shard `index` of `count` of the load (`run --shard`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    /// A record merged from shards (`benchbot merge`): each shard's run and machine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shards: Vec<ShardRun>,
}

/// Which shard of the load a run generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ShardInfo {
    /// From 1.
    pub index: u32,
    pub count: u32,
}

/// One shard of a merged record.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ShardRun {
    pub index: u32,
    pub run_id: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub environment: Environment,
}

/// The scenario measured at several load levels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SweepRecord {
    /// `rate` or `concurrency`.
    pub over: String,
    /// The levels were chosen by a search for the highest one within the objectives.
    #[serde(default)]
    pub search: bool,
    /// In increasing level.
    pub points: Vec<SweepPoint>,
}

/// One level of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SweepPoint {
    pub level: f64,
    pub targets: Vec<PointTarget>,
}

/// One target at one level: per repetition, all its operations together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PointTarget {
    pub name: String,
    pub role: Role,
    pub reps: Vec<PointRep>,
}

/// One repetition of one target at one level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PointRep {
    /// Successful operations per second.
    pub throughput: f64,
    /// Operations started per second.
    pub achieved_rate: f64,
    pub p50_ns: u64,
    pub p99_ns: u64,
    /// Failed operations ÷ operations.
    pub error_rate: f64,
    #[serde(default)]
    pub unsent: u64,
}

/// One run of a pooled baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PooledRun {
    pub run_id: String,
    pub git: Option<GitInfo>,
    pub started_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
    /// The scenario file, as given on the command line (for commands that reproduce a run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
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
    /// The metrics that gate (regressions fail the run); the others are shown only. Absent:
    /// every compared metric gates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<Vec<Metric>>,
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
    /// The load profile, when the scenario has stages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<StageInfo>,
}

/// One stage of a load profile, as run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StageInfo {
    pub duration_ns: u64,
    /// Open loop: the rate at the stage's start and end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<(f64, f64)>,
    /// Closed loop: workers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
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

impl TargetRecord {
    /// The operations measured by the load (load-phase pseudo-operations, which say which
    /// metrics they carry, left out), and the most repetitions any of them has.
    #[must_use]
    pub fn measured_operations(&self) -> (Vec<&OperationRecord>, usize) {
        let ops: Vec<&OperationRecord> = self
            .operations
            .iter()
            .filter(|o| o.metrics.is_none())
            .collect();
        let reps = ops.iter().map(|o| o.repetitions.len()).max().unwrap_or(0);
        (ops, reps)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct OperationRecord {
    pub name: String,
    pub repetitions: Vec<Repetition>,
    /// Only these metrics are compared for this operation (ingested benchmarks: `mean` for
    /// times, `throughput` for rates). Absent: the scenario's metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<Metric>>,
    /// Mean, standard deviation and count: the tool's own when it gave no raw samples, or
    /// computed from every raw sample when they were too many to keep one by one
    /// (`from_samples`; the one repetition's histogram holds them). Nanoseconds for times,
    /// operations per second for rates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<SummaryRecord>,
    /// Unit of an ingested value that is neither a time nor a rate (`B/op`, `MB`, `%`…): the
    /// value is stored in `latency.mean_ns` (lower is better) or `throughput` (higher is better).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// Summary statistics of an ingested benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SummaryRecord {
    pub mean: f64,
    pub stdev: f64,
    pub n: u64,
    /// Computed by benchbot from all `n` raw samples (exact), not reported by the tool.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_samples: bool,
}

/// One repetition of one operation against one target.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
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
    /// Interleaved A/B runs: the block this repetition belongs to (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Baselines pooled from several runs: the run this repetition came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// Why the repetition was measured on a busy machine (other processes' CPU, steal, a
    /// starved generator); such repetitions are not judged by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub busy: Option<String>,
    /// What else the machine did while this repetition measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contention: Option<Contention>,
    /// Open loop: operations the schedule planned before the repetition's end that were never
    /// sent (the loop could not keep up; `duration` is a hard bound).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unsent: u64,
    /// Width of one point of `series`, milliseconds.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub interval_ms: u64,
    /// What happened in each interval of the repetition, from its start.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<IntervalPoint>,
}

#[expect(clippy::trivially_copy_pass_by_ref, reason = "serde's skip predicate")]
fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[expect(clippy::trivially_copy_pass_by_ref, reason = "serde's skip predicate")]
fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

/// One interval of a repetition (about 100 bytes in the record).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IntervalPoint {
    /// Successful operations.
    pub ok: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub errors: u64,
    /// Open loop: sends more than 1 ms late.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub late: u64,
    pub p50_ns: u64,
    pub p99_ns: u64,
    pub max_ns: u64,
    /// Open loop: the intended rate of this operation's share during the interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_rate: Option<f64>,
}

/// The machine's load from outside the measurement during one repetition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Contention {
    /// Cores busy with processes other than benchbot and the managed service.
    pub others_cores: f64,
    /// Share of CPU time the hypervisor took (steal), in percent.
    pub steal_pct: f64,
    /// Cores benchbot itself used (load generation).
    pub generator_cores: f64,
}

/// An interleaved A/B run: base and head measured in alternating blocks on one runner.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct AbInfo {
    /// `interleaved`: in each block, base and head ran one repetition each, in random order.
    pub method: String,
    /// The base revision (`ref` is what was asked for, e.g. `origin/main`).
    pub base: GitInfo,
    /// The head revision.
    pub head: GitInfo,
    /// Seed of the block order.
    pub seed: u64,
    /// The order of each block, `base,head` or `head,base`, block 1 first.
    pub order: Vec<String>,
    /// Of the blocks, how many were run to confirm a suspected regression: those numbered
    /// from `confirm_from` on.
    #[serde(default)]
    pub confirmation_blocks: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_from: Option<u32>,
    /// Of the blocks, how many were added to a first stage that left a gating row
    /// inconclusive (before any confirmation).
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub extension_blocks: u32,
    /// Blocks left out, and why (a busy machine, a failed repetition).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<ExcludedBlock>,
    /// The base's measurements of our targets, with block ids; `targets` holds the head's.
    pub base_targets: Vec<TargetRecord>,
}

/// A block of an A/B run that was not judged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExcludedBlock {
    pub block: u32,
    pub reason: String,
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

fn default_recall_margin() -> f64 {
    0.02
}
