//! benchbot: seeded, statistically honest benchmarks with regression gates.
//!
//! # Module map
//!
//! Imports go one way, down this list: a module uses only modules below it (checked by
//! `tests/architecture.rs`; `docs/architecture.md` explains each one).
//!
//! ```text
//! cmd, cli, printer, exit, demo   the CLI verbs, clap types, the one owner of stdout/stderr,
//!                                 the one owner of the exit code, the demo HTTP target
//! github      Actions context and runtime files; REST client (octocrab); comment/issue logic
//! report      terminal table, Markdown, JSON, plans and trends: renders plain data
//! gate        interleaved A/B: blocks in seeded order, busy reruns, confirmation
//! verdict     a record against a baseline: statistics, thresholds, objectives, standings
//! history     records committed with git2 to a results branch; baselines from history
//! engine      targets × repetitions, open/closed loop timing, load phases, observers
//! ingest      other tools' benchmark output → run records
//! record      versioned JSON run records with HdrHistograms; cited published figures
//! scenario    the TOML model validated into a typed plan; the seeded operation sequence
//! driver      one folder per driver (tables, checks, client, load phase); managed services
//! template    `{{…}}` request templates and load-phase field templates
//! dataset     seeded vectors, graphs, key spaces; vector files; exact ground truth
//! stats       pure statistics (statrs)       system   fingerprint, preflight, samples
//! util        rng, zipf, units, hex, locations in TOML, atomic files, histograms, errors
//! ```
//!
//! Every CLI verb is also a library call (`cmd::*::run`), so tests drive the same code in
//! process and through the binary. Exit codes are documented in `docs/exit-codes.md`.

pub mod chart;
pub mod cli;
pub mod cmd;
pub mod dataset;
pub mod demo;
pub mod driver;
pub mod engine;
pub mod exit;
pub mod gate;
pub mod github;
pub mod history;
pub mod ingest;
pub mod printer;
pub mod record;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod system;
pub mod template;
pub mod util;
pub mod verdict;

pub use exit::ExitStatus;
