//! The command driver's tables in a scenario file.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::util::Dur;

/// `[target.command]`: a command run once per operation, timed hyperfine-style.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CommandTarget {
    /// The program and its arguments, run without a shell.
    pub argv: Option<Vec<String>>,
    /// A shell command line, run with `sh -c`.
    pub shell: Option<String>,
    /// A shell command run before every timed run (not timed).
    pub prepare: Option<String>,
    /// A shell command run after every repetition (not timed).
    pub cleanup: Option<String>,
    /// Environment variables for the command. It also sees the usual variables (`PATH`,
    /// `HOME`, locale, toolchain homes), never benchbot's tokens.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// More variables of benchbot's environment to pass on, by name (secrets never pass).
    #[serde(default)]
    pub pass_env: Vec<String>,
    /// Working directory, relative to the scenario file.
    pub cwd: Option<String>,
    /// A run that takes longer is killed and counted as a `timeout` error (default `60s`).
    pub timeout: Option<Dur>,
}

/// `[operation.command]`: extra arguments appended to the target's `argv`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CommandOperation {
    #[serde(default)]
    pub args: Vec<String>,
}
