//! The load phase: a producer thread renders the dataset's rows into batches in the target's
//! protocol while the driver sends the previous ones, so generation and sending overlap.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use super::{EngineError, Observer, PhaseKind};
use crate::dataset::Dataset;
use crate::driver::{Batches, Driver, LoadPhasePlan, LoadStats};

/// Batches rendered ahead of the sender.
const AHEAD: usize = 4;

/// Starts the producer; the receiver yields every row of `plan.rows` exactly once, in order.
/// Dropping the receiver stops the producer.
#[must_use]
pub fn produce(plan: &LoadPhasePlan, dataset: &Arc<Dataset>) -> Batches {
    let (tx, rx) = tokio::sync::mpsc::channel(AHEAD);
    let (plan, dataset) = (plan.clone(), Arc::clone(dataset));
    std::thread::spawn(move || {
        let total = dataset.rows(plan.rows);
        let batch = plan.batch as u64;
        let mut scratch = Vec::new();
        let mut start = 0;
        while start < total {
            let end = (start + batch).min(total);
            let b = plan.render(&dataset, start..end, &mut scratch);
            if tx.blocking_send(b).is_err() {
                return;
            }
            start = end;
        }
    });
    rx
}

/// Runs one load phase of target `target`: rows rendered by the producer, sent by the
/// driver, with progress; every row must be written.
pub(super) async fn run<D: Driver>(
    scenario: &str,
    target: &str,
    plan: &LoadPhasePlan,
    data: &Arc<Dataset>,
    driver: &D,
    observer: &dyn Observer,
) -> Result<LoadStats, EngineError> {
    let rows = data.rows(plan.rows);
    let done = Arc::new(AtomicU64::new(0));
    observer.phase_started(
        scenario,
        target,
        PhaseKind::Load,
        Arc::clone(&done),
        Some(rows),
        None,
    );
    let result = driver.load(plan, produce(plan, data), &done).await;
    observer.phase_finished();
    let stats = result.map_err(|e| EngineError::Setup {
        target: target.to_owned(),
        message: format!("load phase: {e}"),
    })?;
    if stats.rows != rows {
        return Err(EngineError::Setup {
            target: target.to_owned(),
            message: format!("load phase: {} of {rows} rows written", stats.rows),
        });
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Distance, RowKind, Synthetic, Vectors};
    use crate::driver::http::{self, BATCH_FIELDS};
    use crate::driver::{postgres, redis, LoadVia};
    use crate::template::FieldTemplate;

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

    fn plan(via: LoadVia) -> LoadPhasePlan {
        LoadPhasePlan {
            rows: RowKind::Vectors,
            batch: 2,
            via,
        }
    }

    fn copy() -> LoadVia {
        LoadVia::Copy(postgres::LoadPlan {
            copy: "COPY items FROM STDIN".into(),
            after: Vec::new(),
        })
    }

    fn http() -> LoadVia {
        LoadVia::Http(http::LoadPlan {
            method: "POST".into(),
            path: FieldTemplate::parse("/add", &BATCH_FIELDS).unwrap(),
            body: FieldTemplate::parse(
                r#"{"ids":{{ids}},"embeddings":{{vectors}}}"#,
                &BATCH_FIELDS,
            )
            .unwrap(),
            headers: Vec::new(),
        })
    }

    fn resp() -> LoadVia {
        LoadVia::Redis(redis::LoadPlan {
            command: vec![
                FieldTemplate::parse("HSET", &["id", "vector"]).unwrap(),
                FieldTemplate::parse("item:{{id}}", &["id", "vector"]).unwrap(),
                FieldTemplate::parse("v", &["id", "vector"]).unwrap(),
                FieldTemplate::parse("{{vector}}", &["id", "vector"]).unwrap(),
            ],
        })
    }

    #[test]
    fn every_encoding_carries_the_same_rows() {
        let d = data();
        let mut s = Vec::new();
        let copy = String::from_utf8(plan(copy()).render(&d, 1..3, &mut s).bytes).unwrap();
        let lines: Vec<&str> = copy.lines().collect();
        assert_eq!(lines.len(), 2);
        let (id, v) = lines[0].split_once('\t').unwrap();
        assert_eq!(id, "1");
        let v1: Vec<f32> = serde_json::from_str(v).unwrap();
        let mut row = vec![0f32; 2];
        d.vectors.as_ref().unwrap().row(1, &mut row);
        assert_eq!(v1, row, "COPY text round-trips every f32 exactly");

        let http = plan(http()).render(&d, 1..3, &mut s);
        let body: serde_json::Value = serde_json::from_slice(&http.bytes).unwrap();
        assert_eq!(body["ids"], serde_json::json!(["1", "2"]));
        let e: Vec<f32> = serde_json::from_value(body["embeddings"][0].clone()).unwrap();
        assert_eq!(e, row);
        assert_eq!(http.path, "/add");

        let resp = plan(resp()).render(&d, 1..3, &mut s);
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
        let mut rx = produce(&plan(copy()), &d);
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
