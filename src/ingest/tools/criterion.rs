//! Criterion: `target/criterion` directories and `estimates.json`.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Deserialize;

use super::super::detect::read;
use super::super::{Bench, IngestError, SummaryStats};
use super::{json, time};

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

/// One `estimates.json` (with the `sample.json` beside it when given), named `name`.
fn estimates(
    path: &Path,
    text: &str,
    sample: Option<(&Path, &str)>,
    name: String,
) -> Result<Bench, IngestError> {
    let e: CriterionEstimates = json(path, text, "criterion estimates.json")?;
    let mut b = Bench::time(name, Vec::new());
    if let Some((sp, st)) = sample {
        let s: CriterionSample = json(sp, st, "criterion sample.json")?;
        if s.iters.len() != s.times.len() {
            return Err(IngestError::Parse {
                path: sp.to_owned(),
                line: 1,
                message: format!(
                    "{} iteration counts but {} times: a damaged sample.json",
                    s.iters.len(),
                    s.times.len()
                ),
            });
        }
        for (i, t) in s.iters.iter().zip(&s.times).filter(|(i, _)| **i > 0.0) {
            b.samples.push(t / i);
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "criterion's iteration counts are whole and positive"
            )]
            b.iterations.push(*i as u64);
        }
    }
    if b.samples.is_empty() {
        b.summary = Some(SummaryStats {
            mean: e.mean.point_estimate,
            stdev: e.std_dev.map_or(0.0, |s| s.point_estimate),
            n: 1,
        });
    }
    Ok(b)
}

/// A benchmark's result folder (`…/<benchmark>/new`): its estimates, with the samples and the
/// name beside them. `fallback` names it when there is no `benchmark.json`.
fn result(new: &Path, fallback: impl FnOnce() -> String) -> Result<Bench, IngestError> {
    let est = new.join("estimates.json");
    let sample = new.join("sample.json");
    let sample_text = if sample.exists() {
        Some(read(&sample)?)
    } else {
        None
    };
    let bj = new.join("benchmark.json");
    let name = if bj.exists() {
        json::<CriterionBenchmark>(&bj, &read(&bj)?, "criterion benchmark.json")?.full_id
    } else {
        fallback()
    };
    estimates(
        &est,
        &read(&est)?,
        sample_text.as_deref().map(|t| (sample.as_path(), t)),
        name,
    )
}

/// One `estimates.json` given on its own: read with the `sample.json` and `benchmark.json`
/// beside it, named as in directory mode (`full_id`, else the benchmark's folder).
pub(in crate::ingest) fn criterion_estimates(
    path: &Path,
    text: &str,
) -> Result<Vec<Bench>, IngestError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = || {
        dir.parent()
            .and_then(Path::file_name)
            .map_or_else(|| "benchmark".into(), |n| n.to_string_lossy().into_owned())
    };
    if path.file_name().is_some_and(|n| n == "estimates.json") && dir.join("sample.json").exists() {
        return Ok(vec![result(dir, name)?]);
    }
    Ok(vec![estimates(path, text, None, name())?])
}

/// A result criterion left in `target/criterion` from an earlier run, left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stale {
    pub name: String,
    /// When criterion wrote it.
    pub written: SystemTime,
}

/// How long criterion may take between writing one benchmark's result and the next one's,
/// beyond twice the later benchmark's own measured time: warm-up, analysis, plots, the start
/// of the next bench binary.
const RUN_GAP_SLACK: Duration = Duration::from_secs(60);

