//! Capacity under virtual time: a fake server of known capacity (4 workers, 10 ms each, so
//! 400 operations per second and no more; requests beyond that queue) swept and searched
//! through the engine's real open loop with tokio's clock paused, so every figure is exact
//! whatever the machine is doing. Queueing theory: below 400/s nothing waits (p99 = 10 ms);
//! above it the backlog grows by (rate − 400) per second, so throughput stays at 400/s.

use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use benchbot::driver::{Driver, OpError, Rendered, Reply};
use benchbot::engine::{run_phase, sweep_levels, Cancel, Clock, PhaseSpec};
use benchbot::record::{PointRep, PointTarget};
use benchbot::scenario::{Role, Scenario, Stream, SweepOver};
use benchbot::verdict::analyze;

/// `workers` requests at a time, each `service` long; the rest wait their turn.
struct Server {
    workers: tokio::sync::Semaphore,
    service: Duration,
}

impl Driver for Server {
    type Conn = ();
    fn conn(&self) {}
    async fn execute(&self, (): &mut (), _op: &Rendered<'_>) -> Result<Reply, OpError> {
        let _worker = self.workers.acquire().await.expect("never closed");
        tokio::time::sleep(self.service).await;
        Ok(Reply::default())
    }
}

fn scenario(sweep: &str) -> Arc<Scenario> {
    let text = format!(
        "[scenario]\nname = \"cap\"\nkind = \"internal\"\n\n[[target]]\nname = \"server\"\nrole = \"ours\"\n[target.command]\nargv = [\"true\"]\n\n[load]\nmode = \"open\"\nconcurrency = 256\nduration = \"2s\"\nrepetitions = 2\n\n[sweep]\n{sweep}\n\n[[thresholds.slo]]\nmetric = \"p99\"\nmax = \"50ms\"\n"
    );
    Arc::new(Scenario::from_source(Path::new("virtual.toml"), &text).unwrap())
}

/// The scenario at `level`: each repetition against a fresh server, as the engine measures.
async fn measure(s: &Arc<Scenario>, level: f64) -> Result<Option<Vec<PointTarget>>, String> {
    let over = s.load.sweep.as_ref().unwrap().over;
    let load = s.load.at_level(over, level);
    let mut reps = Vec::new();
    for _ in 0..load.repetitions {
        let server = Arc::new(Server {
            workers: tokio::sync::Semaphore::new(4),
            service: Duration::from_millis(10),
        });
        let spec = PhaseSpec {
            stream: Stream::Measured,
            stop: load.stop,
            load: &load,
            progress: Arc::new(AtomicU64::new(0)),
            cancel: Cancel::new(),
            clock: Clock::Tokio,
            live: None,
        };
        let r = run_phase(&server, s, &spec).await;
        let op = &r.ops[0];
        let secs = r.elapsed.as_secs_f64();
        #[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
        reps.push(PointRep {
            throughput: op.ok as f64 / secs,
            achieved_rate: op.sent as f64 / secs,
            p50_ns: op.latency.value_at_quantile(0.5),
            p99_ns: op.latency.value_at_quantile(0.99),
            error_rate: 0.0,
            unsent: r.unsent,
        });
    }
    Ok(Some(vec![PointTarget {
        name: "server".into(),
        role: Role::Ours,
        reps,
    }]))
}

#[tokio::test(start_paused = true)]
async fn a_rate_sweep_finds_the_saturation_and_the_range_queueing_theory_gives() {
    let s = scenario("over = \"rate\"\nvalues = [100, 200, 300, 400, 500, 600, 800]");
    assert_eq!(s.load.sweep.as_ref().unwrap().over, SweepOver::Rate);
    let out = sweep_levels(&s, async |level| measure(&s, level).await)
        .await
        .unwrap();
    let report = analyze(&out.record, &s.thresholds.slos);
    let t = &report.targets[0];
    let rows: Vec<(f64, f64, f64)> = t
        .rows
        .iter()
        .map(|r| (r.level, r.throughput, r.p99_ns / 1e6))
        .collect();
    // Below capacity, every request is served at once: the rate in, 10 ms each (tokio's
    // timer wheel rounds a sleep up to its next millisecond).
    for &(level, tput, p99) in rows.iter().filter(|r| r.0 < 400.0) {
        assert!((tput / level - 1.0).abs() < 0.02, "{rows:?}");
        assert!((10.0..12.0).contains(&p99), "{rows:?}");
    }
    // Above it, throughput stays at 400/s (within 2%) and the wait grows.
    for &(_, tput, p99) in rows.iter().filter(|r| r.0 > 400.0) {
        assert!((tput / 400.0 - 1.0).abs() < 0.02, "{rows:?}");
        assert!(p99 > 50.0, "{rows:?}");
    }
    // Saturation and the end of the operating range within ±10% of 400/s.
    let (sat_level, sat_tput) = t.saturation.unwrap();
    assert!((360.0..=440.0).contains(&sat_tput), "{t:?}");
    assert!((360.0..=440.0).contains(&sat_level), "{t:?}");
    let (lo, hi) = t.range.unwrap();
    assert!((lo - 100.0).abs() < 1e-9, "{t:?}");
    assert!((360.0..=440.0).contains(&hi), "{t:?}");
    assert!((360.0..=440.0).contains(&t.capacity.unwrap()), "{t:?}");
    let (_, knee_tput) = t.knee.unwrap();
    assert!((360.0..=440.0).contains(&knee_tput), "{t:?}");
}

#[tokio::test(start_paused = true)]
async fn the_search_brackets_the_highest_rate_within_the_objective() {
    let s = scenario("over = \"rate\"\nfrom = 100\nto = 1600\nsearch = true\nprecision = \"2%\"");
    let out = sweep_levels(&s, async |level| measure(&s, level).await)
        .await
        .unwrap();
    assert!(out.record.search);
    let levels: Vec<f64> = out.record.points.iter().map(|p| p.level).collect();
    // Halving a 16× bracket to 2% takes about log2(ln 16 / ln 1.02) ≈ 7 levels besides its ends.
    assert!((5..=12).contains(&levels.len()), "{levels:?}");
    let report = analyze(&out.record, &s.thresholds.slos);
    let (_, hi) = report.targets[0].range.unwrap();
    // p99 ≤ 50 ms holds up to 400/s, and a little beyond: over 2 s the backlog at rate r
    // reaches 2(r − 400) requests, 5(r − 400) ms of waiting, within 40 ms up to about 408/s.
    assert!((360.0..=440.0).contains(&hi), "{levels:?} {report:?}");
    // The search's last bracket: the range's end and the lowest level above it that failed,
    // within the precision of each other.
    let above = levels
        .iter()
        .copied()
        .filter(|l| *l > hi)
        .fold(f64::INFINITY, f64::min);
    assert!(above / hi - 1.0 <= 0.021, "{levels:?}: {hi} then {above}");
}
