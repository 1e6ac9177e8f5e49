//! Bodies of what benchbot posts: the PR comment (bounded in size), the quarterly review and
//! the task issues. Plain Markdown; the `github` module adds its markers and posts them.

use std::fmt::Write as _;

use super::markdown::next_steps as next_steps_of;
use super::{
    basis_sentence, competitors_md, escape_md, format_value, headline, markdown_with, row_md,
    scenario_summary, sig3, Extras, HEADER,
};
use crate::record::published::Figure;
use crate::scenario::Metric;
use crate::verdict::{Comparison, Priority, Row, Status, Task, Verdict};

/// GitHub refuses comment and issue bodies longer than this many characters.
pub const GITHUB_BODY_LIMIT: usize = 65_536;
/// GitHub shows at most 1 MiB of a step's summary; in characters of up to four bytes.
pub const SUMMARY_LIMIT_CHARS: usize = (1 << 20) / 4;

/// `text` cut at a line boundary to fit `limit` characters, with a last line saying how much
/// was left out and where it is (`elsewhere`); `<details>` left open by the cut are closed.
#[must_use]
pub fn bound_lines(text: &str, limit: usize, elsewhere: &str) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let note_room = 300 + elsewhere.chars().count();
    let budget = limit.saturating_sub(note_room);
    let mut out = String::new();
    let mut used = 0;
    let mut kept = 0;
    let lines: Vec<&str> = text.lines().collect();
    for l in &lines {
        let n = l.chars().count() + 1;
        if used + n > budget {
            break;
        }
        out.push_str(l);
        out.push('\n');
        used += n;
        kept += 1;
    }
    let open = out
        .matches("<details")
        .count()
        .saturating_sub(out.matches("</details>").count());
    for _ in 0..open {
        out.push_str("\n</details>\n");
    }
    let _ = write!(
        out,
        "\n_Shortened to fit GitHub's limit: {} more line(s) are in {elsewhere}._\n",
        lines.len() - kept
    );
    out
}

/// The report, cut to fit `limit` characters: when the full report does not fit, the scenarios
/// that are not ok first (each with what was compared and its largest changes), then one line
/// per other scenario, then what was left out and where to find it (`elsewhere`, e.g. "the
/// step summary and the `benchbot-report` artifact"), then the next steps.
#[must_use]
pub fn bounded_markdown(
    comparisons: &[Comparison],
    extras: &Extras,
    limit: usize,
    elsewhere: &str,
) -> String {
    let full = markdown_with(comparisons, extras);
    if full.chars().count() <= limit {
        return full;
    }
    let mut tail = String::new();
    next_steps_of(&mut tail, comparisons, extras);
    let budget = limit.saturating_sub(tail.chars().count() + 400 + elsewhere.len());
    let mut out = format!("### {}\n\n", escape_md(&headline(comparisons)));
    let mut order: Vec<&Comparison> = comparisons.iter().collect();
    order.sort_by_key(|c| std::cmp::Reverse(c.verdict));
    let (mut rows_left, mut scenarios_left) = (0usize, 0usize);
    for (i, c) in order.iter().enumerate() {
        let mut part = format!(
            "#### {} ({}) — {}\n\n",
            escape_md(&c.scenario),
            c.kind,
            escape_md(&scenario_summary(c))
        );
        if c.verdict != Verdict::Ok {
            let _ = writeln!(part, "**Compared:** {}\n", escape_md(&basis_sentence(c)));
            for r in c.rows.iter().filter(|r| {
                matches!(
                    r.status,
                    Status::Regression | Status::Warning | Status::Inconclusive
                )
            }) {
                let line = format!(
                    "- {} · {} {}: {} ({})\n",
                    escape_md(&r.target),
                    escape_md(&r.operation),
                    r.metric,
                    r.change
                        .map_or_else(|| "—".into(), |ch| format!("{:+.1}%", ch * 100.0)),
                    r.status.label()
                );
                if out.chars().count() + part.chars().count() + line.chars().count() > budget {
                    rows_left += 1;
                } else {
                    part.push_str(&line);
                }
            }
        }
        if out.chars().count() + part.chars().count() > budget {
            scenarios_left = order.len() - i;
            break;
        }
        out.push_str(&part);
        out.push('\n');
    }
    let _ = write!(out, "\n_Shortened to fit GitHub's limit: {rows_left} more row(s) and {scenarios_left} more scenario(s) are in {elsewhere}._\n\n");
    out.push_str(&tail);
    out
}

