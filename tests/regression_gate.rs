//! The regression gate end to end through the binary, on the example `http-kv` target.
//!
//! Kept in a test binary of its own: cargo runs test binaries one after another, so no other
//! test competes for the CPU while the baseline and the runs are measured (2-core machines).

mod common;

use std::path::Path;

use common::{latest, records, root, run, write};

/// The example `http-kv` scenario, shortened, with the demo server's per-request delay set.
fn http_kv(delay: &str) -> String {
    let text = std::fs::read_to_string(root().join("scenarios/internal/http-kv.toml")).unwrap();
    assert!(
        text.contains("\"--delay\", \"10ms\""),
        "the example changed; update this test"
    );
    text.replace(
        "\"--delay\", \"10ms\"",
        &format!("\"--delay\", \"{delay}\""),
    )
    .replace("duration = \"2s\"", "duration = \"1s\"")
}

#[test]
fn a_ten_percent_slowdown_of_the_example_target_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let scenario = write(d, "http-kv.toml", &http_kv("20ms"));
    let (out, baselines) = (d.join("out"), d.join("baselines"));
    let args = |out: &Path| {
        vec![
            "run".to_owned(),
            scenario.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--baselines".into(),
            baselines.display().to_string(),
            "--no-progress".into(),
        ]
    };

    // 1. First run: no baseline yet, exit 0.
    let (code, _, stderr) = run(&args(&out).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no baseline"), "{stderr}");
    let first = records(&out, "http-kv");
    assert_eq!(first.len(), 1);

    // 2. Promote it.
    let (code, _, stderr) = run(&[
        "baseline",
        "write",
        first[0].to_str().unwrap(),
        "--dir",
        baselines.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(baselines.join("http-kv.json").exists());

    // 3. The same target again: nothing regressed.
    let (code, stdout, stderr) = run(&args(&out).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "unchanged target flagged:\n{stdout}\n{stderr}");

    // 4. 10% slower: exit 1 and a regression row for the latency.
    std::fs::write(&scenario, http_kv("22ms")).unwrap();
    let (code, stdout, stderr) = run(&args(&out).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 1, "10% slowdown not caught:\n{stdout}\n{stderr}");
    let row = stdout
        .lines()
        .find(|l| l.contains("get p50"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(row.contains("REGRESSION"), "{row}");
    let report = latest(&out);
    assert_eq!(report["verdict"], "internal-regression");
    let rows = report["comparisons"][0]["rows"].as_array().unwrap();
    let p50 = rows
        .iter()
        .find(|r| r["operation"] == "get" && r["metric"] == "p50")
        .unwrap();
    let change = p50["change"].as_f64().unwrap();
    // 20 ms → 22 ms of server time plus a few hundred µs of fixed overhead: +8..+11%.
    assert!((0.08..0.12).contains(&change), "change {change}");
    assert!(p50["p"].as_f64().unwrap() < 0.05);
    let md = std::fs::read_to_string(out.join("latest.md")).unwrap();
    assert!(md.contains("#### Regressions"), "{md}");
    assert_eq!(
        records(&out, "http-kv").len(),
        3,
        "every run keeps its record"
    );
}
