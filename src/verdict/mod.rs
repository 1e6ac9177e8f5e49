//! Verdicts: a run record against a baseline, metric by metric.
//!
//! A change is a regression only when it is statistically significant (Welch's t-test over
//! repetitions, p < alpha), larger than the relative threshold and larger than the absolute
//! noise floor. With fewer than three repetitions on either side the verdict falls back to
//! the threshold alone and says "low confidence". Records from different machines are not
//! compared at all ("incomparable environment").

use serde::{Deserialize, Serialize};

use crate::record::{RunRecord, Samples};
use crate::scenario::{Kind, Metric, Role, SloValue};
use crate::stats::{self, Summary};
use crate::system::incomparable;

/// The outcome of one metric of one (target, operation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Regression,
    Warning,
    Improvement,
    Unchanged,
    /// A competitor's own change: shown, never gating.
    Changed,
    /// No baseline value to compare with.
    New,
    /// The baseline came from a different machine.
    Incomparable,
}

impl Status {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Status::Regression => "REGRESSION",
            Status::Warning => "warning",
            Status::Improvement => "improved",
            Status::Unchanged => "ok",
            Status::Changed => "changed",
            Status::New => "new",
            Status::Incomparable => "incomparable",
        }
    }
}

/// One compared metric.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    pub target: String,
    pub role: Role,
    pub operation: String,
    pub metric: Metric,
    /// Mean over the baseline's repetitions.
    pub baseline: Option<f64>,
    /// Mean over this run's repetitions.
    pub current: f64,
    pub delta: Option<f64>,
    /// Relative change, `delta / baseline` (absolute for error rates).
    pub change: Option<f64>,
    /// Confidence interval of `change`.
    pub ci: Option<(f64, f64)>,
    pub p: Option<f64>,
    pub n_baseline: usize,
    pub n_current: usize,
    pub low_confidence: bool,
    /// Judged from the tool's summary statistics (mean, stdev, n) rather than raw samples.
    #[serde(default)]
    pub from_summary: bool,
    /// Unit of an ingested value that is neither a time nor a rate (shown instead of ns or /s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub status: Status,
}

impl Row {
    /// How much worse the metric got, as a positive fraction (negative when it improved).
    #[must_use]
    pub fn worsening(&self) -> f64 {
        let c = self.change.unwrap_or(0.0);
        if self.metric.higher_is_better() {
            -c
        } else {
            c
        }
    }
}

/// Ours against the competitors for one (operation, metric).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Standing {
    pub operation: String,
    pub metric: Metric,
    pub ours: f64,
    pub competitors: Vec<(String, f64)>,
    pub leader: String,
    /// `(ours − leader) / leader`, signed so that worse is positive; 0 when ours leads.
    pub gap: f64,
    pub baseline_gap: Option<f64>,
    pub regressed: bool,
    /// Set when the operation is a search and the targets' recall differs by more than the
    /// scenario's `recall-margin`: the comparison is not like for like.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall_note: Option<String>,
}

/// An absolute objective checked on this run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SloCheck {
    pub target: String,
    pub operation: String,
    pub metric: Metric,
    pub bound: String,
    pub value: f64,
    pub passed: bool,
}

/// The overall outcome, which maps to the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Ok,
    CompetitiveRegression,
    InternalRegression,
}

/// One scenario's comparison.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comparison {
    pub scenario: String,
    pub kind: Kind,
    pub run_id: String,
    pub baseline_run_id: Option<String>,
    pub incomplete: bool,
    pub low_confidence: bool,
    pub rows: Vec<Row>,
    pub standings: Vec<Standing>,
    pub slos: Vec<SloCheck>,
    pub notes: Vec<String>,
    pub verdict: Verdict,
    /// Ids of published figures to show beside this scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub published: Vec<String>,
}

impl Comparison {
    /// Rows that gate: regressions of our targets.
    pub fn regressions(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.status == Status::Regression)
    }
}

