//! PostgreSQL over tokio-postgres: one connection per worker, statements prepared once per
//! connection, parameters bound (never spliced into SQL).

use std::time::Duration;

use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, NoTls, Statement};

use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::SinkExt as _;
use tokio_postgres::Row;

use super::{Batches, Driver, ErrorKind, IngestStats, OpError, Reply};
use crate::scenario::{IngestPlan, Rendered};

/// A PostgreSQL target after placeholders were filled in.
pub struct PostgresDriver {
    pub url: String,
    pub setup: Vec<String>,
    /// Run on every new connection before preparing.
    pub session: Vec<String>,
    pub timeout: Duration,
    /// The statement of each operation of the scenario.
    pub statements: Vec<String>,
    /// Whether each operation returns ids (or a count) in its first column: searches and
    /// verified traversals.
    pub searches: Vec<bool>,
}

/// The first column of every row as an id.
fn ids(rows: &[Row]) -> Result<Vec<u64>, OpError> {
    rows.iter()
        .map(|r| {
            let ty = r.columns().first().map(|c| c.type_().clone());
            let id = match ty {
                Some(Type::INT8) => r.try_get::<_, i64>(0).ok().and_then(|v| u64::try_from(v).ok()),
                Some(Type::INT4) => r.try_get::<_, i32>(0).ok().and_then(|v| u64::try_from(v).ok()),
                Some(Type::INT2) => r.try_get::<_, i16>(0).ok().and_then(|v| u64::try_from(v).ok()),
                Some(Type::TEXT | Type::VARCHAR) => {
                    r.try_get::<_, String>(0).ok().and_then(|v| v.parse().ok())
                }
                _ => None,
            };
            id.ok_or_else(|| {
                OpError::new(
                    ErrorKind::Driver,
                    format!(
                        "a search's first column must hold the row id (a non-negative integer), got {}",
                        r.columns().first().map_or("no column".into(), |c| format!("`{}` of type {}", c.name(), c.type_()))
                    ),
                )
            })
        })
        .collect()
}

/// One worker's connection and its prepared statements.
pub struct Conn {
    client: Option<(Client, Vec<Statement>)>,
}

/// A rendered parameter converted to the type the server expects.
fn convert(text: &str, ty: &Type) -> Result<Box<dyn ToSql + Sync + Send>, String> {
    let bad = || format!("`{text}` is not a valid {ty}");
    Ok(match *ty {
        Type::INT2 => Box::new(text.parse::<i16>().map_err(|_| bad())?),
        Type::INT4 => Box::new(text.parse::<i32>().map_err(|_| bad())?),
        Type::INT8 => Box::new(text.parse::<i64>().map_err(|_| bad())?),
        Type::FLOAT4 => Box::new(text.parse::<f32>().map_err(|_| bad())?),
        Type::FLOAT8 => Box::new(text.parse::<f64>().map_err(|_| bad())?),
        Type::BOOL => Box::new(text.parse::<bool>().map_err(|_| bad())?),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
            Box::new(text.to_owned())
        }
        _ => {
            return Err(format!(
                "parameter of type {ty} is not supported; cast it in SQL, e.g. `$1::text::{ty}`"
            ))
        }
    })
}

impl PostgresDriver {
    async fn connect(&self) -> Result<(Client, Vec<Statement>), OpError> {
        let (client, connection) = tokio_postgres::connect(&self.url, NoTls)
            .await
            .map_err(|e| OpError::new(ErrorKind::Connect, e.to_string()))?;
        tokio::spawn(async move {
            // Ends when the client is dropped or the server goes away; errors surface on queries.
            let _ = connection.await;
        });
        // Session settings first: every statement prepared below is planned under them.
        for sql in &self.session {
            client.batch_execute(sql).await.map_err(|e| {
                OpError::new(
                    ErrorKind::Driver,
                    format!("session `{sql}`: {}", db_message(&e)),
                )
            })?;
        }
        let mut prepared = Vec::with_capacity(self.statements.len());
        for sql in &self.statements {
            let st = client.prepare(sql).await.map_err(|e| {
                OpError::new(
                    ErrorKind::Driver,
                    format!("preparing `{sql}`: {}", db_message(&e)),
                )
            })?;
            prepared.push(st);
        }
        Ok((client, prepared))
    }

