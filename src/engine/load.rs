//! The load phase: a producer thread renders the dataset's rows into batches in the target's
//! protocol while the driver sends the previous ones, so generation and ingest overlap.

use std::sync::Arc;

use crate::dataset::{Dataset, RowKind};
use crate::driver::{Batch, Batches};
use crate::scenario::IngestPlan;

/// Batches rendered ahead of the sender.
const AHEAD: usize = 4;

/// How the batches are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// PostgreSQL `COPY` text format: fields tab-separated, one row per line.
    CopyText,
    /// One HTTP request body per batch.
    Http,
    /// Pipelined Redis commands, one per row.
    Resp,
}

/// Starts the producer; the receiver yields every row of `plan.rows` exactly once, in order.
/// Dropping the receiver stops the producer.
#[must_use]
pub fn produce(plan: &IngestPlan, dataset: &Arc<Dataset>, encoding: Encoding) -> Batches {
    let (tx, rx) = tokio::sync::mpsc::channel(AHEAD);
    let (plan, dataset) = (plan.clone(), Arc::clone(dataset));
    std::thread::spawn(move || {
        let total = dataset.rows(plan.rows);
        let batch = plan.batch as u64;
        let mut scratch = Vec::new();
        let mut start = 0;
        while start < total {
            let end = (start + batch).min(total);
            let b = render(&plan, &dataset, encoding, start..end, &mut scratch);
            if tx.blocking_send(b).is_err() {
                return;
            }
            start = end;
        }
    });
    rx
}

/// Renders rows `range` as one batch.
#[must_use]
pub fn render(
    plan: &IngestPlan,
    data: &Dataset,
    encoding: Encoding,
    range: std::ops::Range<u64>,
    scratch: &mut Vec<f32>,
) -> Batch {
    let kind = plan.rows;
    let rows = range.end - range.start;
    match encoding {
        Encoding::CopyText => {
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
        Encoding::Resp => {
            let mut out = Vec::new();
            let mut words: Vec<String> = Vec::new();
            for i in range {
                words.clear();
                for t in &plan.redis {
                    let mut w = String::new();
                    t.render(&mut w, |f, out| data.write_field(kind, i, f, scratch, out));
                    words.push(w);
                }
                crate::driver::redis::append(&words, &mut out);
            }
            Batch {
                rows,
                path: String::new(),
                bytes: out,
            }
        }
        Encoding::Http => {
            let Some(h) = &plan.http else {
                return Batch {
                    rows,
                    path: String::new(),
                    bytes: Vec::new(),
                };
            };
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
            h.path.render(&mut path, &mut field);
            let mut body = String::new();
            h.body.render(&mut body, &mut field);
            Batch {
                rows,
                path,
                bytes: body.into_bytes(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Distance, Synthetic, Vectors};
    use crate::scenario::template::FieldTemplate;
    use crate::scenario::{IngestHttpPlan, BATCH_FIELDS};

    fn data() -> Dataset {
        Dataset::new(
            Some(Vectors::generated(
                Synthetic {
                    seed: 1,
                    count: 5,
                    dim: 2,
                    clusters: 1,
                    spread: 0.1,
                    normalize: false,
                    queries: 1,
                },
                Distance::L2,
                1,
            )),
            None,
            None,
        )
    }

    fn plan() -> IngestPlan {
        IngestPlan {
            rows: RowKind::Vectors,
            batch: 2,
            copy: Some("COPY items FROM STDIN".into()),
            http: Some(IngestHttpPlan {
                method: "POST".into(),
                path: FieldTemplate::parse("/add", &BATCH_FIELDS).unwrap(),
                body: FieldTemplate::parse(
                    r#"{"ids":{{ids}},"embeddings":{{vectors}}}"#,
                    &BATCH_FIELDS,
                )
                .unwrap(),
                headers: Vec::new(),
            }),
            redis: vec![
                FieldTemplate::parse("HSET", &["id", "vector"]).unwrap(),
                FieldTemplate::parse("item:{{id}}", &["id", "vector"]).unwrap(),
                FieldTemplate::parse("v", &["id", "vector"]).unwrap(),
                FieldTemplate::parse("{{vector}}", &["id", "vector"]).unwrap(),
            ],
            after: Vec::new(),
        }
    }

    #[test]
    fn every_encoding_carries_the_same_rows() {
        let d = data();
        let p = plan();
        let mut s = Vec::new();
        let copy =
            String::from_utf8(render(&p, &d, Encoding::CopyText, 1..3, &mut s).bytes).unwrap();
        let lines: Vec<&str> = copy.lines().collect();
        assert_eq!(lines.len(), 2);
        let (id, v) = lines[0].split_once('\t').unwrap();
        assert_eq!(id, "1");
        let v1: Vec<f32> = serde_json::from_str(v).unwrap();
        let mut row = vec![0f32; 2];
        d.vectors.as_ref().unwrap().row(1, &mut row);
        assert_eq!(v1, row, "COPY text round-trips every f32 exactly");

        let http = render(&p, &d, Encoding::Http, 1..3, &mut s);
        let body: serde_json::Value = serde_json::from_slice(&http.bytes).unwrap();
        assert_eq!(body["ids"], serde_json::json!(["1", "2"]));
        let e: Vec<f32> = serde_json::from_value(body["embeddings"][0].clone()).unwrap();
        assert_eq!(e, row);
        assert_eq!(http.path, "/add");

        let resp = render(&p, &d, Encoding::Resp, 1..3, &mut s);
        assert_eq!(resp.rows, 2);
        let text = String::from_utf8(resp.bytes).unwrap();
        assert!(
            text.starts_with("*4\r\n$4\r\nHSET\r\n$6\r\nitem:1\r\n"),
            "{text}"
        );
        assert_eq!(text.matches("*4\r\n").count(), 2);
    }

    #[tokio::test]
    async fn the_producer_yields_every_row_once_in_order() {
        let d = Arc::new(data());
        let mut rx = produce(&plan(), &d, Encoding::CopyText);
        let mut ids = Vec::new();
        while let Some(b) = rx.recv().await {
            let text = String::from_utf8(b.bytes).unwrap();
            ids.extend(
                text.lines()
                    .map(|l| l.split('\t').next().unwrap().to_owned()),
            );
        }
        assert_eq!(ids, ["0", "1", "2", "3", "4"]);
    }
}
