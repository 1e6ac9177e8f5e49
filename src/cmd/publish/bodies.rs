//! What benchbot posts: the PR comment (bounded), the resolved note, the quarterly review and
//! the optimization tasks, built once from the comparisons.

use chrono::Datelike;

use crate::cli::PublishArgs;
use crate::github::{Context, Event, Findings};
use crate::history::History;
use crate::record::published::Published;
use crate::record::RunRecord;
use crate::report::{
    self, bounded_markdown, escape_md, quarterly_markdown, Extras, GITHUB_BODY_LIMIT,
};
use crate::scenario::{Metric, Role};
use crate::verdict::{tasks, Comparison, Priorities, Status, Task, Verdict};

/// Every body of one publication.
pub struct Bodies {
    pub findings: Findings,
    /// The PR comment when there is something to say.
    pub comment: String,
    /// The PR comment after a clean run.
    pub resolved: String,
    /// The quarterly review when one is due: its quarter, the body posted (bounded), the
    /// full review.
    pub quarterly: Option<(String, String, String)>,
    /// Optimization tasks, largest gap first.
    pub tasks: Vec<Task>,
}

impl Bodies {
    /// Builds every body; `history` gives the quarterly review its trends.
    ///
    /// # Errors
    /// An unreadable file of published figures.
    pub fn build(
        comparisons: &[Comparison],
        args: &PublishArgs,
        ctx: &Context,
        history: Option<&History>,
    ) -> anyhow::Result<Self> {
        let findings = Findings {
            regression: comparisons.iter().any(|c| {
                matches!(
                    c.verdict,
                    // An accepted regression is still worth a comment that says so.
                    Verdict::InternalRegression
                        | Verdict::CompetitiveRegression
                        | Verdict::Accepted
                )
            }),
            failed: comparisons.is_empty()
                || comparisons.iter().any(|c| c.verdict == Verdict::Failed),
            unjudged: comparisons.iter().any(|c| c.verdict == Verdict::NotJudged),
            change: comparisons.iter().any(|c| {
                c.rows.iter().any(|r| {
                    matches!(
                        r.status,
                        Status::Regression
                            | Status::Warning
                            | Status::Improvement
                            | Status::Changed
                    )
                })
            }),
        };
        let footer = footer(ctx);
        let elsewhere = "the step summary and the run's `benchbot-report` artifact";
        let extras = extras(ctx, args, history);
        // The sticky comment's marker goes in front of the body when it is posted.
        let marker = crate::github::publish::comment_marker(&args.suite);
        let comment = bounded_markdown(
            comparisons,
            &extras,
            GITHUB_BODY_LIMIT - footer.chars().count() - marker.chars().count() - 200,
            elsewhere,
        ) + &footer;
        let resolved = format!(
            "### ✅ benchbot: resolved\n\nThe latest run has no regression ({}).\n{footer}",
            escape_md(&report::headline(comparisons))
        );
        let task_list = tasks(comparisons, Priorities::default());
        let quarterly = if args.quarterly || matches!(ctx.event, Event::Schedule(_)) {
            let quarter = args
                .quarter
                .clone()
                .unwrap_or_else(|| quarter_of(chrono::Utc::now().date_naive()));
            let figures = if args.published.exists() {
                Published::load(&args.published)?.figures
            } else {
                Vec::new()
            };
            let full = quarterly_markdown(
                &quarter,
                comparisons,
                &task_list,
                &trends(comparisons, history).unwrap_or_default(),
                &figures,
            );
            let marker = crate::github::publish::quarterly_marker(&quarter);
            let body = report::bound_lines(
                &full,
                GITHUB_BODY_LIMIT - footer.chars().count() - marker.chars().count() - 100,
                "the run's `issue-full.md` (artifact `benchbot-report`)",
            ) + &footer;
            Some((quarter, body, full))
        } else {
            None
        };
        Ok(Self {
            findings,
            comment,
            resolved,
            quarterly,
            tasks: task_list,
        })
    }
}

/// Links and names for the next steps of a report.
#[must_use]
pub fn extras(ctx: &Context, args: &PublishArgs, history: Option<&History>) -> Extras {
    Extras {
        run_url: ctx.run_url(),
        artifact: ctx.run_url().map(|_| "benchbot-report".to_owned()),
        accept_label: ctx.target_pr().map(|_| args.accept_label.clone()),
        pr_head: ctx.target_pr().map(|pr| pr.head_sha),
        history: history.map(|h| h.path().display().to_string()),
    }
}

/// The line under every body: version, commit, link to the workflow run.
fn footer(ctx: &Context) -> String {
    format!(
        "\n---\n<sub>benchbot {}{}{}</sub>\n",
        env!("CARGO_PKG_VERSION"),
        ctx.target_pr()
            .map(|pr| pr.head_sha)
            .or_else(|| ctx.sha.clone())
            .map(|s| format!(" · commit {}", crate::util::prefix(&s, 12)))
            .unwrap_or_default(),
        ctx.run_url()
            .map(|u| format!(" · [workflow run]({u})"))
            .unwrap_or_default()
    )
}

/// `2026-Q4` for a date.
#[must_use]
pub fn quarter_of(date: chrono::NaiveDate) -> String {
    format!("{}-Q{}", date.year(), date.month0() / 3 + 1)
}

/// Sparklines of our p50 and throughput over the last 20 stored runs of each competitive
/// scenario, for the quarterly review.
fn trends(
    comparisons: &[Comparison],
    history: Option<&History>,
) -> anyhow::Result<Vec<(String, String)>> {
    let Some(h) = history else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for c in comparisons.iter().filter(|c| !c.standings.is_empty()) {
        let stored = h.records(Some(&c.scenario))?.stored;
        let runs: Vec<&RunRecord> = stored[stored.len().saturating_sub(20)..]
            .iter()
            .map(|s| &s.record)
            .collect();
        for s in c
            .standings
            .iter()
            .filter(|s| s.metric == Metric::P50 || s.metric == Metric::Throughput)
        {
            let values: Vec<f64> = runs
                .iter()
                .filter_map(|r| {
                    r.samples(s.metric)
                        .into_iter()
                        .find(|x| x.role == Role::Ours && x.operation == s.operation)
                        .filter(|x| !x.values.is_empty())
                        .map(|x| crate::stats::mean(&x.values))
                })
                .collect();
            if values.len() >= 2 {
                out.push((
                    format!(
                        "{} {} {} (ours, last {} runs)",
                        c.scenario,
                        s.operation,
                        s.metric,
                        values.len()
                    ),
                    report::sparkline(&values),
                ));
            }
        }
    }
    Ok(out)
}
