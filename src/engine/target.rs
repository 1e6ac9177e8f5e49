//! Targets × repetitions: managed services, drivers, warmup, cooldown, and the records.

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use super::cancel::Cancel;
use super::load::{produce, Encoding};
use super::phase::{run_phase, PhaseResult, PhaseSpec};
use super::{Observer, PhaseKind};
use crate::dataset::{Dataset, RowKind};
use crate::driver::command::CommandDriver;
use crate::driver::http::SetupRequest;
use crate::driver::http::{HttpDriver, HttpSetupError};
use crate::driver::postgres::PostgresDriver;
use crate::driver::redis::RedisDriver;
use crate::driver::service::{free_port, ReadyCheck, Service, ServiceError, ServiceSpec};
use crate::driver::{Driver, IngestStats};
use crate::record::{Latency, OperationRecord, Repetition, TargetRecord};
use crate::scenario::model::HttpTarget;
use crate::scenario::model::Target;
use crate::scenario::IngestPlan;
use crate::scenario::{LoadMode, Scenario, StateMode, Stop, Stream, Warmup};
use crate::system::sampler::Sampler;

/// Where and how the engine runs.
pub struct RunContext {
    /// Service logs go here.
    pub log_dir: PathBuf,
    /// Substituted for `{{benchbot}}`.
    pub benchbot_exe: PathBuf,
    /// Stops load generation early (signals).
    pub cancel: Cancel,
    /// How often system samples are taken during a repetition.
    pub sample_interval: Duration,
    /// Ground truth of vector datasets is cached here, by dataset digest.
    pub cache_dir: PathBuf,
}

/// A failure that stops a scenario.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    HttpSetup(#[from] HttpSetupError),
    #[error("target `{target}`: {message}")]
    Setup { target: String, message: String },
}

/// What a scenario run produced.
pub struct ScenarioOutcome {
    pub targets: Vec<TargetRecord>,
    /// True when the run was cancelled before every repetition completed.
    pub cancelled: bool,
}

/// Placeholders filled in target and service settings at run time.
struct Vars {
    port: String,
    exe: String,
    dir: String,
    /// Values captured from HTTP setup responses.
    captures: Vec<(String, String)>,
}

impl Vars {
    fn fill(&self, s: &str) -> String {
        fill_captures(
            &s.replace("{{port}}", &self.port)
                .replace("{{benchbot}}", &self.exe)
                .replace("{{scenario-dir}}", &self.dir),
            &self.captures,
        )
    }
}

fn fill_captures(s: &str, captures: &[(String, String)]) -> String {
    captures.iter().fold(s.to_owned(), |s, (k, v)| {
        s.replace(&format!("{{{{{k}}}}}"), v)
    })
}

/// Runs every target of `scenario` in declaration order, the identical operation sequence each.
///
/// # Errors
/// [`EngineError`] when a target cannot be set up (its service does not start, its URL is bad).
pub async fn run_scenario(
    scenario: &Arc<Scenario>,
    ctx: &RunContext,
    observer: &dyn Observer,
) -> Result<ScenarioOutcome, EngineError> {
    if let Some(d) = &scenario.dataset {
        if d.vectors.is_some() {
            let (d2, dir) = (Arc::clone(d), ctx.cache_dir.clone());
            let t = std::time::Instant::now();
            let hit = tokio::task::spawn_blocking(move || d2.prepare_truth(&dir))
                .await
                .map_err(|e| EngineError::Setup {
                    target: String::new(),
                    message: format!("ground truth: {e}"),
                })?
                .map_err(|e| EngineError::Setup {
                    target: String::new(),
                    message: e.to_string(),
                })?;
            if hit == Some(false) {
                observer.note(&format!(
                    "{}: exact ground truth computed in {:.1?} (cached in {})",
                    scenario.name,
                    t.elapsed(),
                    ctx.cache_dir.display()
                ));
            }
        }
    }
    let mut targets = Vec::new();
    for (i, target) in scenario.file.targets.iter().enumerate() {
        if i > 0 && !scenario.load.cooldown.is_zero() {
            tokio::time::sleep(scenario.load.cooldown).await;
        }
        let record = run_target(scenario, i, target, ctx, observer).await?;
        targets.push(record);
        if ctx.cancel.is_cancelled() {
            return Ok(ScenarioOutcome {
                targets,
                cancelled: true,
            });
        }
    }
    Ok(ScenarioOutcome {
        targets,
        cancelled: false,
    })
}

