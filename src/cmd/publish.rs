//! Publishing results: files always; step summary, outputs and annotations inside Actions;
//! the PR comment and quarterly issue through the API when a token is available.

use std::path::Path;

use anyhow::Context as _;
use chrono::Datelike;

use crate::cli::{PublishArgs, PublishCmdArgs};
use crate::github::publish::{
    offline_paths, quarterly_issue, sticky_comment, task_issue, CommentAction,
};
use crate::github::{runtime, Client, Context, Findings, Retry};
use crate::history::History;
use crate::printer::Printer;
use crate::record::published::Published;
use crate::record::RunRecord;
use crate::report::{
    self, bounded_markdown, escape_md, quarterly_markdown, task_markdown, GITHUB_BODY_LIMIT,
};
use crate::scenario::{Metric, Role};
use crate::util::write_atomic;
use crate::verdict::{tasks, Comparison, Priorities, Priority, Status, Verdict};
use crate::ExitStatus;

#[derive(serde::Deserialize)]
struct Report {
    comparisons: Vec<Comparison>,
}

/// `benchbot publish`.
///
/// # Errors
/// An unreadable report, or an API error.
pub fn run(args: &PublishCmdArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let text = std::fs::read_to_string(&args.report)
        .with_context(|| format!("{}: cannot read the report", args.report.display()))?;
    let report: Report = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not a benchbot report: {e}",
            args.report.display(),
            e.line(),
            e.column()
        )
    })?;
    let ctx = Context::from_env()?;
    let history = args
        .history
        .as_deref()
        .map(|p| History::open(p, &args.history_branch))
        .transpose()?;
    publish(
        &report.comparisons,
        &args.publishing,
        &ctx,
        &args.out,
        history.as_ref(),
        true,
        printer,
    )?;
    Ok(crate::exit::Outcome::of(&report.comparisons).status())
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
        let stored = h.records(Some(&c.scenario))?;
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