/// The quarterly review: standings, regressions against the last quarter, trends, and tasks.
#[must_use]
pub fn quarterly_markdown(
    quarter: &str,
    comparisons: &[Comparison],
    tasks: &[Task],
    trends: &[(String, String)],
    figures: &[Figure],
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
                let comps = competitors_md(s);
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
        for c in &competitive {
            super::markdown::recall_notes(&mut out, c);
        }
        out.push('\n');
    }
    published(&mut out, comparisons, figures);
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
        for (s, r) in &changed {
            out.push_str(&row_md(s, r));
        }
        out.push('\n');
        let rows: Vec<&Row> = changed.iter().map(|(_, r)| *r).collect();
        super::charts::regression_trends(&mut out, &rows);
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
            "- [ ] {label} {} {} {}: {:+.1}% behind {} — reproduce: {}",
            escape_md(&t.scenario),
            escape_md(&t.operation),
            t.metric,
            t.gap * 100.0,
            escape_md(&t.leader),
            super::code(&t.reproduce)
        );
    }
    out
}

/// Body of the issue opened for one HIGH task.
#[must_use]
pub fn task_markdown(t: &Task) -> String {
    format!(
        "Our {} of {} in scenario {} is {:+.1}% behind the leader, {}.\n\nReproduce on a benchmark runner:\n\n```sh\n{}\n```\n",
        t.metric,
        super::code(&t.operation),
        super::code(&t.scenario),
        t.gap * 100.0,
        escape_md(&t.leader),
        // One line, no backticks: nothing can close the fence early.
        super::code(&t.reproduce).trim_matches('`')
    )
}

/// Ours against the published figures each competitive scenario names, as ratios. A published
/// figure is context: other hardware, recall and k (see docs/competitive_baselines.md).
fn published(out: &mut String, comparisons: &[Comparison], figures: &[Figure]) {
    let wanted: Vec<(&Comparison, &str)> = comparisons
        .iter()
        .flat_map(|c| c.published.iter().map(move |id| (c, id.as_str())))
        .collect();
    if wanted.is_empty() {
        return;
    }
    out.push_str("### Published figures (context, not proof)\n\n| Scenario | Figure | Published | Ours | Ours ÷ published | Source |\n|---|---|--:|--:|--:|---|\n");
    for (c, id) in wanted {
        let Some(f) = figures.iter().find(|f| f.id == id) else {
            let _ = writeln!(
                out,
                "| {} | `{}` | — | — | — | unknown figure id |",
                escape_md(&c.scenario),
                escape_md(id)
            );
            continue;
        };
        let ours = |m: Metric| {
            c.rows
                .iter()
                .find(|r| r.role == crate::scenario::Role::Ours && r.metric == m)
                .map(|r| r.current)
        };
        let what = format!("{} {}", escape_md(&f.system), escape_md(&f.benchmark));
        let source = format!(
            "[{}]({}), {}",
            escape_md(&f.source.publisher),
            f.source.url.replace(['(', ')', ' '], ""),
            escape_md(&f.source.date)
        );
        #[expect(
            clippy::cast_precision_loss,
            reason = "nanoseconds fit f64 well enough"
        )]
        let p99 = f.p99.map(|d| d.get().as_nanos() as f64);
        for (label, theirs, mine, m) in [
            ("p99", p99, ours(Metric::P99), Metric::P99),
            ("QPS", f.qps, ours(Metric::Throughput), Metric::Throughput),
        ] {
            let Some(theirs) = theirs else { continue };
            let ratio = mine.map_or_else(|| "—".to_owned(), |v| format!("×{}", sig3(v / theirs)));
            let mine = mine.map_or_else(|| "—".to_owned(), |v| format_value(m, v));
            let _ = writeln!(
                out,
                "| {} | {what} {label} | {} | {mine} | {ratio} | {source} |",
                escape_md(&c.scenario),
                format_value(m, theirs)
            );
        }
        if let Some(r) = f.recall {
            let _ = writeln!(
                out,
                "| {} | {what} recall | {r} | — | — | {source} |",
                escape_md(&c.scenario)
            );
        }
    }
    out.push('\n');
}