/// `target/criterion`: every benchmark's `new/estimates.json` with its `sample.json` and
/// `benchmark.json`. Only the results of one run: those written at or after `since`, or by
/// default the latest run's (results are written one after another as benchmarks finish; a
/// gap longer than the next benchmark could have taken separates two runs). What was left out
/// is returned with the results, to be said.
pub(in crate::ingest) fn criterion_dir(
    dir: &Path,
    since: Option<SystemTime>,
) -> Result<(Vec<Bench>, Vec<Stale>), IngestError> {
    // A folder with its own `estimates.json` is a saved result (`new`, `base`, `change`,
    // `--save-baseline NAME`); its parent is a benchmark. Every other folder is walked, so a
    // group or benchmark may be called `report`, `base` or `new`.
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if !p.is_dir() {
                continue;
            }
            if p.join("estimates.json").is_file() {
                if p.file_name().is_some_and(|n| n == "new") {
                    out.push(p);
                }
            } else {
                walk(&p, out);
            }
        }
    }
    let mut dirs = Vec::new();
    walk(dir, &mut dirs);
    let mut found = Vec::new();
    for d in dirs {
        let written = std::fs::metadata(d.join("estimates.json"))
            .and_then(|m| m.modified())
            .map_err(|source| IngestError::Read {
                path: d.join("estimates.json"),
                source,
            })?;
        let b = result(&d, || {
            d.parent().unwrap_or(&d).strip_prefix(dir).map_or_else(
                |_| d.display().to_string(),
                |r| r.to_string_lossy().into_owned(),
            )
        })?;
        found.push((written, b));
    }
    let cut = since.unwrap_or_else(|| latest_run(&found));
    let (kept, left): (Vec<_>, Vec<_>) = found.into_iter().partition(|(w, _)| *w >= cut);
    Ok((
        kept.into_iter().map(|(_, b)| b).collect(),
        left.into_iter()
            .map(|(written, b)| Stale {
                name: b.name,
                written,
            })
            .collect(),
    ))
}

/// When the latest run began: walking back from the newest result, the first gap longer than
/// the later benchmark could have taken (twice its measured time, plus the slack).
fn latest_run(found: &[(SystemTime, Bench)]) -> SystemTime {
    let mut by_time: Vec<(SystemTime, f64)> = found
        .iter()
        .map(|(w, b)| {
            let measured: f64 = b
                .samples
                .iter()
                .zip(&b.iterations)
                .map(|(s, i)| {
                    #[expect(clippy::cast_precision_loss, reason = "iteration counts")]
                    let i = *i as f64;
                    s * i
                })
                .sum();
            (*w, measured)
        })
        .collect();
    by_time.sort_by_key(|b| std::cmp::Reverse(b.0));
    let Some(&(mut start, _)) = by_time.first() else {
        return SystemTime::UNIX_EPOCH;
    };
    for pair in by_time.windows(2) {
        let (later, measured_ns) = pair[0];
        let (earlier, _) = pair[1];
        let allowed = Duration::from_secs_f64(2.0 * measured_ns / 1e9) + RUN_GAP_SLACK;
        if later.duration_since(earlier).unwrap_or_default() > allowed {
            break;
        }
        start = earlier;
    }
    start
}

/// Whether `text` looks like criterion's console output.
pub(in crate::ingest) fn sniff_console(text: &str) -> bool {
    text.lines().any(|l| console_time(l).is_some())
}

/// `NAME   time:   [320.62 ps 323.90 ps 327.55 ps]`: the name (empty when it was printed on
/// the line before) and the three estimates in nanoseconds.
fn console_time(line: &str) -> Option<(&str, [f64; 3])> {
    let (name, rest) = line.split_once("time:")?;
    let inner = rest.trim().strip_prefix('[')?.strip_suffix(']')?;
    let w: Vec<&str> = inner.split_whitespace().collect();
    if w.len() != 6 {
        return None;
    }
    Some((
        name.trim(),
        [time(w[0], w[1])?, time(w[2], w[3])?, time(w[4], w[5])?],
    ))
}

/// criterion's console output (`cargo bench`): each benchmark's point estimate of the mean
/// time (the bracket is its confidence interval, not a spread of samples: a single value per
/// run, as for libtest). A name too long for its column is on the line before `time:`.
pub(in crate::ingest) fn criterion_console(
    path: &Path,
    text: &str,
) -> Result<Vec<Bench>, IngestError> {
    let mut out = super::Collected::default();
    let mut previous = "";
    for (i, line) in text.lines().enumerate() {
        if let Some((name, [_, estimate, _])) = console_time(line) {
            let name = if name.is_empty() {
                previous.trim()
            } else {
                name
            };
            if name.is_empty() {
                return Err(IngestError::Parse {
                    path: path.to_owned(),
                    line: i + 1,
                    message: "a `time:` line without a benchmark name".into(),
                });
            }
            out.push(Bench::time(name, vec![estimate]));
        } else if line.contains("time:") && line.contains('[') {
            return Err(IngestError::Parse {
                path: path.to_owned(),
                line: i + 1,
                message: format!(
                    "expected `time: [LOW UNIT ESTIMATE UNIT HIGH UNIT]`: `{}`",
                    line.trim()
                ),
            });
        }
        if !line.trim().is_empty() {
            previous = line;
        }
    }
    Ok(out.into_vec())
}
