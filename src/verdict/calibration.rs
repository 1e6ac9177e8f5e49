//! Calibration: what the gate says when nothing changed. Rounds of A/A (one build measured as
//! both base and head in interleaved blocks) give, per scenario, the false-alarm rate with its
//! interval, and per gating row the noise between paired blocks: the minimum detectable effect
//! at 95% power, and the blocks that settle a change of the threshold's size. The same rounds
//! judged the old way (each round's repetitions against the first round's, Welch's test per
//! row at the scenario's alpha, no family-wise correction) are counted beside them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::compare::rule;
use super::estimate::{block_differences, scale, series, Scale};
use super::types::{Comparison, Status, Verdict};
use crate::record::RunRecord;
use crate::scenario::{Metric, Role};
use crate::stats;
use crate::system::Environment;

/// The format of a calibration document.
pub const CALIBRATION_FORMAT: &str = "benchbot.calibration";
/// The power the minimum detectable effects are quoted at.
pub const POWER: f64 = 0.95;

/// Events out of trials, with the Wilson 95% interval of their rate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub events: u64,
    pub trials: u64,
    pub rate: f64,
    pub ci: (f64, f64),
}

impl Rate {
    #[must_use]
    #[expect(clippy::cast_precision_loss, reason = "trial counts are small")]
    pub fn of(events: u64, trials: u64) -> Self {
        Self {
            events,
            trials,
            rate: if trials == 0 {
                0.0
            } else {
                events as f64 / trials as f64
            },
            ci: stats::wilson(events, trials, 0.05).unwrap_or((0.0, 1.0)),
        }
    }
}

/// The rounds' verdicts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdicts {
    pub ok: u64,
    pub not_judged: u64,
    pub regression: u64,
    pub failed: u64,
}

/// One gating row (target, operation, metric) over every round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalibratedRow {
    pub target: String,
    pub operation: String,
    pub metric: Metric,
    /// Rounds in which the row was judged.
    pub rounds: u64,
    pub regression: u64,
    pub warning: u64,
    pub improvement: u64,
    pub inconclusive: u64,
    /// The spread of one block's difference head − base (log ratio for ratio metrics, points
    /// for shares), pooled over the rounds.
    pub block_sd: f64,
    /// Blocks per round in the first stage (median over rounds).
    pub blocks: u32,
    /// The smallest true change (relative, or points for shares) the row detects at 95% power
    /// with `blocks` blocks, at the family-wise level of its scenario.
    pub detectable: Option<f64>,
    /// The blocks with which the detectable change is the regression threshold (or the floor,
    /// relative to the row's value, when that is larger): enough to rule a change of that
    /// size in or out (`None` above 1000).
    pub blocks_for_threshold: Option<u32>,
    /// Rounds whose row the old way called a regression.
    pub old_way_regression: u64,
}

/// What A/A rounds of one scenario said on one machine.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Calibration {
    /// Always [`CALIBRATION_FORMAT`].
    pub format: String,
    pub format_version: u32,
    pub scenario: String,
    pub sequence_digest: String,
    pub created_at: DateTime<Utc>,
    pub environment: Environment,
    pub threshold: f64,
    pub alpha: f64,
    pub power: f64,
    pub rounds: u64,
    pub verdicts: Verdicts,
    /// Rounds whose verdict was a regression (internal or competitive), of the rounds judged
    /// or not (every round is an A/A: any regression is a false alarm).
    pub false_alarms: Rate,
    /// Rounds in which a regression was suspected and confirmation blocks ran.
    pub suspected: u64,
    /// Rounds whose gating rows left the scenario not judged.
    pub not_judged: Rate,
    /// Rounds after the first judged the old way, and how many raised a regression.
    pub old_way: Rate,
    /// Wall time of one round (measuring base and head), median, seconds.
    pub seconds_per_verdict: f64,
    pub rows: Vec<CalibratedRow>,
}

impl Calibration {
    /// The blocks a scenario needs on this machine: the largest `blocks_for_threshold` of its
    /// gating rows (rows that never settle are left out and named by the caller).
    #[must_use]
    pub fn blocks_needed(&self) -> Option<u32> {
        self.rows
            .iter()
            .filter_map(|r| r.blocks_for_threshold)
            .max()
    }
}

