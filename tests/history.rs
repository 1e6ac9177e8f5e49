//! The results history on real repositories, read back with the `git` CLI.

mod common;

use std::path::Path;
use std::process::Command;

use benchbot::history::{
    record_path, select_baseline, Appended, History, PushSettings, DEFAULT_BRANCH,
};
use benchbot::record::{GitInfo, RunRecord, FORMAT_VERSION};
use benchbot::scenario::{Kind, Role};
use common::record;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn run_record(run_id: &str, day: u32, p50: f64) -> RunRecord {
    let mut r = record(
        Kind::Internal,
        run_id,
        &[(
            "api",
            Role::Ours,
            "get",
            &[p50, p50 * 1.01, p50 * 0.99],
            &[100.0, 100.0, 100.0],
        )],
    );
    r.started_at = format!("2026-10-{day:02}T12:00:00Z").parse().unwrap();
    r.trigger = Some("schedule".into());
    r
}

#[test]
fn appends_are_ordinary_commits_idempotent_and_leave_the_work_tree_alone() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("code.txt"), "code\n").unwrap();
    git(repo, &["add", "."]);
    git(
        repo,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@e",
            "commit",
            "-q",
            "-m",
            "code",
        ],
    );
    let head = git(repo, &["rev-parse", "HEAD"]);

    let h = History::open(repo, "benchbot-results").unwrap();
    let mut r = run_record("20261001T120000Z-aaaa0001", 1, 10.0);
    r.git = Some(GitInfo {
        sha: head.trim().into(),
        reference: Some("main".into()),
    });
    let first = h.append(&r).unwrap();
    let Appended::Added { commit, path } = first else {
        panic!("{first:?}")
    };
    assert_eq!(
        path,
        "records/synthetic/2026/10/20261001T120000Z-aaaa0001.json"
    );
    assert_eq!(
        h.append(&r).unwrap(),
        Appended::AlreadyPresent { path: path.clone() }
    );

    // Read back with git itself.
    assert_eq!(git(repo, &["rev-parse", "benchbot-results"]).trim(), commit);
    let log = git(repo, &["log", "--format=%an <%ae>%n%B", "benchbot-results"]);
    assert!(
        log.contains("benchbot <benchbot@users.noreply.github.com>"),
        "{log}"
    );
    assert!(
        log.contains("run-id: 20261001T120000Z-aaaa0001")
            && log.contains(&format!("sha: {}", head.trim()))
            && log.contains("trigger: schedule"),
        "{log}"
    );
    assert_eq!(
        git(repo, &["rev-list", "--count", "benchbot-results"]).trim(),
        "1",
        "the second append added nothing"
    );
    let shown = git(repo, &["show", &format!("benchbot-results:{path}")]);
    let back = RunRecord::from_json(Path::new("x"), &shown).unwrap();
    assert_eq!(back.run_id, r.run_id);
    git(repo, &["fsck", "--strict", "--no-progress"]);
    // The user's checkout is untouched.
    assert_eq!(git(repo, &["rev-parse", "HEAD"]), head);
    assert_eq!(git(repo, &["status", "--porcelain"]), "");
    assert_eq!(git(repo, &["branch", "--show-current"]).trim(), "main");
}

#[test]
fn twenty_parallel_appenders_pushing_to_one_bare_remote_lose_and_duplicate_nothing() {
    const N: usize = 20;
    let dir = tempfile::tempdir().unwrap();
    let remote = dir.path().join("remote.git");
    git(
        dir.path(),
        &["init", "-q", "--bare", remote.to_str().unwrap()],
    );
    let url = format!("file://{}", remote.display());
    // All of them push at the same moment, so they race to create the branch as well as to
    // move it.
    let start = std::sync::Arc::new(std::sync::Barrier::new(N));
    let handles: Vec<_> = (0..N)
        .map(|i| {
            let (local, url) = (dir.path().join(format!("runner{i}.git")), url.clone());
            let start = std::sync::Arc::clone(&start);
            std::thread::spawn(move || {
                let h = History::open(&local, "benchbot-results").unwrap();
                h.append(&run_record(
                    &format!("20261002T1200{i:02}Z-runner{i:02}"),
                    2,
                    10.0,
                ))
                .unwrap();
                start.wait();
                h.push(&PushSettings::new(&url, None)).unwrap()
            })
        })
        .collect();
    let outcomes: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let files = git(
        &remote,
        &["ls-tree", "-r", "--name-only", "benchbot-results"],
    );
    let mut names: Vec<&str> = files.lines().collect();
    assert_eq!(names.len(), N, "{files}");
    names.dedup();
    assert_eq!(names.len(), N);
    for i in 0..N {
        assert!(
            files.contains(&format!("runner{i:02}.json")),
            "runner {i} lost: {files}"
        );
    }
    git(&remote, &["fsck", "--strict", "--no-progress"]);
    let retried: u32 = outcomes.iter().map(|o| o.attempts - 1).sum();
    eprintln!(
        "{N} appenders: {retried} retried pushes, {} files re-applied",
        outcomes.iter().map(|o| o.replayed).sum::<usize>()
    );
    // Never a force push: the remote branch is a single line of history containing every push.
    assert!(
        git(&remote, &["rev-list", "--count", "benchbot-results"])
            .trim()
            .parse::<u32>()
            .unwrap()
            >= u32::try_from(N).unwrap()
    );
}

