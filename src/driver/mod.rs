//! Drivers: one folder per way of talking to a system under test (its scenario tables,
//! their checks, its client and its load phase), the one driver type the engine calls, and
//! managed services.

mod any;
pub mod command;
#[expect(
    clippy::module_inception,
    reason = "the trait lives in a file of its name"
)]
mod driver;
pub mod http;
mod load;
mod op;
pub mod postgres;
pub mod redis;
pub mod service;
mod spec;
mod vars;

pub use any::{AnyConn, AnyDriver};
pub use driver::{tail, Driver, ErrorKind, OpError, Reply};
pub use load::{
    run_load, Batch, Batches, LoadPhasePlan, LoadPhaseTable, LoadSink, LoadStats, LoadVia, RowsName,
};
pub use op::Rendered;
pub use spec::{BuildCtx, BuildError, DriverSpec, OpParts};
pub use vars::{fill_captures, Vars};
