//! `benchbot validate`: check scenario files.

use crate::cli::ValidateArgs;
use crate::printer::Printer;
use crate::ExitStatus;

/// # Errors
/// When a path does not exist.
pub fn run(args: &ValidateArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let Some(scenarios) = super::load_scenarios(&args.paths, printer)? else {
        return Ok(ExitStatus::Failure);
    };
    let published = std::path::Path::new("baselines/published.toml");
    if published.exists() {
        match crate::record::published::Published::load(published) {
            Ok(p) => printer.out(&format!(
                "ok  {}  ({} cited figure(s))\n",
                published.display(),
                p.figures.len()
            )),
            Err(e) => {
                printer.error(&crate::util::error::chain(&e));
                return Ok(ExitStatus::Failure);
            }
        }
    }
    for s in &scenarios {
        printer.out(&format!(
            "ok  {}  ({}, {} target(s), {} operation(s))\n",
            s.path.display(),
            s.name,
            s.file.targets.len(),
            s.ops.len()
        ));
    }
    Ok(ExitStatus::Success)
}
