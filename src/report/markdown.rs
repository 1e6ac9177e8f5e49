//! Markdown: step summaries and PR comment bodies. Untrusted text is escaped so it cannot
//! add HTML, mention people, reference issues, or break out of a table.

use std::fmt::Write as _;

use super::terminal::ratio;
use super::{cells, format_value, headline, sig3};
use crate::verdict::{Comparison, Method, Row, Standing, Status, Verdict};

/// Escapes text for a Markdown table cell or paragraph: no HTML, no emphasis or links, no
/// table break-out, and nothing GitHub would turn into a notification or a link: mentions
/// (`@team`), issue references (`#1`, `GH-1`, `owner/repo#1`), commit SHAs (runs of seven or
/// more hex digits) and bare URLs (`www.`, `http://`) are broken with an invisible word joiner.
#[must_use]
pub fn escape_md(s: &str) -> String {
    const JOIN: char = '\u{2060}';
    let chars: Vec<char> = s.chars().collect();
    // Words of seven or more hex digits (GitHub links them as commits): where to break them.
    let mut break_at = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            if i - start >= 7 && chars[start..i].iter().all(char::is_ascii_hexdigit) {
                let mut k = start + 6;
                while k < i {
                    break_at[k] = true;
                    k += 6;
                }
            }
        } else {
            i += 1;
        }
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &ch) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        if break_at[i] {
            out.push(JOIN);
        }
        match ch {
            '#' => {
                out.push_str("\\#");
                if next.is_some_and(|c| c.is_ascii_digit()) {
                    out.push(JOIN);
                }
                continue;
            }
            '-' if i >= 2
                && chars[i - 2].eq_ignore_ascii_case(&'g')
                && chars[i - 1].eq_ignore_ascii_case(&'h')
                && next.is_some_and(|c| c.is_ascii_digit()) =>
            {
                out.push('-');
                out.push(JOIN);
                continue;
            }
            '.' if i >= 3
                && chars[i - 3..i]
                    .iter()
                    .collect::<String>()
                    .eq_ignore_ascii_case("www") =>
            {
                out.push(JOIN);
                out.push('.');
                continue;
            }
            ':' if next == Some('/') => {
                out.push(JOIN);
                out.push(':');
                continue;
            }
            _ => {}
        }
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // A zero-width joiner after `@` keeps mentions from notifying.
            '@' => out.push_str("@\u{200d}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The cells of a row for Markdown: values carry units, and a unit can be anyone's text.
fn cells_md(r: &Row) -> super::format::Cells {
    let mut k = cells(r);
    for c in [&mut k.baseline, &mut k.current, &mut k.delta] {
        *c = escape_md(c);
    }
    k
}

pub(super) fn row_md(scenario: &str, r: &Row) -> String {
    let k = cells_md(r);
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

/// What a report may add besides the comparisons: links and the commands of the next steps.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    /// The workflow run, and the name of the artifact holding the full report.
    pub run_url: Option<String>,
    pub artifact: Option<String>,
    /// The label that accepts an intended change on a pull request.
    pub accept_label: Option<String>,
    /// The pull request's head commit (the measured checkout may be GitHub's merge commit).
    pub pr_head: Option<String>,
    /// The results history, for reproduce commands of history comparisons.
    pub history: Option<String>,
}

/// The icon of a verdict in headings.
fn icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "✅",
        Verdict::Accepted => "☑️",
        Verdict::NotJudged => "⚠️",
        Verdict::CompetitiveRegression | Verdict::InternalRegression => "❌",
        Verdict::Failed => "💥",
    }
}

/// Renders comparisons as Markdown (step summary, `latest.md`).
#[must_use]
pub fn markdown(comparisons: &[Comparison]) -> String {
    markdown_with(comparisons, &Extras::default())
}

/// Renders comparisons as Markdown: the headline, then each scenario not ok as a story
/// (what was compared, the operation that changed most first, objectives), the others
/// folded, then the next steps.
#[must_use]
pub fn markdown_with(comparisons: &[Comparison], extras: &Extras) -> String {
    let mut out = String::new();
    let overall = super::overall(comparisons);
    let _ = writeln!(
        out,
        "### {} {}\n",
        icon(overall),
        escape_md(&headline(comparisons))
    );
    let mut order: Vec<&Comparison> = comparisons.iter().collect();
    order.sort_by_key(|c| std::cmp::Reverse(c.verdict));
    for c in order.iter().filter(|c| c.verdict != Verdict::Ok) {
        scenario_md(&mut out, c, true);
    }
    let ok: Vec<&&Comparison> = order.iter().filter(|c| c.verdict == Verdict::Ok).collect();
    if !ok.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} scenario(s) judged ok: {}</summary>\n",
            ok.len(),
            ok.iter()
                .map(|c| escape_md(&c.scenario))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for c in ok {
            scenario_md(&mut out, c, false);
        }
        out.push_str("</details>\n\n");
    }
    next_steps(&mut out, comparisons, extras);
    out
}

