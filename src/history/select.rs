//! Baselines from history: the records of the PR's base, not merely "the previous entry".

use git2::{Oid, Repository};

use super::store::Stored;
use crate::record::{pool, RunRecord};
use crate::system::incomparable;

/// The baseline chosen from history, and why.
#[derive(Clone, Debug)]
pub struct BaselineSelection {
    /// The pooled baseline (repetitions of every chosen run together), if any run qualified.
    pub baseline: Option<RunRecord>,
    /// Run ids pooled, nearest to the merge base first.
    pub runs: Vec<String>,
    pub merge_base: Option<String>,
    /// Runs of the scenario left out because they were taken on another machine.
    pub incomparable: usize,
    /// A sentence for the report.
    pub note: String,
}

fn resolve(repo: &Repository, name: &str) -> Option<Oid> {
    [
        name.to_owned(),
        format!("origin/{name}"),
        format!("refs/remotes/origin/{name}"),
        format!("refs/heads/{name}"),
    ]
    .iter()
    .find_map(|n| {
        repo.revparse_single(n)
            .ok()
            .and_then(|o| o.peel_to_commit().ok())
            .map(|c| c.id())
    })
}

/// Chooses the baseline of `current` among `stored`: with the code repository, the run(s) at the
/// merge base of the current commit and `base`, then the runs of the `last_n − 1` nearest
/// first-parent ancestors before it on `base`; without it (or without SHAs), the latest
/// `last_n` runs recorded from branch `base`. Runs from another machine are left out.
#[must_use]
pub fn select_baseline(
    stored: &[Stored],
    current: &RunRecord,
    code: Option<&Repository>,
    base: &str,
    last_n: usize,
) -> BaselineSelection {
    let same: Vec<&RunRecord> = stored
        .iter()
        .map(|s| &s.record)
        .filter(|r| {
            r.scenario.name == current.scenario.name && r.run_id != current.run_id && !r.incomplete
        })
        .collect();
    let (comparable, other): (Vec<&RunRecord>, Vec<&RunRecord>) = same
        .into_iter()
        .partition(|r| incomparable(&current.environment, &r.environment).is_none());
    let mut merge_base = None;
    let mut chosen: Vec<&RunRecord> = Vec::new();
    let head = code
        .zip(current.git.as_ref())
        .and_then(|(repo, g)| Oid::from_str(&g.sha).ok().map(|o| (repo, o)));
    if let Some((repo, head)) = head {
        if let Some(base_oid) = resolve(repo, base) {
            if let Ok(mb) = repo.merge_base(head, base_oid) {
                merge_base = Some(mb.to_string());
                // First-parent walk from the merge base: position 0 is the merge base itself.
                let mut order = Vec::new();
                let mut commit = repo.find_commit(mb).ok();
                while let Some(c) = commit {
                    order.push(c.id().to_string());
                    if order.len() > 10_000 {
                        break;
                    }
                    commit = c.parent(0).ok();
                }
                let mut by_pos: Vec<(usize, &RunRecord)> = comparable
                    .iter()
                    .filter_map(|r| {
                        r.git
                            .as_ref()
                            .and_then(|g| order.iter().position(|s| *s == g.sha))
                            .map(|p| (p, *r))
                    })
                    .collect();
                by_pos.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.started_at.cmp(&a.1.started_at)));
                chosen = by_pos.into_iter().take(last_n).map(|(_, r)| r).collect();
            }
        }
    }
    if merge_base.is_none() {
        let mut on_base: Vec<&RunRecord> = comparable
            .iter()
            .copied()
            .filter(|r| r.git.as_ref().and_then(|g| g.reference.as_deref()) == Some(base))
            .collect();
        on_base.sort_by_key(|r| std::cmp::Reverse(r.started_at));
        chosen = on_base.into_iter().take(last_n).collect();
    }
    let runs: Vec<String> = chosen.iter().map(|r| r.run_id.clone()).collect();
    let note = match (&merge_base, chosen.len()) {
        (_, 0) if !other.is_empty() => format!(
            "no comparable run of `{}` on `{base}`: {} run(s) were taken on another machine",
            current.scenario.name,
            other.len()
        ),
        (_, 0) => format!(
            "no run of `{}` on `{base}` in history",
            current.scenario.name
        ),
        (Some(mb), n) => format!(
            "baseline: {n} run(s) of `{base}` at and before the merge base {}",
            &mb[..mb.len().min(12)]
        ),
        (None, n) => format!("baseline: the latest {n} run(s) recorded from `{base}`"),
    };
    let baseline = if chosen.is_empty() {
        // Let the comparison say "incomparable environment" rather than "no baseline".
        other.first().map(|r| (*r).clone())
    } else {
        Some(pool(&chosen, &format!("history:{base}")))
    };
    BaselineSelection {
        baseline,
        runs,
        merge_base,
        incomparable: other.len(),
        note,
    }
}
