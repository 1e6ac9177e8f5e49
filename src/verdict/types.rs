//! What a comparison says: rows, standings, objectives, what was compared with what, and the
//! verdict.

use serde::{Deserialize, Serialize};

use crate::scenario::{Kind, Metric, Role};

/// The outcome of one metric of one (target, operation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Significant (after the family-wise correction), worse than the threshold and the floor,
    /// and, for interleaved runs, confirmed by further blocks.
    Regression,
    /// Significant, worse than the warning threshold but within the regression threshold.
    Warning,
    /// The data can neither confirm nor exclude a change of the threshold's size.
    Inconclusive,
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
            Status::Inconclusive => "inconclusive",
            Status::Improvement => "improved",
            Status::Unchanged => "ok",
            Status::Changed => "changed",
            Status::New => "new",
            Status::Incomparable => "incomparable",
        }
    }
}

/// One stage of evidence: what `n` blocks (or runs) said.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub n: usize,
    /// Relative change (absolute for shares).
    pub change: f64,
    pub ci: (f64, f64),
    pub p: f64,
}

/// One compared metric.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    pub target: String,
    pub role: Role,
    pub operation: String,
    pub metric: Metric,
    /// Mean over the baseline's repetitions (base blocks, pooled runs).
    pub baseline: Option<f64>,
    /// Mean over this run's repetitions.
    pub current: f64,
    pub delta: Option<f64>,
    /// Relative change (absolute points for error rates and other shares).
    pub change: Option<f64>,
    /// Confidence interval of `change`, at the row's level after the family-wise correction.
    pub ci: Option<(f64, f64)>,
    pub p: Option<f64>,
    /// The p-value after the Holm–Bonferroni correction across the scenario's gating rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_adjusted: Option<f64>,
    pub n_baseline: usize,
    pub n_current: usize,
    pub low_confidence: bool,
    /// Judged from the tool's summary statistics (mean, stdev, n) rather than raw samples.
    #[serde(default)]
    pub from_summary: bool,
    /// Unit of an ingested value that is neither a time nor a rate (shown instead of ns or /s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Whether a regression of this row fails the run.
    #[serde(default)]
    pub gating: bool,
    /// Inconclusive rows: the repetitions (or blocks) that would likely settle it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needed: Option<u32>,
    /// Interleaved runs with a suspected regression: the first blocks' evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Stage>,
    /// … and the confirming blocks' own evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirming: Option<Stage>,
    pub status: Status,
    /// A regression or warning judged against several pooled runs: the metric in each of
    /// them, oldest first, then in this run (labelled by short commit or date), for a trend.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trend: Vec<TrendPoint>,
}

/// One run's value of a row's metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// The run's short commit (or its date).
    pub label: String,
    pub value: f64,
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
    /// How far inside the bound the value is, as a fraction of the bound (negative: outside).
    #[serde(default)]
    pub margin: f64,
}

/// Failed operations of one kind, for one (target, operation), over the run's repetitions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Errors {
    pub target: String,
    pub operation: String,
    /// `check`, `http-5xx`, `timeout`… (see the record's `errors`).
    pub kind: String,
    pub count: u64,
    /// Operations attempted, successful or not.
    pub of: u64,
    /// One message of this kind (untrusted: escaped where shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
}

/// How punctual an open-loop operation's sends were.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LateSends {
    pub target: String,
    pub operation: String,
    /// Share of sends that started more than 1 ms after their intended time.
    pub late_share: f64,
    /// p50 from the intended send time (what users saw), mean over repetitions.
    pub corrected_p50_ns: f64,
    /// p50 from the actual send time (what the service took).
    pub service_p50_ns: f64,
}

impl LateSends {
    /// What waiting to be sent added to the p50.
    #[must_use]
    pub fn wait_ns(&self) -> f64 {
        self.corrected_p50_ns - self.service_p50_ns
    }

    /// More than 1% of sends late, or a wait above 10% of the service time.
    #[must_use]
    pub fn matters(&self) -> bool {
        self.late_share > 0.01
            || (self.service_p50_ns > 0.0 && self.wait_ns() / self.service_p50_ns > 0.1)
    }
}

