//! Live metrics while a run goes on (`--metrics-addr`): counters, gauges and a latency
//! histogram per target and operation, updated by the workers with relaxed atomics and read by
//! the metrics endpoint in the Prometheus text exposition format.
//!
//! The counters only grow for the whole process (warmups and every repetition included), as
//! Prometheus expects; `benchbot_phase_info` says what is running. Achieved rates are
//! `rate(benchbot_requests_total[…])` on the Prometheus side.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::driver::ErrorKind;

/// Upper bounds of the latency buckets, seconds (100 µs to 60 s).
pub const BUCKETS: [f64; 18] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0, 30.0, 60.0,
];

const KINDS: [ErrorKind; 11] = [
    ErrorKind::Connect,
    ErrorKind::Timeout,
    ErrorKind::Http4xx,
    ErrorKind::Http5xx,
    ErrorKind::HttpStatus,
    ErrorKind::Io,
    ErrorKind::ExitStatus,
    ErrorKind::Spawn,
    ErrorKind::Driver,
    ErrorKind::Check,
    ErrorKind::Capture,
];

/// One operation of one target: what its requests did so far.
pub struct LiveOp {
    scenario: String,
    target: String,
    operation: String,
    requests: AtomicU64,
    late: AtomicU64,
    errors: [AtomicU64; KINDS.len()],
    /// Successful operations by latency bucket (not cumulative; `+Inf` last).
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_ns: AtomicU64,
}

impl LiveOp {
    /// One completed operation: its outcome, latency (from the intended start) and whether
    /// it was sent late.
    pub fn record(&self, error: Option<ErrorKind>, latency: Duration, late: bool) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if late {
            self.late.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(kind) = error {
            let i = KINDS.iter().position(|k| *k == kind).unwrap_or(0);
            self.errors[i].fetch_add(1, Ordering::Relaxed);
            return;
        }
        let secs = latency.as_secs_f64();
        let b = BUCKETS
            .iter()
            .position(|&le| secs <= le)
            .unwrap_or(BUCKETS.len());
        self.buckets[b].fetch_add(1, Ordering::Relaxed);
        self.sum_ns.fetch_add(
            u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }
}

/// One target: what is in flight and what the schedule intends now.
pub struct LiveTarget {
    scenario: String,
    target: String,
    in_flight: AtomicI64,
    phase: Mutex<Option<Phase>>,
}

struct Phase {
    name: String,
    /// Open loop: the schedule, when it started, and this process' share of it.
    intended: Option<(Arc<super::schedule::Schedule>, Instant, f64)>,
}

impl LiveTarget {
    /// An operation is sent (`+1`) or has completed (`-1`).
    pub fn in_flight(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }
}

/// Everything the endpoint shows.
#[derive(Default)]
pub struct Live {
    ops: Mutex<Vec<Arc<LiveOp>>>,
    targets: Mutex<Vec<Arc<LiveTarget>>>,
}

/// What a phase's workers update.
pub struct LivePhase {
    pub target: Arc<LiveTarget>,
    /// By the scenario's operation index.
    pub ops: Vec<Arc<LiveOp>>,
}

impl Live {
    /// A phase of `target` begins: its operations' counters (created once, kept across
    /// phases so they only grow) and the phase shown as running.
    pub fn phase(
        &self,
        scenario: &str,
        target: &str,
        operations: &[&str],
        name: String,
        intended: Option<(Arc<super::schedule::Schedule>, Instant, f64)>,
    ) -> LivePhase {
        let t = {
            let mut targets = self.targets.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(t) = targets
                .iter()
                .find(|t| t.scenario == scenario && t.target == target)
            {
                Arc::clone(t)
            } else {
                let t = Arc::new(LiveTarget {
                    scenario: scenario.to_owned(),
                    target: target.to_owned(),
                    in_flight: AtomicI64::new(0),
                    phase: Mutex::new(None),
                });
                targets.push(Arc::clone(&t));
                t
            }
        };
        *t.phase.lock().unwrap_or_else(PoisonError::into_inner) = Some(Phase { name, intended });
        let mut all = self.ops.lock().unwrap_or_else(PoisonError::into_inner);
        let ops = operations
            .iter()
            .map(|&op| {
                if let Some(o) = all
                    .iter()
                    .find(|o| o.scenario == scenario && o.target == target && o.operation == op)
                {
                    return Arc::clone(o);
                }
                let o = Arc::new(LiveOp {
                    scenario: scenario.to_owned(),
                    target: target.to_owned(),
                    operation: op.to_owned(),
                    requests: AtomicU64::new(0),
                    late: AtomicU64::new(0),
                    errors: std::array::from_fn(|_| AtomicU64::new(0)),
                    buckets: std::array::from_fn(|_| AtomicU64::new(0)),
                    sum_ns: AtomicU64::new(0),
                });
                all.push(Arc::clone(&o));
                o
            })
            .collect();
        LivePhase { target: t, ops }
    }

