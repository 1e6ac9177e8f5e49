//! What the numbers do not say by themselves: a saturated target, a CPU-bound generator,
//! sends that started late, every operation moving together.

use super::types::{Errors, LateSends, Row, Status};
use crate::record::RunRecord;
use crate::scenario::{Metric, Role};

/// What the system samples say about the numbers: a saturated target, a CPU-bound generator.
#[must_use]
pub fn saturation_notes(record: &RunRecord) -> Vec<String> {
    let mut notes = Vec::new();
    #[expect(clippy::cast_precision_loss, reason = "core counts are small")]
    let cores = record.environment.logical_cores.max(1) as f64;
    for t in &record.targets {
        if t.samples.is_empty() {
            continue;
        }
        let service: Vec<f64> = t.samples.iter().filter_map(|s| s.service_cpu_pct).collect();
        if !service.is_empty() {
            let peak = service.iter().copied().fold(0.0, f64::max);
            if peak >= 90.0 {
                notes.push(format!("target `{}` used {peak:.0}% of a core: saturated (its throughput is its ceiling on this machine)", t.name));
            }
        }
        let generator = t
            .samples
            .iter()
            .map(|s| s.generator_cpu_pct)
            .fold(0.0, f64::max);
        if generator >= 85.0 * cores {
            notes.push(format!("load generator was CPU-bound against `{}` ({generator:.0}% of {cores} cores): numbers are a floor", t.name));
        }
        let machine = t.samples.iter().map(|s| s.cpu_pct).fold(0.0, f64::max);
        if machine >= 97.0 {
            notes.push(format!("the machine was fully busy while measuring `{}` ({machine:.0}% CPU): generator and target competed for cores", t.name));
        }
    }
    notes
}

/// Open loop: sends that started more than 1 ms after their intended time, and what the wait
/// added to the corrected latency (corrected p50 minus service-time p50).
#[must_use]
pub fn late_sends(record: &RunRecord) -> Vec<LateSends> {
    let mut out = Vec::new();
    for t in &record.targets {
        for o in &t.operations {
            let sent: f64 = o
                .repetitions
                .iter()
                .map(|r| r.achieved_rate * (r.elapsed_ns as f64 / 1e9))
                .sum();
            let late: u64 = o.repetitions.iter().map(|r| r.late_sends).sum();
            let gaps: Vec<(f64, f64)> = o
                .repetitions
                .iter()
                .filter_map(|r| {
                    r.service
                        .as_ref()
                        .map(|s| (r.latency.p50_ns as f64, s.p50_ns as f64))
                })
                .collect();
            if gaps.is_empty() || sent <= 0.0 {
                continue;
            }
            out.push(LateSends {
                target: t.name.clone(),
                operation: o.name.clone(),
                late_share: late as f64 / sent,
                corrected_p50_ns: gaps.iter().map(|g| g.0).sum::<f64>() / gaps.len() as f64,
                service_p50_ns: gaps.iter().map(|g| g.1).sum::<f64>() / gaps.len() as f64,
            });
        }
    }
    out
}

/// Notes on late sends when they matter: more than 1% of sends late, or a wait above 10% of
/// the service time.
#[must_use]
pub fn late_send_notes(late: &[LateSends]) -> Vec<String> {
    late.iter()
        .filter(|l| l.matters())
        .map(|l| {
            format!(
                "{} {}: {:.1}% of sends started more than 1 ms late; the wait adds {} to p50 (corrected {} vs service time {})",
                l.target,
                l.operation,
                l.late_share * 100.0,
                crate::util::format_ns(l.wait_ns()),
                crate::util::format_ns(l.corrected_p50_ns),
                crate::util::format_ns(l.service_p50_ns)
            )
        })
        .collect()
}

/// When every operation of our target moved the same way by a similar amount, the cause is
/// likely shared (the whole service, its host, or the machine), not one code path.
#[must_use]
pub fn shared_cause_note(rows: &[Row]) -> Option<String> {
    let moved: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            r.role == Role::Ours
                && r.metric == Metric::P50
                && matches!(
                    r.status,
                    Status::Regression | Status::Warning | Status::Improvement
                )
        })
        .collect();
    let all = rows
        .iter()
        .filter(|r| r.role == Role::Ours && r.metric == Metric::P50 && r.change.is_some())
        .count();
    if moved.len() < 2 || moved.len() != all {
        return None;
    }
    let changes: Vec<f64> = moved.iter().filter_map(|r| r.change).collect();
    let (lo, hi) = changes
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), c| {
            (l.min(*c), h.max(*c))
        });
    (lo.signum() == hi.signum() && hi - lo < 0.5 * hi.abs().max(lo.abs())).then(|| {
        format!(
            "every operation's p50 moved together ({:+.1}% … {:+.1}%): likely a shared cause (the whole service, its host, or the machine) rather than one code path",
            lo * 100.0,
            hi * 100.0
        )
    })
}

/// Failed operations by (target, operation, kind), with a sample message, most first.
#[must_use]
pub fn errors(record: &RunRecord) -> Vec<Errors> {
    let mut out = Vec::new();
    for t in &record.targets {
        for o in &t.operations {
            let of: u64 = o
                .repetitions
                .iter()
                .map(|r| r.count + r.errors.values().sum::<u64>())
                .sum();
            let mut kinds: std::collections::BTreeMap<&str, (u64, Option<&str>)> =
                std::collections::BTreeMap::new();
            for r in &o.repetitions {
                for (k, n) in &r.errors {
                    let e = kinds.entry(k.as_str()).or_default();
                    e.0 += n;
                    if e.1.is_none() {
                        e.1 = r.error_samples.get(k).map(String::as_str);
                    }
                }
            }
            for (kind, (count, sample)) in kinds {
                out.push(Errors {
                    target: t.name.clone(),
                    operation: o.name.clone(),
                    kind: kind.to_owned(),
                    count,
                    of,
                    sample: sample.map(|s| s.chars().take(300).collect()),
                });
            }
        }
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.count));
    out
}

/// Open loop: planned sends that never went out before the end (`duration` is a hard bound).
#[must_use]
pub fn unsent_notes(record: &RunRecord) -> Vec<String> {
    record
        .targets
        .iter()
        .filter_map(|t| {
            let unsent: u64 = t
                .operations
                .iter()
                .flat_map(|o| &o.repetitions)
                .map(|r| r.unsent)
                .sum();
            (unsent > 0).then(|| {
                format!(
                    "`{}`: {unsent} planned send(s) never went out before the end: the open loop could not keep up (too few connections, or a target that stopped answering); the numbers cover what was sent",
                    t.name
                )
            })
        })
        .collect()
}
