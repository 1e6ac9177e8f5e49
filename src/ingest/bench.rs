//! A benchmark as another tool reported it, the formats benchbot reads, and time units.

use std::fmt;

/// What a benchmark measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Time per operation, in nanoseconds (lower is better).
    Time,
    /// Operations per second (higher is better).
    Rate,
    /// A value in another unit (`B/op`, `allocs/op`, `MB`, `%`…), with its direction.
    Value { higher_is_better: bool },
}

/// Mean, standard deviation and count reported by a tool without raw samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SummaryStats {
    pub mean: f64,
    pub stdev: f64,
    pub n: u64,
}

/// One benchmark, normalized.
#[derive(Clone, Debug, PartialEq)]
pub struct Bench {
    pub name: String,
    pub kind: Kind,
    /// Raw samples (ns per operation, or operations per second).
    pub samples: Vec<f64>,
    /// When there are no samples: the tool's own statistics.
    pub summary: Option<SummaryStats>,
    /// Iterations behind each sample, in the order of `samples`, where the tool says (empty
    /// when it does not).
    pub iterations: Vec<u64>,
    /// The unit of a [`Kind::Value`] benchmark.
    pub unit: Option<String>,
    /// Runs the tool reported as failed (a failing benchmark, a command's non-zero exit).
    pub errors: u64,
    /// What the tool said of one failure.
    pub error_sample: Option<String>,
}

impl Bench {
    pub(super) fn time(name: impl Into<String>, samples: Vec<f64>) -> Self {
        Self {
            name: name.into(),
            kind: Kind::Time,
            samples,
            summary: None,
            iterations: Vec::new(),
            unit: None,
            errors: 0,
            error_sample: None,
        }
    }

    /// A benchmark the tool reported as failed, with what it said.
    pub(super) fn failed(name: impl Into<String>, why: impl Into<String>) -> Self {
        let mut b = Self::time(name, Vec::new());
        b.errors = 1;
        b.error_sample = Some(why.into());
        b
    }

    pub(super) fn value(
        name: impl Into<String>,
        unit: &str,
        higher_is_better: bool,
        samples: Vec<f64>,
    ) -> Self {
        Self {
            name: name.into(),
            kind: Kind::Value { higher_is_better },
            samples,
            summary: None,
            iterations: Vec::new(),
            unit: Some(unit.to_owned()),
            errors: 0,
            error_sample: None,
        }
    }
}

/// The input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Auto,
    Criterion,
    Libtest,
    Go,
    Hyperfine,
    PytestBenchmark,
    GoogleBenchmark,
    Benchmarkdotnet,
    Jmh,
    /// Catch2: `-r xml` or the console reporter's table.
    Catch2,
    /// Bencher Metric Format JSON.
    #[value(name = "bmf", alias = "bencher")]
    Bmf,
    /// Benchmark.js console lines (`x 1,234 ops/sec ±0.5% (90 runs sampled)`).
    #[value(name = "benchmarkjs", alias = "benchmark.js")]
    BenchmarkJs,
    /// JavaScript `console.time` / `console.timeEnd` lines.
    JsTime,
    /// airspeed velocity (`asv run`) console output.
    Asv,
    /// iai and iai-callgrind (gungraun) console output.
    #[value(name = "iai", alias = "iai-callgrind")]
    Iai,
    /// Julia BenchmarkTools JSON (`BenchmarkTools.save`).
    Julia,
    /// Luau's `bench.py` output.
    Luau,
    /// Ruby `Benchmark.bm` / `Benchmark.bmbm` output.
    RubyBenchmark,
    /// benchbot's documented custom JSON.
    Custom,
    /// github-action-benchmark's `customSmallerIsBetter` file.
    #[value(name = "customSmallerIsBetter", alias = "custom-smaller-is-better")]
    CustomSmallerIsBetter,
    /// github-action-benchmark's `customBiggerIsBetter` file.
    #[value(name = "customBiggerIsBetter", alias = "custom-bigger-is-better")]
    CustomBiggerIsBetter,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use clap::ValueEnum as _;
        f.write_str(
            self.to_possible_value()
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default()
                .as_str(),
        )
    }
}

/// Time unit factor to nanoseconds: `ns`…`s`, also per operation (`ns/iter`, `us/op`,
/// `ms/call`).
pub(crate) fn to_ns(unit: &str) -> Option<f64> {
    let unit = unit.trim();
    let unit = ["/iter", "/op", "/call"]
        .iter()
        .find_map(|per| unit.strip_suffix(per))
        .unwrap_or(unit);
    Some(match unit {
        "ps" => 1e-3,
        "ns" => 1.0,
        "us" | "µs" | "μs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    })
}
