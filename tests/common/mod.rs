//! Helpers shared by the integration tests.
#![allow(dead_code, reason = "each test binary uses a different subset")]

pub mod services;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The benchbot binary under test, run from the repository root.
pub fn benchbot() -> Command {
    let mut cmd = Command::cargo_bin("benchbot").expect("binary built by cargo");
    cmd.current_dir(root());
    cmd.env("NO_COLOR", "1");
    cmd
}

/// The benchbot binary as a plain `std::process::Command`, for tests that need `spawn`.
pub fn benchbot_std() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("benchbot"));
    cmd.current_dir(root());
    cmd
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

/// The record files under `out/records/<scenario>/`, sorted (run ids sort by time).
pub fn records(out: &Path, scenario: &str) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(out.join("records").join(scenario))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// The first (for a single run: the only) record of `scenario` under `out`, parsed.
pub fn first_record(out: &Path, scenario: &str) -> serde_json::Value {
    let p = &records(out, scenario)[0];
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// One `benchbot run` invocation, built up: `run SCENARIO --out OUT --baselines DIR
/// --no-progress`, then extra arguments and environment. The one place tests spell out a run's
/// command line.
pub struct Run {
    args: Vec<std::ffi::OsString>,
    env: Vec<(String, std::ffi::OsString)>,
    env_remove: Vec<String>,
}

impl Run {
    /// `benchbot run SCENARIO --out OUT --baselines BASELINES --no-progress`.
    pub fn new(scenario: impl AsRef<std::ffi::OsStr>, out: &Path, baselines: &Path) -> Self {
        Self {
            args: vec![
                "run".into(),
                scenario.as_ref().to_owned(),
                "--out".into(),
                out.into(),
                "--baselines".into(),
                baselines.into(),
                "--no-progress".into(),
            ],
            env: Vec::new(),
            env_remove: Vec::new(),
        }
    }

    /// More arguments.
    pub fn args<I, S>(mut self, extra: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.args
            .extend(extra.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// An environment variable for the process.
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.env.push((key.to_owned(), value.as_ref().to_owned()));
        self
    }

    /// An environment variable removed from the process.
    pub fn env_remove(mut self, key: &str) -> Self {
        self.env_remove.push(key.to_owned());
        self
    }

    /// The command, for `spawn`.
    pub fn std(&self) -> std::process::Command {
        let mut cmd = benchbot_std();
        cmd.args(&self.args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        for k in &self.env_remove {
            cmd.env_remove(k);
        }
        cmd
    }

    /// Runs to the end: (exit code, stdout, stderr).
    pub fn output(&self) -> (i32, String, String) {
        let out = self
            .std()
            .env("NO_COLOR", "1")
            .output()
            .expect("run benchbot");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

/// `benchbot run SCENARIO --out OUT --baselines DIR --no-progress EXTRA…`: a scenario file run
/// without committed baselines (`dir` holds none). Returns (exit code, stdout, stderr).
pub fn run_scenario(
    scenario: &Path,
    out: &Path,
    baselines: &Path,
    extra: &[&str],
) -> (i32, String, String) {
    Run::new(scenario, out, baselines).args(extra).output()
}

/// `out/latest.json`, parsed.
pub fn latest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("latest.json")).unwrap()).unwrap()
}

/// Runs benchbot and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = benchbot().args(args).output().expect("run benchbot");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

use benchbot::record::{
    Environment, Latency, LoadInfo, OperationRecord, Repetition, RunRecord, ScenarioInfo,
    TargetRecord, ThresholdsInfo, FORMAT, FORMAT_VERSION,
};
use benchbot::scenario::{Kind, LoadMode, Metric, Role, StateMode};

/// A synthetic record: for each (target, role, operation), the per-repetition p50 in ms and
/// throughput. Other latency fields scale from p50 so every metric has a value.
/// (target, role, operation, p50 per repetition in ms, throughput per repetition).
pub type Row<'a> = (&'a str, Role, &'a str, &'a [f64], &'a [f64]);

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::too_many_lines,
    reason = "a synthetic record spelled out field by field; test values are small and positive"
)]
pub fn record(kind: Kind, run_id: &str, rows: &[Row<'_>]) -> RunRecord {
    let mut targets: Vec<TargetRecord> = Vec::new();
    for (target, role, op, p50s, tputs) in rows {
        let reps = p50s
            .iter()
            .zip(tputs.iter())
            .enumerate()
            .map(|(i, (p50, tput))| {
                let ns = |f: f64| (p50 * f * 1e6).round() as u64;
                Repetition {
                    index: i as u32 + 1,
                    elapsed_ns: 1_000_000_000,
                    count: *tput as u64,
                    errors: std::collections::BTreeMap::default(),
                    error_samples: std::collections::BTreeMap::default(),
                    throughput: *tput,
                    target_rate: None,
                    achieved_rate: *tput,
                    late_sends: 0,
                    recall: None,
                    precision: None,
                    latency: Latency {
                        min_ns: ns(0.5),
                        p50_ns: ns(1.0),
                        p90_ns: ns(1.5),
                        p95_ns: ns(1.7),
                        p99_ns: ns(2.0),
                        p999_ns: ns(3.0),
                        max_ns: ns(4.0),
                        mean_ns: p50 * 1.1e6,
                        stdev_ns: p50 * 0.2e6,
                        histogram: String::new(),
                    },
                    service: None,
                    ..Repetition::default()
                }
            })
            .collect();
        let opr = OperationRecord {
            name: (*op).into(),
            repetitions: reps,
            metrics: None,
            summary: None,
            unit: None,
        };
        match targets.iter_mut().find(|t| t.name == *target) {
            Some(t) => t.operations.push(opr),
            None => targets.push(TargetRecord {
                name: (*target).into(),
                role: *role,
                driver: "http".into(),
                operations: vec![opr],
                samples: Vec::new(),
            }),
        }
    }
    RunRecord {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        benchbot_version: "0.0.0-test".into(),
        run_id: run_id.into(),
        incomplete: false,
        started_at: "2026-11-01T00:00:00Z".parse().unwrap(),
        finished_at: "2026-11-01T00:01:00Z".parse().unwrap(),
        git: None,
        trigger: None,
        scenario: ScenarioInfo {
            name: "synthetic".into(),
            kind,
            description: String::new(),
            tags: vec![],
            tier: None,
            mode: StateMode::Warm,
            seed: 1,
            source_digest: "s".into(),
            sequence_digest: "d".into(),
            sequence_ops: 10,
            published: Vec::new(),
            dataset: None,
            path: Some("scenarios/synthetic.toml".into()),
            thresholds: ThresholdsInfo {
                regression: if kind == Kind::Internal { 0.05 } else { 0.10 },
                warn: if kind == Kind::Internal { 0.025 } else { 0.05 },
                latency_floor_ns: 50_000,
                throughput_floor: 1.0,
                error_rate_floor: 0.001,
                alpha: 0.05,
                recall_margin: 0.02,
                metrics: vec![Metric::P50, Metric::Throughput],
                gate: None,
                slo: vec![],
            },
        },
        load: LoadInfo {
            mode: LoadMode::Closed,
            concurrency: 1,
            rate: None,
            duration_ns: Some(1_000_000_000),
            operations: None,
            warmup: None,
            repetitions: 3,
            cooldown_ns: 0,
            stages: Vec::new(),
        },
        environment: Environment {
            cpu_model: "Test CPU".into(),
            physical_cores: Some(2),
            logical_cores: 2,
            memory_bytes: 1 << 34,
            os: "Linux".into(),
            kernel: "6.1".into(),
            arch: "x86_64".into(),
            hostname: "h".into(),
            ..Environment::default()
        },
        preflight: None,
        targets,
        ab: None,
        pooled: Vec::new(),
        shard: None,
        shards: Vec::new(),
        sweep: None,
    }
}

/// A baseline pooled from `runs` runs of `rows` (see [`record`]), each run's values scaled by
/// `1 + drift[i]` (its session's offset), as `baseline write` or history pooling makes it.
pub fn pooled(kind: Kind, rows: &[Row<'_>], drift: &[f64]) -> RunRecord {
    let runs: Vec<RunRecord> = drift
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let scaled: Vec<(Vec<f64>, Vec<f64>)> = rows
                .iter()
                .map(|(_, _, _, p50, tput)| {
                    (
                        p50.iter().map(|v| v * (1.0 + d)).collect(),
                        tput.iter().map(|v| v / (1.0 + d)).collect(),
                    )
                })
                .collect();
            let rs: Vec<Row<'_>> = rows
                .iter()
                .zip(&scaled)
                .map(|((t, role, op, _, _), (p, q))| (*t, *role, *op, p.as_slice(), q.as_slice()))
                .collect();
            let mut r = record(kind, &format!("base-{i}"), &rs);
            r.started_at += chrono::Duration::hours(i64::try_from(i).unwrap());
            r
        })
        .collect();
    let refs: Vec<&RunRecord> = runs.iter().collect();
    benchbot::record::pool(&refs, "history:main")
}

