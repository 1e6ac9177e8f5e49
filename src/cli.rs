//! Command-line definitions (clap derive). Nothing here runs anything.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Seeded, statistically honest benchmarks with regression gates.
#[derive(Debug, Parser)]
#[command(name = "benchbot", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios, write records, compare with baselines and report.
    Run(RunArgs),
    /// Compare run records with a baseline.
    Compare(CompareArgs),
    /// Manage committed baselines.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Check scenario files without running them.
    Validate(ValidateArgs),
    /// Print the JSON Schema of a file format.
    Schema(SchemaArgs),
    /// Serve a small HTTP target with configurable latency (examples and tests).
    DemoServer(DemoServerArgs),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Directory for records and reports (`latest.json`, `latest.md`, `latest.txt`).
    #[arg(long, default_value = "benchbot-out")]
    pub out: PathBuf,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files or directories (searched recursively for *.toml).
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,
    /// Directory of committed baselines (`<scenario>.json`).
    #[arg(long, default_value = "baselines")]
    pub baselines: PathBuf,
    /// Only scenarios with these names (repeatable).
    #[arg(long = "scenario", value_name = "NAME")]
    pub filter: Vec<String>,
    /// Validate and print the plan without running anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Override every scenario's number of repetitions.
    #[arg(long)]
    pub repetitions: Option<u32>,
    /// No progress display.
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Run records to judge.
    #[arg(required = true)]
    pub records: Vec<PathBuf>,
    /// A baseline file, or a directory holding `<scenario>.json` baselines.
    #[arg(long)]
    pub baseline: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Save run records as the baselines of their scenarios.
    Write(BaselineWriteArgs),
}

#[derive(Debug, Args)]
pub struct BaselineWriteArgs {
    /// Run records to promote.
    #[arg(required = true)]
    pub records: Vec<PathBuf>,
    /// Directory of baselines.
    #[arg(long, default_value = "baselines")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Scenario,
    Record,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[arg(value_enum)]
    pub kind: SchemaKind,
}

#[derive(Debug, Args)]
pub struct DemoServerArgs {
    /// Port on 127.0.0.1 (0 picks one and prints it).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Added to every request, e.g. `2ms`.
    #[arg(long, default_value = "0ms")]
    pub delay: String,
    /// Every Nth request additionally stalls for `--stall`.
    #[arg(long, default_value_t = 0)]
    pub stall_every: u64,
    #[arg(long, default_value = "500ms")]
    pub stall: String,
}
