//! Ingested benchmarks as a run record, so `compare`, `history` and `publish` treat them like
//! any other.

use std::collections::BTreeMap;

use chrono::Utc;

use super::{Bench, Format, Kind};
use crate::record::{
    new_histogram, Environment, GitInfo, Latency, LoadInfo, OperationRecord, Repetition, RunRecord,
    ScenarioInfo, SummaryRecord, TargetRecord, ThresholdsInfo, FORMAT, FORMAT_VERSION,
};
use crate::scenario::{Kind as ScenarioKind, LoadMode, Metric, Role, StateMode};
use crate::util::hex;

/// Where the record says the numbers came from.
pub struct IngestOptions {
    pub scenario: String,
    pub target: String,
    pub format: Format,
    pub run_id: String,
    pub regression: f64,
    /// Changes smaller than this many nanoseconds are noise.
    pub floor_ns: u64,
    pub git: Option<GitInfo>,
    pub trigger: Option<String>,
    pub environment: Environment,
    /// SHA-256 of the ingested file(s).
    pub source_digest: String,
}

/// Where a value goes in a repetition: times are nanoseconds; rates are per second (their
/// latency is the reciprocal); a value in another unit is kept as it is in the field its
/// direction compares: `mean_ns` when lower is better, `throughput` when higher is better (the
/// record's `unit` names the unit). Returns (nanoseconds, throughput).
fn place(kind: Kind, value: f64) -> (f64, f64) {
    let inverse = |v: f64| if v > 0.0 { 1e9 / v } else { 0.0 };
    match kind {
        Kind::Time => (value, inverse(value)),
        Kind::Rate => (inverse(value), value),
        Kind::Value {
            higher_is_better: false,
        } => (value, 0.0),
        Kind::Value {
            higher_is_better: true,
        } => (0.0, value),
    }
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "non-negative values"
)]
fn whole(ns: f64) -> u64 {
    ns.round().max(1.0) as u64
}

/// One repetition holding `values` (one sample, or every sample of a compact operation), whose
/// mean and variance are `summary` when the caller has them already.
fn repetition(
    index: u32,
    kind: Kind,
    values: &[f64],
    summary: Option<&crate::stats::Summary>,
    count: u64,
) -> Repetition {
    // A histogram only as wide as the values: one of the whole range (an hour in
    // nanoseconds) costs a quarter of a megabyte to allocate and walk, per benchmark.
    let ns = |v: &f64| whole(place(kind, *v).0);
    let top = values.iter().map(ns).max().unwrap_or(1).max(2);
    let mut h = hdrhistogram::Histogram::<u64>::new_with_bounds(1, top, 3)
        .unwrap_or_else(|_| new_histogram());
    for v in values {
        h.saturating_record(ns(v));
    }
    let summary = summary
        .copied()
        .unwrap_or_else(|| crate::stats::Summary::of(values));
    let (ns, throughput) = place(kind, summary.mean);
    let mut latency = Latency::from_histogram_encoded(&h, crate::util::encode_histogram_plain);
    latency.mean_ns = ns;
    latency.stdev_ns = if values.len() > 1 && matches!(kind, Kind::Time) {
        summary.var.sqrt()
    } else {
        0.0
    };
    Repetition {
        recall: None,
        precision: None,
        index,
        elapsed_ns: 0,
        count,
        errors: BTreeMap::new(),
        error_samples: BTreeMap::new(),
        throughput,
        target_rate: None,
        achieved_rate: throughput,
        late_sends: 0,
        latency,
        service: None,
        ..Repetition::default()
    }
}

