//! The JSON report: the verdict and every comparison.

use super::overall;
use crate::verdict::{Comparison, Verdict};

/// JSON report: the verdict and every comparison.
///
/// # Errors
/// Never in practice; serde_json errors are passed on.
pub fn json(comparisons: &[Comparison]) -> serde_json::Result<String> {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        format: &'static str,
        format_version: u32,
        verdict: Verdict,
        comparisons: &'a [Comparison],
    }
    let s = serde_json::to_string_pretty(&Report {
        format: "benchbot.report",
        format_version: 1,
        verdict: overall(comparisons),
        comparisons,
    })?;
    Ok(s + "\n")
}
