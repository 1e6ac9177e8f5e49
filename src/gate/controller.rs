//! The A/B controller: blocks in seeded random order, busy blocks run again, and a suspected
//! regression confirmed by blocks of its own before anyone is told. Independent of how blocks
//! are measured ([`Blocks`]), so the logic is tested with scripted blocks.

use std::future::Future;

use super::plan::{Order, Plan};
use crate::record::{ExcludedBlock, TargetRecord};

/// What one block came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockOutcome {
    /// Both variants measured; `busy` says why the machine was busy meanwhile, if it was.
    Done { busy: Option<String> },
    /// The run was cancelled.
    Cancelled,
}

/// Where blocks are measured: engine sessions of base and head, or a script in tests.
pub trait Blocks {
    type Error;
    /// Runs block `id`: one repetition of each variant, in `order`.
    fn block(
        &mut self,
        id: u32,
        order: Order,
    ) -> impl Future<Output = Result<BlockOutcome, Self::Error>>;
    /// What was measured so far: the head's targets (and competitors), the base's targets.
    fn measured(&self) -> (Vec<TargetRecord>, Vec<TargetRecord>);
}

/// What the data of an A/B run says so far, for the controller's next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    /// A gating row would be a regression: confirm it.
    Suspected,
    /// A gating row is inconclusive; about this many blocks in all would settle it.
    Unsettled(u32),
    /// Nothing to add.
    Settled,
}

/// An A/B run as measured.
#[derive(Clone, Debug, Default)]
pub struct AbRun {
    pub head: Vec<TargetRecord>,
    pub base: Vec<TargetRecord>,
    /// The order of every block run, block 1 first.
    pub order: Vec<Order>,
    pub excluded: Vec<ExcludedBlock>,
    /// The first block of the confirmation stage, when there was one.
    pub confirm_from: Option<u32>,
    pub confirmation_blocks: u32,
    /// Blocks added to an inconclusive first stage (numbered before the confirmation's).
    pub extension_blocks: u32,
    pub cancelled: bool,
}

/// Runs the plan: `blocks` blocks measured on a quiet machine; when `look` finds a gating row
/// unsettled and the blocks it needs are within the plan's extension, those blocks; then, when
/// `look` says the data shows a regression, the confirmation stage.
///
/// # Errors
/// The first error of a block.
pub async fn run<B: Blocks>(
    src: &mut B,
    plan: &Plan,
    mut look: impl FnMut(&AbRun) -> Look,
) -> Result<AbRun, B::Error> {
    let mut run = AbRun::default();
    let mut reruns = plan.reruns;
    let mut next = 1;
    if !stage(src, plan, plan.blocks, &mut next, &mut reruns, &mut run).await? {
        return Ok(finish(src, run, true));
    }
    let extra = plan.confirmation_blocks();
    let (head, base) = src.measured();
    run.head = head;
    run.base = base;
    let mut seen = look(&run);
    if let Look::Unsettled(needed) = seen {
        let more = plan.extension_for(needed);
        if more > 0 {
            run.extension_blocks = more;
            if !stage(src, plan, more, &mut next, &mut reruns, &mut run).await? {
                return Ok(finish(src, run, true));
            }
            let (head, base) = src.measured();
            run.head = head;
            run.base = base;
            seen = look(&run);
        }
    }
    if extra > 0 && seen == Look::Suspected {
        run.confirm_from = Some(next);
        run.confirmation_blocks = extra;
        if !stage(src, plan, extra, &mut next, &mut reruns, &mut run).await? {
            return Ok(finish(src, run, true));
        }
    }
    Ok(finish(src, run, false))
}

fn finish<B: Blocks>(src: &B, mut run: AbRun, cancelled: bool) -> AbRun {
    let (head, base) = src.measured();
    run.head = head;
    run.base = base;
    run.cancelled = cancelled;
    run
}

/// Runs blocks until `want` were measured on a quiet machine (or the reruns ran out).
/// Returns `false` when cancelled.
async fn stage<B: Blocks>(
    src: &mut B,
    plan: &Plan,
    want: u32,
    next: &mut u32,
    reruns: &mut u32,
    run: &mut AbRun,
) -> Result<bool, B::Error> {
    let mut quiet = 0;
    while quiet < want {
        let id = *next;
        *next += 1;
        let order = Order::of(plan.seed, id);
        run.order.push(order);
        match src.block(id, order).await? {
            BlockOutcome::Cancelled => return Ok(false),
            BlockOutcome::Done { busy: None } => quiet += 1,
            BlockOutcome::Done { busy: Some(why) } => {
                run.excluded.push(ExcludedBlock {
                    block: id,
                    reason: why,
                });
                if *reruns == 0 {
                    // Out of reruns: the busy block stays (flagged); the verdict leaves its
                    // repetitions out unless told to keep them.
                    quiet += 1;
                } else {
                    *reruns -= 1;
                }
            }
        }
    }
    Ok(true)
}
