//! Values with their units, and the cells shared by the terminal and Markdown tables.

use crate::scenario::Metric;
pub use crate::util::{format_ns, sig3};
use crate::verdict::Row;

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

pub(crate) fn signed_pct(f: f64) -> String {
    format!("{:+.1}%", f * 100.0)
}

/// The cells shared by the terminal and Markdown tables.
pub(crate) struct Cells {
    pub baseline: String,
    pub current: String,
    pub delta: String,
    pub change: String,
    pub ci: String,
    pub p: String,
    pub status: String,
}

pub(crate) fn cells(r: &Row) -> Cells {
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
        p: r.p_adjusted.or(r.p).map_or_else(
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

/// The cells of a late-sends row: share late, corrected p50, service p50, wait.
pub(crate) fn late_cells(l: &crate::verdict::LateSends) -> (String, String, String, String) {
    (
        format!("{:.1}%", l.late_share * 100.0),
        crate::util::format_ns(l.corrected_p50_ns),
        crate::util::format_ns(l.service_p50_ns),
        format!("+{}", crate::util::format_ns(l.wait_ns().max(0.0))),
    )
}
