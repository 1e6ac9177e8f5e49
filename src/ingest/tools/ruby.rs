//! Ruby's `Benchmark.bm` and `Benchmark.bmbm` reports.

use std::path::Path;

use super::super::{Bench, Format, IngestError};
use super::{words_at, Collected};

fn header(line: &str) -> bool {
    let w: Vec<&str> = line.split_whitespace().collect();
    w == ["user", "system", "total", "real"]
}

/// Whether `text` looks like a Ruby Benchmark report.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    text.lines().any(header)
}

/// `label   0.950000   0.000000   0.950000 (  0.952039)`: the label and the real time, in
/// seconds. Only the report after the last header is read (`bmbm` prints a rehearsal first);
/// `>total:` and `>avg:` lines are sums, not benchmarks.
pub(in crate::ingest) fn ruby(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().rposition(|l| header(l)) else {
        return Err(IngestError::Empty {
            path: path.to_owned(),
            format: Format::RubyBenchmark,
            truncated: false,
        });
    };
    let mut out = Collected::default();
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let t = line.trim();
        if t.is_empty() || t.starts_with('>') || t.starts_with('-') {
            continue;
        }
        let err = |m: &str| IngestError::Parse {
            path: path.to_owned(),
            line: i + 1,
            message: format!("{m}: `{t}`"),
        };
        let (left, real) = line
            .rsplit_once('(')
            .ok_or_else(|| err("expected `label user system total (real)`"))?;
        let real: f64 = real
            .trim()
            .trim_end_matches(')')
            .trim()
            .parse()
            .map_err(|_| err("expected the real time in parentheses"))?;
        // The label is what precedes the three CPU times, exactly as printed.
        let words = words_at(left);
        let Some(times) = words.len().checked_sub(3) else {
            return Err(err("expected user, system and total times"));
        };
        if words[times..]
            .iter()
            .any(|(_, w)| w.parse::<f64>().is_err())
        {
            return Err(err("expected user, system and total times"));
        }
        let label = left[..words[times].0].trim();
        if label.is_empty() {
            return Err(err(
                "a benchmark without a label (give `bm.report(\"name\")` one)",
            ));
        }
        out.push(Bench::time(label, vec![real * 1e9]));
    }
    Ok(out.into_vec())
}
