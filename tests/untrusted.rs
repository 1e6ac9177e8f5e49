//! Untrusted text (names, units, messages from targets and tools, records, events) is
//! neutralised in every channel it reaches. One hostile record feeds every renderer: the
//! Markdown report, the bounded PR comment, the quarterly issue, task issues and calibrations
//! are rendered with a GitHub-flavoured Markdown renderer (comrak) and checked for raw HTML,
//! live mentions, issue and commit references and bare links; the terminal report and log
//! lines for workflow commands and escapes; file names for length and characters.

mod common;

use benchbot::report::{
    bounded_markdown, markdown, quarterly_markdown, task_markdown, terminal, Extras,
};
use benchbot::scenario::{Kind, Role};
use benchbot::verdict::{compare, tasks, Comparison, Priorities};
use common::{pooled, record};

/// Every kind of trouble a name can carry to GitHub.
const EVIL: &str = "x<img src=x onerror=alert(1)></details>@octo-org/team #1 GH-1 a|b octo/repo#2 0123456789abcdef0123456789abcdef01234567 www.evil.example http://evil.example/ `code` **bold** [link](http://x)\n::warning title=injected::gotcha\u{1b}[31m";

fn hostile() -> Vec<Comparison> {
    let evil = |tag: &str| format!("{tag}-{EVIL}");
    let (t, o, c) = (evil("target"), evil("op"), evil("rival"));
    let rows = [
        (
            t.as_str(),
            Role::Ours,
            o.as_str(),
            &[10.0, 10.1, 9.9][..],
            &[100.0; 3][..],
        ),
        (
            c.as_str(),
            Role::Competitor,
            o.as_str(),
            &[5.0, 5.1, 4.9][..],
            &[200.0; 3][..],
        ),
    ];
    let mut current = record(Kind::Competitive, "r1", &rows);
    current.scenario.name = evil("scenario");
    for t in &mut current.targets {
        for op in &mut t.operations {
            op.unit = Some(evil("unit"));
            for r in &mut op.repetitions {
                r.errors.insert("check".into(), 3);
                r.error_samples.insert("check".into(), evil("sample"));
            }
        }
    }
    // A slower run than the baseline, so rows regress and tasks exist.
    for t in &mut current.targets {
        for op in &mut t.operations {
            for r in &mut op.repetitions {
                r.latency.p50_ns *= 2;
                r.latency.mean_ns *= 2.0;
            }
        }
    }
    let mut base = pooled(Kind::Competitive, &rows, &[0.0, 0.01, -0.01]);
    base.scenario.name.clone_from(&current.scenario.name);
    vec![compare(&current, Some(&base))]
}

fn gfm(md: &str) -> String {
    let mut o = comrak::Options::default();
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.strikethrough = true;
    o.extension.tasklist = true;
    o.render.r#unsafe = true;
    comrak::markdown_to_html(md, &o)
}

const ALLOWED: [&str; 24] = [
    "h2",
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
    "pre",
    "input",
];

/// The rendered body has no tag but the allowed ones, no link but ours, and nothing GitHub
/// would turn into a mention or a reference.
fn assert_inert(what: &str, md: &str) {
    let html = gfm(md);
    let mut rest = html.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        assert!(
            name.is_empty() || ALLOWED.contains(&name.as_str()),
            "{what}: <{name}> survived:\n{html}"
        );
        if name == "a" && !rest.starts_with('/') {
            let href = rest.split('"').nth(1).unwrap_or_default();
            assert!(
                href.starts_with("https://github.com/") || href.starts_with("https://example"),
                "{what}: a link to {href} from untrusted text:\n{html}"
            );
        }
    }
    // Text GitHub links or notifies, outside code spans.
    let text = strip_code(&html);
    for live in [
        "@octo-org",
        "#1",
        "#2",
        "GH-1",
        "0123456789abcdef",
        "www.evil",
        "http://evil",
    ] {
        assert!(
            !text.contains(live),
            "{what}: `{live}` is live in the rendered text:\n{text}"
        );
    }
    assert!(!html.contains("<img"), "{what}: {html}");
}

/// `html` without the contents of `<code>` elements (GitHub links nothing inside them).
fn strip_code(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<code") {
        out.push_str(&rest[..i]);
        rest = rest[i..].split_once("</code>").map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out
}

#[test]
fn every_markdown_body_is_inert() {
    let cs = hostile();
    assert!(!cs[0].rows.is_empty() && !cs[0].errors.is_empty());
    assert_inert("step summary", &markdown(&cs));
    let extras = Extras {
        run_url: Some("https://github.com/o/r/actions/runs/1".into()),
        artifact: Some("benchbot-report".into()),
        accept_label: Some("benchbot-accept".into()),
        pr_head: Some("abc".into()),
        history: None,
    };
    assert_inert(
        "comment",
        &bounded_markdown(&cs, &extras, 60_000, "the artifact"),
    );
    assert_inert(
        "bounded comment",
        &bounded_markdown(&cs, &extras, 2_000, "the artifact"),
    );
    let ts = tasks(&cs, Priorities::default());
    assert!(!ts.is_empty(), "the rival leads: a task");
    assert_inert(
        "quarterly issue",
        &quarterly_markdown("2026-Q4", &cs, &ts, &[(EVIL.into(), "▁▂▃".into())], &[]),
    );
    for t in &ts {
        assert_inert("task issue", &task_markdown(t));
    }
}

#[test]
fn the_terminal_report_and_log_lines_carry_no_workflow_command() {
    let cs = hostile();
    let text = terminal(&cs);
    // The renderer keeps the text; the printer neutralises it on the way out.
    let shown = benchbot::util::log_safe(&text);
    for line in shown.lines() {
        assert!(!line.trim_start().starts_with("::"), "{line:?}");
        assert!(!line.contains('\u{1b}'), "{line:?}");
    }
    // Through the binary: an ingested tool output whose benchmark name carries a command.
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::json!({
        "results": [{ "command": "sleep\n::error title=pwned::owned", "mean": 0.01,
                      "stddev": 0.001, "times": [0.01, 0.011, 0.009] }]
    });
    let path = common::write(dir.path(), "hyperfine.json", &json.to_string());
    let o = common::benchbot_std()
        .args(["ingest"])
        .arg(&path)
        .args(["--scenario", "evil", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        all.contains("error title=pwned"),
        "shown, not executed: {all}"
    );
    for stream in [&o.stdout, &o.stderr] {
        let s = String::from_utf8_lossy(stream);
        for line in s.lines() {
            assert!(!line.trim_start().starts_with("::"), "{line:?}\n{s}");
        }
    }
}
