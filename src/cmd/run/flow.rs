//! The run's stages in order.

use anyhow::Context as _;

use super::assemble::{git_info, RunInfo};
use super::execute::AbSetup;
use super::execute::Runner;
use super::settings::Settings;
use super::suite::SuiteState;
use crate::cli::{AbArgs, Blocks, PreflightMode, RunArgs};
use crate::cmd::baselines::BaselineSource;
use crate::driver::service::pin_current;
use crate::engine::{Cancel, RunContext};
use crate::exit::{ExitStatus, Outcome};
use crate::github::{fork_refusal, Context};
use crate::history::{History, PushSettings};
use crate::printer::Printer;
use crate::report::{plan, preflight_table};
use crate::scenario::Scenario;
use crate::system;
use crate::system::preflight::{preflight, CheckStatus, Limits, PreflightReport};
use crate::util::error::chain;

/// # Errors
/// Fatal errors only; a regression is a result.
pub fn run(args: &RunArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    execute(args, None, printer)
}

/// `run`, or with `ab` the interleaved A/B of two trees.
///
/// # Errors
/// Fatal errors only; a regression is a result.
pub fn execute(
    args: &RunArgs,
    ab: Option<&AbArgs>,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let Some(Prepared {
        gh,
        settings,
        scenarios,
        preflight,
    }) = prepare(args, printer)?
    else {
        return Ok(ExitStatus::Failure);
    };
    let scenarios = if ab.is_some() {
        match interleavable(scenarios, &settings, "benchbot ab", printer) {
            Some(s) => s,
            None => return Ok(ExitStatus::Failure),
        }
    } else {
        scenarios
    };
    if args.dry_run {
        for s in &scenarios {
            printer.out(&plan(s));
            if let Some(n) = args.show_requests {
                printer.out(&crate::report::requests(s, n));
            }
        }
        return Ok(ExitStatus::Success);
    }
    let ab = match ab {
        Some(a) => match ab_setup(a, &scenarios, printer) {
            Ok(setup) => Some(setup),
            Err(e) => {
                printer.error(&format!("{e:#}"));
                return Ok(ExitStatus::Failure);
            }
        },
        None => None,
    };
    let _lock = crate::util::lock_dir(&args.output.out)
        .with_context(|| format!("--out {}", args.output.out.display()))?;
    reap(&args.output.out, printer);
    let mut suite = SuiteState::open(&args.output.out, args.resume, &scenarios, printer)?;
    if !args.resume {
        suite.set_repetitions(settings.repetitions)?;
    }
    let rt = runtime()?;
    let cancel = Cancel::new();
    rt.spawn(super::signals::signals(cancel.clone()));
    let mut ctx = context(args, &settings, cancel.clone(), printer)?;
    if !meet(&mut ctx, &settings, &scenarios, (&gh, args), printer) {
        return Ok(ExitStatus::Failure);
    }
    let history = args
        .history
        .as_deref()
        .map(|p| History::open(p, &args.history_branch))
        .transpose()?;
    let runner = Runner {
        args,
        out: args.output.out.clone(),
        settings: &settings,
        rt: &rt,
        ctx: &ctx,
        history: history.as_ref(),
        baselines: baseline_source(history.as_ref(), &settings, args),
        info: run_info(suite.run_id.clone(), &settings, &gh, args, preflight),
        options: crate::cmd::judging::options(&args.judging),
        ab,
        printer,
    };
    let mut outcome = Outcome::default();
    let mut comparisons = runner.all(scenarios, &mut suite, &mut outcome)?;
    crate::cmd::judging::accept_by_label(
        &mut comparisons,
        &gh,
        &args.publishing.accept_label,
        printer,
    );
    drop(runner);
    if let Some(r) = &ctx.rendezvous {
        r.finish();
    }
    rt.shutdown_background();
    if cancel.is_cancelled() {
        outcome.fail();
    }
    finish(
        args,
        &settings,
        &gh,
        history.as_ref(),
        &comparisons,
        &mut outcome,
        printer,
    )?;
    Ok(outcome.status())
}

