//! `benchbot baseline write`: promote run records to committed baselines. Several records of
//! one scenario are pooled into one baseline whose runs the verdict tells apart (it judges a
//! new run against their spread, which takes at least three).

use std::collections::BTreeMap;

use anyhow::Context as _;

use crate::cli::BaselineWriteArgs;
use crate::printer::Printer;
use crate::record::{pool, RunRecord};
use crate::system::incomparable;
use crate::ExitStatus;

/// # Errors
/// An unreadable or incomplete record, records that cannot be pooled, an unwritable directory.
pub fn write(args: &BaselineWriteArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let mut by_scenario: BTreeMap<String, Vec<(std::path::PathBuf, RunRecord)>> = BTreeMap::new();
    for path in &args.records {
        let record = RunRecord::read(path)?;
        // The name becomes a file name under the baselines directory.
        if let Err(e) = crate::util::Name::parse(&record.scenario.name) {
            anyhow::bail!(
                "{}: scenario name {:?} cannot name a baseline file: {e}",
                path.display(),
                crate::util::prefix(&record.scenario.name, 80)
            );
        }
        if record.incomplete {
            anyhow::bail!(
                "{}: the run was interrupted (incomplete); it cannot be a baseline",
                path.display()
            );
        }
        by_scenario
            .entry(record.scenario.name.clone())
            .or_default()
            .push((path.clone(), record));
    }
    for (name, runs) in &by_scenario {
        let (first_path, first) = &runs[0];
        for (p, r) in &runs[1..] {
            anyhow::ensure!(
                r.scenario.sequence_digest == first.scenario.sequence_digest,
                "{} and {}: the operation sequences differ (the scenario or its seed changed); they cannot be pooled",
                first_path.display(),
                p.display()
            );
            if let Some(why) = incomparable(&r.environment, &first.environment) {
                anyhow::bail!(
                    "{} and {}: {why}; they cannot be pooled",
                    first_path.display(),
                    p.display()
                );
            }
        }
        let refs: Vec<&RunRecord> = runs.iter().map(|(_, r)| r).collect();
        let baseline = if refs.len() == 1 {
            refs[0].clone()
        } else {
            pool(&refs, "baseline")
        };
        let dest = super::baseline_path(&args.dir, name);
        baseline
            .write(&dest)
            .with_context(|| format!("writing {}", dest.display()))?;
        printer.msg(&format!(
            "baseline of `{name}` is now {} → {}",
            if refs.len() == 1 {
                format!("run {}", first.run_id)
            } else {
                format!("{} runs pooled", baseline.pooled.len())
            },
            dest.display()
        ));
        if baseline.pooled.len() < 3 && !first.scenario.tags.iter().any(|t| t == "ingest") {
            printer.warn(&format!(
                "the baseline of `{name}` holds {} run(s): runs are judged against it once it pools at least 3 (noise between sessions)",
                baseline.pooled.len().max(1)
            ));
        }
    }
    Ok(ExitStatus::Success)
}
