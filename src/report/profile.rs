//! A load profile as it ran: per target and stage, intended and achieved load, late sends and
//! the worst interval's p99.

use std::fmt::Write as _;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};

use super::{escape_md, format_ns, sig3};
use crate::verdict::StageRow;

fn intended(r: &StageRow) -> String {
    match (r.rate, r.concurrency) {
        (Some((a, b)), _) if (a - b).abs() < 1e-9 => format!("{}/s", sig3(a)),
        (Some((a, b)), _) => format!("{}→{}/s", sig3(a), sig3(b)),
        (None, Some(c)) => format!("{c} workers"),
        (None, None) => "—".into(),
    }
}

fn ratio(r: &StageRow) -> String {
    r.ratio
        .map_or_else(|| "—".into(), |x| format!("{:.1}%", x * 100.0))
}

/// The terminal table.
#[must_use]
pub fn stages_table(rows: &[StageRow]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    table.set_header([
        "target",
        "stage",
        "length",
        "intended",
        "achieved",
        "of intended",
        "late sends",
        "worst p99",
    ]);
    for r in rows {
        table.add_row(vec![
            Cell::new(&r.target),
            Cell::new(r.stage).set_alignment(CellAlignment::Right),
            Cell::new(format!("{}s", sig3(r.seconds))).set_alignment(CellAlignment::Right),
            Cell::new(intended(r)).set_alignment(CellAlignment::Right),
            Cell::new(format!("{}/s", sig3(r.achieved))).set_alignment(CellAlignment::Right),
            Cell::new(ratio(r)).set_alignment(CellAlignment::Right),
            Cell::new(format!("{:.1}%", r.late_share * 100.0)).set_alignment(CellAlignment::Right),
            Cell::new(format_ns(r.worst_p99_ns as f64)).set_alignment(CellAlignment::Right),
        ]);
    }
    format!("load profile (median over repetitions):\n{table}\n")
}

/// The Markdown table.
pub(super) fn stages_md(out: &mut String, rows: &[StageRow]) {
    if rows.is_empty() {
        return;
    }
    out.push_str("**Load profile** (median over repetitions)\n\n| target | stage | length | intended | achieved | of intended | late sends | worst p99 |\n|---|--:|--:|--:|--:|--:|--:|--:|\n");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {}s | {} | {}/s | {} | {:.1}% | {} |",
            escape_md(&r.target),
            r.stage,
            sig3(r.seconds),
            intended(r),
            sig3(r.achieved),
            ratio(r),
            r.late_share * 100.0,
            format_ns(r.worst_p99_ns as f64)
        );
    }
    out.push('\n');
}
