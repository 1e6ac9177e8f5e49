//! The report files every judging verb writes, and what it prints.

use std::fmt::Write as _;
use std::path::Path;

use crate::cli::{Format, OutputArgs};
use crate::printer::Printer;
use crate::record::RunRecord;
use crate::report;
use crate::util::write_atomic;
use crate::verdict::Comparison;

/// Writes `latest.json`, `latest.md`, `latest.txt` and the charts (`charts/*.svg`) into the
/// output directory and prints the requested format on stdout. `records` are the judged
/// records with their baselines, when the caller holds them; others are read from
/// `records/<scenario>/<run id>.json` under the output directory.
///
/// # Errors
/// When the output directory cannot be written.
pub fn emit_reports(
    comparisons: &[Comparison],
    records: &[(RunRecord, Option<RunRecord>)],
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
    let mut md = report::markdown(comparisons);
    let charts = write_charts(comparisons, records, &output.out, printer)?;
    if !charts.is_empty() {
        md.push_str("\n**Charts** (SVG, in the report directory):");
        for c in &charts {
            let _ = write!(md, " [{}](charts/{c})", c.trim_end_matches(".svg"));
        }
        md.push('\n');
    }
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

/// Draws every comparison's charts into `out/charts/`; their file names, sorted.
fn write_charts(
    comparisons: &[Comparison],
    records: &[(RunRecord, Option<RunRecord>)],
    out: &Path,
    printer: &Printer,
) -> anyhow::Result<Vec<String>> {
    let mut charts = Vec::new();
    for c in comparisons {
        if let Some(cap) = &c.capacity {
            charts.extend(report::capacity_charts(&c.scenario, cap));
        }
        let held = records
            .iter()
            .find(|(r, _)| r.run_id == c.run_id && r.scenario.name == c.scenario);
        if let Some((r, base)) = held {
            charts.extend(report::record_charts(r, base.as_ref()));
            continue;
        }
        // Where `run` wrote it (scenario names of runs are plain file names).
        let path = out
            .join("records")
            .join(&c.scenario)
            .join(format!("{}.json", c.run_id));
        let plain = |s: &str| crate::util::file_part(s) == s;
        if plain(&c.scenario) && plain(&c.run_id) && path.is_file() {
            match RunRecord::read(&path) {
                Ok(r) => charts.extend(report::record_charts(&r, None)),
                Err(e) => printer.warn(&format!(
                    "no charts of `{}`: {}",
                    c.scenario,
                    crate::util::error::chain(&e)
                )),
            }
        }
    }
    let dir = out.join("charts");
    // The charts of an earlier report in this directory would be taken for this one's.
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "svg") && p.is_file() {
            std::fs::remove_file(&p)
                .map_err(|err| anyhow::anyhow!("{}: cannot remove: {err}", p.display()))?;
        }
    }
    if charts.is_empty() {
        return Ok(Vec::new());
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", dir.display()))?;
    let mut names = Vec::new();
    for c in charts {
        write_atomic(&dir.join(&c.file), crate::chart::svg(&c.chart).as_bytes())?;
        names.push(c.file);
    }
    names.sort();
    names.dedup();
    Ok(names)
}
