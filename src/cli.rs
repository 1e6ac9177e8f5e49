//! Command-line definitions (clap derive). Nothing here runs anything.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `benchbot --version`: the crate version and the commit it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("BENCHBOT_COMMIT"),
    ")"
);

/// Seeded, statistically honest benchmarks with regression gates.
#[derive(Debug, Parser)]
#[command(name = "benchbot", version = VERSION, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Say only warnings and errors on stderr: no progress, no messages. Data on stdout and
    /// the exit code are unchanged.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more on stderr: what each phase measured (operations, errors, rate), which
    /// scenario files and baselines were used, where records and history commits went.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Colour the verdicts, warnings and errors: `auto` when the stream is a terminal and
    /// `NO_COLOR` is unset or empty; `always` even in a pipe (and over `NO_COLOR`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// `--color`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios, write records, compare with baselines and report.
    Run(Box<RunArgs>),
    /// Compare two revisions on this runner: base and head built side by side and measured in
    /// interleaved blocks, judged pair by pair.
    Ab(Box<AbArgs>),
    /// Measure what the gate says when nothing changed: one build as both base and head
    /// (A/A), interleaved, round after round; false alarms, detectable effects, blocks needed.
    Calibrate(Box<CalibrateArgs>),
    /// Record in the history that a change in performance was intended: baselines taken from
    /// the history start after it. Inside a merged pull request's `closed` event, accepts only
    /// when the pull request carries the accept label.
    Accept(AcceptArgs),
    /// Compare run records with a baseline.
    Compare(CompareArgs),
    /// Merge the records of a run's shards (`run --shard I/N`) into the record of the whole:
    /// histograms added, counts and rates summed, each shard's machine kept.
    Merge(MergeArgs),
    /// Manage committed baselines.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Check scenario files without running them.
    Validate(ValidateArgs),
    /// Read and maintain the results history.
    History(HistoryArgs),
    /// Post (or write to files) the PR comment and quarterly issue for a report.
    Publish(PublishCmdArgs),
    /// Check that this machine is fit to benchmark on.
    Preflight(PreflightArgs),
    /// Turn another tool's benchmark output into a run record.
    Ingest(IngestArgs),
    /// Print the JSON Schema of a file format.
    Schema(SchemaArgs),
    /// Describe a scenario's datasets, or write their rows for other tools.
    Dataset(DatasetArgs),
    /// Serve a small HTTP target with configurable latency (examples and tests).
    DemoServer(DemoServerArgs),
    /// Print a shell completion script: `benchbot completions bash > /etc/bash_completion.d/benchbot`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `benchbot man > benchbot.1`.
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell (bash, zsh, fish, elvish, powershell).
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
#[expect(
    clippy::struct_excessive_bools,
    reason = "command-line switches are booleans"
)]
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
    /// Only scenarios of these tiers (`[scenario] tier`; repeatable or comma separated), e.g.
    /// `small,ci` on every pull request and `seed` on runners with the real servers.
    #[arg(long = "tier", value_name = "TIER", value_delimiter = ',')]
    pub tiers: Vec<String>,
    /// Validate and print the plan without running anything.
    #[arg(long)]
    pub dry_run: bool,
    /// With `--dry-run`: print the first N requests of the measured sequence as they would be
    /// sent (each virtual user's `first` operations before them), and the thresholds in force.
    #[arg(long, value_name = "N", requires = "dry_run")]
    pub show_requests: Option<u64>,
    /// Override every scenario's number of repetitions.
    #[arg(long)]
    pub repetitions: Option<u32>,
    /// Generate shard I of N of the load (e.g. `2/4`): the open-loop rate, the virtual users
    /// and the operation sequence split so that N runs together send exactly the unsharded
    /// schedule. Combine their records with `benchbot merge`. The targets must be running
    /// already (no managed service); load phases need `--rendezvous`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// With `--shard`: where the shards of the run meet. A directory every shard reads and
    /// writes (one machine, NFS, a shared volume), fresh for each run; or `git+URL`, refs of a
    /// git remote every shard can push to (`BENCHBOT_TOKEN`/`GITHUB_TOKEN` for credentials).
    /// Shard 1 sets up alone, each shard loads its part of every load phase, shard 1 builds
    /// indexes once all parts are in, and every repetition starts on all shards at one instant.
    #[arg(long, value_name = "DIR|git+URL", requires = "shard")]
    pub rendezvous: Option<String>,
    /// How long a shard waits for the others at a rendezvous step before it fails.
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "1h",
        requires = "rendezvous"
    )]
    pub rendezvous_timeout: String,
    /// Wait until this instant (RFC 3339, e.g. `2026-05-01T12:00:00Z`) before the first
    /// scenario, so the shards of one run measure the same window.
    #[arg(long, value_name = "TIME")]
    pub start_at: Option<String>,
    /// No progress display.
    #[arg(long)]
    pub no_progress: bool,
    /// Serve live metrics in Prometheus' text format at `http://ADDR/metrics` while the run
    /// goes on (requests, errors by kind, in flight, intended rate, latency histogram per
    /// target and operation). Off by default; a loopback address unless
    /// `--metrics-any-address`. Port 0 picks a free one (printed).
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// Allow `--metrics-addr` on an address other machines can reach.
    #[arg(long, requires = "metrics_addr")]
    pub metrics_any_address: bool,
    /// What started this run, stored in the record (default: the Actions event name, or `local`).
    #[arg(long)]
    pub trigger: Option<String>,
    /// Append every record to the results history in this git repository (created bare if
    /// the path does not exist).
    #[arg(long, value_name = "REPO")]
    pub history: Option<PathBuf>,
    /// The results branch.
    #[arg(long, default_value = crate::history::DEFAULT_BRANCH)]
    pub history_branch: String,
    /// After appending, push the results branch to this remote (name or URL), with retries.
    #[arg(long, value_name = "REMOTE", requires = "history")]
    pub push: Option<String>,
    /// Compare with the runs of this code branch in the history (merge base and before)
    /// instead of `--baselines`. On pull requests with `--history`, the PR's base branch.
    #[arg(long, value_name = "BRANCH", requires = "history")]
    pub history_baseline: Option<String>,
    /// Post the PR comment / quarterly issue when a token is available (files are always written).
    #[arg(long)]
    pub publish: bool,
    /// What preflight does: `report` (record and print), `enforce` (refuse to run on a
    /// failed check), `strict` (also on a warning), `off`.
    #[arg(long, value_enum, default_value = "report")]
    pub preflight: PreflightMode,
    /// Continue the suite in `--out` that was interrupted: completed scenarios are skipped and
    /// the run id is kept (`calibrate`: completed rounds are judged again, not measured).
    #[arg(long)]
    pub resume: bool,
    /// Retry a failing scenario this many times before reporting it failed.
    #[arg(long, default_value_t = 1)]
    pub retries: u32,
    /// Pause between scenarios, e.g. `5s`.
    #[arg(long, value_name = "DURATION")]
    pub scenario_cooldown: Option<String>,
    /// Pin benchbot (the load generator) to these CPUs, e.g. `0-1` or `0,2`.
    #[arg(long, value_name = "CPUS")]
    pub generator_cpus: Option<String>,
    /// Labels of this runner, stored in the environment fingerprint (comma separated).
    #[arg(long, value_name = "LABELS", value_delimiter = ',')]
    pub runner_labels: Vec<String>,
    /// Interval of system samples during repetitions.
    #[arg(long, default_value = "5s", value_name = "DURATION")]
    pub sample_interval: String,
    /// Where exact ground truth of vector datasets is cached (default: `$BENCHBOT_CACHE_DIR`,
    /// else `$XDG_CACHE_HOME/benchbot`, else `~/.cache/benchbot`, else `<out>/cache`).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    #[command(flatten)]
    pub judging: JudgeArgs,
    #[command(flatten)]
    pub publishing: PublishArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct AbArgs {
    /// The base revision (branch, tag or commit). Its merge base with the head is measured,
    /// as a pull request would merge, unless `--exact-base`.
    #[arg(long)]
    pub base: String,
    /// The head revision (default: the working tree as it is, uncommitted changes included).
    #[arg(long)]
    pub head: Option<String>,
    /// Measure `--base` itself rather than its merge base with the head.
    #[arg(long)]
    pub exact_base: bool,
    /// The command that builds a tree (`sh -c` at its top level), e.g. `cargo build --release`
    /// (default: the scenarios' `[build]` command; none when they have none).
    #[arg(long)]
    pub build: Option<String>,
    /// Blocks of the first stage: a number, or `auto` for what this machine's latest stored
    /// calibration says each scenario needs (at most 60; see `benchbot calibrate`). Default:
    /// each scenario's repetitions, at least 6.
    #[arg(long, value_parser = parse_blocks)]
    pub blocks: Option<Blocks>,
    /// Confirm a suspected regression with more blocks: `off`, or a factor of the blocks
    /// (`2x`: as many again). Only a confirmed regression fails the run.
    #[arg(long, default_value = "2x")]
    pub confirm: String,
    /// When the first stage leaves a gating row inconclusive, run the blocks that would likely
    /// settle it, up to this factor of the blocks in all (`2x`: as many again), before
    /// judging; `off` reports it inconclusive at once.
    #[arg(long, default_value = "2x")]
    pub extend: String,
    /// Run a block measured on a busy machine again, at most this many times per scenario.
    #[arg(long, default_value_t = 6)]
    pub reruns: u32,
    /// Seed of the blocks' order (default: derived from the run id).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where the worktrees of base and head go (default: `<out>/ab/trees`).
    #[arg(long, value_name = "DIR")]
    pub trees: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// The git repository holding the results branch (created when missing).
    #[arg(long, value_name = "REPO")]
    pub history: PathBuf,
    #[arg(long, default_value = crate::history::DEFAULT_BRANCH)]
    pub history_branch: String,
    /// The scenarios it covers (repeatable; default: every scenario).
    #[arg(long = "scenario", value_name = "NAME")]
    pub scenarios: Vec<String>,
    /// Why the change is intended (kept in the history). Inside a pull request's event:
    /// default its number and title.
    #[arg(long)]
    pub reason: Option<String>,
    /// Who accepts it (default: whoever merged the pull request, `$GITHUB_ACTOR`, or git's
    /// `user.name`).
    #[arg(long)]
    pub by: Option<String>,
    /// The commit whose performance is accepted (default: the pull request's merge commit, or
    /// `HEAD`).
    #[arg(long)]
    pub sha: Option<String>,
    /// The label that accepts a pull request's change.
    #[arg(long, default_value = "benchbot-accept")]
    pub accept_label: String,
    /// Push the results branch to this remote afterwards (name or URL).
    #[arg(long)]
    pub push: Option<String>,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// A/A rounds of every scenario.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(2..=10_000))]
    pub rounds: u32,
    /// Blocks of each round's first stage (default: as `benchbot ab`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub blocks: Option<u32>,
    /// Confirmation of a suspected regression, as `benchbot ab --confirm`.
    #[arg(long, default_value = "2x")]
    pub confirm: String,
    /// Extension of an inconclusive first stage, as `benchbot ab --extend`.
    #[arg(long, default_value = "2x")]
    pub extend: String,
    /// Busy blocks run again, as `benchbot ab --reruns`.
    #[arg(long, default_value_t = 6)]
    pub reruns: u32,
    /// The build command run once before the rounds (default: the scenarios' `[build]`).
    #[arg(long)]
    pub build: Option<String>,
    /// Commit each scenario's calibration to the history (`--history`), where
    /// `benchbot ab --blocks auto` on this machine finds it.
    #[arg(long)]
    pub store: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// What to do when a scenario was not judged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Policy {
    /// Exit 0 and say nothing more.
    Pass,
    /// Exit 0 with a warning in the report and an Actions `::warning`.
    #[default]
    Warn,
    /// Exit 3: a hard gate.
    Fail,
}

