//! One measured (or warmup) phase: workers, timing and recording.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hdrhistogram::Histogram;
use tokio::time::Instant;

use super::cancel::Cancel;
use super::timer::PreciseTimer;
use crate::driver::{Driver, ErrorKind, OpError, Rendered, Reply};
use crate::scenario::{LoadMode, LoadPlan, Scenario, Stop, Stream};
use crate::util::new_histogram;

/// A send that starts more than this after its intended time counts as late.
pub const LATE_AFTER: Duration = Duration::from_millis(1);

/// One point of an operation's time series: what happened in one interval of a repetition.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntervalRec {
    pub ok: u64,
    pub errors: u64,
    pub late: u64,
    /// Latency percentiles of the interval's successful operations (0 when there were none).
    pub p50_ns: u64,
    pub p90_ns: u64,
    pub p99_ns: u64,
    pub max_ns: u64,
}

/// The interval being filled, and the points closed so far.
struct Series {
    width: Duration,
    start: Instant,
    index: u64,
    hist: Histogram<u64>,
    cur: IntervalRec,
    points: Vec<IntervalRec>,
}

impl Series {
    fn new(width: Duration, start: Instant) -> Self {
        Self {
            width,
            start,
            index: 0,
            hist: new_histogram(),
            cur: IntervalRec::default(),
            points: Vec::new(),
        }
    }

    /// Moves to the interval holding `at`, closing the ones before it.
    fn advance(&mut self, at: Instant) {
        let idx = u64::try_from(
            at.saturating_duration_since(self.start).as_nanos() / self.width.as_nanos().max(1),
        )
        .unwrap_or(u64::MAX);
        while self.index < idx {
            self.close();
        }
    }

    fn close(&mut self) {
        let mut p = std::mem::take(&mut self.cur);
        if !self.hist.is_empty() {
            p.p50_ns = self.hist.value_at_quantile(0.5);
            p.p90_ns = self.hist.value_at_quantile(0.9);
            p.p99_ns = self.hist.value_at_quantile(0.99);
            p.max_ns = self.hist.max();
        }
        self.hist.reset();
        self.points.push(p);
        self.index += 1;
    }

    /// The series up to `end` (the phase's end), the last interval closed.
    fn finish(mut self, end: Instant) -> Vec<IntervalRec> {
        self.advance(end);
        if self.cur != IntervalRec::default() || !self.hist.is_empty() {
            self.close();
        }
        self.points
    }
}

/// What one operation recorded during a phase. Fixed size whatever the run length (the time
/// series grows by one small point per interval).
pub struct OpRec {
    /// Closed loop: send → reply. Open loop: intended send → reply.
    pub latency: Histogram<u64>,
    /// Open loop only: actual send → reply.
    pub service: Histogram<u64>,
    pub ok: u64,
    pub sent: u64,
    /// Open loop: sends that started more than [`LATE_AFTER`] after their intended time.
    pub late: u64,
    pub errors: BTreeMap<ErrorKind, u64>,
    pub samples: BTreeMap<ErrorKind, String>,
    /// Searches: sums of recall@k and precision over the `judged` successful operations.
    pub recall_sum: f64,
    pub precision_sum: f64,
    pub judged: u64,
    series: Series,
    /// The closed time series (after the phase).
    pub intervals: Vec<IntervalRec>,
}

impl OpRec {
    fn new(width: Duration, start: Instant) -> Self {
        Self {
            latency: new_histogram(),
            service: new_histogram(),
            ok: 0,
            sent: 0,
            late: 0,
            errors: BTreeMap::new(),
            samples: BTreeMap::new(),
            recall_sum: 0.0,
            precision_sum: 0.0,
            judged: 0,
            series: Series::new(width, start),
            intervals: Vec::new(),
        }
    }