#[test]
fn a_process_killed_mid_import_leaves_a_consistent_branch_and_a_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("records");
    std::fs::create_dir_all(&src).unwrap();
    let n = 400;
    for i in 0..n {
        let r = run_record(&format!("20261003T{i:06}Z-crash{i:03}"), 3, 10.0);
        r.write(&src.join(format!("{i:04}.json"))).unwrap();
    }
    let repo = dir.path().join("history.git");
    let mut child = common::benchbot_std()
        .args([
            "history",
            "--repo",
            repo.to_str().unwrap(),
            "import",
            src.to_str().unwrap(),
            "--batch",
            "1",
        ])
        .spawn()
        .unwrap();
    // Kill -9 as soon as the first commits landed.
    let start = std::time::Instant::now();
    while Command::new("git")
        .arg("-C")
        .arg(&repo)
        .args(["rev-parse", "-q", "--verify", "benchbot-results"])
        .output()
        .is_ok_and(|o| !o.status.success())
    {
        assert!(start.elapsed().as_secs() < 30, "import never committed");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    std::thread::sleep(std::time::Duration::from_millis(30));
    child.kill().unwrap();
    let _ = child.wait();
    git(&repo, &["fsck", "--strict", "--no-progress"]);
    let partial = git(&repo, &["ls-tree", "-r", "--name-only", "benchbot-results"])
        .lines()
        .count();
    eprintln!("killed after {partial} of {n} records");
    assert!(
        partial < n,
        "the import finished before the kill; the test proved nothing"
    );
    // Every file on the branch is a whole record.
    let h = History::open(&repo, "benchbot-results").unwrap();
    assert_eq!(h.records(None).unwrap().stored.len(), partial);
    // A re-run completes it, without duplicates.
    let out = common::benchbot()
        .args([
            "history",
            "--repo",
            repo.to_str().unwrap(),
            "import",
            src.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        git(&repo, &["ls-tree", "-r", "--name-only", "benchbot-results"])
            .lines()
            .count(),
        n
    );
    git(&repo, &["fsck", "--strict", "--no-progress"]);
}

#[test]
fn baselines_come_from_the_merge_base_and_the_runs_before_it() {
    // Code history: main c1..c5; feature branches off c3 with f1.
    let dir = tempfile::tempdir().unwrap();
    let code = dir.path();
    git(code, &["init", "-q", "-b", "main"]);
    let commit = |msg: &str| {
        git(
            code,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@e",
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                msg,
            ],
        );
        git(code, &["rev-parse", "HEAD"]).trim().to_owned()
    };
    let c: Vec<String> = (1..=5).map(|i| commit(&format!("c{i}"))).collect();
    git(code, &["checkout", "-q", "-b", "feature", &c[2]]);
    let f1 = commit("f1");
    let repo = git2::Repository::open(code).unwrap();

    let mut stored = Vec::new();
    for (i, sha) in c.iter().enumerate() {
        let mut r = run_record(
            &format!("20261010T00000{i}Z-main{i}"),
            10 + u32::try_from(i).unwrap(),
            10.0 + i as f64,
        );
        r.git = Some(GitInfo {
            sha: sha.clone(),
            reference: Some("main".into()),
        });
        stored.push(benchbot::history::Stored {
            path: record_path(&r),
            record: r,
        });
    }
    // A run at c2 on another machine: never pooled.
    let mut other = run_record("20261009T000000Z-othercpu", 9, 10.0);
    other.git = Some(GitInfo {
        sha: c[1].clone(),
        reference: Some("main".into()),
    });
    other.environment.cpu_model = "Another CPU".into();
    stored.push(benchbot::history::Stored {
        path: record_path(&other),
        record: other,
    });

    let mut current = run_record("20261020T000000Z-feature", 20, 12.0);
    current.git = Some(GitInfo {
        sha: f1,
        reference: Some("feature".into()),
    });
    let sel = select_baseline(&stored, &current, Some(&repo), "main", 2, &[]);
    assert_eq!(sel.merge_base.as_deref(), Some(c[2].as_str()));
    assert_eq!(
        sel.runs,
        vec!["20261010T000002Z-main2", "20261010T000001Z-main1"],
        "merge base first, then the run before it; c4 and c5 are after the fork"
    );
    assert_eq!(sel.incomparable, 1);
    let pooled = sel.baseline.unwrap();
    assert_eq!(
        pooled.targets[0].operations[0].repetitions.len(),
        6,
        "repetitions of both runs are pooled"
    );

    // Without the code repository: the latest runs recorded from `main`.
    let sel = select_baseline(&stored, &current, None, "main", 2, &[]);
    assert_eq!(
        sel.runs,
        vec!["20261010T000004Z-main4", "20261010T000003Z-main3"]
    );
}

