//! `benchbot ab` end to end: a small service in a git repository of its own, two commits whose
//! only difference is the service's delay (2×, a margin no machine noise hides), base and head
//! built into worktrees and measured in interleaved blocks.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const SERVER: &str = r#"import http.server, socket, sys, time
DELAY = 0.010
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    def do_GET(self):
        if self.path != "/health":
            time.sleep(DELAY)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"#;

const SCENARIO: &str = r#"[scenario]
name = "svc"
kind = "internal"

[build]
command = "cp server.py built-server.py"

[[target]]
name = "svc"
role = "ours"
[target.http]
base-url = "http://127.0.0.1:{{port}}"
[target.service]
command = ["python3", "{{tree}}/built-server.py", "{{port}}"]
ready = { http = "http://127.0.0.1:{{port}}/health" }

[[operation]]
name = "get"
[operation.http]
path = "/item"

[load]
concurrency = 2
duration = "500ms"
warmup = "200ms"
repetitions = 4

[thresholds]
metrics = ["p50", "mean"]
"#;

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// A repository with two commits: the service at 10 ms, then at 20 ms. Returns both SHAs.
fn fixture(dir: &Path) -> (String, String) {
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.email", "t@example.com"]);
    git(dir, &["config", "user.name", "t"]);
    std::fs::write(dir.join("server.py"), SERVER).unwrap();
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    std::fs::write(dir.join("scenarios/svc.toml"), SCENARIO).unwrap();
    std::fs::write(dir.join(".gitignore"), "built-server.py\nbenchbot-out/\n").unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "fast"]);
    let fast = git(dir, &["rev-parse", "HEAD"]);
    std::fs::write(dir.join("server.py"), SERVER.replace("0.010", "0.020")).unwrap();
    git(dir, &["commit", "-qam", "slow"]);
    let slow = git(dir, &["rev-parse", "HEAD"]);
    (fast, slow)
}

fn ab(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = common::benchbot_std()
        .current_dir(dir)
        .args([
            "ab",
            "scenarios",
            "--no-progress",
            "--preflight",
            "off",
            "--busy-cores",
            "64",
            "--busy-steal",
            "100",
        ])
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn twice_as_slow_is_a_confirmed_regression_and_a_a_is_ok() {
    let dir = tempfile::tempdir().unwrap();
    let (fast, slow) = fixture(dir.path());

    // Head (the working tree, at `slow`) against the parent commit.
    // Four blocks and four to confirm, whatever the machine's noise (no extension).
    let (code, stderr) = ab(
        dir.path(),
        &["--base", &fast, "--blocks", "4", "--extend", "off"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("building"),
        "both trees were built: {stderr}"
    );
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("benchbot-out/latest.json")).unwrap(),
    )
    .unwrap();
    let c = &report["comparisons"][0];
    assert_eq!(c["verdict"], "internal-regression");
    assert_eq!(c["basis"]["method"], "interleaved");
    assert_eq!(c["basis"]["baseline"][0]["sha"], fast.as_str());
    assert_eq!(c["basis"]["current"]["sha"], slow.as_str());
    let p50 = c["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == "p50")
        .unwrap();
    assert_eq!(p50["status"], "regression");
    let change = p50["change"].as_f64().unwrap();
    assert!(change > 0.5, "2× the delay is far more than +50%: {change}");
    // Confirmed by blocks of their own before it was reported.
    assert_eq!(p50["confirming"]["n"], 4, "{p50}");
    let rec_dir = dir.path().join("benchbot-out/records/svc");
    let rec: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::fs::read_dir(&rec_dir)
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path(),
        )
        .unwrap(),
    )
    .unwrap();
    let order = rec["ab"]["order"].as_array().unwrap();
    assert_eq!(order.len(), 8);
    assert!(order.contains(&Value::from("base,head")) && order.contains(&Value::from("head,base")));
    // Every repetition carries its block; base and head pair up block by block.
    let blocks = |reps: &Value| -> Vec<u64> {
        reps.as_array()
            .unwrap()
            .iter()
            .map(|r| r["block"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(
        blocks(&rec["targets"][0]["operations"][0]["repetitions"]),
        blocks(&rec["ab"]["base_targets"][0]["operations"][0]["repetitions"])
    );
    // Head's spectrum with base's beside it, dashed.
    let charts = dir.path().join("benchbot-out/charts");
    let spectrum = std::fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("-spectrum.svg"))
        .unwrap_or_else(|| panic!("a spectrum under {}", charts.display()));
    let svg = std::fs::read_to_string(spectrum).unwrap();
    assert!(
        svg.contains(" (base)</text>") && svg.contains("stroke-dasharray=\"6 4\""),
        "{svg}"
    );

    // A/A: the same commit as base and head — one tree, one build, no regression.
    let aa_out = dir.path().join("aa");
    let (code, stderr) = ab(
        dir.path(),
        &[
            "--base",
            &slow,
            "--head",
            &slow,
            "--blocks",
            "4",
            "--out",
            aa_out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(aa_out.join("latest.json")).unwrap())
            .unwrap();
    assert_ne!(report["verdict"], "internal-regression");
    // The comment's reproduce command names the two commits.
    let comment = std::fs::read_to_string(dir.path().join("benchbot-out/comment.md")).unwrap();
    assert!(
        comment.contains(&format!(
            "benchbot ab --base {} --head {}",
            &fast[..12],
            &slow[..12]
        )),
        "{comment}"
    );
}

#[test]
fn an_unknown_revision_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let (code, stderr) = ab(dir.path(), &["--base", "no-such-branch"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("`no-such-branch` is not a revision"),
        "{stderr}"
    );
}

#[test]
fn a_sweep_is_left_out_of_the_interleaving_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (fast, _) = fixture(dir.path());
    let sweep = SCENARIO.replace("name = \"svc\"", "name = \"svc-sweep\"")
        + "\n[sweep]\nover = \"concurrency\"\nvalues = [1, 2]\n";
    std::fs::create_dir_all(dir.path().join("sweeps")).unwrap();
    std::fs::write(dir.path().join("sweeps/sweep.toml"), &sweep).unwrap();
    std::fs::write(dir.path().join("scenarios/sweep.toml"), &sweep).unwrap();

    let (code, stderr) = ab(dir.path(), &["--base", &fast, "--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("svc-sweep is a sweep and is left out"),
        "{stderr}"
    );

    // Nothing but sweeps: nothing to interleave is an error, not an empty success.
    let o = common::benchbot_std()
        .current_dir(dir.path())
        .args([
            "ab",
            "sweeps",
            "--base",
            &fast,
            "--dry-run",
            "--no-progress",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("nothing to interleave"), "{stderr}");
}