/// One scenario: heading, basis, why not judged, the story, objectives, standings, notes.
fn scenario_md(out: &mut String, c: &Comparison, open: bool) {
    let _ = writeln!(
        out,
        "#### {} {} ({}) — {}\n",
        icon(c.verdict),
        escape_md(&c.scenario),
        c.kind,
        escape_md(&super::scenario_summary(c))
    );
    if let Some(f) = &c.failure {
        let _ = writeln!(out, "> {}\n", escape_md(f).replace('\n', "\n> "));
    }
    if let Some(a) = &c.accepted {
        let _ = writeln!(out, "**Accepted:** {}\n", escape_md(a));
    }
    if c.basis.method != Method::None || !c.basis.baseline.is_empty() {
        let _ = writeln!(out, "**Compared:** {}\n", escape_md(&basis_sentence(c)));
    }
    for n in &c.not_judged {
        let lead = if c.verdict == Verdict::NotJudged {
            format!("not judged ({})", n.reason.as_str())
        } else {
            n.reason.as_str().to_owned()
        };
        let _ = writeln!(out, "- {lead}: {}", escape_md(&n.detail));
    }
    if !c.not_judged.is_empty() {
        out.push('\n');
    }
    let groups = super::story::groups(c);
    let notable: Vec<&super::story::Group<'_>> = groups
        .iter()
        .filter(|g| {
            matches!(
                g.status,
                Status::Regression | Status::Warning | Status::Inconclusive | Status::Improvement
            )
        })
        .collect();
    if open && !notable.is_empty() {
        out.push_str(GROUP_HEADER);
        for g in &notable {
            group_md(out, g);
        }
        out.push('\n');
        let rows: Vec<&crate::verdict::Row> = notable
            .iter()
            .flat_map(|g| g.rows.iter().copied())
            .collect();
        super::charts::regression_trends(out, &rows);
    }
    if let Some(cap) = &c.capacity {
        super::capacity::capacity_md(out, &c.scenario, cap);
    }
    super::profile::stages_md(out, &c.stages);
    errors_md(out, c);
    objectives_md(out, c);
    standings_md(out, c);
    for n in &c.notes {
        let _ = writeln!(out, "> {}\n", escape_md(n));
    }
    if !c.rows.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>All {} row(s) of {}</summary>\n",
            c.rows.len(),
            escape_md(&c.scenario)
        );
        out.push_str(GROUP_HEADER);
        for g in &groups {
            group_md(out, g);
        }
        if !c.late_sends.is_empty() {
            out.push_str("\n| target | operation | sends > 1 ms late | p50 corrected | p50 service | wait |\n|---|---|--:|--:|--:|--:|\n");
            for l in &c.late_sends {
                let (late, corrected, service, wait) = super::late_cells(l);
                let _ = writeln!(
                    out,
                    "| {} | {} | {late} | {corrected} | {service} | {wait} |",
                    escape_md(&l.target),
                    escape_md(&l.operation)
                );
            }
        }
        out.push_str("\n</details>\n\n");
    }
}

/// What was compared with what, in one sentence.
#[must_use]
pub fn basis_sentence(c: &Comparison) -> String {
    let b = &c.basis;
    let short = |s: &Option<String>| {
        s.as_deref()
            .map_or_else(|| "?".to_owned(), |s| s.chars().take(12).collect())
    };
    let run = |r: &crate::verdict::RunRef| {
        let mut s = r.sha.as_ref().map_or_else(
            || "an unknown commit".to_owned(),
            |sha| sha.chars().take(12).collect(),
        );
        if let Some(reference) = &r.reference {
            let _ = write!(s, " ({reference})");
        }
        s
    };
    let when = |r: &crate::verdict::RunRef| r.started_at.get(..16).unwrap_or("").replace('T', " ");
    let head = run(&b.current);
    let what = match b.method {
        Method::Interleaved => format!(
            "head {head} with base {}: interleaved A/B on this runner ({}), {} block(s){}{}",
            b.baseline.first().map(run).unwrap_or_default(),
            b.current.runner.as_deref().unwrap_or("runner unnamed"),
            b.n_baseline,
            if b.confirmation_blocks > 0 {
                format!(", {} of them to confirm", b.confirmation_blocks)
            } else {
                String::new()
            },
            if b.excluded_blocks > 0 {
                format!(
                    ", {} block(s) measured on a busy machine left out",
                    b.excluded_blocks
                )
            } else {
                String::new()
            }
        ),
        Method::Runs | Method::Samples | Method::None => {
            let runs = &b.baseline;
            let base = match runs.as_slice() {
                [] => "nothing".to_owned(),
                [r] => format!(
                    "run {} of {} at {} ({})",
                    r.run_id,
                    run(r),
                    when(r),
                    b.source
                ),
                [first, .., last] => format!(
                    "{} runs of {} (commits {} … {}, {} … {})",
                    runs.len(),
                    b.source,
                    short(&first.sha),
                    short(&last.sha),
                    when(first),
                    when(last)
                ),
            };
            let how = match b.method {
                Method::Runs => "this run against the spread of the baseline's runs",
                Method::Samples => "the tool's samples of each run (Welch)",
                _ => "shown, not judged",
            };
            format!("run {} of {head} with {base}: {how}", c.run_id)
        }
    };
    format!("{what}. Thresholds: {}.", b.thresholds)
}

