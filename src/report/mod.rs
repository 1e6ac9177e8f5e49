//! Renderers of comparisons: terminal table, Markdown, JSON. They know nothing of git or GitHub.

mod bodies;
mod markdown;
mod terminal;

pub use bodies::{bounded_markdown, quarterly_markdown, task_markdown, GITHUB_BODY_LIMIT};

use markdown::{competitors_md, row_md, HEADER};
pub use markdown::{escape_md, markdown};
pub use terminal::terminal;

use crate::scenario::Metric;
use crate::verdict::{Comparison, Row, Verdict};

/// The most severe verdict of a set of comparisons.
#[must_use]
pub fn overall(comparisons: &[Comparison]) -> Verdict {
    comparisons
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::Ok)
}

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

/// A value of `metric` with its unit: latencies as ns/µs/ms/s with 3 significant figures.
#[must_use]
pub fn format_value(metric: Metric, v: f64) -> String {
    match metric {
        Metric::Throughput => format!("{}/s", sig3(v)),
        Metric::ErrorRate => format!("{}%", sig3(v * 100.0)),
        Metric::Recall | Metric::Precision => format!("{v:.3}"),
        _ => format_ns(v),
    }
}

/// The metric's name in a row label: empty for a value in its own unit (the unit says it).
#[must_use]
pub(crate) fn metric_word(r: &Row) -> String {
    if r.unit.is_some() {
        String::new()
    } else {
        r.metric.to_string()
    }
}

/// A value of `metric`, in `unit` when the row has one of its own.
#[must_use]
pub fn format_value_in(metric: Metric, v: f64, unit: Option<&str>) -> String {
    match unit {
        Some(u) => format!("{} {u}", sig3(v)),
        None => format_value(metric, v),
    }
}

/// Nanoseconds as a human duration with 3 significant figures.
#[must_use]
pub fn format_ns(ns: f64) -> String {
    let a = ns.abs();
    let (v, unit) = if a >= 1e9 {
        (ns / 1e9, "s")
    } else if a >= 1e6 {
        (ns / 1e6, "ms")
    } else if a >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    format!("{}{unit}", sig3(v))
}

/// Three significant figures, without exponent.
#[must_use]
pub fn sig3(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "log10 of a finite f64 is small"
    )]
    let digits = (2 - v.abs().log10().floor() as i32).clamp(0, 6);
    format!("{v:.*}", usize::try_from(digits).unwrap_or(0))
}

fn signed_pct(f: f64) -> String {
    format!("{:+.1}%", f * 100.0)
}

/// The cells shared by the terminal and Markdown tables.
struct Cells {
    baseline: String,
    current: String,
    delta: String,
    change: String,
    ci: String,
    p: String,
    status: String,
}

fn cells(r: &Row) -> Cells {
    let fmt = |v: f64| format_value_in(r.metric, v, r.unit.as_deref());
    let pct_points = r.metric == Metric::ErrorRate;
    Cells {
        baseline: r.baseline.map_or_else(|| "—".into(), fmt),
        current: fmt(r.current),
        delta: r.delta.map_or_else(
            || "—".into(),
            |d| {
                let s = fmt(d);
                if d > 0.0 {
                    format!("+{s}")
                } else {
                    s
                }
            },
        ),
        change: r.change.map_or_else(
            || "—".into(),
            |c| {
                if pct_points {
                    format!("{:+.2}pp", c * 100.0)
                } else {
                    signed_pct(c)
                }
            },
        ),
        ci: r.ci.map_or_else(
            || "—".into(),
            |(lo, hi)| {
                if pct_points {
                    format!("[{:+.2}pp, {:+.2}pp]", lo * 100.0, hi * 100.0)
                } else {
                    format!("[{}, {}]", signed_pct(lo), signed_pct(hi))
                }
            },
        ),
        p: r.p.map_or_else(
            || "—".into(),
            |p| {
                if p < 0.001 {
                    "<0.001".into()
                } else {
                    format!("{p:.3}")
                }
            },
        ),
        status: if r.low_confidence && r.baseline.is_some() {
            format!("{} (low confidence)", r.status.label())
        } else {
            r.status.label().to_owned()
        },
    }
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
