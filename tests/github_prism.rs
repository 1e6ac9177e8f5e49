//! Every request benchbot makes to GitHub, validated by Prism serving GitHub's own published
//! `OpenAPI` description (npm `@octokit/openapi`, trimmed by `tests/github/trim-spec.py`).
//!
//! `scripts/test` installs the tools and sets `BENCHBOT_GITHUB_TOOLS`; with
//! `BENCHBOT_REQUIRE_STANDINS=1` (as in CI) a missing tool fails the test instead of
//! skipping it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use benchbot::github::{Client, Retry};
use benchbot::scenario::{Kind, Role};

struct Prism {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prism {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Requests Prism rejected or could not match.
    fn violations(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter(|l| {
                [
                    "Violation: request",
                    "NO_PATH_MATCHED",
                    "NO_METHOD_MATCHED",
                    "NOT_ACCEPTABLE",
                ]
                .iter()
                .any(|v| l.contains(v))
            })
            .map(str::to_owned)
            .collect()
    }
}

fn tools() -> Option<PathBuf> {
    let dir = std::env::var_os("BENCHBOT_GITHUB_TOOLS")
        .map(PathBuf::from)
        .filter(|d| {
            d.join("api.github.com.trimmed.json").exists()
                && d.join("node_modules/.bin/prism").exists()
        });
    if dir.is_none() {
        assert!(std::env::var_os("BENCHBOT_REQUIRE_STANDINS").is_none(), "Prism and the GitHub OpenAPI description are required: run scripts/test, which installs them");
        eprintln!(
            "SKIPPED: Prism is not installed (run scripts/test to install it and run this test)"
        );
    }
    dir
}

fn start(tools: &Path, dir: &Path) -> Prism {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = dir.join("prism.log");
    let out = std::fs::File::create(&log).unwrap();
    let child = Command::new(tools.join("node_modules/.bin/prism"))
        .args([
            "mock",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "--errors",
        ])
        .arg(tools.join("api.github.com.trimmed.json"))
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap();
    let prism = Prism {
        child,
        url: format!("http://127.0.0.1:{port}"),
        log,
    };
    let start = Instant::now();
    while !prism.log().contains("Prism is listening") {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "Prism did not start:\n{}",
            prism.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    prism
}

/// A report with an internal regression and a competitive scenario where a rival leads by 25%.
fn report(dir: &Path) -> PathBuf {
    // Three runs of the base: a change is judged against the spread between them.
    let base = common::pooled(
        Kind::Internal,
        &[("api", Role::Ours, "get", &[10.0, 10.1, 9.9], &[100.0; 3])],
        &[0.0, 0.01, -0.01],
    );
    let cur = common::record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[12.0, 12.1, 11.9], &[80.0; 3])],
    );
    let comp = common::record(
        Kind::Competitive,
        "k",
        &[
            (
                "ours",
                Role::Ours,
                "search",
                &[12.5, 12.6, 12.4],
                &[80.0; 3],
            ),
            (
                "rival",
                Role::Competitor,
                "search",
                &[10.0, 10.1, 9.9],
                &[100.0; 3],
            ),
        ],
    );
    let comparisons = vec![
        benchbot::verdict::compare(&cur, Some(&base)),
        benchbot::verdict::compare(&comp, None),
    ];
    common::write(
        dir,
        "latest.json",
        &benchbot::report::json(&comparisons).unwrap(),
    )
}

