//! Appending records to the results branch and reading them back.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use git2::{
    build::TreeUpdateBuilder, ErrorCode, FileMode, ObjectType, Oid, Repository, Signature, Tree,
};

use crate::record::{Acceptance, RecordError, RunRecord, ACCEPTANCE_FORMAT};

/// The default results branch.
pub const DEFAULT_BRANCH: &str = "benchbot-results";
/// No record file may reach this size (GitHub refuses files over 100 MB and warns at 50 MB;
/// history must stay small forever).
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// What went wrong with the history.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("history {}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: git2::Error,
    },
    #[error("history branch `{branch}`")]
    Git {
        branch: String,
        #[source]
        source: git2::Error,
    },
    #[error("history branch `{branch}`: {path}")]
    Record {
        branch: String,
        path: String,
        #[source]
        source: RecordError,
    },
    #[error("record {run_id} is {size} bytes, above the history limit of {MAX_RECORD_BYTES} bytes\n  hint: fewer operations or repetitions per scenario keep records small")]
    TooLarge { run_id: String, size: usize },
    #[error("record {run_id} is incomplete (interrupted run); it is not added to history")]
    Incomplete { run_id: String },
    #[error("no record with run id `{0}` in history")]
    NotFound(String),
    #[error("push to {remote} failed after {attempts} attempt(s): {message}")]
    Push {
        remote: String,
        attempts: u32,
        message: String,
    },
}

/// The result of an append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Appended {
    /// A new commit on the branch.
    Added { commit: String, path: String },
    /// That run id was already stored; nothing changed.
    AlreadyPresent { path: String },
}

/// A results history in a git repository.
pub struct History {
    pub(super) repo: Repository,
    pub(super) branch: String,
}

/// A stored record and where it lives.
#[derive(Clone, Debug)]
pub struct Stored {
    pub path: String,
    pub record: RunRecord,
}

/// What reading the records found.
#[derive(Debug, Default)]
pub struct Records {
    pub stored: Vec<Stored>,
    pub skipped: Vec<Skipped>,
}

impl Records {
    /// One warning naming every file that was skipped, if any.
    #[must_use]
    pub fn warning(&self) -> Option<String> {
        if self.skipped.is_empty() {
            return None;
        }
        let mut w = format!(
            "history: {} file(s) skipped, the other {} run(s) read:",
            self.skipped.len(),
            self.stored.len()
        );
        for s in self.skipped.iter().take(20) {
            let _ = write!(w, "\n  {}: {}", s.path, s.why);
        }
        if self.skipped.len() > 20 {
            let _ = write!(w, "\n  … and {} more", self.skipped.len() - 20);
        }
        Some(w)
    }
}

/// A file of the results branch that is not a readable record.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub path: String,
    pub why: String,
}

/// The path of a record inside the results branch.
#[must_use]
pub fn record_path(record: &RunRecord) -> String {
    format!(
        "records/{}/{}/{}.json",
        record.scenario.name,
        record.started_at.format("%Y/%m"),
        record.run_id
    )
}

/// Directories of documents other than run records: acceptances of intended changes and
/// calibrations of runners.
pub const DOCUMENT_DIRS: [&str; 2] = ["accepted", "calibration"];

/// Another writer got there first: the branch moved, or a lock file is held.
fn contention(e: &git2::Error) -> bool {
    matches!(
        e.code(),
        ErrorCode::Modified | ErrorCode::Exists | ErrorCode::Locked
    ) || e.message().contains(".lock")
}

fn safe_component(s: &str) -> bool {
    !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\\', '\0'])
}

impl History {
    /// Opens the repository at (or above) `path`; creates a bare repository there when `path`
    /// does not exist yet.
    ///
    /// # Errors
    /// [`HistoryError::Open`] when it is not a repository and cannot become one.
    pub fn open(path: &Path, branch: &str) -> Result<Self, HistoryError> {
        let open_err = |source| HistoryError::Open {
            path: path.to_owned(),
            source,
        };
        // Several runs may create the repository at once: one init wins, the others find
        // it (after its config lock is released) on a later attempt.
        let mut attempt = 0;
        let repo = loop {
            attempt += 1;
            let r = if path.exists() {
                Repository::discover(path)
            } else {
                Repository::init_bare(path)
            };
            match r {
                Ok(repo) => break repo,
                Err(e) if attempt < 100 && (contention(&e) || path.exists()) => {
                    std::thread::sleep(std::time::Duration::from_millis(5 + (attempt % 7) * 3));
                }
                Err(e) => return Err(open_err(e)),
            }
        };
        if !git2::Reference::is_valid_name(&format!("refs/heads/{branch}")) {
            return Err(open_err(git2::Error::from_str(&format!(
                "`{branch}` is not a valid branch name"
            ))));
        }
        Ok(Self {
            repo,
            branch: branch.to_owned(),
        })
    }

