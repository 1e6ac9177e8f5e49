//! The machine: the environment fingerprint, preflight checks and system samples.

pub mod fingerprint;
pub mod preflight;
pub mod sampler;

pub use fingerprint::{compare_env, environment, incomparable, EnvDiff, EnvField, Environment};
