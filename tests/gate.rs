//! The A/B controller driven by scripted blocks: every value is given, so the order of the
//! blocks, the reruns of busy ones, the confirmation stage and the verdict on it are exact.

mod common;

use benchbot::gate::{run, AbRun, BlockOutcome, Blocks, Look, Order, Plan};
use benchbot::record::{Repetition, TargetRecord};
use benchbot::scenario::Role;
use benchbot::verdict::{compare, Status, Verdict};

/// p50 in ms of (base, head) in block `id`, and whether the block is measured while busy.
type Script = fn(u32) -> (f64, f64, Option<&'static str>);

struct Scripted {
    script: Script,
    ran: Vec<(u32, Order)>,
    base: Vec<Repetition>,
    head: Vec<Repetition>,
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "small positive test values"
)]
fn rep(block: u32, ms: f64, busy: Option<&str>) -> Repetition {
    let ns = (ms * 1e6).round() as u64;
    let mut r = Repetition {
        index: block,
        elapsed_ns: 1_000_000_000,
        count: 100,
        throughput: 1000.0 / ms,
        achieved_rate: 1000.0 / ms,
        block: Some(block),
        busy: busy.map(str::to_owned),
        ..Repetition::default()
    };
    r.latency.p50_ns = ns;
    r.latency.mean_ns = ms * 1e6;
    r
}

fn target(reps: &[Repetition]) -> TargetRecord {
    TargetRecord {
        name: "api".into(),
        role: Role::Ours,
        driver: "http".into(),
        operations: vec![benchbot::record::OperationRecord {
            name: "get".into(),
            repetitions: reps.to_vec(),
            metrics: None,
            summary: None,
            unit: None,
        }],
        samples: Vec::new(),
    }
}

impl Blocks for Scripted {
    type Error = ();
    async fn block(&mut self, id: u32, order: Order) -> Result<BlockOutcome, ()> {
        self.ran.push((id, order));
        let (b, h, busy) = (self.script)(id);
        self.base.push(rep(id, b, busy));
        self.head.push(rep(id, h, busy));
        Ok(BlockOutcome::Done {
            busy: busy.map(str::to_owned),
        })
    }
    fn measured(&self) -> (Vec<TargetRecord>, Vec<TargetRecord>) {
        (vec![target(&self.head)], vec![target(&self.base)])
    }
}

/// The record of an A/B run, as `benchbot ab` assembles it.
fn record(run: &AbRun) -> benchbot::record::RunRecord {
    let mut r = common::record(benchbot::scenario::Kind::Internal, "ab", &[]);
    r.targets.clone_from(&run.head);
    r.scenario.thresholds.metrics = vec![benchbot::scenario::Metric::P50];
    r.ab = Some(benchbot::record::AbInfo {
        method: "interleaved".into(),
        base: benchbot::record::GitInfo {
            sha: "b".repeat(40),
            reference: None,
        },
        head: benchbot::record::GitInfo {
            sha: "h".repeat(40),
            reference: None,
        },
        seed: 9,
        order: run.order.iter().map(|o| o.as_str().to_owned()).collect(),
        confirmation_blocks: run.confirmation_blocks,
        confirm_from: run.confirm_from,
        extension_blocks: run.extension_blocks,
        excluded: run.excluded.clone(),
        base_targets: run.base.clone(),
    });
    r
}

fn go(script: Script, plan: Plan) -> (Scripted, AbRun) {
    let mut s = Scripted {
        script,
        ran: Vec::new(),
        base: Vec::new(),
        head: Vec::new(),
    };
    // As `benchbot ab` looks at the blocks so far.
    let look = |run: &AbRun| {
        let c = compare(&record(run), None);
        let gating = || c.rows.iter().filter(|r| r.gating);
        if gating().any(|r| r.status == Status::Regression) {
            return Look::Suspected;
        }
        gating()
            .filter(|r| r.status == Status::Inconclusive)
            .filter_map(|r| r.needed)
            .max()
            .map_or(Look::Settled, Look::Unsettled)
    };
    let run = futures_lite(run(&mut s, &plan, look)).unwrap();
    (s, run)
}

/// A tiny executor: the scripted blocks never wait.
fn futures_lite<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

const PLAN: Plan = Plan {
    blocks: 6,
    confirm: 2.0,
    reruns: 3,
    seed: 9,
    extend: 1.0,
};

/// Drift of the machine from block to block: ±3%, shared by both variants.
fn drift(id: u32) -> f64 {
    [
        1.0, 1.03, 0.97, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.0, 1.02, 0.98, 1.01, 0.99,
    ][(id as usize - 1) % 14]
}

#[test]
fn blocks_run_both_variants_in_seeded_order() {
    let (s, run) = go(|id| (10.0 * drift(id), 10.0 * drift(id), None), PLAN);
    assert_eq!(s.ran.len(), 6, "no suspicion, no confirmation");
    assert_eq!(run.order, s.ran.iter().map(|r| r.1).collect::<Vec<_>>());
    let orders: Vec<Order> = (1..=6).map(|i| Order::of(9, i)).collect();
    assert_eq!(run.order, orders, "the order is the seed's");
    assert!(run.order.contains(&Order::BaseFirst) && run.order.contains(&Order::HeadFirst));
    let c = compare(&record(&run), None);
    assert_eq!(c.verdict, Verdict::Ok);
}

