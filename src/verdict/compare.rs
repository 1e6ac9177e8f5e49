//! A run record against its baseline, metric by metric.
//!
//! Three ways to compare, by what the data allows (`docs/verdict-quality.md`):
//!
//! - **interleaved A/B** (the record holds its own base): per-block log ratios, tested against
//!   zero with a paired t-test; a suspected regression is confirmed by further blocks;
//! - **run against runs** (a baseline pooled from at least three runs): the prediction-interval
//!   test of this run's mean against the spread of the baseline runs' means, so the noise
//!   between sessions is in the test;
//! - **samples against samples** (ingested tool output): Welch's test over each run's samples.
//!
//! A benchbot run against a baseline of fewer than three runs is not judged: repetitions of
//! one session do not measure the noise between sessions, which is most of it.
//!
//! Every row of our targets whose metric gates is one test of a family; the Holm–Bonferroni
//! correction keeps the chance of any false alarm in a scenario at alpha. A row is a regression
//! when it is significant after the correction, worse than the threshold and the floor; it is
//! inconclusive when its interval can neither confirm nor exclude a change of the threshold's
//! size.

use std::collections::{HashMap, HashSet};

use super::decide::{decide, needed, Rule};
use super::estimate::{paired, runs_test, samples_test, scale, series, Effect, Series};
use super::notes::{late_send_notes, late_sends, saturation_notes, shared_cause_note};
use super::slo::slo_checks;
use super::standings::standings;
use super::types::{Basis, Comparison, Method, NotJudged, Row, RunRef, Status, Unjudged, Verdict};
use crate::record::{runs_of, PooledRun, RunRecord, TargetRecord};
use crate::scenario::{Kind, Metric, Role};
use crate::system::{compare_env, EnvField};

/// How comparisons are made.
#[derive(Clone, Debug)]
pub struct Options {
    /// Fingerprint fields that make two machines incomparable.
    pub hard: Vec<EnvField>,
    /// Leave repetitions measured on a busy machine out of the judgement.
    pub exclude_busy: bool,
    /// Ingested results: a benchmark of the baseline missing from this run (or one the tool
    /// reported as failed) is shown, not a failure.
    pub allow_missing: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            hard: EnvField::HARD.to_vec(),
            exclude_busy: true,
            allow_missing: false,
        }
    }
}

/// Compares `current` with `baseline` under the default options (or only checks objectives
/// when there is none). A record of an interleaved A/B run is compared with its own base.
#[must_use]
pub fn compare(current: &RunRecord, baseline: Option<&RunRecord>) -> Comparison {
    compare_with(current, baseline, &Options::default())
}