/// Sets every scenario to generate `shard` of its load; refuses what a shard cannot do alone:
/// start the system under test (each shard would start its own copy), load its data without a
/// rendezvous (the shards would load it N times), or sweep.
fn shard_all(
    scenarios: &mut [Scenario],
    shard: crate::scenario::Shard,
    rendezvous: bool,
) -> Result<(), String> {
    for s in scenarios.iter_mut() {
        let name = &s.name;
        if let Some(t) = s.targets.iter().find(|t| t.service.is_some()) {
            return Err(format!(
                "--shard: scenario `{name}`: target `{}` is a managed service, and every shard would start its own copy; run the system once and point the shards at it",
                t.name
            ));
        }
        if let Some(t) = s
            .targets
            .iter()
            .find(|t| !t.load_phases.is_empty() && !rendezvous)
        {
            return Err(format!(
                "--shard: scenario `{name}`: target `{}` has a load phase, which every shard would repeat; give the shards a --rendezvous directory (shard 1 sets up, each shard loads its part), or load the data once and run the shards without it",
                t.name
            ));
        }
        if s.load.sweep.is_some() {
            return Err(format!(
                "--shard: scenario `{name}` is a sweep; shard each level as a scenario of its own"
            ));
        }
        if s.load.mode == crate::scenario::LoadMode::Closed && s.load.concurrency < shard.count {
            return Err(format!(
                "--shard: scenario `{name}` runs {} worker(s), fewer than the {} shards: each shard needs one at least",
                s.load.concurrency, shard.count
            ));
        }
        s.load.shard = Some(shard);
    }
    Ok(())
}

/// Waits until `at`; `false` (after an error) when it is already more than a second past, or
/// when interrupted.
fn wait_until(
    at: chrono::DateTime<chrono::Utc>,
    cancel: &crate::engine::Cancel,
    printer: &Printer,
) -> bool {
    let now = chrono::Utc::now();
    if now - at > chrono::TimeDelta::seconds(1) {
        printer.error(&format!(
            "--start-at {} is {:.1}s in the past: the shards would not measure the same window",
            at.to_rfc3339(),
            (now - at).as_seconds_f64()
        ));
        return false;
    }
    printer.msg(&format!("waiting until {} to start", at.to_rfc3339()));
    while chrono::Utc::now() < at {
        if cancel.is_cancelled() {
            return false;
        }
        let left = (at - chrono::Utc::now()).to_std().unwrap_or_default();
        std::thread::sleep(left.min(std::time::Duration::from_millis(100)));
    }
    true
}

/// What every way of running scenarios starts from.
pub(crate) struct Prepared {
    pub gh: Context,
    pub settings: Settings,
    pub scenarios: Vec<Scenario>,
    pub preflight: Option<PreflightReport>,
}

/// The settings, the scenarios selected and the preflight checks; `None` when the run must
/// not go on (reported already), e.g. a fork's pull request, invalid scenarios, a refused
/// machine. With `--generator-cpus` the process is pinned here.
///
/// # Errors
/// Bad settings or scenario paths.
pub(crate) fn prepare(args: &RunArgs, printer: &Printer) -> anyhow::Result<Option<Prepared>> {
    prepare_with(args, args.resume, printer)
}

