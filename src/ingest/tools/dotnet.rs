//! BenchmarkDotNet JSON export.

use std::path::Path;

use serde::Deserialize;

use super::super::{Bench, IngestError, SummaryStats};
use super::json;

/// Whether `text` looks like this tool's output.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    let has = |s: &str| text.contains(s);
    text.trim_start().starts_with('{') && has("\"Benchmarks\"") && has("\"HostEnvironmentInfo\"")
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DotNet {
    benchmarks: Vec<DotNetBench>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DotNetBench {
    full_name: Option<String>,
    display_info: Option<String>,
    statistics: Option<DotNetStats>,
    #[serde(default)]
    measurements: Vec<DotNetMeasurement>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DotNetStats {
    n: u64,
    mean: f64,
    standard_deviation: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DotNetMeasurement {
    iteration_mode: String,
    iteration_stage: String,
    operations: f64,
    nanoseconds: f64,
}

/// BenchmarkDotNet's full JSON exporter: workload result measurements are samples
/// (nanoseconds ÷ operations); otherwise its statistics (nanoseconds).
pub(in crate::ingest) fn dotnet(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let d: DotNet = json(path, text.trim_start_matches('\u{feff}'), "BenchmarkDotNet")?;
    let mut out = Vec::new();
    for b in d.benchmarks {
        let name = b
            .full_name
            .or(b.display_info)
            .unwrap_or_else(|| "benchmark".into());
        let samples: Vec<f64> = b
            .measurements
            .iter()
            .filter(|m| {
                m.iteration_mode == "Workload"
                    && m.iteration_stage == "Result"
                    && m.operations > 0.0
            })
            .map(|m| m.nanoseconds / m.operations)
            .collect();
        let mut x = Bench::time(name, samples);
        if x.samples.is_empty() {
            // A benchmark that failed (it threw, or did not build) has neither measurements
            // nor statistics: a counted error, never a benchmark fewer.
            let Some(s) = b.statistics else {
                out.push(Bench::failed(
                    x.name,
                    "BenchmarkDotNet reported neither measurements nor statistics: the benchmark failed",
                ));
                continue;
            };
            x.summary = Some(SummaryStats {
                mean: s.mean,
                stdev: s.standard_deviation,
                n: s.n,
            });
        }
        out.push(x);
    }
    Ok(out)
}
