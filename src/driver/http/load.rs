//! The HTTP load phase: one request per batch, its body rendered from the batch's rows.

use super::check::LoadPlan;
use super::client::{Conn, HttpDriver};
use crate::dataset::{Dataset, RowKind};
use crate::driver::driver::{tail, Driver, ErrorKind, OpError};
use crate::driver::load::{Batch, LoadSink};

impl LoadPlan {
    /// Renders rows `range` as one request: path and body with the batch fields filled in.
    #[must_use]
    pub fn render_batch(
        &self,
        kind: RowKind,
        data: &Dataset,
        range: std::ops::Range<u64>,
        scratch: &mut Vec<f32>,
    ) -> Batch {
        let rows = range.end - range.start;
        let mut field = |b: usize, out: &mut String| {
            // BATCH_FIELDS: ids, int-ids, vectors, keys, values, edges, rows.
            out.push('[');
            for (n, i) in range.clone().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                match (b, kind) {
                    // Row objects: {"id": 1, "vector": [...]}, {"key": "1", "value": "…"},
                    // {"from": 1, "to": 2}.
                    (6, _) => {
                        kind.json_row(out, |f, o| data.write_field(kind, i, f, scratch, o));
                    }
                    (0 | 3, _) => {
                        out.push('"');
                        data.write_field(kind, i, 0, scratch, out);
                        out.push('"');
                    }
                    (1, _) => data.write_field(kind, i, 0, scratch, out),
                    (2, RowKind::Vectors) => data.write_field(kind, i, 1, scratch, out),
                    (4, RowKind::Keys) => {
                        out.push('"');
                        data.write_field(kind, i, 1, scratch, out);
                        out.push('"');
                    }
                    (_, RowKind::Edges) => {
                        out.push('[');
                        data.write_field(kind, i, 0, scratch, out);
                        out.push(',');
                        data.write_field(kind, i, 1, scratch, out);
                        out.push(']');
                    }
                    _ => out.push_str("null"),
                }
            }
            out.push(']');
        };
        let mut path = String::new();
        self.path.render(&mut path, &mut field);
        let mut body = String::new();
        self.body.render(&mut body, &mut field);
        Batch {
            rows,
            path,
            bytes: body.into_bytes(),
        }
    }
}

/// Sends each batch as one request on one connection; any status but 2xx stops the load.
pub(super) struct HttpSink<'a> {
    driver: &'a HttpDriver,
    plan: &'a LoadPlan,
    conn: Conn,
}

impl<'a> HttpSink<'a> {
    pub(super) fn new(driver: &'a HttpDriver, plan: &'a LoadPlan) -> Self {
        Self {
            driver,
            plan,
            conn: driver.conn(),
        }
    }
}

impl LoadSink for HttpSink<'_> {
    async fn send(&mut self, b: Batch) -> Result<(), OpError> {
        let (method, headers) = (&self.plan.method, &self.plan.headers);
        let timeout = self.driver.timeout;
        let status = tokio::time::timeout(
            timeout,
            self.driver
                .request(&mut self.conn, method, &b.path, headers, Some(&b.bytes)),
        )
        .await
        .map_err(|_| OpError::new(ErrorKind::Timeout, format!("no reply within {timeout:?}")))??;
        if !(200..300).contains(&status) {
            let text = String::from_utf8_lossy(&self.conn.body);
            return Err(OpError::new(
                ErrorKind::HttpStatus,
                format!("{method} {}: status {status}: {}", b.path, tail(&text, 300)),
            ));
        }
        Ok(())
    }

    async fn finish(self, _sent: u64) -> Result<(), OpError> {
        Ok(())
    }
}
