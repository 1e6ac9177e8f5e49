//! benchbot: seeded, statistically honest benchmarks with regression gates.
//!
//! # Module map (data flows down; no module reaches back up)
//!
//! ```text
//! scenario   TOML model, validation (file:line:column), seeded operation sequence
//!    │
//! engine     targets × repetitions; open loop (intended-start latency) or closed loop
//!    │       (or ingest: criterion, libtest, Go, hyperfine, pytest-benchmark, … → records)
//!    │  └── driver   http (hyper, keep-alive) · command (hyperfine-style) · managed services
//!    ▼
//! record     versioned JSON run records with HdrHistograms        system: environment
//!    │  └── history  records committed with git2 to a results branch; baselines from history
//!    │
//! verdict    Welch t-test + CI (stats), thresholds, noise floors, SLOs, competitive gaps
//!    │
//! report     terminal table (comfy-table) · Markdown · JSON
//!    │
//! cmd        one file per CLI verb; `printer` owns stdout/stderr; `main.rs` maps exit codes
//! ```
//!
//! Every CLI verb is also a library call (`cmd::*::run`), so tests drive the same code in
//! process and through the binary. Exit codes are documented in `docs/exit-codes.md`.

pub mod cli;
pub mod cmd;
pub mod dataset;
pub mod demo;
pub mod driver;
pub mod engine;
pub mod github;
pub mod history;
pub mod ingest;
pub mod printer;
pub mod record;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod system;
pub mod verdict;

/// The process exit status: a contract (see `docs/exit-codes.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: no regression.
    Success = 0,
    /// 1: an internal regression (or a missed objective).
    InternalRegression = 1,
    /// 2: a competitive regression.
    CompetitiveRegression = 2,
    /// 3: a fatal error or bad input.
    Failure = 3,
}

impl From<verdict::Verdict> for ExitStatus {
    fn from(v: verdict::Verdict) -> Self {
        match v {
            verdict::Verdict::Ok => ExitStatus::Success,
            verdict::Verdict::InternalRegression => ExitStatus::InternalRegression,
            verdict::Verdict::CompetitiveRegression => ExitStatus::CompetitiveRegression,
        }
    }
}
