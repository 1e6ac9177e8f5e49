//! `benchbot history site`: a static site of the history, opened in headless Chromium from
//! `file://`: the index, a scenario's trend page with its change point and a run page load
//! with no console error and no request (the pages forbid every fetch by their content
//! policy, and a blocked fetch is a console error), and carry their titles and legends.
//! Screenshots are kept in `target/site-screenshots/` for a person to look at.

mod common;

use std::path::{Path, PathBuf};

use common::{chromium, fixture, open_in_chromium, run};

/// Eight runs of the fixture's scenario, a day apart; from the fifth on, every latency 30%
/// higher (a change point); the description carries markup.
fn history(dir: &Path) -> PathBuf {
    let base: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("records/v1-http-kv.json")).unwrap())
            .unwrap();
    let records = dir.join("records");
    std::fs::create_dir_all(&records).unwrap();
    for i in 0..8u32 {
        let mut r = base.clone();
        let day = 10 + i;
        r["run_id"] = format!("202611{day:02}T120000Z-0000000{i}").into();
        r["started_at"] = format!("2026-11-{day:02}T12:00:00Z").into();
        r["finished_at"] = format!("2026-11-{day:02}T12:01:00Z").into();
        r["scenario"]["description"] = "<script>alert(1)</script> & more".into();
        let factor = if i >= 4 { 1.3 } else { 1.0 };
        for t in r["targets"].as_array_mut().unwrap() {
            for op in t["operations"].as_array_mut().unwrap() {
                for rep in op["repetitions"].as_array_mut().unwrap() {
                    let lat = rep["latency"].as_object_mut().unwrap();
                    for (k, v) in lat.iter_mut() {
                        if k.ends_with("_ns") {
                            // A little spread within each segment, none across them.
                            let jitter = 1.0 + f64::from(i % 3) * 0.002;
                            let scaled = v.as_f64().unwrap() * factor * jitter;
                            *v = if k == "mean_ns" || k == "stdev_ns" {
                                scaled.into()
                            } else {
                                #[expect(
                                    clippy::cast_possible_truncation,
                                    clippy::cast_sign_loss,
                                    reason = "nanoseconds"
                                )]
                                let n = scaled.round() as u64;
                                n.into()
                            };
                        }
                    }
                }
            }
        }
        std::fs::write(records.join(format!("{i}.json")), r.to_string()).unwrap();
    }
    let repo = dir.join("history.git");
    let (code, _, stderr) = run(&[
        "history",
        "--repo",
        repo.to_str().unwrap(),
        "import",
        records.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    repo
}

#[test]
fn the_site_opens_offline_with_trends_change_points_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let repo = history(dir.path());
    let site = dir.path().join("site");
    let (code, _, stderr) = run(&[
        "history",
        "--repo",
        repo.to_str().unwrap(),
        "site",
        "--out",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let index = site.join("index.html");
    let scenario = site.join("scenario/http-kv.html");
    let run_page = site.join("run/http-kv/20261117T120000Z-00000007.html");
    for p in [&index, &scenario, &run_page] {
        let html = std::fs::read_to_string(p).unwrap();
        assert!(html.contains("Content-Security-Policy"), "{}", p.display());
        assert!(!html.contains("<script"), "{}: {html}", p.display());
        for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
            assert!(
                !html.contains(attr),
                "{}: nothing fetched: {attr}",
                p.display()
            );
        }
    }
    let scenario_html = std::fs::read_to_string(&scenario).unwrap();
    assert!(
        scenario_html.contains("Change point at run 5"),
        "the 30% step after the fourth run: {scenario_html}"
    );
    assert!(scenario_html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));

    let Some(chromium) = chromium() else { return };
    let shots = common::root().join("target/site-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let profile = dir.path().join("chromium-profile");
    for (page, shot, expect) in [
        (
            &index,
            "index.png",
            &["benchbot results", "http-kv", "20261117T120000Z-00000007"][..],
        ),
        (
            &scenario,
            "scenario.png",
            &["Scenario http-kv", "p99 of demo-server / get", "(+30."][..],
        ),
        (
            &run_page,
            "run.png",
            &[
                "Run 20261117T120000Z-00000007 of http-kv",
                "Latency by percentile",
            ][..],
        ),
    ] {
        let shot = shots.join(shot);
        let _ = std::fs::remove_file(&shot);
        let (dom, console) = open_in_chromium(&chromium, page, &shot, &profile);
        assert!(console.is_empty(), "{}: console: {console}", page.display());
        for e in expect {
            assert!(
                dom.contains(e),
                "{}: `{e}` in the DOM:\n{dom}",
                page.display()
            );
        }
        if page != &index {
            assert!(dom.contains("<svg"), "{}: charts inline", page.display());
        }
        let size = std::fs::metadata(&shot).map_or(0, |m| m.len());
        assert!(
            size > 10_000,
            "{}: a screenshot of {size} bytes",
            shot.display()
        );
    }
}
