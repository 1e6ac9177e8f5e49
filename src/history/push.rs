//! Pushing the results branch: bounded retries with backoff, never a force push.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use git2::{
    build::TreeUpdateBuilder, Cred, ErrorCode, FetchOptions, FileMode, ObjectType, Oid,
    PushOptions, RemoteCallbacks, Repository,
};

use super::store::{History, HistoryError};

/// How to push.
#[derive(Clone, Debug)]
pub struct PushSettings {
    /// A remote name of the repository or a URL (`file://`, `https://`).
    pub remote: String,
    /// Sent as `x-access-token:<token>` when the server asks; never printed.
    pub token: Option<String>,
    pub max_attempts: u32,
    /// First backoff; doubles each attempt.
    pub backoff: Duration,
}

impl PushSettings {
    #[must_use]
    pub fn new(remote: &str, token: Option<String>) -> Self {
        Self {
            remote: remote.to_owned(),
            token,
            // Enough for a few dozen runners finishing at once: each attempt one of them wins.
            max_attempts: 40,
            backoff: Duration::from_millis(50),
        }
    }
}

/// What a push did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushOutcome {
    pub attempts: u32,
    /// Record files re-applied on top of a branch another runner moved.
    pub replayed: usize,
}

enum Attempt {
    Done,
    Rejected(String),
}

/// Credentials for a remote: the token as `x-access-token`, offered once.
#[must_use]
pub fn callbacks(token: Option<&str>) -> RemoteCallbacks<'_> {
    let mut cb = RemoteCallbacks::new();
    let mut asked = false;
    cb.credentials(move |_url, _user, _allowed| {
        // Answer once: a second request means the token was refused.
        if asked {
            return Err(git2::Error::from_str("the token was refused"));
        }
        asked = true;
        match token {
            Some(t) => Cred::userpass_plaintext("x-access-token", t),
            None => Err(git2::Error::from_str(
                "the remote needs credentials and no token was given",
            )),
        }
    });
    cb
}

