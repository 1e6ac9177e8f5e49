//! Real webhook payloads (npm `@octokit/webhooks-examples`) parsed into the typed context, fork
//! safety, and `workflow_dispatch` inputs honoured by `run`.

mod common;

use std::collections::HashMap;
use std::path::Path;

use benchbot::github::{fork_refusal, Context, Event};
use common::{fixture, root, write};

fn context(event: &str, payload: &Path) -> Context {
    let vars: HashMap<&str, String> = [
        ("GITHUB_EVENT_NAME", event.to_owned()),
        ("GITHUB_EVENT_PATH", payload.display().to_string()),
        ("GITHUB_REPOSITORY", "Codertocat/Hello-World".to_owned()),
        (
            "GITHUB_API_URL",
            "https://ghes.example.com/api/v3".to_owned(),
        ),
        ("GITHUB_ACTIONS", "true".to_owned()),
    ]
    .into_iter()
    .collect();
    Context::from_vars(|k| vars.get(k).cloned()).unwrap()
}

#[test]
fn pull_request_payloads_parse_into_typed_events() {
    for file in ["pull_request.opened.json", "pull_request.synchronize.json"] {
        let ctx = context("pull_request", &fixture(&format!("github/{file}")));
        let pr = ctx.pull_request().unwrap_or_else(|| panic!("{file}"));
        assert_eq!(
            pr.pull_request.base.repo.as_ref().unwrap().full_name,
            "Codertocat/Hello-World"
        );
        assert_eq!(pr.pull_request.head.sha.len(), 40);
        assert!(
            fork_refusal(pr, "safe-to-benchmark", false).is_none(),
            "{file}: same-repository pull request"
        );
        assert_eq!(
            ctx.api_url, "https://ghes.example.com/api/v3",
            "GHES base URL comes from GITHUB_API_URL"
        );
        assert_eq!(ctx.trigger(), "pull_request");
    }
    assert!(
        matches!(context("push", &fixture("github/push.json")).event, Event::Push(ref p) if p.after.len() == 40)
    );
    assert!(
        matches!(context("schedule", &fixture("github/schedule.json")).event, Event::Schedule(ref s) if s.schedule.as_deref() == Some("0 6 1 1,4,7,10 *"))
    );
    assert!(matches!(
        context(
            "workflow_dispatch",
            &fixture("github/workflow_dispatch.json")
        )
        .event,
        Event::WorkflowDispatch(_)
    ));
}

fn fork_payload(dir: &Path, labels: &[&str]) -> std::path::PathBuf {
    fork_event(dir, "pull_request.opened.json", labels, None)
}

/// A fork's pull request event (`file` from the webhook examples), with `labels`, and for a
/// `labeled` event the label just added.
fn fork_event(
    dir: &Path,
    file: &str,
    labels: &[&str],
    just_added: Option<&str>,
) -> std::path::PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(&format!("github/{file}"))).unwrap())
            .unwrap();
    if let Some(l) = just_added {
        v["action"] = "labeled".into();
        v["label"] = serde_json::json!({ "name": l });
    }
    v["pull_request"]["head"]["repo"]["fork"] = true.into();
    v["pull_request"]["head"]["repo"]["full_name"] = "mallory/Hello-World".into();
    v["pull_request"]["labels"] = labels
        .iter()
        .map(|l| serde_json::json!({ "name": l }))
        .collect();
    write(dir, "fork.json", &v.to_string())
}

#[test]
fn a_fork_pull_request_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let payload = fork_payload(dir.path(), &[]);
    let out = dir.path().join("out");
    let run = |extra: &[&str], payload: &Path| {
        common::Run::new("scenarios/internal/command-sort.toml", &out, dir.path())
            .args(["--repetitions", "1"])
            .args(extra)
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", payload)
            .env_remove("GITHUB_TOKEN")
            .output()
    };
    let (code, _, stderr) = run(&[], &payload);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("comes from a fork (mallory/Hello-World)")
            && stderr.contains("safe-to-benchmark"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing ran");
    // The run the maintainer's label starts measures the commit they labelled.
    let labelled = fork_event(
        dir.path(),
        "pull_request.opened.json",
        &["safe-to-benchmark"],
        Some("safe-to-benchmark"),
    );
    assert_eq!(run(&[], &labelled).0, 0);
    // New commits pushed after the approval: the label is still there, the approval is not.
    let pushed = fork_event(
        dir.path(),
        "pull_request.synchronize.json",
        &["safe-to-benchmark"],
        None,
    );
    let (code, _, stderr) = run(&[], &pushed);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("new commits since the `safe-to-benchmark` label"),
        "{stderr}"
    );
    // Another label added does not approve anything.
    let other = fork_event(
        dir.path(),
        "pull_request.synchronize.json",
        &["safe-to-benchmark", "bug"],
        Some("bug"),
    );
    assert_eq!(run(&[], &other).0, 3);
    // The maintainer's input does.
    assert_eq!(run(&["--allow-fork"], &payload).0, 0);
}

#[test]
fn workflow_dispatch_inputs_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("github/workflow_dispatch.json")).unwrap(),
    )
    .unwrap();
    v["inputs"] = serde_json::json!({ "scenario": "command-sort", "repetitions": "2", "baseline": "", "publish": false });
    let payload = write(dir.path(), "dispatch.json", &v.to_string());
    let out = dir.path().join("out");
    let (code, stdout, stderr) = common::Run::new("scenarios", &out, dir.path())
        .args(["--format", "json"])
        .env("GITHUB_EVENT_NAME", "workflow_dispatch")
        .env("GITHUB_EVENT_PATH", &payload)
        .output();
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let comparisons = report["comparisons"].as_array().unwrap();
    assert_eq!(
        comparisons.len(),
        1,
        "only the scenario named in the input ran"
    );
    assert_eq!(comparisons[0]["scenario"], "command-sort");
    let rec = std::fs::read_dir(out.join("records/command-sort"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rec).unwrap()).unwrap();
    assert_eq!(rec["trigger"], "workflow_dispatch");
    assert_eq!(
        rec["targets"][0]["operations"][0]["repetitions"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "repetitions from the input"
    );
    let _ = root();
}
