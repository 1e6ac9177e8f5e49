//! Ingest that is exact: only the current criterion run, names criterion reserves for itself
//! usable as benchmark names, many samples stored compactly with exact Welch inputs, each Go
//! line's own iteration count, Google Benchmark counters, JMH sample mode.

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use benchbot::ingest::{parse, parse_with, Format, Kind, ParseOptions};
use common::{fixture, records, run, write};

/// Copies one criterion result folder (`new/` with its three files) to `dir/<rel>/new`, written
/// `age` ago.
fn criterion_result(root: &Path, rel: &str, full_id: &str, age: Duration) {
    let src = fixture("criterion/target-criterion/sum/100/new");
    let dst = root.join(rel).join("new");
    std::fs::create_dir_all(&dst).unwrap();
    for f in ["estimates.json", "sample.json"] {
        std::fs::copy(src.join(f), dst.join(f)).unwrap();
    }
    std::fs::write(
        dst.join("benchmark.json"),
        serde_json::json!({ "full_id": full_id }).to_string(),
    )
    .unwrap();
    let when = SystemTime::now() - age;
    for f in ["estimates.json", "sample.json", "benchmark.json"] {
        std::fs::File::options()
            .write(true)
            .open(dst.join(f))
            .unwrap()
            .set_modified(when)
            .unwrap();
    }
    // What criterion keeps beside `new`: the previous run and the change between them.
    for saved in ["base", "change"] {
        let d = root.join(rel).join(saved);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::copy(src.join("estimates.json"), d.join("estimates.json")).unwrap();
    }
}

fn names(benches: &[benchbot::ingest::Bench]) -> Vec<&str> {
    benches.iter().map(|b| b.name.as_str()).collect()
}