/// An interleaved A/B record: `base` and `head` give (operation, p50 per block in ms) of
/// target `api`; blocks from `confirm_from` on were run to confirm.
pub fn ab_record(
    base: &[(&str, &[f64])],
    head: &[(&str, &[f64])],
    confirm_from: Option<u32>,
) -> RunRecord {
    let side = |rows: &[(&str, &[f64])], id: &str| {
        let tputs: Vec<Vec<f64>> = rows
            .iter()
            .map(|(_, p)| p.iter().map(|v| 1000.0 / v).collect())
            .collect();
        let rs: Vec<Row<'_>> = rows
            .iter()
            .zip(&tputs)
            .map(|((op, p), t)| ("api", Role::Ours, *op, *p, t.as_slice()))
            .collect();
        let mut r = record(Kind::Internal, id, &rs);
        for t in &mut r.targets {
            for o in &mut t.operations {
                for (i, rep) in o.repetitions.iter_mut().enumerate() {
                    rep.block = Some(u32::try_from(i).unwrap() + 1);
                }
            }
        }
        r
    };
    let base_rec = side(base, "ab");
    let mut out = side(head, "ab");
    let blocks = base.first().map_or(0, |b| b.1.len());
    out.ab = Some(benchbot::record::AbInfo {
        method: "interleaved".into(),
        base: benchbot::record::GitInfo {
            sha: "b".repeat(40),
            reference: Some("main".into()),
        },
        head: benchbot::record::GitInfo {
            sha: "h".repeat(40),
            reference: Some("feature".into()),
        },
        seed: 1,
        order: (0..blocks)
            .map(|i| {
                if i % 2 == 0 {
                    "base,head".into()
                } else {
                    "head,base".into()
                }
            })
            .collect(),
        confirmation_blocks: confirm_from.map_or(0, |f| u32::try_from(blocks).unwrap() + 1 - f),
        confirm_from,
        extension_blocks: 0,
        excluded: Vec::new(),
        base_targets: base_rec.targets,
    });
    out
}

