//! The machine: the environment fingerprint stored in every record.

use sysinfo::System;

use crate::record::Environment;

/// Reads CPU model, cores, memory, OS and kernel.
#[must_use]
pub fn environment() -> Environment {
    let mut sys = System::new();
    sys.refresh_memory();
    sys.refresh_cpu_list(sysinfo::CpuRefreshKind::nothing());
    let cpu_model = sys
        .cpus()
        .first()
        .map(|c| c.brand().trim().to_owned())
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| "unknown".into());
    Environment {
        cpu_model,
        physical_cores: System::physical_core_count(),
        logical_cores: sys.cpus().len().max(1),
        memory_bytes: sys.total_memory(),
        os: System::long_os_version().unwrap_or_else(|| std::env::consts::OS.to_owned()),
        kernel: System::kernel_version().unwrap_or_default(),
        arch: std::env::consts::ARCH.to_owned(),
        hostname: System::host_name().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_reads_this_machine() {
        let env = super::environment();
        assert!(env.logical_cores >= 1);
        assert!(env.memory_bytes > 0);
        assert!(!env.kernel.is_empty() || cfg!(not(target_os = "linux")));
    }
}
