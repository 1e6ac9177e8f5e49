//! A run record against a baseline, metric by metric.
//!
//! A change is a regression only when it is statistically significant (Welch's t-test over
//! repetitions, p < alpha), larger than the relative threshold and larger than the absolute
//! noise floor. With fewer than three repetitions on either side the verdict falls back to
//! the threshold alone and says "low confidence". Records from different machines are not
//! compared at all ("incomparable environment").

use super::slo::slo_checks;
use super::standings::standings;
use super::types::{Comparison, Row, Status, Verdict};
use crate::record::{RunRecord, Samples};
use crate::scenario::{Kind, Metric, Role};
use crate::stats::{self, Summary};
use crate::system::incomparable;

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
            rows.push(judge_row(metric, &cur, base, current, env_note.is_some()));
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

fn judge_row(
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
