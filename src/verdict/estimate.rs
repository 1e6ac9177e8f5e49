//! The values of one (target, operation, metric) on each side, and the estimate of the change
//! between them by each method: pairs of interleaved blocks, a run against earlier runs, or one
//! run's samples against another's.

use std::collections::BTreeMap;

use super::types::{Method, Stage};
use crate::record::TargetRecord;
use crate::scenario::{Metric, Role};
use crate::stats::{self, Estimate, Summary};

/// One repetition's value.
#[derive(Clone, Copy, Debug)]
pub(super) struct Val<'a> {
    pub v: f64,
    pub block: Option<u32>,
    pub run: Option<&'a str>,
    pub busy: bool,
}

/// The values of one (target, operation) under one metric.
#[derive(Clone, Debug)]
pub(super) struct Series<'a> {
    pub target: &'a str,
    pub role: Role,
    pub operation: &'a str,
    pub unit: Option<&'a str>,
    /// A tool's own summary (ingested results without raw samples).
    pub summary: Option<Summary>,
    /// The summary is the tool's own (not computed by benchbot from every raw sample).
    pub tool_summary: bool,
    /// The summary was computed from every raw sample: it stands for them, whatever the
    /// repetitions hold.
    pub exact_summary: bool,
    pub vals: Vec<Val<'a>>,
}

impl Series<'_> {
    /// The values judged: busy repetitions left out when `exclude_busy`.
    pub fn judged(&self, exclude_busy: bool) -> impl Iterator<Item = &Val<'_>> {
        self.vals.iter().filter(move |v| !(exclude_busy && v.busy))
    }

    /// The mean of the judged values; of every value when none is judged (shown, not judged).
    pub fn mean(&self, exclude_busy: bool) -> Option<f64> {
        let mut v: Vec<f64> = self.judged(exclude_busy).map(|v| v.v).collect();
        if v.is_empty() {
            v = self.vals.iter().map(|v| v.v).collect();
        }
        if v.is_empty() || self.exact_summary {
            self.summary.map(|s| s.mean)
        } else {
            Some(stats::mean(&v))
        }
    }
}

/// Every (target, operation) of `targets` with values of `metric`.
pub(super) fn series(targets: &[TargetRecord], metric: Metric) -> Vec<Series<'_>> {
    let mut out = Vec::new();
    for t in targets {
        for o in &t.operations {
            if o.metrics.as_ref().is_some_and(|m| !m.contains(&metric)) {
                continue;
            }
            let vals: Vec<Val<'_>> = o
                .repetitions
                .iter()
                .map(|r| Val {
                    v: r.metric(metric),
                    block: r.block,
                    run: r.run_id.as_deref(),
                    busy: r.busy.is_some(),
                })
                .filter(|v| v.v.is_finite())
                .collect();
            let summary = o.summary_of(metric);
            // Recall and precision exist for searches only.
            if vals.is_empty() && summary.is_none() {
                continue;
            }
            out.push(Series {
                target: &t.name,
                role: t.role,
                operation: &o.name,
                unit: o.unit.as_deref(),
                summary,
                tool_summary: summary.is_some() && o.summary.is_some_and(|s| !s.from_samples),
                exact_summary: summary.is_some() && o.summary.is_some_and(|s| s.from_samples),
                vals,
            });
        }
    }
    out
}

/// How a metric's change is measured: as a ratio (latencies, throughput: judged on the log
/// scale, shown as a relative change) or as a difference (shares: error rate, recall).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scale {
    Ratio,
    Points,
}

pub(super) fn scale(metric: Metric) -> Scale {
    if metric.is_fraction() {
        Scale::Points
    } else {
        Scale::Ratio
    }
}

/// A change estimated by one method, in the metric's own change units (relative for ratios,
/// absolute points for shares), with its interval.
#[derive(Clone, Copy, Debug)]
pub(super) struct Effect {
    pub method: Method,
    pub n_baseline: usize,
    pub n_current: usize,
    pub change: f64,
    pub ci: (f64, f64),
    pub p: f64,
    /// The estimate behind it, on the judged scale.
    pub est: Estimate,
    /// Judged from a tool's summary statistics.
    pub from_summary: bool,
}

impl Effect {
    fn from_est(est: Estimate, scale: Scale, method: Method, nb: usize, nc: usize) -> Self {
        let (change, ci) = match scale {
            Scale::Ratio => (est.diff.exp_m1(), (est.ci.0.exp_m1(), est.ci.1.exp_m1())),
            Scale::Points => (est.diff, est.ci),
        };
        Self {
            method,
            n_baseline: nb,
            n_current: nc,
            change,
            ci,
            p: est.p,
            est,
            from_summary: false,
        }
    }