#[test]
fn records_of_an_older_format_version_read_and_newer_ones_are_refused() {
    let v1 = RunRecord::read(&common::fixture("records/v1-http-kv.json")).unwrap();
    assert_eq!(v1.format_version, 1);
    assert_eq!(v1.trigger, None);
    let text = std::fs::read_to_string(common::fixture("records/v1-http-kv.json"))
        .unwrap()
        .replacen(
            "\"format_version\": 1",
            &format!("\"format_version\": {}", FORMAT_VERSION + 1),
            1,
        );
    let err = RunRecord::from_json(Path::new("future.json"), &text).unwrap_err();
    assert!(
        err.to_string().contains(&format!(
            "newer benchbot (format_version {}",
            FORMAT_VERSION + 1
        )),
        "{err}"
    );
}

#[test]
fn the_history_cli_lists_trends_exports_and_finds_the_step() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("h.git");
    let src = dir.path().join("in");
    std::fs::create_dir_all(&src).unwrap();
    // 24 daily runs; p50 steps from 10 ms to 12 ms at run 12.
    for i in 0..24u32 {
        let noise = [0.0, 0.05, -0.04, 0.02, -0.03, 0.01][i as usize % 6];
        let mut r = run_record(
            &format!("202610{:02}T120000Z-step{i:04}", i + 1),
            i + 1,
            if i < 12 { 10.0 } else { 12.0 } + noise,
        );
        r.git = Some(GitInfo {
            sha: format!("{i:040x}"),
            reference: Some("main".into()),
        });
        r.write(&src.join(format!("{i}.json"))).unwrap();
    }
    let run = |args: &[&str]| {
        let mut all = vec!["history", "--repo", repo.to_str().unwrap()];
        all.extend_from_slice(args);
        let out = common::benchbot().args(&all).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["import", src.to_str().unwrap()]);
    let list = run(&["list", "--since", "2026-10-05", "--until", "2026-10-10"]);
    assert!(list.contains("5 run(s)"), "{list}");
    let trend = run(&["trend", "synthetic", "--metric", "p50"]);
    assert!(trend.contains('▁') && trend.contains('█'), "{trend}");
    let csv = run(&["export", "--format", "csv", "--scenario", "synthetic"]);
    assert_eq!(
        csv.lines().count(),
        1 + 24 * 3,
        "header + one row per repetition"
    );
    assert!(csv.starts_with("run_id,started_at,scenario"));
    let changes = run(&["changes", "synthetic", "--metric", "p50"]);
    assert!(
        changes.contains("1 change point(s) in 24 run(s)"),
        "{changes}"
    );
    assert!(
        changes.contains("20261013T120000Z-step0012"),
        "the step is at run 12: {changes}"
    );
    assert!(
        changes.contains(&format!(
            "{}..{}",
            &format!("{:040x}", 11)[..12],
            &format!("{:040x}", 12)[..12]
        )),
        "commit range: {changes}"
    );
    let show = run(&["show", "20261013T120000Z-step0012"]);
    assert!(show.contains("\"run_id\": \"20261013T120000Z-step0012\""));
}

/// Runs of `main` on days 1..=10, p50 10 ms until day 7 and 13 ms from day 8 (a merged step).
fn stepped_runs() -> Vec<benchbot::history::Stored> {
    (1..=10u32)
        .map(|day| {
            let level = if day >= 8 { 13.0 } else { 10.0 };
            let wobble = 1.0 + 0.005 * f64::from(day % 3);
            let mut r = run_record(&format!("202610{day:02}T120000Z-main"), day, level * wobble);
            r.git = Some(GitInfo {
                sha: format!("{day:040}"),
                reference: Some("main".into()),
            });
            benchbot::history::Stored {
                path: record_path(&r),
                record: r,
            }
        })
        .collect()
}

#[test]
fn a_baseline_never_pools_across_a_step_in_the_base_branch() {
    let stored = stepped_runs();
    let current = run_record("20261020T000000Z-feature", 20, 13.0);
    let sel = select_baseline(&stored, &current, None, "main", 5, &[]);
    assert_eq!(
        sel.runs,
        vec![
            "20261010T120000Z-main",
            "20261009T120000Z-main",
            "20261008T120000Z-main"
        ],
        "only the runs after the step: {}",
        sel.note
    );
    assert!(sel.note.contains("stepped by +30"), "{}", sel.note);
}

