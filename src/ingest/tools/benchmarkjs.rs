//! Benchmark.js console lines and JavaScript `console.time` / `console.timeEnd` lines.

use std::path::Path;

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::super::{Bench, IngestError, Kind, SummaryStats};
use super::{number, time_with_unit, Collected};

/// `NAME x 1,431,759 ops/sec ±0.74% (93 runs sampled)`: name, rate, relative margin, runs.
fn benchmarkjs_line(line: &str) -> Option<(&str, f64, f64, u64)> {
    let (name, rest) = line.rsplit_once(" x ")?;
    let (rate, rest) = rest.trim().split_once(" ops/sec")?;
    let rest = rest.trim().strip_prefix('±')?;
    let (rme, rest) = rest.split_once('%')?;
    let runs = rest
        .trim()
        .strip_prefix('(')?
        .split_whitespace()
        .next()?
        .replace(',', "")
        .parse()
        .ok()?;
    Some((name.trim(), number(rate)?, rme.trim().parse().ok()?, runs))
}

/// Whether `text` looks like Benchmark.js output.
pub(in crate::ingest) fn sniff_benchmarkjs(text: &str) -> bool {
    text.lines().any(|l| benchmarkjs_line(l).is_some())
}

/// Benchmark.js: each line a rate in operations per second from `runs` runs, with the
/// relative margin of error of the mean at 95% (`±0.74%`). The rate's standard deviation is
/// derived from it: margin ÷ t(0.975, runs − 1) × √runs. A line that says `failed`/`Error` is
/// a counted error.
pub(in crate::ingest) fn benchmarkjs(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let mut out = Collected::default();
    for (i, line) in text.lines().enumerate() {
        if let Some((name, hz, rme, runs)) = benchmarkjs_line(line) {
            let mut b = Bench::time(name, Vec::new());
            b.kind = Kind::Rate;
            #[expect(clippy::cast_precision_loss, reason = "run counts are small")]
            let n = runs as f64;
            let stdev = if runs >= 2 {
                let t = StudentsT::new(0.0, 1.0, n - 1.0).map_or(1.96, |d| d.inverse_cdf(0.975));
                hz * rme / 100.0 / t * n.sqrt()
            } else {
                0.0
            };
            b.summary = Some(SummaryStats {
                mean: hz,
                stdev,
                n: runs.max(1),
            });
            out.push(b);
        } else if line.contains(" x ") && line.contains("ops/sec") {
            return Err(IngestError::Parse {
                path: path.to_owned(),
                line: i + 1,
                message: format!(
                    "expected `NAME x RATE ops/sec ±P% (N runs sampled)`: `{}`",
                    line.trim()
                ),
            });
        }
    }
    Ok(out.into_vec())
}

/// `label: 1.234ms` (Node) or `label: 1.234ms - timer ended` (Deno, Bun).
fn js_time_line(line: &str) -> Option<(&str, f64)> {
    let line = line.trim_end();
    let line = line.strip_suffix(" - timer ended").unwrap_or(line);
    let (label, value) = line.rsplit_once(": ")?;
    Some((label, time_with_unit(value)?))
}

/// Whether every line of `text` is a `console.timeEnd` line.
pub(in crate::ingest) fn sniff_js_time(text: &str) -> bool {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty()).peekable();
    lines.peek().is_some() && lines.all(|l| js_time_line(l).is_some())
}

/// `console.time` / `console.timeEnd`: one time per label; a label timed several times is
/// a benchmark with several samples.
pub(in crate::ingest) fn js_time(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let mut out = Collected::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (label, ns) = js_time_line(line).ok_or_else(|| IngestError::Parse {
            path: path.to_owned(),
            line: i + 1,
            message: format!("expected `LABEL: 1.234ms`: `{}`", line.trim()),
        })?;
        out.add_samples(Bench::time(label, vec![ns]));
    }
    Ok(out.into_vec())
}
