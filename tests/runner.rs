//! Self-hosted runner behaviour with real processes: signals, resume, failing services,
//! preflight, CPU pinning.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{benchbot, write, Run};
use serde_json::Value;

fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        if rest
            .split_whitespace()
            .nth(1)
            .and_then(|v| v.parse::<u32>().ok())
            == Some(pid)
        {
            out.push(p);
        }
    }
    out
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence.
    unsafe { libc::kill(pid, 0) == 0 }
}

fn group_alive(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence.
    unsafe { libc::kill(-pgid, 0) == 0 }
}

fn wait_for(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

const LONG_HTTP: &str = r#"
[scenario]
name = "long-http"
kind = "internal"

[[target]]
name = "demo"
role = "ours"
[target.http]
base-url = "http://127.0.0.1:{{port}}"
[target.service]
command = ["{{benchbot}}", "demo-server", "--port", "{{port}}", "--delay", "1ms"]
ready = { tcp = "127.0.0.1:{{port}}" }
cpus = [0]

[[operation]]
name = "get"
[operation.http]
path = "/x"

[load]
concurrency = 2
duration = "1500ms"
repetitions = 20
"#;

#[test]
fn sigint_stops_promptly_writes_an_incomplete_record_and_leaves_no_orphan() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "long.toml", LONG_HTTP);
    let out = dir.path().join("out");
    let mut child = Run::new(&s, &out, dir.path())
        .args(["--sample-interval", "500ms"])
        .std()
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let me = child.id();
    let mut service = 0;
    wait_for("the managed service", Duration::from_secs(30), || {
        service = children_of(me)
            .into_iter()
            .find(|p| {
                std::fs::read_to_string(format!("/proc/{p}/cmdline"))
                    .is_ok_and(|c| c.contains("demo-server"))
            })
            .unwrap_or(0);
        service != 0
    });
    // Pinned as the scenario asked.
    let status = std::fs::read_to_string(format!("/proc/{service}/status")).unwrap();
    let allowed = status
        .lines()
        .find(|l| l.starts_with("Cpus_allowed_list:"))
        .unwrap();
    assert!(allowed.ends_with("\t0"), "{allowed}");
    // Let a couple of repetitions complete, then interrupt.
    std::thread::sleep(Duration::from_millis(3500));
    let signalled = Instant::now();
    // SAFETY: sending SIGINT to the child we spawned.
    unsafe { libc::kill(i32::try_from(me).unwrap(), libc::SIGINT) };
    let code = child.wait().unwrap().code();
    let took = signalled.elapsed();
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        took < Duration::from_secs(10),
        "stopped after {took:?}, not at the end of 20 repetitions: {stderr}"
    );
    let pid = i32::try_from(service).unwrap();
    wait_for("the service to be gone", Duration::from_secs(30), || {
        !alive(pid) && !group_alive(pid)
    });
    let rec_dir = out.join("records/long-http");
    let rec = std::fs::read_dir(&rec_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let rec: Value = serde_json::from_str(&std::fs::read_to_string(rec).unwrap()).unwrap();
    assert_eq!(rec["incomplete"], true);
    let reps = rec["targets"][0]["operations"][0]["repetitions"]
        .as_array()
        .unwrap();
    assert!(
        (1..20).contains(&reps.len()),
        "the completed repetitions are kept: {}",
        reps.len()
    );
    let samples = rec["targets"][0]["samples"].as_array().unwrap();
    assert!(!samples.is_empty());
    assert!(
        samples
            .iter()
            .all(|s| s["service_rss_bytes"].as_u64().unwrap_or(0) > 0),
        "{samples:?}"
    );
    // benchbot's own memory is sampled too (a load generator that grows would show here).
    assert!(
        samples
            .iter()
            .all(|s| s["generator_rss_bytes"].as_u64().unwrap_or(0) > 1 << 20),
        "{samples:?}"
    );
    assert!(stderr.contains("--resume"), "{stderr}");
    // Nothing says "ok": the report and the comment body say the run failed, interrupted.
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("latest.json")).unwrap()).unwrap();
    assert_eq!(report["verdict"], "failed", "{report}");
    assert!(report["comparisons"][0]["failure"]
        .as_str()
        .unwrap()
        .contains("interrupted"));
    let comment = std::fs::read_to_string(out.join("comment.md")).unwrap();
    assert!(comment.starts_with("### 💥 benchbot: FAILED"), "{comment}");
    assert!(!comment.contains("benchbot: ok"), "{comment}");
}

