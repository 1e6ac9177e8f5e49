//! Calibration from A/A rounds: counts, pooled block spread, detectable effects, blocks
//! needed, the old way beside it; and `benchbot calibrate --store` read back by
//! `benchbot ab --blocks auto`.

mod common;

use approx::assert_relative_eq;
use benchbot::stats;
use benchbot::verdict::{calibrate, compare, Round, Verdict, POWER};
use common::ab_record;

/// Per-block log differences of each round, chosen so the pooled spread is known.
const ROUNDS: [[f64; 6]; 3] = [
    [0.01, -0.01, 0.02, -0.02, 0.0, 0.0],
    [0.03, -0.01, 0.0, -0.02, 0.01, -0.01],
    [-0.02, 0.02, 0.01, -0.01, 0.0, 0.0],
];

fn round(d: &[f64; 6]) -> benchbot::record::RunRecord {
    let base: Vec<f64> = (0..6).map(|i| 10.0 + f64::from(i) * 0.1).collect();
    let head: Vec<f64> = base.iter().zip(d).map(|(b, x)| b * x.exp()).collect();
    ab_record(&[("get", &base)], &[("get", &head)], None)
}

#[test]
fn spread_detectable_effect_and_blocks_follow_the_formulas() {
    let records: Vec<_> = ROUNDS.iter().map(round).collect();
    let comparisons: Vec<_> = records.iter().map(|r| compare(r, None)).collect();
    let rounds: Vec<Round<'_>> = records
        .iter()
        .zip(&comparisons)
        .map(|(record, comparison)| Round {
            record: Some(record),
            comparison,
        })
        .collect();
    let cal = calibrate(&rounds, chrono::Utc::now()).unwrap();
    assert_eq!(cal.rounds, 3);
    assert_eq!(cal.verdicts.regression, 0);
    assert_eq!(cal.false_alarms.events, 0);
    assert_eq!(cal.false_alarms.trials, 3);
    // The Wilson interval of 0 of 3: never a bare zero.
    assert!(cal.false_alarms.ci.1 > 0.5, "{:?}", cal.false_alarms);

    // The pooled spread: the rounds' sums of squares over their degrees of freedom.
    let (mut ss, mut df) = (0.0, 0.0);
    for d in &ROUNDS {
        let m = stats::mean(d);
        ss += d.iter().map(|x| (x - m).powi(2)).sum::<f64>();
        df += 5.0;
    }
    let sd = (ss / df).sqrt();
    let p50 = cal
        .rows
        .iter()
        .find(|r| r.metric == benchbot::scenario::Metric::P50)
        .unwrap();
    assert_eq!(p50.rounds, 3);
    assert_eq!(p50.blocks, 6);
    assert_relative_eq!(p50.block_sd, sd, epsilon = 1e-6);
    // Two gating rows (p50, throughput): Holm's first step tests at alpha / 2.
    assert_eq!(cal.rows.len(), 2);
    let mde = stats::minimum_detectable(sd, 6, 0.025, POWER).unwrap();
    // (The records hold whole nanoseconds: agreement to 1e-5.)
    assert_relative_eq!(p50.detectable.unwrap(), mde.exp_m1(), epsilon = 1e-5);
    // The smallest number of blocks that detects the 5% threshold.
    let need = p50.blocks_for_threshold.unwrap();
    assert!(stats::minimum_detectable(sd, need as usize, 0.025, POWER).unwrap() <= 0.05f64.ln_1p());
    assert!(
        stats::minimum_detectable(sd, need as usize - 1, 0.025, POWER).unwrap() > 0.05f64.ln_1p()
    );
    assert_eq!(
        cal.blocks_needed(),
        Some(need.max(cal.rows[1].blocks_for_threshold.unwrap()))
    );
}

#[test]
fn a_regression_verdict_is_a_false_alarm_and_the_old_way_is_counted() {
    let quiet = round(&ROUNDS[0]);
    // An A/A round where head read 20% slower in every block: whatever the cause, the gate
    // raised an alarm on one build.
    let base: Vec<f64> = (0..6).map(|i| 10.0 + f64::from(i) * 0.01).collect();
    let head: Vec<f64> = base.iter().map(|b| b * 1.2).collect();
    let alarm = ab_record(&[("get", &base)], &[("get", &head)], None);
    let records = [quiet.clone(), alarm];
    let comparisons: Vec<_> = records.iter().map(|r| compare(r, None)).collect();
    assert_eq!(comparisons[1].verdict, Verdict::InternalRegression);
    let failed = benchbot::verdict::Comparison::failed(
        "synthetic",
        benchbot::scenario::Kind::Internal,
        "r3",
        "the service died",
    );
    let mut rounds: Vec<Round<'_>> = records
        .iter()
        .zip(&comparisons)
        .map(|(record, comparison)| Round {
            record: Some(record),
            comparison,
        })
        .collect();
    rounds.push(Round {
        record: None,
        comparison: &failed,
    });
    let cal = calibrate(&rounds, chrono::Utc::now()).unwrap();
    assert_eq!(cal.rounds, 3);
    assert_eq!(cal.verdicts.regression, 1);
    assert_eq!(cal.verdicts.failed, 1);
    assert_eq!(cal.false_alarms.events, 1);
    // The old way: the second round's head (20% slower, tight) against the first round's.
    assert_eq!(cal.old_way.trials, 1);
    assert_eq!(cal.old_way.events, 1);
    let p50 = cal
        .rows
        .iter()
        .find(|r| r.metric == benchbot::scenario::Metric::P50)
        .unwrap();
    assert_eq!(p50.regression, 1);
    assert_eq!(p50.old_way_regression, 1);
}

