//! `benchbot run`: execute scenarios, write records, compare with baselines, report.
//!
//! The suite keeps its state in `<out>/state.json` so that `--resume` can finish an
//! interrupted suite with the same run id and no duplicate records.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cli::{PreflightMode, RunArgs};
use crate::driver::service::{kill_all, pin_current};
use crate::engine::{run_scenario, Cancel, RunContext};
use crate::github::{fork_refusal, Context, Event};
use crate::history::{select_baseline, Appended, History, PushSettings};
use crate::printer::Printer;
use crate::record::{
    write_atomic, GitInfo, LoadInfo, RunRecord, ScenarioInfo, ThresholdsInfo, FORMAT,
    FORMAT_VERSION,
};
use crate::report;
use crate::scenario::{hex, Dur, LoadMode, Scenario, Stop, Warmup};
use crate::system;
use crate::system::preflight::{preflight, CheckStatus, Limits};
use crate::verdict::{compare, Comparison};
use crate::ExitStatus;

/// `<out>/state.json`: where an interrupted suite stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SuiteState {
    format_version: u32,
    run_id: String,
    started_at: DateTime<Utc>,
    scenarios: BTreeMap<String, ScenarioState>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct ScenarioState {
    /// `pending`, `running`, `done` or `failed`.
    status: String,
    attempts: u32,
    record: Option<PathBuf>,
    error: Option<String>,
}

impl SuiteState {
    fn save(&self, path: &Path) -> anyhow::Result<()> {
        write_atomic(
            path,
            (serde_json::to_string_pretty(self)? + "\n").as_bytes(),
        )
        .with_context(|| format!("writing {}", path.display()))
    }
}

/// Parses `0-3,6` into CPU numbers.
fn cpu_list(text: &str) -> anyhow::Result<Vec<usize>> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || anyhow::anyhow!("`{part}` in `{text}` is not a CPU number or range like 0-3");
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (usize, usize) =
                    (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
                anyhow::ensure!(a <= b, bad());
                out.extend(a..=b);
            }
            None => out.push(part.parse().map_err(|_| bad())?),
        }
    }
    anyhow::ensure!(!out.is_empty(), "no CPU in `{text}`");
    Ok(out)
}

