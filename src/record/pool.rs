//! Several runs of one scenario pooled into one baseline.

use super::record::{PooledRun, RunRecord, SummaryRecord};

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
            // A tool's summaries cannot be pooled with samples: pooling keeps the runs'
            // repetitions, and summaries computed from every raw sample are added exactly.
            let Some(ot) = out.targets.iter_mut().find(|o| o.name == t.name) else {
                continue;
            };
            // Operations found by name through an index: a search per operation made pooling
            // records of many thousand benchmarks quadratic.
            let index: std::collections::HashMap<String, usize> = ot
                .operations
                .iter()
                .enumerate()
                .map(|(i, o)| (o.name.clone(), i))
                .collect();
            for op in &t.operations {
                if let Some(oo) = index.get(&op.name).map(|i| &mut ot.operations[*i]) {
                    oo.summary = match (oo.summary, op.summary) {
                        (Some(a), Some(b)) if a.from_samples && b.from_samples => {
                            Some(add_summaries(a, b))
                        }
                        (a, _) => a.filter(|a| !a.from_samples),
                    };
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

/// The exact mean, deviation and count of two sets of samples together, from theirs (Chan,
/// Golub and LeVeque's pairwise update).
#[must_use]
pub fn add_summaries(a: SummaryRecord, b: SummaryRecord) -> SummaryRecord {
    #[expect(clippy::cast_precision_loss, reason = "sample counts")]
    let (na, nb) = (a.n as f64, b.n as f64);
    let n = na + nb;
    if a.n == 0 || b.n == 0 {
        return if a.n == 0 { b } else { a };
    }
    let delta = b.mean - a.mean;
    let mean = a.mean + delta * nb / n;
    let m2 =
        a.stdev.powi(2) * (na - 1.0) + b.stdev.powi(2) * (nb - 1.0) + delta * delta * na * nb / n;
    SummaryRecord {
        mean,
        stdev: if n > 1.0 {
            (m2 / (n - 1.0)).sqrt()
        } else {
            0.0
        },
        n: a.n + b.n,
        from_samples: true,
    }
}

#[cfg(test)]
mod summary_tests {
    use super::{add_summaries, SummaryRecord};

    fn of(xs: &[f64]) -> SummaryRecord {
        let s = crate::stats::Summary::of(xs);
        SummaryRecord {
            mean: s.mean,
            stdev: s.var.sqrt(),
            n: xs.len() as u64,
            from_samples: true,
        }
    }

    #[test]
    fn two_summaries_add_up_to_the_summary_of_all_samples() {
        let a = [1.0, 2.0, 4.0, 8.0];
        let b = [3.0, 5.0, 100.0];
        let all: Vec<f64> = a.iter().chain(&b).copied().collect();
        let (got, want) = (add_summaries(of(&a), of(&b)), of(&all));
        assert_eq!(got.n, 7);
        assert!((got.mean - want.mean).abs() < 1e-12, "{got:?} {want:?}");
        assert!((got.stdev - want.stdev).abs() < 1e-12, "{got:?} {want:?}");
    }
}
