//! Ingesting other tools' benchmark output: criterion, libtest, Go, hyperfine, pytest-benchmark,
//! Google Benchmark, BenchmarkDotNet, JMH, Catch2 and custom JSON (including
//! github-action-benchmark's `customSmallerIsBetter` / `customBiggerIsBetter` files).
//!
//! Every adapter produces [`Bench`]es with normalized units: times in nanoseconds per
//! operation, rates in operations per second. Raw samples are kept whenever the tool gives
//! them; otherwise the tool's mean, standard deviation and count are kept so the comparison can
//! run Welch's test from summary statistics.

mod formats;
mod to_record;

use std::fmt;
use std::path::{Path, PathBuf};

pub use formats::detect;
pub use to_record::{to_record, IngestOptions};

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
    /// Iterations behind each sample, where the tool says.
    pub iterations: Option<u64>,
    /// The unit of a [`Kind::Value`] benchmark.
    pub unit: Option<String>,
}

impl Bench {
    fn time(name: impl Into<String>, samples: Vec<f64>) -> Self {
        Self {
            name: name.into(),
            kind: Kind::Time,
            samples,
            summary: None,
            iterations: None,
            unit: None,
        }
    }

    fn value(
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
            iterations: None,
            unit: Some(unit.to_owned()),
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
    Catch2,
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

/// A file that could not be ingested.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{}: cannot read", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: {format} output contains no benchmark result{}", path.display(), if *truncated { " (the output looks truncated)" } else { "" })]
    Empty {
        path: PathBuf,
        format: Format,
        truncated: bool,
    },
    #[error("{}: cannot tell which tool wrote this\n  hint: pass --format (criterion, libtest, go, hyperfine, pytest-benchmark, google-benchmark, benchmarkdotnet, jmh, catch2, custom)", path.display())]
    Unknown { path: PathBuf },
}

/// Time unit factor to nanoseconds.
pub(crate) fn to_ns(unit: &str) -> Option<f64> {
    Some(match unit.trim() {
        "ns" => 1.0,
        "us" | "µs" | "μs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    })
}

/// Parses benchmark output at `path` (a file, or for criterion its `target/criterion`
/// directory) in `format`.
///
/// # Errors
/// [`IngestError`] naming the file and line; empty or truncated output is an error.
pub fn parse(path: &Path, format: Format) -> Result<Vec<Bench>, IngestError> {
    let format = if format == Format::Auto {
        detect(path)?
    } else {
        format
    };
    let benches = if format == Format::Criterion && path.is_dir() {
        formats::criterion_dir(path)?
    } else {
        let text = std::fs::read_to_string(path).map_err(|source| IngestError::Read {
            path: path.to_owned(),
            source,
        })?;
        let text = text.replace("\r\n", "\n");
        formats::parse_text(path, format, &text)?
    };
    if benches.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_owned(),
            format,
            truncated: false,
        });
    }
    Ok(benches)
}
