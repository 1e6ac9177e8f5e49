//! Publishing: the sticky PR comment, the quarterly issue and task issues — or, without a
//! token, the same bodies written to files.

use std::path::{Path, PathBuf};

use super::client::{ApiError, Client, Comment};

/// When to create the PR comment (an existing one is always kept up to date).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CommentOn {
    Regression,
    Change,
    Always,
    Never,
}

/// What the run found, as far as commenting cares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[expect(clippy::struct_excessive_bools, reason = "four independent findings")]
pub struct Findings {
    pub regression: bool,
    pub change: bool,
    /// A scenario failed, or the run was interrupted: never "resolved".
    pub failed: bool,
    /// A scenario was not judged (no baseline, another machine, inconclusive): never "resolved".
    pub unjudged: bool,
}

impl Findings {
    /// Every scenario judged, nothing regressed, nothing failed.
    #[must_use]
    pub fn clean(self) -> bool {
        !(self.regression || self.failed || self.unjudged)
    }
}

/// The hidden marker that identifies the sticky comment of `suite`.
#[must_use]
pub fn comment_marker(suite: &str) -> String {
    format!(
        "<!-- benchbot:sticky suite={} -->",
        suite.replace("--", "- -")
    )
}

/// The hidden marker of the quarterly issue of `quarter`.
#[must_use]
pub fn quarterly_marker(quarter: &str) -> String {
    format!("<!-- benchbot:quarterly {quarter} -->")
}

/// The hidden marker of a task issue.
#[must_use]
pub fn task_marker(key: &str) -> String {
    format!("<!-- benchbot:task {} -->", key.replace("--", "- -"))
}

/// What to do with the PR comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommentAction {
    Create(String),
    Update(u64, String),
    Nothing,
}

/// Decides the comment action from the policy, the findings and the existing comment.
/// `report` is the body when there is something to say; `resolved` the body for a clean run.
#[must_use]
pub fn decide_comment(
    policy: CommentOn,
    findings: Findings,
    existing: Option<&Comment>,
    report: &str,
    resolved: &str,
) -> CommentAction {
    let worth = match policy {
        CommentOn::Never => false,
        CommentOn::Always => true,
        CommentOn::Regression => findings.regression || findings.failed,
        CommentOn::Change => {
            findings.regression || findings.failed || findings.change || findings.unjudged
        }
    };
    match (existing, worth) {
        (Some(c), true) => CommentAction::Update(c.id, report.to_owned()),
        // An existing comment is kept current: "resolved" only after a clean, judged run.
        (Some(c), false) if policy != CommentOn::Never => {
            let body = if findings.clean() { resolved } else { report };
            if c.body.as_deref() == Some(body) {
                CommentAction::Nothing
            } else {
                CommentAction::Update(c.id, body.to_owned())
            }
        }
        (None, true) => CommentAction::Create(report.to_owned()),
        _ => CommentAction::Nothing,
    }
}

/// The sticky comment of a pull request: finds it by marker, then creates, updates or resolves it.
///
/// # Errors
/// [`ApiError`].
pub async fn sticky_comment(
    client: &Client,
    pr: u64,
    suite: &str,
    policy: CommentOn,
    findings: Findings,
    report: &str,
    resolved: &str,
) -> Result<(CommentAction, Option<u64>), ApiError> {
    let marker = comment_marker(suite);
    let existing = ours(client, pr, &marker).await?;
    let existing = existing.as_ref();
    let action = decide_comment(
        policy,
        findings,
        existing,
        &format!("{marker}\n{report}"),
        &format!("{marker}\n{resolved}"),
    );
    let id = match &action {
        CommentAction::Create(body) => Some(create_comment_once(client, pr, &marker, body).await?),
        CommentAction::Update(id, body) => Some(client.update_comment(*id, body).await?.id),
        CommentAction::Nothing => existing.map(|c| c.id),
    };
    Ok((action, id))
}

/// The sticky comment of `marker` that this token wrote (a comment someone else planted with
/// the marker is never edited).
async fn ours(client: &Client, pr: u64, marker: &str) -> Result<Option<Comment>, ApiError> {
    for c in client.comments(pr).await? {
        if c.body.as_deref().is_some_and(|b| b.contains(marker))
            && client.wrote(c.user.as_ref()).await
        {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

/// Creates the comment once: after a failure that may have created it anyway (a timeout, a
/// 5xx), it looks for the marker before trying again, so a retry never duplicates it.
async fn create_comment_once(
    client: &Client,
    pr: u64,
    marker: &str,
    body: &str,
) -> Result<u64, ApiError> {
    let mut last = None;
    for _ in 0..3 {
        match client.create_comment(pr, body).await {
            Ok(c) => return Ok(c.id),
            Err(e) if e.ambiguous() => {
                if let Some(c) = ours(client, pr, marker).await? {
                    return Ok(c.id);
                }
                last = Some(e);
            }
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| unreachable!("three attempts failed")))
}

/// Creates an issue once, looking for it (`find`) after a failure that may have created it.
async fn create_issue_once(
    client: &Client,
    title: &str,
    body: &str,
    label: &str,
    marker: &str,
    state: &str,
) -> Result<u64, ApiError> {
    let mut last = None;
    for _ in 0..3 {
        match client.create_issue(title, body, &[label]).await {
            Ok(i) => return Ok(i.number),
            Err(e) if e.ambiguous() => {
                let found = client
                    .issues_with_label(label, state)
                    .await?
                    .into_iter()
                    .find(|i| i.body.as_deref().is_some_and(|b| b.contains(marker)));
                if let Some(i) = found {
                    return Ok(i.number);
                }
                last = Some(e);
            }
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| unreachable!("three attempts failed")))
}

/// Creates or updates the one issue of `quarter`, found by label and marker.
///
/// # Errors
/// [`ApiError`].
pub async fn quarterly_issue(
    client: &Client,
    quarter: &str,
    label: &str,
    body: &str,
) -> Result<(bool, u64), ApiError> {
    let marker = quarterly_marker(quarter);
    let title = format!("Competitive review {quarter}");
    let body = format!("{marker}\n{body}");
    let existing = client
        .issues_with_label(label, "all")
        .await?
        .into_iter()
        .find(|i| i.body.as_deref().is_some_and(|b| b.contains(&marker)));
    match existing {
        Some(i) => Ok((
            false,
            client.update_issue(i.number, &title, &body).await?.number,
        )),
        None => Ok((
            true,
            create_issue_once(client, &title, &body, label, &marker, "all").await?,
        )),
    }
}

/// Opens an issue for a task unless an open one with its marker exists. Returns the new number.
///
/// # Errors
/// [`ApiError`].
pub async fn task_issue(
    client: &Client,
    key: &str,
    title: &str,
    label: &str,
    body: &str,
) -> Result<Option<u64>, ApiError> {
    let marker = task_marker(key);
    let open = client.issues_with_label(label, "open").await?;
    if open
        .iter()
        .any(|i| i.body.as_deref().is_some_and(|b| b.contains(&marker)))
    {
        return Ok(None);
    }
    Ok(Some(
        create_issue_once(
            client,
            title,
            &format!("{marker}\n{body}"),
            label,
            &marker,
            "open",
        )
        .await?,
    ))
}

/// Offline mode: where the bodies go instead.
#[must_use]
pub fn offline_paths(out: &Path) -> (PathBuf, PathBuf) {
    (out.join("comment.md"), out.join("issue.md"))
}
