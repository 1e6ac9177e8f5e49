//! `benchbot calibrate`: A/A rounds (one build as both base and head, interleaved as
//! `benchbot ab` runs them), then per scenario the false-alarm rate, the minimum detectable
//! effects and the blocks a change of the threshold's size needs on this machine. With
//! `--store` the calibrations go to the history, where `benchbot ab --blocks auto` finds them.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use chrono::Utc;

use super::ab::Tree;
use super::run::execute::{AbSetup, Runner};
use super::run::{
    build_all, context, git_info, prepare_with, run_info, runtime, signals, source_tree, Prepared,
    SuiteState,
};
use crate::cli::CalibrateArgs;
use crate::cmd::baselines::BaselineSource;
use crate::engine::Cancel;
use crate::exit::{ExitStatus, Outcome};
use crate::history::{Appended, History};
use crate::printer::Printer;
use crate::record::{GitInfo, RunRecord};
use crate::report::{calibration_markdown, calibration_table, plan};
use crate::scenario::Scenario;
use crate::system::{compare_env, EnvField, Environment};
use crate::util::write_atomic;
use crate::verdict::{calibrate, Calibration, Comparison, Round, Verdict};

/// Where calibrations live in the history.
const DIR: &str = "calibration";
/// `--blocks auto` never plans more first-stage blocks than this.
pub const MAX_AUTO_BLOCKS: u32 = 60;
/// … nor fewer than this.
pub const MIN_AUTO_BLOCKS: u32 = 6;

