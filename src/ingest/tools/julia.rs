//! Julia BenchmarkTools JSON (`BenchmarkTools.save`): nested groups of trials or estimates.

use std::path::Path;

use serde_json::Value;

use super::super::{Bench, IngestError};
use super::{json, Collected};

/// Whether `text` looks like a BenchmarkTools file.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    text.trim_start().starts_with('[')
        && text.contains("\"BenchmarkTools\"")
        && text.contains("\"BenchmarkGroup\"")
}

/// Every leaf of the groups, named by its path (`fib/20`): a `Trial` keeps its raw `times`
/// (ns), a `TrialEstimate` (`median(results)`, as github-action-benchmark asks) its `time`;
/// `memory` (bytes) and `allocs` are benchmarks of their own (`fib/20 · memory`).
pub(in crate::ingest) fn julia(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let v: Value = json(path, text, "Julia BenchmarkTools")?;
    let err = |m: &str| IngestError::Parse {
        path: path.to_owned(),
        line: 0,
        message: m.to_owned(),
    };
    let groups = v
        .get(1)
        .and_then(Value::as_array)
        .ok_or_else(|| err("expected `[versions, [groups…]]`"))?;
    let mut out = Collected::default();
    for g in groups {
        walk(g, "", &mut out).map_err(|m| err(&m))?;
    }
    Ok(out.into_vec())
}

fn walk(node: &Value, prefix: &str, out: &mut Collected) -> Result<(), String> {
    let (Some(kind), Some(body)) = (node.get(0).and_then(Value::as_str), node.get(1)) else {
        return Err(format!("`{prefix}`: expected `[TYPE, {{…}}]`"));
    };
    match kind {
        "BenchmarkGroup" => {
            let data = body
                .get("data")
                .and_then(Value::as_object)
                .ok_or_else(|| format!("`{prefix}`: a group without `data`"))?;
            for (key, child) in data {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}/{key}")
                };
                walk(child, &name, out)?;
            }
        }
        "Trial" | "TrialEstimate" => {
            let name = if prefix.is_empty() {
                "benchmark"
            } else {
                prefix
            };
            let times: Vec<f64> = match (body.get("times"), body.get("time")) {
                (Some(Value::Array(t)), _) => t.iter().filter_map(Value::as_f64).collect(),
                (_, Some(t)) => t.as_f64().into_iter().collect(),
                _ => Vec::new(),
            };
            if times.is_empty() {
                return Err(format!("`{name}`: a {kind} without times"));
            }
            out.push(Bench::time(name, times));
            for (field, unit) in [("memory", "B"), ("allocs", "allocs")] {
                if let Some(x) = body.get(field).and_then(Value::as_f64) {
                    out.push(Bench::value(
                        format!("{name} · {field}"),
                        unit,
                        false,
                        vec![x],
                    ));
                }
            }
        }
        other => return Err(format!("`{prefix}`: unknown BenchmarkTools type `{other}`")),
    }
    Ok(())
}
