//! Capacity from a sweep: the curve of throughput and latency against load, its knee, where it
//! saturates, and the operating range within the objectives; and, per repetition, the figures
//! the gate compares like any other metric (`capacity`, `max-throughput`, `knee`).
//!
//! - **Knee** (Kneedle, Satopää et al. 2011): on the curve of p99 against throughput, both
//!   scaled to [0, 1], the point farthest above the diagonal `x − y`: where latency starts
//!   to grow faster than throughput.
//! - **Saturation**: the first level after which throughput grows by less than 5% while p99
//!   grows by more than 10%: more load buys waiting, not work.
//! - **Operating range**: the levels, from the lowest, whose p99 stays within the objective
//!   with 95% confidence (the upper end of the t-interval over the repetitions) and whose
//!   error rate stays within its objective; **capacity** is the highest throughput in it.

use serde::{Deserialize, Serialize};

use crate::record::{
    OperationRecord, PointRep, PointTarget, Repetition, SweepRecord, TargetRecord,
};
use crate::scenario::{Metric, Role, Slo, SloValue};
use crate::stats;

/// One level of one target's curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurveRow {
    pub level: f64,
    pub throughput: f64,
    pub p50_ns: f64,
    pub p99_ns: f64,
    /// Upper end of the 95% interval of the p99 over the repetitions.
    pub p99_hi_ns: f64,
    pub error_rate: f64,
    /// Within the objectives (`None` without objectives to check).
    pub within: Option<bool>,
}

/// One target's curve and what it says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetCurve {
    pub target: String,
    pub role: Role,
    pub rows: Vec<CurveRow>,
    /// The level and throughput of the knee.
    pub knee: Option<(f64, f64)>,
    /// The level and throughput where throughput stopped growing.
    pub saturation: Option<(f64, f64)>,
    /// The lowest and highest level of the operating range.
    pub range: Option<(f64, f64)>,
    /// The highest throughput within the objectives.
    pub capacity: Option<f64>,
}

/// A sweep's analysis, for the reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CapacityReport {
    /// `rate` or `concurrency`.
    pub over: String,
    pub search: bool,
    /// The objectives the range is checked against, in words.
    pub objectives: Vec<String>,
    pub targets: Vec<TargetCurve>,
}

/// The objectives a sweep checks: p50, p99 and error rate bounds.
fn bounds(slos: &[Slo]) -> (Option<f64>, Option<f64>, Option<f64>) {
    #[expect(clippy::cast_precision_loss, reason = "nanoseconds fit f64")]
    let v = |x: &SloValue| match x {
        SloValue::Duration(d) => d.get().as_nanos() as f64,
        SloValue::Percent(p) => p.fraction(),
        SloValue::Number(n) => *n,
    };
    let of = |m: Metric| {
        slos.iter()
            .filter(|s| s.metric == m && s.operation.is_none())
            .filter_map(|s| s.max.as_ref().map(v))
            .reduce(f64::min)
    };
    (of(Metric::P50), of(Metric::P99), of(Metric::ErrorRate))
}

#[expect(clippy::cast_precision_loss, reason = "nanoseconds fit f64")]
fn rep_within(r: &PointRep, b: (Option<f64>, Option<f64>, Option<f64>)) -> bool {
    b.0.is_none_or(|x| r.p50_ns as f64 <= x)
        && b.1.is_none_or(|x| r.p99_ns as f64 <= x)
        && b.2.is_none_or(|x| r.error_rate <= x)
}

