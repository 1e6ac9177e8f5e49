//! Where the shards of a run meet (`--rendezvous`): a directory, or the refs of a git remote
//! (`git+URL`) for runners that share nothing but the repository, e.g. an Actions matrix.
//!
//! On a remote, each entry is a ref `refs/benchbot/rendezvous/<run>/<step>/shard-<k>` pointing
//! at a commit with an empty tree whose message is the entry's text. A shard reads the remote's
//! refs (`ls-remote`) and fetches only the entries it finds. `<run>` is a digest of what names
//! the run, so two runs never share refs; the leading shard deletes the run's refs when the run
//! is over (a failed run leaves them, and a rerun with the same name is refused until they are
//! deleted: on Actions each attempt has a name of its own).

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use git2::{FetchOptions, PushOptions, Repository, Signature};

use crate::engine::{DirStore, Store};
use crate::history::{callbacks, redact};

/// The store `--rendezvous` names: `git+URL` (a remote's refs, through a scratch repository
/// under `scratch`), anything else a directory.
///
/// # Errors
/// The scratch repository cannot be created.
pub fn store(
    value: &str,
    run: &str,
    token: Option<String>,
    scratch: &Path,
) -> Result<Arc<dyn Store>, String> {
    match value.strip_prefix("git+") {
        Some(url) => Ok(Arc::new(GitStore::open(url, run, token, scratch)?)),
        None => Ok(Arc::new(DirStore(value.into()))),
    }
}

/// A git remote's refs as the rendezvous.
pub struct GitStore {
    url: String,
    token: Option<String>,
    /// `refs/benchbot/rendezvous/<run digest>`
    prefix: String,
    repo: Mutex<Repository>,
}

impl std::fmt::Debug for GitStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GitStore({} {})", redact(&self.url), self.prefix)
    }
}

impl GitStore {
    /// # Errors
    /// The scratch repository cannot be created.
    pub fn open(
        url: &str,
        run: &str,
        token: Option<String>,
        scratch: &Path,
    ) -> Result<Self, String> {
        use sha2::Digest as _;
        let repo = Repository::init_bare(scratch)
            .map_err(|e| format!("{}: {}", scratch.display(), e.message()))?;
        let digest = crate::util::hex(&sha2::Sha256::digest(run.as_bytes()));
        Ok(Self {
            url: url.to_owned(),
            token,
            prefix: format!("refs/benchbot/rendezvous/{}", &digest[..16]),
            repo: Mutex::new(repo),
        })
    }

    fn refname(&self, name: &str) -> String {
        format!("{}/{name}", self.prefix)
    }

    fn fail(&self, what: &str, e: &git2::Error) -> String {
        format!("{} ({what}): {}", redact(&self.url), e.message())
    }

    fn remote<'r>(&self, repo: &'r Repository) -> Result<git2::Remote<'r>, String> {
        repo.remote_anonymous(&self.url)
            .map_err(|e| self.fail("remote", &e))
    }

    /// This run's refs on the remote, with their commits.
    fn list(&self, repo: &Repository) -> Result<Vec<(String, git2::Oid)>, String> {
        let mut remote = self.remote(repo)?;
        let conn = remote
            .connect_auth(
                git2::Direction::Fetch,
                Some(callbacks(self.token.as_deref())),
                None,
            )
            .map_err(|e| self.fail("listing refs", &e))?;
        let heads = conn.list().map_err(|e| self.fail("listing refs", &e))?;
        let mine = format!("{}/", self.prefix);
        Ok(heads
            .iter()
            .filter(|h| h.name().starts_with(&mine))
            .map(|h| (h.name().to_owned(), h.oid()))
            .collect())
    }

    /// Pushes `refspecs`; the remote's refusals, by ref.
    fn push(&self, repo: &Repository, refspecs: &[String]) -> Result<Vec<String>, String> {
        let mut remote = self.remote(repo)?;
        let refused = std::cell::RefCell::new(Vec::new());
        let mut cb = callbacks(self.token.as_deref());
        cb.push_update_reference(|name, status| {
            if let Some(s) = status {
                refused.borrow_mut().push(format!("{name}: {s}"));
            }
            Ok(())
        });
        let mut opts = PushOptions::new();
        opts.remote_callbacks(cb);
        let specs: Vec<&str> = refspecs.iter().map(String::as_str).collect();
        let pushed = remote.push(&specs, Some(&mut opts));
        drop(opts);
        pushed.map_err(|e| self.fail("pushing", &e))?;
        Ok(refused.into_inner())
    }
}

impl Store for GitStore {
    fn create(&self, name: &str, text: &str) -> Result<bool, String> {
        let repo = self.repo.lock().unwrap_or_else(PoisonError::into_inner);
        let refname = self.refname(name);
        if self.list(&repo)?.iter().any(|(n, _)| *n == refname) {
            return Ok(false);
        }
        let git = |e: git2::Error| self.fail("writing an entry", &e);
        let tree = repo
            .treebuilder(None)
            .and_then(|t| t.write())
            .and_then(|id| repo.find_tree(id))
            .map_err(git)?;
        let sig = Signature::new("benchbot", "benchbot@localhost", &git2::Time::new(0, 0))
            .map_err(git)?;
        let commit = repo
            .commit(None, &sig, &sig, text, &tree, &[])
            .map_err(git)?;
        repo.reference(&refname, commit, true, "benchbot: rendezvous")
            .map_err(git)?;
        let refused = self.push(&repo, &[format!("{refname}:{refname}")])?;
        if refused.is_empty() {
            return Ok(true);
        }
        // Another writer of the same entry (an earlier run's, or a shard started twice).
        if self
            .list(&repo)?
            .iter()
            .any(|(n, o)| *n == refname && *o != commit)
        {
            return Ok(false);
        }
        Err(format!("{}: {}", redact(&self.url), refused.join("; ")))
    }