async fn run_target(
    scenario: &Arc<Scenario>,
    index: usize,
    target: &Target,
    ctx: &RunContext,
    observer: &dyn Observer,
) -> Result<TargetRecord, EngineError> {
    let port = free_port().map_err(|e| EngineError::Setup {
        target: target.name.to_string(),
        message: format!("no free port: {e}"),
    })?;
    let dir = std::fs::canonicalize(scenario.dir()).unwrap_or_else(|_| scenario.dir().to_owned());
    let mut vars = Vars {
        port: port.to_string(),
        exe: ctx.benchbot_exe.display().to_string(),
        dir: dir.display().to_string(),
        captures: Vec::new(),
    };
    let service_spec = target.service.as_ref().map(|s| ServiceSpec {
        target: target.name.to_string(),
        command: s.command.iter().map(|c| vars.fill(c)).collect(),
        env: s
            .env
            .iter()
            .map(|(k, v)| (k.clone(), vars.fill(v)))
            .collect(),
        cwd: scenario
            .dir()
            .join(s.cwd.as_deref().map(|c| vars.fill(c)).unwrap_or_default()),
        ready: match (&s.ready.http, &s.ready.tcp, &s.ready.command) {
            (Some(u), _, _) => ReadyCheck::Http(vars.fill(u)),
            (_, Some(a), _) => ReadyCheck::Tcp(vars.fill(a)),
            (_, _, c) => ReadyCheck::Command(c.iter().flatten().map(|a| vars.fill(a)).collect()),
        },
        ready_timeout: s.ready_timeout.map_or(Duration::from_secs(30), |d| d.get()),
        stop_grace: s.stop_grace.map_or(Duration::from_secs(5), |d| d.get()),
        cpus: s.cpus.clone(),
        log: ctx
            .log_dir
            .join(format!("{}-{}.log", scenario.name, target.name)),
    });
    let mut service = match &service_spec {
        Some(spec) => Some(Service::start(spec).await?),
        None => None,
    };
    let result = if let Some(h) = &target.http {
        let reps = async {
            let timeout = h.timeout.map_or(Duration::from_secs(30), |d| d.get());
            if !h.setup.is_empty() {
                vars.captures = http_setup(scenario, target, h, &vars, timeout).await?;
            }
            let headers: Vec<(String, String)> = h
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), vars.fill(v)))
                .collect();
            let driver = HttpDriver::new(
                target.name.as_str(),
                &vars.fill(&h.base_url),
                &headers,
                timeout,
                scenario,
            )
            .await?;
            repetitions(
                scenario,
                &ingest_plans(scenario, index, &vars),
                target,
                &Arc::new(driver),
                service_spec.as_ref(),
                &mut service,
                ctx,
                observer,
            )
            .await
        };
        reps.await
    } else if let Some(pg) = &target.postgres {
        let driver = PostgresDriver {
            url: vars.fill(&pg.url),
            setup: pg.setup.iter().map(|q| vars.fill(q)).collect(),
            session: pg.session.iter().map(|q| vars.fill(q)).collect(),
            timeout: pg.timeout.map_or(Duration::from_secs(30), |d| d.get()),
            statements: scenario
                .ops
                .iter()
                .map(|o| o.sql.clone().unwrap_or_default())
                .collect(),
            searches: scenario
                .ops
                .iter()
                .map(|o| o.recall.is_some() || o.verify.is_some())
                .collect(),
        };
        repetitions(
            scenario,
            &ingest_plans(scenario, index, &vars),
            target,
            &Arc::new(driver),
            service_spec.as_ref(),
            &mut service,
            ctx,
            observer,
        )
        .await
    } else if let Some(r) = &target.redis {
        let driver = RedisDriver {
            address: vars.fill(&r.address),
            setup: r
                .setup
                .iter()
                .map(|c| c.iter().map(|w| vars.fill(w)).collect())
                .collect(),
            timeout: r.timeout.map_or(Duration::from_secs(30), |d| d.get()),
        };
        repetitions(
            scenario,
            &ingest_plans(scenario, index, &vars),
            target,
            &Arc::new(driver),
            service_spec.as_ref(),
            &mut service,
            ctx,
            observer,
        )
        .await
    } else if let Some(c) = &target.command {
        let argv = match (&c.argv, &c.shell) {
            (Some(argv), _) => argv.iter().map(|a| vars.fill(a)).collect(),
            (None, Some(sh)) => vec!["sh".to_owned(), "-c".to_owned(), vars.fill(sh)],
            (None, None) => Vec::new(),
        };
        let driver = CommandDriver {
            argv,
            env: c
                .env
                .iter()
                .map(|(k, v)| (k.clone(), vars.fill(v)))
                .collect(),
            cwd: scenario
                .dir()
                .join(c.cwd.as_deref().map(|d| vars.fill(d)).unwrap_or_default()),
            timeout: c.timeout.map_or(Duration::from_secs(60), |d| d.get()),
            prepare: c.prepare.as_deref().map(|p| vars.fill(p)),
            cleanup: c.cleanup.as_deref().map(|p| vars.fill(p)),
        };
        repetitions(
            scenario,
            &ingest_plans(scenario, index, &vars),
            target,
            &Arc::new(driver),
            service_spec.as_ref(),
            &mut service,
            ctx,
            observer,
        )
        .await
    } else {
        Err(EngineError::Setup {
            target: target.name.to_string(),
            message: "no driver".into(),
        })
    };
    if let Some(s) = service.as_mut() {
        s.stop().await;
    }
    result
}

