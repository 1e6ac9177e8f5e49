//! The HTTP driver: `[target.http]`, `[operation.http]` and `[target.ingest.http]`, their
//! checks, an HTTP/1.1 client built for load generation, setup requests and the load phase.

mod check;
mod checks;
mod client;
mod config;
mod ids;
mod load;
mod setup;
mod tls;
mod wire;

pub use check::{
    check_load, check_setup, check_target, compile_op, CheckPlan, LoadPlan, OpPlan, Predicate,
    Subject, BATCH_FIELDS,
};
pub use client::{Conn, HttpDriver, HttpSetupError};
pub use config::{HttpCheck, HttpOperation, HttpSetup, HttpTarget, LoadHttp};
pub use ids::ids_at;
pub use setup::SetupRequest;
pub use tls::{client_config as tls_client_config, TlsOptions};
