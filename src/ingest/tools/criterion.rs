//! Criterion: `target/criterion` directories and `estimates.json`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::super::{Bench, IngestError, SummaryStats};
use super::json;

/// Whether `text` looks like a criterion `estimates.json`.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    text.trim_start().starts_with('{') && text.contains("\"point_estimate\"")
}

#[derive(Deserialize)]
struct CriterionEstimates {
    mean: CriterionEstimate,
    std_dev: Option<CriterionEstimate>,
}

#[derive(Deserialize)]
struct CriterionEstimate {
    point_estimate: f64,
}

#[derive(Deserialize)]
struct CriterionSample {
    iters: Vec<f64>,
    times: Vec<f64>,
}

#[derive(Deserialize)]
struct CriterionBenchmark {
    full_id: String,
}

/// One `estimates.json` (with the `sample.json` beside it when given).
pub(in crate::ingest) fn criterion_estimates(
    path: &Path,
    text: &str,
    sample: Option<(&Path, &str)>,
) -> Result<Vec<Bench>, IngestError> {
    let e: CriterionEstimates = json(path, text, "criterion estimates.json")?;
    let name = path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .map_or_else(|| "benchmark".into(), |n| n.to_string_lossy().into_owned());
    let mut b = Bench::time(name, Vec::new());
    if let Some((sp, st)) = sample {
        let s: CriterionSample = json(sp, st, "criterion sample.json")?;
        b.samples = s
            .iters
            .iter()
            .zip(&s.times)
            .filter(|(i, _)| **i > 0.0)
            .map(|(i, t)| t / i)
            .collect();
    }
    if b.samples.is_empty() {
        b.summary = Some(SummaryStats {
            mean: e.mean.point_estimate,
            stdev: e.std_dev.map_or(0.0, |s| s.point_estimate),
            n: 1,
        });
    }
    Ok(vec![b])
}

/// `target/criterion`: every `**/new/estimates.json` with its `sample.json` and `benchmark.json`.
pub(in crate::ingest) fn criterion_dir(dir: &Path) -> Result<Vec<Bench>, IngestError> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n == "new") && p.join("estimates.json").exists() {
                    out.push(p);
                } else if !p
                    .file_name()
                    .is_some_and(|n| n == "base" || n == "change" || n == "report")
                {
                    walk(&p, out);
                }
            }
        }
    }
    let mut dirs = Vec::new();
    walk(dir, &mut dirs);
    let read = |p: &Path| {
        crate::util::read_bounded(p, super::super::detect::MAX_TOOL_OUTPUT).map_err(|source| {
            IngestError::Read {
                path: p.to_owned(),
                source,
            }
        })
    };
    let mut out = Vec::new();
    for d in dirs {
        let est = d.join("estimates.json");
        let sample = d.join("sample.json");
        let sample_text = if sample.exists() {
            Some(read(&sample)?)
        } else {
            None
        };
        let mut b = criterion_estimates(
            &est,
            &read(&est)?,
            sample_text.as_deref().map(|t| (sample.as_path(), t)),
        )?;
        let bj = d.join("benchmark.json");
        if bj.exists() {
            let meta: CriterionBenchmark = json(&bj, &read(&bj)?, "criterion benchmark.json")?;
            b[0].name = meta.full_id;
        } else if let Ok(rel) = d.parent().unwrap_or(&d).strip_prefix(dir) {
            b[0].name = rel.to_string_lossy().into_owned();
        }
        out.extend(b);
    }
    Ok(out)
}
