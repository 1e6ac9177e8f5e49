//! `benchbot preflight`: is this machine fit to benchmark on?

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;

use crate::cli::PreflightArgs;
use crate::printer::Printer;
use crate::system::preflight::{preflight, CheckStatus, Limits, PreflightReport};
use crate::ExitStatus;

/// The preflight report as a table.
#[must_use]
pub fn render(report: &PreflightReport) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(["Check", "Measured", "Status", "Limit"]);
    for c in &report.checks {
        t.add_row(vec![
            c.name.clone(),
            c.value.clone(),
            c.status.to_string(),
            c.detail.clone(),
        ]);
    }
    format!(
        "{t}\npreflight: {}{}\n",
        report.outcome(),
        if report.strict {
            " (strict: warnings fail)"
        } else {
            ""
        }
    )
}

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
        render(&report)
    });
    Ok(if report.outcome() == CheckStatus::Fail {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