/// Compares `current` with `baseline` (or only checks objectives when there is none).
#[must_use]
pub fn compare(current: &RunRecord, baseline: Option<&RunRecord>) -> Comparison {
    let th = &current.scenario.thresholds;
    let mut notes = Vec::new();
    let env_note = baseline.and_then(|b| incomparable(&current.environment, &b.environment));
    if let Some(n) = &env_note {
        notes.push(n.clone());
    }
    if let Some(b) = baseline {
        if b.scenario.sequence_digest != current.scenario.sequence_digest {
            notes.push("the operation sequence differs from the baseline's (scenario or seed changed): compare with care".into());
        }
    }
    let mut rows = Vec::new();
    for &metric in &th.metrics {
        let base_samples = baseline.map(|b| b.samples(metric)).unwrap_or_default();
        for cur in current.samples(metric) {
            if cur.values.is_empty() {
                continue;
            }
            let base = base_samples
                .iter()
                .find(|b| b.target == cur.target && b.operation == cur.operation)
                .filter(|b| !b.values.is_empty());
            rows.push(judge(metric, &cur, base, current, env_note.is_some()));
        }
    }
    rows.sort_by(|a, b| {
        (a.status, -a.worsening().abs())
            .partial_cmp(&(b.status, -b.worsening().abs()))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let standings = if current.scenario.kind == Kind::Competitive {
        standings(current, baseline, th.regression)
    } else {
        Vec::new()
    };
    let slos = slo_checks(current);
    notes.extend(saturation_notes(current));
    let low_confidence = rows
        .iter()
        .any(|r| r.low_confidence && r.baseline.is_some());
    if low_confidence {
        notes.push("low confidence: fewer than 3 repetitions on one side; the verdict uses the threshold only".into());
    }
    if rows.iter().any(|r| r.from_summary && r.baseline.is_some()) {
        notes.push("some rows were judged by Welch's test from the tool's summary statistics (mean, stdev, n), not from raw samples".into());
    }
    let internal_fail = slos.iter().any(|s| !s.passed)
        || (current.scenario.kind == Kind::Internal
            && rows.iter().any(|r| r.status == Status::Regression));
    let competitive_fail = current.scenario.kind == Kind::Competitive
        && (rows.iter().any(|r| r.status == Status::Regression)
            || standings.iter().any(|s| s.regressed));
    let verdict = if internal_fail {
        Verdict::InternalRegression
    } else if competitive_fail {
        Verdict::CompetitiveRegression
    } else {
        Verdict::Ok
    };
    Comparison {
        scenario: current.scenario.name.clone(),
        kind: current.scenario.kind,
        run_id: current.run_id.clone(),
        baseline_run_id: baseline.map(|b| b.run_id.clone()),
        incomplete: current.incomplete,
        low_confidence,
        rows,
        standings,
        slos,
        notes,
        verdict,
        published: current.scenario.published.clone(),
    }
}

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

fn floor(metric: Metric, current: &RunRecord) -> f64 {
    let th = &current.scenario.thresholds;
    #[expect(
        clippy::cast_precision_loss,
        reason = "nanoseconds fit f64 well enough"
    )]
    match metric {
        Metric::Throughput => th.throughput_floor,
        Metric::ErrorRate => th.error_rate_floor,
        // Half a point of recall or precision is within what query sampling moves.
        Metric::Recall | Metric::Precision => 0.005,
        _ => th.latency_floor_ns as f64,
    }
}

fn judge(
    metric: Metric,
    cur: &Samples<'_>,
    base: Option<&Samples<'_>>,
    record: &RunRecord,
    incomparable: bool,
) -> Row {
    let th = &record.scenario.thresholds;
    let current = stats::mean(&cur.values);
    let mut row = Row {
        target: cur.target.to_owned(),
        role: cur.role,
        operation: cur.operation.to_owned(),
        metric,
        baseline: None,
        current,
        delta: None,
        change: None,
        ci: None,
        p: None,
        n_baseline: 0,
        n_current: cur.values.len(),
        low_confidence: cur.values.len() < 3 && cur.summary.is_none_or(|s| s.n < 3),
        from_summary: false,
        unit: cur.unit.map(str::to_owned),
        status: Status::New,
    };
    let Some(base) = base else { return row };
    // A tool that reported only mean, stdev and n: Welch's test from those summaries.
    let (bs, cs) = (
        base.summary.unwrap_or_else(|| Summary::of(&base.values)),
        cur.summary.unwrap_or_else(|| Summary::of(&cur.values)),
    );
    row.from_summary = base.summary.is_some() || cur.summary.is_some();
    row.n_current = cs.n;
    row.current = cs.mean;
    row.baseline = Some(bs.mean);
    row.n_baseline = bs.n;
    row.low_confidence = bs.n < 3 || cs.n < 3;
    let delta = cs.mean - bs.mean;
    row.delta = Some(delta);
    // Error rates start at zero: judge them in absolute points, everything else relative.
    let scale = if metric == Metric::ErrorRate {
        1.0
    } else {
        bs.mean.abs()
    };
    let welch = stats::welch(bs, cs, th.alpha);
    if scale > 0.0 {
        row.change = Some(delta / scale);
        row.ci = welch.map(|w| (w.ci.0 / scale, w.ci.1 / scale));
    }
    row.p = welch.map(|w| w.p);
    if incomparable {
        row.status = Status::Incomparable;
        return row;
    }
    let worse = row.worsening();
    let (fail, warn) = if metric == Metric::ErrorRate {
        (th.error_rate_floor, th.error_rate_floor)
    } else {
        (th.regression, th.warn)
    };
    let significant = if row.low_confidence {
        true
    } else {
        row.p.is_some_and(|p| p < th.alpha)
    };
    row.status = if delta.abs() <= floor(metric, record) || row.change.is_none() {
        Status::Unchanged
    } else if significant && worse > fail {
        Status::Regression
    } else if significant && worse > warn {
        Status::Warning
    } else if significant && -worse > warn {
        Status::Improvement
    } else {
        Status::Unchanged
    };
    if cur.role == Role::Competitor && row.status != Status::Unchanged {
        row.status = Status::Changed;
    }
    row
}

