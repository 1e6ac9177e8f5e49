//! Pytest-benchmark `--benchmark-json`.

use std::path::Path;

use serde::Deserialize;

use super::super::{Bench, IngestError, SummaryStats};
use super::json;

/// Whether `text` looks like this tool's output.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    let has = |s: &str| text.contains(s);
    text.trim_start().starts_with('{') && has("\"benchmarks\"") && has("\"machine_info\"")
}

#[derive(Deserialize)]
struct Pytest {
    benchmarks: Vec<PytestBench>,
}

#[derive(Deserialize)]
struct PytestBench {
    fullname: Option<String>,
    name: String,
    stats: PytestStats,
}

#[derive(Deserialize)]
struct PytestStats {
    mean: f64,
    stddev: f64,
    rounds: u64,
    #[serde(default)]
    data: Option<Vec<f64>>,
}

/// pytest-benchmark's `--benchmark-json`: seconds; raw `data` with `--benchmark-save-data`.
pub(in crate::ingest) fn pytest(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let p: Pytest = json(path, text, "pytest-benchmark --benchmark-json")?;
    Ok(p.benchmarks
        .into_iter()
        .map(|b| {
            let name = b.fullname.unwrap_or(b.name);
            match b.stats.data {
                Some(d) if !d.is_empty() => Bench::time(name, d.iter().map(|s| s * 1e9).collect()),
                _ => {
                    let mut x = Bench::time(name, Vec::new());
                    x.summary = Some(SummaryStats {
                        mean: b.stats.mean * 1e9,
                        stdev: b.stats.stddev * 1e9,
                        n: b.stats.rounds,
                    });
                    x
                }
            }
        })
        .collect())
}
