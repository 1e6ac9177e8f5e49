//! The engine: runs a scenario's targets × repetitions and returns what they measured.
//!
//! Open loop (`load.mode = "open"`): operation `i` is due at `start + i / rate`; latency is
//! measured from that intended time, so a stalled server shows in the latency instead of
//! silently slowing the generator down (coordinated omission). The uncorrected service
//! time is recorded beside it. Closed loop: `concurrency` workers, each waiting for a reply.
//!
//! The engine never prints: progress goes to an [`Observer`].

mod cancel;
mod context;
mod live;
pub mod load_phase;
mod observer;
mod phase;
mod records;
mod rendezvous;
mod run;
pub mod schedule;
mod sweep;
mod target;
mod timer;

pub use crate::record::{INDEX_OP, LOAD_OP};
pub use cancel::Cancel;
pub use context::{BusyRule, RunContext};
pub use live::{Live, LiveOp, LivePhase, LiveTarget, BUCKETS};
pub use observer::{Observer, PhaseKind, Silent};
pub use phase::{run_phase, Clock, OpRec, PhaseResult, PhaseSpec, LATE_AFTER};
pub use rendezvous::{DirStore, Rendezvous, Store};
pub use run::{prepare_truth, run_scenario, EngineError, ScenarioOutcome};
pub use sweep::{rep_holds, run_sweep, sweep_levels, SweepOutcome};
pub use target::{run_target, Measured, Rep, TargetSession};
pub use timer::PreciseTimer;
