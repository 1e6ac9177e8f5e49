//! One parser per tool.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{to_ns, Bench, Format, IngestError, Kind, SummaryStats};

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

/// Guesses the format from the file name and content.
///
/// # Errors
/// [`IngestError::Unknown`] when nothing matches.
pub fn detect(path: &Path) -> Result<Format, IngestError> {
    if path.is_dir() {
        return Ok(Format::Criterion);
    }
    let text = std::fs::read_to_string(path).map_err(|source| IngestError::Read {
        path: path.to_owned(),
        source,
    })?;
    let t = text.trim_start();
    let has = |s: &str| text.contains(s);
    let f = if t.starts_with('<')
        && (has("<Catch2TestRun") || has("<Catch ") || has("<BenchmarkResults"))
    {
        Format::Catch2
    } else if t.starts_with('{') && has("\"results\"") && has("\"command\"") && has("\"times\"") {
        Format::Hyperfine
    } else if t.starts_with('{') && has("\"benchmarks\"") && has("\"machine_info\"") {
        Format::PytestBenchmark
    } else if t.starts_with('{')
        && has("\"benchmarks\"")
        && has("\"context\"")
        && has("\"time_unit\"")
    {
        Format::GoogleBenchmark
    } else if t.starts_with('{') && has("\"Benchmarks\"") && has("\"HostEnvironmentInfo\"") {
        Format::Benchmarkdotnet
    } else if t.starts_with('[') && has("\"primaryMetric\"") && has("\"benchmark\"") {
        Format::Jmh
    } else if t.starts_with('{') && has("\"point_estimate\"") {
        Format::Criterion
    } else if t.starts_with('[') && has("\"unit\"") && has("\"value\"") {
        Format::CustomSmallerIsBetter
    } else if t.starts_with('{') && has("\"benchmarks\"") && has("\"unit\"") {
        Format::Custom
    } else if text
        .lines()
        .any(|l| l.starts_with("Benchmark") && l.contains(" ns/op"))
    {
        Format::Go
    } else if text
        .lines()
        .any(|l| l.contains(" ... bench:") && l.contains("/iter"))
    {
        Format::Libtest
    } else {
        return Err(IngestError::Unknown {
            path: path.to_owned(),
        });
    };
    Ok(f)
}

pub(super) fn parse_text(
    path: &Path,
    format: Format,
    text: &str,
) -> Result<Vec<Bench>, IngestError> {
    if text.trim().is_empty() {
        return Err(IngestError::Empty {
            path: path.to_owned(),
            format,
            truncated: false,
        });
    }
    match format {
        Format::Auto => parse_text(path, detect(path)?, text),
        Format::Libtest => libtest(path, text),
        Format::Go => go(path, text),
        Format::Hyperfine => hyperfine(path, text),
        Format::PytestBenchmark => pytest(path, text),
        Format::GoogleBenchmark => google(path, text),
        Format::Benchmarkdotnet => dotnet(path, text),
        Format::Jmh => jmh(path, text),
        Format::Catch2 => catch2(path, text),
        Format::Criterion => criterion_estimates(path, text, None),
        Format::Custom => custom(path, text, None),
        Format::CustomSmallerIsBetter => custom(path, text, Some(false)),
        Format::CustomBiggerIsBetter => custom(path, text, Some(true)),
    }
}

fn number(s: &str) -> Option<f64> {
    s.replace([',', '_'], "").parse().ok()
}

/// `test name ... bench:   1,234 ns/iter (+/- 56)` (libtest, and criterion's `--output-format bencher`).
/// The `+/-` figure is the range of the samples, not a standard deviation, so only the median
/// is kept: a comparison of libtest output is judged by threshold, with low confidence.
fn libtest(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let mut out: Vec<Bench> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        let Some((name, result)) = rest.split_once(" ... bench:") else {
            continue;
        };
        let err = |m: &str| IngestError::Parse {
            path: path.to_owned(),
            line: i + 1,
            message: format!("{m}: `{}`", line.trim()),
        };
        let mut words = result.split_whitespace();
        let value = words
            .next()
            .and_then(number)
            .ok_or_else(|| err("expected a number after `bench:`"))?;
        let unit = words
            .next()
            .ok_or_else(|| err("expected a unit such as `ns/iter`"))?;
        let factor = unit
            .strip_suffix("/iter")
            .and_then(to_ns)
            .ok_or_else(|| err("expected a unit such as `ns/iter`"))?;
        out.push(Bench::time(name.trim(), vec![value * factor]));
    }
    if out.is_empty() && text.contains("running ") && text.contains(" bench") {
        return Err(IngestError::Empty {
            path: path.to_owned(),
            format: Format::Libtest,
            truncated: true,
        });
    }
    Ok(out)
}

