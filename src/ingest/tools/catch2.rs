//! Catch2 XML reporter.

use std::path::Path;

use super::super::{Bench, Format, IngestError, SummaryStats};

/// Whether `text` looks like this tool's output.
pub(in crate::ingest) fn sniff(text: &str) -> bool {
    let has = |s: &str| text.contains(s);
    text.trim_start().starts_with('<')
        && (has("<Catch2TestRun") || has("<Catch ") || has("<BenchmarkResults"))
}

/// Catch2's XML reporter: `<BenchmarkResults name samples>` with `<mean value>` and
/// `<standardDeviation value>` in nanoseconds.
pub(in crate::ingest) fn catch2(path: &Path, text: &str) -> Result<Vec<Bench>, IngestError> {
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
