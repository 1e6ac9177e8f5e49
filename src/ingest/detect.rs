//! Reading another tool's output: the format (given, or recognised), then the tool's parser.

use std::path::Path;
use std::time::SystemTime;

use super::tools::criterion::Stale;
use super::tools::{
    asv, benchmarkjs, bmf, catch2, criterion, custom, dotnet, go, google, hyperfine, iai, jmh,
    julia, libtest, luau, pytest, ruby,
};
use super::{Bench, Format, IngestError};

/// Whether a text is a tool's output.
type Sniff = fn(&str) -> bool;

/// Recognisers in the order they are tried: the more specific first. Every format has one,
/// except those whose text says too little (`js-time` only when every line is a timer).
const SNIFFERS: [(Format, Sniff); 21] = [
    (Format::Catch2, catch2::sniff),
    (Format::Hyperfine, hyperfine::sniff),
    (Format::PytestBenchmark, pytest::sniff),
    (Format::GoogleBenchmark, google::sniff),
    (Format::Benchmarkdotnet, dotnet::sniff),
    (Format::Jmh, jmh::sniff),
    (Format::Julia, julia::sniff),
    (Format::Criterion, criterion::sniff),
    // github-action-benchmark's arrays do not say their direction: times and rates say it by
    // their unit, anything else needs the explicit format (see `custom`).
    (Format::Custom, custom::sniff_array),
    (Format::Custom, custom::sniff_object),
    (Format::Bmf, bmf::sniff),
    (Format::Catch2, catch2::sniff_console),
    (Format::Criterion, criterion::sniff_console),
    (Format::Iai, iai::sniff),
    (Format::Asv, asv::sniff),
    (Format::Luau, luau::sniff),
    (Format::RubyBenchmark, ruby::sniff),
    (Format::BenchmarkJs, benchmarkjs::sniff_benchmarkjs),
    (Format::Go, go::sniff),
    (Format::Libtest, libtest::sniff),
    (Format::JsTime, benchmarkjs::sniff_js_time),
];

/// The most of a tool's output benchbot reads (2 GiB).
pub const MAX_TOOL_OUTPUT: u64 = 2 << 30;

/// Guesses the format from the file name and content.
///
/// # Errors
/// [`IngestError::Unknown`] when nothing matches.
pub fn detect(path: &Path) -> Result<Format, IngestError> {
    if path.is_dir() {
        return Ok(Format::Criterion);
    }
    detect_text(path, &read(path)?)
}

/// Guesses the format of `text` read from `path`.
fn detect_text(path: &Path, text: &str) -> Result<Format, IngestError> {
    SNIFFERS
        .iter()
        .find(|(_, sniff)| sniff(text))
        .map(|(f, _)| *f)
        .ok_or_else(|| IngestError::Unknown {
            path: path.to_owned(),
        })
}

/// The text of a tool's output: read once (it may be a pipe, `/dev/stdin`), bounded, without
/// a byte-order mark, with Windows line ends made plain.
pub(super) fn read(path: &Path) -> Result<String, IngestError> {
    let text =
        crate::util::read_bounded(path, MAX_TOOL_OUTPUT).map_err(|source| IngestError::Read {
            path: path.to_owned(),
            source,
        })?;
    let mut text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if text.contains('\r') {
        text = text.replace("\r\n", "\n");
    }
    Ok(text)
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
        Format::Libtest => libtest::libtest(path, text),
        Format::Go => go::go(path, text),
        Format::Hyperfine => hyperfine::hyperfine(path, text),
        Format::PytestBenchmark => pytest::pytest(path, text),
        Format::GoogleBenchmark => google::google(path, text),
        Format::Benchmarkdotnet => dotnet::dotnet(path, text),
        Format::Jmh => jmh::jmh(path, text),
        Format::Catch2 => catch2::catch2(path, text),
        Format::Criterion if text.trim_start().starts_with('{') => {
            criterion::criterion_estimates(path, text)
        }
        Format::Criterion => criterion::criterion_console(path, text),
        Format::Bmf => bmf::bmf(path, text),
        Format::BenchmarkJs => benchmarkjs::benchmarkjs(path, text),
        Format::JsTime => benchmarkjs::js_time(path, text),
        Format::Asv => asv::asv(path, text),
        Format::Iai => iai::iai(path, text),
        Format::Julia => julia::julia(path, text),
        Format::Luau => luau::luau(path, text),
        Format::RubyBenchmark => ruby::ruby(path, text),
        Format::Custom => custom::custom(path, text, None),
        Format::CustomSmallerIsBetter => custom::custom(path, text, Some(false)),
        Format::CustomBiggerIsBetter => custom::custom(path, text, Some(true)),
    }
}