/// How runs are judged (shared by `run`, `ab` and `compare`).
#[derive(Clone, Debug, Args)]
pub struct JudgeArgs {
    /// Ingested results: a baseline benchmark missing from this run, or one the tool reported
    /// as failed, is shown instead of failing the run (exit 3).
    #[arg(long)]
    pub allow_missing: bool,
    /// When a scenario has no baseline: `pass`, `warn` or `fail` (exit 3).
    #[arg(long, value_enum, default_value = "warn")]
    pub on_no_baseline: Policy,
    /// When the baseline was measured on another machine: `pass`, `warn` or `fail` (exit 3).
    #[arg(long, value_enum, default_value = "warn")]
    pub on_incomparable: Policy,
    /// When gating rows are inconclusive or the machine was busy: `pass`, `warn` or `fail`.
    #[arg(long, value_enum, default_value = "warn")]
    pub on_inconclusive: Policy,
    /// Fingerprint fields that make machines incomparable (comma separated): cpu, cores, arch,
    /// labels, kernel, os, host, memory. Differences in the others are noted.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "cpu,cores,arch,labels"
    )]
    pub hard_env: Vec<crate::system::EnvField>,
    /// A repetition counts as measured on a busy machine when other processes used more than
    /// this many cores; such repetitions are left out of the judgement. A runner with known,
    /// steady background load can set it in the environment.
    #[arg(
        long,
        default_value_t = 0.5,
        value_name = "CORES",
        env = "BENCHBOT_BUSY_CORES"
    )]
    pub busy_cores: f64,
    /// … or when the hypervisor took more than this percent of the CPU (steal).
    #[arg(
        long,
        default_value_t = 10.0,
        value_name = "PERCENT",
        env = "BENCHBOT_BUSY_STEAL"
    )]
    pub busy_steal: f64,
    /// Judge repetitions measured on a busy machine too.
    #[arg(long)]
    pub keep_busy: bool,
}