    /// Opens an existing repository at (or above) `path` for reading: a mistyped path is an
    /// error, never a new empty repository.
    ///
    /// # Errors
    /// [`HistoryError::Open`] when there is no repository there.
    pub fn open_existing(path: &Path, branch: &str) -> Result<Self, HistoryError> {
        if !path.exists() {
            return Err(HistoryError::Open {
                path: path.to_owned(),
                source: git2::Error::from_str("no such directory (a history is never created by a command that only reads it)"),
            });
        }
        Self::open(path, branch)
    }

    #[must_use]
    pub fn branch(&self) -> &str {
        &self.branch
    }

    #[must_use]
    pub fn repo(&self) -> &Repository {
        &self.repo
    }

    /// Where the repository is.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.repo.workdir().unwrap_or_else(|| self.repo.path())
    }

    pub(super) fn refname(&self) -> String {
        format!("refs/heads/{}", self.branch)
    }

    pub(super) fn git<T>(&self, r: Result<T, git2::Error>) -> Result<T, HistoryError> {
        r.map_err(|source| HistoryError::Git {
            branch: self.branch.clone(),
            source,
        })
    }

    /// The branch tip, if the branch exists.
    ///
    /// # Errors
    /// Repository errors other than a missing branch.
    pub fn tip(&self) -> Result<Option<Oid>, HistoryError> {
        match self.repo.refname_to_id(&self.refname()) {
            Ok(oid) => Ok(Some(oid)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => self.git(Err(e)),
        }
    }

    pub(super) fn tree_of(&self, commit: Option<Oid>) -> Result<Option<Tree<'_>>, HistoryError> {
        match commit {
            Some(oid) => Ok(Some(
                self.git(self.repo.find_commit(oid).and_then(|c| c.tree()))?,
            )),
            None => Ok(None),
        }
    }

    pub(super) fn empty_tree(&self) -> Result<Tree<'_>, HistoryError> {
        let oid = self.git(self.repo.treebuilder(None).and_then(|b| b.write()))?;
        self.git(self.repo.find_tree(oid))
    }

    pub(super) fn signature(&self) -> Result<Signature<'static>, HistoryError> {
        self.git(Signature::now(
            "benchbot",
            "benchbot@users.noreply.github.com",
        ))
    }

    /// Appends one record; idempotent by run id.
    ///
    /// # Errors
    /// An incomplete or oversized record, or a repository error.
    pub fn append(&self, record: &RunRecord) -> Result<Appended, HistoryError> {
        let mut out = self.append_many(std::slice::from_ref(record))?;
        Ok(out.remove(0))
    }

    /// Appends records in one commit (those already present are skipped).
    ///
    /// # Errors
    /// See [`History::append`]; nothing is written when any record is refused.
    pub fn append_many(&self, records: &[RunRecord]) -> Result<Vec<Appended>, HistoryError> {
        let mut blobs = Vec::with_capacity(records.len());
        for r in records {
            if r.incomplete {
                return Err(HistoryError::Incomplete {
                    run_id: r.run_id.clone(),
                });
            }
            if !safe_component(&r.scenario.name) || !safe_component(&r.run_id) {
                return Err(HistoryError::Record {
                    branch: self.branch.clone(),
                    path: r.run_id.clone(),
                    source: RecordError::WrongFormat {
                        path: PathBuf::from(&r.run_id),
                        found: "unsafe scenario name or run id".into(),
                    },
                });
            }
            let json = serde_json::to_vec(r).map_err(|e| HistoryError::Git {
                branch: self.branch.clone(),
                source: git2::Error::from_str(&e.to_string()),
            })?;
            if json.len() >= MAX_RECORD_BYTES {
                return Err(HistoryError::TooLarge {
                    run_id: r.run_id.clone(),
                    size: json.len(),
                });
            }
            blobs.push((record_path(r), self.git(self.repo.blob(&json))?));
        }
        self.commit_blobs(&blobs, |added| commit_message(records, added))
    }

    /// Adds a document (an acceptance, a calibration) at `path`, a new file under one of the
    /// history's document directories; idempotent by path, never overwriting.
    ///
    /// # Errors
    /// An unsafe or reserved path, an oversized document, or a repository error.
    pub fn append_document(
        &self,
        path: &str,
        bytes: &[u8],
        message: &str,
    ) -> Result<Appended, HistoryError> {
        let refuse = |found: &str| HistoryError::Record {
            branch: self.branch.clone(),
            path: path.to_owned(),
            source: RecordError::WrongFormat {
                path: PathBuf::from(path),
                found: found.to_owned(),
            },
        };
        let mut parts = path.split('/');
        if !parts.next().is_some_and(|d| DOCUMENT_DIRS.contains(&d)) {
            return Err(refuse(
                "a document outside the history's document directories",
            ));
        }
        if !path.split('/').all(safe_component) || path.split('/').count() < 2 {
            return Err(refuse("an unsafe document path"));
        }
        if bytes.len() >= MAX_RECORD_BYTES {
            return Err(refuse("a document above the history's size limit"));
        }
        let blob = self.git(self.repo.blob(bytes))?;
        let mut out = self.commit_blobs(&[(path.to_owned(), blob)], |_| message.to_owned())?;
        Ok(out.remove(0))
    }

    /// The documents under `dir` (one of the document directories), by path, oldest path
    /// first within the walk order.
    ///
    /// # Errors
    /// A repository error.
    pub fn documents(&self, dir: &str) -> Result<Vec<(String, Vec<u8>)>, HistoryError> {
        let Some(tree) = self.tree_of(self.tip()?)? else {
            return Ok(Vec::new());
        };
        let entry = match tree.get_path(Path::new(dir)) {
            Ok(e) => e,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return self.git(Err(e)),
        };
        let sub = self.git(self.repo.find_tree(entry.id()))?;
        let mut found = Vec::new();
        self.git(sub.walk(git2::TreeWalkMode::PreOrder, |d, e| {
            if e.kind() == Some(ObjectType::Blob) {
                found.push((format!("{dir}/{d}{}", e.name().unwrap_or_default()), e.id()));
            }
            git2::TreeWalkResult::Ok
        }))?;
        let mut out = Vec::with_capacity(found.len());
        for (path, oid) in found {
            let blob = self.git(self.repo.find_blob(oid))?;
            out.push((path, blob.content().to_vec()));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Every acceptance of an intended change, oldest first; documents that do not read as
    /// one are returned by path, to be reported (never silently dropped).
    ///
    /// # Errors
    /// A repository error.
    pub fn acceptances(&self) -> Result<(Vec<Acceptance>, Vec<String>), HistoryError> {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for (path, bytes) in self.documents("accepted")? {
            match serde_json::from_slice::<Acceptance>(&bytes) {
                Ok(a) if a.format == ACCEPTANCE_FORMAT => ok.push(a),
                _ => bad.push(path),
            }
        }
        ok.sort_by_key(|a| a.at);
        Ok((ok, bad))
    }

    /// Records an acceptance at `accepted/<yyyy>/<mm>/<time>-<who>.json`.
    ///
    /// # Errors
    /// A repository error.
    pub fn accept(&self, a: &Acceptance) -> Result<Appended, HistoryError> {
        let who: String =
            a.by.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .take(39)
                .collect();
        let path = format!(
            "accepted/{}/{}-{who}.json",
            a.at.format("%Y/%m"),
            a.at.format("%Y%m%dT%H%M%S%.3fZ")
        );
        let json = serde_json::to_vec_pretty(a).map_err(|e| HistoryError::Git {
            branch: self.branch.clone(),
            source: git2::Error::from_str(&e.to_string()),
        })?;
        let scope = if a.scenarios.is_empty() {
            "every scenario".to_owned()
        } else {
            a.scenarios.join(", ")
        };
        self.append_document(
            &path,
            &json,
            &format!(
                "benchbot: change accepted for {scope}\n\nby: {}\nsha: {}\n",
                a.by.replace('\n', " "),
                a.sha.as_deref().unwrap_or("unknown")
            ),
        )
    }

    /// Commits the blobs not yet present, moving the branch with a compare-and-swap.
    fn commit_blobs(
        &self,
        blobs: &[(String, Oid)],
        message: impl Fn(&[&String]) -> String,
    ) -> Result<Vec<Appended>, HistoryError> {
        // Compare-and-swap loop: another appender in this repository may move the branch.
        loop {
            let tip = self.tip()?;
            let base = match self.tree_of(tip)? {
                Some(t) => t,
                None => self.empty_tree()?,
            };
            let mut results = Vec::new();
            let mut update = TreeUpdateBuilder::new();
            let mut added = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (path, oid) in blobs {
                if base.get_path(Path::new(path)).is_ok() || !seen.insert(path) {
                    results.push(Appended::AlreadyPresent { path: path.clone() });
                } else {
                    update.upsert(path.as_str(), *oid, FileMode::Blob);
                    added.push(path);
                    results.push(Appended::Added {
                        commit: String::new(),
                        path: path.clone(),
                    });
                }
            }
            if added.is_empty() {
                return Ok(results);
            }
            let tree_oid = self.git(update.create_updated(&self.repo, &base))?;
            let tree = self.git(self.repo.find_tree(tree_oid))?;
            let parents = match tip {
                Some(t) => vec![self.git(self.repo.find_commit(t))?],
                None => Vec::new(),
            };
            let parent_refs: Vec<_> = parents.iter().collect();
            let message = message(&added);
            let sig = self.signature()?;
            let commit =
                self.git(
                    self.repo
                        .commit(None, &sig, &sig, &message, &tree, &parent_refs),
                )?;
            let moved = match tip {
                Some(t) => self.repo.reference_matching(
                    &self.refname(),
                    commit,
                    true,
                    t,
                    "benchbot: append",
                ),
                None => self.repo.reference(
                    &self.refname(),
                    commit,
                    false,
                    "benchbot: create results branch",
                ),
            };
            match moved {
                Ok(_) => {
                    for r in &mut results {
                        if let Appended::Added { commit: c, .. } = r {
                            *c = commit.to_string();
                        }
                    }
                    return Ok(results);
                }
                // The branch moved (or appeared, or another writer holds its lock): retry
                // on the new tip.
                Err(e) if contention(&e) => {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                Err(e) => return self.git(Err(e)),
            }
        }
    }

    /// Every readable record under `records/` (or only those of `scenario`), oldest first,
    /// and the files that could not be read, named with why (a damaged file, one written by a
    /// newer benchbot): one bad file never hides the others.
    ///
    /// # Errors
    /// A repository error.
    pub fn records(&self, scenario: Option<&str>) -> Result<Records, HistoryError> {
        let mut read = Records::default();
        let Some(tree) = self.tree_of(self.tip()?)? else {
            return Ok(read);
        };
        let root = match scenario {
            Some(s) => format!("records/{s}"),
            None => "records".into(),
        };
        let entry = match tree.get_path(Path::new(&root)) {
            Ok(e) => e,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(read),
            Err(e) => return self.git(Err(e)),
        };
        let sub = self.git(self.repo.find_tree(entry.id()))?;
        let mut blobs = Vec::new();
        self.git(sub.walk(git2::TreeWalkMode::PreOrder, |dir, e| {
            if e.kind() == Some(ObjectType::Blob)
                && e.name().is_ok_and(|n| {
                    std::path::Path::new(n)
                        .extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                })
            {
                blobs.push((
                    format!("{root}/{dir}{}", e.name().unwrap_or_default()),
                    e.id(),
                ));
            }
            git2::TreeWalkResult::Ok
        }))?;
        for (path, oid) in blobs {
            let blob = self.git(self.repo.find_blob(oid))?;
            let parsed = if blob.size() > MAX_RECORD_BYTES {
                Err(format!(
                    "{} bytes, above the history limit of {MAX_RECORD_BYTES}",
                    blob.size()
                ))
            } else {
                let text = String::from_utf8_lossy(blob.content());
                RunRecord::from_json(Path::new(&path), &text).map_err(|e| match e {
                    RecordError::TooNew { found, .. } => {
                        format!("written by a newer benchbot (format_version {found})")
                    }
                    other => crate::util::error::chain(&other),
                })
            };
            match parsed {
                Ok(record) => read.stored.push(Stored { path, record }),
                Err(why) => read.skipped.push(Skipped { path, why }),
            }
        }
        read.stored.sort_by(|a, b| {
            (a.record.started_at, &a.record.run_id).cmp(&(b.record.started_at, &b.record.run_id))
        });
        Ok(read)
    }

    /// The record with run id `run_id`.
    ///
    /// # Errors
    /// [`HistoryError::NotFound`], or errors of [`History::records`].
    pub fn find(&self, run_id: &str) -> Result<Stored, HistoryError> {
        self.records(None)?
            .stored
            .into_iter()
            .find(|s| s.record.run_id == run_id)
            .ok_or_else(|| HistoryError::NotFound(run_id.to_owned()))
    }
}

fn commit_message(records: &[RunRecord], added: &[&String]) -> String {
    let added: Vec<&RunRecord> = records
        .iter()
        .filter(|r| added.iter().any(|p| **p == record_path(r)))
        .collect();
    match added.as_slice() {
        [r] => format!(
            "benchbot: record {} ({})\n\nrun-id: {}\nscenario: {}\nsha: {}\ntrigger: {}\n",
            r.run_id,
            r.scenario.name,
            r.run_id,
            r.scenario.name,
            r.git.as_ref().map_or("unknown", |g| g.sha.as_str()),
            r.trigger.as_deref().unwrap_or("unknown")
        ),
        many => {
            let mut m = format!("benchbot: {} records\n\n", many.len());
            for r in many {
                let _ = writeln!(
                    m,
                    "run-id: {} scenario: {} sha: {} trigger: {}",
                    r.run_id,
                    r.scenario.name,
                    r.git.as_ref().map_or("unknown", |g| g.sha.as_str()),
                    r.trigger.as_deref().unwrap_or("unknown")
                );
            }
            m
        }
    }
}