/// [`compare`] with explicit options.
#[must_use]
pub fn compare_with(current: &RunRecord, baseline: Option<&RunRecord>, o: &Options) -> Comparison {
    let mut notes = Vec::new();
    let mut not_judged = Vec::new();
    let baseline = if current.ab.is_some() { None } else { baseline };
    let incomparable = baseline_notes(current, baseline, o, &mut notes, &mut not_judged);
    let base_targets: Option<&[TargetRecord]> = current
        .ab
        .as_ref()
        .map(|ab| ab.base_targets.as_slice())
        .or(baseline.map(|b| b.targets.as_slice()));
    if base_targets.is_none() {
        not_judged.push(NotJudged {
            reason: Unjudged::NoBaseline,
            detail: "nothing to compare with".into(),
        });
    }
    let method = match (&current.ab, baseline) {
        (Some(_), _) => Method::Interleaved,
        (None, Some(_)) if ingested(current) => Method::Samples,
        (None, Some(b)) if runs_of(b).len() >= 3 => Method::Runs,
        // A baseline of fewer than three runs is shown, not judged.
        (None, _) => Method::None,
    };
    let mut rows = judge_rows(current, base_targets, method, incomparable.is_some());
    rows.sort_by(|a, b| {
        (a.status, -a.worsening().abs())
            .partial_cmp(&(b.status, -b.worsening().abs()))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if let (Method::None, Some(b)) = (method, baseline) {
        if !ingested(current) {
            not_judged.push(NotJudged {
                reason: Unjudged::Inconclusive,
                detail: format!(
                    "the baseline holds {} run(s): the noise between runs needs at least 3 (pool runs with `benchbot baseline write r1 r2 r3`, or compare head with base with `benchbot ab`)",
                    runs_of(b).len()
                ),
            });
        }
    }
    unjudged_rows(current, method, &rows, &mut not_judged);
    add_trends(current, baseline, &mut rows);
    let standings = if current.scenario.kind == Kind::Competitive {
        let virtual_base = current
            .ab
            .as_ref()
            .map(|ab| with_base(current, &ab.base_targets));
        standings(
            current,
            virtual_base.as_ref().or(baseline),
            current.scenario.thresholds.regression,
        )
    } else {
        Vec::new()
    };
    // A sweep's objectives are applied level by level in its capacity analysis.
    let slos = if current.sweep.is_some() {
        Vec::new()
    } else {
        slo_checks(current)
    };
    notes.extend(saturation_notes(current));
    let late_sends = late_sends(current);
    notes.extend(late_send_notes(&late_sends));
    notes.extend(super::notes::unsent_notes(current));
    let stages = super::profile::stages(current);
    notes.extend(super::profile::shortfall_notes(&stages));
    notes.extend(shared_cause_note(&rows));
    let low_confidence = rows
        .iter()
        .any(|r| r.low_confidence && r.baseline.is_some());
    if rows.iter().any(|r| r.from_summary && r.baseline.is_some()) {
        notes.push("some rows were judged by Welch's test from the tool's summary statistics (mean, stdev, n), not from raw samples".into());
    }
    let basis = basis(current, baseline, method, &rows);
    let mut verdict = verdict(current, &rows, &standings, &slos, &not_judged);
    let failure = vanished_failure(current, baseline, o, &mut verdict, &mut notes);
    Comparison {
        scenario: current.scenario.name.clone(),
        kind: current.scenario.kind,
        run_id: current.run_id.clone(),
        baseline_run_id: baseline.map(|b| b.run_id.clone()),
        incomplete: current.incomplete,
        low_confidence,
        failure,
        rows,
        standings,
        slos,
        notes,
        verdict,
        published: current.scenario.published.clone(),
        basis,
        not_judged,
        path: current.scenario.path.clone(),
        late_sends,
        capacity: current
            .sweep
            .as_ref()
            .map(|s| super::capacity::analyze(s, &current.scenario.thresholds.slo)),
        stages,
        errors: super::notes::errors(current),
        accepted: None,
    }
}

/// Regressions and warnings judged against several runs get their trend.
fn add_trends(current: &RunRecord, baseline: Option<&RunRecord>, rows: &mut [Row]) {
    let Some(b) = baseline else { return };
    for r in rows
        .iter_mut()
        .filter(|r| matches!(r.status, Status::Regression | Status::Warning))
    {
        r.trend = trend(current, b, r);
    }
}

/// The row's metric in each of the baseline's pooled runs (oldest first) and in `current`;
/// empty when the baseline holds fewer than two runs.
fn trend(current: &RunRecord, baseline: &RunRecord, row: &Row) -> Vec<super::TrendPoint> {
    let runs = runs_of(baseline);
    if runs.len() < 2 {
        return Vec::new();
    }
    let find = |r: &RunRecord| {
        r.targets
            .iter()
            .find(|t| t.name == row.target)
            .and_then(|t| t.operations.iter().find(|o| o.name == row.operation))
            .map(|o| o.repetitions.clone())
    };
    let Some(base_reps) = find(baseline) else {
        return Vec::new();
    };
    let label = |git: Option<&crate::record::GitInfo>, at: chrono::DateTime<chrono::Utc>| {
        git.map_or_else(
            || at.format("%m-%d %H:%M").to_string(),
            |g| g.sha.chars().take(7).collect(),
        )
    };
    let mean = |reps: &mut dyn Iterator<Item = &crate::record::Repetition>| {
        let v: Vec<f64> = reps
            .map(|x| x.metric(row.metric))
            .filter(|v| v.is_finite())
            .collect();
        (!v.is_empty()).then(|| crate::stats::mean(&v))
    };
    let mut runs = runs;
    runs.sort_by_key(|r| r.started_at);
    let mut out: Vec<super::TrendPoint> = runs
        .iter()
        .filter_map(|p| {
            let value = mean(
                &mut base_reps
                    .iter()
                    .filter(|x| x.run_id.as_deref() == Some(p.run_id.as_str())),
            )?;
            Some(super::TrendPoint {
                label: label(p.git.as_ref(), p.started_at),
                value,
            })
        })
        .collect();
    if out.len() < 2 {
        return Vec::new();
    }
    if let Some(reps) = find(current) {
        if let Some(value) = mean(&mut reps.iter()) {
            out.push(super::TrendPoint {
                label: format!(
                    "{} (this run)",
                    label(current.git.as_ref(), current.started_at)
                ),
                value,
            });
        }
    }
    out
}

/// What the baseline's machine and sequence say before any row is judged: notes, and the
/// reason the machines are incomparable, if they are.
fn baseline_notes(
    current: &RunRecord,
    baseline: Option<&RunRecord>,
    o: &Options,
    notes: &mut Vec<String>,
    not_judged: &mut Vec<NotJudged>,
) -> Option<String> {
    let env = baseline.map(|b| compare_env(&current.environment, &b.environment, &o.hard));
    let incomparable = env
        .as_ref()
        .and_then(super::super::system::EnvDiff::incomparable);
    if let Some(n) = &incomparable {
        notes.push(n.clone());
        not_judged.push(NotJudged {
            reason: Unjudged::Incomparable,
            detail: n.clone(),
        });
    }
    if let Some(d) = env.as_ref().filter(|d| !d.noted.is_empty()) {
        notes.push(format!(
            "the baseline's machine differs in {}: noted, not judged incomparable",
            d.noted.join(", ")
        ));
    }
    if let Some(b) = baseline {
        if b.scenario.sequence_digest != current.scenario.sequence_digest {
            notes.push("the operation sequence differs from the baseline's (scenario or seed changed): compare with care".into());
        }
    }
    incomparable
}

/// The scenario's verdict from its rows, standings and objectives.
fn verdict(
    current: &RunRecord,
    rows: &[Row],
    standings: &[super::Standing],
    slos: &[super::SloCheck],
    not_judged: &[NotJudged],
) -> Verdict {
    let regressed = rows
        .iter()
        .any(|r| r.gating && r.status == Status::Regression);
    if current.incomplete {
        Verdict::Failed
    } else if slos.iter().any(|s| !s.passed)
        || (current.scenario.kind == Kind::Internal && regressed)
    {
        Verdict::InternalRegression
    } else if current.scenario.kind == Kind::Competitive
        && (regressed || standings.iter().any(|s| s.regressed))
    {
        Verdict::CompetitiveRegression
    } else if !not_judged.is_empty() {
        Verdict::NotJudged
    } else {
        Verdict::Ok
    }
}

/// Why the scenario failed: interrupted, or (ingested results) benchmarks that vanished, which
/// fail the verdict unless allowed (then they are a note).
fn vanished_failure(
    current: &RunRecord,
    baseline: Option<&RunRecord>,
    o: &Options,
    verdict: &mut Verdict,
    notes: &mut Vec<String>,
) -> Option<String> {
    let mut failure = current
        .incomplete
        .then(|| "interrupted before every repetition completed".to_owned());
    let missing = if ingested(current) {
        vanished(current, baseline)
    } else {
        Vec::new()
    };
    if !missing.is_empty() {
        let text = format!(
            "{} benchmark(s) vanished: {}",
            missing.len(),
            missing.join("; ")
        );
        if o.allow_missing {
            notes.push(format!("{text} (allowed by --allow-missing)"));
        } else {
            *verdict = Verdict::Failed;
            failure.get_or_insert(text);
        }
    }
    failure
}

/// Ingested results: benchmarks of the baseline absent from this run, and benchmarks the tool
/// reported as failed without a single result, each with why.
fn vanished(current: &RunRecord, baseline: Option<&RunRecord>) -> Vec<String> {
    let mut out = Vec::new();
    for t in current.targets.iter().filter(|t| t.role == Role::Ours) {
        for o in &t.operations {
            let ok: u64 = o.repetitions.iter().map(|r| r.count).sum();
            let failed: u64 = o.repetitions.iter().flat_map(|r| r.errors.values()).sum();
            if ok == 0 && failed > 0 && o.summary.is_none() {
                let said = o
                    .repetitions
                    .iter()
                    .find_map(|r| r.error_samples.values().next())
                    .map_or_else(String::new, |s| {
                        format!(": {}", crate::util::prefix(s, 120))
                    });
                out.push(format!("`{}` failed{said}", o.name));
            }
        }
    }
    if let Some(b) = baseline {
        let here: HashSet<(&str, &str)> = current
            .targets
            .iter()
            .flat_map(|c| {
                c.operations
                    .iter()
                    .map(|x| (c.name.as_str(), x.name.as_str()))
            })
            .collect();
        for t in b.targets.iter().filter(|t| t.role == Role::Ours) {
            for o in &t.operations {
                if !here.contains(&(t.name.as_str(), o.name.as_str())) {
                    out.push(format!("`{}` is in the baseline, not in this run", o.name));
                }
            }
        }
    }
    out
}

/// A record like `current` whose `ours` targets are replaced by `base` (an A/B run's base).
fn with_base(current: &RunRecord, base: &[TargetRecord]) -> RunRecord {
    let mut r = current.clone();
    for t in &mut r.targets {
        if let Some(b) = base.iter().find(|b| b.name == t.name) {
            t.clone_from(b);
        }
    }
    r.ab = None;
    r
}

/// Whether the record is another tool's output (`benchbot ingest`), whose samples are many
/// iterations of one run.
fn ingested(r: &RunRecord) -> bool {
    r.scenario.tags.iter().any(|t| t == "ingest") && r.scenario.sequence_ops == 0
}

/// Every compared row, judged.
fn judge_rows(
    current: &RunRecord,
    base_targets: Option<&[TargetRecord]>,
    method: Method,
    incomparable: bool,
) -> Vec<Row> {
    let th = &current.scenario.thresholds;
    let gate = th.gate.as_deref().unwrap_or(&th.metrics);
    let mut rows = Vec::new();
    let mut changes: Vec<Option<Effect>> = Vec::new();
    for &metric in &th.metrics {
        let base_series = base_targets.map(|b| series(b, metric)).unwrap_or_default();
        // Found by (target, operation) through an index: ingested records hold thousands.
        let by_key: HashMap<(&str, &str), &Series<'_>> = base_series
            .iter()
            .rev()
            .map(|b| ((b.target, b.operation), b))
            .collect();
        for cur in series(&current.targets, metric) {
            let base = by_key.get(&(cur.target, cur.operation)).copied();
            let gating = cur.role == Role::Ours
                && (gate.contains(&metric)
                    || metric == Metric::Recall && gate == th.metrics.as_slice());
            let (row, change) = row(current, method, metric, &cur, base, gating);
            rows.push(row);
            changes.push(change);
        }
    }
    // One family per scenario: Holm–Bonferroni across the gating rows that were tested.
    let family: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].gating && rows[i].p.is_some())
        .collect();
    let adjusted = crate::stats::holm(
        &family
            .iter()
            .map(|&i| rows[i].p.unwrap_or(1.0))
            .collect::<Vec<_>>(),
    );
    for (k, &i) in family.iter().enumerate() {
        rows[i].p_adjusted = Some(adjusted[k]);
    }
    for (row, change) in rows.iter_mut().zip(&changes) {
        settle(current, row, change.as_ref(), incomparable);
    }
    rows
}