/// One round: its record and what the gate made of it.
pub struct Round<'a> {
    /// `None` when the round failed before a record was written.
    pub record: Option<&'a RunRecord>,
    pub comparison: &'a Comparison,
}

/// Key of a row.
type Key = (String, String, Metric);

#[derive(Default)]
struct Acc {
    statuses: Vec<Status>,
    /// Per round: sum of squared deviations and degrees of freedom of the block differences.
    ss: f64,
    df: usize,
    blocks: Vec<u32>,
    /// The base's mean of each round, for the floor.
    base_means: Vec<f64>,
    old_way: u64,
}

/// Calibrates one scenario from its A/A rounds (oldest first; every record an interleaved run
/// of one build).
#[must_use]
pub fn calibrate(rounds: &[Round<'_>], created_at: DateTime<Utc>) -> Option<Calibration> {
    let rec = rounds.iter().find_map(|r| r.record)?;
    let th = &rec.scenario.thresholds;
    let mut verdicts = Verdicts::default();
    let mut suspected = 0;
    let mut rows: BTreeMap<Key, Acc> = BTreeMap::new();
    let mut seconds = Vec::new();
    let mut old = (0, 0);
    let first = rounds.iter().position(|r| r.record.is_some()).unwrap_or(0);
    for (i, r) in rounds.iter().enumerate() {
        match r.comparison.verdict {
            Verdict::Ok | Verdict::Accepted => verdicts.ok += 1,
            Verdict::NotJudged => verdicts.not_judged += 1,
            Verdict::InternalRegression | Verdict::CompetitiveRegression => {
                verdicts.regression += 1;
            }
            Verdict::Failed => verdicts.failed += 1,
        }
        let Some(record) = r.record else { continue };
        let Some(ab) = &record.ab else { continue };
        if ab.confirm_from.is_some() {
            suspected += 1;
        }
        seconds.push(
            (record.finished_at - record.started_at)
                .to_std()
                .map_or(0.0, |d| d.as_secs_f64()),
        );
        for row in r.comparison.rows.iter().filter(|x| x.gating) {
            let acc = rows
                .entry((row.target.clone(), row.operation.clone(), row.metric))
                .or_default();
            acc.statuses.push(row.status);
            acc.base_means
                .extend(row.baseline.filter(|b| b.is_finite()));
        }
        spread(record, &mut rows);
        if i > first && r.comparison.verdict != Verdict::Failed {
            old.1 += 1;
            let flagged = old_way(rec, record);
            if !flagged.is_empty() {
                old.0 += 1;
            }
            for k in flagged {
                rows.entry(k).or_default().old_way += 1;
            }
        }
    }
    let family = rows.len().max(1);
    #[expect(clippy::cast_precision_loss, reason = "row counts are small")]
    let alpha = th.alpha / family as f64;
    let rows = rows
        .into_iter()
        .filter(|(_, a)| !a.statuses.is_empty())
        .map(|(key, a)| calibrated_row(rec, key, &a, alpha))
        .collect();
    let n = rounds.len() as u64;
    Some(Calibration {
        format: CALIBRATION_FORMAT.into(),
        format_version: 1,
        scenario: rec.scenario.name.clone(),
        sequence_digest: rec.scenario.sequence_digest.clone(),
        created_at,
        environment: rec.environment.clone(),
        threshold: th.regression,
        alpha: th.alpha,
        power: POWER,
        rounds: n,
        verdicts,
        false_alarms: Rate::of(verdicts.regression, n),
        suspected,
        not_judged: Rate::of(verdicts.not_judged, n),
        old_way: Rate::of(old.0, old.1),
        seconds_per_verdict: median_f64(&mut seconds),
        rows,
    })
}

/// A row's counts over the rounds, and what its pooled block spread detects.
fn calibrated_row(rec: &RunRecord, key: Key, a: &Acc, alpha: f64) -> CalibratedRow {
    let (target, operation, metric) = key;
    let count = |s: Status| a.statuses.iter().filter(|x| **x == s).count() as u64;
    #[expect(clippy::cast_precision_loss, reason = "block counts are small")]
    let sd = if a.df == 0 {
        f64::NAN
    } else {
        (a.ss / a.df as f64).sqrt()
    };
    let blocks = median_u32(&a.blocks);
    let rule = rule(metric, rec);
    let sc = scale(metric);
    // A change inside the floor is never a regression, so a row only has to settle whichever
    // is larger: the threshold, or the floor relative to the row's value.
    let limit = match sc {
        Scale::Ratio => {
            let base = stats::mean(&a.base_means).abs();
            let floor = if base > 0.0 { rule.floor / base } else { 0.0 };
            rule.fail.max(floor).ln_1p()
        }
        Scale::Points => rule.fail.max(rule.floor),
    };
    let detectable = stats::minimum_detectable(sd, blocks as usize, alpha, POWER)
        .filter(|d| d.is_finite())
        .map(|d| match sc {
            Scale::Ratio => d.exp_m1(),
            Scale::Points => d,
        });
    let blocks_for_threshold = (2..=1000u32).find(|&n| {
        stats::minimum_detectable(sd, n as usize, alpha, POWER).is_some_and(|d| d <= limit)
    });
    CalibratedRow {
        target,
        operation,
        metric,
        rounds: a.statuses.len() as u64,
        regression: count(Status::Regression),
        warning: count(Status::Warning),
        improvement: count(Status::Improvement),
        inconclusive: count(Status::Inconclusive),
        block_sd: sd,
        blocks,
        detectable,
        blocks_for_threshold,
        old_way_regression: a.old_way,
    }
}

/// Adds the spread of one round's block differences, per gating row.
fn spread(record: &RunRecord, rows: &mut BTreeMap<Key, Acc>) {
    let Some(ab) = &record.ab else { return };
    let first_stage = |b: u32| ab.confirm_from.is_none_or(|from| b < from);
    for (key, acc) in rows.iter_mut() {
        let metric = key.2;
        let sc = scale(metric);
        let base = series(&ab.base_targets, metric);
        let head = series(&record.targets, metric);
        let find = |s: &[super::estimate::Series<'_>]| {
            s.iter()
                .position(|x| x.target == key.0 && x.operation == key.1)
        };
        let (Some(b), Some(h)) = (find(&base), find(&head)) else {
            continue;
        };
        let d = block_differences(&base[b], &head[h], sc, None);
        if d.len() >= 2 {
            let m = stats::mean(&d);
            acc.ss += d.iter().map(|x| (x - m).powi(2)).sum::<f64>();
            acc.df += d.len() - 1;
        }
        let first = block_differences(&base[b], &head[h], sc, Some(&first_stage)).len();
        acc.blocks.push(u32::try_from(first).unwrap_or(u32::MAX));
    }
}

/// The rows of `current`'s head that the old way called regressions against `first`'s head:
/// Welch's test of the repetitions at the scenario's alpha, each row on its own.
fn old_way(first: &RunRecord, current: &RunRecord) -> Vec<Key> {
    let th = &current.scenario.thresholds;
    let mut out = Vec::new();
    for &metric in &th.metrics {
        let base = series(&first.targets, metric);
        for cur in series(&current.targets, metric) {
            if cur.role != Role::Ours {
                continue;
            }
            let Some(b) = base
                .iter()
                .find(|b| b.target == cur.target && b.operation == cur.operation)
            else {
                continue;
            };
            let of = |s: &super::estimate::Series<'_>| {
                stats::Summary::of(&s.vals.iter().map(|v| v.v).collect::<Vec<_>>())
            };
            let (bs, cs) = (of(b), of(&cur));
            let Some(w) = stats::welch(bs, cs, th.alpha) else {
                continue;
            };
            let r = rule(metric, current);
            let change = match scale(metric) {
                Scale::Ratio if bs.mean.abs() > 0.0 => w.diff / bs.mean.abs(),
                Scale::Ratio => continue,
                Scale::Points => w.diff,
            };
            let worse = if metric.higher_is_better() {
                -change
            } else {
                change
            };
            if w.p < th.alpha && worse > r.fail && w.diff.abs() > r.floor {
                out.push((cur.target.to_owned(), cur.operation.to_owned(), metric));
            }
        }
    }
    out
}

fn median_u32(v: &[u32]) -> u32 {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

fn median_f64(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}