#[test]
fn criterion_reads_the_latest_run_only_and_any_benchmark_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // This run: three benchmarks a few seconds apart, named with the words criterion uses for
    // its own folders.
    criterion_result(root, "report/base", "report/base", Duration::from_secs(20));
    criterion_result(root, "change", "change", Duration::from_secs(12));
    criterion_result(root, "parse/new", "parse/new", Duration::from_secs(2));
    // Twenty minutes earlier: a benchmark this run did not run.
    criterion_result(root, "gone", "gone", Duration::from_secs(20 * 60));

    let p = parse_with(root, Format::Auto, ParseOptions::default()).unwrap();
    assert_eq!(p.format, Format::Criterion);
    let mut got = names(&p.benches);
    got.sort_unstable();
    assert_eq!(got, ["change", "parse/new", "report/base"]);
    assert_eq!(
        p.stale.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["gone"]
    );
    assert!(p.benches.iter().all(|b| b.samples.len() == 20));

    // Told to take everything since an hour ago, the old result is read too.
    let since = SystemTime::now() - Duration::from_secs(3600);
    let p = parse_with(root, Format::Auto, ParseOptions { since: Some(since) }).unwrap();
    assert_eq!(p.benches.len(), 4);
    assert!(p.stale.is_empty());

    // Through the command: the old result is named in a warning, and --since takes it.
    let out = root.join("out");
    let (code, _, stderr) = run(&[
        "ingest",
        root.to_str().unwrap(),
        "--scenario",
        "crit",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("1 result(s) left by an earlier criterion run")
            && stderr.contains("`gone`"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&[
        "ingest",
        root.to_str().unwrap(),
        "--scenario",
        "crit2",
        "--since",
        "1h",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("earlier criterion run"), "{stderr}");
    let v = record(&records(&out, "crit2")[0]);
    assert_eq!(v["targets"][0]["operations"].as_array().unwrap().len(), 4);
    let (code, _, stderr) = run(&[
        "ingest",
        root.to_str().unwrap(),
        "--since",
        "yesterday",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    assert!(stderr.contains("--since: `yesterday`"), "{stderr}");
}

/// A long benchmark (its samples say how long it measured) does not split its own run.
#[test]
fn a_long_benchmark_is_not_taken_for_the_start_of_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    criterion_result(root, "first", "first", Duration::from_secs(200));
    criterion_result(root, "second", "second", Duration::from_secs(100));
    // `second` measured for 50 s: 100 s after `first` is within twice that plus the slack.
    let sample = root.join("second/new/sample.json");
    let when = std::fs::metadata(&sample).unwrap().modified().unwrap();
    std::fs::write(
        &sample,
        serde_json::json!({"sampling_mode": "Linear", "iters": [1.0, 1.0], "times": [25e9, 25e9]})
            .to_string(),
    )
    .unwrap();
    std::fs::File::options()
        .write(true)
        .open(&sample)
        .unwrap()
        .set_modified(when)
        .unwrap();
    let p = parse_with(root, Format::Auto, ParseOptions::default()).unwrap();
    assert_eq!(p.benches.len(), 2, "stale: {:?}", p.stale);
    // The same gap after a benchmark of a few milliseconds: two runs.
    criterion_result(root, "second", "second", Duration::from_secs(100));
    let p = parse_with(root, Format::Auto, ParseOptions::default()).unwrap();
    assert_eq!(names(&p.benches), ["second"]);
}

fn record(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Deterministic samples around `mean` (a fixed linear congruential sequence, ±10%).
fn samples(n: usize, mean: f64) -> Vec<f64> {
    let mut x: u64 = 12345;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            #[expect(clippy::cast_precision_loss, reason = "a test sequence")]
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            mean * (0.9 + 0.2 * u)
        })
        .collect()
}

/// Thousands of samples: one repetition with every sample in its histogram, and their exact
/// mean, deviation and count, from which the comparison runs Welch's test as it would on the
/// raw samples.
#[test]
fn many_samples_are_stored_compactly_and_judged_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let base = samples(5000, 100_000.0);
    let slower: Vec<f64> = base.iter().map(|v| v * 1.10).collect();
    let ingest = |name: &str, data: &[f64]| {
        let secs: Vec<f64> = data.iter().map(|ns| ns / 1e9).collect();
        common::ingest_pytest(
            dir.path(),
            &format!("{name}.json"),
            "bench.py::test_parse",
            &secs,
        )
    };
    let (a, b) = (ingest("a", &base), ingest("b", &slower));
    let size = std::fs::metadata(&a).unwrap().len();
    assert!(
        size < 64 * 1024,
        "5000 samples, {size} bytes (one repetition each would be megabytes)"
    );
    let v = record(&a);
    let op = &v["targets"][0]["operations"][0];
    assert_eq!(op["repetitions"].as_array().unwrap().len(), 1);
    assert_eq!(op["summary"]["from_samples"], true);
    assert_eq!(op["summary"]["n"], 5000);
    #[expect(clippy::cast_precision_loss, reason = "a test")]
    let n = base.len() as f64;
    let mean = base.iter().sum::<f64>() / n;
    let sd = (base.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let rel = |x: &serde_json::Value, want: f64| (x.as_f64().unwrap() - want).abs() / want;
    assert!(rel(&op["summary"]["mean"], mean) < 1e-9, "{op}");
    assert!(rel(&op["summary"]["stdev"], sd) < 1e-9, "{op}");
    // The histogram holds every sample.
    let p50 = op["repetitions"][0]["latency"]["p50_ns"].as_f64().unwrap();
    assert!((95_000.0..105_000.0).contains(&p50), "{p50}");

    let (code, stdout, _) = run(&[
        "compare",
        b.to_str().unwrap(),
        "--baseline",
        a.to_str().unwrap(),
        "--out",
        dir.path().join("c").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "+10% on 5000 samples: {stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let row = &report["comparisons"][0]["rows"][0];
    assert_eq!(row["status"], "regression");
    assert_eq!(row["n_current"], 5000);
    assert_eq!(
        row["from_summary"], false,
        "judged from every raw sample, not from a tool's summary"
    );
    let change = row["change"].as_f64().unwrap();
    assert!((change - 0.10).abs() < 1e-6, "{change}");
    // The same samples against themselves: no change.
    let (code, stdout, _) = run(&[
        "compare",
        a.to_str().unwrap(),
        "--baseline",
        a.to_str().unwrap(),
        "--out",
        dir.path().join("d").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn go_lines_keep_their_own_iteration_counts() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "go.txt",
        "goos: linux\npkg: p\nBenchmarkA-2 \t 1000\t 1200 ns/op\nBenchmarkA-2 \t 3000\t 400 ns/op\nPASS\nok  \tp\t1.0s\n",
    );
    let b = parse(&f, Format::Auto).unwrap().0;
    assert_eq!(b[0].iterations, [1000, 3000]);
}

#[test]
fn google_benchmark_counters_are_benchmarks_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |t: f64, hits: f64| {
        serde_json::json!({
            "name": "BM_Lookup/64", "run_name": "BM_Lookup/64", "run_type": "iteration",
            "repetitions": 2, "repetition_index": 0, "threads": 1, "iterations": 1000,
            "real_time": t, "cpu_time": t, "time_unit": "ns",
            "items_per_second": 1e9 / t, "cache_misses": hits, "label": "x"
        })
    };
    let text = serde_json::json!({
        "context": {"date": "now"},
        "benchmarks": [entry(100.0, 3.0), entry(110.0, 4.0)]
    })
    .to_string();
    let f = write(dir.path(), "gb.json", &text);
    let b = parse(&f, Format::Auto).unwrap().0;
    assert_eq!(
        names(&b),
        [
            "BM_Lookup/64",
            "BM_Lookup/64 · cache_misses",
            "BM_Lookup/64 · items_per_second"
        ]
    );
    assert_eq!(b[0].samples, [100.0, 110.0]);
    assert_eq!(
        b[1].kind,
        Kind::Value {
            higher_is_better: false
        }
    );
    assert_eq!(b[1].samples, [3.0, 4.0]);
    assert_eq!(
        b[2].kind,
        Kind::Value {
            higher_is_better: true
        }
    );
    // A counter the user names better bigger.
    let out = dir.path().join("out");
    let (code, _, stderr) = run(&[
        "ingest",
        f.to_str().unwrap(),
        "--scenario",
        "gb",
        "--bigger-is-better",
        "cache_misses",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v = record(&records(&out, "gb")[0]);
    let ops = v["targets"][0]["operations"].as_array().unwrap();
    let misses = ops
        .iter()
        .find(|o| o["name"] == "BM_Lookup/64 · cache_misses")
        .unwrap();
    assert_eq!(misses["metrics"], serde_json::json!(["throughput"]));
}

#[test]
fn jmh_sample_mode_keeps_every_observation() {
    let dir = tempfile::tempdir().unwrap();
    let text = serde_json::json!([{
        "benchmark": "org.x.Bench.parse", "mode": "sample",
        "primaryMetric": {
            "score": 2.0, "scoreUnit": "us/op",
            "rawDataHistogram": [[[[1.0, 3], [2.0, 1]], [[4.0, 2]]]]
        }
    }])
    .to_string();
    let f = write(dir.path(), "jmh.json", &text);
    let b = parse(&f, Format::Auto).unwrap().0;
    assert_eq!(b[0].name, "org.x.Bench.parse (sample)");
    assert_eq!(
        b[0].samples,
        [1000.0, 1000.0, 1000.0, 2000.0, 4000.0, 4000.0]
    );
}

/// Errors of a JSON document's fields name the file without a made-up line number.
#[test]
fn errors_without_a_line_do_not_say_line_zero() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "gb.json",
        r#"{"context": {}, "benchmarks": [{"name": "BM_X", "real_time": 1, "time_unit": "parsecs"}]}"#,
    );
    let (code, _, stderr) = run(&[
        "ingest",
        f.to_str().unwrap(),
        "--format",
        "google-benchmark",
    ]);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("gb.json: benchmark `BM_X`: unknown time_unit"),
        "{stderr}"
    );
    assert!(!stderr.contains(":0:"), "{stderr}");
}

/// A BenchmarkDotNet entry without measurements or statistics (the benchmark threw) is a
/// counted error, not a benchmark that silently is not there.
#[test]
fn a_failed_benchmarkdotnet_entry_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = serde_json::json!({
        "HostEnvironmentInfo": {},
        "Benchmarks": [
            {"FullName": "Bench.Ok", "Statistics": {"N": 3, "Mean": 10.0, "StandardDeviation": 1.0}},
            {"FullName": "Bench.Throws", "Statistics": null}
        ]
    })
    .to_string();
    let f = write(dir.path(), "dotnet.json", &text);
    let b = parse(&f, Format::Auto).unwrap().0;
    assert_eq!(names(&b), ["Bench.Ok", "Bench.Throws"]);
    assert_eq!(b[1].errors, 1);
}