/// The analysis of `sweep` against `slos`.
#[must_use]
pub fn analyze(sweep: &SweepRecord, slos: &[Slo]) -> CapacityReport {
    let b = bounds(slos);
    let checked = b.0.is_some() || b.1.is_some() || b.2.is_some();
    let names: Vec<(String, Role)> = sweep
        .points
        .first()
        .map(|p| p.targets.iter().map(|t| (t.name.clone(), t.role)).collect())
        .unwrap_or_default();
    let targets = names
        .into_iter()
        .map(|(name, role)| {
            let rows: Vec<CurveRow> = sweep
                .points
                .iter()
                .filter_map(|p| {
                    let t = p.targets.iter().find(|t| t.name == name)?;
                    Some(row(p.level, t, b, checked))
                })
                .collect();
            curve(name, role, rows)
        })
        .collect();
    let mut objectives = Vec::new();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a bound in ns"
    )]
    let ns = |x: f64| crate::util::format_ns(x.round().max(0.0) as u64 as f64);
    if let Some(x) = b.0 {
        objectives.push(format!("p50 ≤ {}", ns(x)));
    }
    if let Some(x) = b.1 {
        objectives.push(format!("p99 ≤ {}", ns(x)));
    }
    if let Some(x) = b.2 {
        objectives.push(format!("errors ≤ {:.2}%", x * 100.0));
    }
    CapacityReport {
        over: sweep.over.clone(),
        search: sweep.search,
        objectives,
        targets,
    }
}

#[expect(clippy::cast_precision_loss, reason = "nanoseconds fit f64")]
fn row(
    level: f64,
    t: &PointTarget,
    b: (Option<f64>, Option<f64>, Option<f64>),
    checked: bool,
) -> CurveRow {
    let vals = |f: &dyn Fn(&PointRep) -> f64| t.reps.iter().map(f).collect::<Vec<f64>>();
    let p99 = vals(&|r| r.p99_ns as f64);
    let hi = if p99.len() >= 2 {
        stats::paired(&p99, 0.05).map_or(stats::mean(&p99), |e| e.ci.1)
    } else {
        stats::mean(&p99)
    };
    let error_rate = stats::mean(&vals(&|r| r.error_rate));
    let p50 = stats::mean(&vals(&|r| r.p50_ns as f64));
    let within = checked.then(|| {
        b.0.is_none_or(|x| p50 <= x)
            && b.1.is_none_or(|x| hi <= x)
            && b.2.is_none_or(|x| error_rate <= x)
    });
    CurveRow {
        level,
        throughput: stats::mean(&vals(&|r| r.throughput)),
        p50_ns: p50,
        p99_ns: stats::mean(&p99),
        p99_hi_ns: hi,
        error_rate,
        within,
    }
}

fn curve(target: String, role: Role, rows: Vec<CurveRow>) -> TargetCurve {
    let points: Vec<(f64, f64)> = rows.iter().map(|r| (r.throughput, r.p99_ns)).collect();
    let knee = knee(&points).map(|i| (rows[i].level, rows[i].throughput));
    let saturation = saturation(&points).map(|i| (rows[i].level, rows[i].throughput));
    let in_range = rows.iter().take_while(|r| r.within == Some(true)).count();
    let range = (in_range > 0).then(|| (rows[0].level, rows[in_range - 1].level));
    let capacity = (in_range > 0).then(|| {
        rows[..in_range]
            .iter()
            .map(|r| r.throughput)
            .fold(0.0, f64::max)
    });
    TargetCurve {
        target,
        role,
        rows,
        knee,
        saturation,
        range,
        capacity,
    }
}

/// Kneedle on (throughput, p99) points in level order: the index farthest above the diagonal
/// once both are scaled to [0, 1]. `None` with fewer than three points or a flat curve.
#[must_use]
pub fn knee(points: &[(f64, f64)]) -> Option<usize> {
    if points.len() < 3 {
        return None;
    }
    let (x0, x1) = extent(points.iter().map(|p| p.0));
    let (y0, y1) = extent(points.iter().map(|p| p.1));
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let diff = |p: &(f64, f64)| (p.0 - x0) / (x1 - x0) - (p.1 - y0) / (y1 - y0);
    let (i, d) = points
        .iter()
        .enumerate()
        .map(|(i, p)| (i, diff(p)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    (d > 0.0).then_some(i)
}

fn extent(v: impl Iterator<Item = f64>) -> (f64, f64) {
    v.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    })
}

