//! `benchbot history`: list, show, trend, changes, export, import.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use chrono::NaiveDate;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;

use crate::cli::{ExportFormat, HistoryArgs, HistoryCommand, HistoryFilter};
use crate::history::{Appended, History, Stored};
use crate::printer::Printer;
use crate::record::RunRecord;
use crate::report::{changes, trend};
use crate::scenario::Metric;
use crate::ExitStatus;

/// # Errors
/// Repository errors, unreadable records, bad arguments.
pub fn run(args: &HistoryArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    // Reading never creates a repository at a mistyped path; importing may start one.
    let history = if matches!(args.command, HistoryCommand::Import { .. }) {
        History::open(&args.repo, &args.branch)?
    } else {
        History::open_existing(&args.repo, &args.branch)?
    };
    match &args.command {
        HistoryCommand::List(f) => printer.out(&list(&history, f, printer)?),
        HistoryCommand::Show { run_id } => {
            let s = history.find(run_id)?;
            printer.out(&(serde_json::to_string_pretty(&s.record)? + "\n"));
        }
        HistoryCommand::Trend {
            scenario,
            metric,
            last,
        } => {
            let metric = parse_metric(metric)?;
            let mut runs = runs_of(&history, scenario, printer)?;
            if let Some(n) = last {
                runs.drain(..runs.len().saturating_sub(*n));
            }
            printer.out(&trend(&records(&runs), metric));
        }
        HistoryCommand::Changes {
            scenario,
            metrics,
            max_p,
            min_segment,
        } => {
            let metrics = if metrics.is_empty() {
                vec![Metric::P50, Metric::P99, Metric::Throughput]
            } else {
                metrics
                    .iter()
                    .map(|m| parse_metric(m))
                    .collect::<anyhow::Result<_>>()?
            };
            let runs = runs_of(&history, scenario, printer)?;
            printer.out(&changes(&records(&runs), &metrics, *min_segment, *max_p));
        }
        HistoryCommand::Export { format, filter } => {
            let rows = filtered(&history, filter, printer)?;
            printer.out(&match format {
                ExportFormat::Json => {
                    serde_json::to_string_pretty(
                        &rows.iter().map(|s| &s.record).collect::<Vec<_>>(),
                    )? + "\n"
                }
                ExportFormat::Csv => csv(&rows),
            });
        }
        HistoryCommand::Import { paths, batch } => import(&history, paths, *batch, printer)?,
        HistoryCommand::Site {
            out,
            max_p,
            min_segment,
        } => {
            let runs = read(&history, None, printer)?;
            let pages =
                crate::report::site(&records(&runs), history.branch(), *max_p, *min_segment);
            for p in &pages {
                let path = out.join(&p.path);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", dir.display()))?;
                }
                crate::util::write_atomic(&path, p.html.as_bytes())?;
            }
            printer.msg(&format!(
                "site: {} page(s) of {} run(s) in {}",
                pages.len(),
                runs.len(),
                out.join("index.html").display()
            ));
        }
    }
    Ok(ExitStatus::Success)
}

/// One line per stored run (after filters).
fn list(history: &History, f: &HistoryFilter, printer: &Printer) -> anyhow::Result<String> {
    let rows = filtered(history, f, printer)?;
    let mut t = table(&[
        "Run", "Started", "Scenario", "Kind", "Commit", "Branch", "Trigger", "Targets",
    ]);
    for s in &rows {
        let r = &s.record;
        t.add_row(vec![
            r.run_id.clone(),
            r.started_at.format("%Y-%m-%d %H:%M").to_string(),
            r.scenario.name.clone(),
            r.scenario.kind.to_string(),
            r.git
                .as_ref()
                .map_or_else(String::new, |g| g.sha.chars().take(12).collect()),
            r.git
                .as_ref()
                .and_then(|g| g.reference.clone())
                .unwrap_or_default(),
            r.trigger.clone().unwrap_or_default(),
            r.targets.len().to_string(),
        ]);
    }
    Ok(format!(
        "{t}\n{} run(s) on `{}`\n",
        rows.len(),
        history.branch()
    ))
}

/// The stored runs of `scenario`; at least one.
fn runs_of(history: &History, scenario: &str, printer: &Printer) -> anyhow::Result<Vec<Stored>> {
    let runs = read(history, Some(scenario), printer)?;
    anyhow::ensure!(
        !runs.is_empty(),
        "no runs of scenario `{scenario}` on `{}`",
        history.branch()
    );
    Ok(runs)
}