/// # Errors
/// Fatal errors only; a false alarm is a measurement.
pub fn run(args: &CalibrateArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let r = &args.run;
    anyhow::ensure!(
        !args.store || r.history.is_some(),
        "--store needs --history: the repository the calibrations are committed to"
    );
    let Some(Prepared {
        gh,
        settings,
        scenarios,
        preflight,
    }) = prepare_with(r, false, printer)?
    else {
        return Ok(ExitStatus::Failure);
    };
    let Some(scenarios) =
        super::run::interleavable(scenarios, &settings, "benchbot calibrate", printer)
    else {
        return Ok(ExitStatus::Failure);
    };
    if r.dry_run {
        for s in &scenarios {
            printer.out(&plan(s));
        }
        return Ok(ExitStatus::Success);
    }
    let confirm = crate::gate::parse_confirm(&args.confirm).map_err(anyhow::Error::msg)?;
    let out = r.output.out.join("calibrate");
    let _lock = crate::util::lock_dir(&r.output.out)
        .with_context(|| format!("--out {}", r.output.out.display()))?;
    super::run::reap(&r.output.out, printer);
    let Some(tree) = built_tree(args, &scenarios, &out, printer) else {
        return Ok(ExitStatus::Failure);
    };
    let history = r
        .history
        .as_deref()
        .filter(|_| args.store)
        .map(|p| History::open(p, &r.history_branch))
        .transpose()?;
    let rt = runtime()?;
    let cancel = Cancel::new();
    rt.spawn(signals(cancel.clone()));
    let ctx = context(r, &settings, cancel.clone(), printer)?;
    let mut runner = Runner {
        args: r,
        out: out.clone(),
        settings: &settings,
        rt: &rt,
        ctx: &ctx,
        // A/A records are measurements of noise, never baselines: they stay out of history.
        history: None,
        baselines: BaselineSource::CommittedDir(r.baselines.clone()),
        info: run_info(String::new(), &settings, &gh, r, preflight),
        options: crate::cmd::judging::options(&r.judging),
        ab: Some(AbSetup {
            base: tree.clone(),
            head: tree,
            blocks: args.blocks,
            calibrated: BTreeMap::new(),
            confirm,
            extend: crate::gate::parse_confirm(&args.extend).map_err(anyhow::Error::msg)?,
            reruns: args.reruns,
            seed: None,
        }),
        printer,
    };
    let mut outcome = Outcome::default();
    let rounds = rounds(&mut runner, args.rounds, &scenarios, &mut outcome)?;
    drop(runner);
    rt.shutdown_background();
    let cals = calibrations(&scenarios, &rounds);
    write(&out, &cals)?;
    printer.out(&calibration_table(&cals));
    printer.msg(&format!(
        "calibration: {} and {}",
        out.join("calibration.json").display(),
        out.join("calibration.md").display()
    ));
    if let Some(h) = &history {
        store(h, &cals, &outcome_id(&rounds), &mut outcome, printer);
    }
    if cancel.is_cancelled() {
        printer.error("calibration interrupted: the figures above cover the rounds completed");
        outcome.fail();
    }
    if rounds
        .values()
        .flatten()
        .any(|(_, c)| c.verdict == Verdict::Failed)
    {
        printer.error(
            "some rounds failed (see above): a calibration with failed rounds is not one to trust",
        );
        outcome.fail();
    }
    // A/A regressions are what is measured here, not a result to gate on.
    Ok(if outcome.status() == ExitStatus::Failure {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The working tree, built once with the suite's build command; `None` when the build failed
/// (reported).
fn built_tree(
    args: &CalibrateArgs,
    scenarios: &[Scenario],
    out: &Path,
    printer: &Printer,
) -> Option<Tree> {
    let tree = Tree {
        path: source_tree(),
        git: git_info().unwrap_or(GitInfo {
            sha: "working-tree".into(),
            reference: None,
        }),
        working: true,
    };
    for c in build_all(args.build.as_deref(), scenarios) {
        if let Err(e) = super::ab::build(&c, &tree, &out.join("build.log"), printer) {
            printer.error(&format!("{e:#}"));
            return None;
        }
    }
    Some(tree)
}

/// Each scenario's calibration from its rounds, in the suite's order.
fn calibrations(scenarios: &[Scenario], rounds: &Rounds) -> Vec<Calibration> {
    let now = Utc::now();
    scenarios
        .iter()
        .filter_map(|s| {
            let rs = rounds.get(s.name.as_str())?;
            let rounds: Vec<Round<'_>> = rs
                .iter()
                .map(|(record, comparison)| Round {
                    record: record.as_ref(),
                    comparison,
                })
                .collect();
            calibrate(&rounds, now)
        })
        .collect()
}

/// Per scenario, each round's record (`None` when it failed) and comparison.
type Rounds = BTreeMap<String, Vec<(Option<RunRecord>, Comparison)>>;

/// Runs the A/A rounds, each in its own directory under the runner's output.
fn rounds(
    runner: &mut Runner<'_>,
    n: u32,
    scenarios: &[Scenario],
    outcome: &mut Outcome,
) -> anyhow::Result<Rounds> {
    let out = runner.out.clone();
    let printer = runner.printer;
    let mut rounds = Rounds::new();
    for i in 1..=n {
        if runner.ctx.cancel.is_cancelled() {
            break;
        }
        printer.msg(&format!("calibration round {i} of {n}"));
        let dir = out.join(format!("round-{i:04}"));
        // With --resume, a round begun before the interruption keeps what it completed.
        let resume = runner.args.resume && dir.join("state.json").is_file();
        let mut suite = SuiteState::open(&dir, resume, scenarios, printer)?;
        runner.info.run_id.clone_from(&suite.run_id);
        runner.out.clone_from(&dir);
        for c in runner.all(scenarios.to_vec(), &mut suite, outcome)? {
            let path = dir
                .join("records")
                .join(&c.scenario)
                .join(format!("{}.json", c.run_id));
            let record = (c.verdict != Verdict::Failed)
                .then(|| RunRecord::read(&path).ok())
                .flatten();
            printer.msg(&format!(
                "  round {i}: {} {}",
                c.scenario,
                crate::report::verdict_words(c.verdict)
            ));
            rounds
                .entry(c.scenario.clone())
                .or_default()
                .push((record, c));
        }
    }
    Ok(rounds)
}

/// The id the stored calibrations share: the last round's run id.
fn outcome_id(rounds: &Rounds) -> String {
    rounds
        .values()
        .filter_map(|v| v.last())
        .map(|(_, c)| c.run_id.clone())
        .max()
        .unwrap_or_else(|| "calibration".into())
}

fn write(out: &Path, cals: &[Calibration]) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let json = serde_json::to_vec_pretty(cals)?;
    let p = out.join("calibration.json");
    write_atomic(&p, &json).with_context(|| format!("writing {}", p.display()))?;
    let p = out.join("calibration.md");
    write_atomic(&p, calibration_markdown(cals).as_bytes())
        .with_context(|| format!("writing {}", p.display()))?;
    Ok(())
}

fn store(h: &History, cals: &[Calibration], id: &str, outcome: &mut Outcome, printer: &Printer) {
    for c in cals {
        let path = format!("{DIR}/{}/{id}.json", c.scenario);
        let stored = serde_json::to_vec_pretty(c)
            .map_err(anyhow::Error::from)
            .and_then(|json| {
                h.append_document(
                    &path,
                    &json,
                    &format!(
                        "benchbot: calibration of {} ({} A/A rounds, false alarms {}/{})\n",
                        c.scenario, c.rounds, c.false_alarms.events, c.false_alarms.trials
                    ),
                )
                .map_err(anyhow::Error::from)
            });
        match stored {
            Ok(Appended::Added { path, .. } | Appended::AlreadyPresent { path }) => {
                printer.msg(&format!("  history: {path} on `{}`", h.branch()));
            }
            Err(e) => {
                printer.error(&format!(
                    "{}\n  hint: the calibration is in calibration.json; nothing else was lost",
                    crate::util::error::chain(e.as_ref())
                ));
                outcome.fail();
            }
        }
    }
}

/// The newest stored calibration of `scenario` measured on a machine like `env` (same CPU
/// model, cores, architecture, labels) with the same operation sequence.
///
/// # Errors
/// The history cannot be read (an unreadable calibration is skipped, not an error).
pub fn latest(
    h: &History,
    scenario: &Scenario,
    env: &Environment,
) -> anyhow::Result<Option<Calibration>> {
    let docs = h.documents(&format!("{DIR}/{}", scenario.name))?;
    let digest = scenario.sequence_digest(scenario.digest_len());
    Ok(docs
        .iter()
        .filter_map(|(_, bytes)| serde_json::from_slice::<Calibration>(bytes).ok())
        .filter(|c| {
            c.sequence_digest == digest
                && compare_env(env, &c.environment, &EnvField::HARD)
                    .incomparable()
                    .is_none()
        })
        .max_by_key(|c| c.created_at))
}

/// `--blocks auto`: the blocks each scenario needs per its latest calibration on this machine,
/// within [`MIN_AUTO_BLOCKS`]..=[`MAX_AUTO_BLOCKS`]; scenarios without one are left out (and
/// said so).
///
/// # Errors
/// The history cannot be read.
pub fn auto_blocks(
    h: Option<&History>,
    scenarios: &[Scenario],
    env: &Environment,
    printer: &Printer,
) -> anyhow::Result<BTreeMap<String, u32>> {
    let mut out = BTreeMap::new();
    let Some(h) = h else {
        printer.warn("--blocks auto without --history: no calibration to read; default blocks");
        return Ok(out);
    };
    for s in scenarios {
        let Some(c) = latest(h, s, env)? else {
            printer.warn(&format!(
                "{}: no calibration for this machine in the history; default blocks (run `benchbot calibrate --store`)",
                s.name
            ));
            continue;
        };
        let need = c.blocks_needed().unwrap_or(MAX_AUTO_BLOCKS);
        let blocks = need.clamp(MIN_AUTO_BLOCKS, MAX_AUTO_BLOCKS);
        let settle = c
            .rows
            .iter()
            .max_by_key(|r| r.blocks_for_threshold.unwrap_or(u32::MAX));
        printer.msg(&format!(
            "  {}: {blocks} blocks (calibrated {}, {} rounds{}{})",
            s.name,
            c.created_at.format("%Y-%m-%d"),
            c.rounds,
            settle.map_or(String::new(), |r| format!(
                "; {} {} {} needs {}",
                r.target,
                r.operation,
                r.metric,
                r.blocks_for_threshold
                    .map_or_else(|| "more than 1000".into(), |n| n.to_string())
            )),
            if need > MAX_AUTO_BLOCKS {
                format!(": capped at {MAX_AUTO_BLOCKS}, expect `inconclusive`")
            } else {
                String::new()
            }
        ));
        out.insert(s.name.to_string(), blocks);
    }
    Ok(out)
}
