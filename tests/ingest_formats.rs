//! The formats beyond the first ten: each fixture (real output where the tool installs here,
//! see each folder's README) recognised by auto-detection and read exactly.

mod common;

use benchbot::ingest::{parse, Bench, Format, Kind};
use common::{fixture, run, write};

fn auto(rel: &str) -> (Vec<Bench>, Format) {
    parse(&fixture(rel), Format::Auto).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn names(b: &[Bench]) -> Vec<&str> {
    b.iter().map(|x| x.name.as_str()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn benchmarkjs_rates_with_their_runs() {
    let (b, f) = auto("benchmarkjs/benchmarkjs.txt");
    assert_eq!(f, Format::BenchmarkJs);
    assert_eq!(names(&b), ["fib(10)", "fib(20)", "JSON.parse small object"]);
    assert_eq!(b[0].kind, Kind::Rate);
    let s = b[1].summary.unwrap();
    assert!(close(s.mean, 9549.0) && s.n == 65, "{s:?}");
    // ±3.08% of the mean at 95% over 65 runs: a deviation of about 12% of the mean.
    let rel = s.stdev / s.mean;
    assert!((0.10..0.14).contains(&rel), "{rel}");
}

#[test]
fn console_time_lines() {
    let (b, f) = auto("js-time/js-time.txt");
    assert_eq!(f, Format::JsTime);
    assert_eq!(names(&b), ["fib 25", "fib 27"]);
    assert!(close(b[0].samples[0], 9.689e6), "{:?}", b[0].samples);
    // Deno's and Bun's suffix.
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "t.txt",
        "load: 12.5ms - timer ended\nload: 1.5s - timer ended\n",
    );
    let (b, f) = parse(&p, Format::Auto).unwrap();
    assert_eq!(f, Format::JsTime);
    assert_eq!(b[0].samples, [12.5e6, 1.5e9]);
}

#[test]
fn ruby_benchmark_real_times_after_the_rehearsal() {
    let (b, f) = auto("ruby-benchmark/ruby-bm.txt");
    assert_eq!(f, Format::RubyBenchmark);
    assert_eq!(names(&b), ["for:", "times:", "upto:"]);
    assert!(close(b[0].samples[0], 0.022_271e9), "{:?}", b[0].samples);
    let (b, _) = auto("ruby-benchmark/ruby-bmbm.txt");
    assert_eq!(
        names(&b),
        ["for:", "times:", "upto:"],
        "the rehearsal is not read"
    );
    assert!(close(b[2].samples[0], 0.019_439e9), "{:?}", b[2].samples);
}

#[test]
fn asv_results_failures_and_values() {
    let (b, f) = auto("asv/asv-run.txt");
    assert_eq!(f, Format::Asv);
    assert_eq!(
        names(&b),
        [
            "benchmarks.MemSuite.mem_list",
            "benchmarks.MemSuite.track_value",
            "benchmarks.TimeSuite.time_fails",
            "benchmarks.TimeSuite.time_keys",
            "benchmarks.TimeSuite.time_values",
        ]
    );
    assert_eq!(b[0].samples, [2100.0]);
    assert_eq!(b[0].unit.as_deref(), Some("B"));
    assert_eq!(b[1].samples, [42.0]);
    assert_eq!(b[2].errors, 1, "a failed benchmark is a counted error");
    assert!(b[2].samples.is_empty());
    assert_eq!(b[3].kind, Kind::Time);
    assert!(close(b[3].samples[0], 9070.0), "{:?}", b[3].samples);
}

#[test]
fn iai_and_iai_callgrind_counts() {
    let (b, f) = auto("iai/iai.txt");
    assert_eq!(f, Format::Iai);
    assert_eq!(b.len(), 10);
    assert_eq!(b[0].name, "parse_small · Instructions");
    assert_eq!(b[0].samples, [2113.0]);
    assert_eq!(
        b[0].kind,
        Kind::Value {
            higher_is_better: false
        }
    );
    assert_eq!(b[9].name, "parse_large · Estimated Cycles");
    let (b, f) = auto("iai/iai-callgrind.txt");
    assert_eq!(f, Format::Iai);
    assert_eq!(b.len(), 12);
    assert_eq!(
        b[0].name,
        "lib_bench::parse_group::parse small:\"a,b,c\" · Instructions"
    );
    assert_eq!(b[0].samples, [2113.0], "this run's count, not the old one");
    assert_eq!(b[11].samples, [42_012_488.0]);
}

#[test]
fn catch2_console_table() {
    let (b, f) = auto("catch2/console.txt");
    assert_eq!(f, Format::Catch2);
    assert_eq!(
        names(&b),
        [
            "Fibonacci 10",
            "Fibonacci 20",
            "a benchmark whose name is far too long for the console reporter's name column"
        ]
    );
    let s = b[1].summary.unwrap();
    assert!(
        close(s.mean, 27_316.4) && close(s.stdev, 9598.53) && s.n == 20,
        "{s:?}"
    );
    // The real XML report of the same program reads the same way.
    let (x, f) = auto("catch2/catch2-2.13.xml");
    assert_eq!(f, Format::Catch2);
    assert_eq!(names(&x), names(&b));
    // A table cut after a benchmark's first line is an error, not a benchmark fewer.
    let text = std::fs::read_to_string(fixture("catch2/console.txt")).unwrap();
    let cut = &text[..text.find("62.4181").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "cut.txt", cut);
    let e = parse(&p, Format::Auto).unwrap_err().to_string();
    assert!(e.contains("Fibonacci 10") && e.contains("truncated"), "{e}");
}

#[test]
fn criterion_console_estimates() {
    let (b, f) = auto("criterion/console.txt");
    assert_eq!(f, Format::Criterion);
    assert_eq!(names(&b), ["fib 15", "sum/100", "sum/1000"]);
    assert!(close(b[0].samples[0], 1897.1), "{:?}", b[0].samples);
    assert!(
        close(b[1].samples[0], 0.8875),
        "picoseconds: {:?}",
        b[1].samples
    );
    // A name too long for its column is on the line before.
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "long.txt",
        "group/a-benchmark-with-a-very-long-name-indeed\n                        time:   [1.0 ms 2.0 ms 3.0 ms]\n",
    );
    let (b, _) = parse(&p, Format::Auto).unwrap();
    assert_eq!(
        names(&b),
        ["group/a-benchmark-with-a-very-long-name-indeed"]
    );
    assert_eq!(b[0].samples, [2e6]);
}

#[test]
fn julia_groups_trials_and_estimates() {
    let (b, f) = auto("julia/estimates.json");
    assert_eq!(f, Format::Julia);
    assert_eq!(
        names(&b),
        [
            "fib/10",
            "fib/10 · memory",
            "fib/10 · allocs",
            "fib/20",
            "fib/20 · memory",
            "fib/20 · allocs",
            "sort",
            "sort · memory",
            "sort · allocs"
        ]
    );
    assert_eq!(b[6].samples, [11_210.5]);
    assert_eq!(b[7].samples, [8256.0]);
    let (b, _) = auto("julia/trials.json");
    assert_eq!(b[0].samples, [101.0, 99.5, 100.2, 103.9]);
}

#[test]
fn luau_times_and_failures() {
    let (b, f) = auto("luau/bench.txt");
    assert_eq!(f, Format::Luau);
    assert_eq!(names(&b), ["base64", "chess", "life", "sha256"]);
    assert!(close(b[0].samples[0], 15.113e6));
    assert_eq!(b[2].errors, 1);
}

#[test]
fn bencher_metric_format_measures() {
    let (b, f) = auto("bmf/report.json");
    assert_eq!(f, Format::Bmf);
    assert_eq!(
        names(&b),
        [
            "binary · build-time",
            "binary · file-size",
            "parser::large · instructions",
            "parser::large",
            "parser::small",
            "parser::small · throughput"
        ]
    );
    assert_eq!(b[0].samples, [87.2e9]);
    assert_eq!(b[1].unit.as_deref(), Some("B"));
    assert_eq!(b[5].kind, Kind::Rate);
}

/// Every new format through `ingest` and `compare`: a slower current run is a regression,
/// in the direction each format's figures say.
#[test]
fn new_formats_round_trip_through_compare() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 4] = [
        (
            "luau",
            "SUCCESS: a : 10.0ms +/- 1% on luau\n",
            "SUCCESS: a : 15.0ms +/- 1% on luau\n",
        ),
        (
            "bmf",
            r#"{"a": {"throughput": {"value": 1000.0}}}"#,
            r#"{"a": {"throughput": {"value": 600.0}}}"#,
        ),
        (
            "ruby",
            "  user system total real\na  0.1 0.0 0.1 (  0.100000)\n",
            "  user system total real\na  0.1 0.0 0.1 (  0.180000)\n",
        ),
        (
            "jstime",
            "a: 10ms\na: 10.2ms\na: 9.9ms\na: 10.1ms\n",
            "a: 20ms\na: 20.5ms\na: 19.8ms\na: 20.1ms\n",
        ),
    ];
    for (name, base, cur) in cases {
        let rec = |text: &str, side: &str| {
            let f = write(dir.path(), &format!("{name}-{side}.txt"), text);
            let out = dir.path().join(format!("{name}-{side}"));
            let (code, _, stderr) = run(&[
                "ingest",
                f.to_str().unwrap(),
                "--scenario",
                name,
                "--out",
                out.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "{name}: {stderr}");
            common::records(&out, name).pop().unwrap()
        };
        // Single values need a baseline of three runs.
        let bases: Vec<_> = (0..3).map(|i| rec(base, &format!("b{i}"))).collect();
        let pooled = dir.path().join(format!("{name}-baselines"));
        let mut args = vec!["baseline", "write", "--dir", pooled.to_str().unwrap()];
        let paths: Vec<String> = bases.iter().map(|p| p.display().to_string()).collect();
        args.extend(paths.iter().map(String::as_str));
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 0, "{name}: {stderr}");
        let current = rec(cur, "c");
        let (code, stdout, stderr) = run(&[
            "compare",
            current.to_str().unwrap(),
            "--baseline",
            pooled.to_str().unwrap(),
            "--out",
            dir.path().join(format!("{name}-cmp")).to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{name}: a regression\n{stdout}{stderr}");
    }
}