fn quick(name: &str) -> String {
    format!("[scenario]\nname = \"{name}\"\nkind = \"internal\"\n\n[[target]]\nname = \"t\"\nrole = \"ours\"\n[target.command]\nshell = \"sleep 0.15\"\n\n[load]\noperations = 6\nrepetitions = 1\n")
}

fn state(out: &Path) -> Value {
    std::fs::read_to_string(out.join("state.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null)
}

#[test]
fn kill_9_mid_suite_then_resume_completes_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("suite");
    std::fs::create_dir_all(&suite).unwrap();
    for n in ["a-first", "b-second", "c-third"] {
        write(
            &suite,
            &format!("{n}.toml"),
            &quick(n).replace(
                "kind = \"internal\"",
                "kind = \"internal\"\ntier = \"small\"",
            ),
        );
    }
    // Not selected by the interrupted suite: a resume must not run it either.
    write(&suite, "d-other.toml", &quick("d-other"));
    let out = dir.path().join("out");
    let run = || Run::new(&suite, &out, dir.path());
    let mut child = run()
        .args(["--tier", "small"])
        .std()
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for(
        "the first scenario to complete",
        Duration::from_secs(30),
        || state(&out)["scenarios"]["a-first"]["status"] == "done",
    );
    child.kill().unwrap(); // SIGKILL: no cleanup at all
    child.wait().unwrap();
    let st = state(&out);
    let run_id = st["run_id"].as_str().unwrap().to_owned();
    assert_ne!(
        st["scenarios"]["c-third"]["status"], "done",
        "killed mid-suite: {st}"
    );
    let first =
        std::fs::read_to_string(out.join(format!("records/a-first/{run_id}.json"))).unwrap();

    let (code, _, stderr) = run().args(["--resume"]).output();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!("resuming run {run_id}")) && stderr.contains("skipping a-first"),
        "{stderr}"
    );
    for n in ["a-first", "b-second", "c-third"] {
        let files: Vec<_> = std::fs::read_dir(out.join("records").join(n))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|f| Path::new(f).extension().is_some_and(|e| e == "json"))
            .collect();
        assert_eq!(
            files,
            vec![format!("{run_id}.json")],
            "{n}: one record, same run id"
        );
    }
    assert_eq!(
        std::fs::read_to_string(out.join(format!("records/a-first/{run_id}.json"))).unwrap(),
        first,
        "the completed record was not redone"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("latest.json")).unwrap()).unwrap();
    assert_eq!(
        report["comparisons"].as_array().unwrap().len(),
        3,
        "the report covers the whole suite"
    );
    assert!(
        !out.join("records/d-other").exists(),
        "the resumed suite kept its own selection (--tier small)"
    );
}

#[test]
fn a_service_that_never_becomes_ready_fails_its_scenario_and_the_suite_continues() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("suite");
    std::fs::create_dir_all(&suite).unwrap();
    write(&suite, "a-stuck.toml", "[scenario]\nname = \"a-stuck\"\nkind = \"internal\"\n\n[[target]]\nname = \"stuck\"\nrole = \"ours\"\n[target.http]\nbase-url = \"http://127.0.0.1:{{port}}\"\n[target.service]\ncommand = [\"sh\", \"-c\", \"echo warming up the cache; exec sleep 30\"]\nready = { tcp = \"127.0.0.1:{{port}}\" }\nready-timeout = \"1s\"\nstop-grace = \"1s\"\n\n[[operation]]\nname = \"get\"\n[operation.http]\npath = \"/\"\n\n[load]\nduration = \"1s\"\n");
    write(&suite, "b-fine.toml", &quick("b-fine"));
    let out = dir.path().join("out");
    let (code, _, stderr) = Run::new(&suite, &out, dir.path())
        .args(["--retries", "1"])
        .output();
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("service not ready after 1s") && stderr.contains("warming up the cache"),
        "message and log tail: {stderr}"
    );
    assert!(stderr.contains("attempt 2"), "retried once: {stderr}");
    let st = state(&out);
    assert_eq!(st["scenarios"]["a-stuck"]["status"], "failed");
    assert_eq!(st["scenarios"]["a-stuck"]["attempts"], 2);
    assert_eq!(
        st["scenarios"]["b-fine"]["status"], "done",
        "the suite went on"
    );
    let report: Value = serde_json::from_str(&String::from_utf8_lossy(
        &std::fs::read(out.join("latest.json")).unwrap(),
    ))
    .unwrap();
    // The failed scenario is in the report, named, with its reason; never "ok — 1 scenario".
    assert_eq!(report["verdict"], "failed");
    let failed = &report["comparisons"][0];
    assert_eq!(failed["scenario"], "a-stuck");
    assert_eq!(failed["verdict"], "failed");
    assert!(failed["failure"].as_str().unwrap().contains("not ready"));
    assert_eq!(report["comparisons"][1]["scenario"], "b-fine");
    let comment = std::fs::read_to_string(out.join("comment.md")).unwrap();
    assert!(
        comment.starts_with(
            "### 💥 benchbot: FAILED — a-stuck: failed: target \\`stuck\\`: service not ready"
        ),
        "{comment}"
    );
}