const SCENARIO: &str = r#"[scenario]
name = "tiny"
kind = "internal"

[[target]]
name = "true"
role = "ours"
[target.command]
argv = ["true"]

[load]
operations = 5
repetitions = 2

[thresholds]
metrics = ["mean"]
"#;

/// A repository holding the one scenario, committed.
fn repo(d: &std::path::Path) {
    for args in [
        vec!["init", "-q"],
        vec!["config", "user.email", "t@example.com"],
        vec!["config", "user.name", "t"],
    ] {
        assert!(std::process::Command::new("git")
            .arg("-C")
            .arg(d)
            .args(&args)
            .status()
            .unwrap()
            .success());
    }
    std::fs::create_dir_all(d.join("scenarios")).unwrap();
    common::write(d, "scenarios/tiny.toml", SCENARIO);
    std::fs::write(d.join(".gitignore"), "out/\nhistory.git/\n").unwrap();
    for args in [vec!["add", "-A"], vec!["commit", "-qm", "tiny"]] {
        assert!(std::process::Command::new("git")
            .arg("-C")
            .arg(d)
            .args(&args)
            .status()
            .unwrap()
            .success());
    }
}

/// An interrupted calibration resumes: the rounds done are judged again, not measured.
fn resumes(d: &std::path::Path, quiet: &[&str]) {
    let first = std::fs::read_dir(d.join("out/calibrate/round-0001/records/tiny"))
        .unwrap()
        .count();
    let o = common::benchbot_std()
        .current_dir(d)
        .args(["calibrate", "scenarios", "--rounds", "3", "--blocks", "3"])
        .args(["--extend", "off"])
        .args(["--out", "out", "--resume"])
        .args(quiet)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr.matches("skipping tiny: completed").count(),
        2,
        "{stderr}"
    );
    let cals: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("out/calibrate/calibration.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(cals[0]["rounds"], 3);
    assert_eq!(
        std::fs::read_dir(d.join("out/calibrate/round-0001/records/tiny"))
            .unwrap()
            .count(),
        first
    );
}

#[test]
fn calibrate_stores_and_ab_blocks_auto_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repo(d);
    let quiet = [
        "--no-progress",
        "--preflight",
        "off",
        "--busy-cores",
        "64",
        "--busy-steal",
        "100",
    ];
    let o = common::benchbot_std()
        .current_dir(d)
        .args([
            "calibrate",
            "scenarios",
            "--rounds",
            "2",
            "--blocks",
            "3",
            "--out",
            "out",
        ])
        // A fixed number of blocks whatever the machine's noise: no extension.
        .args(["--extend", "off"])
        .args(["--history", "history.git", "--store"])
        .args(quiet)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("false alarms"), "{stdout}");
    let cals: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("out/calibrate/calibration.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(cals[0]["scenario"], "tiny");
    assert_eq!(cals[0]["rounds"], 2);
    assert_eq!(cals[0]["rows"][0]["blocks"], 3);

    resumes(d, &quiet);
    // A/A records are not baselines: nothing under records/ in the history, the calibration
    // under calibration/, read back with the git CLI.
    let ls = std::process::Command::new("git")
        .arg("-C")
        .arg(d.join("history.git"))
        .args(["ls-tree", "-r", "--name-only", "benchbot-results"])
        .output()
        .unwrap();
    let files = String::from_utf8_lossy(&ls.stdout);
    assert!(
        files.lines().all(|l| l.starts_with("calibration/tiny/")),
        "{files}"
    );
    assert_eq!(files.lines().count(), 1, "{files}");

    // `ab --blocks auto` on this machine plans from the stored calibration.
    let o = common::benchbot_std()
        .current_dir(d)
        .args([
            "ab",
            "scenarios",
            "--base",
            "HEAD",
            "--blocks",
            "auto",
            "--out",
            "out-ab",
        ])
        .args(["--history", "history.git", "--confirm", "off"])
        .args(quiet)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("tiny: ") && stderr.contains("blocks (calibrated"),
        "{stderr}"
    );

    // Without a calibration for the scenario it says so and keeps the default.
    let o = common::benchbot_std()
        .current_dir(d)
        .args([
            "ab",
            "scenarios",
            "--base",
            "HEAD",
            "--blocks",
            "auto",
            "--out",
            "out-ab2",
        ])
        .args(["--history", "missing.git", "--confirm", "off"])
        .args(quiet)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(3),
        "a mistyped history is an error: {stderr}"
    );
    assert!(stderr.contains("missing.git"), "{stderr}");
}
