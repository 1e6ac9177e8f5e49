//! Bencher Metric Format JSON: `{"BENCH": {"MEASURE": {"value": …}}}`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::super::{Bench, IngestError, Kind};
use super::{json, Collected};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Metric {
    value: f64,
    /// Bounds the harness reports (a range, not a deviation): informational.
    #[serde(default)]
    #[expect(dead_code, reason = "read so a file with them is valid, not used")]
    lower_value: Option<f64>,
    #[serde(default)]
    #[expect(dead_code, reason = "read so a file with them is valid, not used")]
    upper_value: Option<f64>,
}

/// Whether `text` looks like BMF: an object of objects whose leaves hold `value`.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('{')
        && t.contains("\"value\"")
        && serde_json::from_str::<BTreeMap<String, BTreeMap<String, Metric>>>(text).is_ok()
}

/// Every benchmark's measures: `latency` (nanoseconds) is the benchmark itself, `throughput`
/// a rate per second, `build-time` seconds; any other measure (`file-size`, `instructions`…)
/// a value of its own (`BENCH · MEASURE`), smaller being better unless
/// `ingest --bigger-is-better` names it (BMF does not carry the direction).
pub(in crate::ingest) fn bmf(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let doc: BTreeMap<String, BTreeMap<String, Metric>> =
        json(path, text, "Bencher Metric Format")?;
    let mut out = Collected::default();
    for (bench, measures) in doc {
        for (measure, m) in measures {
            let b = match measure.as_str() {
                "latency" => Bench::time(bench.clone(), vec![m.value]),
                "build-time" => Bench::time(format!("{bench} · {measure}"), vec![m.value * 1e9]),
                "throughput" => {
                    let mut b = Bench::time(format!("{bench} · {measure}"), vec![m.value]);
                    b.kind = Kind::Rate;
                    b
                }
                _ => Bench::value(
                    format!("{bench} · {measure}"),
                    if measure == "file-size" {
                        "B"
                    } else {
                        &measure
                    },
                    false,
                    vec![m.value],
                ),
            };
            out.push(b);
        }
    }
    Ok(out.into_vec())
}
