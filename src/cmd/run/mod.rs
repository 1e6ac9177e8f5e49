//! `benchbot run`: execute scenarios, write records, compare with baselines, report, publish.
//!
//! The stages, in order: settings (`settings`), the scenarios selected, preflight, the
//! suite's state (`suite`), execution with record assembly (`execute`, `assemble`),
//! pushing the history, reports, publishing; the exit code comes from `exit::Outcome`.

mod assemble;
pub(crate) mod execute;
mod flow;
mod meeting;
mod metrics;
mod settings;
mod signals;
mod suite;

pub(crate) use assemble::{git, git_info};
pub use execute::AbSetup;
pub(crate) use flow::{
    build_all, context, interleavable, prepare_with, reap, run_info, runtime, source_tree, Prepared,
};
pub use flow::{execute, run};
pub use settings::cache_dir;
pub(crate) use signals::signals;
pub(crate) use suite::run_id;
pub(crate) use suite::SuiteState;
