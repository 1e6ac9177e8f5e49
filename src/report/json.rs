//! The JSON report: the verdict and every comparison.

use super::overall;
use crate::verdict::{Comparison, Verdict};

/// JSON report: the verdict and every comparison.
///
/// # Errors
/// Never in practice; serde_json errors are passed on.
pub fn json(comparisons: &[Comparison]) -> serde_json::Result<String> {
    json_for(comparisons, None)
}

/// The pull request a report was measured for: `publish` in a `workflow_run` job posts to it
/// once GitHub confirms its head is the commit the run measured.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReportPr {
    pub number: u64,
    pub head_sha: String,
}

/// [`json`], naming the pull request it was measured for.
///
/// # Errors
/// Never in practice; serde_json errors are passed on.
pub fn json_for(comparisons: &[Comparison], pr: Option<&ReportPr>) -> serde_json::Result<String> {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        format: &'static str,
        format_version: u32,
        verdict: Verdict,
        #[serde(skip_serializing_if = "Option::is_none")]
        pull_request: Option<&'a ReportPr>,
        comparisons: &'a [Comparison],
    }
    let s = serde_json::to_string_pretty(&Report {
        format: "benchbot.report",
        format_version: 1,
        verdict: overall(comparisons),
        pull_request: pr,
        comparisons,
    })?;
    Ok(s + "\n")
}
