//! The suite's scenarios, one after another: run (with retries), record, store in history,
//! compare with the baseline.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::Utc;

use super::assemble::{assemble, RunInfo};
use super::settings::Settings;
use super::suite::SuiteState;
use crate::cli::RunArgs;
use crate::cmd::baselines::{BaselineError, BaselineSource};
use crate::engine::{run_scenario, RunContext, ScenarioOutcome};
use crate::exit::Outcome;
use crate::history::{Appended, History};
use crate::printer::Printer;
use crate::record::RunRecord;
use crate::scenario::Scenario;
use crate::util::error::chain;
use crate::verdict::{compare, Comparison};

/// What the scenarios of a run share.
pub struct Runner<'a> {
    pub args: &'a RunArgs,
    pub settings: &'a Settings,
    pub rt: &'a tokio::runtime::Runtime,
    pub ctx: &'a RunContext,
    pub history: Option<&'a History>,
    pub baselines: BaselineSource<'a>,
    pub info: RunInfo,
    pub printer: &'a Printer,
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
                break;
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
            let Some((result, started_at)) = self.attempts(&Arc::new(s.clone()), suite)? else {
                outcome.fail();
                continue;
            };
            let record = assemble(&self.info, &s, result, started_at);
            record
                .write(&path)
                .with_context(|| format!("writing the run record {}", path.display()))?;
            self.printer.msg(&format!("  record: {}", path.display()));
            if record.incomplete {
                self.printer.error(&format!("scenario `{name}` was interrupted; the partial record is marked incomplete\n  hint: `benchbot run --resume --out {}` finishes the suite", self.args.output.out.display()));
                outcome.fail();
                break;
            }
            self.store(&record, outcome);
            suite.done(&name, &path)?;
            comparisons.extend(self.compare(&record, outcome));
        }
        Ok(comparisons)
    }

    fn record_path(&self, scenario: &str) -> PathBuf {
        self.args
            .output
            .out
            .join("records")
            .join(scenario)
            .join(format!("{}.json", self.info.run_id))
    }

    /// Runs `scenario`, retrying a failure `--retries` times.
    fn attempts(
        &self,
        scenario: &Arc<Scenario>,
        suite: &mut SuiteState,
    ) -> anyhow::Result<Option<(ScenarioOutcome, chrono::DateTime<Utc>)>> {
        let name = scenario.name.as_str();
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
            match self
                .rt
                .block_on(run_scenario(scenario, self.ctx, self.printer))
            {
                Ok(o) => return Ok(Some((o, started_at))),
                Err(e) => {
                    let why = chain(&e);
                    self.printer
                        .error(&format!("scenario `{name}` failed: {why}"));
                    suite.failed(name, &why)?;
                    if self.ctx.cancel.is_cancelled() {
                        break;
                    }
                }
            }
        }
        Ok(None)
    }

    /// Appends the record to the history, if there is one.
    fn store(&self, record: &RunRecord, outcome: &mut Outcome) {
        let Some(h) = self.history else { return };
        match h.append(record) {
            Ok(Appended::Added { path, .. }) => self
                .printer
                .msg(&format!("  history: {path} on `{}`", h.branch())),
            Ok(Appended::AlreadyPresent { path }) => self
                .printer
                .msg(&format!("  history: {path} already stored")),
            Err(e) => {
                self.printer.error(&format!("{}\n  hint: the run record above was kept; add it later with `benchbot history import`", chain(&e)));
                outcome.fail();
            }
        }
    }

    /// The comparison of a record with its baseline.
    fn compare(&self, record: &RunRecord, outcome: &mut Outcome) -> Option<Comparison> {
        match self.baselines.resolve(record) {
            Ok(r) => {
                if let Some(note) = &r.note {
                    self.printer.msg(&format!("  {note}"));
                }
                Some(compare(record, r.baseline.as_ref()))
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