    /// A phase of this target has ended: nothing is shown as running.
    pub fn phase_ended(&self, phase: &LivePhase) {
        *phase
            .target
            .phase
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// The Prometheus text exposition (format 0.0.4).
    #[must_use]
    pub fn render(&self) -> String {
        let mut o = String::with_capacity(4096);
        o.push_str(
            "# HELP benchbot_up 1 while benchbot runs.\n# TYPE benchbot_up gauge\nbenchbot_up 1\n",
        );
        let targets: Vec<Arc<LiveTarget>> = self
            .targets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let ops: Vec<Arc<LiveOp>> = self
            .ops
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        render_targets(&mut o, &targets);
        render_ops(&mut o, &ops);
        o
    }
}

/// The labels of a target.
fn tl(t: &LiveTarget) -> String {
    format!(
        "scenario=\"{}\",target=\"{}\"",
        label(&t.scenario),
        label(&t.target)
    )
}

/// The labels of an operation.
fn ol(x: &LiveOp) -> String {
    format!(
        "scenario=\"{}\",target=\"{}\",operation=\"{}\"",
        label(&x.scenario),
        label(&x.target),
        label(&x.operation)
    )
}

/// Phase, in-flight and intended-rate gauges, per target.
fn render_targets(o: &mut String, targets: &[Arc<LiveTarget>]) {
    head(
        o,
        "benchbot_phase_info",
        "gauge",
        "The phase running now (1), per target.",
    );
    for t in targets {
        if let Some(p) = t
            .phase
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            let _ = writeln!(
                o,
                "benchbot_phase_info{{{},phase=\"{}\"}} 1",
                tl(t),
                label(&p.name)
            );
        }
    }
    head(
        o,
        "benchbot_in_flight",
        "gauge",
        "Operations sent and not yet completed.",
    );
    for t in targets {
        let _ = writeln!(
            o,
            "benchbot_in_flight{{{}}} {}",
            tl(t),
            t.in_flight.load(Ordering::Relaxed).max(0)
        );
    }
    head(
        o,
        "benchbot_intended_rate",
        "gauge",
        "Open loop: the operations per second the schedule intends now.",
    );
    for t in targets {
        if let Some(Phase {
            intended: Some((s, start, share)),
            ..
        }) = t
            .phase
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            let _ = writeln!(
                o,
                "benchbot_intended_rate{{{}}} {}",
                tl(t),
                s.rate_at(start.elapsed()) * share
            );
        }
    }
}

/// One counter, a sample per operation.
fn counter(
    o: &mut String,
    (name, help): (&str, &str),
    ops: &[Arc<LiveOp>],
    value: impl Fn(&LiveOp) -> &AtomicU64,
) {
    head(o, name, "counter", help);
    for x in ops {
        let _ = writeln!(
            o,
            "{name}{{{}}} {}",
            ol(x),
            value(x).load(Ordering::Relaxed)
        );
    }
}