/// Debian's Chromium, when installed (`scripts/test` installs it; required under
/// `BENCHBOT_REQUIRE_STANDINS`).
pub fn chromium() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/chromium");
    if p.exists() {
        Some(p)
    } else {
        assert!(
            std::env::var_os("BENCHBOT_REQUIRE_STANDINS").is_none(),
            "Debian's chromium is missing (scripts/test installs it)"
        );
        None
    }
}

/// Opens `page` in headless Chromium: (the DOM after load, console lines logged), and a
/// screenshot into `shot`.
pub fn open_in_chromium(
    chromium: &Path,
    page: &Path,
    shot: &Path,
    profile: &Path,
) -> (String, String) {
    let url = format!("file://{}", page.display());
    let base = |cmd: &mut std::process::Command| {
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1100,1400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    };
    let mut dump = std::process::Command::new(chromium);
    base(&mut dump);
    let out = dump.arg("--dump-dom").arg(&url).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let console: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught") || l.contains("Refused"))
        .map(str::to_owned)
        .collect();
    let console = console.join("\n");
    let mut snap = std::process::Command::new(chromium);
    base(&mut snap);
    let st = snap
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(st.status.success());
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

/// Ingests a pytest-benchmark JSON file `file` (written under `dir`) holding one benchmark
/// `name` with raw samples `secs` as scenario `py`; the record's path.
pub fn ingest_pytest(dir: &Path, file: &str, name: &str, secs: &[f64]) -> PathBuf {
    let f = write(
        dir,
        file,
        &serde_json::json!({
            "machine_info": {},
            "benchmarks": [{"name": name, "fullname": name,
                "stats": {"mean": 0.0, "stddev": 0.0, "rounds": secs.len(), "data": secs}}]
        })
        .to_string(),
    );
    let out = dir.join(file).with_extension("out");
    let (code, _, stderr) = run(&[
        "ingest",
        f.to_str().unwrap(),
        "--scenario",
        "py",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    records(&out, "py").pop().unwrap()
}
