//! One target from start to stop: its managed service, its driver, the untimed setup and load
//! phase, warmup, and then one measured repetition at a time ([`TargetSession`]).

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use super::phase::{run_phase, Clock, PhaseResult, PhaseSpec};
use super::records::{load_records, to_repetition};
use super::{load_phase, EngineError, Observer, PhaseKind, Rendezvous, RunContext};
use crate::dataset::RowKind;
use crate::driver::service::{free_port, Service, ServiceSpec};
use crate::driver::{AnyDriver, BuildCtx, Driver, LoadPhasePlan, LoadStats, OpParts, Vars};
use crate::record::{Contention, OperationRecord, Repetition, TargetRecord};
use crate::scenario::{CompiledOp, Scenario, StateMode, Stop, Stream, TargetPlan, Warmup};
use crate::system::sampler::{Sample, Sampler};

/// A target that is up: its service started and its driver built. Repetitions run one at a
/// time, so that callers can interleave them with other targets' (A/B runs).
pub struct TargetSession<'a> {
    scenario: &'a Arc<Scenario>,
    plan: &'a TargetPlan,
    ctx: &'a RunContext,
    vars: Vars,
    service_spec: Option<ServiceSpec>,
    service: Option<Service>,
    driver: Arc<AnyDriver>,
    per_op: Vec<Vec<Repetition>>,
    loads: Vec<(u32, RowKind, LoadStats)>,
    samples: Vec<Sample>,
}

