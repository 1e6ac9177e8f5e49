//! Optimization tasks: the metrics where a competitor leads us, ranked by gap.

use serde::{Deserialize, Serialize};

use super::types::Comparison;
use crate::scenario::Metric;

/// How urgent closing a competitive gap is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    High,
    Medium,
    Noted,
}

/// Gap limits for task priorities: above `high` is HIGH, above `medium` MEDIUM.
#[derive(Clone, Copy, Debug)]
pub struct Priorities {
    pub high: f64,
    pub medium: f64,
}

impl Default for Priorities {
    fn default() -> Self {
        Self {
            high: 0.15,
            medium: 0.10,
        }
    }
}

/// An optimization task: a metric where a competitor leads us.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Task {
    pub scenario: String,
    pub operation: String,
    pub metric: Metric,
    pub leader: String,
    pub gap: f64,
    pub priority: Priority,
    /// A command that reproduces the measurement.
    pub reproduce: String,
}

impl Task {
    /// A stable key for deduplication.
    #[must_use]
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.scenario, self.operation, self.metric)
    }
}

/// Every metric where a competitor leads, ranked by gap (largest first).
#[must_use]
pub fn tasks(comparisons: &[Comparison], p: Priorities) -> Vec<Task> {
    let mut out: Vec<Task> = comparisons
        .iter()
        .flat_map(|c| {
            c.standings
                .iter()
                .filter(|s| s.gap > 0.0)
                .map(move |s| Task {
                    scenario: c.scenario.clone(),
                    operation: s.operation.clone(),
                    metric: s.metric,
                    leader: s.leader.clone(),
                    gap: s.gap,
                    priority: if s.gap > p.high {
                        Priority::High
                    } else if s.gap > p.medium {
                        Priority::Medium
                    } else {
                        Priority::Noted
                    },
                    reproduce: format!("benchbot run --scenario {}", c.scenario),
                })
        })
        .collect();
    out.sort_by(|a, b| b.gap.total_cmp(&a.gap));
    out
}
