//! The parsed command line to the verb that runs it.

use super::{
    ab, accept, baseline, calibrate, compare, dataset, demo_server, history, ingest, merge,
    preflight, publish, run, schema, validate,
};
use crate::cli::{BaselineCommand, Cli, Command};
use crate::printer::Printer;
use crate::ExitStatus;

/// Runs the parsed command line.
///
/// # Errors
/// Any fatal error; `main` prints it and exits with 3.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Run(a) => run::run(&a, &Printer::new(!a.no_progress)),
        Command::Ab(a) => ab::run(&a, &Printer::new(!a.run.no_progress)),
        Command::Accept(a) => accept::run(&a, &Printer::new(false)),
        Command::Calibrate(a) => calibrate::run(&a, &Printer::new(!a.run.no_progress)),
        Command::Compare(a) => compare::run(&a, &Printer::new(false)),
        Command::Merge(a) => merge::run(&a, &Printer::new(false)),
        Command::Baseline(BaselineCommand::Write(a)) => baseline::write(&a, &Printer::new(false)),
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
