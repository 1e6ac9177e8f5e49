//! `benchbot run` end to end through the binary: managed services, records, baselines, verdicts.

mod common;

use common::{records, run, write, Run};
use serde_json::Value;

#[test]
fn competitive_example_runs_against_a_real_python_http_server() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = Run::new(
        "scenarios/competitive/http-vs-python.toml",
        &out,
        dir.path(),
    )
    .args(["--format", "json"])
    .output();
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let c = &report["comparisons"][0];
    let rows = c["rows"].as_array().unwrap();
    for target in ["demo-server", "python-http-server"] {
        let errors = rows
            .iter()
            .find(|r| r["target"] == target && r["metric"] == "error-rate")
            .unwrap();
        assert_eq!(errors["current"].as_f64(), Some(0.0), "{target} had errors");
        let tput = rows
            .iter()
            .find(|r| r["target"] == target && r["metric"] == "throughput")
            .unwrap();
        assert!(tput["current"].as_f64().unwrap() > 50.0, "{target}");
    }
    let standing = &c["standings"][0];
    assert!(standing["leader"].is_string());
    assert_eq!(standing["competitors"][0][0], "python-http-server");
    // Services are stopped: their logs exist and no listener is left behind (checked by the
    // next run binding fresh ports; here we check the log of the competitor was written).
    assert!(out
        .join("logs/http-vs-python-python-http-server.log")
        .exists());
}

#[test]
fn failing_commands_are_counted_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    // Every other run fails (a counter file beside the scenario).
    let s = write(dir.path(), "fails.toml", "[scenario]\nname = \"fails\"\nkind = \"internal\"\n\n[[target]]\nname = \"flaky\"\nrole = \"ours\"\n[target.command]\nshell = \"n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; [ $((n % 2)) -eq 0 ] || { echo boom >&2; exit 3; }\"\n\n[load]\noperations = 8\nrepetitions = 1\n\n[[thresholds.slo]]\nmetric = \"error-rate\"\nmax = \"1%\"\n");
    let out = dir.path().join("out");
    let (code, stdout, stderr) = Run::new(&s, &out, dir.path()).output();
    assert_eq!(
        code, 1,
        "a missed error-rate objective fails the run:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("MISSED"), "{stdout}");
    let rec: Value =
        serde_json::from_str(&std::fs::read_to_string(&records(&out, "fails")[0]).unwrap())
            .unwrap();
    let rep = &rec["targets"][0]["operations"][0]["repetitions"][0];
    assert_eq!(rep["errors"]["exit-status"], 4);
    assert_eq!(rep["count"], 4);
    assert!(rep["error_samples"]["exit-status"]
        .as_str()
        .unwrap()
        .contains("boom"));
}

