//! Capacity curves: per target, the level, throughput, latency and errors of each point, with
//! the knee, saturation and operating range beneath.

use std::fmt::Write as _;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};

use super::{escape_md, format_ns, sig3};
use crate::verdict::{CapacityReport, TargetCurve};

/// A level: whole numbers (workers, most rates) as they are, others to three digits.
fn level(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        sig3(v)
    }
}

fn within(w: Option<bool>) -> &'static str {
    match w {
        Some(true) => "yes",
        Some(false) => "no",
        None => "—",
    }
}

/// The sentence under a curve.
fn summary(c: &CapacityReport, t: &TargetCurve) -> String {
    let unit = if c.over == "rate" { "/s" } else { " workers" };
    let mut parts = Vec::new();
    if let Some((l, x)) = t.knee {
        parts.push(format!("knee at {}{unit} ({}/s)", level(l), sig3(x)));
    }
    match t.saturation {
        Some((l, x)) => parts.push(format!("saturates at {}{unit} ({}/s)", level(l), sig3(x))),
        None => parts.push("not saturated in the levels measured".into()),
    }
    if !c.objectives.is_empty() {
        match (t.range, t.capacity) {
            (Some((a, b)), Some(cap)) => parts.push(format!(
                "within {} from {} to {}{unit}: capacity {}/s",
                c.objectives.join(", "),
                level(a),
                level(b),
                sig3(cap)
            )),
            _ => parts.push(format!(
                "no level within {} (95% confidence)",
                c.objectives.join(", ")
            )),
        }
    }
    parts.join("; ")
}

/// Terminal tables, one per target.
#[must_use]
pub fn capacity_table(c: &CapacityReport) -> String {
    let mut out = String::new();
    for t in &c.targets {
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled);
        table.set_header([
            c.over.as_str(),
            "throughput",
            "p50",
            "p99 (95% hi)",
            "errors",
            "within",
        ]);
        for r in &t.rows {
            table.add_row(vec![
                Cell::new(level(r.level)).set_alignment(CellAlignment::Right),
                Cell::new(format!("{}/s", sig3(r.throughput))).set_alignment(CellAlignment::Right),
                Cell::new(format_ns(r.p50_ns)).set_alignment(CellAlignment::Right),
                Cell::new(format!(
                    "{} ({})",
                    format_ns(r.p99_ns),
                    format_ns(r.p99_hi_ns)
                ))
                .set_alignment(CellAlignment::Right),
                Cell::new(format!("{:.2}%", r.error_rate * 100.0))
                    .set_alignment(CellAlignment::Right),
                Cell::new(within(r.within)),
            ]);
        }
        let _ = writeln!(
            out,
            "capacity of {} ({}{}):\n{table}\n{}",
            t.target,
            c.over,
            if c.search { ", searched" } else { "" },
            summary(c, t)
        );
    }
    out
}

/// Markdown tables, one per target, each with its curves as Mermaid charts.
pub(super) fn capacity_md(out: &mut String, scenario: &str, c: &CapacityReport) {
    for t in &c.targets {
        let _ = writeln!(
            out,
            "**Capacity of {}** ({}{})\n\n| {} | throughput | p50 | p99 (95% hi) | errors | within |\n|--:|--:|--:|--:|--:|---|",
            escape_md(&t.target),
            c.over,
            if c.search { ", searched" } else { "" },
            c.over
        );
        for r in &t.rows {
            let _ = writeln!(
                out,
                "| {} | {}/s | {} | {} ({}) | {:.2}% | {} |",
                level(r.level),
                sig3(r.throughput),
                format_ns(r.p50_ns),
                format_ns(r.p99_ns),
                format_ns(r.p99_hi_ns),
                r.error_rate * 100.0,
                within(r.within)
            );
        }
        let _ = writeln!(out, "\n{}\n", escape_md(&summary(c, t)));
        super::charts::sweep_mermaid(out, scenario, c, t);
    }
}
