//! `benchbot merge`: the records of a run's shards as the record of the whole.

use anyhow::Context as _;

use crate::cli::MergeArgs;
use crate::printer::Printer;
use crate::record::RunRecord;
use crate::scenario::Name;
use crate::ExitStatus;

/// Reads every shard record, merges them, writes the merged record and prints its path.
///
/// # Errors
/// An unreadable record, records that are not the shards of one run (named), or a write
/// failure; nothing is written then.
pub fn run(args: &MergeArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let mut shards = Vec::with_capacity(args.records.len());
    for p in &args.records {
        let r = RunRecord::read(p)?;
        shards.push((p.clone(), r));
    }
    let merged = crate::record::merge(&shards).map_err(anyhow::Error::msg)?;
    let name = Name::parse(&merged.scenario.name)
        .map_err(|e| anyhow::anyhow!("scenario name in the records: {e}"))?;
    let path = args
        .out
        .join("records")
        .join(name.as_str())
        .join(format!("{}.json", merged.run_id));
    merged
        .write(&path)
        .with_context(|| format!("writing {}", path.display()))?;
    let ops: u64 = merged
        .targets
        .iter()
        .flat_map(|t| &t.operations)
        .flat_map(|o| &o.repetitions)
        .map(|r| r.count + r.errors.values().sum::<u64>())
        .sum();
    printer.msg(&format!(
        "merged {} shard(s) of `{}`: {ops} operation(s) in all",
        shards.len(),
        name.as_str()
    ));
    printer.out(&path.display().to_string());
    Ok(ExitStatus::Success)
}
