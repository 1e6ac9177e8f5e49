//! PostgreSQL over tokio-postgres: one connection per worker, statements prepared once per
//! connection, parameters bound (never spliced into SQL).

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, NoTls, Row, Statement};

use super::check::OpPlan;
use super::load::CopySink;
use crate::driver::driver::{Driver, ErrorKind, OpError, Reply};
use crate::driver::load::{run_load, Batches, LoadPhasePlan, LoadStats, LoadVia};
use crate::driver::op::Rendered;

/// A PostgreSQL target after placeholders were filled in.
pub struct PostgresDriver {
    pub url: String,
    pub setup: Vec<String>,
    /// Run on every new connection before preparing.
    pub session: Vec<String>,
    pub timeout: Duration,
    /// The statement and parameters of each operation of the scenario.
    pub ops: Vec<OpPlan>,
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
        let client = self.client("connect").await?;
        // Session settings first: every statement prepared below is planned under them.
        for sql in &self.session {
            client.batch_execute(sql).await.map_err(|e| {
                OpError::new(
                    ErrorKind::Driver,
                    format!("session `{sql}`: {}", db_message(&e)),
                )
            })?;
        }
        let mut prepared = Vec::with_capacity(self.ops.len());
        for sql in self.ops.iter().map(|o| &o.sql) {
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
        let params = &self.ops[op.op].params;
        if st.params().len() != params.len() {
            return Err(OpError::new(
                ErrorKind::Driver,
                format!(
                    "the statement has {} parameter(s), the operation gives {}",
                    st.params().len(),
                    params.len()
                ),
            ));
        }
        let values = st
            .params()
            .iter()
            .zip(params)
            .map(|(ty, i)| convert(op.value(*i), ty))
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

    /// A connection. A server that accepts TCP but is still starting up (or shutting down a
    /// previous instance) answers 57P03 "cannot connect now": asked again for up to
    /// [`STARTING_UP`], since a service's TCP readiness comes before its readiness for
    /// sessions.
    async fn client(&self, what: &str) -> Result<Client, OpError> {
        let started = std::time::Instant::now();
        let (client, connection) = loop {
            match tokio_postgres::connect(&self.url, NoTls).await {
                Ok(c) => break c,
                Err(e)
                    if e.code() == Some(&tokio_postgres::error::SqlState::CANNOT_CONNECT_NOW)
                        && started.elapsed() < STARTING_UP =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => {
                    return Err(OpError::new(
                        ErrorKind::Connect,
                        format!("{what}: {}", db_message(&e)),
                    ))
                }
            }
        };
        tokio::spawn(async move {
            // Ends when the client is dropped or the server goes away; errors surface on queries.
            let _ = connection.await;
        });
        Ok(client)
    }
}

/// How long a server may answer "the database system is starting up".
const STARTING_UP: std::time::Duration = std::time::Duration::from_secs(30);

pub(super) fn db_message(e: &tokio_postgres::Error) -> String {
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
    async fn load(
        &self,
        plan: &LoadPhasePlan,
        batches: Batches,
        done: &AtomicU64,
    ) -> Result<LoadStats, OpError> {
        let LoadVia::Copy(p) = &plan.via else {
            return Err(OpError::new(ErrorKind::Driver, "no COPY statement"));
        };
        let client = self.client("load phase").await?;
        let sink = client
            .copy_in::<_, bytes::Bytes>(p.copy.as_str())
            .await
            .map_err(|e| {
                OpError::new(
                    ErrorKind::Driver,
                    format!("`{}`: {}", p.copy, db_message(&e)),
                )
            })?;
        let sink = CopySink {
            sink: Box::pin(sink),
            copy: p.copy.clone(),
        };
        let mut stats = run_load(sink, batches, done).await?;
        if !p.after.is_empty() {
            let t = std::time::Instant::now();
            for sql in &p.after {
                client.batch_execute(sql).await.map_err(|e| {
                    OpError::new(
                        ErrorKind::Driver,
                        format!("after `{sql}`: {}", db_message(&e)),
                    )
                })?;
            }
            stats.index = Some(t.elapsed());
        }
        Ok(stats)
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
