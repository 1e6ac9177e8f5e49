//! Reading another tool's output: the format (given, or recognised), then the tool's parser.

use std::path::Path;

use super::tools::{
    catch2, criterion, custom, dotnet, go, google, hyperfine, jmh, libtest, pytest,
};
use super::{Bench, Format, IngestError};

/// Whether a text is a tool's output.
type Sniff = fn(&str) -> bool;

/// Recognisers in the order they are tried: the more specific first.
const SNIFFERS: [(Format, Sniff); 11] = [
    (Format::Catch2, catch2::sniff),
    (Format::Hyperfine, hyperfine::sniff),
    (Format::PytestBenchmark, pytest::sniff),
    (Format::GoogleBenchmark, google::sniff),
    (Format::Benchmarkdotnet, dotnet::sniff),
    (Format::Jmh, jmh::sniff),
    (Format::Criterion, criterion::sniff),
    // github-action-benchmark's arrays do not say their direction: times and rates say it by
    // their unit, anything else needs the explicit format (see `custom`).
    (Format::Custom, custom::sniff_array),
    (Format::Custom, custom::sniff_object),
    (Format::Go, go::sniff),
    (Format::Libtest, libtest::sniff),
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
fn read(path: &Path) -> Result<String, IngestError> {
    let text =
        crate::util::read_bounded(path, MAX_TOOL_OUTPUT).map_err(|source| IngestError::Read {
            path: path.to_owned(),
            source,
        })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(text.replace("\r\n", "\n"))
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
        Format::Criterion => criterion::criterion_estimates(path, text, None),
        Format::Custom => custom::custom(path, text, None),
        Format::CustomSmallerIsBetter => custom::custom(path, text, Some(false)),
        Format::CustomBiggerIsBetter => custom::custom(path, text, Some(true)),
    }
}

/// Parses benchmark output at `path` (a file, or for criterion its `target/criterion`
/// directory) in `format` (`auto`: recognised from the text, read once, so a pipe works);
/// returns the benchmarks and the format they were read as.
///
/// # Errors
/// [`IngestError`] naming the file and line; empty or truncated output is an error.
pub fn parse(path: &Path, format: Format) -> Result<(Vec<Bench>, Format), IngestError> {
    let (benches, format) = if path.is_dir() {
        (criterion::criterion_dir(path)?, Format::Criterion)
    } else {
        let text = read(path)?;
        let format = if format == Format::Auto {
            detect_text(path, &text)?
        } else {
            format
        };
        (parse_text(path, format, &text)?, format)
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
    Ok((benches, format))
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