    pub fn stage(&self) -> Stage {
        Stage {
            n: self.est.n,
            change: self.change,
            ci: self.ci,
            p: self.p,
        }
    }
}

pub(super) fn on_scale(v: f64, scale: Scale) -> Option<f64> {
    match scale {
        Scale::Ratio if v > 0.0 => Some(v.ln()),
        Scale::Ratio => None,
        Scale::Points => Some(v),
    }
}

/// The per-block differences head − base (log ratios for ratio metrics) of blocks where both
/// sides were measured on a quiet machine; only blocks in `blocks` (all when `None`).
pub(super) fn block_differences(
    base: &Series<'_>,
    head: &Series<'_>,
    scale: Scale,
    blocks: Option<&dyn Fn(u32) -> bool>,
) -> Vec<f64> {
    let base_by_block: BTreeMap<u32, f64> = base
        .judged(true)
        .filter_map(|v| v.block.map(|b| (b, v.v)))
        .collect();
    head.judged(true)
        .filter_map(|h| {
            let b = h.block?;
            if blocks.is_some_and(|keep| !keep(b)) {
                return None;
            }
            let bv = *base_by_block.get(&b)?;
            Some(on_scale(h.v, scale)? - on_scale(bv, scale)?)
        })
        .collect()
}

/// Interleaved blocks: the per-block differences tested against zero.
pub(super) fn paired(
    base: &Series<'_>,
    head: &Series<'_>,
    scale: Scale,
    alpha: f64,
    blocks: Option<&dyn Fn(u32) -> bool>,
) -> Option<Effect> {
    let d = block_differences(base, head, scale, blocks);
    let est = stats::paired(&d, alpha)?;
    Some(Effect::from_est(
        est,
        scale,
        Method::Interleaved,
        d.len(),
        d.len(),
    ))
}

/// Mean per run (repetitions grouped by their `run_id`; untagged ones are one run).
fn run_means(s: &Series<'_>) -> Vec<f64> {
    let mut by_run: BTreeMap<Option<&str>, Vec<f64>> = BTreeMap::new();
    for v in s.judged(true) {
        by_run.entry(v.run).or_default().push(v.v);
    }
    by_run.values().map(|v| stats::mean(v)).collect()
}

/// This run against the spread of the baseline's runs (at least three), run by run: the
/// prediction-interval test of the current run's mean.
pub(super) fn runs_test(
    base: &Series<'_>,
    cur: &Series<'_>,
    scale: Scale,
    alpha: f64,
) -> Option<Effect> {
    let past: Vec<f64> = run_means(base)
        .into_iter()
        .filter_map(|m| on_scale(m, scale))
        .collect();
    let now: Vec<f64> = run_means(cur)
        .into_iter()
        .filter_map(|m| on_scale(m, scale))
        .collect();
    if past.len() < 3 || now.is_empty() {
        return None;
    }
    let est = stats::prediction(&past, stats::mean(&now), alpha)?;
    Some(Effect::from_est(
        est,
        scale,
        Method::Runs,
        past.len(),
        now.len(),
    ))
}

/// One run's samples against another's (Welch), relative to the baseline's mean for ratio
/// metrics. For tool output, whose samples are many iterations of one run.
pub(super) fn samples_test(
    base: &Series<'_>,
    cur: &Series<'_>,
    scale: Scale,
    alpha: f64,
) -> Option<Effect> {
    let of = |s: &Series<'_>| {
        let v: Vec<f64> = s.judged(true).map(|v| v.v).collect();
        if v.is_empty() || s.exact_summary {
            s.summary
        } else {
            s.summary.filter(|_| v.len() <= 1).or(Some(Summary::of(&v)))
        }
    };
    let (b, c) = (of(base)?, of(cur)?);
    let w = stats::welch(b, c, alpha)?;
    let scale_by = match scale {
        Scale::Ratio => b.mean.abs(),
        Scale::Points => 1.0,
    };
    if scale_by <= 0.0 {
        return None;
    }
    #[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
    let se = (b.var / b.n as f64 + c.var / c.n as f64).sqrt();
    let est = Estimate {
        n: b.n.min(c.n),
        diff: w.diff,
        se,
        t: w.t,
        df: w.df,
        p: w.p,
        ci: w.ci,
    };
    Some(Effect {
        method: Method::Samples,
        n_baseline: b.n,
        n_current: c.n,
        change: w.diff / scale_by,
        ci: (w.ci.0 / scale_by, w.ci.1 / scale_by),
        p: w.p,
        est,
        from_summary: base.tool_summary || cur.tool_summary,
    })
}
