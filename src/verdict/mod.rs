//! Verdicts: a run record against a baseline, metric by metric; competitive standings;
//! objectives; optimization tasks.

mod compare;
mod slo;
mod standings;
mod tasks;
mod types;

pub use compare::{compare, saturation_notes};
pub use tasks::{tasks, Priorities, Priority, Task};
pub use types::{Comparison, Row, SloCheck, Standing, Status, Verdict};
