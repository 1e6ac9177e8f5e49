//! JMH `-rf json`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use super::super::{to_ns, Bench, IngestError, Kind, SummaryStats};
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
    /// Sample mode (`-bm sample`): per fork, per iteration, `[value, count]` pairs.
    #[serde(default)]
    raw_data_histogram: Vec<Vec<Vec<(f64, f64)>>>,
}

/// Sample-mode observations expanded one by one up to this many; beyond, their exact
/// weighted mean, deviation and count stand for them.
const MAX_EXPANDED: f64 = 5e6;

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
        let pairs = || {
            b.primary_metric
                .raw_data_histogram
                .iter()
                .flatten()
                .flatten()
        };
        let observations: f64 = pairs().map(|(_, n)| n.max(0.0)).sum();
        let mut summary = None;
        let raw = if !raw.is_empty() {
            raw
        } else if observations > 0.0 && observations <= MAX_EXPANDED {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "counts are whole, positive and bounded above"
            )]
            pairs()
                .flat_map(|(v, n)| std::iter::repeat_n(*v, n.max(0.0) as usize))
                .collect()
        } else if observations > 0.0 {
            let mean = pairs().map(|(v, n)| v * n).sum::<f64>() / observations;
            let ss: f64 = pairs().map(|(v, n)| n * (v - mean).powi(2)).sum();
            summary = Some((mean, (ss / (observations - 1.0)).sqrt(), observations));
            Vec::new()
        } else {
            vec![b.primary_metric.score]
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
        if let Some((mean, stdev, n)) = summary {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a whole, positive count"
            )]
            let n = n as u64;
            x.summary = Some(SummaryStats {
                mean: mean * factor,
                stdev: stdev * factor,
                n,
            });
        }
        out.push(x);
    }
    Ok(out)
}
