//! The terminal table.

use std::fmt::Write as _;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};

use super::{cells, format_value, headline, sig3};
use crate::verdict::Comparison;

/// Renders comparisons as text tables, one per scenario, and a headline.
#[must_use]
pub fn terminal(comparisons: &[Comparison]) -> String {
    let mut out = String::new();
    for c in comparisons {
        let _ = writeln!(
            out,
            "{} ({}, run {}): {}",
            c.scenario,
            c.kind,
            c.run_id,
            super::scenario_summary(c)
        );
        if let Some(f) = &c.failure {
            let _ = writeln!(out, "  {f}");
        }
        if let Some(a) = &c.accepted {
            let _ = writeln!(out, "accepted: {a}");
        }
        if c.basis.method != crate::verdict::Method::None || !c.basis.baseline.is_empty() {
            let _ = writeln!(out, "compared: {}", super::basis_sentence(c));
        }
        for n in &c.not_judged {
            if c.verdict == crate::verdict::Verdict::NotJudged {
                let _ = writeln!(out, "not judged ({}): {}", n.reason.as_str(), n.detail);
            } else {
                let _ = writeln!(out, "{}: {}", n.reason.as_str(), n.detail);
            }
        }
        if !c.rows.is_empty() {
            let _ = writeln!(out, "{}", rows_table(c));
        }
        if !c.late_sends.is_empty() {
            let _ = writeln!(out, "{}", sends_table(c));
        }
        if let Some(cap) = &c.capacity {
            out.push_str(&super::capacity_table(cap));
        }
        out.push_str(&super::stages_table(&c.stages));
        for e in c.errors.iter().take(10) {
            let _ = writeln!(
                out,
                "errors: {} {}: {} of {} {}{}",
                e.target,
                e.operation,
                e.count,
                e.of,
                e.kind,
                e.sample
                    .as_deref()
                    .map_or_else(String::new, |s| format!(" — e.g. {s}"))
            );
        }
        if !c.standings.is_empty() {
            let _ = writeln!(out, "{}", standings_table(c));
            let mut notes: Vec<String> = Vec::new();
            for s in &c.standings {
                if let Some(n) = &s.recall_note {
                    let line = format!("note: {} {}: {n}\n", c.scenario, s.operation);
                    if !notes.contains(&line) {
                        notes.push(line);
                    }
                }
            }
            out.extend(notes);
        }
        for s in &c.slos {
            let _ = writeln!(
                out,
                "objective {} {} {}: {} {} ({}, {} {:.0}%)",
                s.target,
                s.operation,
                s.metric,
                format_value(s.metric, s.value),
                s.bound,
                if s.passed { "met" } else { "MISSED" },
                if s.passed { "margin" } else { "over by" },
                s.margin.abs() * 100.0
            );
        }
        for n in &c.notes {
            let _ = writeln!(out, "note: {n}");
        }
        out.push('\n');
    }
    out.push_str(&headline(comparisons));
    out.push('\n');
    out
}

/// One row per compared metric.
fn rows_table(c: &Comparison) -> Table {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    table.set_header([
        "Scenario", "Target", "Metric", "Baseline", "Current", "Δ", "Change %", "95% CI",
        "p (adj.)", "Status",
    ]);
    for r in super::story::groups(c).iter().flat_map(|g| &g.rows) {
        let k = cells(r);
        let status = match (r.status, r.needed) {
            (crate::verdict::Status::Inconclusive, Some(n)) => {
                format!("{} (needs {})", k.status, crate::verdict::needed_text(n))
            }
            _ => k.status,
        };
        table.add_row(vec![
            Cell::new(&c.scenario),
            Cell::new(&r.target),
            Cell::new(format!("{} {}", r.operation, super::metric_word(r)).trim_end()),
            Cell::new(k.baseline).set_alignment(CellAlignment::Right),
            Cell::new(k.current).set_alignment(CellAlignment::Right),
            Cell::new(k.delta).set_alignment(CellAlignment::Right),
            Cell::new(k.change).set_alignment(CellAlignment::Right),
            Cell::new(k.ci),
            Cell::new(k.p).set_alignment(CellAlignment::Right),
            Cell::new(status),
        ]);
    }
    table
}

/// Open loop: how punctual the sends were, and what waiting added to the p50.
fn sends_table(c: &Comparison) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    t.set_header([
        "Target",
        "Operation",
        "Sends > 1 ms late",
        "p50 corrected",
        "p50 service",
        "Wait",
    ]);
    for l in &c.late_sends {
        let (late, corrected, service, wait) = super::late_cells(l);
        t.add_row(vec![
            Cell::new(&l.target),
            Cell::new(&l.operation),
            Cell::new(late).set_alignment(CellAlignment::Right),
            Cell::new(corrected).set_alignment(CellAlignment::Right),
            Cell::new(service).set_alignment(CellAlignment::Right),
            Cell::new(wait).set_alignment(CellAlignment::Right),
        ]);
    }
    t
}

/// Ours against the competitors, per operation and metric.
fn standings_table(c: &Comparison) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header([
        "Operation",
        "Metric",
        "Ours",
        "Competitors",
        "Leader",
        "Gap",
        "Baseline gap",
        "Status",
    ]);
    for s in &c.standings {
        t.add_row(vec![
            s.operation.clone(),
            s.metric.to_string(),
            format_value(s.metric, s.ours),
            s.competitors
                .iter()
                .map(|(n, v)| {
                    format!(
                        "{n} {} (×{})",
                        format_value(s.metric, *v),
                        sig3(ratio(s.ours, *v))
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
            s.leader.clone(),
            format!("{:+.1}%", s.gap * 100.0),
            s.baseline_gap
                .map_or_else(|| "—".into(), |g| format!("{:+.1}%", g * 100.0)),
            match (s.regressed, s.recall_note.is_some()) {
                (true, false) => "GAP WORSENED".into(),
                (true, true) => "GAP WORSENED, recall differs".into(),
                (false, true) => "recall differs".into(),
                (false, false) => "ok".into(),
            },
        ]);
    }
    t
}

/// `ours / theirs`: above 1 means ours is larger.
pub(super) fn ratio(ours: f64, theirs: f64) -> f64 {
    if theirs == 0.0 {
        f64::NAN
    } else {
        ours / theirs
    }
}
