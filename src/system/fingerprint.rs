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

/// A field of the fingerprint that can make two machines incomparable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum EnvField {
    /// The CPU model.
    Cpu,
    /// The number of logical cores.
    Cores,
    /// The architecture.
    Arch,
    /// The runner's labels (when both records have some).
    Labels,
    /// The kernel release.
    Kernel,
    /// The operating system and its version.
    Os,
    /// The host name.
    Host,
    /// The memory size.
    Memory,
}

impl EnvField {
    /// The fields that make machines incomparable unless configured otherwise: what changes
    /// the hardware. A kernel or OS patch update is a noted difference, not another machine.
    pub const HARD: [EnvField; 4] = [
        EnvField::Cpu,
        EnvField::Cores,
        EnvField::Arch,
        EnvField::Labels,
    ];
}

/// How two machines differ: in fields that make them incomparable, and in fields that are only
/// noted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvDiff {
    pub hard: Vec<String>,
    pub noted: Vec<String>,
}

impl EnvDiff {
    /// Why the two cannot be compared, if they cannot.
    #[must_use]
    pub fn incomparable(&self) -> Option<String> {
        (!self.hard.is_empty()).then(|| {
            format!(
                "incomparable environment: the baseline was measured on another machine ({})",
                self.hard.join(", ")
            )
        })
    }
}

/// How `current` differs from `baseline`, with `hard` the fields that make them incomparable.
#[must_use]
pub fn compare_env(current: &Environment, baseline: &Environment, hard: &[EnvField]) -> EnvDiff {
    let (a, b) = (current, baseline);
    let mut out = EnvDiff::default();
    let mut add = |field: EnvField, differs: bool, text: String| {
        if differs {
            if hard.contains(&field) {
                out.hard.push(text);
            } else {
                out.noted.push(text);
            }
        }
    };
    add(
        EnvField::Cpu,
        a.cpu_model != b.cpu_model,
        format!("CPU `{}` vs `{}`", b.cpu_model, a.cpu_model),
    );
    add(
        EnvField::Cores,
        a.logical_cores != b.logical_cores,
        format!("{} vs {} logical cores", b.logical_cores, a.logical_cores),
    );
    add(
        EnvField::Arch,
        a.arch != b.arch,
        format!("{} vs {}", b.arch, a.arch),
    );
    add(
        EnvField::Labels,
        !a.runner_labels.is_empty()
            && !b.runner_labels.is_empty()
            && a.runner_labels != b.runner_labels,
        format!(
            "runner labels [{}] vs [{}]",
            b.runner_labels.join(", "),
            a.runner_labels.join(", ")
        ),
    );
    add(
        EnvField::Kernel,
        a.kernel != b.kernel,
        format!("kernel {} vs {}", b.kernel, a.kernel),
    );
    add(
        EnvField::Os,
        a.os != b.os,
        format!("OS {} vs {}", b.os, a.os),
    );
    add(
        EnvField::Host,
        a.hostname != b.hostname,
        format!("host {} vs {}", b.hostname, a.hostname),
    );
    #[expect(clippy::cast_precision_loss, reason = "display in GiB")]
    let gib = |m: u64| m as f64 / f64::from(1u32 << 30);
    add(
        EnvField::Memory,
        // Memory reads vary by a few MiB between boots of one machine.
        (gib(a.memory_bytes) - gib(b.memory_bytes)).abs() > 0.5,
        format!(
            "{:.1} vs {:.1} GiB memory",
            gib(b.memory_bytes),
            gib(a.memory_bytes)
        ),
    );
    out
}

/// Why two environments cannot be compared under the default hard fields, if they cannot.
#[must_use]
pub fn incomparable(current: &Environment, baseline: &Environment) -> Option<String> {
    compare_env(current, baseline, &EnvField::HARD).incomparable()
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

    #[test]
    fn a_kernel_update_is_noted_another_cpu_is_another_machine() {
        use super::{compare_env, EnvField, Environment};
        let base = Environment {
            cpu_model: "EPYC 7B13".into(),
            logical_cores: 2,
            arch: "x86_64".into(),
            kernel: "6.1.0-26".into(),
            ..Environment::default()
        };
        let patched = Environment {
            kernel: "6.1.0-28".into(),
            ..base.clone()
        };
        let d = compare_env(&patched, &base, &EnvField::HARD);
        assert!(d.hard.is_empty(), "{d:?}");
        assert_eq!(d.noted, ["kernel 6.1.0-26 vs 6.1.0-28"]);
        // Configurable: a team that wants kernels to match makes the field hard.
        let strict = compare_env(&patched, &base, &[EnvField::Kernel]);
        assert!(strict.incomparable().is_some());
        let other = Environment {
            cpu_model: "Xeon 8375C".into(),
            ..base.clone()
        };
        assert!(compare_env(&other, &base, &EnvField::HARD)
            .incomparable()
            .unwrap()
            .contains("CPU `EPYC 7B13` vs `Xeon 8375C`"));
    }
}
