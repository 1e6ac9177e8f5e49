//! The load phase: a producer thread renders the dataset's rows into batches in the target's
//! protocol while the driver sends the previous ones, so generation and sending overlap.

use std::ops::Range;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use super::{EngineError, Observer, PhaseKind};
use crate::dataset::Dataset;
use crate::driver::{Batches, Driver, LoadPhasePlan, LoadStats};
use crate::scenario::Shard;

/// Batches rendered ahead of the sender.
const AHEAD: usize = 4;

/// Starts the producer; the receiver yields every row of `part` (of the rows of `plan.rows`)
/// exactly once, in order. Dropping the receiver stops the producer.
#[must_use]
pub fn produce(plan: &LoadPhasePlan, dataset: &Arc<Dataset>, part: Range<u64>) -> Batches {
    let (tx, rx) = tokio::sync::mpsc::channel(AHEAD);
    let (plan, dataset) = (plan.clone(), Arc::clone(dataset));
    std::thread::spawn(move || {
        let total = part.end.min(dataset.rows(plan.rows));
        let batch = plan.batch as u64;
        let mut scratch = Vec::new();
        let mut start = part.start;
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

/// The rows of a load phase of `total` rows that `shard` writes: a contiguous part, the parts
/// of all shards together every row once.
#[must_use]
pub fn shard_part(total: u64, shard: Option<Shard>) -> Range<u64> {
    let Some(s) = shard else {
        return 0..total;
    };
    let at = |k: u64| {
        u64::try_from(u128::from(total) * u128::from(k) / u128::from(s.count)).unwrap_or(total)
    };
    at(u64::from(s.index))..at(u64::from(s.index) + 1)
}

/// Runs one load phase of target `target`: rows `part` rendered by the producer, sent by the
/// driver, with progress; every row of the part must be written.
pub(super) async fn run<D: Driver>(
    scenario: &str,
    target: &str,
    plan: LoadPhasePlan,
    (data, part): (&Arc<Dataset>, Range<u64>),
    driver: &D,
    observer: &dyn Observer,
) -> Result<LoadStats, EngineError> {
    let rows = part.end - part.start;
    let done = Arc::new(AtomicU64::new(0));
    observer.phase_started(
        scenario,
        target,
        PhaseKind::Load,
        Arc::clone(&done),
        Some(rows),
        None,
    );
    let result = driver.load(&plan, produce(&plan, data, part), &done).await;
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
        let d = &d;
        let ids = |part| async move {
            let mut rx = produce(&plan(copy()), d, part);
            let mut ids = Vec::new();
            while let Some(b) = rx.recv().await {
                let text = String::from_utf8(b.bytes).unwrap();
                ids.extend(
                    text.lines()
                        .map(|l| l.split('\t').next().unwrap().to_owned()),
                );
            }
            ids
        };
        assert_eq!(ids(0..5).await, ["0", "1", "2", "3", "4"]);
        assert_eq!(ids(3..5).await, ["3", "4"]);
        assert!(ids(5..5).await.is_empty());
    }

    #[test]
    fn shard_parts_cover_every_row_once() {
        for total in [0u64, 1, 5, 7, 1000, 1_000_003] {
            for n in [1u32, 2, 3, 4, 16] {
                let mut next = 0;
                for i in 0..n {
                    let p = shard_part(total, Some(Shard { index: i, count: n }));
                    assert_eq!(p.start, next, "{total} rows, shard {i}/{n}");
                    assert!(p.end - p.start <= total / u64::from(n) + 1);
                    next = p.end;
                }
                assert_eq!(next, total);
            }
        }
        assert_eq!(shard_part(9, None), 0..9);
    }
}
