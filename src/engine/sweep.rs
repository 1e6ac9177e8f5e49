//! A capacity curve: the scenario measured at several load levels, or a search for the highest
//! level within the scenario's objectives.

use std::sync::Arc;

use super::context::RunContext;
use super::observer::Observer;
use super::run::{run_scenario, EngineError};
use crate::record::{
    decode_histogram, new_histogram, PointRep, PointTarget, SweepPoint, SweepRecord, TargetRecord,
};
use crate::scenario::{Metric, Role, Scenario, SweepOver};

/// What a sweep measured.
pub struct SweepOutcome {
    pub record: SweepRecord,
    /// Interrupted before every level was measured.
    pub cancelled: bool,
}

/// Runs `scenario` at every level of its sweep (or searches for the highest level within its
/// objectives).
///
/// # Errors
/// The first level that cannot be measured.
pub async fn run_sweep(
    scenario: &Arc<Scenario>,
    ctx: &RunContext,
    observer: &dyn Observer,
) -> Result<SweepOutcome, EngineError> {
    let over = scenario.load.sweep.as_ref().map(|p| p.over);
    sweep_levels(scenario, async |level: f64| {
        observer.note(&format!(
            "{}: {} {}",
            scenario.name,
            match over {
                Some(SweepOver::Concurrency) => "concurrency",
                _ => "rate",
            },
            fmt_level(level)
        ));
        let mut s = (**scenario).clone();
        if let Some(over) = over {
            s.load = scenario.load.at_level(over, level);
        }
        let outcome = run_scenario(&Arc::new(s), ctx, observer).await?;
        let targets = outcome.targets.iter().map(point_target).collect();
        Ok((!outcome.cancelled).then_some(targets))
    })
    .await
}

/// The schedule of a sweep, whatever measures it: every level of the plan in order, or a
/// search (the bracket's two ends, then halving it, geometrically for rates, until it is
/// within the precision) for the highest level whose `ours` targets meet the objectives.
/// `measure` gives each target's repetitions at a level, or `None` when interrupted.
///
/// # Errors
/// The first level `measure` fails at.
pub async fn sweep_levels<E>(
    scenario: &Scenario,
    mut measure: impl AsyncFnMut(f64) -> Result<Option<Vec<PointTarget>>, E>,
) -> Result<SweepOutcome, E> {
    let plan = scenario
        .load
        .sweep
        .clone()
        .unwrap_or_else(|| unreachable!("a sweep of a scenario without one"));
    let mut points: Vec<SweepPoint> = Vec::new();
    let mut cancelled = false;
    let mut at = async |level: f64, points: &mut Vec<SweepPoint>| -> Result<bool, E> {
        let Some(targets) = measure(level).await? else {
            return Ok(false);
        };
        let insert_at = points.partition_point(|p| p.level < level);
        points.insert(insert_at, SweepPoint { level, targets });
        Ok(true)
    };
    match plan.search {
        None => {
            for &v in &plan.values {
                if !at(v, &mut points).await? {
                    cancelled = true;
                    break;
                }
            }
        }
        Some(precision) => {
            let (mut lo, mut hi) = (plan.values[0], plan.values[plan.values.len() - 1]);
            'search: {
                for v in [lo, hi] {
                    if !at(v, &mut points).await? {
                        cancelled = true;
                        break 'search;
                    }
                }
                // Capacity outside the bracket: nothing to halve.
                if !holds(scenario, &points, lo) || holds(scenario, &points, hi) {
                    break 'search;
                }
                while hi / lo - 1.0 > precision {
                    let mid = match plan.over {
                        SweepOver::Rate => (lo * hi).sqrt(),
                        SweepOver::Concurrency => f64::midpoint(lo, hi).round(),
                    };
                    if mid <= lo || mid >= hi {
                        break;
                    }
                    if !at(mid, &mut points).await? {
                        cancelled = true;
                        break 'search;
                    }
                    if holds(scenario, &points, mid) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
            }
        }
    }
    Ok(SweepOutcome {
        record: SweepRecord {
            over: match plan.over {
                SweepOver::Rate => "rate".into(),
                SweepOver::Concurrency => "concurrency".into(),
            },
            search: plan.search.is_some(),
            points,
        },
        cancelled,
    })
}

fn fmt_level(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Whether every repetition of every `ours` target at `level` met the scenario's objectives
/// on p50, p99 and error rate (a level without objectives holds while nothing fails).
fn holds(scenario: &Scenario, points: &[SweepPoint], level: f64) -> bool {
    let Some(p) = points.iter().find(|p| p.level.to_bits() == level.to_bits()) else {
        return false;
    };
    p.targets
        .iter()
        .filter(|t| t.role == Role::Ours)
        .all(|t| t.reps.iter().all(|r| rep_holds(scenario, r)))
}

/// One repetition against the objectives it can be checked against.
#[must_use]
#[expect(clippy::cast_precision_loss, reason = "nanoseconds fit f64")]
pub fn rep_holds(scenario: &Scenario, r: &PointRep) -> bool {
    scenario.thresholds.slos.iter().all(|slo| {
        let value = match slo.metric {
            Metric::P50 => r.p50_ns as f64,
            Metric::P99 => r.p99_ns as f64,
            Metric::ErrorRate => r.error_rate,
            Metric::Throughput => r.throughput,
            _ => return true,
        };
        let bound = |v: &crate::scenario::SloValue| match v {
            crate::scenario::SloValue::Duration(d) => d.get().as_nanos() as f64,
            crate::scenario::SloValue::Percent(p) => p.fraction(),
            crate::scenario::SloValue::Number(n) => *n,
        };
        slo.max.as_ref().is_none_or(|m| value <= bound(m))
            && slo.min.as_ref().is_none_or(|m| value >= bound(m))
    }) && (scenario
        .thresholds
        .slos
        .iter()
        .any(|s| s.metric == Metric::ErrorRate)
        || r.error_rate == 0.0)
}

/// One target's repetitions at one level: its operations together (load-phase
/// pseudo-operations left out).
fn point_target(t: &TargetRecord) -> PointTarget {
    let (ops, reps) = t.measured_operations();
    PointTarget {
        name: t.name.clone(),
        role: t.role,
        reps: (0..reps)
            .map(|i| {
                let mut h = new_histogram();
                let mut p = PointRep::default();
                let (mut ok, mut failed) = (0u64, 0u64);
                for o in &ops {
                    let Some(r) = o.repetitions.get(i) else {
                        continue;
                    };
                    p.throughput += r.throughput;
                    p.achieved_rate += r.achieved_rate;
                    p.unsent += r.unsent;
                    ok += r.count;
                    failed += r.errors.values().sum::<u64>();
                    if let Ok(x) = decode_histogram(&r.latency.histogram) {
                        let _ = h.add(&x);
                    }
                }
                if !h.is_empty() {
                    p.p50_ns = h.value_at_quantile(0.5);
                    p.p99_ns = h.value_at_quantile(0.99);
                }
                #[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
                let rate = if ok + failed > 0 {
                    failed as f64 / (ok + failed) as f64
                } else {
                    0.0
                };
                p.error_rate = rate;
                p
            })
            .collect(),
    }
}
