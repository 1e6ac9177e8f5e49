//! What a reviewer reads in each state a run can end in: judged ok, regressed, failed (a
//! service that never started), no baseline, incomparable machine, inconclusive, accepted
//! change. For each, `benchbot publish` writes the PR comment, the step summary and the JSON
//! report from the same comparisons; they are snapshotted, and the comment is rendered with a
//! GitHub-flavoured Markdown renderer (comrak) to check its structure: the headline says the
//! state (never "ok" without a judgement), no raw HTML beyond what GitHub allows, and the
//! next steps are there.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use benchbot::github::Context;
use benchbot::scenario::{Kind, Role};
use benchbot::verdict::{compare, Comparison, Verdict};
use common::{ab_record, fixture, pooled, record, write};

const STEADY: [f64; 6] = [10.0, 10.1, 9.9, 10.0, 10.2, 9.8];

fn scaled(v: &[f64], f: f64) -> Vec<f64> {
    v.iter().map(|x| x * f).collect()
}

fn regressed() -> Comparison {
    let head = scaled(&STEADY, 1.5);
    compare(
        &ab_record(
            &[("get", &STEADY), ("put", &STEADY)],
            &[("get", &head), ("put", &STEADY)],
            None,
        ),
        None,
    )
}

/// The PR event payload (a real one), with `labels`.
fn pr_event(dir: &Path, labels: &[&str]) -> PathBuf {
    let mut v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("github/pull_request.opened.json")).unwrap(),
    )
    .unwrap();
    v["pull_request"]["labels"] = labels
        .iter()
        .map(|l| serde_json::json!({ "name": l }))
        .collect();
    write(dir, "event.json", &v.to_string())
}

fn state(name: &str, dir: &Path) -> (Vec<Comparison>, Verdict) {
    let c = match name {
        "ok" => {
            let head = scaled(&STEADY, 1.001);
            compare(&ab_record(&[("get", &STEADY)], &[("get", &head)], None), None)
        }
        "regressed" => regressed(),
        "failed" => Comparison::failed(
            "synthetic",
            Kind::Internal,
            "20261130T000000Z-00000000",
            "target `api`: service `api` did not become ready within 5s (http://127.0.0.1:40000/health)\n  log: benchbot-out/logs/api.log",
        ),
        "no-baseline" => compare(
            &record(Kind::Internal, "r1", &[("api", Role::Ours, "get", &STEADY, &[100.0; 6])]),
            None,
        ),
        "incomparable" => {
            let rows = [("api", Role::Ours, "get", &STEADY[..], &[100.0; 6][..])];
            let mut base = pooled(Kind::Internal, &rows, &[0.0, 0.01, -0.01]);
            base.environment.cpu_model = "Another CPU".into();
            base.environment.logical_cores = 64;
            compare(&record(Kind::Internal, "r1", &rows), Some(&base))
        }
        "inconclusive" => {
            let head = [9.0, 12.0, 10.5, 8.0, 13.5, 11.0];
            compare(&ab_record(&[("get", &STEADY)], &[("get", &head)], None), None)
        }
        "accepted" => {
            let mut cs = vec![regressed()];
            let event = pr_event(dir, &["benchbot-accept"]);
            let vars: HashMap<&str, String> = [
                ("GITHUB_EVENT_NAME", "pull_request".to_owned()),
                ("GITHUB_EVENT_PATH", event.display().to_string()),
            ]
            .into_iter()
            .collect();
            let ctx = Context::from_vars(|k| vars.get(k).cloned()).unwrap();
            benchbot::cmd::judging::accept_by_label(
                &mut cs,
                &ctx,
                "benchbot-accept",
                &benchbot::printer::Printer::new(false),
            );
            return (cs, Verdict::Accepted);
        }
        other => panic!("no state {other}"),
    };
    let expected = match name {
        "ok" => Verdict::Ok,
        "regressed" => Verdict::InternalRegression,
        "failed" => Verdict::Failed,
        _ => Verdict::NotJudged,
    };
    (vec![c], expected)
}

/// `benchbot publish` of `comparisons` inside a pull request's workflow run without a token:
/// (comment.md, step summary, latest.json, exit code).
fn publish(
    dir: &Path,
    comparisons: &[Comparison],
    labels: &[&str],
) -> (String, String, String, i32) {
    let report = dir.join("latest.json");
    std::fs::write(&report, benchbot::report::json(comparisons).unwrap()).unwrap();
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "").unwrap();
    let event = pr_event(dir, labels);
    let out = dir.join("out");
    let o = common::benchbot_std()
        .args(["publish", "--report"])
        .arg(&report)
        .arg("--out")
        .arg(&out)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_REPOSITORY", "Codertocat/Hello-World")
        .env("GITHUB_RUN_ID", "42")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", dir.join("outputs"))
        .env_remove("GITHUB_TOKEN")
        .env_remove("BENCHBOT_TOKEN")
        .output()
        .unwrap();
    (
        std::fs::read_to_string(out.join("comment.md")).unwrap(),
        std::fs::read_to_string(&summary).unwrap(),
        std::fs::read_to_string(&report).unwrap(),
        o.status.code().unwrap_or(-1),
    )
}

