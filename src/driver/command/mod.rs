//! The command driver: `[target.command]` and `[operation.command]`, their checks, and
//! commands timed hyperfine-style (one process per operation).

mod check;
mod client;
mod config;

pub use check::{check_target, compile_op, OpPlan};
pub use client::CommandDriver;
pub use config::{CommandOperation, CommandTarget};