    fn record(
        &mut self,
        result: Result<Reply, OpError>,
        latency: Duration,
        service: Duration,
        done: Instant,
    ) {
        self.sent += 1;
        self.series.advance(done);
        if latency.saturating_sub(service) > LATE_AFTER {
            self.late += 1;
            self.series.cur.late += 1;
        }
        match result {
            Ok(_) => {
                self.ok += 1;
                self.latency.saturating_record(nanos(latency));
                self.service.saturating_record(nanos(service));
                self.series.cur.ok += 1;
                self.series.hist.saturating_record(nanos(latency));
            }
            Err(e) => {
                *self.errors.entry(e.kind).or_default() += 1;
                self.samples.entry(e.kind).or_insert(e.detail);
                self.series.cur.errors += 1;
            }
        }
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1)
}

/// The outcome of a phase.
pub struct PhaseResult {
    pub ops: Vec<OpRec>,
    pub elapsed: Duration,
    /// Open loop: operations the schedule planned before the end that were never sent (the
    /// target, or the generator, could not keep up).
    pub unsent: u64,
}

struct Shared {
    next: AtomicU64,
    recs: Vec<Mutex<OpRec>>,
}

/// Everything a phase needs besides the driver.
pub struct PhaseSpec<'a> {
    pub stream: Stream,
    pub stop: Stop,
    pub load: &'a LoadPlan,
    /// Operations completed so far, for progress display.
    pub progress: Arc<AtomicU64>,
    pub cancel: Cancel,
    /// How open-loop sends wait for their due time.
    pub clock: Clock,
    /// The live metrics the workers update (`--metrics-addr`).
    pub live: Option<Arc<super::LivePhase>>,
}

/// How open-loop sends wait for their due time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    /// The precise timer thread (wall clock): what measurements use.
    #[default]
    Precise,
    /// tokio's timer, which follows paused (virtual) time: for tests of the timing logic.
    Tokio,
}

/// Runs `concurrency` workers until the phase's stop condition, recording each operation.
pub async fn run_phase<D: Driver>(
    driver: &Arc<D>,
    scenario: &Arc<Scenario>,
    spec: &PhaseSpec<'_>,
) -> PhaseResult {
    let start = Instant::now();
    let shared = Arc::new(Shared {
        next: AtomicU64::new(0),
        recs: scenario
            .ops
            .iter()
            .map(|_| Mutex::new(OpRec::new(spec.load.interval, start)))
            .collect(),
    });
    let schedule = super::schedule::Schedule::of(spec.load).map(Arc::new);
    let timer = (spec.load.mode == LoadMode::Open && spec.clock == Clock::Precise)
        .then(|| Arc::new(PreciseTimer::start()));
    let mut workers = tokio::task::JoinSet::new();
    let shard = spec.load.shard;
    // A shard runs its share of the virtual users (at least one), numbered globally.
    let vus = shard.map_or(u64::from(spec.load.concurrency), |s| {
        s.share(u64::from(spec.load.concurrency)).max(1)
    });
    for vu in 0..vus {
        let worker = Worker {
            vu: shard.map_or(vu, |s| s.global(vu)),
            shard,
            driver: Arc::clone(driver),
            scenario: Arc::clone(scenario),
            shared: Arc::clone(&shared),
            progress: Arc::clone(&spec.progress),
            cancel: spec.cancel.clone(),
            stream: spec.stream,
            stop: spec.stop,
            open: spec.load.mode == LoadMode::Open,
            schedule: schedule.clone(),
            start,
            timer: timer.clone(),
            live: spec.live.clone(),
        };
        workers.spawn(worker.run());
    }
    while workers.join_next().await.is_some() {}
    let end = Instant::now();
    let elapsed = end.duration_since(start);
    let shared = Arc::try_unwrap(shared).unwrap_or_else(|_| unreachable!("all workers joined"));
    let ops: Vec<OpRec> = shared
        .recs
        .into_iter()
        .map(|m| {
            let mut r = m.into_inner().unwrap_or_else(PoisonError::into_inner);
            let series = std::mem::replace(&mut r.series, Series::new(Duration::from_secs(1), end));
            r.intervals = series.finish(end);
            r
        })
        .collect();
    // Open loop: what the schedule planned before the end, less what was sent.
    let unsent = match (spec.load.mode, schedule.as_deref(), spec.stop) {
        (LoadMode::Open, Some(s), Stop::Duration(_)) => {
            let planned = s.planned().unwrap_or(0);
            shard
                .map_or(planned, |k| k.share(planned))
                .saturating_sub(ops.iter().map(|o| o.sent).sum())
        }
        _ => 0,
    };
    PhaseResult {
        ops,
        elapsed,
        unsent,
    }
}

