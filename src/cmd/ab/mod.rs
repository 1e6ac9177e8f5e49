//! `benchbot ab`: base and head of a change measured in interleaved blocks on this runner.

mod build;
mod trees;

pub use build::build;
pub use trees::{prepare, Tree};

use crate::cli::AbArgs;
use crate::exit::ExitStatus;
use crate::printer::Printer;

/// # Errors
/// Fatal errors only; a regression is a result.
pub fn run(args: &AbArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    super::run::execute(&args.run, Some(args), printer)
}
