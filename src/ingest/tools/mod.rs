//! One parser per tool, each with the test that recognises its output.

pub(super) mod catch2;
pub(super) mod criterion;
pub(super) mod custom;
pub(super) mod dotnet;
pub(super) mod go;
pub(super) mod google;
pub(super) mod hyperfine;
pub(super) mod jmh;
pub(super) mod libtest;
pub(super) mod pytest;

use std::path::Path;

use super::{Bench, IngestError};

fn json<T: serde::de::DeserializeOwned>(
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

fn number(s: &str) -> Option<f64> {
    s.replace([',', '_'], "").parse().ok()
}

/// Adds `b`, or its samples to the benchmark of the same name already in `out`.
pub(super) fn add_samples(out: &mut Vec<Bench>, b: Bench) {
    match out.iter_mut().find(|x| x.name == b.name) {
        Some(x) => x.samples.extend(b.samples),
        None => out.push(b),
    }
}
