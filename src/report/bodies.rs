//! Bodies of what benchbot posts: the PR comment (bounded in size), the quarterly review and
//! the task issues. Plain Markdown; the `github` module adds its markers and posts them.

use std::fmt::Write as _;

use super::{cells, escape_md, format_value, headline, markdown, sig3, HEADER};
use crate::verdict::{Comparison, Priority, Row, Status, Task};

/// GitHub refuses comment and issue bodies longer than this many characters.
pub const GITHUB_BODY_LIMIT: usize = 65_536;

/// The report, cut to fit `limit` characters: when the full report does not fit, the most
/// significant regressions first, then one line per scenario, then counts of what was left out
/// and where to find it (`elsewhere`, e.g. "the step summary and the `benchbot-report` artifact").
#[must_use]
pub fn bounded_markdown(comparisons: &[Comparison], limit: usize, elsewhere: &str) -> String {
    let full = markdown(comparisons);
    if full.chars().count() <= limit {
        return full;
    }
    let reserve = 600 + elsewhere.len();
    let budget = limit.saturating_sub(reserve);
    let mut out = format!("### {}\n\n", escape_md(&headline(comparisons)));
    let mut regressions: Vec<(&str, &Row)> = comparisons
        .iter()
        .flat_map(|c| c.regressions().map(move |r| (c.scenario.as_str(), r)))
        .collect();
    regressions.sort_by(|a, b| b.1.worsening().total_cmp(&a.1.worsening()));
    let mut rows_left = 0;
    if !regressions.is_empty() {
        out.push_str("#### Regressions (largest first)\n\n");
        out.push_str(HEADER);
        for (i, (s, r)) in regressions.iter().enumerate() {
            let k = cells(r);
            let line = format!(
                "| {} | {} | {} {} | {} | {} | {} | {} | {} | {} | **{}** |\n",
                escape_md(s),
                escape_md(&r.target),
                escape_md(&r.operation),
                super::metric_word(r),
                k.baseline,
                k.current,
                k.delta,
                k.change,
                k.ci,
                k.p,
                k.status
            );
            if out.len() + line.len() > budget * 3 / 4 {
                rows_left = regressions.len() - i;
                break;
            }
            out.push_str(&line);
        }
        out.push('\n');
    }
    let mut scenarios_left = 0;
    for (i, c) in comparisons.iter().enumerate() {
        let line = format!(
            "- {}: {} regression(s), {} row(s)\n",
            escape_md(&c.scenario),
            c.regressions().count(),
            c.rows.len()
        );
        if out.len() + line.len() > budget {
            scenarios_left = comparisons.len() - i;
            break;
        }
        out.push_str(&line);
    }
    let _ = write!(out, "\n_Shortened to fit GitHub's limit: {rows_left} more regression row(s) and {scenarios_left} more scenario(s) are in {elsewhere}._\n");
    out
}

/// The quarterly review: standings, regressions against the last quarter, trends, and tasks.
#[must_use]
pub fn quarterly_markdown(
    quarter: &str,
    comparisons: &[Comparison],
    tasks: &[Task],
    trends: &[(String, String)],
) -> String {
    let mut out = format!("## Competitive review {quarter}\n\n");
    let competitive: Vec<&Comparison> = comparisons
        .iter()
        .filter(|c| !c.standings.is_empty())
        .collect();
    out.push_str("### Standings\n\n");
    if competitive.is_empty() {
        out.push_str("No competitive scenario ran.\n\n");
    } else {
        out.push_str("| Scenario | Operation | Metric | Ours | Competitors (ours ÷ theirs) | Leader | Gap |\n|---|---|---|--:|---|---|--:|\n");
        for c in &competitive {
            for s in &c.standings {
                let comps = s
                    .competitors
                    .iter()
                    .map(|(n, v)| {
                        format!(
                            "{} {} (×{})",
                            escape_md(n),
                            format_value(s.metric, *v),
                            sig3(if *v == 0.0 { f64::NAN } else { s.ours / v })
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {comps} | {} | {:+.1}% |",
                    escape_md(&c.scenario),
                    escape_md(&s.operation),
                    s.metric,
                    format_value(s.metric, s.ours),
                    escape_md(&s.leader),
                    s.gap * 100.0
                );
            }
        }
        out.push('\n');
    }
    out.push_str("### Changes against the last quarter\n\n");
    let changed: Vec<(&str, &Row)> = comparisons
        .iter()
        .flat_map(|c| {
            c.rows
                .iter()
                .filter(|r| {
                    matches!(
                        r.status,
                        Status::Regression | Status::Warning | Status::Improvement
                    )
                })
                .map(move |r| (c.scenario.as_str(), r))
        })
        .collect();
    if changed.is_empty() {
        out.push_str("No significant change.\n\n");
    } else {
        out.push_str(HEADER);
        for (s, r) in changed {
            let k = cells(r);
            let _ = writeln!(
                out,
                "| {} | {} | {} {} | {} | {} | {} | {} | {} | {} | {} |",
                escape_md(s),
                escape_md(&r.target),
                escape_md(&r.operation),
                super::metric_word(r),
                k.baseline,
                k.current,
                k.delta,
                k.change,
                k.ci,
                k.p,
                k.status
            );
        }
        out.push('\n');
    }
    if !trends.is_empty() {
        out.push_str("### Trends\n\n");
        for (what, line) in trends {
            let _ = writeln!(out, "- {}: `{line}`", escape_md(what));
        }
        out.push('\n');
    }
    out.push_str("### Optimization tasks (by gap to the leader)\n\n");
    if tasks.is_empty() {
        out.push_str("We lead every compared metric.\n");
    }
    for t in tasks {
        let label = match t.priority {
            Priority::High => "**HIGH**",
            Priority::Medium => "MEDIUM",
            Priority::Noted => "noted",
        };
        let _ = writeln!(
            out,
            "- [ ] {label} {} {} {}: {:+.1}% behind {} — reproduce: `{}`",
            escape_md(&t.scenario),
            escape_md(&t.operation),
            t.metric,
            t.gap * 100.0,
            escape_md(&t.leader),
            t.reproduce.replace('`', "")
        );
    }
    out
}

/// Body of the issue opened for one HIGH task.
#[must_use]
pub fn task_markdown(t: &Task) -> String {
    format!(
        "Our {} of `{}` in scenario `{}` is {:+.1}% behind the leader, {}.\n\nReproduce on a benchmark runner:\n\n```sh\n{}\n```\n",
        t.metric,
        escape_md(&t.operation).replace('`', "'"),
        escape_md(&t.scenario).replace('`', "'"),
        t.gap * 100.0,
        escape_md(&t.leader),
        t.reproduce.replace('`', "")
    )
}
