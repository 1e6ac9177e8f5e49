//! The engine's timing logic under virtual time: a fake driver whose operations take scripted
//! durations, tokio's clock paused, so every count and latency is exact whatever the machine
//! is doing.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use benchbot::driver::{Driver, OpError, Rendered, Reply};
use benchbot::engine::{run_phase, Cancel, Clock, PhaseResult, PhaseSpec};
use benchbot::scenario::{Scenario, Shard, Stream};

/// Operation `i` (in the order operations start) takes `script(i)`.
struct Fake {
    started: AtomicU64,
    script: fn(u64) -> Duration,
}

impl Driver for Fake {
    type Conn = ();
    fn conn(&self) {}
    async fn execute(&self, (): &mut (), _op: &Rendered<'_>) -> Result<Reply, OpError> {
        let i = self.started.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep((self.script)(i)).await;
        Ok(Reply::default())
    }
}

fn scenario(load: &str) -> Arc<Scenario> {
    let text = format!(
        "[scenario]\nname = \"v\"\nkind = \"internal\"\n\n[[target]]\nname = \"fake\"\nrole = \"ours\"\n[target.command]\nargv = [\"true\"]\n\n[load]\n{load}\n"
    );
    Arc::new(Scenario::from_source(Path::new("virtual.toml"), &text).unwrap())
}

async fn phase(scenario: &Arc<Scenario>, script: fn(u64) -> Duration) -> PhaseResult {
    let driver = Arc::new(Fake {
        started: AtomicU64::new(0),
        script,
    });
    let spec = PhaseSpec {
        stream: Stream::Measured,
        stop: scenario.load.stop,
        load: &scenario.load,
        progress: Arc::new(AtomicU64::new(0)),
        cancel: Cancel::new(),
        clock: Clock::Tokio,
        live: None,
    };
    run_phase(&driver, scenario, &spec).await
}

const MS: u64 = 1_000_000;

