//! The regression gate end to end through the binary, on the example `http-kv` target: a
//! baseline pooled from three runs, then the same target again (not a regression) and the
//! target at twice its service time (a regression). The margins are 2×, which no machine noise
//! reaches; the statistics that decide closer calls are tested on exact inputs in
//! `tests/verdict.rs` and `tests/gate.rs`.

mod common;

use common::{latest, records, root, run, write, Run};

/// The example `http-kv` scenario, shortened, with the demo server's per-request delay set and
/// its objectives removed (this test is about the comparison with the baseline).
fn http_kv(delay: &str) -> String {
    let text = std::fs::read_to_string(root().join("scenarios/internal/http-kv.toml")).unwrap();
    assert!(
        text.contains("\"--delay\", \"10ms\""),
        "the example changed; update this test"
    );
    let text = text
        .replace(
            "\"--delay\", \"10ms\"",
            &format!("\"--delay\", \"{delay}\""),
        )
        .replace("duration = \"2s\"", "duration = \"1s\"");
    text[..text.find("[[thresholds.slo]]").unwrap()].to_owned()
}

#[test]
fn twice_the_service_time_of_the_example_target_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let scenario = write(d, "http-kv.toml", &http_kv("20ms"));
    let (out, baselines) = (d.join("out"), d.join("baselines"));
    let bench = || {
        Run::new(&scenario, &out, &baselines).args(["--busy-cores", "64", "--busy-steal", "100"])
    };

    // 1. Three runs with no baseline yet: not judged, exit 0.
    for _ in 0..3 {
        let (code, _, stderr) = bench().output();
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains("not judged (no baseline)"), "{stderr}");
    }
    let first = records(&out, "http-kv");
    assert_eq!(first.len(), 3);

    // 2. Pool them into one baseline.
    let mut args = vec!["baseline".to_owned(), "write".to_owned()];
    args.extend(first.iter().map(|p| p.display().to_string()));
    args.extend(["--dir".to_owned(), baselines.display().to_string()]);
    let (code, _, stderr) = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("3 runs pooled"), "{stderr}");

    // 3. The same target again: judged against the three runs, nothing regressed.
    let (code, stdout, stderr) = bench().output();
    assert_eq!(code, 0, "unchanged target flagged:\n{stdout}\n{stderr}");
    let report = latest(&out);
    assert_ne!(report["verdict"], "internal-regression");
    assert_eq!(
        report["comparisons"][0]["basis"]["baseline"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // 4. Twice the service time: exit 1 and a regression row for the latency.
    std::fs::write(&scenario, http_kv("40ms")).unwrap();
    let (code, stdout, stderr) = bench().output();
    assert_eq!(code, 1, "2× slowdown not caught:\n{stdout}\n{stderr}");
    let report = latest(&out);
    assert_eq!(report["verdict"], "internal-regression");
    let rows = report["comparisons"][0]["rows"].as_array().unwrap();
    // Against three runs (two degrees of freedom, eight gating rows in the family) one
    // latency row of `get` may be left inconclusive by a noisy baseline run; the other
    // confirms the regression.
    let latency = rows
        .iter()
        .find(|r| {
            r["operation"] == "get"
                && (r["metric"] == "p50" || r["metric"] == "mean")
                && r["status"] == "regression"
        })
        .unwrap_or_else(|| panic!("no latency regression of `get`: {rows:?}"));
    let change = latency["change"].as_f64().unwrap();
    // 20 ms → 40 ms of server time: about +100%, far beyond any session-to-session drift.
    assert!(change > 0.5, "change {change}");
    assert!(
        rows.iter().all(|r| r["status"] != "improved"),
        "nothing improved: {rows:?}"
    );
    let md = std::fs::read_to_string(out.join("latest.md")).unwrap();
    assert!(md.contains("**REGRESSION**"), "{md}");
    assert_eq!(
        records(&out, "http-kv").len(),
        5,
        "every run keeps its record"
    );
}
