//! Catch2: the XML reporter (`-r xml`) and the console reporter's benchmark table.

use std::path::Path;

use super::super::{Bench, Format, IngestError, SummaryStats};
use super::{time, words_at, Collected};

/// Whether `text` looks like Catch2's console benchmark table.
pub(in crate::ingest) fn sniff_console(text: &str) -> bool {
    text.lines().any(console_header)
}

fn console_header(line: &str) -> bool {
    let l = line.trim_start();
    l.starts_with("benchmark name") && l.contains("samples") && l.contains("iterations")
}

/// The console reporter: after the `benchmark name  samples  iterations …` header, three lines
/// per benchmark: name, samples, iterations and estimated run time; mean with its bounds;
/// standard deviation with its bounds. Mean, deviation and samples are summary statistics. A
/// name too long for its column is printed on lines of its own before the figures.
fn console(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Collected::default();
    let mut in_table = false;
    let mut pending = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if console_header(line) {
            in_table = true;
            continue;
        }
        let t = line.trim();
        if !in_table
            || t.is_empty()
            || t.starts_with("---")
            || t.starts_with("mean")
            || t.starts_with("std dev")
        {
            continue;
        }
        if t.starts_with("===") || t.starts_with("...") || t.starts_with("~~~") {
            in_table = false;
            continue;
        }
        let err = |at: usize, m: &str| IngestError::Parse {
            path: path.to_owned(),
            line: at,
            message: m.to_owned(),
        };
        let words = words_at(line);
        let n = words.len();
        let figures = n >= 4
            && words[n - 4].1.parse::<u64>().is_ok()
            && words[n - 3].1.parse::<u64>().is_ok()
            && time(words[n - 2].1, words[n - 1].1).is_some();
        if !figures {
            // A long name on a line of its own.
            if !pending.is_empty() {
                pending.push(' ');
            }
            pending.push_str(t);
            continue;
        }
        let name = format!("{pending} {}", line[..words[n - 4].0].trim())
            .trim()
            .to_owned();
        pending.clear();
        let samples: u64 = words[n - 4].1.parse().unwrap_or(0);
        let stat = |at: usize| -> Result<f64, IngestError> {
            let l = lines
                .get(at)
                .filter(|l| !l.trim().is_empty())
                .ok_or_else(|| err(at, &format!("`{name}`: the output ends before its mean and standard deviation (truncated?)")))?;
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.len() == 6)
                .then(|| time(w[0], w[1]))
                .flatten()
                .ok_or_else(|| {
                    err(
                        at + 1,
                        &format!(
                            "`{name}`: expected `VALUE UNIT LOW UNIT HIGH UNIT`: `{}`",
                            l.trim()
                        ),
                    )
                })
        };
        let (mean, stdev) = (stat(i)?, stat(i + 1)?);
        i += 2;
        let mut b = Bench::time(name, Vec::new());
        b.summary = Some(SummaryStats {
            mean,
            stdev,
            n: samples.max(1),
        });
        out.push(b);
    }
    Ok(out.into_vec())
}

/// Whether `text` looks like Catch2's XML report.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    let has = |s: &str| text.contains(s);
    text.trim_start().starts_with('<')
        && (has("<Catch2TestRun") || has("<Catch ") || has("<BenchmarkResults"))
}

/// Catch2's XML reporter: `<BenchmarkResults name samples>` with `<mean value>` and
/// `<standardDeviation value>` in nanoseconds.
pub(in crate::ingest) fn catch2(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
    use quick_xml::events::Event;
    if !text.trim_start().starts_with('<') {
        return console(path, text);
    }
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
                        .and_then(|a| a.unescape_value().ok().map(std::borrow::Cow::into_owned))
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