#[expect(
    clippy::too_many_arguments,
    reason = "internal helper threading the run's context"
)]
async fn repetitions<D: Driver>(
    scenario: &Arc<Scenario>,
    plans: &[IngestPlan],
    target: &Target,
    driver: &Arc<D>,
    service_spec: Option<&ServiceSpec>,
    service: &mut Option<Service>,
    ctx: &RunContext,
    observer: &dyn Observer,
) -> Result<TargetRecord, EngineError> {
    let load = &scenario.load;
    let cold = scenario.file.scenario.mode == StateMode::Cold;
    let mut per_op: Vec<Vec<Repetition>> = vec![Vec::new(); scenario.ops.len()];
    let mut loads: Vec<(u32, RowKind, IngestStats)> = Vec::new();
    let mut samples = Vec::new();
    for rep in 0..load.repetitions {
        if ctx.cancel.is_cancelled() {
            break;
        }
        if rep > 0 {
            if !load.cooldown.is_zero() {
                tokio::time::sleep(load.cooldown).await;
            }
            if cold {
                if let (Some(spec), Some(s)) = (service_spec, service.as_mut()) {
                    s.stop().await;
                    *service = Some(Service::start(spec).await?);
                }
            }
        }
        if rep == 0 || cold {
            // Untimed: tables, keys, fixtures the operations need.
            driver.setup().await.map_err(|e| EngineError::Setup {
                target: target.name.to_string(),
                message: e.to_string(),
            })?;
            if let Some(data) = &scenario.dataset {
                for plan in plans {
                    let stats =
                        ingest(scenario, target, plan, data, driver.as_ref(), observer).await?;
                    loads.push((rep, plan.rows, stats));
                }
            }
            if let Some(w) = load.warmup {
                let stop = match w {
                    Warmup::Duration(d) => Stop::Duration(d.get()),
                    Warmup::Operations(n) => Stop::Operations(n),
                };
                if stop != Stop::Operations(0) && stop != Stop::Duration(Duration::ZERO) {
                    phase(
                        scenario,
                        target,
                        driver,
                        ctx,
                        observer,
                        Stream::Warmup,
                        stop,
                        PhaseKind::Warmup,
                    )
                    .await;
                }
            }
        }
        let sampler = Sampler::start(
            rep + 1,
            ctx.sample_interval,
            service.as_ref().and_then(Service::pid),
        );
        let result = phase(
            scenario,
            target,
            driver,
            ctx,
            observer,
            Stream::Measured,
            load.stop,
            PhaseKind::Repetition {
                index: rep + 1,
                of: load.repetitions,
            },
        )
        .await;
        let rep_samples = sampler.finish();
        if let Err(e) = driver.cleanup().await {
            observer.note(&format!("{}/{}: {e}", scenario.name, target.name));
        }
        if ctx.cancel.is_cancelled() {
            // A repetition cut short is not comparable with full ones: leave it out.
            break;
        }
        for (i, rec) in result.ops.into_iter().enumerate() {
            per_op[i].push(to_repetition(rep, scenario, i, rec, result.elapsed));
        }
        samples.extend(rep_samples);
    }
    let mut operations: Vec<OperationRecord> = scenario
        .ops
        .iter()
        .zip(per_op)
        .map(|(op, reps)| OperationRecord {
            name: op.name.to_string(),
            repetitions: reps,
            metrics: None,
            summary: None,
            unit: None,
        })
        .collect();
    operations.extend(load_records(loads));
    Ok(TargetRecord {
        name: target.name.to_string(),
        role: target.role,
        driver: if target.http.is_some() {
            "http"
        } else if target.postgres.is_some() {
            "postgres"
        } else if target.redis.is_some() {
            "redis"
        } else {
            "command"
        }
        .into(),
        operations,
        samples,
    })
}

