//! `benchbot accept`: who accepted which change and why, committed to the history and read back
//! with the git CLI; from the command line and from a merged pull request's `closed` event
//! (a real payload from `@octokit/webhooks-examples`, edited to be merged and labelled).

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixture, write};

fn git_show_accepted(history: &Path) -> Vec<serde_json::Value> {
    let ls = Command::new("git")
        .arg("-C")
        .arg(history)
        .args(["ls-tree", "-r", "--name-only", "benchbot-results"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&ls.stdout)
        .lines()
        .filter(|l| l.starts_with("accepted/"))
        .map(|path| {
            let o = Command::new("git")
                .arg("-C")
                .arg(history)
                .args(["show", &format!("benchbot-results:{path}")])
                .output()
                .unwrap();
            serde_json::from_slice(&o.stdout).unwrap()
        })
        .collect()
}

fn accept(dir: &Path, args: &[&str], event: Option<&Path>) -> (i32, String) {
    let mut cmd = common::benchbot_std();
    cmd.current_dir(dir)
        .arg("accept")
        .args(["--history", "history.git"])
        .args(args)
        .env_remove("GITHUB_EVENT_NAME")
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("GITHUB_ACTOR");
    if let Some(e) = event {
        cmd.env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", e);
    }
    let o = cmd.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn accept_from_the_command_line_keeps_who_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = accept(
        dir.path(),
        &[
            "--scenario",
            "http-kv",
            "--by",
            "alice",
            "--reason",
            "the cache now writes through",
            "--sha",
            "0123456789abcdef0123456789abcdef01234567",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("accepted by alice"), "{err}");
    let docs = git_show_accepted(&dir.path().join("history.git"));
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["by"], "alice");
    assert_eq!(docs[0]["reason"], "the cache now writes through");
    assert_eq!(docs[0]["scenarios"][0], "http-kv");
    assert_eq!(docs[0]["format"], "benchbot.acceptance");

    // Why is not optional.
    let (code, err) = accept(dir.path(), &["--by", "bob"], None);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("--reason is required"), "{err}");
    assert_eq!(git_show_accepted(&dir.path().join("history.git")).len(), 1);
}

fn closed_payload(dir: &Path, merged: bool, labels: &[&str]) -> std::path::PathBuf {
    let mut v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("github/pull_request.closed.json")).unwrap(),
    )
    .unwrap();
    v["pull_request"]["merged"] = merged.into();
    v["pull_request"]["merged_by"] = v["sender"].clone();
    v["pull_request"]["title"] = "Faster <b>search</b> @octo-org/team".into();
    v["pull_request"]["labels"] = labels
        .iter()
        .map(|l| serde_json::json!({ "name": l }))
        .collect();
    write(dir, "event.json", &v.to_string())
}

#[test]
fn a_merged_pull_request_with_the_label_is_accepted_and_others_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.git");

    let event = closed_payload(dir.path(), false, &["benchbot-accept"]);
    let (code, err) = accept(dir.path(), &[], Some(&event));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("was not merged"), "{err}");
    assert!(git_show_accepted(&history).is_empty());

    let event = closed_payload(dir.path(), true, &["bug"]);
    let (code, err) = accept(dir.path(), &[], Some(&event));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("does not carry the `benchbot-accept` label"),
        "{err}"
    );
    assert!(git_show_accepted(&history).is_empty());

    let event = closed_payload(dir.path(), true, &["bug", "benchbot-accept"]);
    let payload: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&event).unwrap()).unwrap();
    let (code, err) = accept(dir.path(), &[], Some(&event));
    assert_eq!(code, 0, "{err}");
    let docs = git_show_accepted(&history);
    assert_eq!(docs.len(), 1);
    let a = &docs[0];
    assert_eq!(a["by"], payload["sender"]["login"]);
    assert_eq!(a["sha"], payload["pull_request"]["merge_commit_sha"]);
    assert_eq!(a["pull_request"], payload["number"]);
    // The title is kept as written (escaped where it is shown), with the label.
    assert!(
        a["reason"]
            .as_str()
            .unwrap()
            .contains("Faster <b>search</b>"),
        "{a}"
    );
    assert!(a["reason"].as_str().unwrap().contains("benchbot-accept"));
    assert!(a["scenarios"].is_null(), "every scenario: {a}");
}