    async fn run(&self, conn: &mut Conn, op: &Rendered<'_>) -> Result<Reply, OpError> {
        if conn.client.as_ref().is_none_or(|(c, _)| c.is_closed()) {
            conn.client = Some(self.connect().await?);
        }
        let Some((client, statements)) = conn.client.as_ref() else {
            unreachable!("connected above")
        };
        let st = &statements[op.op];
        if st.params().len() != op.params.len() {
            return Err(OpError::new(
                ErrorKind::Driver,
                format!(
                    "the statement has {} parameter(s), the operation gives {}",
                    st.params().len(),
                    op.params.len()
                ),
            ));
        }
        let values = st
            .params()
            .iter()
            .zip(&op.params)
            .map(|(ty, text)| convert(text, ty))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| OpError::new(ErrorKind::Driver, e))?;
        let refs: Vec<&(dyn ToSql + Sync)> = values
            .iter()
            .map(|v| v.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let rows = client.query(st, &refs).await.map_err(|e| {
            if e.is_closed() {
                OpError::new(ErrorKind::Io, e.to_string())
            } else {
                OpError::new(ErrorKind::Driver, db_message(&e))
            }
        })?;
        Ok(Reply {
            ids: if self.searches[op.op] {
                Some(ids(&rows)?)
            } else {
                None
            },
        })
    }

    async fn client(&self, what: &str) -> Result<Client, OpError> {
        let (client, connection) = tokio_postgres::connect(&self.url, NoTls)
            .await
            .map_err(|e| OpError::new(ErrorKind::Connect, format!("{what}: {e}")))?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(client)
    }
}

fn db_message(e: &tokio_postgres::Error) -> String {
    e.as_db_error().map_or_else(
        || e.to_string(),
        |d| format!("{}: {}", d.code().code(), d.message()),
    )
}

impl Driver for PostgresDriver {
    type Conn = Conn;

    fn conn(&self) -> Conn {
        Conn { client: None }
    }

    async fn setup(&self) -> Result<(), OpError> {
        if self.setup.is_empty() {
            return Ok(());
        }
        let client = self.client("setup").await?;
        for sql in &self.setup {
            client.batch_execute(sql).await.map_err(|e| {
                OpError::new(
                    ErrorKind::Driver,
                    format!("setup `{sql}`: {}", db_message(&e)),
                )
            })?;
        }
        Ok(())
    }

    /// `COPY … FROM STDIN` of every batch, then the `after` statements (timed apart).
    async fn ingest(
        &self,
        plan: &IngestPlan,
        mut batches: Batches,
        done: &AtomicU64,
    ) -> Result<IngestStats, OpError> {
        let copy = plan.copy.as_deref().unwrap_or_default();
        let client = self.client("ingest").await?;
        let failed = |e: tokio_postgres::Error| {
            OpError::new(ErrorKind::Driver, format!("`{copy}`: {}", db_message(&e)))
        };
        let mut hist = crate::record::new_histogram();
        let start = std::time::Instant::now();
        let sink = client
            .copy_in::<_, bytes::Bytes>(copy)
            .await
            .map_err(failed)?;
        futures_util::pin_mut!(sink);
        let mut rows = 0;
        while let Some(b) = batches.recv().await {
            let t = std::time::Instant::now();
            sink.send(bytes::Bytes::from(b.bytes))
                .await
                .map_err(failed)?;
            hist.saturating_record(nanos(t.elapsed()));
            rows += b.rows;
            done.fetch_add(b.rows, Ordering::Relaxed);
        }
        let written = sink.finish().await.map_err(failed)?;
        let elapsed = start.elapsed();
        if written != rows {
            return Err(OpError::new(
                ErrorKind::Driver,
                format!("COPY wrote {written} rows, {rows} were sent"),
            ));
        }
        let index = if plan.after.is_empty() {
            None
        } else {
            let t = std::time::Instant::now();
            for sql in &plan.after {
                client.batch_execute(sql).await.map_err(|e| {
                    OpError::new(
                        ErrorKind::Driver,
                        format!("after `{sql}`: {}", db_message(&e)),
                    )
                })?;
            }
            Some(t.elapsed())
        };
        Ok(IngestStats {
            rows,
            elapsed,
            batches: hist,
            index,
        })
    }

    async fn execute(&self, conn: &mut Conn, op: &Rendered<'_>) -> Result<Reply, OpError> {
        match tokio::time::timeout(self.timeout, self.run(conn, op)).await {
            Ok(Err(e)) if e.kind == ErrorKind::Io => {
                conn.client = None;
                Err(e)
            }
            Ok(r) => r,
            Err(_) => {
                conn.client = None;
                Err(OpError::new(
                    ErrorKind::Timeout,
                    format!("no result within {:?}", self.timeout),
                ))
            }
        }
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1)
}