#[test]
fn every_request_passes_githubs_openapi_description() {
    let Some(tools) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let prism = start(&tools, dir.path());
    let report = report(dir.path());
    let out = dir.path().join("out");
    let o = common::benchbot()
        .args([
            "publish",
            "--report",
            report.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quarterly",
            "--quarter",
            "2026-Q4",
            "--task-issues",
        ])
        .env("GITHUB_API_URL", &prism.url)
        .env("GITHUB_TOKEN", "ghs_stand-in-token")
        .env("GITHUB_REPOSITORY", "Codertocat/Hello-World")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env(
            "GITHUB_EVENT_PATH",
            common::fixture("github/pull_request.opened.json"),
        )
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the report's verdict is the exit code:\n{stderr}\n{}",
        prism.log()
    );
    assert!(
        stderr.contains("comment") && stderr.contains("on #2"),
        "{stderr}"
    );
    assert!(stderr.contains("quarterly issue #"), "{stderr}");
    assert!(
        stderr.contains("opened task issue"),
        "a HIGH task (25% gap) gets an issue: {stderr}"
    );
    assert!(out.join("comment.md").exists() && out.join("issue.md").exists());

    // The edit calls, which the stateless stand-in never reaches through the flow above.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let _in_runtime = rt.enter();
    let client = Client::new(
        &prism.url,
        "ghs_stand-in-token",
        "Codertocat/Hello-World",
        Retry::default(),
    )
    .unwrap();
    rt.block_on(async {
        client.update_comment(1, "edited body").await.unwrap();
        client
            .update_issue(2, "Competitive review 2026-Q4", "edited")
            .await
            .unwrap();
    });

    let log = prism.log();
    // Prism logs each request as `[HTTP SERVER] get /path ℹ  info      Request received`.
    for call in [
        "get /issues/2/comments",
        "post /issues/2/comments",
        "get /issues",
        "post /issues",
        "patch /issues/comments/1",
        "patch /issues/2",
    ] {
        let (method, path) = call.split_once(' ').unwrap();
        let line = format!("[HTTP SERVER] {method} /repos/Codertocat/Hello-World{path} ");
        assert!(log.contains(&line), "Prism never saw {call}:\n{log}");
    }
    let violations = prism.violations();
    assert!(
        violations.is_empty(),
        "requests that do not match GitHub's description:\n{}",
        violations.join("\n")
    );
}

/// The trusted half of the `workflow_run` split: `publish` reads the untrusted report, asks
/// GitHub for the pull request's head, and posts only when it is the commit the run measured.
#[test]
fn workflow_run_publishes_to_the_confirmed_pull_request_only() {
    let Some(tools) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let prism = start(&tools, dir.path());
    let report = report(dir.path());
    // The stand-in's pull request (the description's example) has head 6dcb09b….
    let event = |head: &str| {
        let mut v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(common::fixture("github/workflow_run.completed.json"))
                .unwrap(),
        )
        .unwrap();
        v["workflow_run"]["head_sha"] = head.into();
        common::write(dir.path(), "run.json", &v.to_string())
    };
    let publish = |event: &Path| {
        common::benchbot_std()
            .args(["publish", "--report"])
            .arg(&report)
            .arg("--out")
            .arg(dir.path().join("out"))
            .env("GITHUB_API_URL", &prism.url)
            .env("GITHUB_TOKEN", "ghs_stand-in-token")
            .env("GITHUB_REPOSITORY", "Codertocat/Hello-World")
            .env("GITHUB_EVENT_NAME", "workflow_run")
            .env("GITHUB_EVENT_PATH", event)
            .env_remove("GITHUB_ACTIONS")
            .output()
            .unwrap()
    };
    let o = publish(&event("6dcb09b5b57875f334f61aebed695e2e4193db5e"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "the report's verdict:\n{stderr}");
    assert!(
        stderr.contains("publishing to pull request #2 (head 6dcb09b5b578 confirmed)")
            && stderr.contains("comment")
            && stderr.contains("on #2"),
        "{stderr}"
    );
    assert!(prism
        .log()
        .contains("[HTTP SERVER] post /repos/Codertocat/Hello-World/issues/2/comments "));

    // A report whose pull request moved on (or that names another one): nothing is posted.
    let before = prism.log().matches("[HTTP SERVER] post ").count();
    let o = publish(&event("ffffffffffffffffffffffffffffffffffffffff"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("nothing is posted"), "{stderr}");
    assert_eq!(prism.log().matches("[HTTP SERVER] post ").count(), before);
    let violations = prism.violations();
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn an_invalid_request_is_caught_by_the_stand_in() {
    // Guards the guard: a request that breaks the description must show up as a violation.
    let Some(tools) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let prism = start(&tools, dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let _in_runtime = rt.enter();
    let client = Client::new(
        &prism.url,
        "t",
        "Codertocat/Hello-World",
        Retry {
            attempts: 1,
            ..Retry::default()
        },
    )
    .unwrap();
    // A title that is an object and a body that is a number break the description.
    let r = rt.block_on(
        client.create_issue_raw(&serde_json::json!({ "title": { "nested": true }, "body": 5 })),
    );
    assert!(r.is_err(), "Prism answered an invalid request with success");
    assert!(
        !prism.violations().is_empty(),
        "Prism did not flag an issue without a title:\n{}",
        prism.log()
    );
}
