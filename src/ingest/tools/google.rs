//! Google Benchmark `--benchmark_format=json`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::super::{to_ns, Bench, IngestError, SummaryStats};
use super::{json, Collected};

/// Whether `text` looks like this tool's output.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    let has = |s: &str| text.contains(s);
    text.trim_start().starts_with('{')
        && has("\"benchmarks\"")
        && has("\"context\"")
        && has("\"time_unit\"")
}

#[derive(Deserialize)]
struct Google {
    benchmarks: Vec<GoogleBench>,
}

#[derive(Deserialize)]
struct GoogleBench {
    name: String,
    run_name: Option<String>,
    run_type: Option<String>,
    aggregate_name: Option<String>,
    iterations: Option<u64>,
    real_time: Option<f64>,
    time_unit: Option<String>,
    repetitions: Option<u64>,
    #[serde(default)]
    error_occurred: bool,
    error_message: Option<String>,
    /// Everything else: user counters (`items_per_second`, `bytes_per_second`, the
    /// benchmark's own `state.counters`) among fields that are not figures.
    #[serde(flatten)]
    other: BTreeMap<String, serde_json::Value>,
}

/// Fields of a Google Benchmark entry that are not counters.
const NOT_COUNTERS: [&str; 10] = [
    "family_index",
    "per_family_instance_index",
    "repetition_index",
    "threads",
    "cpu_time",
    "aggregate_unit",
    "label",
    "big_o",
    "rms",
    "complexity_n",
];

/// Google Benchmark's `--benchmark_format=json`: repetitions are samples; when only aggregates
/// were reported, mean and stddev aggregates become summary statistics.
pub(in crate::ingest) fn google(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let g: Google = json(path, text, "Google Benchmark --benchmark_format=json")?;
    let mut out = Collected::default();
    let mut aggregates: BTreeMap<String, (Option<f64>, Option<f64>, u64)> = BTreeMap::new();
    for b in g.benchmarks {
        let name = b.run_name.clone().unwrap_or_else(|| b.name.clone());
        if b.error_occurred {
            return Err(IngestError::Parse {
                path: path.to_owned(),
                line: 0,
                message: format!(
                    "benchmark `{name}` failed: {}",
                    b.error_message.unwrap_or_default()
                ),
            });
        }
        let factor =
            to_ns(b.time_unit.as_deref().unwrap_or("ns")).ok_or_else(|| IngestError::Parse {
                path: path.to_owned(),
                line: 0,
                message: format!("benchmark `{name}`: unknown time_unit"),
            })?;
        let Some(t) = b.real_time.map(|t| t * factor) else {
            continue;
        };
        if b.run_type.as_deref() == Some("aggregate") {
            let e = aggregates
                .entry(name)
                .or_insert((None, None, b.repetitions.unwrap_or(0)));
            match b.aggregate_name.as_deref() {
                Some("mean") => e.0 = Some(t),
                Some("stddev") => e.1 = Some(t),
                _ => {}
            }
            continue;
        }
        let mut x = Bench::time(name.clone(), vec![t]);
        x.iterations = b.iterations.into_iter().collect();
        out.add_samples(x);
        // User counters are benchmarks of their own (`BM_x · items_per_second`): rates
        // (`…_per_second`, as Google Benchmark names them) are higher-is-better; the JSON
        // does not say the direction of any other counter, so it is smaller-is-better unless
        // `ingest --bigger-is-better` names it.
        for (counter, v) in &b.other {
            let Some(v) = v
                .as_f64()
                .filter(|_| !NOT_COUNTERS.contains(&counter.as_str()))
            else {
                continue;
            };
            out.add_samples(Bench::value(
                format!("{name} · {counter}"),
                counter,
                counter.ends_with("_per_second"),
                vec![v],
            ));
        }
    }
    for (name, (mean, stdev, n)) in aggregates {
        if out.contains(&name) {
            continue;
        }
        if let Some(mean) = mean {
            let mut x = Bench::time(name, Vec::new());
            x.summary = Some(SummaryStats {
                mean,
                stdev: stdev.unwrap_or(0.0),
                n: n.max(1),
            });
            out.push(x);
        }
    }
    Ok(out.into_vec())
}
