//! Preflight: is this machine quiet enough to benchmark on? Each check reports the value it
//! measured and ends pass, warn or fail against configurable limits.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sysinfo::{ProcessRefreshKind, ProcessesToUpdate, System};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    Pass,
    /// The check could not be made here (no sensor, no cpufreq).
    NotAvailable,
    Warn,
    Fail,
}

impl fmt::Display for CheckStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CheckStatus::Pass => "pass",
            CheckStatus::NotAvailable => "n/a",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "FAIL",
        })
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Check {
    pub name: String,
    /// What was measured, with its unit.
    pub value: String,
    pub status: CheckStatus,
    /// The limit it was judged against, or why it could not be checked.
    pub detail: String,
}

/// All checks, stored in the run record.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct PreflightReport {
    pub checks: Vec<Check>,
    pub strict: bool,
}

impl PreflightReport {
    /// The worst status, with warnings counted as failures when strict.
    #[must_use]
    pub fn outcome(&self) -> CheckStatus {
        let worst = self
            .checks
            .iter()
            .map(|c| c.status)
            .max()
            .unwrap_or(CheckStatus::Pass);
        if self.strict && worst == CheckStatus::Warn {
            CheckStatus::Fail
        } else {
            worst
        }
    }
}

/// Limits of the checks.
#[derive(Clone, Debug)]
pub struct Limits {
    /// 1-minute load average per logical core: warn above, fail above the second.
    pub load_per_core: (f64, f64),
    /// Memory the run needs (the scenarios' declared `memory`, or a floor).
    pub needed_memory: u64,
    /// Warn when this much swap is in use.
    pub swap_warn_bytes: u64,
    /// CPU temperature in °C: warn above, fail above.
    pub temperature: (f64, f64),
    /// Another process using more than this share of one core is worth a warning.
    pub busy_process: f64,
    pub strict: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            load_per_core: (0.5, 1.5),
            needed_memory: 256 << 20,
            swap_warn_bytes: 64 << 20,
            temperature: (80.0, 95.0),
            busy_process: 0.2,
            strict: false,
        }
    }
}

fn gib(b: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "display")]
    let g = b as f64 / f64::from(1u32 << 30);
    format!("{g:.2} GiB")
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_owned())
}

