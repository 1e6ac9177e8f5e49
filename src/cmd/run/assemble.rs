//! The run record of a scenario: what the engine measured, with where, when and how.

use chrono::{DateTime, Utc};

use crate::engine::ScenarioOutcome;
use crate::record::{
    Environment, GitInfo, LoadInfo, RunRecord, ScenarioInfo, ThresholdsInfo, FORMAT, FORMAT_VERSION,
};
use crate::scenario::{Scenario, Stop, Warmup};
use crate::system::preflight::PreflightReport;

/// What every record of one run shares.
pub struct RunInfo {
    pub run_id: String,
    pub git: Option<GitInfo>,
    pub trigger: String,
    pub environment: Environment,
    pub preflight: Option<PreflightReport>,
}

/// The record of one scenario's run.
#[must_use]
pub fn assemble(
    run: &RunInfo,
    scenario: &Scenario,
    outcome: ScenarioOutcome,
    started_at: DateTime<Utc>,
) -> RunRecord {
    RunRecord {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        benchbot_version: env!("CARGO_PKG_VERSION").into(),
        run_id: run.run_id.clone(),
        incomplete: outcome.cancelled,
        started_at,
        finished_at: Utc::now(),
        git: run.git.clone(),
        trigger: Some(run.trigger.clone()),
        scenario: scenario_info(scenario),
        load: load_info(scenario),
        environment: run.environment.clone(),
        preflight: run.preflight.clone(),
        targets: outcome.targets,
        ab: None,
        pooled: Vec::new(),
        sweep: None,
        shard: scenario.load.shard.map(|s| crate::record::ShardInfo {
            index: s.index + 1,
            count: s.count,
        }),
        shards: Vec::new(),
    }
}

/// The trimmed output of `git ARGS` in the working directory, when it succeeds with some.
pub(crate) fn git(args: &[&str]) -> Option<String> {
    std::process::Command::new("git")
        .args(args)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
}

pub(crate) fn git_info() -> Option<GitInfo> {
    let sha = git(&["rev-parse", "HEAD"])?;
    Some(GitInfo {
        sha,
        reference: git(&["rev-parse", "--abbrev-ref", "HEAD"]),
    })
}

pub(crate) fn scenario_info(s: &Scenario) -> ScenarioInfo {
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
        path: Some(s.path.display().to_string()),
        thresholds: ThresholdsInfo {
            regression: th.regression,
            warn: th.warn,
            latency_floor_ns: u64::try_from(th.latency_floor.as_nanos()).unwrap_or(u64::MAX),
            throughput_floor: th.throughput_floor,
            error_rate_floor: th.error_rate_floor,
            alpha: th.alpha,
            recall_margin: th.recall_margin,
            metrics: th.metrics.clone(),
            gate: th.gate.clone(),
            slo: th.slos.clone(),
        },
    }
}

pub(crate) fn load_info(s: &Scenario) -> LoadInfo {
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
        stages: l
            .stages
            .iter()
            .map(|st| crate::record::StageInfo {
                duration_ns: u64::try_from(st.duration.as_nanos()).unwrap_or(u64::MAX),
                rate: st.rate,
                concurrency: st.concurrency,
            })
            .collect(),
    }
}
