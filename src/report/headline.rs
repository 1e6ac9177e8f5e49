//! The one-line summary and the overall verdict of a set of comparisons: it says whether
//! anything was judged, and never "ok" without a judgement.

use crate::verdict::{Comparison, Verdict};

/// The most severe verdict of a set of comparisons; nothing compared is "not judged".
#[must_use]
pub fn overall(comparisons: &[Comparison]) -> Verdict {
    comparisons
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::NotJudged)
}

/// The headline word of a verdict.
#[must_use]
pub fn verdict_words(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "ok",
        Verdict::Accepted => "regression accepted",
        Verdict::NotJudged => "not judged",
        Verdict::CompetitiveRegression => "competitive regression",
        Verdict::InternalRegression => "internal regression",
        Verdict::Failed => "FAILED",
    }
}

/// What one scenario's verdict is about, in a few words.
#[must_use]
pub fn scenario_summary(c: &Comparison) -> String {
    match c.verdict {
        Verdict::Failed => format!(
            "failed: {}",
            c.failure.as_deref().map_or("unknown", |f| first_line(f))
        ),
        Verdict::Accepted => format!(
            "{} regression(s), accepted as intended",
            c.regressions().filter(|r| r.gating).count()
        ),
        Verdict::InternalRegression | Verdict::CompetitiveRegression => {
            let mut parts = Vec::new();
            let r = c.regressions().filter(|r| r.gating).count();
            if r > 0 {
                parts.push(format!("{r} regression(s)"));
            }
            let slo = c.slos.iter().filter(|s| !s.passed).count();
            if slo > 0 {
                parts.push(format!("{slo} objective(s) missed"));
            }
            let gaps = c.standings.iter().filter(|s| s.regressed).count();
            if gaps > 0 {
                parts.push(format!("{gaps} competitive gap(s) worsened"));
            }
            parts.join(", ")
        }
        Verdict::NotJudged => c
            .not_judged
            .iter()
            .map(|n| n.reason.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        Verdict::Ok => "ok".into(),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// One-line summary of a set of comparisons: the overall verdict, then the scenarios that are
/// not ok with what they are about, then how many were judged ok.
#[must_use]
pub fn headline(comparisons: &[Comparison]) -> String {
    if comparisons.is_empty() {
        return "benchbot: not judged — no scenario was compared".into();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut shown = 0;
    for v in [
        Verdict::Failed,
        Verdict::InternalRegression,
        Verdict::CompetitiveRegression,
        Verdict::NotJudged,
        Verdict::Accepted,
    ] {
        for c in comparisons.iter().filter(|c| c.verdict == v) {
            shown += 1;
            if shown <= 4 {
                parts.push(format!("{}: {}", c.scenario, scenario_summary(c)));
            }
        }
    }
    if shown > 4 {
        parts.push(format!("{} more not ok", shown - 4));
    }
    let ok = comparisons
        .iter()
        .filter(|c| c.verdict == Verdict::Ok)
        .count();
    if ok > 0 || parts.is_empty() {
        parts.push(format!("{ok} scenario(s) judged ok"));
    }
    format!(
        "benchbot: {} — {}",
        verdict_words(overall(comparisons)),
        parts.join("; ")
    )
}
