//! Setup requests: sent once before a target's first repetition, with captures from their
//! JSON responses (e.g. a collection id that later requests use).

use super::client::HttpDriver;
use crate::driver::driver::{Driver, ErrorKind, OpError};

/// A request sent once before the operations, e.g. creating a collection.
pub struct SetupRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub expect: Option<Vec<u16>>,
    /// Name → JSON pointer into the response.
    pub capture: Vec<(String, String)>,
}

impl HttpDriver {
    /// Sends `requests` in order on one connection; returns the captured values.
    ///
    /// # Errors
    /// The first request that fails, answers with an unexpected status, or lacks a capture.
    /// `fill` is applied to paths and bodies first, with the captures made so far.
    pub async fn setup_requests(
        &self,
        requests: &[SetupRequest],
        fill: impl Fn(&str, &[(String, String)]) -> String,
    ) -> Result<Vec<(String, String)>, OpError> {
        let mut conn = self.conn();
        let mut captured: Vec<(String, String)> = Vec::new();
        for r in requests {
            let path = fill(&r.path, &captured);
            let body = r.body.as_deref().map(|b| fill(b, &captured));
            let headers: Vec<(String, String)> = r
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), fill(v, &captured)))
                .collect();
            let what = format!("setup {} {path}", r.method);
            let status = self
                .request(
                    &mut conn,
                    &r.method,
                    &path,
                    &headers,
                    body.as_deref().map(str::as_bytes),
                )
                .await
                .map_err(|e| OpError::new(e.kind, format!("{what}: {}", e.detail)))?;
            let ok = r
                .expect
                .as_ref()
                .map_or((200..300).contains(&status), |l| l.contains(&status));
            if !ok {
                let text = String::from_utf8_lossy(&conn.body);
                return Err(OpError::new(
                    ErrorKind::HttpStatus,
                    format!(
                        "{what}: status {status}: {}",
                        crate::driver::driver::tail(&text, 300)
                    ),
                ));
            }
            for (name, pointer) in &r.capture {
                let doc: serde_json::Value = serde_json::from_slice(&conn.body).map_err(|e| {
                    OpError::new(
                        ErrorKind::Driver,
                        format!("{what}: response is not JSON: {e}"),
                    )
                })?;
                let value = match doc.pointer(pointer) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                        v.to_string()
                    }
                    _ => {
                        return Err(OpError::new(
                            ErrorKind::Driver,
                            format!(
                                "{what}: no string or number at `{pointer}` to capture as `{name}`"
                            ),
                        ))
                    }
                };
                captured.push((name.clone(), value));
            }
        }
        Ok(captured)
    }
}