    fn read(&self, names: &[String]) -> Result<Vec<Option<String>>, String> {
        let repo = self.repo.lock().unwrap_or_else(PoisonError::into_inner);
        let listed = self.list(&repo)?;
        let wanted: Vec<Option<git2::Oid>> = names
            .iter()
            .map(|n| {
                let r = self.refname(n);
                listed.iter().find(|(name, _)| *name == r).map(|(_, o)| *o)
            })
            .collect();
        let missing: Vec<String> = names
            .iter()
            .zip(&wanted)
            .filter(|(_, o)| o.is_some_and(|o| repo.find_commit(o).is_err()))
            .map(|(n, _)| {
                let r = self.refname(n);
                format!("+{r}:{r}")
            })
            .collect();
        if !missing.is_empty() {
            let mut remote = self.remote(&repo)?;
            let mut opts = FetchOptions::new();
            opts.remote_callbacks(callbacks(self.token.as_deref()));
            remote
                .fetch(&missing, Some(&mut opts), None)
                .map_err(|e| self.fail("fetching entries", &e))?;
        }
        wanted
            .into_iter()
            .map(|o| match o {
                None => Ok(None),
                Some(o) => repo
                    .find_commit(o)
                    .map(|c| Some(String::from_utf8_lossy(c.message_bytes()).into_owned()))
                    .map_err(|e| self.fail("reading an entry", &e)),
            })
            .collect()
    }

    fn poll(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn ahead(&self) -> Duration {
        // A few polls, each a round trip to the remote.
        Duration::from_secs(5)
    }

    fn describe(&self, name: &str) -> String {
        format!("{} {}", redact(&self.url), self.refname(name))
    }

    fn clear(&self) {
        let repo = self.repo.lock().unwrap_or_else(PoisonError::into_inner);
        if let Ok(refs) = self.list(&repo) {
            let deletions: Vec<String> = refs.iter().map(|(n, _)| format!(":{n}")).collect();
            if !deletions.is_empty() {
                let _ = self.push(&repo, &deletions);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote() -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        Repository::init_bare(dir.path().join("r.git")).unwrap();
        let url = format!("file://{}", dir.path().join("r.git").display());
        (dir, url)
    }

    fn refs(url: &str) -> Vec<String> {
        let path = url.strip_prefix("file://").unwrap();
        let repo = Repository::open(path).unwrap();
        let mut out: Vec<String> = repo
            .references()
            .unwrap()
            .filter_map(|r| {
                r.ok()
                    .map(|r| String::from_utf8_lossy(r.name_bytes()).into_owned())
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn entries_are_refs_created_once_read_by_others_and_cleared() {
        let (dir, url) = remote();
        let a = GitStore::open(&url, "run 1", None, &dir.path().join("a")).unwrap();
        let b = GitStore::open(&url, "run 1", None, &dir.path().join("b")).unwrap();
        let other = GitStore::open(&url, "run 2", None, &dir.path().join("c")).unwrap();
        assert!(a.create("s/t/rep-1/setup/shard-1", "run 1\n").unwrap());
        assert!(!a.create("s/t/rep-1/setup/shard-1", "run 1\nagain").unwrap());
        assert!(!b.create("s/t/rep-1/setup/shard-1", "run 1\nb").unwrap());
        assert!(b.create("s/t/rep-1/start/shard-2", "run 1\n123").unwrap());
        let names = [
            "s/t/rep-1/setup/shard-1".to_owned(),
            "s/t/rep-1/start/shard-2".to_owned(),
            "s/t/rep-1/start/shard-3".to_owned(),
        ];
        assert_eq!(
            b.read(&names).unwrap(),
            [
                Some("run 1\n".to_owned()),
                Some("run 1\n123".to_owned()),
                None
            ]
        );
        // Another run's refs are elsewhere.
        assert_eq!(other.read(&names).unwrap(), [None, None, None]);
        assert!(other.create("s/t/rep-1/setup/shard-1", "run 2\n").unwrap());
        assert_eq!(refs(&url).len(), 3, "{:?}", refs(&url));
        a.clear();
        let left = refs(&url);
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(left[0].starts_with(&other.prefix), "{left:?}");
    }

    #[test]
    fn an_unreachable_remote_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("file://{}", dir.path().join("missing.git").display());
        let s = GitStore::open(&url, "r", None, &dir.path().join("s")).unwrap();
        let e = s.read(&["x/shard-1".to_owned()]).unwrap_err();
        assert!(
            e.contains("missing.git") && e.contains("listing refs"),
            "{e}"
        );
    }
}
