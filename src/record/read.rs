//! Reading and writing records: version checks, errors that name the file, line and column,
//! atomic writes.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::record::{RunRecord, FORMAT, FORMAT_VERSION};

/// Why a record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{}: cannot read", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: not a valid run record: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: written by a newer benchbot (format_version {found}, this binary reads up to {FORMAT_VERSION})\n  hint: upgrade benchbot to read it; it was left untouched", path.display())]
    TooNew { path: PathBuf, found: u64 },
    #[error("{}: `format` is {found:?}, expected \"{FORMAT}\"", path.display())]
    WrongFormat { path: PathBuf, found: String },
    #[error("histogram of {target}/{operation}: {message}")]
    Histogram {
        target: String,
        operation: String,
        message: String,
    },
}

impl RunRecord {
    /// Reads a record, refusing versions newer than this binary.
    ///
    /// # Errors
    /// [`RecordError`] naming the file and, for syntax or type errors, the line and column.
    pub fn read(path: &Path) -> Result<Self, RecordError> {
        let text = crate::util::read_bounded(path, crate::util::MAX_INPUT).map_err(|source| {
            RecordError::Io {
                path: path.to_owned(),
                source,
            }
        })?;
        Self::from_json(path, &text)
    }

    /// Parses record text; `path` names it in errors.
    ///
    /// # Errors
    /// See [`RunRecord::read`].
    pub fn from_json(path: &Path, text: &str) -> Result<Self, RecordError> {
        #[derive(Deserialize)]
        struct Head {
            format: Option<String>,
            format_version: Option<u64>,
        }
        let parse_err = |e: &serde_json::Error| RecordError::Parse {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let head: Head = serde_json::from_str(text).map_err(|e| parse_err(&e))?;
        match head.format.as_deref() {
            Some(FORMAT) => {}
            other => {
                return Err(RecordError::WrongFormat {
                    path: path.to_owned(),
                    found: other.unwrap_or("(missing)").to_owned(),
                })
            }
        }
        if let Some(v) = head.format_version {
            if v > u64::from(FORMAT_VERSION) {
                return Err(RecordError::TooNew {
                    path: path.to_owned(),
                    found: v,
                });
            }
        }
        serde_json::from_str(text).map_err(|e| parse_err(&e))
    }

    /// Writes pretty JSON atomically (temporary file, then rename).
    ///
    /// # Errors
    /// I/O errors, with the path.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        crate::util::write_atomic_with(path, |w| {
            serde_json::to_writer_pretty(&mut *w, self).map_err(std::io::Error::other)?;
            std::io::Write::write_all(w, b"\n")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_versions_are_refused_not_misread() {
        let text = r#"{"format":"benchbot.run-record","format_version":99,"whatever":true}"#;
        let err = RunRecord::from_json(Path::new("r.json"), text).unwrap_err();
        assert!(
            matches!(err, RecordError::TooNew { found: 99, .. }),
            "{err}"
        );
        let err = RunRecord::from_json(
            Path::new("r.json"),
            "{\"format\": \"benchbot.run-record\",\n \"format_version\": 1, \"run_id\": 5}",
        )
        .unwrap_err();
        assert!(matches!(err, RecordError::Parse { line: 2, .. }), "{err}");
        let err = RunRecord::from_json(Path::new("r.json"), "[1, 2").unwrap_err();
        assert!(matches!(err, RecordError::Parse { .. }), "{err}");
    }
}
