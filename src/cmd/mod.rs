//! One file per CLI verb. Each exposes `run(args, printer) -> anyhow::Result<ExitStatus>`;
//! [`dispatch`] picks the verb. Shared stages live beside them: loading scenarios, resolving
//! baselines, writing reports.

pub mod ab;
pub mod accept;
pub mod baseline;
pub mod baselines;
pub mod calibrate;
pub mod compare;
pub mod dataset;
pub mod demo_server;
mod dispatch;
pub mod history;
pub mod ingest;
pub mod judging;
mod merge;
pub mod preflight;
pub mod publish;
mod reports;
pub mod run;
mod scenarios;
pub mod schema;
pub mod validate;

pub use baselines::baseline_path;
pub use dispatch::dispatch;
pub use reports::emit_reports;
pub use scenarios::load_scenarios;
