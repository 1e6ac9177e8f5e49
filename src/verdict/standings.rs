//! Competitive standings: ours against each competitor, the leader and the gap.

use super::types::Standing;
use crate::record::RunRecord;
use crate::scenario::{Metric, Role};
use crate::stats;

/// Ours, the competitors and the leader for one operation.
struct Lead {
    operation: String,
    ours: f64,
    competitors: Vec<(String, f64)>,
    leader: String,
    gap: f64,
}

/// Leader and gap for every (operation, metric) of a competitive record.
fn gaps(record: &RunRecord, metric: Metric) -> Vec<Lead> {
    let samples = record.samples(metric);
    let mut out = Vec::new();
    for ours in samples
        .iter()
        .filter(|s| s.role == Role::Ours && !s.values.is_empty())
    {
        let ours_v = stats::mean(&ours.values);
        let comps: Vec<(String, f64)> = samples
            .iter()
            .filter(|s| {
                s.role == Role::Competitor && s.operation == ours.operation && !s.values.is_empty()
            })
            .map(|s| (s.target.to_owned(), stats::mean(&s.values)))
            .collect();
        if comps.is_empty() {
            continue;
        }
        let better = |a: f64, b: f64| {
            if metric.higher_is_better() {
                a > b
            } else {
                a < b
            }
        };
        let (mut leader, mut best) = (ours.target.to_owned(), ours_v);
        for (name, v) in &comps {
            if better(*v, best) {
                leader.clone_from(name);
                best = *v;
            }
        }
        let gap = if best == 0.0 {
            0.0
        } else if metric.higher_is_better() {
            (best - ours_v) / best
        } else {
            (ours_v - best) / best
        };
        out.push(Lead {
            operation: ours.operation.to_owned(),
            ours: ours_v,
            competitors: comps,
            leader,
            gap,
        });
    }
    out
}

pub(super) fn standings(
    current: &RunRecord,
    baseline: Option<&RunRecord>,
    threshold: f64,
) -> Vec<Standing> {
    let mut out = Vec::new();
    for &metric in current
        .scenario
        .thresholds
        .metrics
        .iter()
        .filter(|m| **m != Metric::ErrorRate)
    {
        let base = baseline.map(|b| gaps(b, metric)).unwrap_or_default();
        for Lead {
            operation,
            ours,
            competitors,
            leader,
            gap,
        } in gaps(current, metric)
        {
            let baseline_gap = base
                .iter()
                .find(|b| b.operation == operation)
                .map(|b| b.gap);
            let regressed = baseline_gap.is_some_and(|b| gap - b > threshold);
            let recall_note = (metric != Metric::Recall && metric != Metric::Precision)
                .then(|| recall_mismatch(current, &operation))
                .flatten();
            out.push(Standing {
                operation,
                metric,
                ours,
                competitors,
                leader,
                gap,
                baseline_gap,
                regressed,
                recall_note,
            });
        }
    }
    out
}

/// "recall differs: ours 0.91, chroma 0.99 (margin 0.02)" when a search's targets found
/// different shares of the true neighbours.
fn recall_mismatch(record: &RunRecord, operation: &str) -> Option<String> {
    let margin = record.scenario.thresholds.recall_margin;
    let recalls: Vec<(&str, Role, f64)> = record
        .samples(Metric::Recall)
        .into_iter()
        .filter(|s| s.operation == operation && !s.values.is_empty())
        .map(|s| (s.target, s.role, stats::mean(&s.values)))
        .collect();
    let ours = recalls.iter().find(|r| r.1 == Role::Ours)?.2;
    let off: Vec<String> = recalls
        .iter()
        .filter(|r| r.1 == Role::Competitor && (r.2 - ours).abs() > margin)
        .map(|r| format!("{} {:.3}", r.0, r.2))
        .collect();
    (!off.is_empty()).then(|| {
        format!(
            "not like for like: recall@k ours {ours:.3}, {} (margin {margin:.3})",
            off.join(", ")
        )
    })
}