/// A row with its values and estimate, not yet judged.
fn row(
    current: &RunRecord,
    method: Method,
    metric: Metric,
    cur: &Series<'_>,
    base: Option<&Series<'_>>,
    gating: bool,
) -> (Row, Option<Effect>) {
    let th = &current.scenario.thresholds;
    let current_mean = cur.mean(true).unwrap_or(f64::NAN);
    let mut row = Row {
        target: cur.target.to_owned(),
        role: cur.role,
        operation: cur.operation.to_owned(),
        metric,
        baseline: None,
        current: current_mean,
        delta: None,
        change: None,
        ci: None,
        p: None,
        p_adjusted: None,
        n_baseline: 0,
        n_current: cur.judged(true).count().max(cur.summary.map_or(0, |s| s.n)),
        low_confidence: false,
        from_summary: false,
        unit: cur.unit.map(str::to_owned),
        gating,
        needed: None,
        first: None,
        confirming: None,
        status: Status::New,
        trend: Vec::new(),
    };
    let Some(base) = base else {
        return (row, None);
    };
    row.baseline = base.mean(true);
    row.delta = row.baseline.map(|b| current_mean - b);
    let sc = scale(metric);
    let change = match (method, &current.ab) {
        (Method::Interleaved, Some(ab)) => {
            if let Some(from) = ab.confirm_from {
                let before = |b: u32| b < from;
                let after = |b: u32| b >= from;
                row.first = paired(base, cur, sc, th.alpha, Some(&before)).map(|c| c.stage());
                row.confirming = paired(base, cur, sc, th.alpha, Some(&after)).map(|c| c.stage());
            }
            paired(base, cur, sc, th.alpha, None)
        }
        // One value per side (a tool that prints one number per benchmark): its spread is
        // unknown, so the value is judged against the spread between the baseline's runs.
        (Method::Samples, _) => {
            samples_test(base, cur, sc, th.alpha).or_else(|| runs_test(base, cur, sc, th.alpha))
        }
        (Method::Runs, _) => runs_test(base, cur, sc, th.alpha),
        // Shown, not judged: one session's repetitions miss the noise between sessions.
        _ => samples_test(base, cur, sc, th.alpha).map(|mut c| {
            c.method = Method::None;
            c
        }),
    };
    if let Some(c) = &change {
        row.change = Some(c.change);
        // Shown, not judged: one session's interval and p-value would claim more than they
        // know, so only the change is kept.
        if c.method != Method::None {
            row.ci = Some(c.ci);
            row.p = Some(c.p);
        }
        row.n_baseline = c.n_baseline;
        row.n_current = c.n_current;
        row.from_summary = c.from_summary;
        row.low_confidence = c.est.n < 3;
    }
    (row, change)
}

