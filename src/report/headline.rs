//! The one-line summary and the overall verdict of a set of comparisons.

use crate::verdict::{Comparison, Verdict};

/// The most severe verdict of a set of comparisons.
#[must_use]
pub fn overall(comparisons: &[Comparison]) -> Verdict {
    comparisons
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::Ok)
}

/// One-line summary of a set of comparisons.
#[must_use]
pub fn headline(comparisons: &[Comparison]) -> String {
    let regressions: usize = comparisons.iter().map(|c| c.regressions().count()).sum();
    let slo_failures: usize = comparisons
        .iter()
        .map(|c| c.slos.iter().filter(|s| !s.passed).count())
        .sum();
    let gaps: usize = comparisons
        .iter()
        .map(|c| c.standings.iter().filter(|s| s.regressed).count())
        .sum();
    let mut parts = vec![format!("{} scenario(s)", comparisons.len())];
    parts.push(format!("{regressions} regression(s)"));
    if slo_failures > 0 {
        parts.push(format!("{slo_failures} objective(s) missed"));
    }
    if gaps > 0 {
        parts.push(format!("{gaps} competitive gap(s) worsened"));
    }
    let verdict = match overall(comparisons) {
        Verdict::Ok => "ok",
        Verdict::InternalRegression => "internal regression",
        Verdict::CompetitiveRegression => "competitive regression",
    };
    format!("benchbot: {verdict} — {}", parts.join(", "))
}
