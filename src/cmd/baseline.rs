//! `benchbot baseline write`: promote run records to committed baselines.

use anyhow::Context as _;

use crate::cli::BaselineWriteArgs;
use crate::printer::Printer;
use crate::record::RunRecord;
use crate::ExitStatus;

/// # Errors
/// An unreadable or incomplete record, or an unwritable directory.
pub fn write(args: &BaselineWriteArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    for path in &args.records {
        let record = RunRecord::read(path)?;
        if record.incomplete {
            anyhow::bail!(
                "{}: the run was interrupted (incomplete); it cannot be a baseline",
                path.display()
            );
        }
        let dest = super::baseline_path(&args.dir, &record.scenario.name);
        record
            .write(&dest)
            .with_context(|| format!("writing {}", dest.display()))?;
        printer.msg(&format!(
            "baseline of `{}` is now run {} → {}",
            record.scenario.name,
            record.run_id,
            dest.display()
        ));
    }
    Ok(ExitStatus::Success)
}