#[tokio::test(start_paused = true)]
async fn closed_loop_completes_exactly_what_the_service_time_allows() {
    // 2 workers, 10 ms per operation, 1 s: 100 operations each, every one 10 ms.
    let s = scenario("concurrency = 2\nduration = \"1s\"");
    let r = phase(&s, |_| Duration::from_millis(10)).await;
    let op = &r.ops[0];
    assert_eq!(op.ok, 200);
    assert_eq!(op.late, 0);
    // HdrHistogram at 3 significant figures: equal within 0.1%.
    assert!(op.latency.min().abs_diff(10 * MS) <= 10 * MS / 1000);
    assert!(op.latency.max().abs_diff(10 * MS) <= 10 * MS / 1000);
    assert_eq!(r.elapsed, Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn open_loop_latency_includes_the_queueing_a_stall_causes() {
    // 100/s for 1 s with one connection; operation 10 stalls for 200 ms, every other takes 1 ms.
    // The 20 operations due during the stall wait behind it: measured from their intended start
    // they are slow (coordinated omission corrected), their service time is not.
    let s = scenario("mode = \"open\"\nrate = 100\nconcurrency = 1\nduration = \"1s\"");
    let r = phase(&s, |i| Duration::from_millis(if i == 10 { 200 } else { 1 })).await;
    let op = &r.ops[0];
    assert_eq!(op.sent, 100, "every planned send, none dropped");
    assert_eq!(op.ok, 100);
    // Operation k > 10 is due at 10k ms and sent at 300 + (k − 11) ms, once the backlog before
    // it cleared at 1 ms each: more than 1 ms late for k = 11..=31.
    assert_eq!(op.late, 21);
    let corrected_max = op.latency.max();
    assert!(
        corrected_max.abs_diff(200 * MS) <= 200 * MS / 1000,
        "operation 10: due at 100 ms, done at 300 ms: {corrected_max}"
    );
    assert!(op.service.max().abs_diff(200 * MS) <= 200 * MS / 1000);
    assert!(
        op.service.value_at_quantile(0.9).abs_diff(MS) <= MS / 1000,
        "service time of the others stays 1 ms"
    );
    // Without correction the stall would hide in one sample; corrected, a fifth are slow.
    assert!(op.latency.value_at_quantile(0.85) > 50 * MS);
}

#[tokio::test(start_paused = true)]
async fn operations_budget_is_exact_under_concurrency() {
    let s = scenario("concurrency = 7\noperations = 1000");
    let r = phase(&s, |i| Duration::from_micros(100 + (i % 13) * 37)).await;
    assert_eq!(r.ops[0].ok, 1000);
    assert_eq!(r.ops[0].sent, 1000);
}

#[tokio::test(start_paused = true)]
async fn duration_is_a_hard_bound_and_unsent_sends_are_counted() {
    // 100/s for 10 s planned, but the target takes 1 s per request and only two are in flight:
    // it can serve 2/s. The run still ends at the duration (plus the requests in flight), and
    // says how many planned sends never went out.
    let s = scenario("mode = \"open\"\nrate = 100\nconcurrency = 2\nduration = \"10s\"");
    let r = phase(&s, |_| Duration::from_secs(1)).await;
    assert!(
        r.elapsed <= Duration::from_secs(11),
        "ended within duration + one request: {:?}",
        r.elapsed
    );
    let sent = r.ops[0].sent;
    assert!((18..=22).contains(&sent), "{sent}");
    assert_eq!(r.unsent, 1000 - sent);
}

#[tokio::test(start_paused = true)]
async fn a_ramp_sends_its_integral_and_the_series_follows_it() {
    // 0 → 200/s over 10 s: 1,000 operations, each interval's count the rate at its middle.
    let s = scenario(
        "mode = \"open\"\nconcurrency = 4\ninterval = \"1s\"\nstages = [{ duration = \"10s\", rate = 0, to = 200 }]",
    );
    let r = phase(&s, |_| Duration::from_millis(1)).await;
    let op = &r.ops[0];
    assert_eq!(op.sent, 1000);
    assert_eq!(r.unsent, 0);
    let counts: Vec<u64> = op.intervals.iter().map(|p| p.ok).collect();
    assert_eq!(counts.len(), 10, "{counts:?}");
    for (i, c) in counts.iter().enumerate() {
        // The rate at the interval's middle is 20·(i + ½)/s.
        let want = 20 * i as u64 + 10;
        assert!(
            c.abs_diff(want) <= 1,
            "interval {i}: {c} vs {want}: {counts:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_spike_between_plateaus_is_sent_on_time() {
    let s = scenario(
        "mode = \"open\"\nconcurrency = 16\ninterval = \"1s\"\nstages = [\n  { duration = \"4s\", rate = 100 },\n  { duration = \"2s\", rate = 400 },\n  { duration = \"4s\", rate = 100 },\n]",
    );
    let r = phase(&s, |_| Duration::from_millis(2)).await;
    let op = &r.ops[0];
    assert_eq!(op.sent, 400 + 800 + 400);
    assert_eq!(op.late, 0, "16 connections keep up with 400/s at 2 ms");
    let counts: Vec<u64> = op.intervals.iter().map(|p| p.ok).collect();
    // Counted when they complete: one operation may land across an interval's edge.
    let want = [100u64, 100, 100, 100, 400, 400, 100, 100, 100, 100];
    assert_eq!(counts.len(), want.len(), "{counts:?}");
    for (c, w) in counts.iter().zip(want) {
        assert!(c.abs_diff(w) <= 1, "{counts:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn closed_stages_change_the_workers() {
    // 1 worker for 2 s, then 4 for 2 s, 100 ms per operation: 10/s, then 40/s.
    let s = scenario(
        "interval = \"1s\"\nstages = [{ duration = \"2s\", concurrency = 1 }, { duration = \"2s\", concurrency = 4 }]",
    );
    let r = phase(&s, |_| Duration::from_millis(100)).await;
    let counts: Vec<u64> = r.ops[0].intervals.iter().map(|p| p.ok).collect();
    // Counted when they complete (an operation ending on an interval's edge counts in the
    // next one, and the last ones started before the end complete just after it).
    assert_eq!(counts.iter().sum::<u64>(), 10 + 10 + 40 + 40, "{counts:?}");
    for (c, w) in counts.iter().zip([10u64, 10, 40, 40]) {
        assert!(c.abs_diff(w) <= 4, "{counts:?}");
    }
    assert!(
        counts[2] > 3 * counts[1],
        "four workers from the third second: {counts:?}"
    );
}

/// Records the global index each operation carries (`{{seq}}`) and when it was sent.
struct Recorder {
    sent: std::sync::Mutex<Vec<(u64, Duration)>>,
    start: tokio::time::Instant,
}

impl Driver for Recorder {
    type Conn = ();
    fn conn(&self) {}
    async fn execute(&self, (): &mut (), op: &Rendered<'_>) -> Result<Reply, OpError> {
        let i = op
            .values
            .iter()
            .find_map(|v| v.strip_prefix('/').and_then(|x| x.parse().ok()))
            .unwrap();
        self.sent.lock().unwrap().push((i, self.start.elapsed()));
        tokio::time::sleep(Duration::from_millis(1)).await;
        Ok(Reply::default())
    }
}

#[tokio::test(start_paused = true)]
async fn four_shards_send_exactly_the_unsharded_schedule_between_them() {
    let text = "[scenario]\nname = \"v\"\nkind = \"internal\"\n\n[[target]]\nname = \"fake\"\nrole = \"ours\"\n[target.http]\nbase-url = \"http://127.0.0.1:1\"\n\n[[operation]]\nname = \"get\"\n[operation.http]\npath = \"/{{seq}}\"\n\n[load]\nmode = \"open\"\nrate = 100\nconcurrency = 8\nduration = \"1s\"\n";
    let base = Scenario::from_source(Path::new("virtual.toml"), text).unwrap();
    let driver = Arc::new(Recorder {
        sent: std::sync::Mutex::new(Vec::new()),
        start: tokio::time::Instant::now(),
    });
    let shards: Vec<Arc<Scenario>> = (1..=4)
        .map(|k| {
            let mut s = base.clone();
            s.load.shard = Some(Shard::parse(&format!("{k}/4")).unwrap());
            Arc::new(s)
        })
        .collect();
    let run = |s: &Arc<Scenario>| {
        let (driver, s) = (Arc::clone(&driver), Arc::clone(s));
        async move {
            let spec = PhaseSpec {
                stream: Stream::Measured,
                stop: s.load.stop,
                load: &s.load,
                progress: Arc::new(AtomicU64::new(0)),
                cancel: Cancel::new(),
                clock: Clock::Tokio,
                live: None,
            };
            run_phase(&driver, &s, &spec).await
        }
    };
    let (a, b, c, d) = tokio::join!(
        run(&shards[0]),
        run(&shards[1]),
        run(&shards[2]),
        run(&shards[3])
    );
    let results = [a, b, c, d];
    for r in &results {
        assert_eq!(r.ops[0].sent, 25, "a quarter each");
        assert_eq!(r.unsent, 0);
    }
    let mut sent = driver.sent.lock().unwrap().clone();
    sent.sort_unstable();
    // Between them, operation i of the one sequence, each exactly once, at its due time i/100 s.
    assert_eq!(sent.len(), 100);
    for (k, (i, at)) in sent.iter().enumerate() {
        assert_eq!(*i, k as u64);
        assert_eq!(*at, Duration::from_millis(10 * k as u64), "operation {i}");
    }
}

#[test]
fn shards_parse_and_share_the_indices() {
    let s = Shard::parse("2/3").unwrap();
    assert_eq!((s.index, s.count), (1, 3));
    // Of 0..10, shard 2 of 3 has 1, 4, 7.
    assert_eq!(s.share(10), 3);
    assert_eq!((0..3).map(|j| s.global(j)).collect::<Vec<_>>(), [1, 4, 7]);
    assert_eq!(Shard::parse("3/3").unwrap().share(10), 3);
    assert_eq!(Shard::parse("1/3").unwrap().share(10), 4);
    assert_eq!(Shard::parse("3/3").unwrap().share(2), 0);
    for bad in ["0/4", "5/4", "1/0", "a/b", "3", "1/2000"] {
        assert!(Shard::parse(bad).is_err(), "{bad}");
    }
}
