//! Calibrations: what A/A rounds said, as a terminal table and as Markdown.

use std::fmt::Write as _;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};

use super::escape_md;
use crate::scenario::Metric;
use crate::verdict::{CalibratedRow, Calibration, Rate};

/// `3/200 (1.5%, 95% CI 0.5–4.3%)`.
#[must_use]
pub fn rate_text(r: &Rate) -> String {
    format!(
        "{}/{} ({}, 95% CI {}–{})",
        r.events,
        r.trials,
        pct(r.rate),
        pct_bare(r.ci.0),
        pct(r.ci.1)
    )
}

fn pct(v: f64) -> String {
    format!("{}%", pct_bare(v))
}

fn pct_bare(v: f64) -> String {
    let p = v * 100.0;
    if p == 0.0 {
        "0".into()
    } else if p < 10.0 {
        format!("{p:.1}")
    } else {
        format!("{p:.0}")
    }
}

/// The smallest change a row detects, in its metric's change units.
fn detectable(r: &CalibratedRow) -> String {
    match r.detectable {
        Some(d) if r.metric.is_fraction() => format!("{:.2} pt", d * 100.0),
        Some(d) => format!("{:.1}%", d * 100.0),
        None => "—".into(),
    }
}

fn spread(r: &CalibratedRow) -> String {
    if !r.block_sd.is_finite() {
        return "—".into();
    }
    if r.metric.is_fraction() {
        format!("{:.2} pt", r.block_sd * 100.0)
    } else {
        format!("{:.1}%", r.block_sd.exp_m1() * 100.0)
    }
}

fn needed(r: &CalibratedRow) -> String {
    r.blocks_for_threshold
        .map_or_else(|| "> 1000".into(), |n| n.to_string())
}

fn metric(m: Metric) -> String {
    m.to_string()
}

/// The scenario's summary line: rounds, false alarms, the old way beside it.
fn summary(c: &Calibration) -> Vec<(&'static str, String)> {
    vec![
        ("A/A rounds", c.rounds.to_string()),
        (
            "false alarms (regression verdicts)",
            rate_text(&c.false_alarms),
        ),
        ("suspected, sent to confirmation", c.suspected.to_string()),
        (
            "not judged (inconclusive or busy)",
            rate_text(&c.not_judged),
        ),
        (
            "old way (Welch per row vs the first round, no correction)",
            rate_text(&c.old_way),
        ),
        ("time per verdict", format!("{:.0}s", c.seconds_per_verdict)),
    ]
}

/// Calibrations as terminal tables, one per scenario.
#[must_use]
pub fn calibration_table(cals: &[Calibration]) -> String {
    let mut out = String::new();
    for c in cals {
        let _ = writeln!(
            out,
            "{} (threshold {:.0}%, alpha {}, on {} × {})",
            c.scenario,
            c.threshold * 100.0,
            c.alpha,
            c.environment.logical_cores,
            c.environment.cpu_model
        );
        for (k, v) in summary(c) {
            let _ = writeln!(out, "  {k}: {v}");
        }
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(vec![
                "target",
                "operation",
                "metric",
                "blocks",
                "block spread",
                "detects (95% power)",
                "blocks for threshold",
                "regression",
                "inconclusive",
                "old way",
            ]);
        for r in &c.rows {
            t.add_row(vec![
                Cell::new(&r.target),
                Cell::new(&r.operation),
                Cell::new(metric(r.metric)),
                Cell::new(r.blocks).set_alignment(CellAlignment::Right),
                Cell::new(spread(r)).set_alignment(CellAlignment::Right),
                Cell::new(detectable(r)).set_alignment(CellAlignment::Right),
                Cell::new(needed(r)).set_alignment(CellAlignment::Right),
                Cell::new(format!("{}/{}", r.regression, r.rounds))
                    .set_alignment(CellAlignment::Right),
                Cell::new(format!("{}/{}", r.inconclusive, r.rounds))
                    .set_alignment(CellAlignment::Right),
                Cell::new(format!("{}/{}", r.old_way_regression, c.old_way.trials))
                    .set_alignment(CellAlignment::Right),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    out
}

/// Calibrations as Markdown (`calibration.md`, step summaries).
#[must_use]
pub fn calibration_markdown(cals: &[Calibration]) -> String {
    let mut out = String::from("## benchbot calibration (A/A)\n\n");
    let (fa, n): (u64, u64) = cals.iter().fold((0, 0), |(a, b), c| {
        (a + c.false_alarms.events, b + c.false_alarms.trials)
    });
    let (old, old_n): (u64, u64) = cals.iter().fold((0, 0), |(a, b), c| {
        (a + c.old_way.events, b + c.old_way.trials)
    });
    let _ = writeln!(
        out,
        "One build measured as both base and head, interleaved. Every regression verdict is a false alarm.\n\n**All scenarios:** false alarms {}; the old way {}.\n",
        rate_text(&Rate::of(fa, n)),
        rate_text(&Rate::of(old, old_n))
    );
    for c in cals {
        let _ = writeln!(
            out,
            "### {}\n\nThreshold {:.0}%, alpha {}, {} × {}.\n",
            escape_md(&c.scenario),
            c.threshold * 100.0,
            c.alpha,
            c.environment.logical_cores,
            escape_md(&c.environment.cpu_model)
        );
        for (k, v) in summary(c) {
            let _ = writeln!(out, "- {k}: {v}");
        }
        out.push_str("\n| target | operation | metric | blocks | block spread | detects (95% power) | blocks for threshold | regression | inconclusive | old way |\n|---|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
        for r in &c.rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {}/{} | {}/{} | {}/{} |",
                escape_md(&r.target),
                escape_md(&r.operation),
                metric(r.metric),
                r.blocks,
                spread(r),
                detectable(r),
                needed(r),
                r.regression,
                r.rounds,
                r.inconclusive,
                r.rounds,
                r.old_way_regression,
                c.old_way.trials
            );
        }
        out.push('\n');
    }
    out
}
