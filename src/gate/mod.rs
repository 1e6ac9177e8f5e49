//! The A/B gate: base and head measured in interleaved blocks on one runner, a suspected
//! regression confirmed with blocks of its own. It uses the engine to measure and the verdict
//! to suspect; `cmd ab` builds the trees and reports.

mod controller;
mod live;
mod plan;

pub use controller::{run, AbRun, BlockOutcome, Blocks, Look};
pub use live::LiveBlocks;
pub use plan::{parse_confirm, Order, Plan};