/// The repetitions of one benchmark, and the summary that stands for its samples when they are
/// too many to keep one by one.
fn repetitions(b: &Bench) -> (Vec<Repetition>, Option<SummaryRecord>) {
    let iterations = |i: usize| b.iterations.get(i).copied().unwrap_or(1);
    if b.samples.is_empty() {
        let reps = b
            .summary
            .iter()
            .map(|s| repetition(1, b.kind, &[s.mean], None, iterations(0)))
            .collect();
        let summary = b.summary.map(|s| SummaryRecord {
            mean: s.mean,
            stdev: s.stdev,
            n: s.n,
            from_samples: false,
        });
        return (reps, summary);
    }
    // Several raw samples are one repetition whose histogram holds every sample (three
    // significant digits), with their exact mean, standard deviation and count in the
    // operation's `summary`: Welch's test reads exactly what it would from the samples, and an
    // operation costs about a kilobyte of record however many samples the tool printed (one
    // repetition per sample cost about 800 bytes each).
    if b.samples.len() == 1 {
        let reps = b
            .samples
            .iter()
            .enumerate()
            .map(|(i, v)| {
                repetition(
                    u32::try_from(i + 1).unwrap_or(u32::MAX),
                    b.kind,
                    std::slice::from_ref(v),
                    None,
                    iterations(i),
                )
            })
            .collect();
        return (reps, None);
    }
    let s = crate::stats::Summary::of(&b.samples);
    let count = if b.iterations.len() == b.samples.len() {
        b.iterations.iter().sum()
    } else {
        u64::try_from(b.samples.len()).unwrap_or(u64::MAX)
    };
    (
        vec![repetition(1, b.kind, &b.samples, Some(&s), count)],
        Some(SummaryRecord {
            mean: s.mean,
            stdev: s.var.sqrt(),
            n: u64::try_from(s.n).unwrap_or(u64::MAX),
            from_samples: true,
        }),
    )
}

/// Builds the record.
#[must_use]
#[expect(
    clippy::too_many_lines,
    reason = "the record spelled out field by field"
)]
pub fn to_record(benches: &[Bench], o: &IngestOptions) -> RunRecord {
    let operations = benches
        .iter()
        .map(|b| {
            let metric = match b.kind {
                Kind::Time
                | Kind::Value {
                    higher_is_better: false,
                } => Metric::Mean,
                Kind::Rate
                | Kind::Value {
                    higher_is_better: true,
                } => Metric::Throughput,
            };
            let (mut repetitions, summary) = repetitions(b);
            // What the tool reported as failed: counted, with its message, on the first
            // repetition (or one of its own when nothing succeeded).
            if b.errors > 0 {
                if repetitions.is_empty() {
                    repetitions.push(Repetition {
                        index: 1,
                        count: 0,
                        ..Repetition::default()
                    });
                }
                repetitions[0].errors.insert("tool".into(), b.errors);
                if let Some(s) = &b.error_sample {
                    repetitions[0]
                        .error_samples
                        .insert("tool".into(), s.clone());
                }
            }
            OperationRecord {
                name: b.name.clone(),
                repetitions,
                metrics: Some(vec![metric]),
                summary,
                unit: b.unit.clone(),
            }
        })
        .collect();
    let now = Utc::now();
    RunRecord {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        benchbot_version: env!("CARGO_PKG_VERSION").into(),
        run_id: o.run_id.clone(),
        incomplete: false,
        started_at: now,
        finished_at: now,
        git: o.git.clone(),
        trigger: o.trigger.clone(),
        scenario: ScenarioInfo {
            name: o.scenario.clone(),
            kind: ScenarioKind::Internal,
            description: format!("ingested {} output", o.format),
            tags: vec!["ingest".into(), o.format.to_string()],
            tier: None,
            mode: StateMode::Warm,
            seed: 0,
            source_digest: o.source_digest.clone(),
            sequence_digest: hex(&[]),
            sequence_ops: 0,
            published: Vec::new(),
            dataset: None,
            path: None,
            thresholds: ThresholdsInfo {
                regression: o.regression,
                warn: o.regression / 2.0,
                latency_floor_ns: o.floor_ns,
                throughput_floor: 0.0,
                error_rate_floor: 0.001,
                alpha: 0.05,
                recall_margin: 0.02,
                metrics: vec![Metric::Mean, Metric::Throughput],
                gate: None,
                slo: Vec::new(),
            },
        },
        load: LoadInfo {
            mode: LoadMode::Closed,
            concurrency: 1,
            rate: None,
            duration_ns: None,
            operations: None,
            warmup: None,
            repetitions: 0,
            cooldown_ns: 0,
            stages: Vec::new(),
        },
        environment: o.environment.clone(),
        preflight: None,
        targets: vec![TargetRecord {
            name: o.target.clone(),
            role: Role::Ours,
            driver: format!("ingest:{}", o.format),
            operations,
            samples: Vec::new(),
        }],
        ab: None,
        pooled: Vec::new(),
        shard: None,
        shards: Vec::new(),
        sweep: None,
    }
}