fn gfm(md: &str) -> String {
    let mut o = comrak::Options::default();
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.strikethrough = true;
    o.render.r#unsafe = true;
    comrak::markdown_to_html(md, &o)
}

/// Every HTML tag name in `html`.
fn tags(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if !name.is_empty() {
            out.push(name.to_ascii_lowercase());
        }
    }
    out
}

/// The text of the first element `tag` in `html`.
fn first(html: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let i = html
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {html}"));
    let start = i + html[i..].find('>').unwrap() + 1;
    let end = start + html[start..].find(&format!("</{tag}>")).unwrap();
    html[start..end].to_owned()
}

const ALLOWED: [&str; 22] = [
    "h3",
    "h4",
    "p",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "ul",
    "ol",
    "li",
    "details",
    "summary",
    "sub",
    "code",
    "strong",
    "em",
    "a",
    "hr",
    "blockquote",
    "br",
];

fn check(name: &str, headline: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (comparisons, expected) = state(name, dir.path());
    assert_eq!(comparisons[0].verdict, expected, "{name}");
    let labels: &[&str] = if name == "accepted" {
        &["benchbot-accept"]
    } else {
        &[]
    };
    let (comment, summary, json, code) = publish(dir.path(), &comparisons, labels);
    let exit = match expected {
        Verdict::InternalRegression => 1,
        Verdict::Failed => 3,
        _ => 0,
    };
    assert_eq!(code, exit, "{name}: exit code");

    let html = gfm(&comment);
    for t in tags(&html) {
        assert!(
            ALLOWED.contains(&t.as_str()),
            "{name}: <{t}> in the rendered comment:\n{html}"
        );
    }
    let h = first(&html, "h3");
    assert!(
        h.contains(headline),
        "{name}: headline {h:?} should say {headline:?}"
    );
    if expected != Verdict::Ok {
        assert!(
            !h.contains(": ok"),
            "{name}: never ok without a judgement: {h}"
        );
    }
    // The PR's head commit, not a merge commit, in the footer.
    assert!(comment.contains("ec26c3e57ca3"), "{name}: {comment}");
    // Next steps in every comment that has something to act on.
    if expected != Verdict::Ok {
        assert!(html.contains("Next steps"), "{name}: {html}");
        assert!(
            html.contains("/actions/runs/42"),
            "{name}: a link to the run"
        );
    }
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["verdict"], expected.as_str(), "{name}");

    insta::with_settings!({ snapshot_suffix => name, filters => vec![
        (r"benchbot \d+\.\d+\.\d+", "benchbot [version]"),
    ]}, {
        insta::assert_snapshot!("comment", comment);
        insta::assert_snapshot!("summary", summary);
        insta::assert_snapshot!("latest", json);
    });
}

#[test]
fn judged_ok() {
    check("ok", "benchbot: ok");
}

#[test]
fn regressed_names_the_operation_first_and_how_sure() {
    check("regressed", "internal regression");
    let dir = tempfile::tempdir().unwrap();
    let (cs, _) = state("regressed", dir.path());
    let (comment, ..) = publish(dir.path(), &cs, &[]);
    let html = gfm(&comment);
    // The first table's first row is the operation that regressed.
    let row = first(&first(&html, "tbody"), "tr");
    assert!(row.contains("get") && row.contains("REGRESSION"), "{row}");
    // How it was compared, and how to reproduce it.
    assert!(html.contains("interleaved"), "{html}");
    assert!(html.contains("benchbot ab --base"), "{html}");
    assert!(html.contains("benchbot-accept"), "how to accept: {html}");
}

#[test]
fn failed_service_never_started() {
    check("failed", "FAILED");
}

#[test]
fn no_baseline_is_not_judged() {
    check("no-baseline", "not judged");
}

#[test]
fn incomparable_machine_is_not_judged() {
    check("incomparable", "not judged");
}

#[test]
fn inconclusive_is_not_judged() {
    check("inconclusive", "not judged");
}

#[test]
fn accepted_change() {
    check("accepted", "accepted");
}
