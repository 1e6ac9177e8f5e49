//! airspeed velocity (`asv run`, `asv continuous`) console output.

use std::path::Path;

use super::super::{to_ns, Bench, IngestError};
use super::Collected;

/// `[ 35.00%] ··· benchmarks.TimeSuite.time_keys     11.2±0.01μs`: the name and the result.
fn result_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix('[')?;
    let (_, rest) = rest.split_once("%]")?;
    // `···` and then the result; `····` lines are a failure's traceback.
    let rest = rest.trim_start().strip_prefix("···")?;
    if rest.starts_with('·') {
        return None;
    }
    let rest = rest.trim();
    let (name, value) = rest.split_once(char::is_whitespace)?;
    let value = value.trim();
    (!value.is_empty() && !name.is_empty()).then_some((name, value))
}

/// Whether `text` looks like asv's console output.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    text.lines().any(|l| result_line(l).is_some())
}

/// A number with an SI suffix (`2.42k`, `1.5M`), as asv prints counts and sizes.
fn si(v: &str) -> Option<f64> {
    let (num, factor) = match v.chars().last()? {
        'k' => (&v[..v.len() - 1], 1e3),
        'M' => (&v[..v.len() - 1], 1e6),
        'G' => (&v[..v.len() - 1], 1e9),
        'T' => (&v[..v.len() - 1], 1e12),
        _ => (v, 1.0),
    };
    Some(num.parse::<f64>().ok()? * factor)
}

/// asv's results as printed: `time_*` benchmarks in a time unit (the median; `±` is half
/// the interquartile range, informational), other kinds (`mem_`, `peakmem_`, `track_`) as
/// values, smaller being better as asv itself judges them. `failed` is a counted error;
/// `n/a` and `skipped` are left out; a `Running (…)` progress line is not a result.
pub(in crate::ingest) fn asv(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let mut out = Collected::default();
    for (i, line) in text.lines().enumerate() {
        let Some((name, value)) = result_line(line) else {
            continue;
        };
        if name == "Running" || name.starts_with("Running") || value.starts_with('(') {
            continue;
        }
        let err = |m: &str| IngestError::Parse {
            path: path.to_owned(),
            line: i + 1,
            message: format!("{m}: `{}`", line.trim()),
        };
        let value = value.split_whitespace().next().unwrap_or(value);
        if value == "failed" {
            out.push(Bench::failed(name, format!("asv: {name} failed")));
            continue;
        }
        if value == "n/a" || value == "skipped" {
            continue;
        }
        // `11.1±0.01μs`: the median, the spread, then the unit of both.
        let unit_at = value
            .rfind(|c: char| c.is_ascii_digit() || c == '.')
            .map_or(0, |i| i + 1);
        let (figures, unit) = value.split_at(unit_at);
        let num = figures.split('±').next().unwrap_or(figures);
        let median = format!("{num}{unit}");
        if let Some(f) = to_ns(unit).filter(|_| !unit.is_empty()) {
            let v: f64 = num.parse().map_err(|_| err("expected a number"))?;
            out.push(Bench::time(name, vec![v * f]));
        } else {
            let v = si(&median).ok_or_else(|| err("expected a time or a number"))?;
            let unit = name.split('.').next_back().map_or("value", |leaf| {
                if leaf.starts_with("mem_") || leaf.starts_with("peakmem_") {
                    "B"
                } else {
                    "value"
                }
            });
            out.push(Bench::value(name, unit, false, vec![v]));
        }
    }
    Ok(out.into_vec())
}
