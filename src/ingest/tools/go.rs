//! Go `go test -bench` output.

use std::path::Path;

use super::super::{Bench, Format, IngestError};
use super::{number, Collected};

/// Whether `text` looks like this tool's output.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("Benchmark") && l.contains(" ns/op"))
}

/// `go test -bench` text: `BenchmarkX-8  1000000  1234 ns/op  512 B/op  3 allocs/op`; with
/// `-count N` each benchmark appears N times, each line a sample.
pub(in crate::ingest) fn go(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let mut out = Collected::default();
    for (i, line) in text.lines().enumerate() {
        // `--- FAIL: BenchmarkX-8 (0.00s)`: a benchmark that failed is a counted error.
        if let Some(rest) = line.trim_start().strip_prefix("--- FAIL: ") {
            if let Some(name) = rest
                .split_whitespace()
                .next()
                .filter(|n| n.starts_with("Benchmark"))
            {
                match out.get_mut(name) {
                    Some(b) => b.errors += 1,
                    None => out.push(Bench::failed(name, line.trim())),
                }
            }
            continue;
        }
        if !line.starts_with("Benchmark") {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let err = |m: &str| IngestError::Parse {
            path: path.to_owned(),
            line: i + 1,
            message: format!("{m}: `{}`", line.trim()),
        };
        if fields.len() < 4 {
            // `BenchmarkX` alone, or a benchmark that printed a failure.
            if fields.len() == 1 || line.contains("--- FAIL") {
                continue;
            }
            return Err(err("expected `name iterations value unit …`"));
        }
        // The name exactly as Go printed it, GOMAXPROCS suffix (`-8`) included: with `-cpu 1`
        // Go prints none, and `…/size-1024` is a sub-benchmark, not a CPU count. Runs on a
        // machine with another core count are incomparable anyway.
        let name = fields[0];
        let iterations = fields[1]
            .parse::<u64>()
            .map_err(|_| err("expected the iteration count after the name"))?;
        let mut ns = None;
        let mut extra = Vec::new();
        for pair in fields[2..].chunks(2) {
            let [value, unit] = pair else {
                return Err(err("a value without its unit"));
            };
            let value = number(value).ok_or_else(|| err("expected a number"))?;
            if *unit == "ns/op" {
                ns = Some(value);
            } else {
                extra.push(((*unit).to_owned(), value));
            }
        }
        let ns = ns.ok_or_else(|| err("no `ns/op` figure"))?;
        let mut time = Bench::time(name, vec![ns]);
        time.iterations = vec![iterations];
        out.add_samples(time);
        // Other figures (B/op, allocs/op, MB/s, b.ReportMetric units) are benchmarks of their
        // own; as in benchstat, units per second are higher-is-better.
        for (unit, value) in extra {
            out.add_samples(Bench::value(
                format!("{name} · {unit}"),
                &unit,
                unit.ends_with("/s"),
                vec![value],
            ));
        }
    }
    // Go ends every run with `PASS`, `FAIL` or `ok …`: output with the header but without
    // such a line was cut short, and benchmarks after the cut would vanish.
    let headed = text
        .lines()
        .any(|l| l.starts_with("goos:") || l.starts_with("pkg:"));
    let ended = text.lines().any(|l| {
        let l = l.trim();
        l == "PASS" || l == "FAIL" || l.starts_with("ok ") || l.starts_with("FAIL\t")
    });
    if headed && !ended && !out.is_empty() {
        return Err(IngestError::Parse {
            path: path.to_owned(),
            line: text.lines().count(),
            message: "the output ends before Go's closing `PASS`/`ok` line: truncated? (benchmarks after the cut would be missing)".into(),
        });
    }
    if out.is_empty()
        && text
            .lines()
            .any(|l| l.starts_with("goos:") || l.starts_with("pkg:"))
    {
        return Err(IngestError::Empty {
            path: path.to_owned(),
            format: Format::Go,
            truncated: true,
        });
    }
    Ok(out.into_vec())
}
