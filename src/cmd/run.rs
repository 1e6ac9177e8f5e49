//! `benchbot run`: execute scenarios, write records, compare with baselines, report.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context as _;
use chrono::Utc;
use sha2::{Digest, Sha256};

use crate::cli::RunArgs;
use crate::engine::{run_scenario, RunContext};
use crate::github::{fork_refusal, Context, Event};
use crate::history::{select_baseline, Appended, History, PushSettings};
use crate::printer::Printer;
use crate::record::{
    GitInfo, LoadInfo, RunRecord, ScenarioInfo, ThresholdsInfo, FORMAT, FORMAT_VERSION,
};
use crate::report;
use crate::scenario::{hex, LoadMode, Scenario, Stop, Warmup};
use crate::system;
use crate::verdict::compare;
use crate::ExitStatus;

/// # Errors
/// Fatal errors only; a regression is a result.
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

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let cancel = Arc::new(AtomicBool::new(false));
    let ctx = RunContext {
        log_dir: args.output.out.join("logs"),
        benchbot_exe: std::env::current_exe().context("locating the benchbot executable")?,
        cancel: Arc::clone(&cancel),
    };
    rt.spawn({
        let cancel = Arc::clone(&cancel);
        async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.store(true, Ordering::Relaxed);
            }
        }
    });
    let history = args
        .history
        .as_deref()
        .map(|p| History::open(p, &args.history_branch))
        .transpose()?;
    let environment = system::environment();
    let git = git_info();
    let mut comparisons = Vec::new();
    let mut fatal = false;
    for s in scenarios {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let scenario = Arc::new(s);
        printer.msg(&format!(
            "running {} ({})",
            scenario.name,
            scenario.path.display()
        ));
        let started_at = Utc::now();
        let outcome = match rt.block_on(run_scenario(&scenario, &ctx, printer)) {
            Ok(o) => o,
            Err(e) => {
                printer.error(&format!("scenario `{}` failed: {e}", scenario.name));
                fatal = true;
                continue;
            }
        };
        let record = RunRecord {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            benchbot_version: env!("CARGO_PKG_VERSION").into(),
            run_id: run_id(started_at, &scenario.name.to_string()),
            incomplete: outcome.cancelled,
            started_at,
            finished_at: Utc::now(),
            git: git.clone(),
            trigger: Some(trigger.clone()),
            scenario: scenario_info(&scenario),
            load: load_info(&scenario),
            environment: environment.clone(),
            targets: outcome.targets,
        };
        let path = args
            .output
            .out
            .join("records")
            .join(record.scenario.name.as_str())
            .join(format!("{}.json", record.run_id));
        record
            .write(&path)
            .with_context(|| format!("writing the run record {}", path.display()))?;
        printer.msg(&format!("  record: {}", path.display()));
        if let (Some(h), false) = (&history, record.incomplete) {
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
        if record.incomplete {
            printer.error(&format!(
                "scenario `{}` was interrupted; the partial record is marked incomplete",
                scenario.name
            ));
            fatal = true;
            break;
        }
        let base_path = super::baseline_path(&args.baselines, scenario.name.as_str());
        let baseline = if let (Some(h), Some(branch)) = (&history, &history_baseline) {
            let stored = h.records(Some(scenario.name.as_str()))?;
            let code = git2::Repository::discover(".").ok();
            let selection = select_baseline(&stored, &record, code.as_ref(), branch, 5);
            printer.msg(&format!("  {}", selection.note));
            selection.baseline
        } else if base_path.exists() {
            match RunRecord::read(&base_path) {
                Ok(b) => Some(b),
                Err(e) => {
                    printer.error(&format!("{e}\n  hint: the run record above was kept; fix or replace the baseline and run `benchbot compare`"));
                    fatal = true;
                    continue;
                }
            }
        } else {
            printer.msg(&format!(
                "  no baseline at {} (create one with `benchbot baseline write {}`)",
                base_path.display(),
                path.display()
            ));
            None
        };
        comparisons.push(compare(&record, baseline.as_ref()));
    }
    rt.shutdown_background();
    if let (Some(h), Some(remote)) = (&history, &args.push) {
        // The token comes from the environment and goes only to git2's credential callback.
        let token = std::env::var("BENCHBOT_TOKEN")
            .or_else(|_| std::env::var("GITHUB_TOKEN"))
            .ok();
        match h.push(&PushSettings::new(remote, token)) {
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

fn run_id(at: chrono::DateTime<Utc>, salt: &str) -> String {
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

fn git_info() -> Option<GitInfo> {
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
        thresholds: ThresholdsInfo {
            regression: th.regression,
            warn: th.warn,
            latency_floor_ns: u64::try_from(th.latency_floor.as_nanos()).unwrap_or(u64::MAX),
            throughput_floor: th.throughput_floor,
            error_rate_floor: th.error_rate_floor,
            alpha: th.alpha,
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
    let _ = writeln!(
        out,
        "  sequence digest (first {} ops): {}",
        s.digest_len().min(crate::scenario::DIGEST_OPS),
        s.sequence_digest(s.digest_len().min(crate::scenario::DIGEST_OPS))
    );
    out
}

fn display_path(p: &Path) -> String {
    p.display().to_string()
}
