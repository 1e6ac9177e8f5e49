//! The environment fingerprint: which machine a record was taken on, and whether two
//! machines can be compared.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sysinfo::System;

use super::preflight;

/// The machine the record was taken on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Environment {
    pub cpu_model: String,
    pub physical_cores: Option<usize>,
    pub logical_cores: usize,
    pub memory_bytes: u64,
    pub os: String,
    pub kernel: String,
    pub arch: String,
    pub hostname: String,
    #[serde(default)]
    pub governor: Option<String>,
    /// The Actions runner's name.
    #[serde(default)]
    pub runner: Option<String>,
    /// Labels of the runner (`--runner-labels`), compared between records.
    #[serde(default)]
    pub runner_labels: Vec<String>,
    /// `rustc -V` where a Rust toolchain is installed.
    #[serde(default)]
    pub rustc: Option<String>,
}

/// Reads CPU model, cores, memory, OS, kernel, governor and compiler; `runner` and `labels`
/// come from the Actions context and the command line.
#[must_use]
pub fn environment(runner: Option<String>, labels: Vec<String>) -> Environment {
    let mut sys = System::new();
    sys.refresh_memory();
    sys.refresh_cpu_list(sysinfo::CpuRefreshKind::nothing());
    let cpu_model = sys
        .cpus()
        .first()
        .map(|c| c.brand().trim().to_owned())
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| "unknown".into());
    let rustc = std::process::Command::new("rustc")
        .arg("-V")
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    Environment {
        cpu_model,
        physical_cores: System::physical_core_count(),
        logical_cores: sys.cpus().len().max(1),
        memory_bytes: sys.total_memory(),
        os: System::long_os_version().unwrap_or_else(|| std::env::consts::OS.to_owned()),
        kernel: System::kernel_version().unwrap_or_default(),
        arch: std::env::consts::ARCH.to_owned(),
        hostname: System::host_name().unwrap_or_default(),
        governor: preflight::governors(Path::new("/")),
        runner,
        runner_labels: labels,
        rustc,
    }
}

/// Why two environments cannot be compared, if they cannot.
#[must_use]
pub fn incomparable(current: &Environment, baseline: &Environment) -> Option<String> {
    let (a, b) = (current, baseline);
    let mut diffs = Vec::new();
    if a.cpu_model != b.cpu_model {
        diffs.push(format!("CPU `{}` vs `{}`", b.cpu_model, a.cpu_model));
    }
    if a.logical_cores != b.logical_cores {
        diffs.push(format!(
            "{} vs {} logical cores",
            b.logical_cores, a.logical_cores
        ));
    }
    if a.arch != b.arch {
        diffs.push(format!("{} vs {}", b.arch, a.arch));
    }
    if a.kernel != b.kernel {
        diffs.push(format!("kernel {} vs {}", b.kernel, a.kernel));
    }
    if !a.runner_labels.is_empty()
        && !b.runner_labels.is_empty()
        && a.runner_labels != b.runner_labels
    {
        diffs.push(format!(
            "runner labels [{}] vs [{}]",
            b.runner_labels.join(", "),
            a.runner_labels.join(", ")
        ));
    }
    (!diffs.is_empty()).then(|| {
        format!(
            "incomparable environment: the baseline was measured on another machine ({})",
            diffs.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_reads_this_machine() {
        let env = super::environment(Some("runner-1".into()), vec!["benchmark".into()]);
        assert!(env.logical_cores >= 1);
        assert!(env.memory_bytes > 0);
        assert!(!env.kernel.is_empty() || cfg!(not(target_os = "linux")));
        assert_eq!(env.runner.as_deref(), Some("runner-1"));
    }
}
