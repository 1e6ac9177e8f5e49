//! `benchbot dataset`: what a scenario's datasets are (sizes, digest), and their rows written
//! out for other tools (`psql \copy`, NumPy, a competitor's own loader), byte for byte the rows
//! the load phase sends.

use std::io::Write as _;

use anyhow::Context as _;

use crate::cli::{DatasetArgs, DatasetFormat, DatasetRows};
use crate::dataset::{RowKind, Vectors};
use crate::printer::Printer;
use crate::record::DatasetInfo;
use crate::scenario::Scenario;
use crate::ExitStatus;

/// # Errors
/// An unreadable scenario, a scenario without the requested dataset, an unwritable output.
pub fn run(args: &DatasetArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let scenario = match Scenario::load(&args.scenario) {
        Ok(s) => s,
        Err(e) => {
            printer.error(&crate::util::error::chain(&e));
            return Ok(ExitStatus::Failure);
        }
    };
    let Some(data) = &scenario.dataset else {
        printer.error(&format!(
            "{}: the scenario has no [dataset] table",
            args.scenario.display()
        ));
        return Ok(ExitStatus::Failure);
    };
    let Some(rows) = args.rows else {
        let info = DatasetInfo::of(data, true);
        for (what, t) in info.parts() {
            printer.out(&format!("{what}: {t}\n"));
        }
        if let Some(d) = &info.vectors_digest {
            printer.out(&format!("vectors digest: {d}\n"));
        }
        return Ok(ExitStatus::Success);
    };
    let kind = match rows {
        DatasetRows::Vectors => RowKind::Vectors,
        DatasetRows::Edges => RowKind::Edges,
        DatasetRows::Keys => RowKind::Keys,
    };
    if data.rows(kind) == 0 {
        printer.error(&format!(
            "{}: the scenario's dataset has no {}",
            args.scenario.display(),
            kind.name()
        ));
        return Ok(ExitStatus::Failure);
    }
    if args.format == DatasetFormat::Fvecs && kind != RowKind::Vectors {
        printer.error("--format fvecs writes vectors only");
        return Ok(ExitStatus::Failure);
    }
    let sink: Box<dyn std::io::Write> = match &args.out {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    match write_rows(data, kind, args, sink) {
        // A reader such as `head` that stops early is not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitStatus::Success),
    }
}

/// Every row of `kind` (or the queries, with `--queries`) in the requested format.
#[expect(
    clippy::cast_possible_truncation,
    reason = "row indices of a dataset held in memory fit usize"
)]
fn write_rows(
    data: &crate::dataset::Dataset,
    kind: RowKind,
    args: &DatasetArgs,
    sink: Box<dyn std::io::Write>,
) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, sink);
    let mut scratch = Vec::new();
    let mut line = String::new();
    let vectors = data.vectors.as_ref();
    let queries = args.queries && kind == RowKind::Vectors;
    let count = match (queries, vectors) {
        (true, Some(v)) => v.query_count() as u64,
        _ => data.rows(kind),
    };
    for i in 0..count {
        line.clear();
        // Field `f` of row `i`: the query vector in place of the base vector with --queries.
        let mut field = |f: usize, out: &mut String| match (queries, vectors) {
            (true, Some(v)) if f == 1 => Vectors::write_json(v.query(i as usize), out),
            _ => data.write_field(kind, i, f, &mut scratch, out),
        };
        match args.format {
            DatasetFormat::Copy => {
                kind.copy_row(&mut line, &mut field);
                w.write_all(line.as_bytes())?;
            }
            DatasetFormat::Jsonl => {
                kind.json_row(&mut line, &mut field);
                line.push('\n');
                w.write_all(line.as_bytes())?;
            }
            DatasetFormat::Fvecs => {
                let Some(v) = vectors else { break };
                scratch.resize(v.dim(), 0.0);
                if queries {
                    scratch.copy_from_slice(v.query(i as usize));
                } else {
                    v.row(i, &mut scratch);
                }
                w.write_all(&i32::try_from(v.dim()).unwrap_or(i32::MAX).to_le_bytes())?;
                for x in &scratch {
                    w.write_all(&x.to_le_bytes())?;
                }
            }
        }
    }
    w.flush()
}
