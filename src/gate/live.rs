//! Blocks measured for real: a session per target and variant (base and head each with its own
//! managed service, built from its own tree), competitors measured once per block.

use std::path::Path;
use std::sync::Arc;

use super::controller::{BlockOutcome, Blocks};
use super::plan::Order;
use crate::engine::{
    prepare_truth, EngineError, Measured, Observer, Rep, RunContext, TargetSession,
};
use crate::record::TargetRecord;
use crate::scenario::{Role, Scenario};

/// The sessions of one A/B run of one scenario.
pub struct LiveBlocks<'a> {
    scenario: &'a Arc<Scenario>,
    ctx: &'a RunContext,
    observer: &'a dyn Observer,
    base: Vec<TargetSession<'a>>,
    head: Vec<TargetSession<'a>>,
    competitors: Vec<TargetSession<'a>>,
    /// Repetitions run per variant so far (base, head, competitors).
    done: [u32; 3],
    /// Blocks planned, for progress displays.
    planned: u32,
}

impl<'a> LiveBlocks<'a> {
    /// Starts every target: ours once per variant (`{{tree}}` = the variant's tree), the
    /// competitors once.
    ///
    /// # Errors
    /// The first target that does not start; the ones started are stopped.
    pub async fn open(
        scenario: &'a Arc<Scenario>,
        ctx: &'a RunContext,
        trees: (&'a Path, &'a Path),
        planned: u32,
        observer: &'a dyn Observer,
    ) -> Result<Self, EngineError> {
        prepare_truth(scenario, ctx, observer).await?;
        let mut me = Self {
            scenario,
            ctx,
            observer,
            base: Vec::new(),
            head: Vec::new(),
            competitors: Vec::new(),
            done: [0; 3],
            planned,
        };
        for (i, t) in scenario.targets.iter().enumerate() {
            let opened = if t.role == Role::Ours {
                match TargetSession::open_variant(scenario, i, ctx, Some(("base", trees.0))).await {
                    Ok(b) => {
                        me.base.push(b);
                        TargetSession::open_variant(scenario, i, ctx, Some(("head", trees.1)))
                            .await
                            .map(|h| me.head.push(h))
                    }
                    Err(e) => Err(e),
                }
            } else {
                TargetSession::open_variant(scenario, i, ctx, Some(("competitor", trees.1)))
                    .await
                    .map(|c| me.competitors.push(c))
            };
            if let Err(e) = opened {
                me.abort().await;
                return Err(e);
            }
        }
        Ok(me)
    }

    /// Stops every service and returns the head's and the base's targets.
    pub async fn close(self) -> (Vec<TargetRecord>, Vec<TargetRecord>) {
        let mut head = Vec::new();
        for s in self.head {
            head.push(s.close().await);
        }
        for s in self.competitors {
            head.push(s.close().await);
        }
        let mut base = Vec::new();
        for s in self.base {
            base.push(s.close().await);
        }
        // In the scenario's order, competitors after ours as declared.
        let order = |t: &TargetRecord| {
            self.scenario
                .targets
                .iter()
                .position(|p| p.name.as_str() == t.name)
        };
        head.sort_by_key(order);
        (head, base)
    }

    /// Stops every service after a failure.
    pub async fn abort(self) {
        for s in self
            .base
            .into_iter()
            .chain(self.head)
            .chain(self.competitors)
        {
            s.abort().await;
        }
    }

    async fn one(
        sessions: &mut [TargetSession<'a>],
        done: &mut u32,
        block: u32,
        planned: u32,
        cooldown: std::time::Duration,
        observer: &dyn Observer,
    ) -> Result<Option<Option<String>>, EngineError> {
        let mut busy = None;
        for s in sessions.iter_mut() {
            if *done > 0 && !cooldown.is_zero() {
                tokio::time::sleep(cooldown).await;
            }
            let rep = Rep {
                index: *done,
                of: planned,
                block: Some(block),
            };
            match s.repetition(rep, observer).await? {
                Measured::Cancelled => return Ok(None),
                Measured::Done { busy: b } => busy = busy.or(b),
            }
        }
        *done += 1;
        Ok(Some(busy))
    }
}

impl Blocks for LiveBlocks<'_> {
    type Error = EngineError;

    async fn block(&mut self, id: u32, order: Order) -> Result<BlockOutcome, EngineError> {
        let cooldown = self.scenario.load.cooldown;
        let mut busy: Option<String> = None;
        let variants = match order {
            Order::BaseFirst => [true, false],
            Order::HeadFirst => [false, true],
        };
        for base in variants {
            let (sessions, done) = if base {
                (&mut self.base, &mut self.done[0])
            } else {
                (&mut self.head, &mut self.done[1])
            };
            match Self::one(sessions, done, id, self.planned, cooldown, self.observer).await? {
                None => return Ok(BlockOutcome::Cancelled),
                Some(b) => {
                    busy = busy.or(b.map(|why| {
                        format!(
                            "{} was measured while {why}",
                            if base { "base" } else { "head" }
                        )
                    }));
                }
            }
        }
        // Competitors run once per block, after both variants: their numbers are context.
        if !self.competitors.is_empty()
            && Self::one(
                &mut self.competitors,
                &mut self.done[2],
                id,
                self.planned,
                cooldown,
                self.observer,
            )
            .await?
            .is_none()
        {
            return Ok(BlockOutcome::Cancelled);
        }
        if self.ctx.cancel.is_cancelled() {
            return Ok(BlockOutcome::Cancelled);
        }
        Ok(BlockOutcome::Done { busy })
    }

    fn measured(&self) -> (Vec<TargetRecord>, Vec<TargetRecord>) {
        let head = self
            .head
            .iter()
            .chain(&self.competitors)
            .map(TargetSession::snapshot)
            .collect();
        let base = self.base.iter().map(TargetSession::snapshot).collect();
        (head, base)
    }
}
