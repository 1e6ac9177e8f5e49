//! The machine: the environment fingerprint, preflight checks and system samples.

pub mod fingerprint;
pub mod preflight;
pub mod sampler;

pub use fingerprint::{environment, incomparable, Environment};