#[test]
fn a_baseline_starts_after_the_latest_acceptance() {
    let stored = stepped_runs();
    let current = run_record("20261020T000000Z-feature", 20, 13.0);
    let accepted = benchbot::record::Acceptance {
        format: benchbot::record::ACCEPTANCE_FORMAT.into(),
        format_version: 1,
        at: "2026-10-09T12:00:00Z".parse().unwrap(),
        scenarios: vec![],
        sha: Some(format!("{:040}", 9)),
        by: "alice".into(),
        reason: "the new index trades latency for recall".into(),
        pull_request: Some(7),
    };
    let sel = select_baseline(
        &stored,
        &current,
        None,
        "main",
        5,
        std::slice::from_ref(&accepted),
    );
    assert_eq!(
        sel.runs,
        vec!["20261010T120000Z-main", "20261009T120000Z-main"]
    );
    assert!(
        sel.note.contains("accepted by alice") && sel.note.contains("PR #7"),
        "{}",
        sel.note
    );
    // An acceptance of another scenario changes nothing.
    let other = benchbot::record::Acceptance {
        scenarios: vec!["another".into()],
        ..accepted
    };
    let sel = select_baseline(&stored, &current, None, "main", 5, &[other]);
    assert_eq!(sel.runs.len(), 3, "{}", sel.note);
}

#[test]
fn one_bad_file_never_hides_the_others_and_reads_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("h.git");
    let h = History::open(&repo, DEFAULT_BRANCH).unwrap();
    let good = run_record("20261010T000000Z-good", 10, 10.0);
    h.append(&good).unwrap();
    // Damage the branch the way a crash, a newer runner or a hand edit would: files added
    // with plain git plumbing next to the good record.
    let work = dir.path().join("work");
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--branch",
            DEFAULT_BRANCH,
            repo.to_str().unwrap(),
            work.to_str().unwrap(),
        ],
    );
    let scen = work.join("records/synthetic/2026/10");
    std::fs::write(
        scen.join("truncated.json"),
        "{\"format\": \"benchbot.run-record\", \"format_",
    )
    .unwrap();
    std::fs::write(scen.join("empty.json"), "").unwrap();
    let mut newer: serde_json::Value = serde_json::to_value(&good).unwrap();
    newer["format_version"] = 99.into();
    newer["run_id"] = "20261011T000000Z-newer".into();
    std::fs::write(scen.join("newer.json"), newer.to_string()).unwrap();
    for args in [
        vec!["add", "-A"],
        vec![
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@e",
            "commit",
            "-qm",
            "damage",
        ],
        vec!["push", "-q", "origin", DEFAULT_BRANCH],
    ] {
        git(&work, &args);
    }
    let read = h.records(None).unwrap();
    assert_eq!(read.stored.len(), 1);
    assert_eq!(read.skipped.len(), 3, "{:?}", read.skipped);
    let warning = read.warning().unwrap();
    assert!(
        warning.contains("truncated.json")
            && warning.contains("empty.json")
            && warning.contains("newer.json: written by a newer benchbot (format_version 99)"),
        "{warning}"
    );
    // Through the binary: listed, with the warning, exit 0.
    let (code, stdout, stderr) =
        common::run(&["history", "--repo", repo.to_str().unwrap(), "list"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("1 run(s)"), "{stdout}");
    assert!(stderr.contains("3 file(s) skipped"), "{stderr}");
    // A mistyped repository is an error, never a new empty one.
    let typo = dir.path().join("typo.git");
    let (code, _, stderr) = common::run(&["history", "--repo", typo.to_str().unwrap(), "list"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(!typo.exists(), "nothing created at {}", typo.display());
}

#[test]
fn many_writers_at_once_lose_nothing_even_on_a_new_repository() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("new.git");
    let writers = 8;
    let per = 12;
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let repo = repo.clone();
            std::thread::spawn(move || {
                for i in 0..per {
                    let h = History::open(&repo, DEFAULT_BRANCH)
                        .unwrap_or_else(|e| panic!("writer {w}: open: {e}"));
                    let r = run_record(&format!("20261010T0000{w:02}Z-w{w}i{i:02}"), 10, 10.0);
                    h.append(&r)
                        .unwrap_or_else(|e| panic!("writer {w} record {i}: {e}"));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let h = History::open(&repo, DEFAULT_BRANCH).unwrap();
    assert_eq!(h.records(None).unwrap().stored.len(), writers * per);
    // Read back by the git CLI: one commit per record, nothing lost.
    let count = git(&repo, &["rev-list", "--count", DEFAULT_BRANCH]);
    assert_eq!(count.trim(), (writers * per).to_string());
}
