//! Why another tool's output could not be read.

use std::path::PathBuf;

use super::Format;

/// A file that could not be ingested.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{}: cannot read", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `line` 0: the position is not known (a field of a parsed JSON document).
    #[error("{}{}: {message}", path.display(), at_line(*line))]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: {format} output contains no benchmark result{}", path.display(), if *truncated { " (the output looks truncated)" } else { "" })]
    Empty {
        path: PathBuf,
        format: Format,
        truncated: bool,
    },
    #[error("{}: several benchmarks are named {names}: a comparison would match them to one another at random\n  hint: give each a name of its own (hyperfine: -n NAME per command)", path.display())]
    Duplicate { path: PathBuf, names: String },
    #[error("{}: benchmark `{bench}`: {message}", path.display())]
    Invalid {
        path: PathBuf,
        bench: String,
        message: String,
    },
    #[error("{}: cannot tell which tool wrote this\n  hint: pass --format (see `benchbot ingest --help` for the list)", path.display())]
    Unknown { path: PathBuf },
}

/// `:LINE` after a path, when the line is known.
fn at_line(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}")
    }
}