#[test]
fn a_corrupt_baseline_is_an_error_and_the_record_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "ok.toml", "[scenario]\nname = \"ok\"\nkind = \"internal\"\n\n[[target]]\nname = \"t\"\nrole = \"ours\"\n[target.command]\nargv = [\"true\"]\n\n[load]\noperations = 3\nrepetitions = 1\n");
    let baselines = dir.path().join("baselines");
    std::fs::create_dir_all(&baselines).unwrap();
    write(
        &baselines,
        "ok.json",
        "{\"format\": \"benchbot.run-record\",\n\"format_version\": 1,\n\"run_id\": [}",
    );
    let out = dir.path().join("out");
    let (code, _, stderr) = Run::new(&s, &out, &baselines).output();
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("ok.json:3:"),
        "names file and line: {stderr}"
    );
    assert!(stderr.contains("record above was kept"), "{stderr}");
    let kept = records(&out, "ok");
    assert_eq!(kept.len(), 1);

    // compare: a missing baseline, a record from the future.
    let (code, _, stderr) = run(&[
        "compare",
        kept[0].to_str().unwrap(),
        "--baseline",
        dir.path().join("nope").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("no baseline for scenario `ok`") && stderr.contains("hint:"),
        "{stderr}"
    );
    let future = write(
        dir.path(),
        "future.json",
        "{\"format\": \"benchbot.run-record\", \"format_version\": 99}",
    );
    let (code, _, stderr) = run(&[
        "compare",
        future.to_str().unwrap(),
        "--baseline",
        kept[0].to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("newer benchbot (format_version 99"),
        "{stderr}"
    );
}

#[test]
fn dry_run_prints_the_plan_without_running() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = run(&["run", "--dry-run", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    for name in [
        "http-kv",
        "http-open-loop",
        "command-sort",
        "http-vs-python",
    ] {
        assert!(
            stdout.contains(&format!("scenario {name} ")),
            "{name}: {stdout}"
        );
    }
    assert!(
        stdout.contains("~1200 requests"),
        "open loop estimate: {stdout}"
    );
    assert!(!out.exists());
}

#[test]
fn run_appends_to_history_and_pushes_to_a_remote() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "quick.toml", "[scenario]\nname = \"quick\"\nkind = \"internal\"\n\n[[target]]\nname = \"t\"\nrole = \"ours\"\n[target.command]\nargv = [\"true\"]\n\n[load]\noperations = 3\nrepetitions = 1\n");
    let remote = dir.path().join("remote.git");
    assert!(std::process::Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&remote)
        .status()
        .unwrap()
        .success());
    let history = dir.path().join("history.git");
    let out = dir.path().join("out");
    for _ in 0..2 {
        let (code, _, stderr) = Run::new(&s, &out, dir.path())
            .args([
                "--history",
                history.to_str().unwrap(),
                "--push",
                &format!("file://{}", remote.display()),
                "--trigger",
                "workflow_dispatch",
            ])
            .output();
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains("history: records/quick/"), "{stderr}");
        assert!(
            stderr.contains("history: pushed `benchbot-results`"),
            "{stderr}"
        );
    }
    let ls = std::process::Command::new("git")
        .arg("-C")
        .arg(&remote)
        .args(["ls-tree", "-r", "--name-only", "benchbot-results"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ls.stdout).lines().count(),
        2,
        "both runs reached the remote"
    );
    let log = std::process::Command::new("git")
        .arg("-C")
        .arg(&remote)
        .args(["log", "-1", "--format=%B", "benchbot-results"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&log.stdout).contains("trigger: workflow_dispatch"));
}

#[test]
fn usage_errors_exit_3_and_bare_file_names_run() {
    let (code, _, stderr) = run(&["run", "--no-such-flag"]);
    assert_eq!(
        code, 3,
        "a usage error is bad input, not a competitive regression: {stderr}"
    );
    assert!(stderr.contains("--no-such-flag"), "{stderr}");
    let (code, stdout, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Usage"));
    // `benchbot run t.toml` from the scenario's own directory: the command runs there.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.toml", "[scenario]\nname = \"bare\"\nkind = \"internal\"\n\n[[target]]\nname = \"t\"\nrole = \"ours\"\n[target.command]\nargv = [\"test\", \"-f\", \"t.toml\"]\n\n[load]\noperations = 2\nrepetitions = 1\n");
    let out = common::benchbot_std()
        .current_dir(dir.path())
        .args([
            "run",
            "t.toml",
            "--out",
            "out",
            "--baselines",
            ".",
            "--no-progress",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let rec = common::first_record(&dir.path().join("out"), "bare");
    let rep = &rec["targets"][0]["operations"][0]["repetitions"][0];
    assert_eq!(
        rep["count"], 2,
        "both runs succeeded in the scenario's directory: {rep}"
    );
}

#[test]
fn a_target_whose_every_operation_fails_fails_the_scenario() {
    // The command cannot even start: 100% errors is a broken target, not a measurement.
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "broken.toml", "[scenario]\nname = \"broken\"\nkind = \"internal\"\n\n[[target]]\nname = \"t\"\nrole = \"ours\"\n[target.command]\nargv = [\"./no-such-program\"]\n\n[load]\noperations = 3\nrepetitions = 2\n");
    let out = dir.path().join("out");
    let (code, _, stderr) = Run::new(&s, &out, dir.path())
        .args(["--retries", "0"])
        .output();
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("every operation of repetition 1 failed")
            && stderr.contains("no-such-program"),
        "{stderr}"
    );
    let report = common::latest(&out);
    assert_eq!(report["verdict"], "failed");
    assert!(report["comparisons"][0]["failure"]
        .as_str()
        .unwrap()
        .contains("every operation"));
}

#[test]
fn a_service_that_dies_during_the_run_fails_the_scenario_and_is_named() {
    // The demo server exits after about 1.5 s, during the second of three 1 s repetitions.
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "dies.toml", "[scenario]\nname = \"dies\"\nkind = \"internal\"\n\n[[target]]\nname = \"mortal\"\nrole = \"ours\"\n[target.http]\nbase-url = \"http://127.0.0.1:{{port}}\"\ntimeout = \"500ms\"\n[target.service]\ncommand = [\"timeout\", \"1.5\", \"{{benchbot}}\", \"demo-server\", \"--port\", \"{{port}}\"]\nready = { tcp = \"127.0.0.1:{{port}}\" }\n\n[[operation]]\nname = \"get\"\n[operation.http]\npath = \"/x\"\n\n[load]\nduration = \"1s\"\nrepetitions = 3\n");
    let out = dir.path().join("out");
    let (code, _, stderr) = Run::new(&s, &out, dir.path())
        .args(["--retries", "0"])
        .output();
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("target `mortal`") && stderr.contains("exited"),
        "the target and what happened are named: {stderr}"
    );
    let report = common::latest(&out);
    assert_eq!(report["comparisons"][0]["verdict"], "failed");
}