/// One worker: takes the next operation index, waits until it is due (open loop), executes it
/// on its own connection and records it, until the phase ends.
struct Worker<D> {
    /// Which virtual user this is (its `first` operations draw from their own stream).
    vu: u64,
    /// The shard this process generates: operation indices are mapped to the global sequence.
    shard: Option<crate::scenario::Shard>,
    driver: Arc<D>,
    scenario: Arc<Scenario>,
    shared: Arc<Shared>,
    progress: Arc<AtomicU64>,
    cancel: Cancel,
    stream: Stream,
    stop: Stop,
    open: bool,
    /// Open loop: when each operation is due; closed loop with stages: the active workers.
    schedule: Option<Arc<super::schedule::Schedule>>,
    start: Instant,
    timer: Option<Arc<PreciseTimer>>,
    live: Option<Arc<super::LivePhase>>,
}

impl<D: Driver> Worker<D> {
    async fn run(self) {
        let mut conn = self.driver.conn();
        // The virtual user's `first` operations (a login), once, before its share of the mix.
        for op in self.scenario.first_ops() {
            let op = self.scenario.render_first(op, self.vu);
            let prepared = self.driver.prepare(&mut conn).await;
            let sent = Instant::now();
            let result = if let Err(e) = prepared {
                Err(e)
            } else {
                tokio::select! {
                    biased;
                    () = self.cancel.cancelled() => return,
                    r = self.driver.execute(&mut conn, &op) => r,
                }
            };
            let done = Instant::now();
            let took = done.duration_since(sent);
            self.live(op.op, &result, took, took);
            self.rec(op.op).record(result, took, took, done);
            self.progress.fetch_add(1, Ordering::Relaxed);
        }
        while !self.cancel.is_cancelled() {
            if !self.open && !self.wait_until_active().await {
                break;
            }
            let j = self.shared.next.fetch_add(1, Ordering::Relaxed);
            let i = self.shard.map_or(j, |s| s.global(j));
            let intended = if self.open {
                match self.schedule.as_ref().map(|s| s.due(i)) {
                    Some(Some(due)) => Some(self.start + due),
                    // Past the profile's last operation.
                    Some(None) => break,
                    None => None,
                }
            } else {
                None
            };
            let past_end = match self.stop {
                Stop::Operations(n) => i >= n,
                // `duration` is a hard bound: a loop that fell behind stops at the end too,
                // leaving the operations still planned unsent (and counted as such).
                Stop::Duration(d) => {
                    let end = self.start + d;
                    intended.is_some_and(|at| at >= end) || Instant::now() >= end
                }
            };
            if past_end {
                break;
            }
            let op = self.scenario.render(self.stream, i);
            if let Err(e) = self.driver.prepare(&mut conn).await {
                let failed = Err(e);
                self.live(op.op, &failed, Duration::ZERO, Duration::ZERO);
                self.rec(op.op)
                    .record(failed, Duration::ZERO, Duration::ZERO, Instant::now());
                continue;
            }
            if let Some(at) = intended {
                let wait = async {
                    match &self.timer {
                        Some(t) => t.sleep_until(at.into_std()).await,
                        None => tokio::time::sleep_until(at).await,
                    }
                };
                tokio::select! {
                    biased;
                    () = self.cancel.cancelled() => break,
                    () = wait => {}
                }
            }
            let sent = Instant::now();
            if let Some(l) = &self.live {
                l.target.in_flight(1);
            }
            // A signal interrupts even a slow operation: it is not recorded.
            let result = tokio::select! {
                biased;
                () = self.cancel.cancelled() => break,
                r = self.driver.execute(&mut conn, &op) => r,
            };
            let done = Instant::now();
            if let Some(l) = &self.live {
                l.target.in_flight(-1);
            }
            let service = done.duration_since(sent);
            let latency = intended.map_or(service, |at| done.duration_since(at));
            let result = verify(&self.scenario, &op, result);
            self.live(op.op, &result, latency, service);
            let judged = score_search(&self.scenario, &op, &result);
            let mut rec = self.rec(op.op);
            if let Some((recall, precision)) = judged {
                rec.recall_sum += recall;
                rec.precision_sum += precision;
                rec.judged += 1;
            }
            rec.record(result, latency, service, done);
            drop(rec);
            self.progress.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts a completed operation in the live metrics, if they are on.
    fn live(
        &self,
        op: usize,
        result: &Result<Reply, OpError>,
        latency: Duration,
        service: Duration,
    ) {
        if let Some(l) = &self.live {
            l.ops[op].record(
                result.as_ref().err().map(|e| e.kind),
                latency,
                latency.saturating_sub(service) > LATE_AFTER,
            );
        }
    }

    /// Closed loop with stages: waits while this virtual user is beyond the stage's
    /// concurrency; `false` when the profile (or the run) is over.
    async fn wait_until_active(&self) -> bool {
        let Some(s) = &self.schedule else {
            return true;
        };
        loop {
            let Some((workers, left)) = s.workers_at(self.start.elapsed()) else {
                return false;
            };
            if self.vu < u64::from(workers) {
                return true;
            }
            tokio::select! {
                biased;
                () = self.cancel.cancelled() => return false,
                () = tokio::time::sleep(left + Duration::from_millis(1)) => {}
            }
        }
    }

    fn rec(&self, op: usize) -> std::sync::MutexGuard<'_, OpRec> {
        self.shared.recs[op]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// A verified traversal whose answer differs from the graph's becomes a `driver` error.
fn verify(
    scenario: &Scenario,
    op: &Rendered<'_>,
    result: Result<Reply, OpError>,
) -> Result<Reply, OpError> {
    use crate::scenario::model::Verify;
    let (Some(how), Ok(reply)) = (scenario.ops[op.op].verify, &result) else {
        return result;
    };
    let (Some(graph), Some(node)) = (
        scenario.dataset.as_ref().and_then(|d| d.graph.as_ref()),
        op.node,
    ) else {
        return result;
    };
    let got = reply.ids.as_deref().unwrap_or_default();
    let wrong = match how {
        Verify::OutNeighbours => {
            let mut want = graph.out_neighbours(node);
            let mut got = got.to_vec();
            want.sort_unstable();
            got.sort_unstable();
            (got != want).then(|| {
                format!(
                    "wrong answer from node {node}: {} out-neighbours returned, {} expected",
                    got.len(),
                    want.len()
                )
            })
        }
        Verify::TwoHopCount => {
            let want = graph.two_hop_count(node);
            (got != [want]).then(|| {
                format!("wrong answer from node {node}: two-hop count {got:?}, expected {want}")
            })
        }
    };
    match wrong {
        Some(m) => Err(OpError::new(ErrorKind::Driver, m)),
        None => result,
    }
}

/// Recall@k and precision of a successful search against the ground truth.
fn score_search(
    scenario: &Scenario,
    op: &Rendered<'_>,
    result: &Result<Reply, OpError>,
) -> Option<(f64, f64)> {
    let k = scenario.ops[op.op].recall?;
    let truth = scenario.dataset.as_ref()?.truth()?;
    let ids = result.as_ref().ok()?.ids.as_ref()?;
    Some(crate::dataset::recall_precision(
        ids,
        truth.of(op.query? as usize),
        k,
    ))
}
