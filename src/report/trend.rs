//! A metric over runs: series, sparklines, trend tables and change points.

use std::fmt::Write as _;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;

use super::format_value;
use crate::record::RunRecord;
use crate::scenario::Metric;
use crate::stats;

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(header.to_vec());
    t
}

/// One (target, operation) and its values: (index of the run, mean over its repetitions).
pub type Series = ((String, String), Vec<(usize, f64)>);

/// (target, operation) series of one metric: per run, the mean over its repetitions.
#[must_use]
pub fn series(runs: &[&RunRecord], metric: Metric) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        for sm in r.samples(metric) {
            if sm.values.is_empty() {
                continue;
            }
            let key = (sm.target.to_owned(), sm.operation.to_owned());
            let v = stats::mean(&sm.values);
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, vs)) => vs.push((i, v)),
                None => out.push((key, vec![(i, v)])),
            }
        }
    }
    out
}

/// A Unicode sparkline of `values`.
#[must_use]
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    values
        .iter()
        .map(|v| {
            if hi > lo {
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "0..=7"
                )]
                let i = ((v - lo) / (hi - lo) * 7.0).round() as usize;
                BARS[i.min(7)]
            } else {
                BARS[3]
            }
        })
        .collect()
}

/// A metric over runs: a sparkline and a table per target and operation.
#[must_use]
pub fn trend(runs: &[&RunRecord], metric: Metric) -> String {
    let mut out = String::new();
    for ((target, op), vs) in series(runs, metric) {
        let _ = writeln!(
            out,
            "{} {target} {op} {metric}: {}  ({} runs)",
            runs[0].scenario.name,
            sparkline(&vs.iter().map(|v| v.1).collect::<Vec<_>>()),
            vs.len()
        );
        let mut t = table(&["Run", "Started", "Commit", "Value"]);
        for (i, v) in &vs {
            let r = runs[*i];
            t.add_row(vec![
                r.run_id.clone(),
                r.started_at.format("%Y-%m-%d %H:%M").to_string(),
                r.git
                    .as_ref()
                    .map_or_else(String::new, |g| g.sha.chars().take(12).collect()),
                format_value(metric, *v),
            ]);
        }
        let _ = writeln!(out, "{t}\n");
    }
    out
}

/// Change points of a scenario's metrics over runs, as a table.
#[must_use]
pub fn changes(runs: &[&RunRecord], metrics: &[Metric], min_segment: usize, max_p: f64) -> String {
    let mut t = table(&[
        "Target",
        "Operation",
        "Metric",
        "From run",
        "Commits",
        "Before",
        "After",
        "Change",
        "p",
        "Confidence",
    ]);
    let mut n = 0;
    for &metric in metrics {
        for ((target, op), vs) in series(runs, metric) {
            let values: Vec<f64> = vs.iter().map(|v| v.1).collect();
            for cp in stats::e_divisive(&values, min_segment, max_p) {
                let (prev, at) = (runs[vs[cp.index - 1].0], runs[vs[cp.index].0]);
                let sha = |r: &RunRecord| {
                    r.git
                        .as_ref()
                        .map_or_else(|| "?".to_owned(), |g| g.sha.chars().take(12).collect())
                };
                t.add_row(vec![
                    target.clone(),
                    op.clone(),
                    metric.to_string(),
                    at.run_id.clone(),
                    format!("{}..{}", sha(prev), sha(at)),
                    format_value(metric, cp.before),
                    format_value(metric, cp.after),
                    format!("{:+.1}%", cp.change() * 100.0),
                    format!("{:.1e}", cp.p),
                    format!("{:.4}", 1.0 - cp.p),
                ]);
                n += 1;
            }
        }
    }
    format!("{t}\n{n} change point(s) in {} run(s) (E-divisive means, min segment {min_segment}, p ≤ {max_p})\n", runs.len())
}
