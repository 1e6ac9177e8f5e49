//! The Redis driver's tables in a scenario file.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::util::Dur;

/// `[target.redis]`: Redis (or anything speaking RESP), one connection per worker.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RedisTarget {
    /// `host:port`.
    pub address: String,
    /// Commands run once before the target's first repetition; not timed.
    #[serde(default)]
    pub setup: Vec<Vec<String>>,
    /// Per-command timeout (default `30s`).
    pub timeout: Option<Dur>,
}

/// `[operation.redis]`: one command with templated arguments.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RedisOperation {
    pub command: Vec<String>,
}
