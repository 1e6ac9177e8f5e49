//! The suite's scenarios, one after another: run (with retries), record, store in history,
//! compare with the baseline.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;

use super::assemble::{assemble, RunInfo};
use super::settings::Settings;
use super::suite::SuiteState;
use crate::cli::RunArgs;
use crate::cmd::ab::Tree;
use crate::cmd::baselines::{BaselineError, BaselineSource};
use crate::engine::{run_scenario, EngineError, RunContext, ScenarioOutcome};
use crate::exit::Outcome;
use crate::gate::{AbRun, LiveBlocks, Look, Plan};
use crate::history::{Appended, History};
use crate::printer::Printer;
use crate::record::{AbInfo, RunRecord};
use crate::scenario::Scenario;
use crate::util::error::chain;
use crate::verdict::{compare_with, Comparison, Options, Status, Unjudged};

/// What the scenarios of a run share.
pub struct Runner<'a> {
    pub args: &'a RunArgs,
    /// Where records go (`<out>/records/<scenario>/<run-id>.json`).
    pub out: PathBuf,
    pub settings: &'a Settings,
    pub rt: &'a tokio::runtime::Runtime,
    pub ctx: &'a RunContext,
    pub history: Option<&'a History>,
    pub baselines: BaselineSource<'a>,
    pub info: RunInfo,
    pub options: Options,
    /// Interleaved A/B of two trees instead of one measurement of the working tree.
    pub ab: Option<AbSetup>,
    pub printer: &'a Printer,
}

/// How `benchbot ab` measures: the two trees and the plan of blocks.
pub struct AbSetup {
    pub base: Tree,
    pub head: Tree,
    /// First-stage blocks (default: the scenario's repetitions, at least six).
    pub blocks: Option<u32>,
    /// `--blocks auto`: the blocks of each scenario its calibration asks for.
    pub calibrated: std::collections::BTreeMap<String, u32>,
    pub confirm: f64,
    /// Extension of an inconclusive first stage (a factor of the blocks; 1 = off).
    pub extend: f64,
    pub reruns: u32,
    /// Seed of the blocks' order (default: derived from the run id and the scenario).
    pub seed: Option<u64>,
}

/// What measuring a scenario produced.
struct Measurement {
    outcome: ScenarioOutcome,
    ab: Option<AbInfo>,
    sweep: Option<crate::record::SweepRecord>,
}