/// The overall outcome of a scenario. Ordered by severity: the worst one of a run decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Judged, and nothing regressed.
    Ok,
    /// Judged, regressed, and the change was accepted as intended (a label on the pull
    /// request): reported, not failing.
    Accepted,
    /// Not judged: no baseline, an incomparable machine, inconclusive data or a busy machine
    /// (the reasons say which); objectives were still checked.
    NotJudged,
    CompetitiveRegression,
    InternalRegression,
    /// The scenario could not be measured (a target that did not start, every operation
    /// failed, a service that died) or the run was interrupted.
    Failed,
}

impl Verdict {
    /// The words of the headline and of the action's `verdict` output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Accepted => "accepted",
            Verdict::NotJudged => "not-judged",
            Verdict::CompetitiveRegression => "competitive-regression",
            Verdict::InternalRegression => "internal-regression",
            Verdict::Failed => "failed",
        }
    }
}

/// Why a scenario (or part of it) was not judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unjudged {
    /// No baseline to compare with.
    NoBaseline,
    /// The baseline was measured on another machine.
    Incomparable,
    /// Gating rows whose data can neither confirm nor exclude a regression.
    Inconclusive,
    /// Every repetition was measured while the machine was busy.
    Busy,
}

impl Unjudged {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Unjudged::NoBaseline => "no baseline",
            Unjudged::Incomparable => "incomparable environment",
            Unjudged::Inconclusive => "inconclusive",
            Unjudged::Busy => "machine busy",
        }
    }
}

/// A reason for not judging, and what it was about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotJudged {
    pub reason: Unjudged,
    pub detail: String,
}

/// How the comparison was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Base and head in alternating blocks on this runner, judged pair by pair.
    Interleaved,
    /// This run against the spread of several earlier runs (the baseline's runs).
    Runs,
    /// This run's samples against one earlier run's samples (ingested tool output).
    Samples,
    /// Nothing to compare with: objectives only.
    #[default]
    None,
}

/// A run a comparison is made against, or of.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRef {
    pub run_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// RFC 3339.
    pub started_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner: Option<String>,
}

/// What was compared with what, for the reader of a report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Basis {
    pub method: Method,
    /// Where the baseline came from: `interleaved A/B`, `history:main`, a file.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The baseline's runs (several when pooled); for A/B runs, the base revision's run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub baseline: Vec<RunRef>,
    /// The measured run.
    #[serde(default)]
    pub current: RunRef,
    /// Blocks (A/B), runs (pooled history) or repetitions compared, per side.
    #[serde(default)]
    pub n_baseline: usize,
    #[serde(default)]
    pub n_current: usize,
    /// A/B: blocks run to confirm a suspected regression, and blocks left out.
    #[serde(default)]
    pub confirmation_blocks: u32,
    #[serde(default)]
    pub excluded_blocks: u32,
    /// Thresholds and floors in force, in words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub thresholds: String,
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
    /// What was compared with what.
    #[serde(default)]
    pub basis: Basis,
    /// Why (part of) the scenario was not judged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_judged: Vec<NotJudged>,
    /// Who accepted the regression and why (untrusted text), when it was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
    /// Why the scenario failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// The scenario file, for commands that reproduce the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Open loop: how late sends started, per operation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub late_sends: Vec<LateSends>,
    /// A sweep: the capacity curve, its knee, saturation and operating range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<super::capacity::CapacityReport>,
    /// A load profile: each stage's intended and achieved load.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<super::profile::StageRow>,
    /// Failed operations by kind (failed checks among them), most first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Errors>,
}

impl Comparison {
    /// Rows that gate: regressions of our targets.
    pub fn regressions(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.status == Status::Regression)
    }

    /// The comparison of a scenario that could not be measured (or was interrupted).
    #[must_use]
    pub fn failed(scenario: &str, kind: Kind, run_id: &str, why: impl Into<String>) -> Self {
        Self {
            scenario: scenario.to_owned(),
            kind,
            run_id: run_id.to_owned(),
            baseline_run_id: None,
            incomplete: false,
            low_confidence: false,
            rows: Vec::new(),
            standings: Vec::new(),
            slos: Vec::new(),
            notes: Vec::new(),
            verdict: Verdict::Failed,
            published: Vec::new(),
            late_sends: Vec::new(),
            capacity: None,
            stages: Vec::new(),
            errors: Vec::new(),
            accepted: None,
            basis: Basis::default(),
            not_judged: Vec::new(),
            failure: Some(why.into()),
            path: None,
        }
    }
}
