//! The Redis driver: `[target.redis]` and `[operation.redis]`, their checks, a small RESP
//! client (one connection per worker) and the pipelined load phase.

mod check;
mod client;
mod config;
mod load;

pub use check::{check_load, compile_op, LoadPlan, OpPlan};
pub use client::{append, Conn, RedisDriver};
pub use config::{RedisOperation, RedisTarget};
