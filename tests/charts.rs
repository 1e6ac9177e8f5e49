//! Charts beside every report: drawn from the records a verb judged, well-formed SVG, the
//! same bytes for the same input, the baseline beside the current run, every name escaped.

mod common;

use std::path::Path;

use common::{fixture, run};

/// Every SVG under `dir`, by file name.
fn svgs(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Parses `svg` as XML to the end; the element names seen.
fn well_formed(name: &str, svg: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut names = Vec::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
            }
            Ok(_) => {}
            Err(e) => panic!("{name}: not well-formed XML: {e}\n{svg}"),
        }
    }
    names
}

#[test]
fn compare_draws_the_spectrum_beside_its_baseline_the_same_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let record = fixture("records/v1-http-kv.json");
    let compare = |out: &str| {
        let out = dir.path().join(out);
        let (code, stdout, stderr) = run(&[
            "compare",
            record.to_str().unwrap(),
            "--baseline",
            record.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        out
    };
    // A chart left from an earlier report in the same directory does not survive this one.
    let stale = dir.path().join("a/charts/old-scenario-spectrum.svg");
    std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
    std::fs::write(&stale, "<svg/>").unwrap();
    let (a, b) = (compare("a"), compare("b"));
    assert!(!stale.exists(), "the earlier report's chart is gone");
    let charts = svgs(&a.join("charts"));
    assert_eq!(
        charts,
        svgs(&b.join("charts")),
        "the same records give the same bytes"
    );
    let names: Vec<&str> = charts.iter().map(|c| c.0.as_str()).collect();
    assert!(
        names.contains(&"http-kv-demo-server-spectrum.svg"),
        "{names:?}"
    );
    for (name, svg) in &charts {
        let elements = well_formed(name, svg);
        assert_eq!(elements[0], "svg", "{name}");
        assert!(elements.iter().any(|e| e == "polyline"), "{name}: a line");
    }
    let spectrum = &charts
        .iter()
        .find(|c| c.0 == "http-kv-demo-server-spectrum.svg")
        .unwrap()
        .1;
    for legend in [">get<", ">get (baseline)<", ">put<", ">put (baseline)<"] {
        assert!(spectrum.contains(legend), "{legend}: {spectrum}");
    }
    assert!(
        spectrum.contains("stroke-dasharray=\"6 4\""),
        "the baseline dashed"
    );
    insta::assert_snapshot!("spectrum_of_v1_http_kv", spectrum);
    // Opened as a file in a browser: no console error, its legend in the DOM.
    if let Some(chromium) = common::chromium() {
        let shot = common::root().join("target/site-screenshots/chart-spectrum.png");
        std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
        let (dom, console) = common::open_in_chromium(
            &chromium,
            &a.join("charts/http-kv-demo-server-spectrum.svg"),
            &shot,
            &dir.path().join("chromium-profile"),
        );
        assert!(console.is_empty(), "{console}");
        assert!(dom.contains("get (baseline)"), "{dom}");
        assert!(std::fs::metadata(&shot).map_or(0, |m| m.len()) > 5_000);
    }
    // The Markdown report links them; the step summary says where they are.
    let md = std::fs::read_to_string(a.join("latest.md")).unwrap();
    assert!(
        md.contains("(charts/http-kv-demo-server-spectrum.svg)"),
        "{md}"
    );
    let summary = dir.path().join("summary.md");
    let event = common::write(dir.path(), "event.json", "{}");
    let o = common::benchbot_std()
        .args(["publish", "--report"])
        .arg(a.join("latest.json"))
        .arg("--out")
        .arg(&a)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "workflow_dispatch")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_REPOSITORY", "Codertocat/Hello-World")
        .env("GITHUB_RUN_ID", "42")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("GITHUB_TOKEN")
        .env_remove("BENCHBOT_TOKEN")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.contains(&format!(
            "**Charts:** {} SVG file(s) under `charts/`",
            charts.len()
        )) && summary.contains("`http-kv-demo-server-spectrum.svg`"),
        "{summary}"
    );
}

#[test]
fn hostile_names_stay_text_in_charts_and_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let name = "</text><script>alert(1)</script>\u{1b}[2J../../x";
    let data: Vec<f64> = (0..200).map(|i| 1.0e-3 + f64::from(i) * 1.0e-6).collect();
    let rec = common::ingest_pytest(dir.path(), "p.json", name, &data);
    let cmp = dir.path().join("cmp");
    let (code, _, stderr) = run(&[
        "compare",
        rec.to_str().unwrap(),
        "--baseline",
        rec.to_str().unwrap(),
        "--out",
        cmp.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let charts = svgs(&cmp.join("charts"));
    assert!(!charts.is_empty());
    for (file, svg) in &charts {
        assert!(
            file.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)),
            "{file}"
        );
        let elements = well_formed(file, svg);
        assert!(!elements.iter().any(|e| e == "script"), "{svg}");
        assert!(!svg.contains('\u{1b}'), "{svg}");
        assert!(svg.contains("&lt;/text&gt;&lt;script&gt;"), "{svg}");
    }
    assert!(
        std::fs::read_dir(dir.path())
            .unwrap()
            .all(|e| e.unwrap().file_name() != "x"),
        "nothing written outside the charts directory"
    );
}

#[test]
fn a_competitive_run_draws_every_target_on_one_spectrum() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = common::run_scenario(
        &common::root().join("scenarios/competitive/http-vs-python.toml"),
        &out,
        dir.path(),
        &[
            "--repetitions",
            "1",
            "--busy-cores",
            "64",
            "--busy-steal",
            "100",
        ],
    );
    assert!(code == 0 || code == 2, "{stdout}{stderr}");
    let svg =
        std::fs::read_to_string(out.join("charts/http-vs-python-get-file-standings-spectrum.svg"))
            .unwrap_or_else(|e| panic!("{e}: {:?}", svgs(&out.join("charts"))));
    well_formed("standings", &svg);
    for legend in [">demo-server (ours)<", ">python-http-server (competitor)<"] {
        assert!(svg.contains(legend), "{legend}: {svg}");
    }
}
