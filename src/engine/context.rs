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
    /// When a repetition counts as measured on a busy machine.
    pub busy: BusyRule,
    /// `{{tree}}`: the source tree under test (the repository's top level, or the directory
    /// benchbot runs in).
    pub tree: PathBuf,
    /// `--metrics-addr`: what the workers count for the live metrics endpoint.
    pub live: Option<std::sync::Arc<super::Live>>,
    /// `--rendezvous`: where the shards of a run meet (setup once, partitioned load phases,
    /// a common start per repetition).
    pub rendezvous: Option<std::sync::Arc<super::Rendezvous>>,
}

/// A repetition is measured on a busy machine when other processes used more than
/// `others_cores` cores, or the hypervisor took more than `steal_pct` percent of the CPU.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BusyRule {
    pub others_cores: f64,
    pub steal_pct: f64,
}

impl Default for BusyRule {
    fn default() -> Self {
        Self {
            others_cores: 0.5,
            steal_pct: 10.0,
        }
    }
}

impl BusyRule {
    /// Why the machine was busy, if it was.
    #[must_use]
    pub fn judge(&self, share: &crate::system::sampler::CpuShare) -> Option<String> {
        if share.others_cores > self.others_cores {
            Some(format!(
                "other processes used {:.2} cores (limit {})",
                share.others_cores, self.others_cores
            ))
        } else if share.steal_pct > self.steal_pct {
            Some(format!(
                "the hypervisor took {:.1}% of the CPU (limit {}%)",
                share.steal_pct, self.steal_pct
            ))
        } else {
            None
        }
    }
}
