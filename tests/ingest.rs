//! Ingesting other tools' output: real fixtures (see each folder under tests/fixtures for the
//! command that produced it), hand-written edge cases, and a round trip through compare.

use std::fmt::Write as _;

mod common;

use std::path::Path;

use benchbot::ingest::{detect, parse, Format, IngestError, Kind};
use common::{fixture, records, run, write};

fn parsed(rel: &str, format: Format) -> Vec<benchbot::ingest::Bench> {
    parse(&fixture(rel), format)
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .0
}

#[test]
fn hyperfine_runs_are_samples() {
    let b = parsed("hyperfine/work-20ms.json", Format::Hyperfine);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].name, "work");
    assert_eq!(b[0].samples.len(), 10);
    assert!(
        b[0].samples.iter().all(|ns| (19e6..40e6).contains(ns)),
        "{:?}",
        b[0].samples
    );
    assert_eq!(parsed("hyperfine/two-commands.json", Format::Auto).len(), 2);
}

#[test]
fn google_benchmark_repetitions_and_aggregates() {
    let b = parsed("google-benchmark/repetitions.json", Format::GoogleBenchmark);
    let names: Vec<&str> = b.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(
        names,
        ["BM_StringCopy/8", "BM_StringCopy/4096", "BM_Sort/1024"]
    );
    assert!(b
        .iter()
        .all(|x| x.samples.len() == 5 && x.summary.is_none()));
    // BM_Sort reports microseconds: normalized to ns.
    assert!(b[2].samples[0] > 1_000.0, "{:?}", b[2].samples);
    let agg = parsed("google-benchmark/aggregates.json", Format::Auto);
    assert_eq!(agg.len(), 3);
    assert!(agg
        .iter()
        .all(|x| x.samples.is_empty() && x.summary.is_some_and(|s| s.n == 5 && s.stdev > 0.0)));
}

#[test]
fn go_count_runs_are_samples_and_memory_figures_are_kept() {
    let b = parsed("go/count5.txt", Format::Auto);
    let names: Vec<&str> = b.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "BenchmarkJoin-2",
            "BenchmarkJoin-2 · B/op",
            "BenchmarkJoin-2 · allocs/op",
            "BenchmarkSort-2",
            "BenchmarkSort-2 · B/op",
            "BenchmarkSort-2 · allocs/op"
        ]
    );
    assert!(
        b.iter().all(|x| x.samples.len() == 5),
        "five runs of each figure"
    );
    assert_eq!(
        b[0].iterations,
        vec![20_000; 5],
        "each line's own iteration count"
    );
    assert_eq!(
        b[1].kind,
        Kind::Value {
            higher_is_better: false
        }
    );
    assert_eq!(b[1].unit.as_deref(), Some("B/op"));
    assert!(b[1]
        .samples
        .iter()
        .all(|v| (*v - 24.0).abs() < f64::EPSILON));
}

#[test]
fn pytest_benchmark_timings() {
    let b = parsed("pytest-benchmark/default.json", Format::Auto);
    assert_eq!(b[0].name, "test_bench.py::test_fib");
    assert!(b[0].samples.len() > 100, "raw data kept");
    assert!(b[0].samples.iter().all(|ns| *ns > 1_000.0), "seconds → ns");
}

#[test]
fn benchmarkdotnet_jmh_and_catch2_reports() {
    let d = parsed("benchmarkdotnet/full.json", Format::Auto);
    assert_eq!(d[0].name, "Bench.Md5VsSha256.Sha256");
    assert_eq!(d[0].samples.len(), 4, "workload result measurements only");
    assert!((d[0].samples[0] - 419_717_324.8 / 8192.0).abs() < 1e-6);
    assert!(
        d[1].summary.is_some_and(|s| s.n == 15),
        "statistics when no measurements"
    );
    let j = parsed("jmh/result.json", Format::Auto);
    assert_eq!(j[0].kind, Kind::Rate);
    assert_eq!(j[0].samples.len(), 6);
    assert!(
        (j[0].samples[0] - 1_520_100.0).abs() < 1e-6,
        "ops/ms → ops/s"
    );
    assert_eq!(j[1].kind, Kind::Time);
    assert!((j[1].samples[0] - 3401.0).abs() < 1e-6, "us/op → ns");
    let c = parsed("catch2/report.xml", Format::Auto);
    assert_eq!(c[1].name, "fib & memo 20");
    assert!(c[0]
        .summary
        .is_some_and(|s| s.n == 100 && (s.mean - 22_140.3).abs() < 1e-9));
}

