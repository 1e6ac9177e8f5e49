//! Verdicts: a run record against a baseline, metric by metric; competitive standings;
//! objectives; optimization tasks.

mod calibration;
mod capacity;
mod compare;
mod decide;
mod estimate;
mod notes;
mod profile;
mod slo;
mod standings;
mod tasks;
mod types;

pub use calibration::{
    calibrate, CalibratedRow, Calibration, Rate, Round, Verdicts, CALIBRATION_FORMAT, POWER,
};
pub use capacity::{
    analyze, capacity_targets, knee, saturation, CapacityReport, CurveRow, TargetCurve,
};
pub use compare::{compare, compare_with, Options};
pub use decide::{needed_text, NEEDED_CAP};
pub use notes::{late_send_notes, late_sends, saturation_notes, shared_cause_note};
pub use profile::{shortfall_notes, stages, StageRow, SHORTFALL};
pub use tasks::{tasks, Priorities, Priority, Task};
pub use types::{
    Basis, Comparison, Errors, LateSends, Method, NotJudged, Row, RunRef, SloCheck, Stage,
    Standing, Status, TrendPoint, Unjudged, Verdict,
};
