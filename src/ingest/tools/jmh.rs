//! JMH `-rf json`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use super::super::{to_ns, Bench, IngestError, Kind};
use super::json;

/// Whether `text` looks like this tool's output.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    let has = |s: &str| text.contains(s);
    text.trim_start().starts_with('[') && has("\"primaryMetric\"") && has("\"benchmark\"")
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JmhBench {
    benchmark: String,
    mode: String,
    #[serde(default)]
    params: BTreeMap<String, String>,
    primary_metric: JmhMetric,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JmhMetric {
    score: f64,
    score_unit: String,
    #[serde(default)]
    raw_data: Vec<Vec<f64>>,
}

/// JMH's `-rf json`: `rawData` (forks × iterations) are samples. Throughput modes (`ops/s`,
/// `ops/ms`…) become rates, the others (`us/op`…) times.
pub(in crate::ingest) fn jmh(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let list: Vec<JmhBench> = json(path, text, "JMH -rf json")?;
    let mut out = Vec::new();
    for b in list {
        let unit = b.primary_metric.score_unit.as_str();
        let mut name = format!("{} ({})", b.benchmark, b.mode);
        if !b.params.is_empty() {
            let _ = write!(
                name,
                " {}",
                b.params
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            );
        }
        let raw: Vec<f64> = b
            .primary_metric
            .raw_data
            .iter()
            .flatten()
            .copied()
            .collect();
        let raw = if raw.is_empty() {
            vec![b.primary_metric.score]
        } else {
            raw
        };
        let (kind, factor) = if let Some(per) = unit.strip_prefix("ops/") {
            // ops per time unit → ops per second.
            (
                Kind::Rate,
                1e9 / to_ns(per).ok_or_else(|| IngestError::Parse {
                    path: path.to_owned(),
                    line: 0,
                    message: format!("`{}`: unknown unit `{unit}`", b.benchmark),
                })?,
            )
        } else if let Some(t) = unit.strip_suffix("/op") {
            (
                Kind::Time,
                to_ns(t).ok_or_else(|| IngestError::Parse {
                    path: path.to_owned(),
                    line: 0,
                    message: format!("`{}`: unknown unit `{unit}`", b.benchmark),
                })?,
            )
        } else {
            return Err(IngestError::Parse {
                path: path.to_owned(),
                line: 0,
                message: format!("`{}`: unknown unit `{unit}`", b.benchmark),
            });
        };
        let mut x = Bench::time(name, raw.iter().map(|v| v * factor).collect());
        x.kind = kind;
        out.push(x);
    }
    Ok(out)
}
