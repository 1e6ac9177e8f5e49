//! Judging settings from the command line, and what to do with scenarios that were not judged.

use crate::cli::{JudgeArgs, Policy};
use crate::engine::BusyRule;
use crate::exit::Outcome;
use crate::github::{runtime, Context};
use crate::printer::Printer;
use crate::verdict::{Comparison, Options, Unjudged, Verdict};

/// The verdict's options.
#[must_use]
pub fn options(j: &JudgeArgs) -> Options {
    Options {
        hard: j.hard_env.clone(),
        exclude_busy: !j.keep_busy,
        allow_missing: j.allow_missing,
    }
}

/// When a repetition counts as measured on a busy machine.
#[must_use]
pub fn busy_rule(j: &JudgeArgs) -> BusyRule {
    BusyRule {
        others_cores: j.busy_cores,
        steal_pct: j.busy_steal,
    }
}

/// For every scenario that was not judged: a warning (and an Actions `::warning`), or a
/// failure, as `--on-no-baseline`, `--on-incomparable` and `--on-inconclusive` say.
pub fn not_judged(
    comparisons: &[Comparison],
    j: &JudgeArgs,
    gh: &Context,
    outcome: &mut Outcome,
    printer: &Printer,
) {
    for c in comparisons
        .iter()
        .filter(|c| c.verdict == Verdict::NotJudged)
    {
        for n in &c.not_judged {
            let policy = match n.reason {
                Unjudged::NoBaseline => j.on_no_baseline,
                Unjudged::Incomparable => j.on_incomparable,
                Unjudged::Inconclusive | Unjudged::Busy => j.on_inconclusive,
            };
            let text = format!(
                "{} not judged ({}): {}",
                c.scenario,
                n.reason.as_str(),
                n.detail
            );
            match policy {
                Policy::Pass => {}
                Policy::Warn => {
                    printer.warn(&text);
                    if gh.in_actions {
                        printer.command(&runtime::annotation(
                            "warning",
                            &format!("benchbot: {} not judged", c.scenario),
                            &text,
                        ));
                    }
                }
                Policy::Fail => {
                    printer.error(&format!(
                        "{text}\n  hint: the policy for `{}` is `fail`",
                        n.reason.as_str()
                    ));
                    outcome.fail();
                }
            }
        }
    }
}

/// On a pull request carrying `label`: its regressions were intended. They stay in the report
/// as regressions, the scenario's verdict becomes `accepted` (exit 0), and the report says who
/// could have accepted it: whoever labelled the pull request.
pub fn accept_by_label(
    comparisons: &mut [Comparison],
    gh: &Context,
    label: &str,
    printer: &Printer,
) {
    let Some(pr) = gh
        .pull_request()
        .filter(|p| p.pull_request.has_label(label))
    else {
        return;
    };
    for c in comparisons.iter_mut().filter(|c| {
        matches!(
            c.verdict,
            Verdict::InternalRegression | Verdict::CompetitiveRegression
        )
    }) {
        c.verdict = Verdict::Accepted;
        c.accepted = Some(format!(
            "the pull request #{} carries the `{label}` label; when it merges, `benchbot accept` records the new baseline in the history",
            pr.number
        ));
        printer.msg(&format!(
            "{}: regression accepted (label `{label}` on pull request #{})",
            c.scenario, pr.number
        ));
    }
}
