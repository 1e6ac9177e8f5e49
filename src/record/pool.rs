//! Several runs of one scenario pooled into one baseline.

use super::record::{PooledRun, RunRecord};

/// The runs a record stands for: its pooled runs, or itself.
#[must_use]
pub fn runs_of(r: &RunRecord) -> Vec<PooledRun> {
    if r.pooled.is_empty() {
        vec![PooledRun {
            run_id: r.run_id.clone(),
            git: r.git.clone(),
            started_at: r.started_at,
            runner: r.environment.runner.clone(),
        }]
    } else {
        r.pooled.clone()
    }
}

/// Several runs of one scenario as one baseline. Every repetition keeps the id of its run
/// (`run_id`), so the verdict can judge run to run; `pooled` lists the runs (commit, date,
/// runner). A record that is itself a pool contributes its runs. The pooled record takes its
/// metadata from the first run and `run_id` from `label` and the pooled run ids.
///
/// # Panics
/// Never: `records` must not be empty, which callers guarantee.
#[must_use]
pub fn pool(records: &[&RunRecord], label: &str) -> RunRecord {
    let mut out = records[0].clone();
    out.pooled = records.iter().flat_map(|r| runs_of(r)).collect();
    out.run_id = format!(
        "{label} ({} run{}: {})",
        out.pooled.len(),
        if out.pooled.len() == 1 { "" } else { "s" },
        out.pooled
            .iter()
            .map(|r| r.run_id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let tag = |r: &RunRecord, rep: &mut super::Repetition| {
        if rep.run_id.is_none() {
            rep.run_id = Some(r.run_id.clone());
        }
    };
    for t in &mut out.targets {
        for op in &mut t.operations {
            for rep in &mut op.repetitions {
                tag(records[0], rep);
            }
        }
    }
    for r in &records[1..] {
        for t in &r.targets {
            // Summaries cannot be pooled with samples: pooling keeps raw repetitions only.
            let Some(ot) = out.targets.iter_mut().find(|o| o.name == t.name) else {
                continue;
            };
            for op in &t.operations {
                if let Some(oo) = ot.operations.iter_mut().find(|o| o.name == op.name) {
                    oo.repetitions
                        .extend(op.repetitions.iter().cloned().map(|mut rep| {
                            tag(r, &mut rep);
                            rep
                        }));
                }
            }
        }
    }
    out
}
