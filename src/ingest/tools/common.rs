//! What the parsers share: JSON with errors that name the line, numbers with separators, and
//! benchmarks collected by name in time linear in the input.

use std::collections::HashMap;
use std::path::Path;

use super::super::{to_ns, Bench, IngestError};

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

/// `value` in time `unit` (`344`, `ns`), in nanoseconds.
pub(super) fn time(value: &str, unit: &str) -> Option<f64> {
    Some(value.parse::<f64>().ok()? * to_ns(unit)?)
}

/// A time written with its unit (`15.041ms`), in nanoseconds.
pub(super) fn time_with_unit(text: &str) -> Option<f64> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (value, unit) = text.split_at(split);
    time(value, unit)
}

/// The words of `line` with where each starts, so what precedes a word can be cut exactly.
pub(super) fn words_at(line: &str) -> Vec<(usize, &str)> {
    line.split_whitespace()
        .map(|w| (w.as_ptr() as usize - line.as_ptr() as usize, w))
        .collect()
}

/// Benchmarks in the order the tool first printed them, found by name in constant time (a
/// linear search per line made ingest quadratic in the number of benchmarks).
#[derive(Default)]
pub(super) struct Collected {
    list: Vec<Bench>,
    index: HashMap<String, usize>,
}

impl Collected {
    /// The benchmark named `name`, when there is one.
    pub(super) fn get_mut(&mut self, name: &str) -> Option<&mut Bench> {
        self.index.get(name).map(|i| &mut self.list[*i])
    }

    /// Adds `b`, or its samples to the benchmark of the same name already collected.
    pub(super) fn add_samples(&mut self, b: Bench) {
        match self.get_mut(&b.name) {
            Some(x) => {
                // Iterations stay aligned with their samples, or are dropped when a part of
                // them is unknown.
                if x.iterations.len() == x.samples.len() && b.iterations.len() == b.samples.len() {
                    x.iterations.extend(b.iterations);
                } else {
                    x.iterations.clear();
                }
                x.samples.extend(b.samples);
            }
            None => self.push(b),
        }
    }

    /// Adds `b` as a benchmark of its own, even when its name was seen (a duplicate the
    /// caller refuses later, naming it).
    pub(super) fn push(&mut self, b: Bench) {
        self.index.entry(b.name.clone()).or_insert(self.list.len());
        self.list.push(b);
    }

    pub(super) fn contains(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(super) fn into_vec(self) -> Vec<Bench> {
        self.list
    }
}