/// # Errors
/// Fatal errors only; a regression is a result.
#[expect(
    clippy::too_many_lines,
    reason = "the suite's sequence reads best in one place"
)]
pub fn run(args: &RunArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let gh = Context::from_env()?;
    if let Some(pr) = gh.pull_request() {
        if let Some(why) = fork_refusal(pr, &args.publishing.fork_label, args.publishing.allow_fork)
        {
            printer.error(&why);
            return Ok(ExitStatus::Failure);
        }
    }
    // workflow_dispatch inputs fill in what the command line left open.
    let dispatch = match &gh.event {
        Event::WorkflowDispatch(d) => Some(d),
        _ => None,
    };
    let filter: Vec<String> = if args.filter.is_empty() {
        dispatch
            .and_then(|d| d.input("scenario"))
            .map(|s| {
                s.split([',', ' '])
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    } else {
        args.filter.clone()
    };
    let repetitions = match (
        args.repetitions,
        dispatch.and_then(|d| d.input("repetitions")),
    ) {
        (Some(r), _) => Some(r),
        (None, Some(text)) => Some(text.parse::<u32>().map_err(|_| {
            anyhow::anyhow!("workflow_dispatch input `repetitions` = `{text}` is not a number")
        })?),
        (None, None) => None,
    };
    let history_baseline = args
        .history_baseline
        .clone()
        .or_else(|| dispatch.and_then(|d| d.input("baseline")))
        .or_else(|| {
            args.history
                .as_ref()
                .and(gh.pull_request())
                .map(|pr| pr.pull_request.base.reference.clone())
        });
    let post = args.publish
        && dispatch
            .and_then(|d| d.input("publish"))
            .is_none_or(|p| p != "false");
    let trigger = args.trigger.clone().unwrap_or_else(|| gh.trigger());
    let sample_interval = Dur::parse(&args.sample_interval)
        .map_err(|e| anyhow::anyhow!("--sample-interval: {e}"))?
        .get()
        .max(Duration::from_millis(100));
    let scenario_cooldown = args
        .scenario_cooldown
        .as_deref()
        .map(Dur::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--scenario-cooldown: {e}"))?
        .map_or(Duration::ZERO, Dur::get);
    let Some(mut scenarios) = super::load_scenarios(&args.paths, printer)? else {
        return Ok(ExitStatus::Failure);
    };
    if !filter.is_empty() {
        for f in &filter {
            if !scenarios.iter().any(|s| s.name.as_str() == f) {
                anyhow::bail!(
                    "no scenario named `{f}` under {}",
                    args.paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        scenarios.retain(|s| filter.iter().any(|f| f == s.name.as_str()));
    }
    let tiers: Vec<String> = if args.tiers.is_empty() {
        dispatch
            .and_then(|d| d.input("tier"))
            .map(|s| {
                s.split([',', ' '])
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    } else {
        args.tiers.clone()
    };
    if !tiers.is_empty() {
        scenarios.retain(|s| {
            s.file
                .scenario
                .tier
                .as_ref()
                .is_some_and(|t| tiers.iter().any(|w| w == t.as_str()))
        });
        if scenarios.is_empty() {
            anyhow::bail!(
                "no scenario of tier {} under {}",
                tiers.join(", "),
                args.paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    if let Some(r) = repetitions {
        anyhow::ensure!((1..=1000).contains(&r), "--repetitions must be in 1..=1000");
        for s in &mut scenarios {
            s.load.repetitions = r;
        }
    }
    if args.dry_run {
        for s in &scenarios {
            printer.out(&plan(s));
        }
        return Ok(ExitStatus::Success);
    }

    // Preflight.
    let preflight_report = (args.preflight != PreflightMode::Off).then(|| {
        let needed = scenarios
            .iter()
            .filter_map(|s| s.file.scenario.memory.map(|m| m.0))
            .max();
        let limits = Limits {
            strict: args.preflight == PreflightMode::Strict,
            needed_memory: needed.unwrap_or(Limits::default().needed_memory),
            ..Limits::default()
        };
        preflight(&limits)
    });
    if let Some(p) = &preflight_report {
        let outcome = p.outcome();
        let worth_showing = outcome != CheckStatus::Pass;
        if worth_showing {
            printer.msg(&super::preflight::render(p));
        }
        if outcome == CheckStatus::Fail
            && matches!(
                args.preflight,
                PreflightMode::Enforce | PreflightMode::Strict
            )
        {
            printer.error("preflight failed; nothing was run\n  hint: quiet the machine (see docs/self-hosted-runners.md) or run with --preflight report");
            return Ok(ExitStatus::Failure);
        }
    }
    if let Some(cpus) = &args.generator_cpus {
        // Before the runtime starts, so every worker thread inherits the mask.
        pin_current(&cpu_list(cpus)?).with_context(|| format!("--generator-cpus {cpus}"))?;
    }

    // Suite state: a fresh suite, or the one being resumed.
    let state_path = args.output.out.join("state.json");
    let mut state = if args.resume {
        let text = std::fs::read_to_string(&state_path)
            .with_context(|| format!("{}: no suite to resume", state_path.display()))?;
        let st: SuiteState = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: not a suite state: {e}",
                state_path.display(),
                e.line(),
                e.column()
            )
        })?;
        printer.msg(&format!(
            "resuming run {} ({} of {} scenario(s) done)",
            st.run_id,
            st.scenarios.values().filter(|s| s.status == "done").count(),
            st.scenarios.len()
        ));
        st
    } else {
        let started_at = Utc::now();
        SuiteState {
            format_version: 1,
            run_id: run_id(started_at, &args.output.out.display().to_string()),
            started_at,
            scenarios: BTreeMap::new(),
        }
    };
    for s in &scenarios {
        state
            .scenarios
            .entry(s.name.to_string())
            .or_insert_with(|| ScenarioState {
                status: "pending".into(),
                ..ScenarioState::default()
            });
    }
    state.save(&state_path)?;

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let cancel = Cancel::new();
    let ctx = RunContext {
        log_dir: args.output.out.join("logs"),
        benchbot_exe: std::env::current_exe().context("locating the benchbot executable")?,
        cancel: cancel.clone(),
        sample_interval,
        cache_dir: cache_dir(args.cache_dir.as_deref(), &args.output.out),
    };
    rt.spawn(signals(cancel.clone()));
    let history = args
        .history
        .as_deref()
        .map(|p| History::open(p, &args.history_branch))
        .transpose()?;
    let environment = system::environment(gh.runner_name.clone(), args.runner_labels.clone());
    let git = git_info();
    let mut comparisons = Vec::new();
    let mut fatal = false;
    for (n, s) in scenarios.into_iter().enumerate() {
        if cancel.is_cancelled() {
            break;
        }
        let name = s.name.to_string();
        let path = args
            .output
            .out
            .join("records")
            .join(&name)
            .join(format!("{}.json", state.run_id));
        if state
            .scenarios
            .get(&name)
            .is_some_and(|st| st.status == "done")
        {
            // Completed before the interruption: judge its record again, run nothing.
            match RunRecord::read(&path) {
                Ok(record) => {
                    printer.msg(&format!(
                        "skipping {name}: completed in run {}",
                        state.run_id
                    ));
                    if let Some(c) = judge(
                        &record,
                        &args.baselines,
                        history.as_ref(),
                        history_baseline.as_deref(),
                        printer,
                        &mut fatal,
                    ) {
                        comparisons.push(c);
                    }
                    continue;
                }
                Err(e) => printer.msg(&format!(
                    "re-running {name}: its record cannot be read ({e})"
                )),
            }
        }
        if n > 0 && !scenario_cooldown.is_zero() {
            std::thread::sleep(scenario_cooldown);
        }
        let scenario = Arc::new(s);
        let mut outcome = None;
        for attempt in 1..=args.retries + 1 {
            let entry = state.scenarios.entry(name.clone()).or_default();
            entry.status = "running".into();
            entry.attempts += 1;
            state.save(&state_path)?;
            printer.msg(&format!(
                "running {name} ({}){}",
                scenario.path.display(),
                if attempt > 1 {
                    format!(", attempt {attempt}")
                } else {
                    String::new()
                }
            ));
            let started_at = Utc::now();
            match rt.block_on(run_scenario(&scenario, &ctx, printer)) {
                Ok(o) => {
                    outcome = Some((o, started_at));
                    break;
                }
                Err(e) => {
                    printer.error(&format!("scenario `{name}` failed: {e}"));
                    let entry = state.scenarios.entry(name.clone()).or_default();
                    entry.status = "failed".into();
                    entry.error = Some(e.to_string());
                    state.save(&state_path)?;
                    if cancel.is_cancelled() {
                        break;
                    }
                }
            }
        }
        let Some((outcome, started_at)) = outcome else {
            fatal = true;
            continue;
        };
        let record = RunRecord {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            benchbot_version: env!("CARGO_PKG_VERSION").into(),
            run_id: state.run_id.clone(),
            incomplete: outcome.cancelled,
            started_at,
            finished_at: Utc::now(),
            git: git.clone(),
            trigger: Some(trigger.clone()),
            scenario: scenario_info(&scenario),
            load: load_info(&scenario),
            environment: environment.clone(),
            preflight: preflight_report.clone(),
            targets: outcome.targets,
        };
        record
            .write(&path)
            .with_context(|| format!("writing the run record {}", path.display()))?;
        printer.msg(&format!("  record: {}", path.display()));
        if record.incomplete {
            printer.error(&format!("scenario `{name}` was interrupted; the partial record is marked incomplete\n  hint: `benchbot run --resume --out {}` finishes the suite", args.output.out.display()));
            fatal = true;
            break;
        }
        if let Some(h) = &history {
            match h.append(&record) {
                Ok(Appended::Added { path, .. }) => {
                    printer.msg(&format!("  history: {path} on `{}`", h.branch()))
                }
                Ok(Appended::AlreadyPresent { path }) => {
                    printer.msg(&format!("  history: {path} already stored"))
                }
                Err(e) => {
                    printer.error(&format!("{e}\n  hint: the run record above was kept; add it later with `benchbot history import`"));
                    fatal = true;
                }
            }
        }
        let entry = state.scenarios.entry(name.clone()).or_default();
        entry.status = "done".into();
        entry.record = Some(path.clone());
        entry.error = None;
        state.save(&state_path)?;
        if let Some(c) = judge(
            &record,
            &args.baselines,
            history.as_ref(),
            history_baseline.as_deref(),
            printer,
            &mut fatal,
        ) {
            comparisons.push(c);
        }
    }
    rt.shutdown_background();
    if cancel.is_cancelled() {
        fatal = true;
    }
    if let (Some(h), Some(remote)) = (&history, &args.push) {
        // The token goes only to git2's credential callback.
        match h.push(&PushSettings::new(remote, gh.token.clone())) {
            Ok(o) => printer.msg(&format!(
                "history: pushed `{}` ({} attempt(s), {} record file(s) re-applied)",
                h.branch(),
                o.attempts,
                o.replayed
            )),
            Err(e) => {
                printer.error(&format!(
                    "{e}\n  hint: the records are committed locally on `{}`; push again later",
                    h.branch()
                ));
                fatal = true;
            }
        }
    }
    super::emit_reports(&comparisons, &args.output, printer)?;
    if let Err(e) = super::publish::publish(
        &comparisons,
        &args.publishing,
        &gh,
        &args.output.out,
        history.as_ref(),
        post,
        printer,
    ) {
        printer.error(&format!("{e:#}\n  hint: the run records and reports above were written; publish again with `benchbot publish`"));
        return Ok(ExitStatus::Failure);
    }
    if fatal {
        return Ok(ExitStatus::Failure);
    }
    Ok(report::overall(&comparisons).into())
}

/// The comparison of a record with its baseline (committed file or history).
fn judge(
    record: &RunRecord,
    baselines: &Path,
    history: Option<&History>,
    history_baseline: Option<&str>,
    printer: &Printer,
    fatal: &mut bool,
) -> Option<Comparison> {
    let name = record.scenario.name.as_str();
    let base_path = super::baseline_path(baselines, name);
    let baseline = if let (Some(h), Some(branch)) = (history, history_baseline) {
        match h.records(Some(name)) {
            Ok(stored) => {
                let code = git2::Repository::discover(".").ok();
                let selection = select_baseline(&stored, record, code.as_ref(), branch, 5);
                printer.msg(&format!("  {}", selection.note));
                selection.baseline
            }
            Err(e) => {
                printer.error(&format!("{e}\n  hint: the run record above was kept; fix the history and run `benchbot compare`"));
                *fatal = true;
                return None;
            }
        }
    } else if base_path.exists() {
        match RunRecord::read(&base_path) {
            Ok(b) => Some(b),
            Err(e) => {
                printer.error(&format!("{e}\n  hint: the run record above was kept; fix or replace the baseline and run `benchbot compare`"));
                *fatal = true;
                return None;
            }
        }
    } else {
        printer.msg(&format!(
            "  no baseline at {} (create one with `benchbot baseline write <record>`)",
            base_path.display()
        ));
        None
    };
    Some(compare(record, baseline.as_ref()))
}

/// SIGINT/SIGTERM: the first stops load generation (services are stopped and a partial record
/// is written); a second exits at once after killing the services' process groups.
async fn signals(cancel: Cancel) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return;
    };
    loop {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
        if cancel.is_cancelled() {
            kill_all();
            Printer::new(false).error("second signal: exiting at once");
            #[expect(
                clippy::exit,
                reason = "a second signal must end the process immediately"
            )]
            std::process::exit(3);
        }
        Printer::new(false)
            .msg("stopping: finishing the partial record (signal again to exit at once)");
        cancel.cancel();
    }
}

pub(crate) fn run_id(at: chrono::DateTime<Utc>, salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(at.timestamp_nanos_opt().unwrap_or_default().to_le_bytes());
    format!(
        "{}-{}",
        at.format("%Y%m%dT%H%M%SZ"),
        &hex(&h.finalize())[..8]
    )
}

pub(crate) fn git_info() -> Option<GitInfo> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let sha = git(&["rev-parse", "HEAD"])?;
    Some(GitInfo {
        sha,
        reference: git(&["rev-parse", "--abbrev-ref", "HEAD"]),
    })
}

fn scenario_info(s: &Scenario) -> ScenarioInfo {
    let m = &s.file.scenario;
    let th = &s.thresholds;
    ScenarioInfo {
        name: s.name.to_string(),
        kind: s.kind,
        description: m.description.clone(),
        tags: m.tags.iter().map(ToString::to_string).collect(),
        tier: m.tier.as_ref().map(ToString::to_string),
        mode: m.mode,
        seed: s.seed,
        source_digest: s.source_digest.clone(),
        sequence_digest: s.sequence_digest(s.digest_len()),
        sequence_ops: s.digest_len(),
        published: m.published.clone(),
        dataset: s
            .dataset
            .as_ref()
            .map(|d| crate::record::DatasetInfo::of(d, true)),
        thresholds: ThresholdsInfo {
            regression: th.regression,
            warn: th.warn,
            latency_floor_ns: u64::try_from(th.latency_floor.as_nanos()).unwrap_or(u64::MAX),
            throughput_floor: th.throughput_floor,
            error_rate_floor: th.error_rate_floor,
            alpha: th.alpha,
            recall_margin: th.recall_margin,
            metrics: th.metrics.clone(),
            slo: th.slos.clone(),
        },
    }
}

fn load_info(s: &Scenario) -> LoadInfo {
    let l = &s.load;
    LoadInfo {
        mode: l.mode,
        concurrency: l.concurrency,
        rate: l.rate,
        duration_ns: match l.stop {
            Stop::Duration(d) => Some(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)),
            Stop::Operations(_) => None,
        },
        operations: match l.stop {
            Stop::Operations(n) => Some(n),
            Stop::Duration(_) => None,
        },
        warmup: l.warmup.map(|w| match w {
            Warmup::Duration(d) => d.to_string(),
            Warmup::Operations(n) => format!("{n} operations"),
        }),
        repetitions: l.repetitions,
        cooldown_ns: u64::try_from(l.cooldown.as_nanos()).unwrap_or(u64::MAX),
    }
}

/// The `--dry-run` plan of one scenario.
#[must_use]
#[expect(clippy::cast_precision_loss, reason = "estimates")]
pub fn plan(s: &Scenario) -> String {
    let l = &s.load;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "scenario {} ({}) — {}",
        s.name,
        s.kind,
        display_path(&s.path)
    );
    for t in &s.file.targets {
        let driver = if let Some(h) = &t.http {
            format!("http {}", h.base_url)
        } else if let Some(r) = &t.redis {
            format!("redis {}", r.address)
        } else if t.postgres.is_some() {
            "postgres".into()
        } else {
            "command".into()
        };
        let svc = t
            .service
            .as_ref()
            .map(|sv| format!(", service `{}`", sv.command.join(" ")))
            .unwrap_or_default();
        let _ = writeln!(out, "  target {} [{}] {driver}{svc}", t.name, t.role);
    }
    let total: u64 = s.ops.iter().map(|o| u64::from(o.weight)).sum();
    for o in &s.ops {
        let _ = writeln!(
            out,
            "  operation {} weight {} ({:.1}%)",
            o.name,
            o.weight,
            100.0 * f64::from(o.weight) / total as f64
        );
    }
    let per_rep = match l.stop {
        Stop::Duration(d) => format!("{:.1}s", d.as_secs_f64()),
        Stop::Operations(n) => format!("{n} operations"),
    };
    let rate = if l.mode == LoadMode::Open {
        format!(" at {} ops/s", l.rate.unwrap_or(0.0))
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "  load {} concurrency {}{rate}, {} × {per_rep}, seed {}",
        l.mode, l.concurrency, l.repetitions, s.seed
    );
    let targets = s.file.targets.len() as f64;
    let reps = f64::from(l.repetitions);
    let warm = match l.warmup {
        Some(Warmup::Duration(d)) => d.get().as_secs_f64(),
        _ => 0.0,
    };
    let cooldown = l.cooldown.as_secs_f64();
    let estimate = match (l.stop, l.mode, l.rate) {
        (Stop::Duration(d), LoadMode::Open, Some(r)) => {
            format!("~{:.0} requests", r * d.as_secs_f64() * reps * targets)
        }
        (Stop::Operations(n), _, _) => format!("{} requests", n as f64 * reps * targets),
        _ => "requests depend on latency (closed loop)".into(),
    };
    let secs = match l.stop {
        Stop::Duration(d) => Some(targets * (reps * (d.as_secs_f64() + cooldown) + warm)),
        Stop::Operations(n) => l
            .rate
            .map(|r| targets * (reps * (n as f64 / r + cooldown) + warm)),
    };
    let _ = writeln!(
        out,
        "  estimate: {}, {estimate}",
        secs.map_or_else(
            || "duration depends on latency".into(),
            |t| format!("~{t:.0}s of measurement")
        )
    );
    if let Some(d) = &s.dataset {
        let info = crate::record::DatasetInfo::of(d, false);
        for (what, t) in info.parts() {
            let _ = writeln!(out, "  dataset {what}: {t}");
        }
        let e = d.estimate();
        if let (Some(truth), Some(rate)) = (e.truth, e.rows_per_sec) {
            let size = |b: u64| {
                if b >= 1 << 30 {
                    format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64)
                } else {
                    format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64)
                }
            };
            let _ = writeln!(
                out,
                "  memory: {} of vectors per target (plus its index); benchbot holds {}",
                size(e.vector_bytes),
                size(e.resident_bytes)
            );
            let ingests = s
                .ingests
                .iter()
                .flatten()
                .filter(|p| p.rows == crate::dataset::RowKind::Vectors)
                .count();
            let _ = writeln!(
                out,
                "  estimate: exact ground truth ~{} on this machine (cached after the first run); generating the vectors for {ingests} load phase(s) ≥ {} (the targets' ingest takes longer)",
                human_secs(truth.as_secs_f64()),
                human_secs(ingests as f64 * d.rows(crate::dataset::RowKind::Vectors) as f64 / rate)
            );
        }
    }
    let _ = writeln!(
        out,
        "  sequence digest (first {} ops): {}",
        s.digest_len().min(crate::scenario::DIGEST_OPS),
        s.sequence_digest(s.digest_len().min(crate::scenario::DIGEST_OPS))
    );
    out
}

/// The ground-truth cache: the flag, `$BENCHBOT_CACHE_DIR`, the XDG cache, `~/.cache`, or
/// the output directory.
#[must_use]
pub fn cache_dir(flag: Option<&Path>, out: &Path) -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    flag.map(Path::to_owned)
        .or_else(|| env("BENCHBOT_CACHE_DIR"))
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("benchbot")))
        .or_else(|| env("HOME").map(|d| d.join(".cache").join("benchbot")))
        .unwrap_or_else(|| out.join("cache"))
}

fn human_secs(s: f64) -> String {
    if s < 120.0 {
        format!("{s:.1}s")
    } else if s < 7200.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

fn display_path(p: &Path) -> String {
    p.display().to_string()
}
