//! `benchbot preflight`: is this machine fit to benchmark on?

use crate::cli::PreflightArgs;
use crate::printer::Printer;
use crate::report::preflight_table;
use crate::system::preflight::{preflight, CheckStatus, Limits};
use crate::ExitStatus;

/// # Errors
/// Unreadable scenarios.
pub fn run(args: &PreflightArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let mut limits = Limits {
        strict: args.strict,
        load_per_core: (args.warn_load, args.fail_load),
        ..Limits::default()
    };
    if !args.scenarios.is_empty() {
        let Some(scenarios) = super::load_scenarios(&args.scenarios, printer)? else {
            return Ok(ExitStatus::Failure);
        };
        limits.needed_memory = scenarios
            .iter()
            .filter_map(|s| s.file.scenario.memory.map(|m| m.0))
            .max()
            .unwrap_or(limits.needed_memory);
    }
    let report = preflight(&limits);
    printer.out(&if args.json {
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        preflight_table(&report)
    });
    Ok(if report.outcome() == CheckStatus::Fail {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
