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
    /// One per run; non-zero when the command failed (`hyperfine -i` keeps going).
    #[serde(default)]
    exit_codes: Vec<Option<i64>>,
}

pub(in crate::ingest) fn hyperfine(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let h: Hyperfine = json(path, text, "hyperfine --export-json")?;
    Ok(h.results
        .into_iter()
        .map(|r| {
            let failed: Vec<Option<i64>> = r
                .exit_codes
                .iter()
                .copied()
                .filter(|c| *c != Some(0))
                .collect();
            let mut b = match r.times {
                Some(t) if !t.is_empty() => {
                    Bench::time(r.command, t.iter().map(|s| s * 1e9).collect())
                }
                _ => {
                    let mut b = Bench::time(r.command, Vec::new());
                    b.summary = Some(SummaryStats {
                        mean: r.mean * 1e9,
                        stdev: r.stddev.unwrap_or(0.0) * 1e9,
                        n: 1,
                    });
                    b
                }
            };
            if let Some(first) = failed.first() {
                b.errors = failed.len() as u64;
                b.error_sample = Some(match first {
                    Some(c) => format!("exited with status {c}"),
                    None => "killed by a signal".into(),
                });
            }
            b
        })
        .collect())
}
