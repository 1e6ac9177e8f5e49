//! The report files every judging verb writes, and what it prints.

use crate::cli::{Format, OutputArgs};
use crate::printer::Printer;
use crate::report;
use crate::util::write_atomic;
use crate::verdict::Comparison;

/// Writes `latest.json`, `latest.md` and `latest.txt` into the output directory and prints
/// the requested format on stdout.
///
/// # Errors
/// When the output directory cannot be written.
pub fn emit_reports(
    comparisons: &[Comparison],
    output: &OutputArgs,
    printer: &Printer,
) -> anyhow::Result<()> {
    // The pull request it was measured for, for a `publish` in a later `workflow_run` job.
    let pr = crate::github::Context::from_env().ok().and_then(|c| {
        c.pull_request().map(|p| report::ReportPr {
            number: p.number,
            head_sha: p.pull_request.head.sha.clone(),
        })
    });
    let json = report::json_for(comparisons, pr.as_ref())?;
    let md = report::markdown(comparisons);
    let txt = report::terminal(comparisons);
    write_atomic(&output.out.join("latest.json"), json.as_bytes())?;
    write_atomic(&output.out.join("latest.md"), md.as_bytes())?;
    write_atomic(&output.out.join("latest.txt"), txt.as_bytes())?;
    printer.out(match output.format {
        Format::Table => &txt,
        Format::Markdown => &md,
        Format::Json => &json,
    });
    Ok(())
}
