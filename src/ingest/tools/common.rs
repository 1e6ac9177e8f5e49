//! What the parsers share: JSON with errors that name the line, numbers with separators, merging samples.

use std::path::Path;

use super::super::{Bench, IngestError};

pub(super) fn json<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &str,
) -> Result<T, IngestError> {
    serde_json::from_str(text).map_err(|e| {
        let truncated = e.is_eof();
        IngestError::Parse {
            path: path.to_owned(),
            line: e.line(),
            message: if truncated {
                format!("the {what} JSON ends early (truncated output?): {e}")
            } else {
                format!("expected {what} JSON: {e}")
            },
        }
    })
}

pub(super) fn number(s: &str) -> Option<f64> {
    s.replace([',', '_'], "").parse().ok()
}

/// Adds `b`, or its samples to the benchmark of the same name already in `out`.
pub(super) fn add_samples(out: &mut Vec<Bench>, b: Bench) {
    match out.iter_mut().find(|x| x.name == b.name) {
        Some(x) => x.samples.extend(b.samples),
        None => out.push(b),
    }
}
