//! Ingesting other tools' benchmark output: criterion, libtest, Go, hyperfine, pytest-benchmark,
//! Google Benchmark, BenchmarkDotNet, JMH, Catch2 and custom JSON (including
//! github-action-benchmark's `customSmallerIsBetter` / `customBiggerIsBetter` files).
//!
//! Every adapter produces [`Bench`]es with normalized units: times in nanoseconds per
//! operation, rates in operations per second. Raw samples are kept whenever the tool gives
//! them; otherwise the tool's mean, standard deviation and count are kept so the comparison can
//! run Welch's test from summary statistics.

mod bench;
mod detect;
mod error;
mod to_record;
mod tools;

pub(crate) use bench::to_ns;
pub use bench::{Bench, Format, Kind, SummaryStats};
pub use detect::{detect, parse, parse_with, ParseOptions, Parsed};
pub use error::IngestError;
pub use to_record::{to_record, IngestOptions};
pub use tools::criterion::Stale;