/// What parsing may be told beyond the format.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseOptions {
    /// criterion: only results written at or after this time (default: the latest run's).
    pub since: Option<SystemTime>,
}

/// Benchmarks read from one input.
#[derive(Debug)]
pub struct Parsed {
    pub benches: Vec<Bench>,
    /// The format they were read as.
    pub format: Format,
    /// criterion results in the folder that an earlier run left (not read).
    pub stale: Vec<Stale>,
}

/// Parses benchmark output at `path` (a file, or for criterion its `target/criterion`
/// directory) in `format` (`auto`: recognised from the text, read once, so a pipe works);
/// returns the benchmarks and the format they were read as.
///
/// # Errors
/// [`IngestError`] naming the file and line; empty or truncated output is an error.
pub fn parse(path: &Path, format: Format) -> Result<(Vec<Bench>, Format), IngestError> {
    parse_with(path, format, ParseOptions::default()).map(|p| (p.benches, p.format))
}

/// [`parse`], told more.
///
/// # Errors
/// As [`parse`].
pub fn parse_with(path: &Path, format: Format, o: ParseOptions) -> Result<Parsed, IngestError> {
    let (benches, format, stale) = if path.is_dir() {
        let (b, stale) = criterion::criterion_dir(path, o.since)?;
        (b, Format::Criterion, stale)
    } else {
        let text = read(path)?;
        let format = if format == Format::Auto {
            detect_text(path, &text)?
        } else {
            format
        };
        (parse_text(path, format, &text)?, format, Vec::new())
    };
    if benches.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_owned(),
            format,
            truncated: false,
        });
    }
    let mut seen = std::collections::BTreeMap::new();
    for b in &benches {
        *seen.entry(b.name.as_str()).or_insert(0usize) += 1;
    }
    let dups: Vec<&str> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(name, _)| *name)
        .collect();
    if !dups.is_empty() {
        return Err(IngestError::Duplicate {
            path: path.to_owned(),
            names: dups
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    for b in &benches {
        check(b).map_err(|message| IngestError::Invalid {
            path: path.to_owned(),
            bench: b.name.clone(),
            message,
        })?;
    }
    Ok(Parsed {
        benches,
        format,
        stale,
    })
}

/// A benchmark's numbers are ones a record can hold and a comparison can trust: finite, and
/// for times and rates not negative.
fn check(b: &Bench) -> Result<(), String> {
    let signed = matches!(b.kind, crate::ingest::bench::Kind::Value { .. });
    let bad = |v: f64| !v.is_finite() || (!signed && v < 0.0);
    if let Some(v) = b.samples.iter().find(|v| bad(**v)) {
        return Err(format!(
            "sample {v} is {}",
            if v.is_finite() {
                "negative"
            } else {
                "not a finite number"
            }
        ));
    }
    if let Some(s) = &b.summary {
        if bad(s.mean) || !s.stdev.is_finite() || s.stdev < 0.0 {
            return Err(format!(
                "summary mean {} / stdev {} cannot be right",
                s.mean, s.stdev
            ));
        }
    }
    Ok(())
}