#[test]
fn children_never_see_benchbots_tokens() {
    // A command target and a managed service write what they can see.
    let dir = tempfile::tempdir().unwrap();
    let seen_cmd = dir.path().join("cmd-env.txt");
    let seen_svc = dir.path().join("svc-env.txt");
    let s = write(
        dir.path(),
        "env.toml",
        &format!(
            "[scenario]\nname = \"env\"\nkind = \"internal\"\n\n[[target]]\nname = \"t\"\nrole = \"ours\"\n[target.command]\nshell = \"env > {}\"\npass-env = [\"WANTED_SETTING\", \"LEAKY_TOKEN\"]\n[target.service]\ncommand = [\"sh\", \"-c\", \"env > {} && exec sleep 30\"]\nready = {{ command = [\"test\", \"-s\", \"{}\"] }}\n\n[load]\noperations = 2\nrepetitions = 1\n",
            seen_cmd.display(),
            seen_svc.display(),
            seen_svc.display()
        ),
    );
    let out = dir.path().join("out");
    let (code, _, stderr) = Run::new(&s, &out, dir.path())
        .env("GITHUB_TOKEN", "ghs_secret_value")
        .env("BENCHBOT_TOKEN", "bb_secret_value")
        .env("ACTIONS_RUNTIME_TOKEN", "rt_secret_value")
        .env("LEAKY_TOKEN", "asked_for_but_secret")
        .env("WANTED_SETTING", "passed_on")
        .env("UNRELATED_VARIABLE", "not_passed")
        .output();
    assert_eq!(code, 0, "{stderr}");
    for f in [&seen_cmd, &seen_svc] {
        let env =
            std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}\n{stderr}", f.display()));
        for secret in [
            "ghs_secret_value",
            "bb_secret_value",
            "rt_secret_value",
            "asked_for_but_secret",
        ] {
            assert!(!env.contains(secret), "{} saw {secret}", f.display());
        }
        assert!(!env.contains("not_passed"), "{}: {env}", f.display());
        assert!(env.contains("PATH="), "{}: {env}", f.display());
    }
    let cmd_env = std::fs::read_to_string(&seen_cmd).unwrap();
    assert!(cmd_env.contains("WANTED_SETTING=passed_on"), "{cmd_env}");
}

#[test]
fn compare_flags_interrupted_records_on_either_side() {
    use benchbot::scenario::{Kind, Role};
    let dir = tempfile::tempdir().unwrap();
    let rows = [(
        "api",
        Role::Ours,
        "get",
        &[10.0, 10.1, 9.9][..],
        &[100.0; 3][..],
    )];
    let done = common::record(Kind::Internal, "done", &rows);
    let mut partial = common::record(Kind::Internal, "partial", &rows);
    partial.incomplete = true;
    let (d, p) = (
        dir.path().join("done.json"),
        dir.path().join("partial.json"),
    );
    done.write(&d).unwrap();
    partial.write(&p).unwrap();
    // An interrupted run compared: failed, exit 3.
    let (code, stdout, stderr) = common::run(&[
        "compare",
        p.to_str().unwrap(),
        "--baseline",
        d.to_str().unwrap(),
        "--out",
        dir.path().join("o1").to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(
        stdout.contains("FAILED") || stdout.contains("interrupted"),
        "{stdout}"
    );
    // An interrupted run as the baseline: refused, exit 3.
    let (code, _, stderr) = common::run(&[
        "compare",
        d.to_str().unwrap(),
        "--baseline",
        p.to_str().unwrap(),
        "--out",
        dir.path().join("o2").to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("interrupted run (incomplete)"), "{stderr}");
}
