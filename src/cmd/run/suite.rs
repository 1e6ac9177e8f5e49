//! `<out>/state.json`: where a suite stands, so that `--resume` finishes an interrupted suite
//! with the same run id and no duplicate records.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::printer::Printer;
use crate::scenario::Scenario;
use crate::util::{hex, write_atomic};

/// The suite's state file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SuiteState {
    format_version: u32,
    pub run_id: String,
    started_at: DateTime<Utc>,
    scenarios: BTreeMap<String, ScenarioState>,
    /// The suite's selection: the scenario files chosen (after `--scenario` and `--tier`),
    /// so that `--resume` runs exactly these whatever its own arguments say.
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// `--repetitions`, when given.
    #[serde(default)]
    pub repetitions: Option<u32>,
    /// Where it is saved.
    #[serde(skip)]
    path: PathBuf,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct ScenarioState {
    /// `pending`, `running`, `done` or `failed`.
    status: String,
    attempts: u32,
    record: Option<PathBuf>,
    error: Option<String>,
}

impl SuiteState {
    /// A fresh suite in `out`, or (`resume`) the one saved there, with every scenario of
    /// `scenarios` listed.
    ///
    /// # Errors
    /// A missing or malformed state file when resuming, or one that cannot be written.
    pub fn open(
        out: &Path,
        resume: bool,
        scenarios: &[Scenario],
        printer: &Printer,
    ) -> anyhow::Result<Self> {
        let path = out.join("state.json");
        let mut state = if resume {
            let mut st = Self::read(&path)?;
            printer.msg(&format!(
                "resuming run {} ({} of {} scenario(s) done)",
                st.run_id,
                st.scenarios.values().filter(|s| s.status == "done").count(),
                st.scenarios.len()
            ));
            st.path = path;
            st
        } else {
            let started_at = Utc::now();
            SuiteState {
                format_version: 1,
                run_id: run_id(started_at, &out.display().to_string()),
                started_at,
                scenarios: BTreeMap::new(),
                paths: scenarios.iter().map(|s| s.path.clone()).collect(),
                repetitions: None,
                path,
            }
        };
        for s in scenarios {
            state
                .scenarios
                .entry(s.name.to_string())
                .or_insert_with(|| ScenarioState {
                    status: "pending".into(),
                    ..ScenarioState::default()
                });
        }
        state.save()?;
        Ok(state)
    }

    /// The selection of the suite saved in `out`, to resume: its scenario files and
    /// repetitions. `None` when there is none to resume, or it predates selections.
    ///
    /// # Errors
    /// A state file that cannot be read.
    pub fn saved_selection(out: &Path) -> anyhow::Result<Option<(Vec<PathBuf>, Option<u32>)>> {
        let st = Self::read(&out.join("state.json"))?;
        Ok((!st.paths.is_empty()).then_some((st.paths, st.repetitions)))
    }

    /// The suite state saved at `path`.
    fn read(path: &Path) -> anyhow::Result<Self> {
        let text = crate::util::read_bounded(path, crate::util::MAX_INPUT)
            .with_context(|| format!("{}: no suite to resume", path.display()))?;
        serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: not a suite state: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })
    }

    /// Records the `--repetitions` override of a fresh suite.
    ///
    /// # Errors
    /// The state file cannot be written.
    pub fn set_repetitions(&mut self, r: Option<u32>) -> anyhow::Result<()> {
        if self.repetitions != r {
            self.repetitions = r;
            self.save()?;
        }
        Ok(())
    }

    fn save(&self) -> anyhow::Result<()> {
        write_atomic(
            &self.path,
            (serde_json::to_string_pretty(self)? + "\n").as_bytes(),
        )
        .with_context(|| format!("writing {}", self.path.display()))
    }

    /// Whether scenario `name` completed before an interruption.
    #[must_use]
    pub fn is_done(&self, name: &str) -> bool {
        self.scenarios.get(name).is_some_and(|s| s.status == "done")
    }

    /// Scenario `name` starts another attempt.
    ///
    /// # Errors
    /// The state file cannot be written.
    pub fn running(&mut self, name: &str) -> anyhow::Result<()> {
        let entry = self.scenarios.entry(name.to_owned()).or_default();
        entry.status = "running".into();
        entry.attempts += 1;
        self.save()
    }

    /// Scenario `name` failed with `error`.
    ///
    /// # Errors
    /// The state file cannot be written.
    pub fn failed(&mut self, name: &str, error: &str) -> anyhow::Result<()> {
        let entry = self.scenarios.entry(name.to_owned()).or_default();
        entry.status = "failed".into();
        entry.error = Some(error.to_owned());
        self.save()
    }

    /// Scenario `name` completed; its record is at `record`.
    ///
    /// # Errors
    /// The state file cannot be written.
    pub fn done(&mut self, name: &str, record: &Path) -> anyhow::Result<()> {
        let entry = self.scenarios.entry(name.to_owned()).or_default();
        entry.status = "done".into();
        entry.record = Some(record.to_owned());
        entry.error = None;
        self.save()
    }
}

/// `YYYYMMDDTHHMMSSZ-xxxxxxxx`: the start time and a hash of `salt`, the pid and the time.
pub(crate) fn run_id(at: DateTime<Utc>, salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(at.timestamp_nanos_opt().unwrap_or_default().to_le_bytes());
    format!(
        "{}-{}",
        at.format("%Y%m%dT%H%M%SZ"),
        &hex(&h.finalize())[..8]
    )
}
