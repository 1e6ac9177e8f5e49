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
    if let Some((quarter, body, full)) = &bodies.quarterly {
        write_atomic(&issue_path, body.as_bytes())?;
        printer.msg(&format!(
            "quarterly issue body ({quarter}): {}",
            issue_path.display()
        ));
        if full.len() + 200 > body.len() {
            let p = out.join("issue-full.md");
            write_atomic(&p, full.as_bytes())?;
        }
    }
    if args.task_issues {
        for t in bodies
            .tasks
            .iter()
            .filter(|t| t.priority == Priority::High)
            .take(args.max_task_issues)
        {
            let p = out.join(format!("task-{}.md", file_stem(&t.key())));
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
        let mut md = report::bounded_markdown(
            comparisons,
            extras,
            report::SUMMARY_LIMIT_CHARS,
            "`latest.md` in the run's `benchbot-report` artifact",
        );
        md.push_str(&charts_line(&out.join("charts")));
        runtime::append_summary(summary, &md)
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

/// A file name part from untrusted text: letters, digits, `.`, `_` and `-` only, at most 80
/// characters, and a hash of the whole text so two long names never share a file.
#[must_use]
pub fn file_stem(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("{clean}-{:08x}", hash & 0xffff_ffff)
}

/// Where the charts are, for the step summary (which cannot show files of the run): their
/// count and names, under `charts/` of the `benchbot-report` artifact.
fn charts_line(dir: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            // Written by benchbot under safe names; anything else is not listed.
            (Path::new(&name).extension().is_some_and(|x| x == "svg")
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)))
            .then_some(name)
        })
        .collect();
    if names.is_empty() {
        return String::new();
    }
    names.sort();
    let shown = names.len().min(20);
    format!(
        "\n**Charts:** {} SVG file(s) under `charts/` in the run's `benchbot-report` artifact: {}{}\n",
        names.len(),
        names[..shown]
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", "),
        if names.len() > shown { ", …" } else { "" }
    )
}
