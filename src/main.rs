use std::process::ExitCode;

use clap::Parser;

use benchbot::cli::Cli;
use benchbot::cmd;
use benchbot::exit::{for_usage, ExitStatus};
use benchbot::printer::Printer;

fn main() -> ExitCode {
    let status = match Cli::try_parse() {
        Err(e) => {
            // Help and version on stdout, usage errors on stderr; exit 3 for the latter.
            let _ = e.print();
            for_usage(&e)
        }
        Ok(cli) => match cmd::dispatch(cli) {
            Ok(status) => status,
            Err(e) => {
                Printer::new(false).error(&format!("{e:#}"));
                ExitStatus::Failure
            }
        },
    };
    ExitCode::from(status as u8)
}
