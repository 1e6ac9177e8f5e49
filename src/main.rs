use std::process::ExitCode;

use clap::Parser;

use benchbot::cli::Cli;
use benchbot::printer::Printer;
use benchbot::{cmd, ExitStatus};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cmd::dispatch(cli) {
        Ok(status) => status,
        Err(e) => {
            Printer::new(false).error(&format!("{e:#}"));
            ExitStatus::Failure
        }
    };
    ExitCode::from(status as u8)
}