#[test]
fn custom_json_and_github_action_benchmark_files() {
    let c = parsed("custom/benchbot.json", Format::Auto);
    assert_eq!(c[0].samples.len(), 5);
    assert!((c[0].samples[0] - 12_100.0).abs() < 1e-9, "us → ns");
    assert_eq!(c[1].kind, Kind::Rate);
    assert!(c[1].summary.is_some_and(|s| s.n == 10));
    assert_eq!(
        (c[2].kind, c[2].unit.as_deref(), c[2].samples.clone()),
        (
            Kind::Value {
                higher_is_better: false
            },
            Some("bytes"),
            vec![5_242_880.0]
        )
    );
    let small = parsed(
        "custom/github-action-benchmark-smaller.json",
        Format::CustomSmallerIsBetter,
    );
    assert_eq!(small.len(), 2);
    assert!((small[0].samples[0] - 50e6).abs() < 1e-3);
    let big = parsed(
        "custom/github-action-benchmark-bigger.json",
        Format::CustomBiggerIsBetter,
    );
    assert_eq!(big[0].kind, Kind::Rate);
    assert_eq!(
        (big[1].kind, big[1].unit.as_deref()),
        (
            Kind::Value {
                higher_is_better: true
            },
            Some("MB")
        )
    );
}

#[test]
fn libtest_and_criterion_bencher_lines() {
    let dir = tempfile::tempdir().unwrap();
    // Windows line endings, thousands separators, unicode names.
    let p = write(dir.path(), "bench.txt", "running 3 tests\r\ntest parse::small      ... bench:         312 ns/iter (+/- 12)\r\ntest parse::大きい     ... bench:   1,234,567 ns/iter (+/- 8,901)\r\ntest fmt ... bench:        15.25 ns/iter (+/- 0.5)\r\n\r\ntest result: ok. 0 passed; 0 failed; 0 ignored; 3 measured\r\n");
    let b = parse(&p, Format::Auto).unwrap().0;
    assert_eq!(b.len(), 3);
    assert_eq!(b[1].name, "parse::大きい");
    assert_eq!(b[1].samples, vec![1_234_567.0]);
    assert_eq!(b[2].samples, vec![15.25]);
}

#[test]
fn errors_name_the_file_and_line_and_empty_output_is_never_all_good() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "go.txt",
        "goos: linux\nBenchmarkA-8  100  12 ns/op\nBenchmarkB-8  lots  12 ns/op\n",
    );
    let e = parse(&bad, Format::Go).unwrap_err();
    assert!(matches!(e, IngestError::Parse { line: 3, .. }), "{e}");
    assert!(
        e.to_string().contains("go.txt:3:") && e.to_string().contains("iteration count"),
        "{e}"
    );
    let empty = write(dir.path(), "empty.json", "");
    assert!(matches!(
        parse(&empty, Format::Hyperfine),
        Err(IngestError::Empty { .. })
    ));
    let truncated = write(
        dir.path(),
        "cut.json",
        &std::fs::read_to_string(fixture("hyperfine/work-20ms.json")).unwrap()[..200],
    );
    let e = parse(&truncated, Format::Hyperfine).unwrap_err();
    assert!(e.to_string().contains("ends early"), "{e}");
    let header_only = write(
        dir.path(),
        "go-empty.txt",
        "goos: linux\ngoarch: amd64\npkg: x\n",
    );
    let e = parse(&header_only, Format::Go).unwrap_err();
    assert!(e.to_string().contains("truncated"), "{e}");
    let mystery = write(dir.path(), "what.txt", "hello\n");
    assert!(matches!(detect(&mystery), Err(IngestError::Unknown { .. })));
}

