//! The HTTP driver: `[target.http]`, `[operation.http]` and `[target.ingest.http]`, their
//! checks, an HTTP/1.1 client built for load generation, setup requests and the load phase.

mod check;
mod client;
mod config;
mod ids;
mod load;
mod setup;
mod wire;

pub use check::{
    check_load, check_setup, check_target, compile_op, LoadPlan, OpPlan, BATCH_FIELDS,
};
pub use client::{Conn, HttpDriver, HttpSetupError};
pub use config::{HttpOperation, HttpSetup, HttpTarget, LoadHttp};
pub use ids::ids_at;
pub use setup::SetupRequest;