/// The first index after which throughput grows by less than 5% while p99 grows by more than
/// 10%; `None` while more load still buys throughput.
#[must_use]
pub fn saturation(points: &[(f64, f64)]) -> Option<usize> {
    points.windows(2).position(|w| {
        let (a, b) = (w[0], w[1]);
        b.0 < a.0 * 1.05 && b.1 > a.1 * 1.10
    })
}

/// The capacity figures of each repetition as operations the gate compares: `capacity` (the
/// highest throughput whose repetition met the objectives; with objectives only),
/// `max-throughput`, and `knee` (the throughput at the repetition's knee).
#[must_use]
pub fn capacity_targets(sweep: &SweepRecord, slos: &[Slo]) -> Vec<TargetRecord> {
    let b = bounds(slos);
    let checked = b.0.is_some() || b.1.is_some() || b.2.is_some();
    let Some(first) = sweep.points.first() else {
        return Vec::new();
    };
    first
        .targets
        .iter()
        .map(|t| {
            let reps = t.reps.len();
            // Per repetition: its curve across the levels.
            let per_rep: Vec<Vec<PointRep>> = (0..reps)
                .map(|i| {
                    sweep
                        .points
                        .iter()
                        .filter_map(|p| {
                            p.targets
                                .iter()
                                .find(|x| x.name == t.name)
                                .and_then(|x| x.reps.get(i).copied())
                        })
                        .collect()
                })
                .collect();
            let op = |name: &str, value: &dyn Fn(&[PointRep]) -> f64| OperationRecord {
                name: name.to_owned(),
                repetitions: per_rep
                    .iter()
                    .enumerate()
                    .map(|(i, curve)| Repetition {
                        index: u32::try_from(i + 1).unwrap_or(u32::MAX),
                        count: 1,
                        throughput: value(curve),
                        achieved_rate: value(curve),
                        ..Repetition::default()
                    })
                    .collect(),
                metrics: Some(vec![Metric::Throughput]),
                summary: None,
                unit: None,
            };
            let mut ops = Vec::new();
            if checked {
                ops.push(op("capacity", &|c| {
                    c.iter()
                        .take_while(|r| rep_within(r, b))
                        .map(|r| r.throughput)
                        .fold(0.0, f64::max)
                }));
            }
            ops.push(op("max-throughput", &|c| {
                c.iter().map(|r| r.throughput).fold(0.0, f64::max)
            }));
            #[expect(clippy::cast_precision_loss, reason = "nanoseconds fit f64")]
            ops.push(op("knee", &|c| {
                let pts: Vec<(f64, f64)> =
                    c.iter().map(|r| (r.throughput, r.p99_ns as f64)).collect();
                knee(&pts).map_or(0.0, |i| pts[i].0)
            }));
            TargetRecord {
                name: t.name.clone(),
                role: t.role,
                driver: "sweep".into(),
                operations: ops,
                samples: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An M/D/c-like server of capacity `cap`: below it, latency is the service time plus a
    /// little queueing; above it, throughput stays at `cap` and latency grows with the backlog.
    fn server(cap: f64, loads: &[f64]) -> Vec<(f64, f64)> {
        loads
            .iter()
            .map(|&l| {
                let rho = (l / cap).min(0.999);
                let tput = l.min(cap);
                let wait = if l < cap {
                    rho / (1.0 - rho)
                } else {
                    50.0 * l / cap
                };
                (tput, 1.0 + wait)
            })
            .collect()
    }

    #[test]
    fn the_knee_and_saturation_of_a_server_of_known_capacity() {
        let loads: Vec<f64> = (1..=10).map(|i| f64::from(i) * 100.0).collect();
        let pts = server(600.0, &loads);
        let sat = saturation(&pts).unwrap();
        assert!((loads[sat] - 600.0).abs() < 1e-9, "{pts:?}");
        let k = knee(&pts).unwrap();
        assert!(
            (400.0..=600.0).contains(&loads[k]),
            "knee at {}: {pts:?}",
            loads[k]
        );
        assert_eq!(saturation(&server(6000.0, &loads)), None, "never saturated");
        assert_eq!(knee(&pts[..2]), None);
    }
}
