//! One file per CLI verb. Each exposes `run(args, printer) -> anyhow::Result<ExitStatus>`.

pub mod baseline;
pub mod compare;
pub mod dataset;
pub mod demo_server;
pub mod history;
pub mod ingest;
pub mod preflight;
pub mod publish;
pub mod run;
pub mod schema;
pub mod validate;

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::cli::{Cli, Command, Format, OutputArgs};
use crate::printer::Printer;
use crate::record::write_atomic;
use crate::report;
use crate::scenario::{self, Scenario};
use crate::verdict::Comparison;
use crate::ExitStatus;

/// Runs the parsed command line.
///
/// # Errors
/// Any fatal error; `main` prints it and exits with 3.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Run(a) => run::run(&a, &Printer::new(!a.no_progress)),
        Command::Compare(a) => compare::run(&a, &Printer::new(false)),
        Command::Baseline(crate::cli::BaselineCommand::Write(a)) => {
            baseline::write(&a, &Printer::new(false))
        }
        Command::Validate(a) => validate::run(&a, &Printer::new(false)),
        Command::History(a) => history::run(&a, &Printer::new(false)),
        Command::Publish(a) => publish::run(&a, &Printer::new(false)),
        Command::Preflight(a) => preflight::run(&a, &Printer::new(false)),
        Command::Ingest(a) => ingest::run(&a, &Printer::new(false)),
        Command::Schema(a) => schema::run(&a, &Printer::new(false)),
        Command::Dataset(a) => dataset::run(&a, &Printer::new(false)),
        Command::DemoServer(a) => demo_server::run(&a, &Printer::new(false)),
    }
}

/// Loads every scenario under `paths`; prints every invalid one and returns `None` if any is.
///
/// # Errors
/// When a path does not exist.
pub fn load_scenarios(
    paths: &[PathBuf],
    printer: &Printer,
) -> anyhow::Result<Option<Vec<Scenario>>> {
    let files = scenario::discover(paths).context("cannot list scenarios")?;
    if files.is_empty() {
        anyhow::bail!(
            "no scenario files (*.toml) under {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut ok = Vec::new();
    let mut failed = false;
    for f in files {
        match Scenario::load(&f) {
            Ok(s) => ok.push(s),
            Err(e) => {
                printer.error(&e.to_string());
                failed = true;
            }
        }
    }
    for (i, s) in ok.iter().enumerate() {
        if let Some(other) = ok[..i].iter().find(|o| o.name == s.name) {
            printer.error(&format!(
                "{}: scenario name `{}` is already used by {}",
                s.path.display(),
                s.name,
                other.path.display()
            ));
            failed = true;
        }
    }
    Ok((!failed).then_some(ok))
}

/// Writes `latest.json`, `latest.md` and `latest.txt` into the output directory and prints
/// the requested format on stdout.
///
/// # Errors
/// When the output directory cannot be written.
pub fn emit_reports(
    comparisons: &[Comparison],
    output: &OutputArgs,
    printer: &Printer,
) -> anyhow::Result<()> {
    let json = report::json(comparisons)?;
    let md = report::markdown(comparisons);
    let txt = report::terminal(comparisons);
    write_atomic(&output.out.join("latest.json"), json.as_bytes())?;
    write_atomic(&output.out.join("latest.md"), md.as_bytes())?;
    write_atomic(&output.out.join("latest.txt"), txt.as_bytes())?;
    printer.out(match output.format {
        Format::Table => &txt,
        Format::Markdown => &md,
        Format::Json => &json,
    });
    Ok(())
}

/// The baseline of `scenario` in `dir`, if one is committed.
#[must_use]
pub fn baseline_path(dir: &Path, scenario: &str) -> PathBuf {
    dir.join(format!("{scenario}.json"))
}
