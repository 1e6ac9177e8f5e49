//! `benchbot publish`: the bodies of a report written by `run` or `compare`, posted.

use anyhow::Context as _;

use crate::cli::PublishCmdArgs;
use crate::exit::{ExitStatus, Outcome};
use crate::github::Context;
use crate::history::History;
use crate::printer::Printer;
use crate::verdict::Comparison;

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
