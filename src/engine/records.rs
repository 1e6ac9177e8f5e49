//! What a phase or a load phase measured, as run-record repetitions and operations.

use std::collections::BTreeMap;
use std::time::Duration;

use super::phase::OpRec;
use crate::dataset::RowKind;
use crate::driver::LoadStats;
use crate::record::{Latency, OperationRecord, Repetition, INDEX_OP, LOAD_OP};
use crate::scenario::{LoadMode, Metric, Scenario};
use crate::util::new_histogram;

/// One measured repetition of operation `op`.
#[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
pub(super) fn to_repetition(
    rep: u32,
    scenario: &Scenario,
    op: usize,
    rec: OpRec,
    elapsed: Duration,
    unsent: u64,
) -> Repetition {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let open = scenario.load.mode == LoadMode::Open;
    let total_weight: u64 = scenario
        .ops
        .iter()
        .filter(|o| !o.first)
        .map(|o| u64::from(o.weight))
        .sum();
    // This operation's share of the rate (and of a shard's part of it).
    let share = f64::from(scenario.ops[op].weight)
        / total_weight.max(1) as f64
        / f64::from(scenario.load.shard.map_or(1, |s| s.count));
    let open = open && !scenario.ops[op].first;
    let schedule = if open {
        super::schedule::Schedule::of(&scenario.load)
    } else {
        None
    };
    let width = scenario.load.interval;
    let series = rec
        .intervals
        .iter()
        .enumerate()
        .map(|(i, p)| crate::record::IntervalPoint {
            ok: p.ok,
            errors: p.errors,
            late: p.late,
            p50_ns: p.p50_ns,
            p99_ns: p.p99_ns,
            max_ns: p.max_ns,
            target_rate: schedule
                .as_ref()
                .map(|s| s.rate_at(width.mul_f64(i as f64 + 0.5)) * share),
        })
        .collect();
    Repetition {
        index: rep + 1,
        elapsed_ns: u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX),
        count: rec.ok,
        errors: rec
            .errors
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), *v))
            .collect(),
        error_samples: rec
            .samples
            .into_iter()
            .map(|(k, v)| (k.as_str().to_owned(), v))
            .collect(),
        throughput: rec.ok as f64 / secs,
        target_rate: scenario.load.rate.filter(|_| open).map(|r| r * share),
        achieved_rate: rec.sent as f64 / secs,
        late_sends: if open { rec.late } else { 0 },
        latency: Latency::from_histogram(&rec.latency),
        service: open.then(|| Latency::from_histogram(&rec.service)),
        recall: (rec.judged > 0).then(|| rec.recall_sum / rec.judged as f64),
        precision: (rec.judged > 0).then(|| rec.precision_sum / rec.judged as f64),
        // The unsent sends of a repetition are the scenario's: each operation carries its share.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a non-negative count"
        )]
        unsent: if open {
            (unsent as f64 * share).round() as u64
        } else {
            0
        },
        interval_ms: u64::try_from(width.as_millis()).unwrap_or(u64::MAX),
        series,
        ..Repetition::default()
    }
}

/// The load phases as pseudo-operations: `ingest` (rows per second) and `index-build`; with
/// several kinds of rows, `ingest-vectors`, `index-build-edges`…
pub(super) fn load_records(loads: &[(u32, RowKind, LoadStats)]) -> Vec<OperationRecord> {
    let mut kinds: Vec<RowKind> = Vec::new();
    for (_, k, _) in loads {
        if !kinds.contains(k) {
            kinds.push(*k);
        }
    }
    let several = kinds.len() > 1;
    let mut out = Vec::new();
    for kind in kinds {
        let suffix = if several {
            format!("-{}", kind.name())
        } else {
            String::new()
        };
        let of_kind: Vec<(u32, &LoadStats)> = loads
            .iter()
            .filter(|(_, k, _)| *k == kind)
            .map(|(r, _, s)| (*r, s))
            .collect();
        out.extend(load_records_of(&of_kind, &suffix));
    }
    out
}

#[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
fn load_records_of(loads: &[(u32, &LoadStats)], suffix: &str) -> Vec<OperationRecord> {
    if loads.is_empty() {
        return Vec::new();
    }
    let rep = |index: u32, rows: u64, elapsed: Duration, latency: Latency| Repetition {
        index: index + 1,
        elapsed_ns: u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX),
        count: rows,
        errors: BTreeMap::new(),
        error_samples: BTreeMap::new(),
        throughput: rows as f64 / elapsed.as_secs_f64().max(1e-9),
        target_rate: None,
        achieved_rate: rows as f64 / elapsed.as_secs_f64().max(1e-9),
        late_sends: 0,
        latency,
        service: None,
        ..Repetition::default()
    };
    let mut rows = Vec::new();
    let mut index = Vec::new();
    for &(i, s) in loads {
        rows.push(rep(
            i,
            s.rows,
            s.elapsed,
            Latency::from_histogram(&s.batches),
        ));
        if let Some(d) = s.index {
            let mut h = new_histogram();
            h.saturating_record(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1));
            index.push(rep(i, 1, d, Latency::from_histogram(&h)));
        }
    }
    let mut out = vec![OperationRecord {
        name: format!("{LOAD_OP}{suffix}"),
        repetitions: rows,
        metrics: Some(vec![Metric::Throughput]),
        summary: None,
        unit: None,
    }];
    if !index.is_empty() {
        out.push(OperationRecord {
            name: format!("{INDEX_OP}{suffix}"),
            repetitions: index,
            metrics: Some(vec![Metric::Mean]),
            summary: None,
            unit: None,
        });
    }
    out
}
