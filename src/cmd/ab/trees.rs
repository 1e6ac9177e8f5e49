//! The two source trees of an A/B run: the head (the working tree, or a revision checked out
//! beside it) and the base (its merge base with the head, checked out beside it), each a git
//! worktree under the output directory, reused when it already holds the revision.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;

use crate::record::GitInfo;

/// One variant's tree.
#[derive(Clone, Debug)]
pub struct Tree {
    pub path: PathBuf,
    pub git: GitInfo,
    /// The working tree itself, with uncommitted changes if any.
    pub working: bool,
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .with_context(|| format!("running git {}", args.join(" ")))?;
    anyhow::ensure!(
        out.status.success(),
        "git {} in {}: {}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The commit `rev` names.
fn commit(repo: &Path, rev: &str) -> anyhow::Result<String> {
    git(
        repo,
        &[
            "rev-parse",
            "--verify",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .with_context(|| format!("`{rev}` is not a revision of {}", repo.display()))
}

/// Resolves base and head in the repository around `cwd` and checks them out under `trees`.
///
/// # Errors
/// Not a git repository, an unknown revision, a worktree that cannot be created.
pub fn prepare(
    cwd: &Path,
    base: &str,
    head: Option<&str>,
    exact_base: bool,
    trees: &Path,
) -> anyhow::Result<(Tree, Tree)> {
    let repo = PathBuf::from(
        git(cwd, &["rev-parse", "--show-toplevel"])
            .context("benchbot ab needs a git repository")?,
    );
    let head_tree = if let Some(rev) = head {
        let sha = commit(&repo, rev)?;
        Tree {
            path: checkout(&repo, &sha, trees)?,
            git: GitInfo {
                sha,
                reference: Some(rev.to_owned()),
            },
            working: false,
        }
    } else {
        let sha = commit(&repo, "HEAD")?;
        Tree {
            path: repo.clone(),
            git: GitInfo {
                sha,
                reference: git(&repo, &["rev-parse", "--abbrev-ref", "HEAD"]).ok(),
            },
            working: true,
        }
    };
    let base_rev = commit(&repo, base)?;
    let base_sha = if exact_base {
        base_rev
    } else {
        git(&repo, &["merge-base", &base_rev, &head_tree.git.sha])
            .with_context(|| format!("no merge base of `{base}` and the head"))?
    };
    let clean = !head_tree.working || git(&repo, &["status", "--porcelain"])?.is_empty();
    let base_tree = if base_sha == head_tree.git.sha && clean {
        // The same commit twice (A/A): one tree, one build.
        Tree {
            git: GitInfo {
                sha: base_sha,
                reference: Some(base.to_owned()),
            },
            ..head_tree.clone()
        }
    } else {
        Tree {
            path: checkout(&repo, &base_sha, trees)?,
            git: GitInfo {
                sha: base_sha,
                reference: Some(base.to_owned()),
            },
            working: false,
        }
    };
    Ok((base_tree, head_tree))
}

/// A worktree of `sha` under `trees`, reused when it already holds it.
fn checkout(repo: &Path, sha: &str, trees: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(trees).with_context(|| format!("creating {}", trees.display()))?;
    let trees = std::fs::canonicalize(trees)?;
    let dir = trees.join(crate::util::prefix(sha, 12));
    if dir.exists() {
        if git(&dir, &["rev-parse", "HEAD"]).is_ok_and(|h| h == sha)
            && git(&dir, &["status", "--porcelain", "--untracked-files=no"])
                .is_ok_and(|s| s.is_empty())
        {
            return Ok(dir);
        }
        let _ = git(
            repo,
            &["worktree", "remove", "--force", &dir.display().to_string()],
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = git(repo, &["worktree", "prune"]);
    git(
        repo,
        &[
            "worktree",
            "add",
            "--detach",
            "--force",
            &dir.display().to_string(),
            sha,
        ],
    )?;
    Ok(dir)
}