#[expect(
    clippy::too_many_arguments,
    reason = "internal helper threading the run's context"
)]
async fn phase<D: Driver>(
    scenario: &Arc<Scenario>,
    target: &Target,
    driver: &Arc<D>,
    ctx: &RunContext,
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
    observer.phase_started(
        scenario.name.as_str(),
        target.name.as_str(),
        kind,
        Arc::clone(&progress),
        expected,
        duration,
    );
    let spec = PhaseSpec {
        stream,
        stop,
        load: &scenario.load,
        progress,
        cancel: ctx.cancel.clone(),
    };
    let result = run_phase(driver, scenario, &spec).await;
    observer.phase_finished();
    result
}

#[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
fn to_repetition(
    rep: u32,
    scenario: &Scenario,
    op: usize,
    rec: super::OpRec,
    elapsed: Duration,
) -> Repetition {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let open = scenario.load.mode == LoadMode::Open;
    let total_weight: u64 = scenario.ops.iter().map(|o| u64::from(o.weight)).sum();
    let share = f64::from(scenario.ops[op].weight) / total_weight.max(1) as f64;
    Repetition {
        index: rep + 1,
        elapsed_ns: u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX),
        count: rec.ok,
        errors: rec
            .errors
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), *v))
            .collect(),
        error_samples: rec
            .samples
            .into_iter()
            .map(|(k, v)| (k.as_str().to_owned(), v))
            .collect(),
        throughput: rec.ok as f64 / secs,
        target_rate: scenario.load.rate.filter(|_| open).map(|r| r * share),
        achieved_rate: rec.sent as f64 / secs,
        late_sends: if open { rec.late } else { 0 },
        latency: Latency::from_histogram(&rec.latency),
        service: open.then(|| Latency::from_histogram(&rec.service)),
        recall: (rec.judged > 0).then(|| rec.recall_sum / rec.judged as f64),
        precision: (rec.judged > 0).then(|| rec.precision_sum / rec.judged as f64),
    }
}

/// Name of the load phase's pseudo-operation in records (rows per second; batch latencies).
pub const INGEST_OP: &str = "ingest";
/// Name of the index build's pseudo-operation (PostgreSQL `after` statements).
pub const INDEX_OP: &str = "index-build";

/// The target's load phases with `{{port}}` and setup captures filled into HTTP headers.
fn ingest_plans(scenario: &Scenario, index: usize, vars: &Vars) -> Vec<IngestPlan> {
    let mut plans = scenario.ingests[index].clone();
    for h in plans.iter_mut().filter_map(|p| p.http.as_mut()) {
        for (_, v) in &mut h.headers {
            *v = vars.fill(v);
        }
    }
    plans
}

