//! The PostgreSQL load phase: `COPY … FROM STDIN` in text format, then `after` statements.

use futures_util::SinkExt as _;
use tokio_postgres::CopyInSink;

use crate::dataset::{Dataset, RowKind};
use crate::driver::driver::{ErrorKind, OpError};
use crate::driver::load::{Batch, LoadSink};

/// Renders rows `range` as `COPY` text: fields tab-separated, one row per line.
#[must_use]
pub fn render_batch(
    kind: RowKind,
    data: &Dataset,
    range: std::ops::Range<u64>,
    scratch: &mut Vec<f32>,
) -> Batch {
    let rows = range.end - range.start;
    let mut s = String::new();
    for i in range {
        kind.copy_row(&mut s, |f, out| data.write_field(kind, i, f, scratch, out));
    }
    Batch {
        rows,
        path: String::new(),
        bytes: s.into_bytes(),
    }
}

/// An open `COPY … FROM STDIN`.
pub(super) struct CopySink {
    pub(super) sink: std::pin::Pin<Box<CopyInSink<bytes::Bytes>>>,
    pub(super) copy: String,
}

impl CopySink {
    fn failed(&self, e: &tokio_postgres::Error) -> OpError {
        OpError::new(
            ErrorKind::Driver,
            format!("`{}`: {}", self.copy, super::client::db_message(e)),
        )
    }
}

impl LoadSink for CopySink {
    async fn send(&mut self, b: Batch) -> Result<(), OpError> {
        let bytes = bytes::Bytes::from(b.bytes);
        match self.sink.send(bytes).await {
            Ok(()) => Ok(()),
            Err(e) => Err(self.failed(&e)),
        }
    }

    async fn finish(mut self, sent: u64) -> Result<(), OpError> {
        let written = match self.sink.as_mut().finish().await {
            Ok(n) => n,
            Err(e) => return Err(self.failed(&e)),
        };
        if written != sent {
            return Err(OpError::new(
                ErrorKind::Driver,
                format!("COPY wrote {written} rows, {sent} were sent"),
            ));
        }
        Ok(())
    }
}
