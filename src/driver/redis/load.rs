//! The Redis load phase: pipelined commands, one per row, a batch at a time.

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::check::LoadPlan;
use super::client::{append, parse};
use crate::dataset::{Dataset, RowKind};
use crate::driver::driver::{ErrorKind, OpError};
use crate::driver::load::{Batch, LoadSink};

impl LoadPlan {
    /// Renders rows `range` as pipelined commands.
    #[must_use]
    pub fn render_batch(
        &self,
        kind: RowKind,
        data: &Dataset,
        range: std::ops::Range<u64>,
        scratch: &mut Vec<f32>,
    ) -> Batch {
        let rows = range.end - range.start;
        let mut out = Vec::new();
        let mut words: Vec<String> = Vec::new();
        for i in range {
            words.clear();
            for t in &self.command {
                let mut w = String::new();
                t.render(&mut w, |f, out| data.write_field(kind, i, f, scratch, out));
                words.push(w);
            }
            append(&words, &mut out);
        }
        Batch {
            rows,
            path: String::new(),
            bytes: out,
        }
    }
}

/// One connection; each batch is written whole, then one reply per command is read.
pub(super) struct PipelineSink {
    pub(super) stream: TcpStream,
    pub(super) read: BytesMut,
    pub(super) address: String,
}

impl LoadSink for PipelineSink {
    async fn send(&mut self, b: Batch) -> Result<(), OpError> {
        let address = &self.address;
        let io = |e: std::io::Error| OpError::new(ErrorKind::Io, format!("{address}: {e}"));
        self.stream.write_all(&b.bytes).await.map_err(io)?;
        let mut replies = 0;
        while replies < b.rows {
            match parse(&self.read) {
                Ok(Some((len, error))) => {
                    self.read.advance(len);
                    if let Some(e) = error {
                        return Err(OpError::new(ErrorKind::Driver, e));
                    }
                    replies += 1;
                }
                Ok(None) => {
                    self.read.reserve(64 * 1024);
                    if self.stream.read_buf(&mut self.read).await.map_err(io)? == 0 {
                        return Err(OpError::new(
                            ErrorKind::Io,
                            "connection closed during the load phase",
                        ));
                    }
                }
                Err(e) => return Err(OpError::new(ErrorKind::Io, format!("malformed reply: {e}"))),
            }
        }
        Ok(())
    }

    async fn finish(self, _sent: u64) -> Result<(), OpError> {
        Ok(())
    }
}
