//! `benchbot accept`: an intended change, recorded in the history with who accepted it and
//! why. Baselines taken from the history start after it.

use super::run::git;
use chrono::Utc;

use crate::cli::AcceptArgs;
use crate::exit::ExitStatus;
use crate::github::Context;
use crate::history::{Appended, History, PushSettings};
use crate::printer::Printer;
use crate::record::{Acceptance, ACCEPTANCE_FORMAT};
use crate::util::error::chain;

/// # Errors
/// Bad input (no reason), an unreadable event, a history that cannot be written.
pub fn run(args: &AcceptArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let gh = Context::from_env()?;
    let Some(acceptance) = acceptance(args, &gh, printer)? else {
        return Ok(ExitStatus::Success);
    };
    let history = History::open(&args.history, &args.history_branch)?;
    match history.accept(&acceptance)? {
        Appended::Added { path, .. } => printer.msg(&format!(
            "accepted: {} ({path} on `{}`)",
            acceptance.summary(),
            history.branch()
        )),
        Appended::AlreadyPresent { path } => {
            printer.msg(&format!("already accepted: {path}"));
        }
    }
    if let Some(remote) = &args.push {
        if let Err(e) = history.push(&PushSettings::new(remote, gh.token.clone())) {
            printer.error(&format!(
                "{}\n  hint: the acceptance is committed locally on `{}`; push again later",
                chain(&e),
                history.branch()
            ));
            return Ok(ExitStatus::Failure);
        }
        printer.msg(&format!("history: pushed `{}`", history.branch()));
    }
    Ok(ExitStatus::Success)
}

/// The acceptance the arguments and the event describe; `None` when a pull request's event
/// does not call for one (not merged, or without the label).
fn acceptance(
    args: &AcceptArgs,
    gh: &Context,
    printer: &Printer,
) -> anyhow::Result<Option<Acceptance>> {
    let pr = gh.pull_request();
    if let Some(ev) = pr {
        let p = &ev.pull_request;
        if p.merged != Some(true) {
            printer.msg(&format!(
                "nothing to accept: pull request #{} was not merged",
                ev.number
            ));
            return Ok(None);
        }
        if !p.has_label(&args.accept_label) {
            printer.msg(&format!(
                "nothing to accept: pull request #{} does not carry the `{}` label",
                ev.number, args.accept_label
            ));
            return Ok(None);
        }
    }
    let reason = match (&args.reason, pr) {
        (Some(r), _) => r.clone(),
        (None, Some(ev)) => format!(
            "pull request #{} ({}) merged with the `{}` label",
            ev.number,
            ev.pull_request.title.as_deref().unwrap_or("untitled"),
            args.accept_label
        ),
        (None, None) => {
            anyhow::bail!("--reason is required: the history keeps why a change was accepted")
        }
    };
    let by = args
        .by
        .clone()
        .or_else(|| {
            pr.and_then(|ev| {
                ev.pull_request
                    .merged_by
                    .as_ref()
                    .or(ev.sender.as_ref())
                    .map(|u| u.login.clone())
            })
        })
        .or_else(|| std::env::var("GITHUB_ACTOR").ok().filter(|s| !s.is_empty()))
        .or_else(|| git(&["config", "user.name"]))
        .unwrap_or_else(|| "unknown".into());
    let sha = args
        .sha
        .clone()
        .or_else(|| pr.and_then(|ev| ev.pull_request.merge_commit_sha.clone()))
        .or_else(|| git(&["rev-parse", "HEAD"]));
    anyhow::ensure!(
        reason.chars().count() <= 2000 && by.chars().count() <= 200,
        "--reason (at most 2000 characters) or --by (at most 200) is too long"
    );
    Ok(Some(Acceptance {
        format: ACCEPTANCE_FORMAT.into(),
        format_version: 1,
        at: Utc::now(),
        scenarios: args.scenarios.clone(),
        sha,
        by,
        reason,
        pull_request: pr.map(|ev| ev.number),
    }))
}
