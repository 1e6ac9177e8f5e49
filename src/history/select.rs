//! Baselines from history: the records of the PR's base, not merely "the previous entry".

use std::fmt::Write as _;

use git2::{Oid, Repository};

use super::store::Stored;
use crate::record::{pool, Acceptance, RunRecord};
use crate::scenario::{Metric, Role};
use crate::stats;
use crate::system::incomparable;

/// A step in the base branch's runs further back than this is not looked for.
const WINDOW: usize = 20;

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

/// The acceptance that starts the baseline, and the runs it leaves out.
struct Cut<'a> {
    acceptance: &'a Acceptance,
    dropped: usize,
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
/// `last_n` runs recorded from branch `base`. Runs from another machine are left out, and so
/// are runs older than the latest acceptance of an intended change (before the merge base)
/// or than the latest step the base branch's runs show: a baseline never pools two levels.
#[must_use]
pub fn select_baseline(
    stored: &[Stored],
    current: &RunRecord,
    code: Option<&Repository>,
    base: &str,
    last_n: usize,
    acceptances: &[Acceptance],
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
    let mut chosen: Vec<&RunRecord> = Vec::new();
    let mut cut: Option<Cut<'_>> = None;
    let merge_base = code
        .zip(current.git.as_ref())
        .and_then(|(repo, g)| Oid::from_str(&g.sha).ok().map(|o| (repo, o)))
        .and_then(|(repo, head)| {
            let mb = repo.merge_base(head, resolve(repo, base)?).ok()?;
            (chosen, cut) = at_merge_base(repo, mb, &comparable, acceptances, current);
            Some(mb.to_string())
        });
    if merge_base.is_none() {
        let mut on_base: Vec<&RunRecord> = comparable
            .iter()
            .copied()
            .filter(|r| r.git.as_ref().and_then(|g| g.reference.as_deref()) == Some(base))
            .collect();
        on_base.sort_by_key(|r| std::cmp::Reverse(r.started_at));
        chosen = on_base.into_iter().take(WINDOW).collect();
        cut = acceptance_cut(&mut chosen, acceptances, &current.scenario.name, |_| true);
    }
    let step = step_cut(&mut chosen);
    chosen.truncate(last_n);
    let runs: Vec<String> = chosen.iter().map(|r| r.run_id.clone()).collect();
    let mut note = match (&merge_base, chosen.len()) {
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
            crate::util::prefix(mb, 12)
        ),
        (None, n) => format!("baseline: the latest {n} run(s) recorded from `{base}`"),
    };
    if let Some(c) = &cut {
        let _ = write!(
            note,
            "; {} older run(s) left out: the change was {}",
            c.dropped,
            c.acceptance.summary()
        );
    }
    if let Some((dropped, change)) = step {
        let _ = write!(
            note,
            "; {dropped} older run(s) left out: the runs of `{base}` stepped by {:+.1}% before them",
            change * 100.0
        );
    }
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

/// The runs at the merge base `mb` and its nearest first-parent ancestors (nearest first, at
/// most [`WINDOW`]), after the latest acceptance that the merge base includes.
fn at_merge_base<'a, 'b>(
    repo: &Repository,
    mb: Oid,
    comparable: &[&'a RunRecord],
    acceptances: &'b [Acceptance],
    current: &RunRecord,
) -> (Vec<&'a RunRecord>, Option<Cut<'b>>) {
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
    let mb_time = repo
        .find_commit(mb)
        .ok()
        .and_then(|c| chrono::DateTime::from_timestamp(c.time().seconds(), 0));
    let mut chosen: Vec<&RunRecord> = by_pos.into_iter().take(WINDOW).map(|(_, r)| r).collect();
    // Acceptances the merge base includes: of a commit on its first-parent line, or (squash
    // merges, rewritten history) made before its commit time.
    let cut = acceptance_cut(&mut chosen, acceptances, &current.scenario.name, |a| {
        a.sha
            .as_ref()
            .and_then(|sha| order.iter().position(|s| s == sha))
            .map_or_else(|| mb_time.is_some_and(|t| a.at <= t), |_| true)
    });
    (chosen, cut)
}

/// Keeps the runs (nearest first) taken since the latest acceptance covering `scenario` for
/// which `applies` holds.
fn acceptance_cut<'a>(
    chosen: &mut Vec<&RunRecord>,
    acceptances: &'a [Acceptance],
    scenario: &str,
    applies: impl Fn(&Acceptance) -> bool,
) -> Option<Cut<'a>> {
    let a = acceptances
        .iter()
        .filter(|a| a.covers(scenario) && applies(a))
        .max_by_key(|a| a.at)?;
    let before = chosen.len();
    chosen.retain(|r| r.started_at >= a.at);
    Some(Cut {
        acceptance: a,
        dropped: before - chosen.len(),
    })
    .filter(|c| c.dropped > 0)
}

/// The level of a run: the mean over our operations of the log of their mean p50.
fn level(r: &RunRecord) -> Option<f64> {
    let logs: Vec<f64> = r
        .targets
        .iter()
        .filter(|t| t.role == Role::Ours)
        .flat_map(|t| &t.operations)
        .filter_map(|o| {
            let v: Vec<f64> = o
                .repetitions
                .iter()
                .map(|x| x.metric(Metric::P50))
                .filter(|v| v.is_finite() && *v > 0.0)
                .collect();
            (!v.is_empty()).then(|| stats::mean(&v).ln())
        })
        .collect();
    (!logs.is_empty()).then(|| stats::mean(&logs))
}

/// Keeps only the runs (nearest first) after the latest step in their levels; returns how many
/// were left out and the step's size.
fn step_cut(chosen: &mut Vec<&RunRecord>) -> Option<(usize, f64)> {
    // Oldest first, as a series.
    let levels: Vec<f64> = chosen
        .iter()
        .rev()
        .map(|r| level(r))
        .collect::<Option<_>>()?;
    let cps = stats::e_divisive(&levels, 3, 0.01);
    let last = cps.last()?;
    // `index` is the first run of the new level, counted from the oldest.
    let keep = levels.len() - last.index;
    let dropped = chosen.len() - keep;
    chosen.truncate(keep);
    Some((dropped, (last.after - last.before).exp_m1()))
}