/// Ours, the competitors and the leader for one operation.
struct Gap {
    operation: String,
    ours: f64,
    competitors: Vec<(String, f64)>,
    leader: String,
    gap: f64,
}

/// Leader and gap for every (operation, metric) of a competitive record.
fn gaps(record: &RunRecord, metric: Metric) -> Vec<Gap> {
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
        out.push(Gap {
            operation: ours.operation.to_owned(),
            ours: ours_v,
            competitors: comps,
            leader,
            gap,
        });
    }
    out
}

fn standings(current: &RunRecord, baseline: Option<&RunRecord>, threshold: f64) -> Vec<Standing> {
    let mut out = Vec::new();
    for &metric in current
        .scenario
        .thresholds
        .metrics
        .iter()
        .filter(|m| **m != Metric::ErrorRate)
    {
        let base = baseline.map(|b| gaps(b, metric)).unwrap_or_default();
        for Gap {
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
                recall_note,
                operation,
                metric,
                ours,
                competitors,
                leader,
                gap,
                baseline_gap,
                regressed,
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

fn slo_checks(record: &RunRecord) -> Vec<SloCheck> {
    let mut out = Vec::new();
    for slo in &record.scenario.thresholds.slo {
        for s in record
            .samples(slo.metric)
            .into_iter()
            .filter(|s| s.role == Role::Ours && !s.values.is_empty())
        {
            if slo
                .operation
                .as_ref()
                .is_some_and(|o| o.as_str() != s.operation)
            {
                continue;
            }
            let value = stats::mean(&s.values);
            #[expect(
                clippy::cast_precision_loss,
                reason = "nanoseconds fit f64 well enough"
            )]
            let (bound, passed) = match (slo.max, slo.min) {
                (Some(SloValue::Duration(d)), _) => {
                    (format!("≤ {d}"), value <= d.get().as_nanos() as f64)
                }
                (Some(SloValue::Percent(p)), _) => (
                    format!("≤ {}%", p.fraction() * 100.0),
                    value <= p.fraction(),
                ),
                (_, Some(SloValue::Number(n))) => (format!("≥ {n}/s"), value >= n),
                _ => continue,
            };
            out.push(SloCheck {
                target: s.target.to_owned(),
                operation: s.operation.to_owned(),
                metric: slo.metric,
                bound,
                value,
                passed,
            });
        }
    }
    out
}

/// How urgent closing a competitive gap is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    High,
    Medium,
    Noted,
}

/// Gap limits for task priorities: above `high` is HIGH, above `medium` MEDIUM.
#[derive(Clone, Copy, Debug)]
pub struct Priorities {
    pub high: f64,
    pub medium: f64,
}

impl Default for Priorities {
    fn default() -> Self {
        Self {
            high: 0.15,
            medium: 0.10,
        }
    }
}

/// An optimization task: a metric where a competitor leads us.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Task {
    pub scenario: String,
    pub operation: String,
    pub metric: Metric,
    pub leader: String,
    pub gap: f64,
    pub priority: Priority,
    /// A command that reproduces the measurement.
    pub reproduce: String,
}

impl Task {
    /// A stable key for deduplication.
    #[must_use]
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.scenario, self.operation, self.metric)
    }
}

/// Every metric where a competitor leads, ranked by gap (largest first).
#[must_use]
pub fn tasks(comparisons: &[Comparison], p: Priorities) -> Vec<Task> {
    let mut out: Vec<Task> = comparisons
        .iter()
        .flat_map(|c| {
            c.standings
                .iter()
                .filter(|s| s.gap > 0.0)
                .map(move |s| Task {
                    scenario: c.scenario.clone(),
                    operation: s.operation.clone(),
                    metric: s.metric,
                    leader: s.leader.clone(),
                    gap: s.gap,
                    priority: if s.gap > p.high {
                        Priority::High
                    } else if s.gap > p.medium {
                        Priority::Medium
                    } else {
                        Priority::Noted
                    },
                    reproduce: format!("benchbot run --scenario {}", c.scenario),
                })
        })
        .collect();
    out.sort_by(|a, b| b.gap.total_cmp(&a.gap));
    out
}
