//! Custom JSON: github-action-benchmark's arrays and benchbot's own object.

use std::path::Path;

use serde::Deserialize;

use super::super::{to_ns, Bench, IngestError, Kind, SummaryStats};
use super::json;

/// Whether `text` looks like a github-action-benchmark array.
pub(in crate::ingest) fn sniff_array(text: &str) -> bool {
    text.trim_start().starts_with('[') && text.contains("\"unit\"") && text.contains("\"value\"")
}

/// Whether `text` looks like benchbot's custom object.
pub(in crate::ingest) fn sniff_object(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && text.contains("\"benchmarks\"")
        && text.contains("\"unit\"")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Custom {
    benchmarks: Vec<CustomBench>,
}

#[derive(Deserialize)]
struct CustomBench {
    name: String,
    unit: String,
    value: Option<f64>,
    #[serde(default)]
    samples: Vec<f64>,
    stdev: Option<f64>,
    n: Option<u64>,
    /// github-action-benchmark's `"±12"` range: informational.
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "read for compatibility; a range is not a standard deviation"
    )]
    range: Option<String>,
    bigger_is_better: Option<bool>,
    #[serde(default)]
    #[expect(dead_code, reason = "free text of github-action-benchmark files")]
    extra: Option<String>,
}

/// benchbot's custom JSON (`{"benchmarks": [...]}`) or github-action-benchmark's array.
pub(in crate::ingest) fn custom(
    path: &Path,
    text: &str,
    bigger: Option<bool>,
) -> Result<Vec<Bench>, IngestError> {
    let array = text.trim_start().starts_with('[');
    let list: Vec<CustomBench> = if array {
        json(path, text, "custom benchmark")?
    } else {
        json::<Custom>(path, text, "custom benchmark")?.benchmarks
    };
    let mut out = Vec::new();
    for (i, b) in list.into_iter().enumerate() {
        let err = |m: String| IngestError::Parse {
            path: path.to_owned(),
            line: 0,
            message: format!("benchmark {i} `{}`: {m}", b.name),
        };
        let higher = b.bigger_is_better.or(bigger).unwrap_or(false);
        let unit = b.unit.trim();
        let mut samples = if b.samples.is_empty() {
            b.value.into_iter().collect::<Vec<_>>()
        } else {
            b.samples.clone()
        };
        if samples.is_empty() {
            return Err(err("needs `value` or `samples`".into()));
        }
        let kind = if let Some(f) = to_ns(unit) {
            if higher {
                return Err(err(format!(
                    "a time in `{unit}` cannot be bigger-is-better"
                )));
            }
            for v in &mut samples {
                *v *= f;
            }
            Kind::Time
        } else if let Some(per) = unit
            .strip_prefix("ops/")
            .or_else(|| unit.strip_prefix("req/"))
            .or_else(|| unit.strip_prefix("iter/"))
        {
            let f = 1e9 / to_ns(per).ok_or_else(|| err(format!("unknown rate unit `{unit}`")))?;
            for v in &mut samples {
                *v *= f;
            }
            Kind::Rate
        } else {
            // Another unit (bytes, %, points…): compared as it is, in its direction, which
            // the file (or the format) must say: guessing it would turn a drop into a gain.
            // benchbot's own object documents smaller-is-better as its default; a
            // github-action-benchmark array has no such field and its format says the
            // direction, so without the format nothing may be assumed.
            let Some(higher) = b.bigger_is_better.or(bigger).or((!array).then_some(false)) else {
                return Err(err(format!(
                    "unit `{unit}` does not say whether bigger or smaller is better: pass --format customBiggerIsBetter or customSmallerIsBetter (github-action-benchmark's files do not say it themselves)"
                )));
            };
            Kind::Value {
                higher_is_better: higher,
            }
        };
        let mut x = Bench::time(b.name.clone(), samples);
        if matches!(kind, Kind::Value { .. }) {
            x.unit = Some(unit.to_owned());
        }
        x.kind = kind;
        if x.samples.len() == 1 {
            if let (Some(sd), Some(n)) = (b.stdev, b.n) {
                let f = if kind == Kind::Time {
                    to_ns(unit).unwrap_or(1.0)
                } else {
                    1.0
                };
                x.summary = Some(SummaryStats {
                    mean: x.samples[0],
                    stdev: sd * f,
                    n,
                });
                x.samples.clear();
            }
        }
        out.push(x);
    }
    Ok(out)
}
