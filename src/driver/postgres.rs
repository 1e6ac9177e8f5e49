//! PostgreSQL over tokio-postgres: one connection per worker, statements prepared once per
//! connection, parameters bound (never spliced into SQL).

use std::time::Duration;

use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, NoTls, Statement};

use super::{Driver, ErrorKind, OpError};
use crate::scenario::Rendered;

/// A PostgreSQL target after placeholders were filled in.
pub struct PostgresDriver {
    pub url: String,
    pub setup: Vec<String>,
    pub timeout: Duration,
    /// The statement of each operation of the scenario.
    pub statements: Vec<String>,
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

    async fn run(&self, conn: &mut Conn, op: &Rendered<'_>) -> Result<(), OpError> {
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
        client.query(st, &refs).await.map(|_| ()).map_err(|e| {
            if e.is_closed() {
                OpError::new(ErrorKind::Io, e.to_string())
            } else {
                OpError::new(ErrorKind::Driver, db_message(&e))
            }
        })
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
        let (client, connection) = tokio_postgres::connect(&self.url, NoTls)
            .await
            .map_err(|e| OpError::new(ErrorKind::Connect, e.to_string()))?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
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

    async fn execute(&self, conn: &mut Conn, op: &Rendered<'_>) -> Result<(), OpError> {
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
