//! The machine: the environment fingerprint, preflight checks and system samples.

pub mod preflight;
pub mod sampler;

use std::path::Path;

use sysinfo::System;

use crate::record::Environment;

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
