//! iai and iai-callgrind (gungraun) console output: instruction and cache counts per benchmark.

use std::path::Path;

use super::super::{Bench, IngestError};
use super::Collected;

/// `  Instructions:   1734|N/A   (*********)`: the metric and its value in this run (iai
/// prints the value alone, iai-callgrind `new|old (change)`).
fn metric_line(line: &str) -> Option<(&str, u64)> {
    if !line.starts_with(' ') {
        return None;
    }
    let (metric, rest) = line.trim().split_once(':')?;
    let value = rest.trim().split(['|', ' ']).next()?;
    Some((metric.trim(), value.replace(',', "").parse().ok()?))
}

/// Whether `text` looks like iai or iai-callgrind output.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    text.lines()
        .any(|l| metric_line(l).is_some_and(|(m, _)| m == "Instructions"))
}

/// Each benchmark (an unindented name line) with its counts, each a benchmark of its own
/// (`NAME · Instructions`, `NAME · Estimated Cycles`…), smaller being better. Counts are
/// deterministic for one binary and input: a single value per run.
pub(in crate::ingest) fn iai(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let mut out = Collected::default();
    let mut name: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some((metric, value)) = metric_line(line) {
            let Some(bench) = name else {
                return Err(IngestError::Parse {
                    path: path.to_owned(),
                    line: i + 1,
                    message: format!("a count before any benchmark name: `{}`", line.trim()),
                });
            };
            #[expect(clippy::cast_precision_loss, reason = "counts below 2^53")]
            let v = value as f64;
            out.push(Bench::value(
                format!("{bench} · {metric}"),
                metric,
                false,
                vec![v],
            ));
        } else if !line.starts_with(' ') {
            let t = line.trim();
            // cargo's and libtest's own lines are not benchmark names.
            let noise = t.starts_with("Running ")
                || t.starts_with("running ")
                || t.starts_with("test result:")
                || t.starts_with("Finished ")
                || t.starts_with("Compiling ")
                || t.starts_with("Benchmarking ");
            name = if noise { None } else { Some(t) };
        }
    }
    Ok(out.into_vec())
}
