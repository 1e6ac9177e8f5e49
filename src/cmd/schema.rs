//! `benchbot schema`: the JSON Schemas published in `docs/schema/`.

use crate::cli::{SchemaArgs, SchemaKind};
use crate::printer::Printer;
use crate::record::RunRecord;
use crate::scenario::ScenarioFile;
use crate::ExitStatus;

/// The schema text of `kind`, exactly as committed under `docs/schema/`.
///
/// # Errors
/// Never in practice.
pub fn schema_text(kind: SchemaKind) -> serde_json::Result<String> {
    let schema = match kind {
        SchemaKind::Scenario => schemars::schema_for!(ScenarioFile),
        SchemaKind::Record => schemars::schema_for!(RunRecord),
    };
    Ok(serde_json::to_string_pretty(&schema)? + "\n")
}

/// # Errors
/// Never in practice.
pub fn run(args: &SchemaArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    printer.out(&schema_text(args.kind)?);
    Ok(ExitStatus::Success)
}