#[test]
fn ten_thousand_benchmarks_and_long_names() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(5000);
    let mut text = String::new();
    for i in 0..10_000 {
        let _ = writeln!(
            text,
            "test bench_{i:05}_{} ... bench: {} ns/iter (+/- 1)",
            if i == 0 { long.as_str() } else { "" },
            100 + i
        );
    }
    let b = parse(&write(dir.path(), "many.txt", &text), Format::Libtest)
        .unwrap()
        .0;
    assert_eq!(b.len(), 10_000);
    assert!(b[0].name.len() > 5000);
}

/// Runs `benchbot ingest FILE --scenario SCENARIO --out OUT EXTRA…`; returns the record and stdout.
fn ingest_to(
    file: &Path,
    scenario: &str,
    out: &Path,
    extra: &[&str],
) -> (std::path::PathBuf, String) {
    let mut args = vec![
        "ingest",
        file.to_str().unwrap(),
        "--scenario",
        scenario,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    (records(out, scenario).pop().unwrap(), stdout)
}

fn ingest(file: &Path, out: &Path) -> std::path::PathBuf {
    let (record, stdout) = ingest_to(file, "sleepy", out, &[]);
    assert!(stdout.contains("work"), "{stdout}");
    record
}

/// Round trip: a baseline from the 20 ms run, a current record from the 25 ms run (hyperfine,
/// real output), compared: a regression of about +25% with p < 0.05.
#[test]
fn ingest_then_compare_finds_the_slowdown_with_sign_and_magnitude() {
    let dir = tempfile::tempdir().unwrap();
    let base = ingest(&fixture("hyperfine/work-20ms.json"), &dir.path().join("a"));
    let cur = ingest(&fixture("hyperfine/work-25ms.json"), &dir.path().join("b"));
    let (code, stdout, stderr) = run(&[
        "compare",
        cur.to_str().unwrap(),
        "--baseline",
        base.to_str().unwrap(),
        "--out",
        dir.path().join("c").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let row = &report["comparisons"][0]["rows"][0];
    assert_eq!(row["metric"], "mean");
    assert_eq!(row["status"], "regression");
    let change = row["change"].as_f64().unwrap();
    assert!(
        (0.15..0.35).contains(&change),
        "+25% expected, got {change}"
    );
    assert!(row["p"].as_f64().unwrap() < 0.05);
    assert_eq!(
        report["comparisons"][0]["rows"].as_array().unwrap().len(),
        1,
        "a time benchmark is judged on its mean only"
    );
}

/// Summary statistics only (Google Benchmark aggregates): Welch from mean, stdev and n.
#[test]
fn summary_statistics_are_compared_with_welch_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let agg = fixture("google-benchmark/aggregates.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&agg).unwrap()).unwrap();
    for b in v["benchmarks"].as_array_mut().unwrap() {
        if b["aggregate_name"] == "mean" {
            let t = b["real_time"].as_f64().unwrap();
            b["real_time"] = (t * 1.5).into();
        }
    }
    let slower = write(dir.path(), "slower.json", &v.to_string());
    let rec = |f: &Path, out: &str| ingest_to(f, "gb", &dir.path().join(out), &[]).0;
    let (base, cur) = (rec(&agg, "a"), rec(&slower, "b"));
    let (code, stdout, _) = run(&[
        "compare",
        cur.to_str().unwrap(),
        "--baseline",
        base.to_str().unwrap(),
        "--out",
        dir.path().join("c").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let c = &report["comparisons"][0];
    assert!(c["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["from_summary"] == true && r["n_current"] == 5));
    assert!(c["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("summary statistics")));
    assert_eq!(code, 1, "+50% on every benchmark: {stdout}");
}

#[test]
fn criterion_directories_keep_the_raw_samples() {
    let b = parsed("criterion/target-criterion", Format::Auto);
    let names: Vec<&str> = b.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["fib 15", "sum/100", "sum/1000"]);
    // sample_size(20) in fib.rs: twenty samples, each total time ÷ iterations.
    assert!(
        b.iter().all(|x| x.samples.len() == 20),
        "{:?}",
        b.iter().map(|x| x.samples.len()).collect::<Vec<_>>()
    );
    let mean = b[0].samples.iter().sum::<f64>() / 20.0;
    assert!((500.0..20_000.0).contains(&mean), "fib 15 took {mean} ns");
    // One estimates.json on its own: read with the sample.json and benchmark.json beside it,
    // so it is the same benchmark as in directory mode.
    let one = parse(
        &fixture("criterion/target-criterion/sum/100/new/estimates.json"),
        Format::Auto,
    )
    .unwrap()
    .0;
    assert_eq!(one, vec![b[1].clone()]);
    // Without them, its point estimates as summary statistics, named by its folder.
    let dir = tempfile::tempdir().unwrap();
    let lone = dir.path().join("fib 15/new");
    std::fs::create_dir_all(&lone).unwrap();
    std::fs::copy(
        fixture("criterion/target-criterion/fib 15/new/estimates.json"),
        lone.join("estimates.json"),
    )
    .unwrap();
    let one = parse(&lone.join("estimates.json"), Format::Auto).unwrap().0;
    assert_eq!(one[0].name, "fib 15");
    assert!(one[0].samples.is_empty() && one[0].summary.is_some());
    // The same run through criterion's bencher output (libtest format).
    let lines = parsed("libtest/criterion-bencher.txt", Format::Auto);
    assert_eq!(
        lines.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
        ["fib 15", "sum/100", "sum/1000"]
    );
}

/// Values in their own units are compared in their own direction: less free memory (bigger is
/// better) is a regression; more bytes per operation (smaller is better) too.
#[test]
fn values_in_other_units_are_compared_in_their_direction() {
    let dir = tempfile::tempdir().unwrap();
    // One value per benchmark and run: the baseline pools three runs, whose spread is the
    // noise a single value is judged against.
    let bases: Vec<std::path::PathBuf> = [(150, 1000), (151, 1002), (149, 998)]
        .iter()
        .enumerate()
        .map(|(i, (mem, bin))| {
            write(
                dir.path(),
                &format!("base{i}.json"),
                &format!(r#"[{{"name": "free memory", "unit": "MB", "value": {mem}}}, {{"name": "binary", "unit": "bytes", "value": {bin}}}]"#),
            )
        })
        .collect();
    let cur = write(
        dir.path(),
        "cur.json",
        r#"[{"name": "free memory", "unit": "MB", "value": 120}, {"name": "binary", "unit": "bytes", "value": 1200}]"#,
    );
    let rec = |f: &Path, out: &str| {
        ingest_to(
            f,
            "mem",
            &dir.path().join(out),
            &["--format", "customBiggerIsBetter"],
        )
        .0
    };
    let runs: Vec<std::path::PathBuf> = bases
        .iter()
        .enumerate()
        .map(|(i, b)| rec(b, &format!("a{i}")))
        .collect();
    let c = rec(&cur, "b");
    let baselines = dir.path().join("baselines");
    let mut args = vec!["baseline", "write", "--dir", baselines.to_str().unwrap()];
    args.extend(runs.iter().map(|r| r.to_str().unwrap()));
    let (code, _, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, _) = run(&[
        "compare",
        c.to_str().unwrap(),
        "--baseline",
        baselines.to_str().unwrap(),
        "--out",
        dir.path().join("c").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stdout}");
    let mem = stdout.lines().find(|l| l.contains("free memory")).unwrap();
    assert!(
        mem.contains("150 MB")
            && mem.contains("120 MB")
            && mem.contains("-20.0%")
            && mem.contains("REGRESSION"),
        "{mem}"
    );
    // In this file bigger is better for every entry: more bytes is an improvement.
    let bin = stdout.lines().find(|l| l.contains("binary")).unwrap();
    assert!(
        bin.contains("1000 bytes") && bin.contains("1200 bytes") && bin.contains("improved"),
        "{bin}"
    );
    assert!(
        !mem.contains("throughput"),
        "a value row is labelled by its name and unit: {mem}"
    );
}

#[test]
fn missing_optional_fields_fall_back_to_the_tools_statistics() {
    let dir = tempfile::tempdir().unwrap();
    // hyperfine without `times` (older versions), pytest-benchmark without `data`.
    let h = write(
        dir.path(),
        "h.json",
        r#"{"results": [{"command": "old", "mean": 0.012, "stddev": 0.001, "median": 0.012, "min": 0.011, "max": 0.013}]}"#,
    );
    let b = parse(&h, Format::Hyperfine).unwrap().0;
    assert!(b[0].samples.is_empty() && b[0].summary.is_some_and(|s| (s.mean - 12e6).abs() < 1e-3));
    let p = write(
        dir.path(),
        "p.json",
        r#"{"machine_info": {}, "benchmarks": [{"name": "t", "stats": {"mean": 0.5, "stddev": 0.1, "rounds": 7}}]}"#,
    );
    let b = parse(&p, Format::Auto).unwrap().0;
    assert_eq!(b[0].name, "t", "no fullname: the name");
    assert!(b[0]
        .summary
        .is_some_and(|s| s.n == 7 && (s.stdev - 1e8).abs() < 1e-3));
}

#[test]
fn impossible_numbers_and_unsafe_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, json, want) in [
        (
            "huge",
            r#"{"results": [{"command": "x", "mean": 1e300, "stddev": 0.0, "times": [1e300, 1e300]}]}"#,
            "not a finite number",
        ),
        (
            "negative",
            r#"{"results": [{"command": "x", "mean": -0.08, "stddev": 0.0, "times": [-0.08, -0.08]}]}"#,
            "negative",
        ),
    ] {
        let f = write(dir.path(), &format!("{name}.json"), json);
        let (code, _, stderr) = run(&[
            "ingest",
            f.to_str().unwrap(),
            "--format",
            "hyperfine",
            "--out",
            dir.path().join("out").to_str().unwrap(),
        ]);
        assert_eq!(code, 3, "{name}: {stderr}");
        assert!(
            stderr.contains("benchmark `x`") && stderr.contains(want),
            "{name}: {stderr}"
        );
    }
    // A record whose scenario name climbs out of the baselines directory.
    let good = write(
        dir.path(),
        "h.json",
        r#"{"results": [{"command": "x", "mean": 0.01, "stddev": 0.001, "times": [0.01, 0.011, 0.009]}]}"#,
    );
    let (rec, _) = ingest_to(
        &good,
        "ok",
        &dir.path().join("o"),
        &["--format", "hyperfine"],
    );
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&rec).unwrap()).unwrap();
    v["scenario"]["name"] = "../../escaped".into();
    std::fs::write(&rec, v.to_string()).unwrap();
    let bdir = dir.path().join("a/b/baselines");
    let (code, _, stderr) = run(&[
        "baseline",
        "write",
        rec.to_str().unwrap(),
        "--dir",
        bdir.to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{stderr}");
    assert!(!dir.path().join("a/escaped.json").exists());
    // A record larger than benchbot reads is refused, not loaded.
    let (code, _, stderr) = run(&["compare", rec.to_str().unwrap(), "--baseline", "/dev/zero"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("MiB"), "{stderr}");
}

/// Ingests `text` (as `name`) with `extra` arguments: (exit code, stderr, the record if any).
fn try_ingest(
    dir: &Path,
    name: &str,
    text: &str,
    extra: &[&str],
) -> (i32, String, Option<std::path::PathBuf>) {
    let f = write(dir, name, text);
    let out = dir.join(format!("out-{name}"));
    let mut args = vec![
        "ingest",
        f.to_str().unwrap(),
        "--scenario",
        "s",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let (code, _, stderr) = run(&args);
    let rec = out
        .join("records/s")
        .exists()
        .then(|| records(&out, "s").pop())
        .flatten();
    (code, stderr, rec)
}

fn go_lines(lines: &[(&str, f64)], end: bool) -> String {
    use std::fmt::Write as _;
    let mut t = String::from("goos: linux\ngoarch: amd64\npkg: fix\ncpu: X\n");
    for (n, ns) in lines {
        let _ = writeln!(t, "{n}   \t   20000\t  {ns} ns/op");
    }
    if end {
        t.push_str("PASS\nok  \tfix\t1.0s\n");
    }
    t
}

#[test]
fn duplicate_names_are_refused_never_matched_at_random() {
    let dir = tempfile::tempdir().unwrap();
    // hyperfine -n X 'sleep 0.01' -n X 'sleep 0.03'
    let dup = r#"{"results": [
        {"command": "X", "mean": 0.01, "stddev": 0.001, "times": [0.01, 0.011, 0.009]},
        {"command": "X", "mean": 0.03, "stddev": 0.001, "times": [0.03, 0.031, 0.029]}]}"#;
    let (code, stderr, _) = try_ingest(dir.path(), "dup.json", dup, &["--format", "hyperfine"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("several benchmarks are named `X`"),
        "{stderr}"
    );
}

#[test]
fn go_names_keep_their_sub_benchmark_and_cpu_suffix() {
    let dir = tempfile::tempdir().unwrap();
    // `go test -bench . -cpu 1`: no GOMAXPROCS suffix; `size-1024` is a sub-benchmark.
    let text = go_lines(
        &[
            ("BenchmarkSort/size-1024", 10_000.0),
            ("BenchmarkSort/size-8192", 90_000.0),
            ("BenchmarkSort/size-1024", 10_100.0),
            ("BenchmarkSort/size-8192", 91_000.0),
        ],
        true,
    );
    let (code, stderr, rec) = try_ingest(dir.path(), "cpu1.txt", &text, &["--format", "go"]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rec.unwrap()).unwrap()).unwrap();
    let names: Vec<&str> = v["targets"][0]["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["BenchmarkSort/size-1024", "BenchmarkSort/size-8192"]
    );
    for (op, mean) in [(0, 10_050.0), (1, 90_500.0)] {
        let s = &v["targets"][0]["operations"][op]["summary"];
        assert_eq!(s["n"], 2, "two samples each, never mixed: {s}");
        assert!((s["mean"].as_f64().unwrap() - mean).abs() < 1e-6, "{s}");
    }
}

#[test]
fn nothing_vanishes_silently() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..17).map(|i| format!("BenchmarkF{i:02}-2")).collect();
    let all: Vec<(&str, f64)> = names.iter().map(|n| (n.as_str(), 100.0)).collect();
    // A truncated log: the header, 14 of 17 benchmarks, no closing `ok`.
    let (code, stderr, _) = try_ingest(
        dir.path(),
        "cut.txt",
        &go_lines(&all[..14], false),
        &["--format", "go"],
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("truncated"), "{stderr}");

    // A benchmark that failed (`--- FAIL`) is a counted error, named.
    let mut text = go_lines(&all[..16], false);
    text.push_str(
        "--- FAIL: BenchmarkF16-2\n    f_test.go:9: boom\nFAIL\nexit status 1\nFAIL\tfix\t0.1s\n",
    );
    let (code, stderr, rec) = try_ingest(dir.path(), "fail.txt", &text, &["--format", "go"]);
    assert_eq!(code, 0, "{stderr}");
    let failed = rec.unwrap();

    // The baseline had all 17; this run 16 results and one failure: the comparison fails
    // (exit 3) and names it, unless --allow-missing.
    let (code, stderr, base) = try_ingest(
        dir.path(),
        "full.txt",
        &go_lines(&all, true),
        &["--format", "go"],
    );
    assert_eq!(code, 0, "{stderr}");
    let base = base.unwrap();
    let (code, stdout, stderr) = run(&[
        "compare",
        failed.to_str().unwrap(),
        "--baseline",
        base.to_str().unwrap(),
        "--out",
        dir.path().join("c").to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("vanished") && stdout.contains("BenchmarkF16-2` failed"),
        "{stdout}"
    );
    // A truncated run of 14 against the 17: the three missing ones are named.
    let short = try_ingest(
        dir.path(),
        "short.txt",
        &go_lines(&all[..14], true),
        &["--format", "go"],
    )
    .2
    .unwrap();
    let (code, stdout, _) = run(&[
        "compare",
        short.to_str().unwrap(),
        "--baseline",
        base.to_str().unwrap(),
        "--out",
        dir.path().join("c2").to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{stdout}");
    assert!(stdout.contains("3 benchmark(s) vanished"), "{stdout}");
    let (code, stdout, _) = run(&[
        "compare",
        short.to_str().unwrap(),
        "--baseline",
        base.to_str().unwrap(),
        "--allow-missing",
        "--out",
        dir.path().join("c3").to_str().unwrap(),
    ]);
    assert_ne!(code, 3, "{stdout}");

    // hyperfine -i: a command that failed in some runs.
    let h = r#"{"results": [{"command": "flaky", "mean": 0.01, "stddev": 0.001,
        "times": [0.01, 0.011, 0.009], "exit_codes": [0, 1, 0]}]}"#;
    let (code, stderr, rec) = try_ingest(dir.path(), "h.json", h, &["--format", "hyperfine"]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rec.unwrap()).unwrap()).unwrap();
    let rep = &v["targets"][0]["operations"][0]["repetitions"][0];
    assert_eq!(rep["errors"]["tool"], 1, "{rep}");
    assert!(rep["error_samples"]["tool"]
        .as_str()
        .unwrap()
        .contains("status 1"));
}

#[test]
fn direction_is_never_guessed() {
    let dir = tempfile::tempdir().unwrap();
    // github-action-benchmark's array with a unit that says nothing of its direction.
    let score = |v: u32| format!(r#"[{{"name": "quality", "unit": "score", "value": {v}}}]"#);
    let (code, stderr, _) = try_ingest(dir.path(), "auto.json", &score(80), &[]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("customBiggerIsBetter"), "{stderr}");
    // Times and rates say it by their unit, even through auto-detection.
    for (i, unit) in ["ns/iter", "us/op", "ms"].iter().enumerate() {
        let (code, stderr, rec) = try_ingest(
            dir.path(),
            &format!("times-{i}.json"),
            &format!(r#"[{{"name": "parse", "unit": "{unit}", "value": 120}}]"#),
            &[],
        );
        assert_eq!(code, 0, "{unit} is a time: {stderr}");
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(rec.unwrap()).unwrap()).unwrap();
        let op = &v["targets"][0]["operations"][0];
        assert_eq!(op["metrics"], serde_json::json!(["mean"]), "{unit}: {op}");
        assert!(op.get("unit").is_none(), "{unit} is not a value: {op}");
    }
    let (code, stderr, _) = try_ingest(
        dir.path(),
        "ms.json",
        r#"[{"name": "parse", "unit": "ms", "value": 12}]"#,
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    // Told bigger is better, a drop from 80 to 60 is a regression (against three runs).
    let runs: Vec<std::path::PathBuf> = (0..3)
        .map(|i| {
            try_ingest(
                dir.path(),
                &format!("b{i}.json"),
                &score(80 + i),
                &["--format", "customBiggerIsBetter"],
            )
            .2
            .unwrap()
        })
        .collect();
    let baselines = dir.path().join("baselines");
    let mut args = vec!["baseline", "write", "--dir", baselines.to_str().unwrap()];
    args.extend(runs.iter().map(|r| r.to_str().unwrap()));
    assert_eq!(run(&args).0, 0);
    let cur = try_ingest(
        dir.path(),
        "c.json",
        &score(60),
        &["--format", "customBiggerIsBetter"],
    )
    .2
    .unwrap();
    let (code, stdout, _) = run(&[
        "compare",
        cur.to_str().unwrap(),
        "--baseline",
        baselines.to_str().unwrap(),
        "--out",
        dir.path().join("c").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("REGRESSION"), "{stdout}");
}

#[test]
fn a_pipe_a_byte_order_mark_and_mixed_tools() {
    let dir = tempfile::tempdir().unwrap();
    let json = r#"{"results": [{"command": "x", "mean": 0.01, "stddev": 0.001, "times": [0.01, 0.011, 0.009]}]}"#;
    // Auto-detection from a pipe: the text is read once.
    let out = dir.path().join("pipe");
    let mut child = common::benchbot_std()
        .args(["ingest", "/dev/stdin", "--scenario", "piped", "--out"])
        .arg(&out)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(json.as_bytes())
            .unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(records(&out, "piped").len(), 1);
    // A byte-order mark does not hide the format.
    let bom = write(dir.path(), "bom.json", &format!("\u{feff}{json}"));
    assert_eq!(parse(&bom, Format::Auto).unwrap().1, Format::Hyperfine);
    // Two tools in one record: refused, so the record's label never lies.
    let go = common::fixture("go/count5.txt");
    let (code, _, stderr) = run(&[
        "ingest",
        bom.to_str().unwrap(),
        go.to_str().unwrap(),
        "--out",
        dir.path().join("mixed").to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("one record holds one tool's results"),
        "{stderr}"
    );
}
