//! Loading the scenarios a verb works on.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::printer::Printer;
use crate::scenario::{self, Scenario};
use crate::util::error::chain;

/// Loads every scenario under `paths`; prints every invalid one and returns `None` if any is.
///
/// # Errors
/// When a path does not exist.
pub fn load_scenarios(
    paths: &[PathBuf],
    printer: &Printer,
) -> anyhow::Result<Option<Vec<Scenario>>> {
    let files = scenario::discover(paths).context("cannot list scenarios")?;
    if files.is_empty() {
        anyhow::bail!(
            "no scenario files (*.toml) under {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut ok = Vec::new();
    let mut failed = false;
    for f in files {
        match Scenario::load(&f) {
            Ok(s) => {
                printer.detail(&format!(
                    "scenario `{}` ({}) from {}: targets {}",
                    s.name,
                    s.kind,
                    f.display(),
                    s.targets
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                ok.push(s);
            }
            Err(e) => {
                printer.error(&chain(&e));
                failed = true;
            }
        }
    }
    for (i, s) in ok.iter().enumerate() {
        if let Some(other) = ok[..i].iter().find(|o| o.name == s.name) {
            printer.error(&format!(
                "{}: scenario name `{}` is already used by {}",
                s.path.display(),
                s.name,
                other.path.display()
            ));
            failed = true;
        }
    }
    Ok((!failed).then_some(ok))
}
