//! What a comparison says: rows, standings, objectives and the verdict.

use serde::{Deserialize, Serialize};

use crate::scenario::{Kind, Metric, Role};

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