/// The row's status, from its change, the family-wise p-value and the thresholds.
fn settle(current: &RunRecord, row: &mut Row, change: Option<&Effect>, incomparable: bool) {
    let th = &current.scenario.thresholds;
    if row.baseline.is_none() {
        row.status = Status::New;
        row.needed = None;
        return;
    }
    if incomparable {
        row.status = Status::Incomparable;
        return;
    }
    let Some(c) = change else {
        // Values on both sides but no test: too few, or every one measured on a busy machine.
        row.status = Status::Inconclusive;
        return;
    };
    let rule = rule(row.metric, current);
    if c.method == Method::None {
        // A baseline of fewer than three runs: shown, never judged.
        row.status = if row.delta.is_some_and(|d| d.abs() <= rule.floor) {
            Status::Unchanged
        } else {
            Status::Inconclusive
        };
    } else {
        let p = row.p_adjusted.or(row.p).unwrap_or(1.0);
        row.status = decide(row.metric, c, row.delta.unwrap_or(0.0), p, &rule);
        if row.status == Status::Regression
            && current
                .ab
                .as_ref()
                .is_some_and(|ab| ab.confirm_from.is_some())
        {
            // Interleaved runs confirm a suspected regression with blocks of their own.
            let confirmed = row.confirming.is_some_and(|s| {
                let worse = if row.metric.higher_is_better() {
                    -s.change
                } else {
                    s.change
                };
                worse > 0.0 && s.p / 2.0 < th.alpha
            });
            if !confirmed {
                row.status = Status::Inconclusive;
            }
        }
        if row.status == Status::Inconclusive {
            row.needed = needed(row.metric, c, &rule);
        }
    }
    if row.role == Role::Competitor && !matches!(row.status, Status::Unchanged | Status::New) {
        row.status = Status::Changed;
    }
    if !row.gating && row.status == Status::Regression {
        row.status = Status::Warning;
    }
}

