//! Hyperfine `--export-json`.

use std::path::Path;

use serde::Deserialize;

use super::super::{Bench, IngestError, SummaryStats};
use super::json;

/// Whether `text` looks like this tool's output.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    let has = |s: &str| text.contains(s);
    text.trim_start().starts_with('{')
        && has("\"results\"")
        && has("\"command\"")
        && has("\"times\"")
}

#[derive(Deserialize)]
struct Hyperfine {
    results: Vec<HyperfineResult>,
}

#[derive(Deserialize)]
struct HyperfineResult {
    command: String,
    #[serde(default)]
    times: Option<Vec<f64>>,
    mean: f64,
    stddev: Option<f64>,
}

pub(in crate::ingest) fn hyperfine(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let h: Hyperfine = json(path, text, "hyperfine --export-json")?;
    Ok(h.results
        .into_iter()
        .map(|r| match r.times {
            Some(t) if !t.is_empty() => Bench::time(r.command, t.iter().map(|s| s * 1e9).collect()),
            _ => {
                let mut b = Bench::time(r.command, Vec::new());
                b.summary = Some(SummaryStats {
                    mean: r.mean * 1e9,
                    stdev: r.stddev.unwrap_or(0.0) * 1e9,
                    n: 1,
                });
                b
            }
        })
        .collect())
}