/// As [`prepare`]; `resume` says whether the selection is the interrupted suite's in `--out`
/// (`calibrate` resumes round by round instead).
pub(crate) fn prepare_with(
    args: &RunArgs,
    resume: bool,
    printer: &Printer,
) -> anyhow::Result<Option<Prepared>> {
    let gh = Context::from_env()?;
    if let Some(why) = gh
        .pull_request()
        .and_then(|pr| fork_refusal(pr, &args.publishing.fork_label, args.publishing.allow_fork))
    {
        printer.error(&why);
        return Ok(None);
    }
    let mut settings = Settings::resolve(args, &gh)?;
    let scenarios = if resume {
        resumed(args, &mut settings, printer)?
    } else {
        select(args, &settings, printer)?
    };
    let Some(mut scenarios) = scenarios else {
        return Ok(None);
    };
    if let Some(shard) = settings.shard {
        if let Err(why) = shard_all(&mut scenarios, shard, settings.rendezvous.is_some()) {
            printer.error(&why);
            return Ok(None);
        }
    }
    if args.dry_run {
        return Ok(Some(Prepared {
            gh,
            settings,
            scenarios,
            preflight: None,
        }));
    }
    let Ok(preflight) = preflight_stage(args, &scenarios, printer) else {
        return Ok(None);
    };
    if let Some(cpus) = &args.generator_cpus {
        // Before the runtime starts, so every worker thread inherits the mask.
        pin_current(&cpu_list(cpus)?).with_context(|| format!("--generator-cpus {cpus}"))?;
    }
    Ok(Some(Prepared {
        gh,
        settings,
        scenarios,
        preflight,
    }))
}

/// The async runtime the scenarios run on.
///
/// # Errors
/// The runtime cannot start.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// What the engine needs to know of the run; with `--metrics-addr`, the live metrics
/// endpoint is serving when this returns.
///
/// # Errors
/// The benchbot executable cannot be located, or the metrics address cannot be served.
pub(crate) fn context(
    args: &RunArgs,
    settings: &Settings,
    cancel: Cancel,
    printer: &Printer,
) -> anyhow::Result<RunContext> {
    let live = match args.metrics_addr {
        Some(addr) => {
            let live = std::sync::Arc::new(crate::engine::Live::default());
            let bound = super::metrics::serve(addr, args.metrics_any_address, live.clone())?;
            printer.msg(&format!("metrics: http://{bound}/metrics"));
            Some(live)
        }
        None => None,
    };
    Ok(RunContext {
        log_dir: args.output.out.join("logs"),
        benchbot_exe: std::env::current_exe().context("locating the benchbot executable")?,
        cancel,
        sample_interval: settings.sample_interval,
        cache_dir: settings.cache_dir.clone(),
        busy: crate::cmd::judging::busy_rule(&args.judging),
        tree: source_tree(),
        live,
        rendezvous: None,
    })
}

/// Joins the shards' rendezvous (`--rendezvous`) and waits for `--start-at`; `false` (after
/// an error) when the rendezvous is an earlier run's or cannot be written, or when the start
/// is past.
fn meet(
    ctx: &mut RunContext,
    settings: &Settings,
    scenarios: &[Scenario],
    (gh, args): (&Context, &RunArgs),
    printer: &Printer,
) -> bool {
    match rendezvous(settings, scenarios, gh, &args.output.out) {
        Ok(r) => ctx.rendezvous = r,
        Err(e) => {
            printer.error(&format!("--rendezvous: {e}"));
            return false;
        }
    }
    if let Some(Err(e)) = ctx
        .rendezvous
        .as_deref()
        .map(crate::engine::Rendezvous::join)
    {
        printer.error(&e.to_string());
        return false;
    }
    settings
        .start_at
        .is_none_or(|at| wait_until(at, &ctx.cancel, printer))
}