/// The thresholds and floor of one metric.
pub(super) fn rule(metric: Metric, current: &RunRecord) -> Rule {
    let th = &current.scenario.thresholds;
    #[expect(
        clippy::cast_precision_loss,
        reason = "nanoseconds fit f64 well enough"
    )]
    let floor = match metric {
        Metric::Throughput => th.throughput_floor,
        Metric::ErrorRate => th.error_rate_floor,
        // Half a point of recall or precision is within what query sampling moves.
        Metric::Recall | Metric::Precision => 0.005,
        _ => th.latency_floor_ns as f64,
    };
    let (fail, warn) = if metric == Metric::ErrorRate {
        (th.error_rate_floor, th.error_rate_floor)
    } else {
        (th.regression, th.warn)
    };
    Rule {
        fail,
        warn,
        floor,
        alpha: th.alpha,
    }
}

/// Why gating rows could not be judged: inconclusive data, or a busy machine.
fn unjudged_rows(current: &RunRecord, method: Method, rows: &[Row], out: &mut Vec<NotJudged>) {
    if !out.is_empty() {
        return;
    }
    let reps = || {
        current
            .targets
            .iter()
            .flat_map(|t| &t.operations)
            .flat_map(|o| &o.repetitions)
    };
    if reps().next().is_some() && reps().all(|r| r.busy.is_some()) {
        out.push(NotJudged {
            reason: Unjudged::Busy,
            detail: "every repetition was measured while the machine was busy".into(),
        });
        return;
    }
    let unit = match method {
        Method::Interleaved => "blocks",
        Method::Runs => "baseline runs",
        Method::Samples | Method::None => "samples",
    };
    let inconclusive: Vec<String> = rows
        .iter()
        .filter(|r| r.gating && r.status == Status::Inconclusive)
        .map(|r| {
            let needs = r.needed.map_or_else(String::new, |n| {
                format!(", needs {} {unit}", super::decide::needed_text(n))
            });
            format!("{} {} {}{needs}", r.target, r.operation, r.metric)
        })
        .collect();
    if !inconclusive.is_empty() {
        out.push(NotJudged {
            reason: Unjudged::Inconclusive,
            detail: inconclusive.join("; "),
        });
    }
}

