//! `benchbot compare`: judge run records against a baseline.

use std::path::Path;

use super::baselines::BaselineSource;
use crate::cli::CompareArgs;
use crate::exit::{ExitStatus, Outcome};
use crate::history::History;
use crate::printer::Printer;
use crate::record::RunRecord;
use crate::verdict::compare_with;

/// # Errors
/// An unreadable record or baseline, or a missing baseline.
pub fn run(args: &CompareArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let given = args.baseline.as_deref().unwrap_or("");
    let from_history = given.strip_prefix("history:");
    let history = from_history
        .map(|_| History::open_existing(&args.history, &args.history_branch))
        .transpose()?;
    let source = match (from_history, &history) {
        (Some(base), Some(history)) => {
            anyhow::ensure!(
                !base.is_empty(),
                "`history:` needs a branch, e.g. `--baseline history:main`"
            );
            BaselineSource::History {
                history,
                branch: base.to_owned(),
                code: git2::Repository::discover(&args.code).ok(),
                last: args.last,
            }
        }
        _ => BaselineSource::Committed(Path::new(given).to_owned()),
    };
    let mut comparisons = Vec::new();
    // Each judged record with its baseline, for the charts.
    let mut judged = Vec::new();
    for path in &args.records {
        let record = RunRecord::read(path)?;
        let name = record.scenario.name.as_str();
        if record.ab.is_some() {
            // An A/B record holds its own base, measured in the same blocks.
            comparisons.push(compare_with(
                &record,
                None,
                &super::judging::options(&args.judging),
            ));
            judged.push((record, None));
            continue;
        }
        anyhow::ensure!(
            args.baseline.is_some(),
            "{}: --baseline is needed (the record of `{name}` is not an A/B run, which would hold its base)",
            path.display()
        );
        let resolved = source.resolve(&record)?;
        if let (BaselineSource::History { .. }, Some(note)) = (&source, &resolved.note) {
            printer.msg(&format!("{name}: {note}"));
        }
        let Some(baseline) = resolved.baseline else {
            match (&source, source.committed_path(name)) {
                (BaselineSource::History { branch, .. }, _) => anyhow::bail!(
                    "no baseline for scenario `{name}` in history branch `{}`: {}\n  hint: record runs of `{branch}` with `benchbot run --history`",
                    history.as_ref().map_or("", History::branch),
                    resolved.note.unwrap_or_default()
                ),
                (_, p) => anyhow::bail!(
                    "{}: no baseline for scenario `{name}`\n  hint: create one with `benchbot baseline write <record>`",
                    p.unwrap_or_default().display()
                ),
            }
        };
        let mut c = compare_with(
            &record,
            Some(&baseline),
            &super::judging::options(&args.judging),
        );
        if let Some(l) = resolved.label {
            c.basis.source = l;
        }
        comparisons.push(c);
        judged.push((record, Some(baseline)));
    }
    super::emit_reports(&comparisons, &judged, &args.output, printer)?;
    let mut outcome = Outcome::of(&comparisons);
    super::judging::not_judged(
        &comparisons,
        &args.judging,
        &crate::github::Context::from_env()?,
        &mut outcome,
        printer,
    );
    Ok(outcome.status())
}