/// Where the shards of this run meet, named by what every shard of one run shares: the shard
/// count, the scenario files, the repetitions and the CI run.
fn rendezvous(
    settings: &Settings,
    scenarios: &[Scenario],
    gh: &Context,
    out: &std::path::Path,
) -> Result<Option<std::sync::Arc<crate::engine::Rendezvous>>, String> {
    use sha2::Digest as _;
    let (Some((place, timeout)), Some(shard)) = (settings.rendezvous.as_ref(), settings.shard)
    else {
        return Ok(None);
    };
    let mut digest = sha2::Sha256::new();
    for s in scenarios {
        digest.update(s.source_digest.as_bytes());
        digest.update(s.load.repetitions.to_le_bytes());
    }
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let ci = env("GITHUB_RUN_ID").map_or_else(
        || "none".to_owned(),
        |id| format!("{id}.{}", env("GITHUB_RUN_ATTEMPT").unwrap_or_default()),
    );
    let run = format!(
        "benchbot rendezvous 1; {} shards; scenarios {}; CI run {}",
        shard.count,
        &crate::util::hex(&digest.finalize())[..12],
        crate::util::prefix(&ci, 40)
    );
    let store = super::meeting::store(place, &run, gh.token.clone(), &out.join(".rendezvous.git"))?;
    Ok(Some(std::sync::Arc::new(crate::engine::Rendezvous::new(
        store, shard, &run, *timeout,
    ))))
}

/// What every record of a run shares.
pub(crate) fn run_info(
    run_id: String,
    settings: &Settings,
    gh: &Context,
    args: &RunArgs,
    preflight: Option<PreflightReport>,
) -> RunInfo {
    RunInfo {
        run_id,
        git: git_info(),
        trigger: settings.trigger.clone(),
        environment: system::environment(gh.runner_name.clone(), args.runner_labels.clone()),
        preflight,
    }
}

/// Kills the services a run on `out` that was killed without cleanup left behind, and records
/// this run's services there.
pub(crate) fn reap(out: &std::path::Path, printer: &Printer) {
    let n = crate::driver::service::reap_and_register(&out.join("logs").join("services.json"));
    if n > 0 {
        printer.warn(&format!(
            "stopped {n} service process group(s) that a killed run on {} left behind",
            out.display()
        ));
    }
}

/// Where baselines come from: the history's runs of a code branch, or committed files.
fn baseline_source<'a>(
    history: Option<&'a History>,
    settings: &Settings,
    args: &RunArgs,
) -> BaselineSource<'a> {
    match (history, &settings.history_baseline) {
        (Some(h), Some(branch)) => BaselineSource::History {
            history: h,
            branch: branch.clone(),
            code: git2::Repository::discover(".").ok(),
            last: 5,
        },
        _ => BaselineSource::CommittedDir(args.baselines.clone()),
    }
}

/// After the scenarios: push the history, write the reports, publish; the comparisons'
/// verdicts join the outcome.
fn finish(
    args: &RunArgs,
    settings: &Settings,
    gh: &Context,
    history: Option<&History>,
    comparisons: &[crate::verdict::Comparison],
    outcome: &mut Outcome,
    printer: &Printer,
) -> anyhow::Result<()> {
    if let (Some(h), Some(remote)) = (history, &args.push) {
        push(h, remote, gh.token.clone(), outcome, printer);
    }
    crate::cmd::emit_reports(comparisons, &[], &args.output, printer)?;
    if let Err(e) = crate::cmd::publish::publish(
        comparisons,
        &args.publishing,
        gh,
        &args.output.out,
        history,
        settings.post,
        printer,
    ) {
        printer.error(&format!("{e:#}\n  hint: the run records and reports above were written; publish again with `benchbot publish`"));
        outcome.fail();
    }
    crate::cmd::judging::not_judged(comparisons, &args.judging, gh, outcome, printer);
    for c in comparisons {
        outcome.verdict(c.verdict);
    }
    Ok(())
}

