//! Why a scenario cannot be used: the file, the line and column, the key, and a hint.

use std::fmt;
use std::path::PathBuf;

/// A scenario that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{}: cannot read scenario", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", Invalid(self))]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        key: String,
        message: String,
        hint: Option<String>,
    },
}

struct Invalid<'a>(&'a ScenarioError);

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let ScenarioError::Invalid {
            path,
            line,
            column,
            key,
            message,
            hint,
        } = self.0
        {
            write!(f, "{}:{line}:{column}: ", path.display())?;
            if !key.is_empty() {
                write!(f, "`{key}`: ")?;
            }
            f.write_str(message)?;
            if let Some(h) = hint {
                write!(f, "\n  hint: {h}")?;
            }
        }
        Ok(())
    }
}
