//! One driver type the engine calls: a variant per driver, each call passed to the variant.

use std::sync::atomic::AtomicU64;

use super::command::CommandDriver;
use super::driver::{Driver, ErrorKind, OpError, Reply};
use super::http::{self, HttpDriver};
use super::load::{Batches, LoadPhasePlan, LoadStats};
use super::op::Rendered;
use super::postgres::{self, PostgresDriver};
use super::redis::{self, RedisDriver};

/// Any driver.
pub enum AnyDriver {
    Http(HttpDriver),
    Command(CommandDriver),
    Postgres(PostgresDriver),
    Redis(RedisDriver),
}

/// The worker state of any driver (always the variant of its driver).
pub enum AnyConn {
    Http(http::Conn),
    Command,
    Postgres(postgres::Conn),
    Redis(redis::Conn),
}

fn mismatch() -> OpError {
    OpError::new(ErrorKind::Driver, "internal: connection of another driver")
}

impl Driver for AnyDriver {
    type Conn = AnyConn;

    fn conn(&self) -> AnyConn {
        match self {
            AnyDriver::Http(d) => AnyConn::Http(d.conn()),
            AnyDriver::Command(_) => AnyConn::Command,
            AnyDriver::Postgres(d) => AnyConn::Postgres(d.conn()),
            AnyDriver::Redis(d) => AnyConn::Redis(d.conn()),
        }
    }

    async fn prepare(&self, conn: &mut AnyConn) -> Result<(), OpError> {
        match (self, conn) {
            (AnyDriver::Http(d), AnyConn::Http(c)) => d.prepare(c).await,
            (AnyDriver::Command(d), AnyConn::Command) => d.prepare(&mut ()).await,
            (AnyDriver::Postgres(d), AnyConn::Postgres(c)) => d.prepare(c).await,
            (AnyDriver::Redis(d), AnyConn::Redis(c)) => d.prepare(c).await,
            _ => Err(mismatch()),
        }
    }

    async fn execute(&self, conn: &mut AnyConn, op: &Rendered<'_>) -> Result<Reply, OpError> {
        match (self, conn) {
            (AnyDriver::Http(d), AnyConn::Http(c)) => d.execute(c, op).await,
            (AnyDriver::Command(d), AnyConn::Command) => d.execute(&mut (), op).await,
            (AnyDriver::Postgres(d), AnyConn::Postgres(c)) => d.execute(c, op).await,
            (AnyDriver::Redis(d), AnyConn::Redis(c)) => d.execute(c, op).await,
            _ => Err(mismatch()),
        }
    }

    async fn setup(&self) -> Result<(), OpError> {
        match self {
            AnyDriver::Http(d) => d.setup().await,
            AnyDriver::Command(d) => d.setup().await,
            AnyDriver::Postgres(d) => d.setup().await,
            AnyDriver::Redis(d) => d.setup().await,
        }
    }

    async fn load(
        &self,
        plan: &LoadPhasePlan,
        batches: Batches,
        done: &AtomicU64,
    ) -> Result<LoadStats, OpError> {
        match self {
            AnyDriver::Http(d) => d.load(plan, batches, done).await,
            AnyDriver::Command(d) => d.load(plan, batches, done).await,
            AnyDriver::Postgres(d) => d.load(plan, batches, done).await,
            AnyDriver::Redis(d) => d.load(plan, batches, done).await,
        }
    }

    async fn cleanup(&self) -> Result<(), OpError> {
        match self {
            AnyDriver::Http(d) => d.cleanup().await,
            AnyDriver::Command(d) => d.cleanup().await,
            AnyDriver::Postgres(d) => d.cleanup().await,
            AnyDriver::Redis(d) => d.cleanup().await,
        }
    }
}
