//! A load profile as it ran: per target and stage, the load intended beside the load
//! achieved, late sends and the worst interval's p99, from each repetition's time series.

use serde::{Deserialize, Serialize};

use crate::record::{RunRecord, StageInfo, TargetRecord};
use crate::scenario::LoadMode;

/// One stage of one target, over its repetitions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageRow {
    pub target: String,
    /// 1-based, in the profile's order.
    pub stage: usize,
    pub seconds: f64,
    /// Open loop: the intended rate at the stage's start and end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<(f64, f64)>,
    /// Closed loop: workers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Operations completed (successes and errors) per second, the median over repetitions.
    pub achieved: f64,
    /// Open loop: achieved ÷ the stage's mean intended rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    /// Share of the stage's operations that started more than 1 ms late.
    pub late_share: f64,
    /// The highest p99 of one interval in the stage, over repetitions.
    pub worst_p99_ns: u64,
    /// Repetitions whose time series covered the stage.
    pub repetitions: usize,
}

impl StageRow {
    /// The stage's mean intended rate.
    #[must_use]
    pub fn intended(&self) -> Option<f64> {
        self.rate.map(|(a, b)| f64::midpoint(a, b))
    }
}

/// Below this share of its intended rate, a stage's shortfall is a note.
pub const SHORTFALL: f64 = 0.99;

/// The stages of every target of `record`, or nothing without a profile.
#[must_use]
pub fn stages(record: &RunRecord) -> Vec<StageRow> {
    let profile = &record.load.stages;
    if profile.is_empty() {
        return Vec::new();
    }
    record
        .targets
        .iter()
        .flat_map(|t| target_stages(t, profile, record.load.mode, shard_count(record)))
        .collect()
}

/// A shard generates `1 / count` of the profile's load.
fn shard_count(record: &RunRecord) -> f64 {
    f64::from(record.shard.map_or(1, |s| s.count))
}

#[expect(
    clippy::cast_precision_loss,
    reason = "counts and nanoseconds far below 2^53"
)]
fn target_stages(
    t: &TargetRecord,
    profile: &[StageInfo],
    mode: LoadMode,
    shards: f64,
) -> Vec<StageRow> {
    let (ops, reps) = t.measured_operations();
    let mut start = 0.0;
    let mut rows = Vec::new();
    for (i, st) in profile.iter().enumerate() {
        let secs = st.duration_ns as f64 / 1e9;
        let end = start + secs;
        let (mut rates, mut done, mut late, mut worst, mut covered) =
            (Vec::new(), 0u64, 0u64, 0u64, 0usize);
        for r in 0..reps {
            let mut n = 0u64;
            let mut seen = false;
            for o in &ops {
                let Some(rep) = o.repetitions.get(r) else {
                    continue;
                };
                let w = rep.interval_ms as f64 / 1e3;
                if w <= 0.0 {
                    continue;
                }
                for (k, p) in rep.series.iter().enumerate() {
                    // An interval belongs to the stage its middle falls in.
                    let mid = (k as f64 + 0.5) * w;
                    if mid < start || mid >= end {
                        continue;
                    }
                    seen = true;
                    n += p.ok + p.errors;
                    late += p.late;
                    worst = worst.max(p.p99_ns);
                }
            }
            if seen {
                covered += 1;
                done += n;
                rates.push(n as f64 / secs);
            }
        }
        start = end;
        if covered == 0 {
            continue;
        }
        let achieved = crate::stats::median(&rates);
        let rate = if mode == LoadMode::Open {
            st.rate.map(|(a, b)| (a / shards, b / shards))
        } else {
            None
        };
        rows.push(StageRow {
            target: t.name.clone(),
            stage: i + 1,
            seconds: secs,
            rate,
            concurrency: st.concurrency,
            achieved,
            ratio: rate
                .map(|(a, b)| f64::midpoint(a, b))
                .filter(|m| *m > 0.0)
                .map(|m| achieved / m),
            late_share: if done > 0 {
                late as f64 / done as f64
            } else {
                0.0
            },
            worst_p99_ns: worst,
            repetitions: covered,
        });
    }
    rows
}

/// A note for every open-loop stage that fell short of its intended rate.
#[must_use]
pub fn shortfall_notes(rows: &[StageRow]) -> Vec<String> {
    rows.iter()
        .filter_map(|r| {
            let ratio = r.ratio?;
            (ratio < SHORTFALL).then(|| {
                format!(
                    "{} stage {}: {:.0}/s achieved of {:.0}/s intended ({:.1}%): the target or the load generator could not keep up, so the latencies of this stage understate the load",
                    r.target,
                    r.stage,
                    r.achieved,
                    r.intended().unwrap_or(0.0),
                    ratio * 100.0
                )
            })
        })
        .collect()
}
