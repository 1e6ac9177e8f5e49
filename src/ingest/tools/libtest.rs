//! Libtest `cargo bench` output (also criterion's `--output-format bencher`).

use std::path::Path;

use super::super::{to_ns, Bench, Format, IngestError};
use super::number;

/// Whether `text` looks like this tool's output.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    text.lines()
        .any(|l| l.contains(" ... bench:") && l.contains("/iter"))
}

/// `test name ... bench:   1,234 ns/iter (+/- 56)` (libtest, and criterion's `--output-format bencher`).
/// The `+/-` figure is the range of the samples, not a standard deviation, so only the median
/// is kept: a comparison of libtest output is judged by threshold, with low confidence.
pub(in crate::ingest) fn libtest(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let mut out: Vec<Bench> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        let Some((name, result)) = rest.split_once(" ... bench:") else {
            continue;
        };
        let err = |m: &str| IngestError::Parse {
            path: path.to_owned(),
            line: i + 1,
            message: format!("{m}: `{}`", line.trim()),
        };
        let mut words = result.split_whitespace();
        let value = words
            .next()
            .and_then(number)
            .ok_or_else(|| err("expected a number after `bench:`"))?;
        let unit = words
            .next()
            .ok_or_else(|| err("expected a unit such as `ns/iter`"))?;
        let factor = unit
            .strip_suffix("/iter")
            .and_then(to_ns)
            .ok_or_else(|| err("expected a unit such as `ns/iter`"))?;
        out.push(Bench::time(name.trim(), vec![value * factor]));
    }
    if out.is_empty() && text.contains("running ") && text.contains(" bench") {
        return Err(IngestError::Empty {
            path: path.to_owned(),
            format: Format::Libtest,
            truncated: true,
        });
    }
    Ok(out)
}
