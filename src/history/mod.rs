//! The results history: run records committed with git2 to a results branch.
//!
//! One file per record at `records/<scenario>/<yyyy>/<mm>/<run-id>.json`, and documents beside
//! them: acceptances of intended changes under `accepted/`, runner calibrations under
//! `calibration/`. No index is stored; any index is derived by walking the tree. Appends write blobs, trees and a
//! commit directly (the user's working tree and index are never touched) and then move the
//! branch with a compare-and-swap: a crash before that leaves the branch as it was, and a
//! concurrent appender makes the swap fail and retry on the new tip. Appending a run id that
//! is already present changes nothing. Pushing never forces: when the remote moved, the new
//! record files are re-applied on the remote tip (paths are unique, so they cannot conflict).

mod push;
mod select;
mod store;

pub use push::{callbacks, redact, PushOutcome, PushSettings};
pub use select::{select_baseline, BaselineSelection};
pub use store::{
    record_path, Appended, History, HistoryError, Records, Skipped, Stored, DEFAULT_BRANCH,
    DOCUMENT_DIRS, MAX_RECORD_BYTES,
};