impl History {
    /// Pushes the branch, re-applying local record files on the remote tip whenever another
    /// runner pushed first.
    ///
    /// # Errors
    /// [`HistoryError::Push`] after `max_attempts`, or at once for errors a retry cannot fix.
    pub fn push(&self, settings: &PushSettings) -> Result<PushOutcome, HistoryError> {
        let mut replayed = 0;
        let mut delay = settings.backoff;
        let push_err = |attempts, message: String| HistoryError::Push {
            remote: redact(&settings.remote),
            attempts,
            message,
        };
        for attempt in 1..=settings.max_attempts {
            if self.tip()?.is_none() {
                return Ok(PushOutcome {
                    attempts: 0,
                    replayed,
                });
            }
            match self.try_push(settings) {
                Ok(Attempt::Done) => {
                    return Ok(PushOutcome {
                        attempts: attempt,
                        replayed,
                    })
                }
                Ok(Attempt::Rejected(why)) => {
                    if attempt == settings.max_attempts {
                        return Err(push_err(attempt, why));
                    }
                    replayed += self
                        .rebase_on_remote(settings)
                        .map_err(|e| push_err(attempt, e.to_string()))?;
                    std::thread::sleep(delay + jitter(delay));
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
                // Another writer holds the remote's (or our) ref lock: wait and try again.
                Err(e) if e.message().contains(".lock") && attempt < settings.max_attempts => {
                    std::thread::sleep(delay + jitter(delay));
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
                Err(e) => return Err(push_err(attempt, e.message().to_owned())),
            }
        }
        Err(push_err(settings.max_attempts, "gave up".into()))
    }

    fn remote(&self, spec: &str) -> Result<git2::Remote<'_>, git2::Error> {
        match self.repo.find_remote(spec) {
            Ok(r) => Ok(r),
            Err(_) => self.repo.remote_anonymous(spec),
        }
    }

    /// The path of a remote on this machine (`file://…`, a path, or a named remote with one).
    fn local_remote(&self, spec: &str) -> Option<PathBuf> {
        let url = self
            .repo
            .find_remote(spec)
            .ok()
            .and_then(|r| r.url().ok().map(str::to_owned))
            .unwrap_or_else(|| spec.to_owned());
        let path = url
            .strip_prefix("file://")
            .map_or_else(|| PathBuf::from(&url), PathBuf::from);
        (!url.contains("://") || url.starts_with("file://"))
            .then_some(path)
            .filter(|p| p.exists())
    }

    /// Push to a repository on this machine: the missing objects go in as a pack, then the
    /// branch moves by compare-and-swap under the ref's lock. (libgit2's local transport
    /// checks fast-forward and writes the ref separately, so two concurrent pushes can both
    /// pass the check and the later write erases the earlier one.)
    fn try_push_local(&self, path: &Path) -> Result<Attempt, git2::Error> {
        let remote = Repository::open(path)?;
        let ours = self.repo.refname_to_id(&self.refname())?;
        let theirs = match remote.refname_to_id(&self.refname()) {
            Ok(o) => Some(o),
            Err(e) if e.code() == ErrorCode::NotFound => None,
            Err(e) => return Err(e),
        };
        if let Some(t) = theirs {
            if t == ours {
                return Ok(Attempt::Done);
            }
            let known = self.repo.find_commit(t).is_ok();
            if !known || !self.repo.graph_descendant_of(ours, t)? {
                return Ok(Attempt::Rejected(
                    "the remote branch moved (not a fast-forward)".into(),
                ));
            }
        }
        let mut walk = self.repo.revwalk()?;
        walk.push(ours)?;
        if let Some(t) = theirs {
            walk.hide(t)?;
        }
        let mut pack = self.repo.packbuilder()?;
        pack.insert_walk(&mut walk)?;
        let odb = remote.odb()?;
        let mut writer = odb.packwriter()?;
        let mut io_error = None;
        pack.foreach(|chunk| match writer.write_all(chunk) {
            Ok(()) => true,
            Err(e) => {
                io_error = Some(e);
                false
            }
        })?;
        if let Some(e) = io_error {
            return Err(git2::Error::from_str(&e.to_string()));
        }
        writer.commit()?;
        // Compare-and-swap under the ref's lock. Creating the branch too: the zero id means
        // "must not exist yet", checked under the lock (libgit2 checks `force = false` before
        // taking it, so two runners creating the branch at once could both succeed and the
        // later one would erase the earlier one's commit).
        let moved = remote.reference_matching(
            &self.refname(),
            ours,
            true,
            theirs.unwrap_or(Oid::ZERO_SHA1),
            "benchbot: push",
        );
        match moved {
            Ok(_) => Ok(Attempt::Done),
            Err(e)
                if matches!(
                    e.code(),
                    ErrorCode::Modified | ErrorCode::Exists | ErrorCode::Locked
                ) =>
            {
                Ok(Attempt::Rejected(e.message().to_owned()))
            }
            Err(e) => Err(e),
        }
    }

    fn try_push(&self, settings: &PushSettings) -> Result<Attempt, git2::Error> {
        if let Some(path) = self.local_remote(&settings.remote) {
            return self.try_push_local(&path);
        }
        let mut remote = self.remote(&settings.remote)?;
        let refspec = format!("{0}:{0}", self.refname());
        let rejected = std::cell::RefCell::new(None);
        let mut cb = callbacks(settings.token.as_deref());
        cb.push_update_reference(|_, status| {
            if let Some(s) = status {
                *rejected.borrow_mut() = Some(s.to_owned());
            }
            Ok(())
        });
        let mut opts = PushOptions::new();
        opts.remote_callbacks(cb);
        let result = remote.push(&[refspec.as_str()], Some(&mut opts));
        drop(opts);
        match result {
            Ok(()) => Ok(rejected
                .into_inner()
                .map_or(Attempt::Done, Attempt::Rejected)),
            Err(e)
                if matches!(
                    e.code(),
                    ErrorCode::NotFastForward | ErrorCode::Locked | ErrorCode::Modified
                ) =>
            {
                Ok(Attempt::Rejected(e.message().to_owned()))
            }
            Err(e) => Err(e),
        }
    }

    /// Fetches the remote branch and re-applies every record file the local branch has and the
    /// remote does not, as one commit on the remote tip. Returns how many files were re-applied.
    fn rebase_on_remote(&self, settings: &PushSettings) -> Result<usize, git2::Error> {
        let mut remote = self.remote(&settings.remote)?;
        let tracking = format!("refs/benchbot/remote/{}", self.branch);
        let mut fo = FetchOptions::new();
        fo.remote_callbacks(callbacks(settings.token.as_deref()));
        remote.fetch(
            &[format!("+{}:{tracking}", self.refname())],
            Some(&mut fo),
            None,
        )?;
        let theirs = match self.repo.refname_to_id(&tracking) {
            Ok(o) => o,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let ours = self.repo.refname_to_id(&self.refname())?;
        if self.repo.graph_descendant_of(ours, theirs)? {
            return Ok(0);
        }
        let their_tree = self.repo.find_commit(theirs)?.tree()?;
        let our_tree = self.repo.find_commit(ours)?.tree()?;
        // Every record file of ours missing from theirs. Paths are unique per run id, so a path
        // present on both sides is the same record; theirs is kept (history is append-only).
        let mut missing: Vec<(String, Oid)> = Vec::new();
        our_tree.walk(git2::TreeWalkMode::PreOrder, |dir, e| {
            if e.kind() == Some(ObjectType::Blob) {
                let path = format!("{dir}{}", e.name().unwrap_or_default());
                if their_tree.get_path(Path::new(&path)).is_err() {
                    missing.push((path, e.id()));
                }
            }
            git2::TreeWalkResult::Ok
        })?;
        let sig = git2::Signature::now("benchbot", "benchbot@users.noreply.github.com")?;
        let parent = self.repo.find_commit(theirs)?;
        let new = if missing.is_empty() {
            theirs
        } else {
            let mut update = TreeUpdateBuilder::new();
            for (p, oid) in &missing {
                update.upsert(p.as_str(), *oid, FileMode::Blob);
            }
            let tree = self
                .repo
                .find_tree(update.create_updated(&self.repo, &their_tree)?)?;
            let mut msg = format!(
                "benchbot: {} record file(s) re-applied after a concurrent push\n\n",
                missing.len()
            );
            for (p, _) in &missing {
                msg.push_str(p);
                msg.push('\n');
            }
            self.repo
                .commit(None, &sig, &sig, &msg, &tree, &[&parent])?
        };
        // Our unpushed commits are replaced by the re-applied one; the records are all kept.
        self.repo.reference_matching(
            &self.refname(),
            new,
            true,
            ours,
            "benchbot: re-apply records on the remote tip",
        )?;
        Ok(missing.len())
    }
}

/// Up to `d` again, from the clock's low bits (spreads runners that collided).
fn jitter(d: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |t| t.subsec_nanos());
    d.mul_f64(f64::from(nanos % 1000) / 1000.0)
}

/// A URL with any user information removed, for messages.
#[must_use]
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
