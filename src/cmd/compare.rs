//! `benchbot compare`: judge run records against a baseline.

use crate::cli::CompareArgs;
use crate::printer::Printer;
use crate::record::RunRecord;
use crate::report;
use crate::verdict::compare;
use crate::ExitStatus;

/// # Errors
/// An unreadable record or baseline, or a missing baseline.
pub fn run(args: &CompareArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let mut comparisons = Vec::new();
    for path in &args.records {
        let record = RunRecord::read(path)?;
        let base_path = if args.baseline.is_dir() {
            super::baseline_path(&args.baseline, &record.scenario.name)
        } else {
            args.baseline.clone()
        };
        if !base_path.exists() {
            anyhow::bail!("{}: no baseline for scenario `{}`\n  hint: create one with `benchbot baseline write <record>`", base_path.display(), record.scenario.name);
        }
        let baseline = RunRecord::read(&base_path)?;
        if baseline.scenario.name != record.scenario.name {
            anyhow::bail!(
                "{}: baseline is of scenario `{}`, the record of `{}`",
                base_path.display(),
                baseline.scenario.name,
                record.scenario.name
            );
        }
        comparisons.push(compare(&record, Some(&baseline)));
    }
    super::emit_reports(&comparisons, &args.output, printer)?;
    Ok(report::overall(&comparisons).into())
}
