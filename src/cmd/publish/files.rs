//! The bodies as files (always), and inside Actions the step summary, outputs, masks and
//! annotations.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::bodies::Bodies;
use crate::cli::PublishArgs;
use crate::github::publish::offline_paths;
use crate::github::{runtime, Context};
use crate::printer::Printer;
use crate::report::{self, task_markdown};
use crate::util::write_atomic;
use crate::verdict::{Comparison, Priority};

/// Writes `comment.md`, `issue.md` (when due) and one file per HIGH task (with
/// `--task-issues`); returns the comment's path.
///
/// # Errors
/// A file that cannot be written.
pub fn write_bodies(
    bodies: &Bodies,
    args: &PublishArgs,
    out: &Path,
    printer: &Printer,
) -> anyhow::Result<PathBuf> {
    let (comment_path, issue_path) = offline_paths(out);
    write_atomic(&comment_path, bodies.comment.as_bytes())?;
    printer.msg(&format!("comment body: {}", comment_path.display()));
    if let Some((quarter, body)) = &bodies.quarterly {
        write_atomic(&issue_path, body.as_bytes())?;
        printer.msg(&format!(
            "quarterly issue body ({quarter}): {}",
            issue_path.display()
        ));
    }
    if args.task_issues {
        for t in bodies.tasks.iter().filter(|t| t.priority == Priority::High) {
            let p = out.join(format!("task-{}.md", t.key().replace(['/', '.'], "-")));
            write_atomic(&p, task_markdown(t).as_bytes())?;
        }
    }
    Ok(comment_path)
}

/// Inside Actions: the step summary, the step's outputs, the token's mask and one annotation
/// per regression (at most ten).
///
/// # Errors
/// The summary or outputs file cannot be written.
pub fn actions_runtime(
    comparisons: &[Comparison],
    extras: &report::Extras,
    ctx: &Context,
    out: &Path,
    comment_path: &Path,
    printer: &Printer,
) -> anyhow::Result<()> {
    if let Some(summary) = &ctx.summary_file {
        runtime::append_summary(summary, &report::markdown_with(comparisons, extras))
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
            printer.command(&runtime::add_mask(t));
        }
        for (c, r) in comparisons
            .iter()
            .flat_map(|c| c.regressions().map(move |r| (c, r)))
            .take(10)
        {
            printer.command(&runtime::annotation(
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
    Ok(())
}
