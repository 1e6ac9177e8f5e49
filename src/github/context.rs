//! The GitHub Actions context: the one place that reads the process environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Everything benchbot takes from the environment, resolved once.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// `owner/name`.
    pub repository: Option<String>,
    pub event_name: Option<String>,
    pub event: Event,
    pub sha: Option<String>,
    pub reference: Option<String>,
    pub run_id: Option<String>,
    pub server_url: String,
    /// REST base: `https://api.github.com`, or `https://HOST/api/v3` on GitHub Enterprise Server.
    pub api_url: String,
    /// `BENCHBOT_TOKEN`, else `GITHUB_TOKEN`. Never printed.
    pub token: Option<String>,
    pub output_file: Option<PathBuf>,
    pub summary_file: Option<PathBuf>,
    /// `GITHUB_ACTIONS=true`: workflow commands (annotations, masks) are understood.
    pub in_actions: bool,
    pub runner_name: Option<String>,
    /// The pull request to publish to when the event is not one (`publish --pr`,
    /// `workflow_run`), set once confirmed.
    pub target: Option<TargetPr>,
}

/// The triggering event, parsed from `GITHUB_EVENT_PATH` into typed payloads.
#[derive(Clone, Debug, Default)]
pub enum Event {
    PullRequest(Box<PullRequestEvent>),
    Push(PushEvent),
    WorkflowDispatch(WorkflowDispatchEvent),
    Schedule(ScheduleEvent),
    /// A workflow that ran after another one (the trusted half of the `workflow_run` split).
    WorkflowRun(Box<WorkflowRunEvent>),
    /// Another event, or none (a local run).
    #[default]
    None,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PullRequestEvent {
    pub action: Option<String>,
    pub number: u64,
    pub pull_request: PullRequest,
    /// Who triggered the event (for `closed`: who merged or closed it).
    #[serde(default)]
    pub sender: Option<User>,
    /// For `labeled`: the label just added.
    #[serde(default)]
    pub label: Option<Label>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PullRequest {
    pub number: u64,
    pub head: Branch,
    pub base: Branch,
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Untrusted text: neutralised wherever it is shown.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub merged: Option<bool>,
    #[serde(default)]
    pub merged_by: Option<User>,
    #[serde(default)]
    pub merge_commit_sha: Option<String>,
}

impl PullRequest {
    /// Whether the pull request carries `label`.
    #[must_use]
    pub fn has_label(&self, label: &str) -> bool {
        self.labels.iter().any(|l| l.name == label)
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct User {
    pub login: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Branch {
    #[serde(rename = "ref")]
    pub reference: String,
    pub sha: String,
    /// Null when the head repository was deleted.
    pub repo: Option<Repo>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Repo {
    pub full_name: String,
    #[serde(default)]
    pub fork: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Label {
    pub name: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PushEvent {
    #[serde(rename = "ref")]
    pub reference: String,
    pub after: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct WorkflowDispatchEvent {
    #[serde(default)]
    pub inputs: BTreeMap<String, serde_json::Value>,
    #[serde(rename = "ref")]
    pub reference: Option<String>,
}

impl WorkflowDispatchEvent {
    /// An input as text (`true`/`false` for booleans); `None` when absent or empty.
    #[must_use]
    pub fn input(&self, name: &str) -> Option<String> {
        match self.inputs.get(name)? {
            serde_json::Value::String(s) if s.trim().is_empty() => None,
            serde_json::Value::String(s) => Some(s.trim().to_owned()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct WorkflowRunEvent {
    pub workflow_run: WorkflowRun,
}

#[derive(Clone, Debug, Deserialize)]
pub struct WorkflowRun {
    pub id: u64,
    /// The commit the triggering run measured.
    pub head_sha: String,
    /// The event that started the triggering run, e.g. `pull_request`.
    #[serde(default)]
    pub event: Option<String>,
    /// Pull requests of the same repository whose head is `head_sha` (empty for forks).
    #[serde(default)]
    pub pull_requests: Vec<RunPullRequest>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RunPullRequest {
    pub number: u64,
}

/// The pull request a publication is for: the event's, or (`workflow_run`) the one confirmed
/// by the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetPr {
    pub number: u64,
    pub head_sha: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ScheduleEvent {
    pub schedule: Option<String>,
}

/// The event payload could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("{}: cannot read the event payload", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: not a `{event}` event payload: {message}", path.display())]
    Parse {
        path: PathBuf,
        event: String,
        line: usize,
        column: usize,
        message: String,
    },
}

impl Context {
    /// Reads the Actions environment (empty outside Actions).
    ///
    /// # Errors
    /// When `GITHUB_EVENT_PATH` names a file that is missing or malformed.
    pub fn from_env() -> Result<Self, ContextError> {
        Self::from_vars(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// Like [`Context::from_env`] with variables from `var` (tests pass a map).
    ///
    /// # Errors
    /// See [`Context::from_env`].
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ContextError> {
        let event_name = var("GITHUB_EVENT_NAME");
        let event = match (&event_name, var("GITHUB_EVENT_PATH")) {
            (Some(name), Some(path)) => parse_event(name, Path::new(&path))?,
            _ => Event::None,
        };
        Ok(Self {
            repository: var("GITHUB_REPOSITORY"),
            event_name,
            event,
            sha: var("GITHUB_SHA"),
            reference: var("GITHUB_REF"),
            run_id: var("GITHUB_RUN_ID"),
            server_url: var("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into()),
            api_url: var("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into()),
            token: var("BENCHBOT_TOKEN").or_else(|| var("GITHUB_TOKEN")),
            output_file: var("GITHUB_OUTPUT").map(PathBuf::from),
            summary_file: var("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            in_actions: var("GITHUB_ACTIONS").as_deref() == Some("true"),
            runner_name: var("RUNNER_NAME"),
            target: None,
        })
    }

    /// The pull request, for `pull_request` events.
    #[must_use]
    pub fn pull_request(&self) -> Option<&PullRequestEvent> {
        match &self.event {
            Event::PullRequest(p) => Some(p),
            _ => None,
        }
    }

    /// The pull request results are for: the event's, else the confirmed target.
    #[must_use]
    pub fn target_pr(&self) -> Option<TargetPr> {
        self.pull_request()
            .map(|p| TargetPr {
                number: p.number,
                head_sha: p.pull_request.head.sha.clone(),
            })
            .or_else(|| self.target.clone())
    }

    /// The trigger recorded in run records.
    #[must_use]
    pub fn trigger(&self) -> String {
        self.event_name.clone().unwrap_or_else(|| "local".into())
    }

    /// A link to this workflow run, when known.
    #[must_use]
    pub fn run_url(&self) -> Option<String> {
        Some(format!(
            "{}/{}/actions/runs/{}",
            self.server_url,
            self.repository.as_ref()?,
            self.run_id.as_ref()?
        ))
    }
}

/// Parses the payload of event `name` from `path`.
///
/// # Errors
/// [`ContextError`] naming the file, line and column.
pub fn parse_event(name: &str, path: &Path) -> Result<Event, ContextError> {
    let text = crate::util::read_bounded(path, crate::util::MAX_INPUT).map_err(|source| {
        ContextError::Read {
            path: path.to_owned(),
            source,
        }
    })?;
    let err = |e: serde_json::Error| ContextError::Parse {
        path: path.to_owned(),
        event: name.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    Ok(match name {
        "pull_request" | "pull_request_target" => {
            Event::PullRequest(Box::new(serde_json::from_str(&text).map_err(err)?))
        }
        "push" => Event::Push(serde_json::from_str(&text).map_err(err)?),
        "workflow_dispatch" => Event::WorkflowDispatch(serde_json::from_str(&text).map_err(err)?),
        "schedule" => Event::Schedule(serde_json::from_str(&text).map_err(err)?),
        "workflow_run" => Event::WorkflowRun(Box::new(serde_json::from_str(&text).map_err(err)?)),
        _ => Event::None,
    })
}

/// Why a pull request may not run on this (self-hosted) runner.
#[must_use]
pub fn fork_refusal(
    pr: &PullRequestEvent,
    allow_label: &str,
    allowed_by_input: bool,
) -> Option<String> {
    let head = pr.pull_request.head.repo.as_ref();
    let base = pr.pull_request.base.repo.as_ref();
    let from_fork = head.is_none_or(|h| h.fork || base.is_some_and(|b| b.full_name != h.full_name));
    if !from_fork || allowed_by_input {
        return None;
    }
    // A maintainer's approval covers the commit they reviewed: the run the label itself
    // started (`labeled`, with that label), whose head is the commit labelled. A later push
    // (`synchronize`) runs nothing until someone labels it again.
    let approved_now = pr.action.as_deref() == Some("labeled")
        && pr.label.as_ref().is_some_and(|l| l.name == allow_label);
    if approved_now {
        return None;
    }
    let who = head.map_or("deleted repository", |h| h.full_name.as_str());
    if pr.pull_request.has_label(allow_label) {
        return Some(format!(
            "pull request #{} comes from a fork ({who}) and has new commits since the `{allow_label}` label was added (event `{}`); an approval covers only the commit it was given for\n  hint: review the new commits, then remove and add the `{allow_label}` label again",
            pr.number,
            pr.action.as_deref().unwrap_or("unknown")
        ));
    }
    Some(format!(
        "pull request #{} comes from a fork ({who}); benchbot does not run code from forks on self-hosted runners\n  hint: a maintainer can review the change and add the `{allow_label}` label (the run it starts measures the commit reviewed), or set the `allow-fork` input",
        pr.number
    ))
}