#[test]
fn a_suspected_regression_is_confirmed_by_more_blocks() {
    let (s, run) = go(|id| (10.0 * drift(id), 11.0 * drift(id), None), PLAN);
    assert_eq!(s.ran.len(), 12, "6 blocks, then 6 to confirm");
    assert_eq!(run.confirm_from, Some(7));
    let c = compare(&record(&run), None);
    let row = &c.rows[0];
    assert_eq!(row.status, Status::Regression);
    assert_eq!(row.first.unwrap().n, 6);
    assert_eq!(row.confirming.unwrap().n, 6);
    assert_eq!(c.verdict, Verdict::InternalRegression);
}

#[test]
fn a_regression_the_confirmation_does_not_repeat_is_not_reported() {
    // Head is 10% slower in the first six blocks only (a transient), then equal.
    let (s, run) = go(
        |id| {
            let h = if id <= 6 { 11.0 } else { 10.0 };
            (10.0 * drift(id), h * drift(id), None)
        },
        PLAN,
    );
    assert_eq!(s.ran.len(), 12);
    let c = compare(&record(&run), None);
    assert_ne!(c.rows[0].status, Status::Regression, "{:?}", c.rows[0]);
    assert_ne!(c.verdict, Verdict::InternalRegression);
}

#[test]
fn busy_blocks_are_run_again_and_left_out() {
    // Blocks 2 and 3 are measured while another process loads the machine: head looks 40%
    // slower in them. They are excluded and replaced; the verdict is unaffected.
    let (s, run) = go(
        |id| match id {
            2 | 3 => (10.0, 14.0, Some("other processes used 1.00 cores")),
            _ => (10.0 * drift(id), 10.0 * drift(id), None),
        },
        PLAN,
    );
    assert_eq!(s.ran.len(), 8, "6 quiet blocks needed two more");
    assert_eq!(
        run.excluded.iter().map(|e| e.block).collect::<Vec<_>>(),
        [2, 3]
    );
    let c = compare(&record(&run), None);
    assert_eq!(c.rows[0].n_baseline, 6);
    assert_eq!(c.verdict, Verdict::Ok, "{:?}", c.rows);
}

#[test]
fn when_reruns_run_out_the_busy_blocks_stay_excluded_and_the_data_may_be_inconclusive() {
    let (s, run) = go(
        |id| {
            if id % 2 == 0 {
                (10.0, 14.0, Some("the hypervisor took 30.0% of the CPU"))
            } else {
                // Head 4% slower, ±3% from block to block.
                let jitter = if id % 4 == 1 { 1.03 } else { 0.97 };
                (10.0 * drift(id), 10.4 * jitter * drift(id), None)
            }
        },
        Plan { reruns: 1, ..PLAN },
    );
    // Budget 1: block 2 is run again; blocks 4 and 6 count towards the six but stay excluded.
    assert_eq!(s.ran.len(), 7);
    assert_eq!(
        run.excluded.iter().map(|e| e.block).collect::<Vec<_>>(),
        [2, 4, 6]
    );
    let c = compare(&record(&run), None);
    assert_eq!(c.rows[0].n_baseline, 4, "busy blocks are not judged");
    // +4% on four blocks: not a regression; the interval reaches past 5%, so inconclusive.
    assert_eq!(c.rows[0].status, Status::Inconclusive, "{:?}", c.rows[0]);
    assert_eq!(c.verdict, Verdict::NotJudged);
}

/// Head 2% slower, ±4% from block to block: six blocks can neither confirm nor exclude a 5%
/// worsening.
fn noisy(id: u32) -> (f64, f64, Option<&'static str>) {
    let jitter = if id % 2 == 0 { 1.06 } else { 0.98 };
    (10.0 * drift(id), 10.0 * jitter * drift(id), None)
}

#[test]
fn an_inconclusive_first_stage_is_extended_by_the_blocks_that_settle_it() {
    // Without extension: six blocks, inconclusive, not judged.
    let (s, run) = go(noisy, PLAN);
    assert_eq!(s.ran.len(), 6);
    let c = compare(&record(&run), None);
    assert_eq!(c.rows[0].status, Status::Inconclusive, "{:?}", c.rows[0]);
    let needed = c.rows[0].needed.unwrap();
    assert!((10..=18).contains(&needed), "{needed}");
    assert_eq!(c.verdict, Verdict::NotJudged);

    // With `--extend 3x`: the blocks the estimate asks for, then a verdict.
    let (s, run) = go(
        noisy,
        Plan {
            extend: 3.0,
            ..PLAN
        },
    );
    assert_eq!(run.extension_blocks, needed - 6);
    assert_eq!(u32::try_from(s.ran.len()).unwrap(), needed);
    assert_eq!(run.confirm_from, None);
    let c = compare(&record(&run), None);
    assert_eq!(c.verdict, Verdict::Ok, "{:?}", c.rows);

    // An estimate a little beyond the cap: the cap's worth of blocks is run.
    let (s, run) = go(
        noisy,
        Plan {
            extend: 2.0,
            ..PLAN
        },
    );
    assert!(needed - 6 > 6 && needed - 6 <= 12, "{needed}");
    assert_eq!(run.extension_blocks, 6);
    assert_eq!(s.ran.len(), 12);

    // An estimate far beyond the cap is not chased: inconclusive at once.
    let (s, run) = go(
        noisy,
        Plan {
            extend: 1.5,
            ..PLAN
        },
    );
    assert!(needed - 6 > 2 * 3, "{needed}");
    assert_eq!(s.ran.len(), 6);
    assert_eq!(run.extension_blocks, 0);
}
