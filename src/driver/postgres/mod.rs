//! The PostgreSQL driver: `[target.postgres]` and `[operation.postgres]`, their checks,
//! prepared statements with bound parameters over tokio-postgres, and the `COPY` load phase.

mod check;
mod client;
mod config;
mod load;

pub use check::{check_load, compile_op, LoadPlan, OpPlan};
pub use client::{Conn, PostgresDriver};
pub use config::{PostgresOperation, PostgresTarget};
pub use load::render_batch;
