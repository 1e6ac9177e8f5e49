//! `benchbot compare`: judge run records against a baseline.

use std::path::Path;

use crate::cli::CompareArgs;
use crate::history::{select_baseline, History};
use crate::printer::Printer;
use crate::record::RunRecord;
use crate::report;
use crate::verdict::compare;
use crate::ExitStatus;

/// # Errors
/// An unreadable record or baseline, or a missing baseline.
pub fn run(args: &CompareArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let mut comparisons = Vec::new();
    let from_history = args.baseline.strip_prefix("history:");
    let history = from_history
        .map(|_| History::open(&args.history, &args.history_branch))
        .transpose()?;
    let code = from_history.and_then(|_| git2::Repository::discover(&args.code).ok());
    for path in &args.records {
        let record = RunRecord::read(path)?;
        let baseline = if let (Some(base), Some(history)) = (from_history, &history) {
            anyhow::ensure!(
                !base.is_empty(),
                "`history:` needs a branch, e.g. `--baseline history:main`"
            );
            let stored = history.records(Some(&record.scenario.name))?;
            let selection = select_baseline(&stored, &record, code.as_ref(), base, args.last);
            printer.msg(&format!("{}: {}", record.scenario.name, selection.note));
            let Some(b) = selection.baseline else {
                anyhow::bail!("no baseline for scenario `{}` in history branch `{}`: {}\n  hint: record runs of `{base}` with `benchbot run --history`", record.scenario.name, history.branch(), selection.note);
            };
            b
        } else {
            let given = Path::new(&args.baseline);
            let base_path = if given.is_dir() {
                super::baseline_path(given, &record.scenario.name)
            } else {
                given.to_owned()
            };
            if !base_path.exists() {
                anyhow::bail!("{}: no baseline for scenario `{}`\n  hint: create one with `benchbot baseline write <record>`", base_path.display(), record.scenario.name);
            }
            let b = RunRecord::read(&base_path)?;
            if b.scenario.name != record.scenario.name {
                anyhow::bail!(
                    "{}: baseline is of scenario `{}`, the record of `{}`",
                    base_path.display(),
                    b.scenario.name,
                    record.scenario.name
                );
            }
            b
        };
        comparisons.push(compare(&record, Some(&baseline)));
    }
    super::emit_reports(&comparisons, &args.output, printer)?;
    Ok(report::overall(&comparisons).into())
}
