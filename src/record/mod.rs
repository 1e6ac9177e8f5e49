//! Run records: the versioned JSON every later stage reads.
//!
//! A record is written once per `benchbot run` of a scenario. Readers accept every
//! `format_version` up to [`FORMAT_VERSION`] and refuse newer ones instead of misreading them.
//! Unknown fields are ignored, so a record from a newer minor addition still reads.
//! A baseline is a run record saved under `baselines/`.

mod acceptance;
mod dataset_info;
mod merge;
mod pool;
pub mod published;
mod read;
#[expect(
    clippy::module_inception,
    reason = "the record type lives in a file of its name"
)]
mod record;
mod values;

pub use acceptance::{Acceptance, ACCEPTANCE_FORMAT};
pub use dataset_info::DatasetInfo;
pub use merge::merge;
pub use pool::{pool, runs_of};
pub use read::RecordError;
pub use record::{
    AbInfo, Contention, ExcludedBlock, GitInfo, IntervalPoint, Latency, LoadInfo, OperationRecord,
    PointRep, PointTarget, PooledRun, Repetition, RunRecord, ScenarioInfo, ShardInfo, ShardRun,
    StageInfo, SummaryRecord, SweepPoint, SweepRecord, TargetRecord, ThresholdsInfo, FORMAT,
    FORMAT_VERSION, INDEX_OP, LOAD_OP,
};
pub use values::Samples;

pub use crate::system::Environment;
pub use crate::util::{decode_histogram, encode_histogram, new_histogram, write_atomic};
