//! Where a record's baseline comes from, for `run` and `compare` alike: a committed file (or a
//! directory of them), or the runs of a code branch in the results history.

use std::path::{Path, PathBuf};

use crate::history::{select_baseline, History, HistoryError};
use crate::record::{RecordError, RunRecord};

/// Where baselines come from.
pub enum BaselineSource<'a> {
    /// `<dir>/<scenario>.json` (`run --baselines`, a directory whether or not it exists yet).
    CommittedDir(PathBuf),
    /// A file for every record, or a directory as above (`compare --baseline`).
    Committed(PathBuf),
    /// The runs of `branch` at and before the merge base with the record's commit.
    History {
        history: &'a History,
        branch: String,
        /// The code repository, for merge bases.
        code: Option<git2::Repository>,
        /// How many runs to pool.
        last: usize,
    },
}

/// A resolved baseline and what to say about it.
pub struct Resolved {
    pub baseline: Option<RunRecord>,
    /// A sentence for the log: which runs, or why there is none.
    pub note: Option<String>,
    /// Where the baseline came from, for the report: `history:main`, a file.
    pub label: Option<String>,
}

/// Why a baseline could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error("{}: the baseline is an interrupted run (incomplete): it cannot be compared with\n  hint: write a baseline from completed runs with `benchbot baseline write`", path.display())]
    Incomplete { path: PathBuf },
    #[error("{}: baseline is of scenario `{found}`, the record of `{expected}`", path.display())]
    OtherScenario {
        path: PathBuf,
        found: String,
        expected: String,
    },
}

/// The baseline of `scenario` in `dir`, if one is committed.
#[must_use]
pub fn baseline_path(dir: &Path, scenario: &str) -> PathBuf {
    dir.join(format!("{scenario}.json"))
}

impl BaselineSource<'_> {
    /// The file a committed baseline of `scenario` is read from.
    #[must_use]
    pub fn committed_path(&self, scenario: &str) -> Option<PathBuf> {
        match self {
            BaselineSource::CommittedDir(dir) => Some(baseline_path(dir, scenario)),
            BaselineSource::Committed(given) if given.is_dir() => {
                Some(baseline_path(given, scenario))
            }
            BaselineSource::Committed(given) => Some(given.clone()),
            BaselineSource::History { .. } => None,
        }
    }

    /// The baseline of `record`, or `None` with a note saying why there is none.
    ///
    /// # Errors
    /// An unreadable baseline file or history, or a file of another scenario.
    pub fn resolve(&self, record: &RunRecord) -> Result<Resolved, BaselineError> {
        let name = record.scenario.name.as_str();
        match self {
            BaselineSource::History {
                history,
                branch,
                code,
                last,
            } => {
                let read = history.records(Some(name))?;
                let (accepted, unreadable) = history.acceptances()?;
                let mut s = select_baseline(
                    &read.stored,
                    record,
                    code.as_ref(),
                    branch,
                    *last,
                    &accepted,
                );
                if let Some(w) = read.warning() {
                    s.note.push_str("; ");
                    s.note.push_str(&w.replace('\n', " "));
                }
                if !unreadable.is_empty() {
                    let _ = std::fmt::Write::write_fmt(
                        &mut s.note,
                        format_args!(
                            "; {} acceptance document(s) could not be read and were ignored: {}",
                            unreadable.len(),
                            unreadable.join(", ")
                        ),
                    );
                }
                Ok(Resolved {
                    baseline: s.baseline,
                    note: Some(s.note),
                    label: Some(format!("history:{branch}")),
                })
            }
            BaselineSource::Committed(given) | BaselineSource::CommittedDir(given) => {
                let path = self.committed_path(name).unwrap_or_else(|| given.clone());
                if !path.exists() {
                    return Ok(Resolved {
                        baseline: None,
                        note: Some(format!(
                            "no baseline at {} (create one with `benchbot baseline write <record>`)",
                            path.display()
                        )),
                        label: None,
                    });
                }
                let b = RunRecord::read(&path)?;
                if b.scenario.name != name {
                    return Err(BaselineError::OtherScenario {
                        path,
                        found: b.scenario.name,
                        expected: name.to_owned(),
                    });
                }
                if b.incomplete {
                    return Err(BaselineError::Incomplete { path });
                }
                Ok(Resolved {
                    note: None,
                    baseline: Some(b),
                    label: Some(path.display().to_string()),
                })
            }
        }
    }
}