/// How results are published (shared by `run --publish` and `publish`).
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// When to create the sticky PR comment; an existing one is always kept current.
    #[arg(long, value_enum, default_value = "regression")]
    pub comment_on: crate::github::CommentOn,
    /// Name of this suite: one sticky comment per suite (letters, digits, `.`, `_`, `-`; at
    /// most 64).
    #[arg(long, default_value = "default", value_parser = parse_suite)]
    pub suite: String,
    /// Write (and with a token, post) the quarterly competitive review. Implied by `schedule` events.
    #[arg(long)]
    pub quarterly: bool,
    /// The quarter, e.g. `2026-Q4` (default: the current one).
    #[arg(long)]
    pub quarter: Option<String>,
    /// Open one labelled issue per HIGH optimization task (deduplicated against open ones).
    #[arg(long)]
    pub task_issues: bool,
    /// Label of the quarterly issue.
    #[arg(long, default_value = "benchbot-quarterly")]
    pub quarterly_label: String,
    /// Open at most this many task issues per run (largest gaps first).
    #[arg(long, default_value_t = 5)]
    pub max_task_issues: usize,
    /// Label of task issues.
    #[arg(long, default_value = "benchbot-task")]
    pub task_label: String,
    /// Run pull requests from forks anyway (a maintainer's decision).
    #[arg(long)]
    pub allow_fork: bool,
    /// A label on a fork's pull request that allows running it.
    #[arg(long, default_value = "safe-to-benchmark")]
    pub fork_label: String,
    /// A label on a pull request that accepts its regressions as intended: reported, not
    /// failing, and recorded in the history (who, why) when a history is given.
    #[arg(long, default_value = "benchbot-accept")]
    pub accept_label: String,
    /// Competitors' published figures, shown in the quarterly review when scenarios name them.
    #[arg(long, default_value = "baselines/published.toml")]
    pub published: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Run records to judge.
    #[arg(required = true)]
    pub records: Vec<PathBuf>,
    /// A baseline file, a directory holding `<scenario>.json` baselines, or
    /// `history:BRANCH`: the runs of `BRANCH` at and before its merge base with the record's
    /// commit, from the results history. Not needed for A/B records (`benchbot ab`), which
    /// hold their base.
    #[arg(long)]
    pub baseline: Option<String>,
    /// The results history (a git repository) for `history:` baselines.
    #[arg(long, value_name = "REPO", default_value = ".")]
    pub history: PathBuf,
    /// The results branch.
    #[arg(long, default_value = crate::history::DEFAULT_BRANCH)]
    pub history_branch: String,
    /// The code repository, for merge bases of `history:` baselines.
    #[arg(long, value_name = "REPO", default_value = ".")]
    pub code: PathBuf,
    /// How many runs of the base branch to pool.
    #[arg(long, default_value_t = 5)]
    pub last: usize,
    #[command(flatten)]
    pub judging: JudgeArgs,
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
pub struct MergeArgs {
    /// The shards' record files, one per shard.
    #[arg(required = true)]
    pub records: Vec<PathBuf>,
    /// Where the merged record goes: `<out>/records/<scenario>/<run-id>.json`.
    #[arg(long, default_value = "benchbot-out")]
    pub out: PathBuf,
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
pub struct DatasetArgs {
    /// The scenario whose `[dataset]` to use.
    pub scenario: PathBuf,
    /// Write these rows (default: only describe the datasets and print their digest).
    #[arg(long, value_enum)]
    pub rows: Option<DatasetRows>,
    /// `copy` (PostgreSQL COPY text: tab-separated fields), `jsonl` (one object per row),
    /// `fvecs` (vectors only, little-endian f32 with a dimension prefix).
    #[arg(long, value_enum, default_value = "copy")]
    pub format: DatasetFormat,
    /// Write the query vectors instead of the base vectors (`--rows vectors`).
    #[arg(long)]
    pub queries: bool,
    /// Output file (default: standard output).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DatasetRows {
    Vectors,
    Edges,
    Keys,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DatasetFormat {
    Copy,
    Jsonl,
    Fvecs,
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
    /// Serve at most this many requests at once; the rest queue (a capacity of
    /// `workers ÷ delay` per second). 0: no limit.
    #[arg(long, default_value_t = 0)]
    pub workers: usize,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The git repository holding the results branch.
    #[arg(long, value_name = "REPO", default_value = ".", global = true)]
    pub repo: PathBuf,
    /// The results branch.
    #[arg(long, default_value = crate::history::DEFAULT_BRANCH, global = true)]
    pub branch: String,
    #[command(subcommand)]
    pub command: HistoryCommand,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// One line per stored run.
    List(HistoryFilter),
    /// A stored record, as JSON.
    Show { run_id: String },
    /// A metric over time: a table and a sparkline per target and operation.
    Trend {
        scenario: String,
        #[arg(long, default_value = "p99")]
        metric: String,
        /// Only the latest N runs.
        #[arg(long)]
        last: Option<usize>,
    },
    /// Where a scenario's metrics stepped (E-divisive means, t-test merge step).
    Changes {
        scenario: String,
        /// Metrics to analyse (default p50, p99, throughput).
        #[arg(long = "metric")]
        metrics: Vec<String>,
        /// Significance of a change point.
        #[arg(long, default_value_t = 0.001)]
        max_p: f64,
        /// Fewest runs on each side of a change point.
        #[arg(long, default_value_t = 3)]
        min_segment: usize,
    },
    /// A static site of the history (an index of every scenario and run, a page per
    /// scenario with its trends and change points, a page per run): self-contained, no
    /// script, no network; opens from `file://` and from GitHub Pages.
    Site {
        /// Directory to write it into (created; files of an earlier site are replaced).
        #[arg(long, default_value = "benchbot-site")]
        out: PathBuf,
        /// Significance of a change point.
        #[arg(long, default_value_t = 0.001)]
        max_p: f64,
        /// Fewest runs on each side of a change point.
        #[arg(long, default_value_t = 3)]
        min_segment: usize,
    },
    /// Every stored record (after filters) as CSV rows (one per repetition) or a JSON array.
    Export {
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        #[command(flatten)]
        filter: HistoryFilter,
    },
    /// Add record files (or directories of them); run ids already stored are skipped.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Records per commit.
        #[arg(long, default_value_t = 200)]
        batch: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Default, Args)]
pub struct HistoryFilter {
    #[arg(long)]
    pub scenario: Option<String>,
    /// Code branch the runs were taken on (the record's git reference).
    #[arg(long = "code-branch")]
    pub code_branch: Option<String>,
    /// Runs started on or after this date (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Runs started before this date (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    #[arg(long)]
    pub trigger: Option<String>,
}

#[derive(Debug, Args)]
pub struct PublishCmdArgs {
    /// The JSON report written by `run` or `compare`.
    #[arg(long, default_value = "benchbot-out/latest.json")]
    pub report: PathBuf,
    /// Where the bodies are written.
    #[arg(long, default_value = "benchbot-out")]
    pub out: PathBuf,
    /// The results history, for trends in the quarterly issue.
    #[arg(long, value_name = "REPO")]
    pub history: Option<PathBuf>,
    #[arg(long, default_value = crate::history::DEFAULT_BRANCH)]
    pub history_branch: String,
    /// The pull request to comment on when the event is not one: in a `workflow_run` job (the
    /// trusted half of the split in docs/security.md) the default is the triggering run's pull
    /// request, or the one the report names; either way benchbot posts only when GitHub says
    /// that pull request's head is the commit the run measured.
    #[arg(long, value_name = "NUMBER")]
    pub pr: Option<u64>,
    #[command(flatten)]
    pub publishing: PublishArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PreflightMode {
    Report,
    Enforce,
    Strict,
    Off,
}

#[derive(Debug, Args)]
pub struct PreflightArgs {
    /// Warnings count as failures.
    #[arg(long)]
    pub strict: bool,
    /// Scenario files or directories whose declared `memory` must be free.
    #[arg(long = "scenarios", value_name = "PATH")]
    pub scenarios: Vec<PathBuf>,
    /// Warn above this 1-minute load per core.
    #[arg(long, default_value_t = 0.5)]
    pub warn_load: f64,
    /// Fail above this 1-minute load per core.
    #[arg(long, default_value_t = 1.5)]
    pub fail_load: f64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Output files (for criterion: `target/criterion`, or an `estimates.json`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "auto")]
    pub format: crate::ingest::Format,
    /// Scenario name of the record (default: the format's name).
    #[arg(long, value_parser = parse_suite)]
    pub scenario: Option<String>,
    /// Target name of the record.
    #[arg(long, default_value = "ours", value_parser = parse_suite)]
    pub target: String,
    /// Relative regression threshold for later comparisons.
    #[arg(long, default_value = "5%")]
    pub threshold: String,
    /// Absolute noise floor for times, e.g. `2ns` (default: none).
    #[arg(long, default_value = "0ns")]
    pub floor: String,
    /// Also append the record to this results history.
    #[arg(long, value_name = "REPO")]
    pub history: Option<PathBuf>,
    #[arg(long, default_value = crate::history::DEFAULT_BRANCH)]
    pub history_branch: String,
    /// Directory the record is written under (`records/<scenario>/<run-id>.json`).
    #[arg(long, default_value = "benchbot-out")]
    pub out: PathBuf,
    /// criterion: only results written since this time (RFC 3339, or an age like `30m`).
    /// Default: the latest run's results; older ones in the folder are named and left out.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// A value whose direction the tool does not say (a Google Benchmark counter, a unit) is
    /// better bigger: its benchmark's full name, or the counter's or unit's name. Repeatable.
    #[arg(long = "bigger-is-better", value_name = "NAME")]
    pub bigger_is_better: Vec<String>,
}

/// `--blocks`: a number of blocks, or what a calibration says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocks {
    Fixed(u32),
    Auto,
}

fn parse_blocks(s: &str) -> Result<Blocks, String> {
    if s == "auto" {
        return Ok(Blocks::Auto);
    }
    match s.parse::<u32>() {
        Ok(n) if (2..=1000).contains(&n) => Ok(Blocks::Fixed(n)),
        _ => Err(format!(
            "`{s}` is neither `auto` nor a number of blocks in 2..=1000"
        )),
    }
}

/// A name that can become part of a path or a marker (letters, digits, `.`, `_`, `-`).
fn parse_suite(s: &str) -> Result<String, String> {
    crate::util::Name::parse(s).map(|n| n.to_string())
}