/// Writes the bodies to files, the step summary and outputs; posts when `post` and a token allow.
///
/// # Errors
/// File or API errors (the run's records are already stored by then).
pub fn publish(
    comparisons: &[Comparison],
    args: &PublishArgs,
    ctx: &Context,
    out: &Path,
    history: Option<&History>,
    post: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    let findings = Findings {
        regression: comparisons.iter().any(|c| c.verdict != Verdict::Ok),
        change: comparisons.iter().any(|c| {
            c.rows.iter().any(|r| {
                matches!(
                    r.status,
                    Status::Regression | Status::Warning | Status::Improvement | Status::Changed
                )
            })
        }),
    };
    let footer = format!(
        "\n---\n<sub>benchbot {}{}{}</sub>\n",
        env!("CARGO_PKG_VERSION"),
        ctx.sha
            .as_ref()
            .map(|s| format!(" · commit {}", &s[..s.len().min(12)]))
            .unwrap_or_default(),
        ctx.run_url()
            .map(|u| format!(" · [workflow run]({u})"))
            .unwrap_or_default()
    );
    let elsewhere = "the step summary and the run's `benchbot-report` artifact";
    let body = bounded_markdown(
        comparisons,
        GITHUB_BODY_LIMIT - footer.len() - 200,
        elsewhere,
    ) + &footer;
    let resolved = format!(
        "### ✅ benchbot: resolved\n\nThe latest run has no regression ({}).\n{footer}",
        escape_md(&report::headline(comparisons))
    );
    let quarterly = args.quarterly || matches!(ctx.event, crate::github::Event::Schedule(_));
    let quarter = args
        .quarter
        .clone()
        .unwrap_or_else(|| quarter_of(chrono::Utc::now().date_naive()));
    let task_list = tasks(comparisons, Priorities::default());
    let figures = if quarterly && args.published.exists() {
        Published::load(&args.published)?.figures
    } else {
        Vec::new()
    };
    let issue = quarterly.then(|| {
        quarterly_markdown(
            &quarter,
            comparisons,
            &task_list,
            &trends(comparisons, history).unwrap_or_default(),
            &figures,
        ) + &footer
    });

    let (comment_path, issue_path) = offline_paths(out);
    write_atomic(&comment_path, body.as_bytes())?;
    printer.msg(&format!("comment body: {}", comment_path.display()));
    if let Some(i) = &issue {
        write_atomic(&issue_path, i.as_bytes())?;
        printer.msg(&format!(
            "quarterly issue body ({quarter}): {}",
            issue_path.display()
        ));
    }
    let high: Vec<_> = task_list
        .iter()
        .filter(|t| t.priority == Priority::High)
        .collect();
    if args.task_issues {
        for t in &high {
            let p = out.join(format!("task-{}.md", t.key().replace(['/', '.'], "-")));
            write_atomic(&p, task_markdown(t).as_bytes())?;
        }
    }
    if let Some(summary) = &ctx.summary_file {
        runtime::append_summary(summary, &report::markdown(comparisons))
            .with_context(|| format!("{}: step summary", summary.display()))?;
    }
    if let Some(outputs) = &ctx.output_file {
        let regressions: usize = comparisons.iter().map(|c| c.regressions().count()).sum();
        let verdict = serde_json::to_value(report::overall(comparisons))?
            .as_str()
            .unwrap_or("ok")
            .to_owned();
        runtime::write_outputs(
            outputs,
            &[
                ("verdict", verdict),
                ("regressions", regressions.to_string()),
                ("report", out.join("latest.md").display().to_string()),
                ("comment", comment_path.display().to_string()),
            ],
        )?;
    }
    if ctx.in_actions {
        if let Some(t) = &ctx.token {
            printer.out(&runtime::add_mask(t));
        }
        for (c, r) in comparisons
            .iter()
            .flat_map(|c| c.regressions().map(move |r| (c, r)))
            .take(10)
        {
            printer.out(&runtime::annotation(
                "error",
                &format!("benchbot regression: {}", c.scenario),
                &format!(
                    "{} {} {} {:+.1}% (p = {:.3})",
                    r.target,
                    r.operation,
                    r.metric,
                    r.change.unwrap_or(0.0) * 100.0,
                    r.p.unwrap_or(1.0)
                ),
            ));
        }
    }

    let (Some(token), Some(repo), true) = (&ctx.token, &ctx.repository, post) else {
        printer.msg("no GitHub token or repository: offline mode, nothing posted (the bodies are in the files above)");
        return Ok(());
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let _in_runtime = rt.enter();
    let client = Client::new(&ctx.api_url, token, repo, Retry::default())?;
    rt.block_on(async {
        if let Some(pr) = ctx.pull_request() {
            let (action, id) = sticky_comment(
                &client,
                pr.number,
                &args.suite,
                args.comment_on,
                findings,
                &body,
                &resolved,
            )
            .await?;
            printer.msg(&match action {
                CommentAction::Create(_) => {
                    format!("created comment {} on #{}", id.unwrap_or(0), pr.number)
                }
                CommentAction::Update(..) => {
                    format!("updated comment {} on #{}", id.unwrap_or(0), pr.number)
                }
                CommentAction::Nothing => format!("no comment needed on #{}", pr.number),
            });
        }
        if let Some(i) = &issue {
            let (created, n) = quarterly_issue(&client, &quarter, &args.quarterly_label, i).await?;
            printer.msg(&format!(
                "{} quarterly issue #{n} ({quarter})",
                if created { "created" } else { "updated" }
            ));
        }
        if args.task_issues {
            for t in &high {
                let title = format!(
                    "Close the {} gap: {} {} ({:+.0}% behind {})",
                    t.metric,
                    t.scenario,
                    t.operation,
                    t.gap * 100.0,
                    t.leader
                );
                if let Some(n) = task_issue(
                    &client,
                    &t.key(),
                    &title,
                    &args.task_label,
                    &task_markdown(t),
                )
                .await?
                {
                    printer.msg(&format!("opened task issue #{n} for {}", t.key()));
                }
            }
        }
        anyhow::Ok(())
    })
}
