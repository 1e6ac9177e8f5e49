//! An accepted change: someone said a change in performance was intended. Stored in the
//! history under `accepted/`; baselines taken from the history start after it.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The format name of an acceptance document.
pub const ACCEPTANCE_FORMAT: &str = "benchbot.acceptance";

/// One acceptance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    /// Always [`ACCEPTANCE_FORMAT`].
    pub format: String,
    pub format_version: u32,
    /// When it was accepted: runs of the base branch from then on are the new normal.
    pub at: DateTime<Utc>,
    /// The scenarios it covers; empty for every scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<String>,
    /// The commit whose performance is accepted (e.g. the merge commit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// Who accepted it (a GitHub login, a name).
    pub by: String,
    /// Why.
    pub reason: String,
    /// The pull request, when it came from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<u64>,
}

impl Acceptance {
    /// Whether it covers `scenario`.
    #[must_use]
    pub fn covers(&self, scenario: &str) -> bool {
        self.scenarios.is_empty() || self.scenarios.iter().any(|s| s == scenario)
    }

    /// One line for reports: who, when, why (untrusted: callers escape it for their channel).
    #[must_use]
    pub fn summary(&self) -> String {
        let mut s = format!("accepted by {} on {}", self.by, self.at.format("%Y-%m-%d"));
        if let Some(pr) = self.pull_request {
            let _ = write!(s, " (PR #{pr})");
        }
        if let Some(sha) = &self.sha {
            let _ = write!(s, " at {}", sha.chars().take(12).collect::<String>());
        }
        if !self.reason.is_empty() {
            s.push_str(": ");
            s.push_str(&self.reason);
        }
        s
    }
}
