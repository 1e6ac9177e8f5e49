//! System samples taken while a repetition runs: machine CPU, memory, load and temperature, and
//! the CPU and memory of the load generator and of the managed service. Read straight from
//! `/proc` (Linux); elsewhere only what sysinfo-free fallbacks give (nothing).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::preflight::cpu_temperature;

/// One sample. CPU shares of a process are in percent of one core (200 = two cores busy).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Sample {
    /// Repetition (1-based) the sample belongs to.
    pub repetition: u32,
    /// Milliseconds since the repetition started.
    pub t_ms: u64,
    /// Whole-machine CPU busy, percent of all cores, since the previous sample.
    pub cpu_pct: f64,
    pub mem_used_bytes: u64,
    pub load1: f64,
    pub temperature_c: Option<f64>,
    /// benchbot itself.
    pub generator_cpu_pct: f64,
    /// benchbot's resident memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator_rss_bytes: Option<u64>,
    pub service_cpu_pct: Option<f64>,
    pub service_rss_bytes: Option<u64>,
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        #[expect(clippy::cast_precision_loss, reason = "small constant")]
        let t = t as f64;
        t
    } else {
        100.0
    }
}

/// (busy, total) jiffies of the whole machine.
fn machine_jiffies() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let line = text.lines().next()?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: u64 = v.iter().sum();
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

/// CPU time of the whole machine: (busy, steal, total) jiffies, where busy excludes idle,
/// I/O wait and steal.
fn machine_split() -> Option<(u64, u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let v: Vec<u64> = text
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let f = |i: usize| v.get(i).copied().unwrap_or(0);
    let total: u64 = (0..8).map(f).sum();
    let busy = f(0) + f(1) + f(2) + f(5) + f(6);
    Some((busy, f(7), total))
}

/// utime + stime of a process and of its children it has waited for, in jiffies.
fn process_with_children(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let n = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    Some(n(11) + n(12) + n(13) + n(14))
}

/// CPU of every process in process group `pgid` (a managed service and the workers it
/// started), in jiffies, with the children each has waited for.
fn group_jiffies(pgid: u32) -> Option<u64> {
    let mut total = 0;
    let mut found = false;
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some(close) = text.rfind(')') else {
            continue;
        };
        let f: Vec<&str> = text[close + 2..].split_whitespace().collect();
        // Field 5 of stat is the process group; after the name it is the third.
        if f.get(2).and_then(|g| g.parse::<u32>().ok()) != Some(pgid) {
            continue;
        }
        found = true;
        let n = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
        total += n(11) + n(12) + n(13) + n(14);
    }
    found.then_some(total)
}

/// Readings at one instant, for the whole repetition's accounting.
#[derive(Clone, Copy)]
struct Reading {
    at: Instant,
    machine: Option<(u64, u64, u64)>,
    me: Option<u64>,
    service: Option<u64>,
}

impl Reading {
    fn now(service: Option<u32>) -> Self {
        Self {
            at: Instant::now(),
            machine: machine_split(),
            me: process_with_children(std::process::id()),
            service: service.and_then(group_jiffies),
        }
    }
}

/// Where the machine's CPU went during one repetition.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CpuShare {
    /// Cores busy with everything but benchbot and the managed service.
    pub others_cores: f64,
    /// Percent of all CPU time the hypervisor took.
    pub steal_pct: f64,
    /// Cores benchbot used, with the commands it ran.
    pub generator_cores: f64,
    /// Cores the managed service's process group used.
    pub service_cores: f64,
}

#[expect(clippy::cast_precision_loss, reason = "jiffy deltas are small")]
fn share(a: &Reading, b: &Reading, ticks: f64) -> Option<CpuShare> {
    let ((b0, s0, t0), (b1, s1, t1)) = (a.machine?, b.machine?);
    let secs = b.at.duration_since(a.at).as_secs_f64();
    if t1 <= t0 || secs <= 0.0 {
        return None;
    }
    let cores_of = |j: u64| j as f64 / ticks / secs;
    let machine_cores = cores_of(b1.saturating_sub(b0));
    let generator = match (a.me, b.me) {
        (Some(x), Some(y)) => cores_of(y.saturating_sub(x)),
        _ => 0.0,
    };
    let service = match (a.service, b.service) {
        (Some(x), Some(y)) => cores_of(y.saturating_sub(x)),
        _ => 0.0,
    };
    Some(CpuShare {
        others_cores: (machine_cores - generator - service).max(0.0),
        steal_pct: (s1.saturating_sub(s0)) as f64 / (t1 - t0) as f64 * 100.0,
        generator_cores: generator,
        service_cores: service,
    })
}

/// utime + stime of a process, in jiffies.
fn process_jiffies(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may contain spaces: fields start after the last ')'.
    let rest = &text[text.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn process_rss(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = text.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let page = u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
    Some(pages * page)
}

fn mem_used() -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            * 1024
    };
    field("MemTotal:").saturating_sub(field("MemAvailable:"))
}

fn load1() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0.0)
}