impl<'a> TargetSession<'a> {
    /// Starts target `index` of `scenario`: its managed service (waiting until it is ready),
    /// then its driver (HTTP setup requests included).
    ///
    /// # Errors
    /// [`EngineError`] when the service does not come up or the driver cannot be built.
    pub async fn open(
        scenario: &'a Arc<Scenario>,
        index: usize,
        ctx: &'a RunContext,
    ) -> Result<TargetSession<'a>, EngineError> {
        Self::open_variant(scenario, index, ctx, None).await
    }

    /// [`TargetSession::open`] for one variant of an A/B run: `{{tree}}` is the variant's
    /// tree, and its service's log is named after it.
    ///
    /// # Errors
    /// See [`TargetSession::open`].
    pub async fn open_variant(
        scenario: &'a Arc<Scenario>,
        index: usize,
        ctx: &'a RunContext,
        variant: Option<(&str, &std::path::Path)>,
    ) -> Result<TargetSession<'a>, EngineError> {
        let plan = &scenario.targets[index];
        let port = free_port().map_err(|e| EngineError::Setup {
            target: plan.name.to_string(),
            message: format!("no free port: {e}"),
        })?;
        let dir =
            std::fs::canonicalize(scenario.dir()).unwrap_or_else(|_| scenario.dir().to_owned());
        let mut vars = Vars {
            port: port.to_string(),
            exe: ctx.benchbot_exe.display().to_string(),
            dir: dir.display().to_string(),
            tree: variant
                .map_or(ctx.tree.as_path(), |v| v.1)
                .display()
                .to_string(),
            captures: Vec::new(),
        };
        let service_spec = plan.service.as_ref().map(|s| {
            s.spec(
                plan.name.as_str(),
                &vars,
                scenario.dir(),
                ctx.log_dir.join(match variant {
                    Some((label, _)) => format!("{}-{}-{label}.log", scenario.name, plan.name),
                    None => format!("{}-{}.log", scenario.name, plan.name),
                }),
            )
        });
        let mut service = match &service_spec {
            Some(spec) => Some(Service::start(spec).await?),
            None => None,
        };
        let parts: Vec<OpParts> = scenario.ops.iter().map(|o| o.parts.clone()).collect();
        let returns_ids: Vec<bool> = scenario.ops.iter().map(CompiledOp::returns_ids).collect();
        let built = plan
            .driver
            .build(BuildCtx {
                target: plan.name.as_str(),
                vars: &mut vars,
                dir: scenario.dir(),
                ops: &parts,
                returns_ids: &returns_ids,
            })
            .await;
        let driver = match built {
            Ok(d) => d,
            Err(e) => {
                if let Some(s) = service.as_mut() {
                    s.stop().await;
                }
                return Err(e.into());
            }
        };
        Ok(Self {
            scenario,
            plan,
            ctx,
            vars,
            service_spec,
            service,
            driver: Arc::new(driver),
            per_op: vec![Vec::new(); scenario.ops.len()],
            loads: Vec::new(),
            samples: Vec::new(),
        })
    }

    /// Runs repetition `rep.index` (0-based): before the first (and, in cold mode, before
    /// each, on a restarted service) the untimed setup, load phase and warmup. Returns `false`
    /// when the run was cancelled and the repetition was left out.
    ///
    /// # Errors
    /// [`EngineError`] when setup, the load phase or a restart fails, when the service died,
    /// or when every operation of the repetition failed.
    pub async fn repetition(
        &mut self,
        rep: Rep,
        observer: &dyn Observer,
    ) -> Result<Measured, EngineError> {
        let (block, of, rep) = (rep.block, rep.of, rep.index);
        let scenario = self.scenario;
        let load = &scenario.load;
        let cold = scenario.file.scenario.mode == StateMode::Cold;
        if rep > 0 && cold {
            if let (Some(spec), Some(s)) = (&self.service_spec, self.service.as_mut()) {
                s.stop().await;
                self.service = Some(Service::start(spec).await?);
            }
        }
        if rep == 0 || cold {
            self.prepare(rep, observer).await?;
        }
        if let Some(rv) = self.rendezvous() {
            let step = Rendezvous::step(
                scenario.name.as_str(),
                self.plan.name.as_str(),
                rep,
                "measure",
            );
            let late = rv.start(&step, &self.ctx.cancel).await?;
            if late > Duration::from_millis(100) {
                observer.note(&format!(
                    "{}/{} repetition {}: this shard learnt the common start {:.0} ms after it and started late; its window is shifted by that much",
                    scenario.name,
                    self.plan.name,
                    rep + 1,
                    late.as_secs_f64() * 1e3
                ));
            }
        }
        let sampler = Sampler::start(
            rep + 1,
            self.ctx.sample_interval,
            self.service.as_ref().and_then(Service::pid),
        );
        let result = self
            .phase(
                observer,
                Stream::Measured,
                load.stop,
                PhaseKind::Repetition { index: rep + 1, of },
            )
            .await;
        let (rep_samples, share) = sampler.finish_with_share();
        if let Err(e) = self.driver.cleanup().await {
            observer.note(&format!("{}/{}: {e}", scenario.name, self.plan.name));
        }
        if self.ctx.cancel.is_cancelled() {
            // A repetition cut short is not comparable with full ones: leave it out.
            return Ok(Measured::Cancelled);
        }
        self.check_alive(rep + 1)?;
        check_some_succeeded(self.plan.name.as_str(), rep + 1, &result)?;
        let busy = share.as_ref().and_then(|s| self.ctx.busy.judge(s));
        let contention = share.map(|s| Contention {
            others_cores: s.others_cores,
            steal_pct: s.steal_pct,
            generator_cores: s.generator_cores,
        });
        for (i, rec) in result.ops.into_iter().enumerate() {
            let mut r = to_repetition(rep, scenario, i, rec, result.elapsed, result.unsent);
            r.block = block;
            r.busy.clone_from(&busy);
            r.contention = contention;
            self.per_op[i].push(r);
        }
        self.samples.extend(rep_samples);
        Ok(Measured::Done { busy })
    }

    /// A managed service must run until benchbot stops it.
    fn check_alive(&mut self, repetition: u32) -> Result<(), EngineError> {
        let Some(s) = self.service.as_mut() else {
            return Ok(());
        };
        match s.exited() {
            None => Ok(()),
            Some(status) => Err(EngineError::ServiceDied {
                target: self.plan.name.to_string(),
                repetition,
                status,
                log: s.log.clone(),
                log_tail: crate::driver::service::log_tail(&s.log),
            }),
        }
    }

    /// The rendezvous of a sharded run, if this run is one.
    fn rendezvous(&self) -> Option<&'a Rendezvous> {
        self.scenario.load.shard?;
        self.ctx.rendezvous.as_deref()
    }

    /// Untimed: tables, keys, fixtures the operations need; the load phase; the warmup. With
    /// a rendezvous, shard 1 sets up alone, every shard loads its part of the rows, and shard 1
    /// runs the statements after them once all parts are in.
    async fn prepare(&mut self, rep: u32, observer: &dyn Observer) -> Result<(), EngineError> {
        let scenario = self.scenario;
        let rv = self.rendezvous();
        let step = |what: &str| {
            Rendezvous::step(scenario.name.as_str(), self.plan.name.as_str(), rep, what)
        };
        let setup = async {
            self.driver.setup().await.map_err(|e| EngineError::Setup {
                target: self.plan.name.to_string(),
                message: e.to_string(),
            })
        };
        match rv {
            Some(rv) => rv
                .once(&step("setup"), &self.ctx.cancel, setup)
                .await
                .map(drop)?,
            None => setup.await?,
        }
        if let Some(data) = &scenario.dataset {
            for (i, plan) in self.plan.load_phases.iter().enumerate() {
                let filled = plan.filled(&self.vars);
                let load = |plan: LoadPhasePlan, part| {
                    load_phase::run(
                        scenario.name.as_str(),
                        self.plan.name.as_str(),
                        plan,
                        (data, part),
                        self.driver.as_ref(),
                        observer,
                    )
                };
                let total = data.rows(filled.rows);
                let stats = match rv {
                    None => load(filled, 0..total).await?,
                    Some(rv) => {
                        let (rows, after) = filled.split_after();
                        let part = load_phase::shard_part(total, Some(rv.shard()));
                        let mut stats = load(rows, part).await?;
                        rv.barrier(&step(&format!("load-{}", i + 1)), &self.ctx.cancel)
                            .await?;
                        if !after.is_empty() {
                            // No rows, then the statements after them.
                            let built = rv
                                .once(
                                    &step(&format!("index-{}", i + 1)),
                                    &self.ctx.cancel,
                                    load(filled.clone(), total..total),
                                )
                                .await?;
                            stats.index = built.and_then(|b| b.index);
                        }
                        stats
                    }
                };
                self.loads.push((rep, plan.rows, stats));
            }
        }
        if let Some(w) = scenario.load.warmup {
            let stop = match w {
                Warmup::Duration(d) => Stop::Duration(d.get()),
                Warmup::Operations(n) => Stop::Operations(n),
            };
            if stop != Stop::Operations(0) && stop != Stop::Duration(Duration::ZERO) {
                self.phase(observer, Stream::Warmup, stop, PhaseKind::Warmup)
                    .await;
            }
        }
        Ok(())
    }

    async fn phase(
        &self,
        observer: &dyn Observer,
        stream: Stream,
        stop: Stop,
        kind: PhaseKind,
    ) -> PhaseResult {
        let progress = Arc::new(AtomicU64::new(0));
        let (expected, duration) = match stop {
            Stop::Operations(n) => (Some(n), None),
            Stop::Duration(d) => (None, Some(d)),
        };
        let live = self.ctx.live.as_ref().map(|l| {
            let name = match &kind {
                PhaseKind::Load => "load".to_owned(),
                PhaseKind::Warmup => "warmup".to_owned(),
                PhaseKind::Repetition { index, of } => format!("rep {index}/{of}"),
            };
            let load = &self.scenario.load;
            let share = 1.0 / f64::from(load.shard.map_or(1, |s| s.count));
            let intended = (load.mode == crate::scenario::LoadMode::Open)
                .then(|| super::schedule::Schedule::of(load))
                .flatten()
                .map(|s| (Arc::new(s), std::time::Instant::now(), share));
            let ops: Vec<&str> = self.scenario.ops.iter().map(|o| o.name.as_str()).collect();
            Arc::new(l.phase(
                self.scenario.name.as_str(),
                self.plan.name.as_str(),
                &ops,
                name,
                intended,
            ))
        });
        observer.phase_started(
            self.scenario.name.as_str(),
            self.plan.name.as_str(),
            kind,
            Arc::clone(&progress),
            expected,
            duration,
        );
        let spec = PhaseSpec {
            stream,
            stop,
            load: &self.scenario.load,
            progress,
            cancel: self.ctx.cancel.clone(),
            clock: Clock::Precise,
            live: live.clone(),
        };
        let result = run_phase(&self.driver, self.scenario, &spec).await;
        if let (Some(l), Some(p)) = (&self.ctx.live, &live) {
            l.phase_ended(p);
        }
        observer.phase_finished();
        result
    }

    /// Stops the service and returns what the repetitions measured.
    pub async fn close(mut self) -> TargetRecord {
        if let Some(s) = self.service.as_mut() {
            s.stop().await;
        }
        self.snapshot()
    }

    /// What the repetitions measured so far (the target stays up).
    #[must_use]
    pub fn snapshot(&self) -> TargetRecord {
        let mut operations: Vec<OperationRecord> = self
            .scenario
            .ops
            .iter()
            .zip(&self.per_op)
            .map(|(op, reps)| OperationRecord {
                name: op.name.to_string(),
                repetitions: reps.clone(),
                // Once per virtual user: a handful of samples, so only its errors compare.
                metrics: op.first.then(|| vec![crate::scenario::Metric::ErrorRate]),
                summary: None,
                unit: None,
            })
            .collect();
        operations.extend(load_records(&self.loads));
        TargetRecord {
            name: self.plan.name.to_string(),
            role: self.plan.role,
            driver: self.plan.driver.name().into(),
            operations,
            samples: self.samples.clone(),
        }
    }

    /// The target's name and role.
    #[must_use]
    pub fn plan(&self) -> &TargetPlan {
        self.plan
    }

    /// Stops the service after a failure; nothing is recorded.
    pub async fn abort(mut self) {
        if let Some(s) = self.service.as_mut() {
            s.stop().await;
        }
    }
}