/// Counters and the latency histogram, per operation.
fn render_ops(o: &mut String, ops: &[Arc<LiveOp>]) {
    counter(
        o,
        (
            "benchbot_requests_total",
            "Completed operations, failed ones included.",
        ),
        ops,
        |x| &x.requests,
    );
    head(
        o,
        "benchbot_errors_total",
        "counter",
        "Failed operations, by kind.",
    );
    for x in ops {
        for (k, n) in KINDS.iter().zip(&x.errors) {
            let n = n.load(Ordering::Relaxed);
            if n > 0 {
                let _ = writeln!(
                    o,
                    "benchbot_errors_total{{{},kind=\"{}\"}} {n}",
                    ol(x),
                    k.as_str()
                );
            }
        }
    }
    counter(
        o,
        (
            "benchbot_late_sends_total",
            "Open loop: sends more than 1 ms after their intended time.",
        ),
        ops,
        |x| &x.late,
    );
    head(
        o,
        "benchbot_latency_seconds",
        "histogram",
        "Latency of successful operations, from their intended start (coordinated omission included).",
    );
    for x in ops {
        let l = ol(x);
        let mut cumulative = 0u64;
        for (i, b) in x.buckets.iter().enumerate() {
            cumulative += b.load(Ordering::Relaxed);
            let le = BUCKETS
                .get(i)
                .map_or_else(|| "+Inf".to_owned(), |v| format!("{v}"));
            let _ = writeln!(
                o,
                "benchbot_latency_seconds_bucket{{{l},le=\"{le}\"}} {cumulative}"
            );
        }
        #[expect(
            clippy::cast_precision_loss,
            reason = "a sum of nanoseconds, shown in seconds"
        )]
        let sum = x.sum_ns.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(o, "benchbot_latency_seconds_sum{{{l}}} {sum}");
        let _ = writeln!(o, "benchbot_latency_seconds_count{{{l}}} {cumulative}");
    }
}

fn head(o: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(o, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A label value as the exposition format wants it: `\`, `"` and line feeds escaped; other
/// control characters replaced.
fn label(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '"' => o.push_str("\\\""),
            '\n' => o.push_str("\\n"),
            c if c.is_control() => o.push('\u{fffd}'),
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_buckets_and_escaped_labels() {
        let live = Live::default();
        let p = live.phase("s", "t\"x\n", &["get", "put"], "rep 1/2".into(), None);
        p.target.in_flight(1);
        p.ops[0].record(None, Duration::from_micros(700), false);
        p.ops[0].record(None, Duration::from_millis(3), true);
        p.ops[0].record(Some(ErrorKind::Timeout), Duration::from_secs(5), false);
        p.ops[0].record(None, Duration::from_secs(120), false);
        let text = live.render();
        let l = "scenario=\"s\",target=\"t\\\"x\\n\",operation=\"get\"";
        for line in [
            format!("benchbot_requests_total{{{l}}} 4"),
            format!("benchbot_errors_total{{{l},kind=\"timeout\"}} 1"),
            format!("benchbot_late_sends_total{{{l}}} 1"),
            format!("benchbot_latency_seconds_bucket{{{l},le=\"0.0005\"}} 0"),
            format!("benchbot_latency_seconds_bucket{{{l},le=\"0.001\"}} 1"),
            format!("benchbot_latency_seconds_bucket{{{l},le=\"0.005\"}} 2"),
            format!("benchbot_latency_seconds_bucket{{{l},le=\"60\"}} 2"),
            format!("benchbot_latency_seconds_bucket{{{l},le=\"+Inf\"}} 3"),
            format!("benchbot_latency_seconds_count{{{l}}} 3"),
            "benchbot_in_flight{scenario=\"s\",target=\"t\\\"x\\n\"} 1".to_owned(),
            "benchbot_phase_info{scenario=\"s\",target=\"t\\\"x\\n\",phase=\"rep 1/2\"} 1"
                .to_owned(),
        ] {
            assert!(text.lines().any(|x| x == line), "{line} in\n{text}");
        }
        // The same operation in the next phase: the same counters, still growing.
        live.phase_ended(&p);
        let q = live.phase("s", "t\"x\n", &["get"], "rep 2/2".into(), None);
        q.ops[0].record(None, Duration::from_millis(1), false);
        let text = live.render();
        assert!(
            text.contains(&format!("benchbot_requests_total{{{l}}} 5")),
            "{text}"
        );
        assert!(!text.contains("rep 1/2"), "{text}");
    }
}