impl Runner<'_> {
    /// Runs every scenario; returns their comparisons, and records failures in `outcome`.
    ///
    /// # Errors
    /// A record or the suite's state cannot be written (nothing measured is lost before that).
    pub fn all(
        &self,
        scenarios: Vec<Scenario>,
        suite: &mut SuiteState,
        outcome: &mut Outcome,
    ) -> anyhow::Result<Vec<Comparison>> {
        let mut comparisons = Vec::new();
        for (n, s) in scenarios.into_iter().enumerate() {
            if self.ctx.cancel.is_cancelled() {
                comparisons.push(Comparison::failed(
                    s.name.as_str(),
                    s.kind,
                    &self.info.run_id,
                    "interrupted before it ran",
                ));
                continue;
            }
            let name = s.name.to_string();
            let path = self.record_path(&name);
            if suite.is_done(&name) {
                // Completed before the interruption: judge its record again, run nothing.
                match RunRecord::read(&path) {
                    Ok(record) => {
                        self.printer.msg(&format!(
                            "skipping {name}: completed in run {}",
                            suite.run_id
                        ));
                        comparisons.extend(self.compare(&record, outcome));
                        continue;
                    }
                    Err(e) => self.printer.msg(&format!(
                        "re-running {name}: its record cannot be read ({})",
                        chain(&e)
                    )),
                }
            }
            if n > 0 && !self.settings.scenario_cooldown.is_zero() {
                std::thread::sleep(self.settings.scenario_cooldown);
            }
            let (measured, started_at) = match self.attempts(&Arc::new(s.clone()), suite)? {
                Ok(r) => r,
                Err(why) => {
                    comparisons.push(Comparison::failed(&name, s.kind, &self.info.run_id, why));
                    continue;
                }
            };
            let mut record = assemble(&self.info, &s, measured.outcome, started_at);
            record.sweep = measured.sweep;
            if let (Some(ab), Some(setup)) = (measured.ab, &self.ab) {
                record.git = Some(setup.head.git.clone());
                record.ab = Some(ab);
            }
            if let Err(e) = record.write(&path) {
                // The measurements are not lost: they go to the temporary directory, and the
                // run fails saying where they are.
                let fallback = std::env::temp_dir()
                    .join(format!("benchbot-record-{}-{name}.json", self.info.run_id));
                let kept = record.write(&fallback);
                anyhow::bail!(
                    "writing the run record {}: {e}\n  hint: {}",
                    path.display(),
                    match kept {
                        Ok(()) => format!(
                            "the measurements were saved to {}; add them with `benchbot history import` or `benchbot compare`",
                            fallback.display()
                        ),
                        Err(e2) => format!("saving them to {} failed too: {e2}", fallback.display()),
                    }
                );
            }
            self.printer.msg(&format!("  record: {}", path.display()));
            if record.incomplete {
                self.printer.error(&format!("scenario `{name}` was interrupted; the partial record is marked incomplete\n  hint: `benchbot run --resume --out {}` finishes the suite", self.out.display()));
                outcome.fail();
                comparisons.push(Comparison::failed(
                    &name,
                    s.kind,
                    &self.info.run_id,
                    "interrupted before every repetition completed (the partial record is marked incomplete)",
                ));
                break;
            }
            self.store(&record, outcome);
            suite.done(&name, &path)?;
            comparisons.extend(self.compare(&record, outcome));
        }
        Ok(comparisons)
    }

    fn record_path(&self, scenario: &str) -> PathBuf {
        self.out
            .join("records")
            .join(scenario)
            .join(format!("{}.json", self.info.run_id))
    }

    /// Runs `scenario`, retrying a failure `--retries` times; `Err` says why it failed.
    fn attempts(
        &self,
        scenario: &Arc<Scenario>,
        suite: &mut SuiteState,
    ) -> anyhow::Result<Result<(Measurement, chrono::DateTime<Utc>), String>> {
        let name = scenario.name.as_str();
        let mut last = String::from("not run");
        for attempt in 1..=self.args.retries + 1 {
            suite.running(name)?;
            self.printer.msg(&format!(
                "running {name} ({}){}",
                scenario.path.display(),
                if attempt > 1 {
                    format!(", attempt {attempt}")
                } else {
                    String::new()
                }
            ));
            let started_at = Utc::now();
            match self.rt.block_on(self.measure(scenario)) {
                Ok(o) => return Ok(Ok((o, started_at))),
                Err(e) => {
                    let why = chain(&e);
                    self.printer
                        .error(&format!("scenario `{name}` failed: {why}"));
                    suite.failed(name, &why)?;
                    last = why;
                    if self.ctx.cancel.is_cancelled() {
                        break;
                    }
                }
            }
        }
        Ok(Err(last))
    }

    /// One measurement of `scenario`: a plain run, or interleaved A/B blocks.
    async fn measure(&self, scenario: &Arc<Scenario>) -> Result<Measurement, EngineError> {
        if scenario.load.sweep.is_some() {
            if self.ab.is_some() {
                return Err(EngineError::Unsupported(
                    "a sweep runs under `benchbot run` (compare its capacity with history or a baseline); interleaved A/B of sweeps is not supported yet".into(),
                ));
            }
            let s = crate::engine::run_sweep(scenario, self.ctx, self.printer).await?;
            let slos = &scenario.thresholds.slos;
            return Ok(Measurement {
                outcome: ScenarioOutcome {
                    targets: crate::verdict::capacity_targets(&s.record, slos),
                    cancelled: s.cancelled,
                },
                ab: None,
                sweep: Some(s.record),
            });
        }
        let Some(setup) = &self.ab else {
            return Ok(Measurement {
                outcome: run_scenario(scenario, self.ctx, self.printer).await?,
                ab: None,
                sweep: None,
            });
        };
        let plan = Plan {
            blocks: setup
                .calibrated
                .get(scenario.name.as_str())
                .copied()
                .or(setup.blocks)
                .unwrap_or_else(|| scenario.load.repetitions.max(6)),
            confirm: setup.confirm,
            extend: setup.extend,
            reruns: setup.reruns,
            seed: setup
                .seed
                .unwrap_or_else(|| seed_of(&format!("{}/{}", self.info.run_id, scenario.name))),
        };
        let mut live = LiveBlocks::open(
            scenario,
            self.ctx,
            (&setup.base.path, &setup.head.path),
            plan.blocks + plan.extension_cap() + plan.confirmation_blocks(),
            self.printer,
        )
        .await?;
        let look = |run: &AbRun| self.look(scenario, setup, &plan, run);
        match crate::gate::run(&mut live, &plan, look).await {
            Err(e) => {
                live.abort().await;
                Err(e)
            }
            Ok(run) => {
                let info = ab_info(setup, &plan, &run);
                let (head, base) = live.close().await;
                Ok(Measurement {
                    sweep: None,
                    outcome: ScenarioOutcome {
                        targets: head,
                        cancelled: run.cancelled,
                    },
                    ab: Some(AbInfo {
                        base_targets: base,
                        ..info
                    }),
                })
            }
        }
    }

    /// What the blocks measured so far say: a suspected regression, a gating row that more
    /// blocks would settle, or nothing to add.
    fn look(&self, scenario: &Scenario, setup: &AbSetup, plan: &Plan, run: &AbRun) -> Look {
        let mut r = assemble(
            &self.info,
            scenario,
            ScenarioOutcome {
                targets: run.head.clone(),
                cancelled: false,
            },
            Utc::now(),
        );
        r.ab = Some(ab_info(setup, plan, run));
        let c = compare_with(&r, None, &self.options);
        let gating = || c.rows.iter().filter(|row| row.gating);
        if gating().any(|row| row.status == Status::Regression) {
            self.printer.msg(&format!(
                "  {}: a regression is suspected; confirming with {} more blocks",
                scenario.name,
                plan.confirmation_blocks()
            ));
            return Look::Suspected;
        }
        match gating()
            .filter(|row| row.status == Status::Inconclusive)
            .filter_map(|row| row.needed)
            .max()
        {
            Some(n) if run.extension_blocks == 0 => {
                let more = plan.extension_for(n);
                if more > 0 {
                    self.printer.msg(&format!(
                        "  {}: inconclusive after {} blocks; about {n} in all would settle it, running {more} more",
                        scenario.name, plan.blocks
                    ));
                }
                Look::Unsettled(n)
            }
            _ => Look::Settled,
        }
    }

    /// Appends the record to the history, if there is one.
    fn store(&self, record: &RunRecord, outcome: &mut Outcome) {
        let Some(h) = self.history else { return };
        match h.append(record) {
            Ok(Appended::Added { path, commit }) => {
                self.printer
                    .msg(&format!("  history: {path} on `{}`", h.branch()));
                self.printer.detail(&format!("history commit {commit}"));
            }
            Ok(Appended::AlreadyPresent { path }) => self
                .printer
                .msg(&format!("  history: {path} already stored")),
            Err(e) => {
                self.printer.error(&format!("{}\n  hint: the run record above was kept; add it later with `benchbot history import`", chain(&e)));
                outcome.fail();
            }
        }
    }

    /// The comparison of a record with its baseline (an A/B record holds its own).
    fn compare(&self, record: &RunRecord, outcome: &mut Outcome) -> Option<Comparison> {
        if record.ab.is_some() {
            return Some(compare_with(record, None, &self.options));
        }
        match self.baselines.resolve(record) {
            Ok(r) => {
                if let Some(note) = &r.note {
                    self.printer.msg(&format!("  {note}"));
                }
                if let Some(b) = &r.baseline {
                    self.printer.detail(&format!(
                        "baseline of `{}`: {} (run {}, started {})",
                        record.scenario.name,
                        r.label.as_deref().unwrap_or("given"),
                        b.run_id,
                        b.started_at.to_rfc3339()
                    ));
                }
                let mut c = compare_with(record, r.baseline.as_ref(), &self.options);
                if let (Some(note), None) = (&r.note, &r.baseline) {
                    for n in &mut c.not_judged {
                        if n.reason == Unjudged::NoBaseline {
                            n.detail.clone_from(note);
                        }
                    }
                }
                c.basis.source = r.label.clone().unwrap_or(c.basis.source);
                Some(c)
            }
            Err(e) => {
                let fix = match e {
                    BaselineError::History(_) => "fix the history",
                    _ => "fix or replace the baseline",
                };
                self.printer.error(&format!(
                    "{}\n  hint: the run record above was kept; {fix} and run `benchbot compare`",
                    chain(&e)
                ));
                outcome.fail();
                None
            }
        }
    }
}

/// The A/B part of a record, from the plan and the blocks run so far.
fn ab_info(setup: &AbSetup, plan: &Plan, run: &AbRun) -> AbInfo {
    AbInfo {
        method: "interleaved".into(),
        base: setup.base.git.clone(),
        head: setup.head.git.clone(),
        seed: plan.seed,
        order: run.order.iter().map(|o| o.as_str().to_owned()).collect(),
        confirmation_blocks: run.confirmation_blocks,
        confirm_from: run.confirm_from,
        extension_blocks: run.extension_blocks,
        excluded: run.excluded.clone(),
        base_targets: run.base.clone(),
    }
}

/// A seed from a text (FNV-1a), so each run shuffles its blocks differently.
fn seed_of(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