/// The frequency governors in use, e.g. `performance` or `powersave ×2, performance ×6`.
#[must_use]
pub fn governors(root: &Path) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    let dir = std::fs::read_dir(root.join("sys/devices/system/cpu")).ok()?;
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with("cpu")
            || !name[3..].chars().all(|c| c.is_ascii_digit())
            || name.len() == 3
        {
            continue;
        }
        if let Some(g) = read(&e.path().join("cpufreq/scaling_governor")) {
            match counts.iter_mut().find(|(n, _)| *n == g) {
                Some((_, c)) => *c += 1,
                None => counts.push((g, 1)),
            }
        }
    }
    counts.sort();
    match counts.as_slice() {
        [] => None,
        [(g, _)] => Some(g.clone()),
        many => Some(
            many.iter()
                .map(|(g, c)| format!("{g} ×{c}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    }
}

/// Turbo/boost: `Some(true)` when enabled.
#[must_use]
pub fn boost(root: &Path) -> Option<bool> {
    if let Some(v) = read(&root.join("sys/devices/system/cpu/intel_pstate/no_turbo")) {
        return Some(v == "0");
    }
    read(&root.join("sys/devices/system/cpu/cpufreq/boost")).map(|v| v == "1")
}

/// The hottest thermal zone that looks like a CPU, in °C.
#[must_use]
pub fn cpu_temperature(root: &Path) -> Option<f64> {
    let dir = std::fs::read_dir(root.join("sys/class/thermal")).ok()?;
    let mut best: Option<f64> = None;
    for e in dir.flatten() {
        let p = e.path();
        let kind = read(&p.join("type"))
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !(kind.contains("cpu")
            || kind.contains("x86_pkg")
            || kind.contains("coretemp")
            || kind.contains("k10temp")
            || kind.contains("soc"))
        {
            continue;
        }
        if let Some(milli) = read(&p.join("temp")).and_then(|t| t.parse::<f64>().ok()) {
            let c = milli / 1000.0;
            best = Some(best.map_or(c, |b: f64| b.max(c)));
        }
    }
    best
}

/// Runs every check; takes about half a second (process CPU needs two readings).
#[must_use]
#[expect(clippy::too_many_lines, reason = "one linear list of checks")]
pub fn preflight(limits: &Limits) -> PreflightReport {
    let root = Path::new("/");
    let mut sys = System::new_all();
    let cores = sys.cpus().len().max(1);
    let mut checks = Vec::new();
    #[expect(clippy::cast_precision_loss, reason = "core counts are small")]
    let per_core = System::load_average().one / cores as f64;
    let load = System::load_average();
    checks.push(Check {
        name: "load".into(),
        value: format!(
            "{:.2} (1 min) on {cores} cores = {per_core:.2}/core",
            load.one
        ),
        status: if per_core > limits.load_per_core.1 {
            CheckStatus::Fail
        } else if per_core > limits.load_per_core.0 {
            CheckStatus::Warn
        } else {
            CheckStatus::Pass
        },
        detail: format!(
            "warn above {}/core, fail above {}/core",
            limits.load_per_core.0, limits.load_per_core.1
        ),
    });
    let available = sys.available_memory();
    checks.push(Check {
        name: "memory".into(),
        value: format!(
            "{} available of {}",
            gib(available),
            gib(sys.total_memory())
        ),
        status: if available < limits.needed_memory {
            CheckStatus::Fail
        } else if available < limits.needed_memory.saturating_mul(2) {
            CheckStatus::Warn
        } else {
            CheckStatus::Pass
        },
        detail: format!("the scenarios need {}", gib(limits.needed_memory)),
    });
    let swap = sys.used_swap();
    checks.push(Check {
        name: "swap".into(),
        value: format!("{} in use", gib(swap)),
        status: if swap > limits.swap_warn_bytes {
            CheckStatus::Warn
        } else {
            CheckStatus::Pass
        },
        detail: "swapping makes latencies meaningless".into(),
    });
    checks.push(match cpu_temperature(root) {
        Some(t) => Check {
            name: "temperature".into(),
            value: format!("{t:.1} °C"),
            status: if t > limits.temperature.1 {
                CheckStatus::Fail
            } else if t > limits.temperature.0 {
                CheckStatus::Warn
            } else {
                CheckStatus::Pass
            },
            detail: format!(
                "warn above {} °C, fail above {} °C",
                limits.temperature.0, limits.temperature.1
            ),
        },
        None => Check {
            name: "temperature".into(),
            value: "unknown".into(),
            status: CheckStatus::NotAvailable,
            detail: "no CPU thermal sensor exposed".into(),
        },
    });
    checks.push(match governors(root) {
        Some(g) => Check {
            name: "governor".into(),
            status: if g == "performance" {
                CheckStatus::Pass
            } else {
                CheckStatus::Warn
            },
            value: g,
            detail: "`performance` keeps the clock steady".into(),
        },
        None => Check {
            name: "governor".into(),
            value: "unknown".into(),
            status: CheckStatus::NotAvailable,
            detail: "no cpufreq (virtual machine or container)".into(),
        },
    });
    checks.push(match boost(root) {
        Some(on) => Check {
            name: "turbo/boost".into(),
            value: if on { "on".into() } else { "off".into() },
            status: if on {
                CheckStatus::Warn
            } else {
                CheckStatus::Pass
            },
            detail: "boost clocks vary with temperature and load".into(),
        },
        None => Check {
            name: "turbo/boost".into(),
            value: "unknown".into(),
            status: CheckStatus::NotAvailable,
            detail: "no boost control exposed".into(),
        },
    });
    // Busiest other processes, over a short window.
    std::thread::sleep(Duration::from_millis(400));
    sys.refresh_processes_specifics(
        ProcessesToUpdate::All,
        true,
        ProcessRefreshKind::nothing().with_cpu(),
    );
    let me = std::process::id();
    let mut procs: Vec<(f32, String, u32)> = sys
        .processes()
        .iter()
        .filter(|(pid, _)| pid.as_u32() != me)
        .map(|(pid, p)| {
            (
                p.cpu_usage(),
                p.name().to_string_lossy().into_owned(),
                pid.as_u32(),
            )
        })
        .collect();
    procs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let top: Vec<String> = procs
        .iter()
        .take(3)
        .map(|(c, n, pid)| format!("{n} ({pid}) {c:.0}%"))
        .collect();
    #[expect(clippy::cast_possible_truncation, reason = "a percentage")]
    let busy = procs
        .first()
        .is_some_and(|p| p.0 > (limits.busy_process * 100.0) as f32);
    checks.push(Check {
        name: "busiest processes".into(),
        value: if top.is_empty() {
            "none".into()
        } else {
            top.join(", ")
        },
        status: if busy {
            CheckStatus::Warn
        } else {
            CheckStatus::Pass
        },
        detail: format!(
            "warn when another process uses more than {:.0}% of a core",
            limits.busy_process * 100.0
        ),
    });
    PreflightReport {
        checks,
        strict: limits.strict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sysfs_shapes() {
        let dir = tempfile::tempdir().unwrap();
        let cpu = dir.path().join("sys/devices/system/cpu");
        for (i, g) in ["performance", "powersave", "performance"]
            .iter()
            .enumerate()
        {
            std::fs::create_dir_all(cpu.join(format!("cpu{i}/cpufreq"))).unwrap();
            std::fs::write(
                cpu.join(format!("cpu{i}/cpufreq/scaling_governor")),
                format!("{g}\n"),
            )
            .unwrap();
        }
        std::fs::create_dir_all(cpu.join("intel_pstate")).unwrap();
        std::fs::write(cpu.join("intel_pstate/no_turbo"), "1\n").unwrap();
        let tz = dir.path().join("sys/class/thermal/thermal_zone3");
        std::fs::create_dir_all(&tz).unwrap();
        std::fs::write(tz.join("type"), "x86_pkg_temp\n").unwrap();
        std::fs::write(tz.join("temp"), "61500\n").unwrap();
        assert_eq!(
            governors(dir.path()).as_deref(),
            Some("performance ×2, powersave ×1")
        );
        assert_eq!(boost(dir.path()), Some(false));
        assert_eq!(cpu_temperature(dir.path()), Some(61.5));
        assert_eq!(governors(Path::new("/nonexistent")), None);
    }

    #[test]
    fn strict_turns_warnings_into_failures() {
        let mut r = PreflightReport {
            checks: vec![Check {
                name: "x".into(),
                value: "1".into(),
                status: CheckStatus::Warn,
                detail: String::new(),
            }],
            strict: false,
        };
        assert_eq!(r.outcome(), CheckStatus::Warn);
        r.strict = true;
        assert_eq!(r.outcome(), CheckStatus::Fail);
    }
}