/// The scenarios to run: every one under the paths (all must be valid), then `--scenario`
/// and `--tier`, then the repetitions override. `None` when some were invalid.
fn select(
    args: &RunArgs,
    settings: &Settings,
    printer: &Printer,
) -> anyhow::Result<Option<Vec<Scenario>>> {
    let Some(mut scenarios) = crate::cmd::load_scenarios(&args.paths, printer)? else {
        return Ok(None);
    };
    let where_ = || {
        args.paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for f in &settings.filter {
        if !scenarios.iter().any(|s| s.name.as_str() == f) {
            anyhow::bail!("no scenario named `{f}` under {}", where_());
        }
    }
    if !settings.filter.is_empty() {
        scenarios.retain(|s| settings.filter.iter().any(|f| f == s.name.as_str()));
    }
    if !settings.tiers.is_empty() {
        scenarios.retain(|s| {
            s.file
                .scenario
                .tier
                .as_ref()
                .is_some_and(|t| settings.tiers.iter().any(|w| w == t.as_str()))
        });
        if scenarios.is_empty() {
            anyhow::bail!(
                "no scenario of tier {} under {}",
                settings.tiers.join(", "),
                where_()
            );
        }
    }
    if let Some(r) = settings.repetitions {
        for s in &mut scenarios {
            s.load.repetitions = r;
        }
    }
    Ok(Some(scenarios))
}

/// `--resume`: the interrupted suite's own selection (its scenario files and repetitions),
/// whatever this command line selects; an older state file falls back to the arguments.
fn resumed(
    args: &RunArgs,
    settings: &mut Settings,
    printer: &Printer,
) -> anyhow::Result<Option<Vec<Scenario>>> {
    let Some((paths, repetitions)) = SuiteState::saved_selection(&args.output.out)? else {
        return select(args, settings, printer);
    };
    if !args.filter.is_empty() || !args.tiers.is_empty() || args.repetitions.is_some() {
        printer.msg("resuming the interrupted suite's own selection; --scenario, --tier and --repetitions are ignored");
    }
    let Some(mut scenarios) = crate::cmd::load_scenarios(&paths, printer)? else {
        return Ok(None);
    };
    if let Some(r) = repetitions {
        for s in &mut scenarios {
            s.load.repetitions = r;
        }
    }
    settings.repetitions = repetitions;
    Ok(Some(scenarios))
}

/// Preflight refused the machine and `--preflight` says not to run then.
struct Refused;

/// Preflight checks: the report (`None` when they are off), or [`Refused`].
fn preflight_stage(
    args: &RunArgs,
    scenarios: &[Scenario],
    printer: &Printer,
) -> Result<Option<PreflightReport>, Refused> {
    if args.preflight == PreflightMode::Off {
        return Ok(None);
    }
    let needed = scenarios
        .iter()
        .filter_map(|s| s.file.scenario.memory.map(|m| m.0))
        .max();
    let limits = Limits {
        strict: args.preflight == PreflightMode::Strict,
        needed_memory: needed.unwrap_or(Limits::default().needed_memory),
        ..Limits::default()
    };
    let report = preflight(&limits);
    let outcome = report.outcome();
    if outcome != CheckStatus::Pass {
        printer.msg(&preflight_table(&report));
    }
    if outcome == CheckStatus::Fail
        && matches!(
            args.preflight,
            PreflightMode::Enforce | PreflightMode::Strict
        )
    {
        printer.error("preflight failed; nothing was run\n  hint: quiet the machine (see docs/self-hosted-runners.md) or run with --preflight report");
        return Err(Refused);
    }
    Ok(Some(report))
}

/// Pushes the results branch; the token goes only to git2's credential callback.
fn push(
    h: &History,
    remote: &str,
    token: Option<String>,
    outcome: &mut Outcome,
    printer: &Printer,
) {
    match h.push(&PushSettings::new(remote, token)) {
        Ok(o) => printer.msg(&format!(
            "history: pushed `{}` ({} attempt(s), {} record file(s) re-applied)",
            h.branch(),
            o.attempts,
            o.replayed
        )),
        Err(e) => {
            printer.error(&format!(
                "{}\n  hint: the records are committed locally on `{}`; push again later",
                chain(&e),
                h.branch()
            ));
            outcome.fail();
        }
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

/// `{{tree}}` of a plain run: the repository's top level, or the current directory.
pub(crate) fn source_tree() -> std::path::PathBuf {
    std::process::Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| std::path::PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// The build commands: `--build`, or else each scenario's `[build]` command once.
pub(crate) fn build_all(command: Option<&str>, scenarios: &[Scenario]) -> Vec<String> {
    let mut commands: Vec<String> = command.map(str::to_owned).into_iter().collect();
    if command.is_none() {
        for s in scenarios {
            if let Some(b) = &s.file.build {
                if !commands.contains(&b.command) {
                    commands.push(b.command.clone());
                }
            }
        }
    }
    commands
}

/// The scenarios an interleaved measurement (`what`) can take: a sweep is left out with a
/// warning (its capacity is compared with its history under `benchbot run`); `None`, after an
/// error, when nothing is left, or when asked to shard (both trees run on one runner).
pub(crate) fn interleavable(
    scenarios: Vec<Scenario>,
    settings: &Settings,
    what: &str,
    printer: &Printer,
) -> Option<Vec<Scenario>> {
    if settings.shard.is_some() || settings.start_at.is_some() {
        printer.error(&format!(
            "{what}: --shard and --start-at are for `benchbot run`; an interleaved run measures both trees on one runner"
        ));
        return None;
    }
    let (sweeps, kept): (Vec<_>, Vec<_>) =
        scenarios.into_iter().partition(|s| s.load.sweep.is_some());
    for s in &sweeps {
        printer.warn(&format!(
            "{what}: {} is a sweep and is left out; a sweep runs under `benchbot run` and its capacity is compared with its history",
            s.name
        ));
    }
    if kept.is_empty() {
        printer.error(&format!(
            "{what}: every selected scenario is a sweep; nothing to interleave"
        ));
        return None;
    }
    Some(kept)
}

/// The trees of an A/B run, built: base and head checked out, the build command run in each.
fn ab_setup(a: &AbArgs, scenarios: &[Scenario], printer: &Printer) -> anyhow::Result<AbSetup> {
    let confirm = crate::gate::parse_confirm(&a.confirm).map_err(anyhow::Error::msg)?;
    let out = &a.run.output.out;
    let trees = a
        .trees
        .clone()
        .unwrap_or_else(|| out.join("ab").join("trees"));
    let cwd = std::env::current_dir()?;
    let (base, head) =
        crate::cmd::ab::prepare(&cwd, &a.base, a.head.as_deref(), a.exact_base, &trees)?;
    printer.msg(&format!(
        "A/B: base {} ({}) in {}, head {} ({}) in {}",
        base.git.reference.as_deref().unwrap_or("?"),
        crate::util::prefix(&base.git.sha, 12),
        base.path.display(),
        head.git.reference.as_deref().unwrap_or("?"),
        crate::util::prefix(&head.git.sha, 12),
        head.path.display(),
    ));
    let calibrated = if a.blocks == Some(Blocks::Auto) {
        let history = a
            .run
            .history
            .as_deref()
            .map(|p| History::open_existing(p, &a.run.history_branch))
            .transpose()?;
        let env = system::environment(None, a.run.runner_labels.clone());
        crate::cmd::calibrate::auto_blocks(history.as_ref(), scenarios, &env, printer)?
    } else {
        std::collections::BTreeMap::new()
    };
    let commands = build_all(a.build.as_deref(), scenarios);
    let same_tree = base.path == head.path;
    for c in &commands {
        for (tree, label) in [(&base, "base"), (&head, "head")] {
            if label == "head" && same_tree {
                continue;
            }
            crate::cmd::ab::build(
                c,
                tree,
                &out.join("ab").join(format!("build-{label}.log")),
                printer,
            )?;
        }
    }
    Ok(AbSetup {
        base,
        head,
        blocks: match a.blocks {
            Some(Blocks::Fixed(n)) => Some(n),
            _ => None,
        },
        calibrated,
        confirm,
        extend: crate::gate::parse_confirm(&a.extend)
            .map_err(|e| anyhow::anyhow!("--extend: {e}"))?,
        reruns: a.reruns,
        seed: a.seed,
    })
}
