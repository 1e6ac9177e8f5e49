//! Renderers of plain data: comparisons as a terminal table, Markdown and JSON; the bodies
//! benchbot posts; dry-run plans, preflight tables and trends. They know nothing of git or
//! GitHub.

mod bodies;
mod calibration;
mod capacity;
mod charts;
mod format;
mod headline;
mod json;
mod markdown;
mod plan;
mod preflight;
mod profile;
mod site;
mod story;
mod terminal;
mod trend;

pub use bodies::{
    bound_lines, bounded_markdown, quarterly_markdown, task_markdown, GITHUB_BODY_LIMIT,
    SUMMARY_LIMIT_CHARS,
};
pub use calibration::{calibration_markdown, calibration_table, rate_text};
pub use capacity::capacity_table;
pub use charts::{capacity_charts, record_charts, sweep_charts, trend_chart, NamedChart};
pub(crate) use format::{cells, late_cells, metric_word, signed_pct};
pub use format::{format_ns, format_value, format_value_in, sig3};
pub use headline::{headline, overall, scenario_summary, verdict_words};
pub use json::{json, json_for, ReportPr};
pub use markdown::{basis_sentence, code, escape_md, markdown, markdown_with, reproduce, Extras};
use markdown::{competitors_md, row_md, HEADER};
pub use plan::{plan, requests};
pub use preflight::preflight_table;
pub use profile::stages_table;
pub use site::{site, Page};
pub use terminal::terminal;
pub use trend::{changes, series, sparkline, trend, Series};
