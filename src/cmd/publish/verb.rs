//! `benchbot publish`: the bodies of a report written by `run` or `compare`, posted.

use anyhow::Context as _;

use crate::cli::PublishCmdArgs;
use crate::exit::{ExitStatus, Outcome};
use crate::github::{Client, Context, Event, Retry, TargetPr};
use crate::history::History;
use crate::printer::Printer;
use crate::verdict::Comparison;

#[derive(serde::Deserialize)]
struct Report {
    comparisons: Vec<Comparison>,
    #[serde(default)]
    pull_request: Option<crate::report::ReportPr>,
}

/// `benchbot publish`.
///
/// # Errors
/// An unreadable report, or an API error.
pub fn run(args: &PublishCmdArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let text = crate::util::read_bounded(&args.report, crate::util::MAX_INPUT)
        .with_context(|| format!("{}: cannot read the report", args.report.display()))?;
    let report: Report = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not a benchbot report: {e}",
            args.report.display(),
            e.line(),
            e.column()
        )
    })?;
    let mut ctx = Context::from_env()?;
    ctx.target = target(args, &ctx, report.pull_request.as_ref(), printer)?;
    let history = args
        .history
        .as_deref()
        .map(|p| History::open_existing(p, &args.history_branch))
        .transpose()?;
    super::publish(
        &report.comparisons,
        &args.publishing,
        &ctx,
        &args.out,
        history.as_ref(),
        true,
        printer,
    )?;
    Ok(Outcome::of(&report.comparisons).status())
}

/// The pull request to post to when the event is not a pull request's: `--pr`, the
/// `workflow_run`'s own, or the one the report names; in a `workflow_run` job confirmed by the
/// API (its head must be the commit the triggering run measured: the report is untrusted).
fn target(
    args: &PublishCmdArgs,
    ctx: &Context,
    named: Option<&crate::report::ReportPr>,
    printer: &Printer,
) -> anyhow::Result<Option<TargetPr>> {
    if ctx.pull_request().is_some() {
        return Ok(None);
    }
    let run = match &ctx.event {
        Event::WorkflowRun(w) => Some(&w.workflow_run),
        _ => None,
    };
    let number = args
        .pr
        .or_else(|| run.and_then(|r| r.pull_requests.first().map(|p| p.number)))
        .or_else(|| named.map(|p| p.number));
    let Some(number) = number else {
        if run.is_some() {
            printer.msg(
                "workflow_run: the triggering run names no pull request; nothing to comment on",
            );
        }
        return Ok(None);
    };
    let Some(run) = run else {
        // By hand: the user named the pull request.
        return Ok(Some(TargetPr {
            number,
            head_sha: named.map(|p| p.head_sha.clone()).unwrap_or_default(),
        }));
    };
    let (Some(token), Some(repo)) = (&ctx.token, &ctx.repository) else {
        anyhow::bail!(
            "workflow_run: confirming pull request #{number} needs a token and GITHUB_REPOSITORY"
        );
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let head = rt.block_on(async {
        let client = Client::new(&ctx.api_url, token, repo, Retry::default())?;
        client.pull_head(number).await
    })?;
    anyhow::ensure!(
        head == run.head_sha,
        "pull request #{number} has head {}, but the run that wrote the report measured {}: nothing is posted (the report is untrusted data; a newer push will publish its own)",
        crate::util::prefix(&head, 12),
        crate::util::prefix(&run.head_sha, 12)
    );
    printer.msg(&format!(
        "workflow_run: publishing to pull request #{number} (head {} confirmed)",
        crate::util::prefix(&head, 12)
    ));
    Ok(Some(TargetPr {
        number,
        head_sha: head,
    }))
}
