//! `baselines/published.toml`: figures competitors publish, each with its citation.
//!
//! A published number is context, not proof (other hardware, recall, k): it is shown beside
//! measurements, never gated on. Every figure must say where it comes from.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::util::locate::line_col;
use crate::util::Dur;

/// The whole file.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Published {
    pub format_version: u32,
    #[serde(rename = "figure")]
    pub figures: Vec<Figure>,
}

/// One system's published result on one benchmark.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Figure {
    /// Stable id, referenced from scenarios and reports.
    pub id: String,
    pub system: String,
    pub version: Option<String>,
    pub benchmark: String,
    /// Latency percentiles as durations.
    pub p50: Option<Dur>,
    pub p99: Option<Dur>,
    /// Queries (operations) per second.
    pub qps: Option<f64>,
    /// Recall of the search, 0..1.
    pub recall: Option<f64>,
    /// Anything the reader must know (e.g. "stated as 22–24 ms; the upper bound is used").
    #[serde(default)]
    pub note: String,
    pub source: Source,
}

/// Where a figure comes from. `url`, `publisher` and `date` are required.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Source {
    pub url: String,
    pub publisher: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    pub dataset: Option<String>,
    pub dimension: Option<u32>,
    pub k: Option<u32>,
    pub hardware: Option<String>,
    pub parameters: Option<String>,
}

/// Why the file is not usable.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", path.display())]
pub struct PublishedError {
    pub path: std::path::PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Published {
    /// Reads and validates the file.
    ///
    /// # Errors
    /// [`PublishedError`] naming the line of the offending figure.
    pub fn load(path: &Path) -> Result<Self, PublishedError> {
        let text = crate::util::read_bounded(path, crate::util::MAX_INPUT).map_err(|e| {
            PublishedError {
                path: path.to_owned(),
                line: 0,
                column: 0,
                message: e.to_string(),
            }
        })?;
        let at = |offset: usize, message: String| {
            let (line, column) = line_col(&text, offset);
            PublishedError {
                path: path.to_owned(),
                line,
                column,
                message,
            }
        };
        let p: Published = toml::from_str(&text).map_err(|e| {
            at(
                e.span().map_or(0, |s| s.start),
                e.message().trim().to_owned(),
            )
        })?;
        // The n-th `[[figure]]` header, for messages about a whole figure.
        let header = |n: usize| {
            text.match_indices("[[figure]]")
                .nth(n)
                .map_or(0, |(i, _)| i)
        };
        for (i, f) in p.figures.iter().enumerate() {
            let bad = |m: String| at(header(i), format!("figure `{}`: {m}", f.id));
            if p.figures[..i].iter().any(|o| o.id == f.id) {
                return Err(bad("the id is used twice".into()));
            }
            let s = &f.source;
            if !(s.url.starts_with("https://")
                || s.url.starts_with("http://")
                || s.url.starts_with("docs/"))
            {
                return Err(bad(format!(
                    "source.url `{}` is not a link (https://… or a docs/ page)",
                    s.url
                )));
            }
            if s.publisher.trim().is_empty() {
                return Err(bad("source.publisher is empty".into()));
            }
            let d = s.date.as_str();
            let ok_date = matches!(d.len(), 4 | 7 | 10)
                && d.bytes().enumerate().all(|(j, b)| {
                    if j == 4 || j == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            if !ok_date {
                return Err(bad(format!(
                    "source.date `{d}` is not YYYY, YYYY-MM or YYYY-MM-DD"
                )));
            }
            if f.p50.is_none() && f.p99.is_none() && f.qps.is_none() && f.recall.is_none() {
                return Err(bad("gives no figure (p50, p99, qps or recall)".into()));
            }
            if f.recall.is_some_and(|r| !(0.0..=1.0).contains(&r))
                || f.qps.is_some_and(|q| q <= 0.0)
            {
                return Err(bad("recall must be within 0..1 and qps above 0".into()));
            }
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_figures_are_valid_and_cited() {
        let p = Published::load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/baselines/published.toml"
        )))
        .unwrap();
        assert!(p.figures.len() >= 5);
        assert!(p
            .figures
            .iter()
            .all(|f| !f.source.url.is_empty() && !f.source.publisher.is_empty()));
    }

    #[test]
    fn a_figure_without_a_source_is_refused_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("published.toml");
        std::fs::write(&path, "format-version = 1\n\n[[figure]]\nid = \"x\"\nsystem = \"X\"\nbenchmark = \"B\"\np99 = \"5ms\"\n").unwrap();
        let e = Published::load(&path).unwrap_err();
        assert!(e.message.contains("source"), "{e}");
        std::fs::write(&path, "format-version = 1\n\n[[figure]]\nid = \"x\"\nsystem = \"X\"\nbenchmark = \"B\"\np99 = \"5ms\"\n[figure.source]\nurl = \"somewhere\"\npublisher = \"P\"\ndate = \"2025-06-02\"\n").unwrap();
        let e = Published::load(&path).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("not a link"), "{e}");
    }
}