#[test]
fn preflight_reports_measured_values_and_its_verdict_drives_the_exit_code() {
    for strict in [false, true] {
        let mut args = vec!["preflight", "--json"];
        if strict {
            args.push("--strict");
        }
        let o = benchbot().args(&args).output().unwrap();
        let report: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
        let checks = report["checks"].as_array().unwrap();
        let names: Vec<&str> = checks.iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "load",
                "memory",
                "swap",
                "temperature",
                "governor",
                "turbo/boost",
                "busiest processes"
            ]
        );
        let load = checks[0]["value"].as_str().unwrap();
        let first: f64 = load.split_whitespace().next().unwrap().parse().unwrap();
        let proc_load: f64 = std::fs::read_to_string("/proc/loadavg")
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (first - proc_load).abs() < 1.0,
            "load {first} vs /proc/loadavg {proc_load}"
        );
        assert!(checks[1]["value"]
            .as_str()
            .unwrap()
            .contains("GiB available"));
        let worst = checks
            .iter()
            .map(|c| c["status"].as_str().unwrap())
            .collect::<Vec<_>>();
        let fails = worst.contains(&"fail") || (strict && worst.contains(&"warn"));
        assert_eq!(
            o.status.code(),
            Some(if fails { 3 } else { 0 }),
            "strict={strict}: {worst:?}"
        );
    }
}

/// A service that leaves a grandchild in its process group, as `sh -c` wrappers do.
fn family_scenario(pidfile: &Path) -> String {
    format!(
        r#"[scenario]
name = "family"
kind = "internal"

[[target]]
name = "t"
role = "ours"
[target.command]
argv = ["true"]
[target.service]
command = ["sh", "-c", "sleep 300 & echo $! > {}; exec sleep 300"]
ready = {{ command = ["test", "-s", "{}"] }}

[load]
operations = 100000
repetitions = 50
"#,
        pidfile.display(),
        pidfile.display()
    )
}

#[test]
fn a_killed_runs_services_die_with_it_or_are_reaped_and_one_out_is_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("grandchild.pid");
    let s = write(dir.path(), "family.toml", &family_scenario(&pidfile));
    let out = dir.path().join("out");
    let mut child = Run::new(&s, &out, dir.path())
        .std()
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the service's grandchild", Duration::from_secs(30), || {
        std::fs::read_to_string(&pidfile).is_ok_and(|t| !t.trim().is_empty())
    });
    let grandchild: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(alive(grandchild));

    // A second run on the same output directory while the first one runs: refused.
    let (code, _, stderr) = Run::new(&s, &out, dir.path()).output();
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("another benchbot"), "{stderr}");

    child.kill().unwrap(); // SIGKILL: benchbot cannot clean up
    child.wait().unwrap();
    // The service itself follows its parent (parent-death signal); its grandchild, left in
    // the process group, is stopped by the next run on the same output directory.
    std::fs::remove_file(&pidfile).unwrap();
    let mut next = Run::new(&s, &out, dir.path())
        .std()
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for(
        "the leftover group to be reaped",
        Duration::from_secs(30),
        || !alive(grandchild),
    );
    // This run stops cleanly on SIGINT, taking its own service's group with it.
    wait_for("the next run's service", Duration::from_secs(30), || {
        std::fs::read_to_string(&pidfile).is_ok_and(|t| !t.trim().is_empty())
    });
    let second: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SAFETY: a signal to a child this test started.
    unsafe {
        libc::kill(i32::try_from(next.id()).unwrap(), libc::SIGINT);
    }
    next.wait().unwrap();
    wait_for("the clean stop", Duration::from_secs(30), || !alive(second));
}
