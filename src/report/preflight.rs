//! The preflight report as a table.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;

use crate::system::preflight::PreflightReport;

/// The preflight report as a table.
#[must_use]
pub fn preflight_table(report: &PreflightReport) -> String {
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
