//! `docs/guide-own-service.md`, executed: every fenced block with a `file=` writes that file,
//! every `sh` block runs (in order, in one fresh directory, with the real benchbot on `PATH`)
//! and must exit as its `exit=` says (0 by default). Between blocks the test checks what the
//! guide claims: the first group of the comment is the endpoint that slowed down, the printed
//! reproduce command reproduces the verdict, the acceptance is in the history.

mod common;

use std::path::Path;
use std::process::Command;

/// A fenced block: its info string words and its text.
struct Block {
    lang: String,
    file: Option<String>,
    exit: i32,
    text: String,
}

fn blocks(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = md.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or_default().to_owned();
        let mut file = None;
        let mut exit = 0;
        for w in words {
            if let Some(f) = w.strip_prefix("file=") {
                file = Some(f.to_owned());
            } else if let Some(e) = w.strip_prefix("exit=") {
                exit = e.parse().unwrap();
            }
        }
        let mut text = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            text.push_str(l);
            text.push('\n');
        }
        out.push(Block {
            lang,
            file,
            exit,
            text,
        });
    }
    out
}

fn sh(dir: &Path, script: &str) -> (i32, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_benchbot")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("bash")
        .args([
            "--noprofile",
            "--norc",
            "-e",
            "-o",
            "pipefail",
            "-c",
            script,
        ])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Guide Reader")
        .env("GIT_AUTHOR_EMAIL", "reader@example.com")
        .env("GIT_COMMITTER_NAME", "Guide Reader")
        .env("GIT_COMMITTER_EMAIL", "reader@example.com")
        // Tests share the machine: a busy block is measured, not rerun (see tests/ab.rs).
        .env("BENCHBOT_BUSY_CORES", "64")
        .env("BENCHBOT_BUSY_STEAL", "100")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_EVENT_NAME")
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("GITHUB_TOKEN")
        .env_remove("BENCHBOT_TOKEN")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[test]
fn the_guide_runs_as_written() {
    let md = std::fs::read_to_string(common::root().join("docs/guide-own-service.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut ran = 0;
    for b in blocks(&md) {
        if let Some(f) = &b.file {
            let path = d.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &b.text).unwrap();
            if b.lang == "yaml" {
                lint_workflow(d);
            }
            continue;
        }
        if b.lang != "sh" {
            continue;
        }
        let (code, log) = sh(d, &b.text);
        assert_eq!(code, b.exit, "block:\n{}\noutput:\n{log}", b.text);
        ran += 1;
        claims(d, &b.text, &log);
    }
    assert!(ran >= 8, "every sh block ran: {ran}");
}

/// What the guide says each command did.
fn claims(d: &Path, script: &str, log: &str) {
    if script.contains("benchbot run --dry-run") {
        assert!(log.contains("Bearer {{vu.token}}"), "{log}");
    }
    if script.starts_with("benchbot ab --base main") {
        let comment = std::fs::read_to_string(d.join("benchbot-out/comment.md")).unwrap();
        let first_group = comment
            .lines()
            .find(|l| l.starts_with("| api ·"))
            .unwrap_or_default();
        assert!(
            first_group.contains("search") && first_group.contains("REGRESSION"),
            "the slowed endpoint comes first: {first_group}\n{comment}"
        );
        assert!(
            comment.contains("interleaved A/B on this runner"),
            "{comment}"
        );
    }
    if script.contains("sh reproduce.sh") {
        let cmd = std::fs::read_to_string(d.join("reproduce.sh")).unwrap();
        assert!(
            cmd.contains("--head") && cmd.contains("--exact-base"),
            "{cmd}"
        );
        let report = common::latest(&d.join("benchbot-out"));
        assert_eq!(report["verdict"], "internal-regression", "{report}");
    }
    if script.starts_with("benchbot accept") {
        let o = Command::new("git")
            .arg("-C")
            .arg(d.join(".bench-history"))
            .args(["log", "--format=%s", "benchbot-results"])
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&o.stdout);
        assert!(log.contains("change accepted for my-api"), "{log}");
    }
    if script.starts_with("benchbot calibrate") {
        assert!(d.join("benchbot-out/calibrate/calibration.json").exists());
    }
}

/// The guide's workflow passes actionlint (required where the test suite installs it).
fn lint_workflow(d: &Path) {
    let found = Command::new("actionlint").arg("-version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("BENCHBOT_REQUIRE_STANDINS").is_none(),
            "actionlint is required here"
        );
        return;
    }
    // The runner label of the guide's workflow, as this repository declares it.
    std::fs::copy(
        common::root().join(".github/actionlint.yaml"),
        d.join(".github/actionlint.yaml"),
    )
    .unwrap();
    let o = Command::new("actionlint").current_dir(d).output().unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
