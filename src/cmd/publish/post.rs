//! Posting through the API: the sticky PR comment, the quarterly issue, task issues.

use super::bodies::Bodies;
use crate::cli::PublishArgs;
use crate::github::publish::{quarterly_issue, sticky_comment, task_issue, CommentAction};
use crate::github::{Client, Context};
use crate::printer::Printer;
use crate::report::task_markdown;
use crate::verdict::Priority;

/// Posts every body that is due.
///
/// # Errors
/// An API error (after retries).
pub async fn post(
    client: &Client,
    bodies: &Bodies,
    args: &PublishArgs,
    ctx: &Context,
    printer: &Printer,
) -> anyhow::Result<()> {
    if let Some(pr) = ctx.target_pr() {
        let (action, id) = sticky_comment(
            client,
            pr.number,
            &args.suite,
            args.comment_on,
            bodies.findings,
            &bodies.comment,
            &bodies.resolved,
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
    if let Some((quarter, body, _)) = &bodies.quarterly {
        let (created, n) = quarterly_issue(client, quarter, &args.quarterly_label, body).await?;
        printer.msg(&format!(
            "{} quarterly issue #{n} ({quarter})",
            if created { "created" } else { "updated" }
        ));
    }
    if args.task_issues {
        let high: Vec<_> = bodies
            .tasks
            .iter()
            .filter(|t| t.priority == Priority::High)
            .collect();
        if high.len() > args.max_task_issues {
            printer.msg(&format!(
                "{} HIGH task(s): issues for the first {} (--max-task-issues); the rest are in the quarterly review",
                high.len(),
                args.max_task_issues
            ));
        }
        for t in high.into_iter().take(args.max_task_issues) {
            // GitHub refuses titles over 256 characters; names can be anything.
            let title = crate::util::prefix(
                &format!(
                    "Close the {} gap: {} {} ({:+.0}% behind {})",
                    t.metric,
                    t.scenario,
                    t.operation,
                    t.gap * 100.0,
                    t.leader
                ),
                250,
            )
            .to_owned();
            if let Some(n) = task_issue(
                client,
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
    Ok(())
}
