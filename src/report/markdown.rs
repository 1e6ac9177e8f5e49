//! Markdown: step summaries and PR comment bodies. Untrusted text is escaped so it cannot
//! add HTML, mention people, reference issues, or break out of a table.

use std::fmt::Write as _;

use super::terminal::ratio;
use super::{cells, format_value, headline, sig3};
use crate::verdict::{Comparison, Row, Standing, Status};

/// Escapes text for a Markdown table cell or paragraph.
#[must_use]
pub fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // A zero-width joiner after `@` keeps mentions from notifying.
            '@' => out.push_str("@\u{200d}"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn row_md(scenario: &str, r: &Row) -> String {
    let k = cells(r);
    format!(
        "| {} | {} | {} {} | {} | {} | {} | {} | {} | {} | {} |\n",
        escape_md(scenario),
        escape_md(&r.target),
        escape_md(&r.operation),
        super::metric_word(r),
        k.baseline,
        k.current,
        k.delta,
        k.change,
        k.ci,
        k.p,
        if r.status == Status::Regression {
            format!("**{}**", k.status)
        } else {
            k.status
        }
    )
}

/// The competitors of a standing: `name value (×ours÷theirs)`, escaped.
pub(super) fn competitors_md(s: &Standing) -> String {
    s.competitors
        .iter()
        .map(|(n, v)| {
            format!(
                "{} {} (×{})",
                escape_md(n),
                format_value(s.metric, *v),
                sig3(ratio(s.ours, *v))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) const HEADER: &str = "| Scenario | Target | Metric | Baseline | Current | Δ | Change % | 95% CI | p | Status |\n|---|---|---|--:|--:|--:|--:|---|--:|---|\n";

/// Renders comparisons as Markdown: regressions first, by magnitude; everything else folded.
#[must_use]
pub fn markdown(comparisons: &[Comparison]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {}\n", escape_md(&headline(comparisons)));
    let mut regressions: Vec<(&str, &Row)> = comparisons
        .iter()
        .flat_map(|c| c.regressions().map(move |r| (c.scenario.as_str(), r)))
        .collect();
    regressions.sort_by(|a, b| b.1.worsening().total_cmp(&a.1.worsening()));
    if !regressions.is_empty() {
        out.push_str("#### Regressions\n\n");
        out.push_str(HEADER);
        for (s, r) in &regressions {
            out.push_str(&row_md(s, r));
        }
        out.push('\n');
    }
    for c in comparisons {
        for s in c.slos.iter().filter(|s| !s.passed) {
            let _ = writeln!(
                out,
                "- objective missed: {} {} {} = {} (bound {})",
                escape_md(&c.scenario),
                escape_md(&s.target),
                s.metric,
                format_value(s.metric, s.value),
                s.bound
            );
        }
        for s in c.standings.iter().filter(|s| s.regressed) {
            let _ = writeln!(
                out,
                "- competitive gap worsened: {} {} {}: {:+.1}% behind {} (was {:+.1}%)",
                escape_md(&c.scenario),
                escape_md(&s.operation),
                s.metric,
                s.gap * 100.0,
                escape_md(&s.leader),
                s.baseline_gap.unwrap_or(0.0) * 100.0
            );
        }
    }
    for c in comparisons {
        let _ = writeln!(
            out,
            "<details><summary>{} ({}): {} rows, {} regression(s){}</summary>\n",
            escape_md(&c.scenario),
            c.kind,
            c.rows.len(),
            c.regressions().count(),
            if c.low_confidence {
                ", low confidence"
            } else {
                ""
            }
        );
        out.push_str(HEADER);
        for r in &c.rows {
            out.push_str(&row_md(&c.scenario, r));
        }
        if !c.standings.is_empty() {
            out.push_str("\n| Operation | Metric | Ours | Competitors (ours ÷ theirs) | Leader | Gap | Baseline gap |\n|---|---|--:|---|---|--:|--:|\n");
            for s in &c.standings {
                let comps = competitors_md(s);
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {:+.1}% | {} |",
                    escape_md(&s.operation),
                    s.metric,
                    format_value(s.metric, s.ours),
                    comps,
                    escape_md(&s.leader),
                    s.gap * 100.0,
                    s.baseline_gap
                        .map_or_else(|| "—".into(), |g| format!("{:+.1}%", g * 100.0))
                );
            }
            recall_notes(&mut out, c);
        }
        for n in &c.notes {
            let _ = writeln!(out, "\n> {}", escape_md(n));
        }
        out.push_str("\n</details>\n\n");
    }
    out
}

/// One quoted line per search whose targets' recall differs beyond the margin.
pub(crate) fn recall_notes(out: &mut String, c: &crate::verdict::Comparison) {
    let mut seen = Vec::new();
    for s in &c.standings {
        if let Some(n) = s.recall_note.as_ref().filter(|n| !seen.contains(n)) {
            let _ = writeln!(
                out,
                "\n> ⚠️ {} `{}`: {}",
                escape_md(&c.scenario),
                escape_md(&s.operation),
                escape_md(n)
            );
            seen.push(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::escape_md;

    #[test]
    fn hostile_text_is_inert() {
        let s = escape_md("</details><img src=x onerror=alert(1)> @org/team #12 `code` a|b");
        assert!(!s.contains('<'));
        assert!(!s.contains("@org"));
        assert!(s.contains("\\|"));
        assert!(s.contains("\\#12"));
        assert!(s.contains("\\`code\\`"));
    }
}
