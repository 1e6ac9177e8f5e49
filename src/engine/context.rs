//! Where and how the engine runs.

use std::path::PathBuf;
use std::time::Duration;

use super::Cancel;

/// Where and how the engine runs.
pub struct RunContext {
    /// Service logs go here.
    pub log_dir: PathBuf,
    /// Substituted for `{{benchbot}}`.
    pub benchbot_exe: PathBuf,
    /// Stops load generation early (signals).
    pub cancel: Cancel,
    /// How often system samples are taken during a repetition.
    pub sample_interval: Duration,
    /// Ground truth of vector datasets is cached here, by dataset digest.
    pub cache_dir: PathBuf,
}