const GROUP_HEADER: &str = "| Target · operation | Metric | Baseline | Current | Change | 95% CI | p (adj.) | Status |\n|---|---|--:|--:|--:|---|--:|---|\n";

/// One group's rows, its name on the first.
fn group_md(out: &mut String, g: &super::story::Group<'_>) {
    for (i, r) in g.rows.iter().enumerate() {
        let k = cells_md(r);
        let name = if i == 0 {
            format!("{} · {}", escape_md(g.target), escape_md(g.operation))
        } else {
            String::new()
        };
        let p = match (r.p, r.p_adjusted) {
            (Some(_), Some(a)) => p_text(a),
            (Some(p), None) => p_text(p),
            _ => "—".into(),
        };
        let mut status = k.status.clone();
        if r.status == Status::Regression {
            status = format!("**{status}**");
        }
        if r.status == Status::Inconclusive {
            if let Some(n) = r.needed {
                status = format!("{status} (needs {})", crate::verdict::needed_text(n));
            }
        }
        if let (Some(f), Some(cf)) = (r.first, r.confirming) {
            status = format!(
                "{status} (first {} blocks {}, confirming {} blocks {})",
                f.n,
                super::signed_pct(f.change),
                cf.n,
                super::signed_pct(cf.change)
            );
        }
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} | {p} | {status} |",
            metric_cell(r),
            k.baseline,
            k.current,
            k.change,
            k.ci
        );
    }
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        "<0.001".into()
    } else {
        format!("{p:.3}")
    }
}

fn metric_cell(r: &Row) -> String {
    let w = super::metric_word(r);
    if w.is_empty() {
        "value".into()
    } else {
        w
    }
}

/// Objectives: missed ones with their operation and margin; met ones folded.
fn objectives_md(out: &mut String, c: &Comparison) {
    let line = |s: &crate::verdict::SloCheck| {
        format!(
            "{} · {} {} = {} (bound {}, {} {:.0}%)",
            escape_md(&s.target),
            escape_md(&s.operation),
            s.metric,
            format_value(s.metric, s.value),
            escape_md(&s.bound),
            if s.passed { "margin" } else { "over by" },
            s.margin.abs() * 100.0
        )
    };
    for s in c.slos.iter().filter(|s| !s.passed) {
        let _ = writeln!(out, "- ❌ objective missed: {}", line(s));
    }
    let met: Vec<&crate::verdict::SloCheck> = c.slos.iter().filter(|s| s.passed).collect();
    if !met.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>{} objective(s) met</summary>\n",
            met.len()
        );
        for s in met {
            let _ = writeln!(out, "- {}", line(s));
        }
        out.push_str("\n</details>\n");
    }
    if !c.slos.is_empty() {
        out.push('\n');
    }
}

/// Ours against each competitor.
fn standings_md(out: &mut String, c: &Comparison) {
    for s in c.standings.iter().filter(|s| s.regressed) {
        let _ = writeln!(
            out,
            "- ❌ competitive gap worsened: {} {}: {:+.1}% behind {} (was {:+.1}%)",
            escape_md(&s.operation),
            s.metric,
            s.gap * 100.0,
            escape_md(&s.leader),
            s.baseline_gap.unwrap_or(0.0) * 100.0
        );
    }
    if c.standings.is_empty() {
        return;
    }
    out.push_str("\n| Operation | Metric | Ours | Competitors (ours ÷ theirs) | Leader | Gap | Baseline gap |\n|---|---|--:|---|---|--:|--:|\n");
    for s in &c.standings {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:+.1}% | {} |",
            escape_md(&s.operation),
            s.metric,
            format_value(s.metric, s.ours),
            competitors_md(s),
            escape_md(&s.leader),
            s.gap * 100.0,
            s.baseline_gap
                .map_or_else(|| "—".into(), |g| format!("{:+.1}%", g * 100.0))
        );
    }
    recall_notes(out, c);
    out.push('\n');
}

/// A command as an inline code span: no backticks or line breaks can end it early.
#[must_use]
pub fn code(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c == '`' || c.is_control() { ' ' } else { c })
        .collect();
    format!("`{clean}`")
}