/// What was compared with what.
fn basis(current: &RunRecord, baseline: Option<&RunRecord>, method: Method, rows: &[Row]) -> Basis {
    let run_ref = |p: &PooledRun| RunRef {
        run_id: p.run_id.clone(),
        sha: p.git.as_ref().map(|g| g.sha.clone()),
        reference: p.git.as_ref().and_then(|g| g.reference.clone()),
        started_at: p.started_at.to_rfc3339(),
        runner: p.runner.clone(),
    };
    let th = &current.scenario.thresholds;
    let gating = rows.iter().filter(|r| r.gating && r.p.is_some()).count();
    #[expect(clippy::cast_precision_loss, reason = "nanoseconds for display")]
    let thresholds = format!(
        "regression beyond {}%, warning beyond {}%; floors: latency {}, throughput {}/s, error rate {} points; α {} across {gating} gating row(s) (Holm)",
        crate::util::sig3(th.regression * 100.0),
        crate::util::sig3(th.warn * 100.0),
        crate::util::format_ns(th.latency_floor_ns as f64),
        crate::util::sig3(th.throughput_floor),
        crate::util::sig3(th.error_rate_floor * 100.0),
        th.alpha
    );
    let current_ref = runs_of(current).first().map(run_ref).unwrap_or_default();
    match (&current.ab, baseline) {
        (Some(ab), _) => Basis {
            method: Method::Interleaved,
            source: "interleaved A/B on this runner".into(),
            baseline: vec![RunRef {
                run_id: current.run_id.clone(),
                sha: Some(ab.base.sha.clone()),
                reference: ab.base.reference.clone(),
                started_at: current.started_at.to_rfc3339(),
                runner: current.environment.runner.clone(),
            }],
            current: RunRef {
                sha: Some(ab.head.sha.clone()),
                reference: ab.head.reference.clone(),
                ..current_ref
            },
            n_baseline: rows.iter().map(|r| r.n_baseline).max().unwrap_or(0),
            n_current: rows.iter().map(|r| r.n_current).max().unwrap_or(0),
            confirmation_blocks: ab.confirmation_blocks,
            excluded_blocks: u32::try_from(ab.excluded.len()).unwrap_or(u32::MAX),
            thresholds,
        },
        (None, Some(b)) => Basis {
            method,
            // A pooled baseline's id is `label (n runs: …)`; its runs are listed below.
            source: b.run_id.split(" (").next().unwrap_or(&b.run_id).to_owned(),
            baseline: runs_of(b).iter().map(run_ref).collect(),
            current: current_ref,
            n_baseline: runs_of(b).len(),
            n_current: 1,
            confirmation_blocks: 0,
            excluded_blocks: 0,
            thresholds,
        },
        (None, None) => Basis {
            method: Method::None,
            current: current_ref,
            thresholds,
            ..Basis::default()
        },
    }
}
