//! Luau's benchmark runner (`bench.py`) output.

use std::path::Path;

use super::super::{Bench, IngestError};
use super::{time_with_unit, Collected};

/// Whether `text` looks like Luau's benchmark output.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("SUCCESS: ") && l.contains(" +/- ") && l.contains(" on "))
}

/// `SUCCESS: base64   :   15.041ms +/-  0.636% on luau`: the average time (the relative
/// deviation is informational: the run count is not printed). A `FAILED` line is a counted
/// error; the results table after the lines repeats them and is not read.
pub(in crate::ingest) fn luau(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let mut out = Collected::default();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line
            .strip_prefix("FAILED: ")
            .or_else(|| line.strip_prefix("ERROR: "))
        {
            let name = rest.split(':').next().unwrap_or(rest).trim();
            out.push(Bench::failed(name, line.trim()));
            continue;
        }
        let Some(rest) = line.strip_prefix("SUCCESS: ") else {
            continue;
        };
        let err = |m: &str| IngestError::Parse {
            path: path.to_owned(),
            line: i + 1,
            message: format!("{m}: `{}`", line.trim()),
        };
        let (name, rest) = rest
            .rsplit_once(" : ")
            .or_else(|| rest.rsplit_once(':'))
            .ok_or_else(|| err("expected `SUCCESS: NAME : TIME +/- P% on DRIVER`"))?;
        let value = rest.split("+/-").next().unwrap_or("").trim();
        let ns = time_with_unit(value).ok_or_else(|| err("expected a time with its unit"))?;
        out.push(Bench::time(name.trim(), vec![ns]));
    }
    Ok(out.into_vec())
}
