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
    let (quiet, verbose) = (cli.quiet, cli.verbose);
    crate::printer::set_color(match cli.color {
        crate::cli::ColorChoice::Auto => crate::printer::ColorChoice::Auto,
        crate::cli::ColorChoice::Always => crate::printer::ColorChoice::Always,
        crate::cli::ColorChoice::Never => crate::printer::ColorChoice::Never,
    });
    let printer = |progress: bool| Printer::new(progress).quiet(quiet).verbose(verbose);
    match cli.command {
        Command::Run(a) => run::run(&a, &printer(!a.no_progress)),
        Command::Ab(a) => ab::run(&a, &printer(!a.run.no_progress)),
        Command::Accept(a) => accept::run(&a, &printer(false)),
        Command::Calibrate(a) => calibrate::run(&a, &printer(!a.run.no_progress)),
        Command::Compare(a) => compare::run(&a, &printer(false)),
        Command::Merge(a) => merge::run(&a, &printer(false)),
        Command::Baseline(BaselineCommand::Write(a)) => baseline::write(&a, &printer(false)),
        Command::Validate(a) => validate::run(&a, &printer(false)),
        Command::History(a) => history::run(&a, &printer(false)),
        Command::Publish(a) => publish::run(&a, &printer(false)),
        Command::Preflight(a) => preflight::run(&a, &printer(false)),
        Command::Ingest(a) => ingest::run(&a, &printer(false)),
        Command::Schema(a) => schema::run(&a, &printer(false)),
        Command::Dataset(a) => dataset::run(&a, &printer(false)),
        Command::DemoServer(a) => demo_server::run(&a, &printer(false)),
        // Written whole through the printer: a closed pipe (`| head`) is not an error.
        Command::Completions(a) => {
            let mut script = Vec::new();
            clap_complete::generate(
                a.shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "benchbot",
                &mut script,
            );
            printer(false).command(&String::from_utf8_lossy(&script));
            Ok(ExitStatus::Success)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut page)?;
            printer(false).command(&String::from_utf8_lossy(&page));
            Ok(ExitStatus::Success)
        }
    }
}