/// Sends the target's setup requests and returns what they captured.
async fn http_setup(
    scenario: &Scenario,
    target: &Target,
    h: &HttpTarget,
    vars: &Vars,
    timeout: Duration,
) -> Result<Vec<(String, String)>, EngineError> {
    // Setup may create what the base URL points into: send it to the host's root.
    let base = vars.fill(&h.base_url);
    let root = base.strip_prefix("http://").map_or(base.clone(), |r| {
        format!("http://{}", r.split('/').next().unwrap_or(r))
    });
    let headers: Vec<(String, String)> = h
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), vars.fill(v)))
        .collect();
    let driver = HttpDriver::new(target.name.as_str(), &root, &headers, timeout, scenario).await?;
    let requests: Vec<SetupRequest> = h
        .setup
        .iter()
        .map(|s| SetupRequest {
            method: s
                .method
                .clone()
                .unwrap_or_else(|| "POST".into())
                .to_ascii_uppercase(),
            path: s.path.clone(),
            headers: s
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            body: s.body.clone(),
            expect: s.expect_status.clone(),
            capture: s
                .capture
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
        .collect();
    driver
        .setup_requests(&requests, |text, captured| {
            fill_captures(&vars.fill(text), captured)
        })
        .await
        .map_err(|e| EngineError::Setup {
            target: target.name.to_string(),
            message: e.to_string(),
        })
}

/// The load phase: rows rendered by a producer thread, sent by the driver, with progress.
async fn ingest<D: Driver>(
    scenario: &Scenario,
    target: &Target,
    plan: &IngestPlan,
    data: &Arc<Dataset>,
    driver: &D,
    observer: &dyn Observer,
) -> Result<IngestStats, EngineError> {
    let encoding = if plan.copy.is_some() {
        Encoding::CopyText
    } else if plan.http.is_some() {
        Encoding::Http
    } else {
        Encoding::Resp
    };
    let rows = data.rows(plan.rows);
    let done = Arc::new(AtomicU64::new(0));
    observer.phase_started(
        scenario.name.as_str(),
        target.name.as_str(),
        PhaseKind::Ingest,
        Arc::clone(&done),
        Some(rows),
        None,
    );
    let result = driver
        .ingest(plan, produce(plan, data, encoding), &done)
        .await;
    observer.phase_finished();
    let stats = result.map_err(|e| EngineError::Setup {
        target: target.name.to_string(),
        message: format!("load phase: {e}"),
    })?;
    if stats.rows != rows {
        return Err(EngineError::Setup {
            target: target.name.to_string(),
            message: format!("load phase: {} of {rows} rows written", stats.rows),
        });
    }
    Ok(stats)
}

/// The load phases as pseudo-operations: `ingest` (rows per second) and `index-build`; with
/// several kinds of rows, `ingest-vectors`, `index-build-edges`…
fn load_records(loads: Vec<(u32, RowKind, IngestStats)>) -> Vec<OperationRecord> {
    let mut kinds: Vec<RowKind> = Vec::new();
    for (_, k, _) in &loads {
        if !kinds.contains(k) {
            kinds.push(*k);
        }
    }
    let several = kinds.len() > 1;
    let mut out = Vec::new();
    let mut rest = loads;
    for kind in kinds {
        let suffix = if several {
            format!("-{}", kind.name())
        } else {
            String::new()
        };
        let (of_kind, others): (Vec<_>, Vec<_>) =
            rest.into_iter().partition(|(_, k, _)| *k == kind);
        rest = others;
        out.extend(load_records_of(
            of_kind.into_iter().map(|(r, _, s)| (r, s)).collect(),
            &suffix,
        ));
    }
    out
}

#[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
fn load_records_of(loads: Vec<(u32, IngestStats)>, suffix: &str) -> Vec<OperationRecord> {
    use crate::scenario::Metric;
    if loads.is_empty() {
        return Vec::new();
    }
    let rep = |index: u32, rows: u64, elapsed: Duration, latency: Latency| Repetition {
        index: index + 1,
        elapsed_ns: u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX),
        count: rows,
        errors: std::collections::BTreeMap::new(),
        error_samples: std::collections::BTreeMap::new(),
        throughput: rows as f64 / elapsed.as_secs_f64().max(1e-9),
        target_rate: None,
        achieved_rate: rows as f64 / elapsed.as_secs_f64().max(1e-9),
        late_sends: 0,
        latency,
        service: None,
        recall: None,
        precision: None,
    };
    let mut ingest = Vec::new();
    let mut index = Vec::new();
    for (i, s) in loads {
        ingest.push(rep(
            i,
            s.rows,
            s.elapsed,
            Latency::from_histogram(&s.batches),
        ));
        if let Some(d) = s.index {
            let mut h = crate::record::new_histogram();
            h.saturating_record(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1));
            index.push(rep(i, 1, d, Latency::from_histogram(&h)));
        }
    }
    let mut out = vec![OperationRecord {
        name: format!("{INGEST_OP}{suffix}"),
        repetitions: ingest,
        metrics: Some(vec![Metric::Throughput]),
        summary: None,
        unit: None,
    }];
    if !index.is_empty() {
        out.push(OperationRecord {
            name: format!("{INDEX_OP}{suffix}"),
            repetitions: index,
            metrics: Some(vec![Metric::Mean]),
            summary: None,
            unit: None,
        });
    }
    out
}