/// `go test -bench` text: `BenchmarkX-8  1000000  1234 ns/op  512 B/op  3 allocs/op`; with
/// `-count N` each benchmark appears N times, each line a sample.
fn go(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let mut out: Vec<Bench> = Vec::new();
    for (i, line) in text.lines().enumerate() {
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
        let name = fields[0];
        // Strip the GOMAXPROCS suffix (`-8`) so runs on different machines line up.
        let name = match name.rsplit_once('-') {
            Some((n, procs)) if procs.chars().all(|c| c.is_ascii_digit()) => n,
            _ => name,
        };
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
        time.iterations = Some(iterations);
        add_samples(&mut out, time);
        // Other figures (B/op, allocs/op, MB/s, b.ReportMetric units) are benchmarks of their
        // own; as in benchstat, units per second are higher-is-better.
        for (unit, value) in extra {
            add_samples(
                &mut out,
                Bench::value(
                    format!("{name} · {unit}"),
                    &unit,
                    unit.ends_with("/s"),
                    vec![value],
                ),
            );
        }
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
    Ok(out)
}

#[derive(Deserialize)]
struct Hyperfine {
    results: Vec<HyperfineResult>,
}

#[derive(Deserialize)]
struct HyperfineResult {
    command: String,
    #[serde(default)]
    times: Option<Vec<f64>>,
    mean: f64,
    stddev: Option<f64>,
}

fn hyperfine(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let h: Hyperfine = json(path, text, "hyperfine --export-json")?;
    Ok(h.results
        .into_iter()
        .map(|r| match r.times {
            Some(t) if !t.is_empty() => Bench::time(r.command, t.iter().map(|s| s * 1e9).collect()),
            _ => {
                let mut b = Bench::time(r.command, Vec::new());
                b.summary = Some(SummaryStats {
                    mean: r.mean * 1e9,
                    stdev: r.stddev.unwrap_or(0.0) * 1e9,
                    n: 1,
                });
                b
            }
        })
        .collect())
}

#[derive(Deserialize)]
struct Pytest {
    benchmarks: Vec<PytestBench>,
}

#[derive(Deserialize)]
struct PytestBench {
    fullname: Option<String>,
    name: String,
    stats: PytestStats,
}

#[derive(Deserialize)]
struct PytestStats {
    mean: f64,
    stddev: f64,
    rounds: u64,
    #[serde(default)]
    data: Option<Vec<f64>>,
}

/// pytest-benchmark's `--benchmark-json`: seconds; raw `data` with `--benchmark-save-data`.
fn pytest(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let p: Pytest = json(path, text, "pytest-benchmark --benchmark-json")?;
    Ok(p.benchmarks
        .into_iter()
        .map(|b| {
            let name = b.fullname.unwrap_or(b.name);
            match b.stats.data {
                Some(d) if !d.is_empty() => Bench::time(name, d.iter().map(|s| s * 1e9).collect()),
                _ => {
                    let mut x = Bench::time(name, Vec::new());
                    x.summary = Some(SummaryStats {
                        mean: b.stats.mean * 1e9,
                        stdev: b.stats.stddev * 1e9,
                        n: b.stats.rounds,
                    });
                    x
                }
            }
        })
        .collect())
}

#[derive(Deserialize)]
struct Google {
    benchmarks: Vec<GoogleBench>,
}

#[derive(Deserialize)]
struct GoogleBench {
    name: String,
    run_name: Option<String>,
    run_type: Option<String>,
    aggregate_name: Option<String>,
    iterations: Option<u64>,
    real_time: Option<f64>,
    time_unit: Option<String>,
    repetitions: Option<u64>,
    #[serde(default)]
    error_occurred: bool,
    error_message: Option<String>,
}

/// Google Benchmark's `--benchmark_format=json`: repetitions are samples; when only aggregates
/// were reported, mean and stddev aggregates become summary statistics.
fn google(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let g: Google = json(path, text, "Google Benchmark --benchmark_format=json")?;
    let mut out: Vec<Bench> = Vec::new();
    let mut aggregates: BTreeMap<String, (Option<f64>, Option<f64>, u64)> = BTreeMap::new();
    for b in g.benchmarks {
        let name = b.run_name.clone().unwrap_or_else(|| b.name.clone());
        if b.error_occurred {
            return Err(IngestError::Parse {
                path: path.to_owned(),
                line: 0,
                message: format!(
                    "benchmark `{name}` failed: {}",
                    b.error_message.unwrap_or_default()
                ),
            });
        }
        let factor =
            to_ns(b.time_unit.as_deref().unwrap_or("ns")).ok_or_else(|| IngestError::Parse {
                path: path.to_owned(),
                line: 0,
                message: format!("benchmark `{name}`: unknown time_unit"),
            })?;
        let Some(t) = b.real_time.map(|t| t * factor) else {
            continue;
        };
        if b.run_type.as_deref() == Some("aggregate") {
            let e = aggregates
                .entry(name)
                .or_insert((None, None, b.repetitions.unwrap_or(0)));
            match b.aggregate_name.as_deref() {
                Some("mean") => e.0 = Some(t),
                Some("stddev") => e.1 = Some(t),
                _ => {}
            }
            continue;
        }
        match out.iter_mut().find(|x| x.name == name) {
            Some(x) => x.samples.push(t),
            None => {
                let mut x = Bench::time(name, vec![t]);
                x.iterations = b.iterations;
                out.push(x);
            }
        }
    }
    for (name, (mean, stdev, n)) in aggregates {
        if out.iter().any(|b| b.name == name) {
            continue;
        }
        if let Some(mean) = mean {
            let mut x = Bench::time(name, Vec::new());
            x.summary = Some(SummaryStats {
                mean,
                stdev: stdev.unwrap_or(0.0),
                n: n.max(1),
            });
            out.push(x);
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DotNet {
    benchmarks: Vec<DotNetBench>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DotNetBench {
    full_name: Option<String>,
    display_info: Option<String>,
    statistics: Option<DotNetStats>,
    #[serde(default)]
    measurements: Vec<DotNetMeasurement>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DotNetStats {
    n: u64,
    mean: f64,
    standard_deviation: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DotNetMeasurement {
    iteration_mode: String,
    iteration_stage: String,
    operations: f64,
    nanoseconds: f64,
}

/// BenchmarkDotNet's full JSON exporter: workload result measurements are samples
/// (nanoseconds ÷ operations); otherwise its statistics (nanoseconds).
fn dotnet(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let d: DotNet = json(path, text.trim_start_matches('\u{feff}'), "BenchmarkDotNet")?;
    let mut out = Vec::new();
    for b in d.benchmarks {
        let name = b
            .full_name
            .or(b.display_info)
            .unwrap_or_else(|| "benchmark".into());
        let samples: Vec<f64> = b
            .measurements
            .iter()
            .filter(|m| {
                m.iteration_mode == "Workload"
                    && m.iteration_stage == "Result"
                    && m.operations > 0.0
            })
            .map(|m| m.nanoseconds / m.operations)
            .collect();
        let mut x = Bench::time(name, samples);
        if x.samples.is_empty() {
            let Some(s) = b.statistics else { continue };
            x.summary = Some(SummaryStats {
                mean: s.mean,
                stdev: s.standard_deviation,
                n: s.n,
            });
        }
        out.push(x);
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JmhBench {
    benchmark: String,
    mode: String,
    #[serde(default)]
    params: BTreeMap<String, String>,
    primary_metric: JmhMetric,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JmhMetric {
    score: f64,
    score_unit: String,
    #[serde(default)]
    raw_data: Vec<Vec<f64>>,
}

/// JMH's `-rf json`: `rawData` (forks × iterations) are samples. Throughput modes (`ops/s`,
/// `ops/ms`…) become rates, the others (`us/op`…) times.
fn jmh(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let list: Vec<JmhBench> = json(path, text, "JMH -rf json")?;
    let mut out = Vec::new();
    for b in list {
        let unit = b.primary_metric.score_unit.as_str();
        let mut name = format!("{} ({})", b.benchmark, b.mode);
        if !b.params.is_empty() {
            name.push_str(&format!(
                " {}",
                b.params
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
        let raw: Vec<f64> = b
            .primary_metric
            .raw_data
            .iter()
            .flatten()
            .copied()
            .collect();
        let raw = if raw.is_empty() {
            vec![b.primary_metric.score]
        } else {
            raw
        };
        let (kind, factor) = if let Some(per) = unit.strip_prefix("ops/") {
            // ops per time unit → ops per second.
            (
                Kind::Rate,
                1e9 / to_ns(per).ok_or_else(|| IngestError::Parse {
                    path: path.to_owned(),
                    line: 0,
                    message: format!("`{}`: unknown unit `{unit}`", b.benchmark),
                })?,
            )
        } else if let Some(t) = unit.strip_suffix("/op") {
            (
                Kind::Time,
                to_ns(t).ok_or_else(|| IngestError::Parse {
                    path: path.to_owned(),
                    line: 0,
                    message: format!("`{}`: unknown unit `{unit}`", b.benchmark),
                })?,
            )
        } else {
            return Err(IngestError::Parse {
                path: path.to_owned(),
                line: 0,
                message: format!("`{}`: unknown unit `{unit}`", b.benchmark),
            });
        };
        let mut x = Bench::time(name, raw.iter().map(|v| v * factor).collect());
        x.kind = kind;
        out.push(x);
    }
    Ok(out)
}

/// Catch2's XML reporter: `<BenchmarkResults name samples>` with `<mean value>` and
/// `<standardDeviation value>` in nanoseconds.
fn catch2(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    let mut current: Option<(String, u64, Option<f64>, Option<f64>)> = None;
    let line_of = |pos: u64| {
        text[..usize::try_from(pos).unwrap_or(0).min(text.len())]
            .matches('\n')
            .count()
            + 1
    };
    loop {
        let pos = reader.buffer_position();
        let ev = reader.read_event().map_err(|e| IngestError::Parse {
            path: path.to_owned(),
            line: line_of(pos),
            message: format!("malformed Catch2 XML: {e}"),
        })?;
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |k: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k)
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                };
                match e.name().as_ref() {
                    b"BenchmarkResults" => {
                        let name = attr(b"name").unwrap_or_default();
                        let samples = attr(b"samples").and_then(|s| s.parse().ok()).unwrap_or(1);
                        current = Some((name, samples, None, None));
                    }
                    b"mean" => {
                        if let Some(c) = current.as_mut() {
                            c.2 = attr(b"value").and_then(|v| v.parse().ok());
                        }
                    }
                    b"standardDeviation" => {
                        if let Some(c) = current.as_mut() {
                            c.3 = attr(b"value").and_then(|v| v.parse().ok());
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) if e.name().as_ref() == b"BenchmarkResults" => {
                if let Some((name, n, Some(mean), sd)) = current.take() {
                    let mut x = Bench::time(name, Vec::new());
                    x.summary = Some(SummaryStats {
                        mean,
                        stdev: sd.unwrap_or(0.0),
                        n,
                    });
                    out.push(x);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if out.is_empty() && !text.contains("</Catch2TestRun>") && !text.contains("</Catch>") {
        return Err(IngestError::Empty {
            path: path.to_owned(),
            format: Format::Catch2,
            truncated: true,
        });
    }
    Ok(out)
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
fn criterion_estimates(
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
pub(super) fn criterion_dir(dir: &Path) -> Result<Vec<Bench>, IngestError> {
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
        std::fs::read_to_string(p).map_err(|source| IngestError::Read {
            path: p.to_owned(),
            source,
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
fn custom(path: &Path, text: &str, bigger: Option<bool>) -> Result<Vec<Bench>, IngestError> {
    let list: Vec<CustomBench> = if text.trim_start().starts_with('[') {
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
            samples.iter_mut().for_each(|v| *v *= f);
            Kind::Time
        } else if let Some(per) = unit
            .strip_prefix("ops/")
            .or_else(|| unit.strip_prefix("req/"))
            .or_else(|| unit.strip_prefix("iter/"))
        {
            let f = 1e9 / to_ns(per).ok_or_else(|| err(format!("unknown rate unit `{unit}`")))?;
            samples.iter_mut().for_each(|v| *v *= f);
            Kind::Rate
        } else {
            // Another unit (bytes, %, points…): compared as it is, in its direction.
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

/// Adds `b`, or its samples to the benchmark of the same name already in `out`.
fn add_samples(out: &mut Vec<Bench>, b: Bench) {
    match out.iter_mut().find(|x| x.name == b.name) {
        Some(x) => x.samples.extend(b.samples),
        None => out.push(b),
    }
}