struct Prev {
    at: Instant,
    machine: Option<(u64, u64)>,
    me: Option<u64>,
    service: Option<u64>,
}

fn take(
    repetition: u32,
    start: Instant,
    prev: &mut Prev,
    service: Option<u32>,
    ticks: f64,
) -> Sample {
    let now = Instant::now();
    let secs = now.duration_since(prev.at).as_secs_f64().max(1e-3);
    let machine = machine_jiffies();
    let me = process_jiffies(std::process::id());
    let svc = service.and_then(process_jiffies);
    #[expect(clippy::cast_precision_loss, reason = "jiffy deltas are small")]
    let pct = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) => (b.saturating_sub(a)) as f64 / ticks / secs * 100.0,
        _ => 0.0,
    };
    #[expect(clippy::cast_precision_loss, reason = "jiffy deltas are small")]
    let cpu_pct = match (prev.machine, machine) {
        (Some((b0, t0)), Some((b1, t1))) if t1 > t0 => (b1 - b0) as f64 / (t1 - t0) as f64 * 100.0,
        _ => 0.0,
    };
    let sample = Sample {
        repetition,
        t_ms: u64::try_from(now.duration_since(start).as_millis()).unwrap_or(u64::MAX),
        cpu_pct,
        mem_used_bytes: mem_used(),
        load1: load1(),
        temperature_c: cpu_temperature(Path::new("/")),
        generator_cpu_pct: pct(prev.me, me),
        generator_rss_bytes: process_rss(std::process::id()),
        service_cpu_pct: service.map(|_| pct(prev.service, svc)),
        service_rss_bytes: service.and_then(process_rss),
    };
    *prev = Prev {
        at: now,
        machine,
        me,
        service: svc,
    };
    sample
}

/// Samples on a thread until stopped.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Vec<Sample>>>,
    service: Option<u32>,
    first: Reading,
}

impl Sampler {
    /// Starts sampling every `interval` for repetition `repetition`; `service` is the managed
    /// service's pid, if any.
    #[must_use]
    pub fn start(repetition: u32, interval: Duration, service: Option<u32>) -> Self {
        let first = Reading::now(service);
        let stop = Arc::new(AtomicBool::new(false));
        let s = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("benchbot-sampler".into())
            .spawn(move || {
                let ticks = clock_ticks();
                let start = Instant::now();
                let mut prev = Prev {
                    at: start,
                    machine: machine_jiffies(),
                    me: process_jiffies(std::process::id()),
                    service: service.and_then(process_jiffies),
                };
                let mut out = Vec::new();
                let mut next = start + interval;
                while !s.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(20));
                    if Instant::now() >= next {
                        out.push(take(repetition, start, &mut prev, service, ticks));
                        next += interval;
                    }
                }
                // A last sample covers the tail (and short repetitions).
                out.push(take(repetition, start, &mut prev, service, ticks));
                out
            })
            .ok();
        Self {
            stop,
            thread,
            service,
            first,
        }
    }

    /// Stops and returns the samples.
    #[must_use]
    pub fn finish(self) -> Vec<Sample> {
        self.finish_with_share().0
    }

    /// Stops; returns the samples and where the CPU went over the whole repetition.
    #[must_use]
    pub fn finish_with_share(mut self) -> (Vec<Sample>, Option<CpuShare>) {
        let last = Reading::now(self.service);
        self.stop.store(true, Ordering::Relaxed);
        let samples = self
            .thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default();
        (samples, share(&self.first, &last, clock_ticks()))
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt as _;

    #[test]
    fn measures_a_busy_generator() {
        let sampler = Sampler::start(1, Duration::from_millis(100), Some(std::process::id()));
        let until = Instant::now() + Duration::from_millis(350);
        let mut x = 0u64;
        while Instant::now() < until {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let samples = sampler.finish();
        assert!(samples.len() >= 3, "{samples:?}");
        let busiest = samples
            .iter()
            .map(|s| s.generator_cpu_pct)
            .fold(0.0, f64::max);
        assert!(
            busiest > 50.0,
            "a spinning thread shows as busy: {samples:?}"
        );
        assert!(samples
            .iter()
            .all(|s| s.mem_used_bytes > 0 && s.service_rss_bytes.is_some()));
    }

    #[test]
    fn a_process_outside_the_measurement_counts_as_others() {
        // A child in a process group of its own spins for 600 ms: it is neither benchbot
        // (not yet waited for) nor the service, so it shows as the machine's other load.
        let mut child = std::process::Command::new("sh")
            .args(["-c", "end=$(( $(date +%s%N) + 600000000 )); while [ $(date +%s%N) -lt $end ]; do :; done"])
            .process_group(0)
            .spawn()
            .unwrap();
        let sampler = Sampler::start(1, Duration::from_secs(60), None);
        std::thread::sleep(Duration::from_millis(500));
        let (_, share) = sampler.finish_with_share();
        let _ = child.wait();
        let share = share.unwrap();
        assert!(share.others_cores > 0.5, "{share:?}");
    }
}
