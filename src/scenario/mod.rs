//! Scenarios: the TOML model, validation with precise locations into a typed plan, and the
//! seeded operation sequence.

mod discover;
mod error;
pub mod model;
mod plan;
mod validate;

pub use crate::driver::Rendered;
pub use crate::util::{Bytes, Dur, Name, Percent};
pub use discover::discover;
pub use error::ScenarioError;
pub use model::{
    Kind, LoadMode, Metric, Role, ScenarioFile, Slo, SloValue, StateMode, SweepOver, Target, Warmup,
};
pub use plan::{
    CompiledOp, LoadPlan, PlanStage, Scenario, Shard, Stop, Stream, SweepPlan, TargetPlan,
    ThresholdPlan, DIGEST_OPS,
};
