//! Several runs of one scenario pooled into one baseline.

use super::record::RunRecord;

/// Several runs of one scenario as one baseline: the repetitions of each (target, operation)
/// are pooled, so the statistics see every run's repetitions as samples. The pooled record
/// takes its metadata from the first run and `run_id` from `label` and the pooled run ids.
///
/// # Panics
/// Never: `records` must not be empty, which callers guarantee.
#[must_use]
pub fn pool(records: &[&RunRecord], label: &str) -> RunRecord {
    let mut out = records[0].clone();
    out.run_id = format!(
        "{label} ({} run{}: {})",
        records.len(),
        if records.len() == 1 { "" } else { "s" },
        records
            .iter()
            .map(|r| r.run_id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for r in &records[1..] {
        for t in &r.targets {
            // Summaries cannot be pooled with samples: pooling keeps raw repetitions only.
            let Some(ot) = out.targets.iter_mut().find(|o| o.name == t.name) else {
                continue;
            };
            for op in &t.operations {
                if let Some(oo) = ot.operations.iter_mut().find(|o| o.name == op.name) {
                    oo.repetitions.extend(op.repetitions.iter().cloned());
                }
            }
        }
    }
    out
}
