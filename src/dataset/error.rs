//! A dataset file that cannot be used.

use std::fmt;
use std::path::{Path, PathBuf};

/// A dataset file that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
pub struct DatasetError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl DatasetError {
    pub fn new(path: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for DatasetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        write!(f, ": {}", self.message)
    }
}