/// The command that reproduces a comparison on a benchmark runner.
#[must_use]
pub fn reproduce(c: &Comparison, extras: &Extras) -> String {
    let path = c.path.as_deref().unwrap_or("scenarios/");
    let name = &c.scenario;
    let short = |s: &Option<String>| {
        s.as_deref()
            .map_or_else(|| "?".to_owned(), |s| s.chars().take(12).collect())
    };
    match c.basis.method {
        Method::Interleaved => format!(
            "benchbot ab --base {} --head {} --exact-base {path} --scenario {name}",
            c.basis
                .baseline
                .first()
                .map(|r| short(&r.sha))
                .unwrap_or_default(),
            short(&c.basis.current.sha),
        ),
        _ if c.basis.source.starts_with("history:") => format!(
            "benchbot run {path} --scenario {name} --history {} --history-baseline {}",
            extras.history.as_deref().unwrap_or("<results repo>"),
            c.basis.source.trim_start_matches("history:")
        ),
        _ => format!("benchbot run {path} --scenario {name}"),
    }
}

/// What to do next: reproduce, accept an intended change, where the full report is.
pub(super) fn next_steps(out: &mut String, comparisons: &[Comparison], extras: &Extras) {
    let shown: Vec<&Comparison> = comparisons
        .iter()
        .filter(|c| c.verdict != Verdict::Ok)
        .collect();
    if shown.is_empty() && extras.run_url.is_none() {
        return;
    }
    out.push_str("#### Next steps\n\n");
    for c in shown.iter().take(5) {
        // Only names and paths that are plain words go into a command a reader copies.
        let plain = |s: &str| {
            s.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "._-/:".contains(ch))
        };
        if plain(&c.scenario) && c.path.as_deref().is_none_or(plain) {
            let _ = writeln!(
                out,
                "- reproduce {}: {}",
                escape_md(&c.scenario),
                code(&reproduce(c, extras))
            );
        }
    }
    if shown.iter().any(|c| {
        matches!(
            c.verdict,
            Verdict::InternalRegression | Verdict::CompetitiveRegression
        )
    }) {
        let how = extras.accept_label.as_ref().map_or_else(
            || "record the new baseline with `benchbot accept` (who and why are kept in the history)".to_owned(),
            |l| format!("add the {} label to the pull request; the history keeps who accepted it and why (`benchbot accept`)", code(l)),
        );
        let _ = writeln!(out, "- if the change is intended: {how}");
    }
    if shown.iter().any(|c| c.verdict == Verdict::NotJudged) {
        let _ = writeln!(out, "- not judged is not ok: give the scenarios a baseline (`benchbot baseline write`, or record runs of the base branch in the history), or compare head with base on this runner (`benchbot ab`)");
    }
    if let Some(u) = &extras.run_url {
        let _ = writeln!(
            out,
            "- full report: [workflow run]({}){}",
            u.replace(['(', ')', ' ', '<', '>'], ""),
            extras
                .artifact
                .as_ref()
                .map(|a| format!(", artifact {}", code(a)))
                .unwrap_or_default()
        );
    }
    if let Some(h) = &extras.pr_head {
        let _ = writeln!(
            out,
            "- pull request head: {}",
            code(&h.chars().take(12).collect::<String>())
        );
    }
    out.push('\n');
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

/// Failed operations by kind, with a sample message: a failed check is named here.
fn errors_md(out: &mut String, c: &Comparison) {
    if c.errors.is_empty() {
        return;
    }
    out.push_str("**Errors:**\n\n");
    for e in c.errors.iter().take(10) {
        let _ = writeln!(
            out,
            "- {} · {}: {} of {} {}{}",
            escape_md(&e.target),
            escape_md(&e.operation),
            e.count,
            e.of,
            code(&e.kind),
            e.sample
                .as_deref()
                .map_or_else(String::new, |s| format!(", e.g. {}", code(s)))
        );
    }
    if c.errors.len() > 10 {
        let _ = writeln!(
            out,
            "- {} more kind(s) in the JSON report",
            c.errors.len() - 10
        );
    }
    out.push('\n');
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
        assert!(s.contains("\\#\u{2060}12"), "{s}");
        assert!(!escape_md("see GH-12").contains("GH-1"));
        assert!(!escape_md("fixed in 0123abcd4567").contains("0123abcd4"));
        assert_eq!(
            escape_md("Performance768D1M"),
            "Performance768D1M",
            "a word, not a SHA"
        );
        assert!(!escape_md("www.example.com").contains("www."));
        assert!(!escape_md("http://x").contains("http://"));
        assert_eq!(escape_md("p99 12ms"), "p99 12ms");
        assert!(s.contains("\\`code\\`"));
    }
}