/// Adds record files, `batch` per commit; run ids already stored are skipped.
fn import(
    history: &History,
    paths: &[PathBuf],
    batch: usize,
    printer: &Printer,
) -> anyhow::Result<()> {
    anyhow::ensure!(batch > 0, "--batch must be at least 1");
    let files = json_files(paths)?;
    let (mut added, mut present) = (0usize, 0usize);
    for chunk in files.chunks(batch) {
        let records = chunk
            .iter()
            .map(|p| RunRecord::read(p))
            .collect::<Result<Vec<_>, _>>()?;
        for a in history.append_many(&records)? {
            match a {
                Appended::Added { .. } => added += 1,
                Appended::AlreadyPresent { .. } => present += 1,
            }
        }
    }
    printer.msg(&format!(
        "imported {added} record(s) into `{}`; {present} already present",
        history.branch()
    ));
    Ok(())
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(header.to_vec());
    t
}

fn parse_metric(m: &str) -> anyhow::Result<Metric> {
    serde_json::from_value(serde_json::Value::String(m.to_owned())).map_err(|_| anyhow::anyhow!("unknown metric `{m}`; use p50, p90, p95, p99, p99.9, max, mean, throughput or error-rate"))
}

fn date(s: &str, what: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .with_context(|| format!("{what} `{s}` is not a date like 2026-01-31"))
}

/// The readable records, with a warning naming the files that are not.
fn read(
    history: &History,
    scenario: Option<&str>,
    printer: &Printer,
) -> anyhow::Result<Vec<Stored>> {
    let r = history.records(scenario)?;
    if let Some(w) = r.warning() {
        printer.warn(&w);
    }
    Ok(r.stored)
}

fn filtered(
    history: &History,
    f: &HistoryFilter,
    printer: &Printer,
) -> anyhow::Result<Vec<Stored>> {
    let since = f.since.as_deref().map(|s| date(s, "--since")).transpose()?;
    let until = f.until.as_deref().map(|s| date(s, "--until")).transpose()?;
    Ok(read(history, f.scenario.as_deref(), printer)?
        .into_iter()
        .filter(|s| {
            let r = &s.record;
            let day = r.started_at.date_naive();
            since.is_none_or(|d| day >= d)
                && until.is_none_or(|d| day < d)
                && f.trigger
                    .as_ref()
                    .is_none_or(|t| r.trigger.as_ref() == Some(t))
                && f.code_branch
                    .as_ref()
                    .is_none_or(|b| r.git.as_ref().and_then(|g| g.reference.as_ref()) == Some(b))
        })
        .collect())
}

fn json_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    fn walk(p: &std::path::Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        if p.is_dir() {
            for e in std::fs::read_dir(p)? {
                walk(&e?.path(), out)?;
            }
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p.to_owned());
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        anyhow::ensure!(p.exists(), "{}: no such file or directory", p.display());
        walk(p, &mut out).with_context(|| format!("reading {}", p.display()))?;
    }
    out.sort();
    Ok(out)
}

fn csv(rows: &[Stored]) -> String {
    let mut out = String::from("run_id,started_at,scenario,kind,git_sha,git_ref,trigger,target,role,operation,repetition,count,errors,throughput,p50_ns,p90_ns,p95_ns,p99_ns,p999_ns,max_ns,mean_ns\n");
    let q = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    for s in rows {
        let r = &s.record;
        for t in &r.targets {
            for o in &t.operations {
                for rep in &o.repetitions {
                    let l = &rep.latency;
                    let _ = writeln!(
                        out,
                        "{},{},{},{},{},{},{},{},{},{},{},{},{},{:.3},{},{},{},{},{},{},{:.1}",
                        q(&r.run_id),
                        r.started_at.to_rfc3339(),
                        q(&r.scenario.name),
                        r.scenario.kind,
                        r.git.as_ref().map_or("", |g| g.sha.as_str()),
                        q(r.git
                            .as_ref()
                            .and_then(|g| g.reference.as_deref())
                            .unwrap_or("")),
                        q(r.trigger.as_deref().unwrap_or("")),
                        q(&t.name),
                        t.role,
                        q(&o.name),
                        rep.index,
                        rep.count,
                        rep.error_count(),
                        rep.throughput,
                        l.p50_ns,
                        l.p90_ns,
                        l.p95_ns,
                        l.p99_ns,
                        l.p999_ns,
                        l.max_ns,
                        l.mean_ns
                    );
                }
            }
        }
    }
    out
}

/// The records of stored runs.
fn records(runs: &[Stored]) -> Vec<&RunRecord> {
    runs.iter().map(|s| &s.record).collect()
}