/// What a repetition came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Measured {
    /// Measured; `busy` says why the machine was busy meanwhile, if it was.
    Done { busy: Option<String> },
    /// The run was cancelled; the repetition was left out.
    Cancelled,
}

/// Which repetition to run: its index (0-based) of how many, and its A/B block.
#[derive(Clone, Copy, Debug)]
pub struct Rep {
    pub index: u32,
    pub of: u32,
    pub block: Option<u32>,
}

/// A repetition in which every operation failed measured nothing: the target is broken (a
/// command that cannot start, a server refusing every request).
fn check_some_succeeded(target: &str, repetition: u32, r: &PhaseResult) -> Result<(), EngineError> {
    let ok: u64 = r.ops.iter().map(|o| o.ok).sum();
    let errors: u64 = r.ops.iter().flat_map(|o| o.errors.values()).sum();
    if ok > 0 || errors == 0 {
        return Ok(());
    }
    let sample = r
        .ops
        .iter()
        .flat_map(|o| o.samples.iter())
        .next()
        .map_or_else(String::new, |(k, v)| format!("{}: {v}", k.as_str()));
    Err(EngineError::AllFailed {
        target: target.to_owned(),
        repetition,
        errors,
        sample,
    })
}

/// Runs target `index` of `scenario`: every repetition in order, with the cooldown between.
///
/// # Errors
/// [`EngineError`] when the target cannot be started or set up.
pub async fn run_target(
    scenario: &Arc<Scenario>,
    index: usize,
    ctx: &RunContext,
    observer: &dyn Observer,
) -> Result<TargetRecord, EngineError> {
    let mut session = match TargetSession::open(scenario, index, ctx).await {
        Ok(s) => s,
        Err(e) => return Err(abort_rendezvous(ctx, e)),
    };
    for rep in 0..scenario.load.repetitions {
        if ctx.cancel.is_cancelled() {
            break;
        }
        if rep > 0 && !scenario.load.cooldown.is_zero() {
            tokio::time::sleep(scenario.load.cooldown).await;
        }
        let r = Rep {
            index: rep,
            of: scenario.load.repetitions,
            block: None,
        };
        match session.repetition(r, observer).await {
            Ok(Measured::Done { .. }) => {}
            Ok(Measured::Cancelled) => break,
            Err(e) => {
                session.abort().await;
                return Err(abort_rendezvous(ctx, e));
            }
        }
    }
    if ctx.cancel.is_cancelled() {
        if let Some(rv) = &ctx.rendezvous {
            rv.abort("interrupted");
        }
    }
    Ok(session.close().await)
}

/// A shard that fails (or is interrupted) tells the others, so that they stop waiting for it.
fn abort_rendezvous(ctx: &RunContext, e: EngineError) -> EngineError {
    if let Some(rv) = &ctx.rendezvous {
        rv.abort(&e.to_string());
    }
    e
}
