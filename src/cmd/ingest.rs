//! `benchbot ingest`: another tool's benchmark output as a run record.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use chrono::Utc;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;
use sha2::{Digest, Sha256};

use crate::cli::IngestArgs;
use crate::github::Context;
use crate::history::{Appended, History};
use crate::ingest::{self, to_record, Format, IngestOptions, Kind};
use crate::printer::Printer;
use crate::report::{format_ns, sig3};
use crate::util::{hex, Dur, Name, Percent};
use crate::{system, ExitStatus};

/// `--since`: a time (RFC 3339) or an age (`30m`: results written in the last 30 minutes).
fn since(arg: &str) -> anyhow::Result<SystemTime> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(arg) {
        return Ok(t.with_timezone(&Utc).into());
    }
    let age = Dur::parse(arg).map_err(|e| {
        anyhow::anyhow!("--since: `{arg}` is neither an RFC 3339 time nor an age ({e})")
    })?;
    Ok(SystemTime::now()
        .checked_sub(age.get())
        .unwrap_or(SystemTime::UNIX_EPOCH))
}

/// Every file's benchmarks (no name twice), their one format, and a digest of the files.
fn read_all(
    args: &IngestArgs,
    printer: &Printer,
) -> anyhow::Result<(Vec<ingest::Bench>, Format, Sha256)> {
    let options = ingest::ParseOptions {
        since: args.since.as_deref().map(since).transpose()?,
    };
    let mut benches: Vec<ingest::Bench> = Vec::new();
    let mut names = HashSet::new();
    let mut digest = Sha256::new();
    let mut format: Option<Format> = None;
    for f in &args.files {
        let parsed = ingest::parse_with(f, args.format, options)?;
        let this = parsed.format;
        // One record, one tool: its label must say which.
        if let Some(first) = format.filter(|first| *first != this) {
            anyhow::bail!(
                "{}: {this} output, but the files before it are {first}: one record holds one tool's results\n  hint: ingest each tool's output with its own --scenario",
                f.display()
            );
        }
        format = Some(this);
        if !parsed.stale.is_empty() {
            let newest = parsed.stale.iter().map(|s| s.written).max();
            let age = newest
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .map_or_else(String::new, |d| {
                    format!(
                        ", the newest written {} ago",
                        Dur(Duration::from_secs(d.as_secs()))
                    )
                });
            printer.warn(&format!(
                "{}: {} result(s) left by an earlier criterion run are not ingested{age}: {}\n  hint: --since TIME (or an age like 2h) takes results written since then",
                f.display(),
                parsed.stale.len(),
                parsed
                    .stale
                    .iter()
                    .take(10)
                    .map(|s| format!("`{}`", s.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        // Two files naming the same benchmark would be compared with each other's numbers.
        if let Some(dup) = parsed.benches.iter().find(|b| names.contains(&b.name)) {
            anyhow::bail!(
                "{}: benchmark `{}` is also in an earlier file: one record cannot hold two benchmarks of one name\n  hint: ingest the files into records of their own (--scenario), or rename one",
                f.display(),
                dup.name
            );
        }
        names.extend(parsed.benches.iter().map(|b| b.name.clone()));
        benches.extend(parsed.benches);
        if f.is_file() {
            let mut file = std::fs::File::open(f).with_context(|| f.display().to_string())?;
            std::io::copy(&mut file, &mut digest).with_context(|| f.display().to_string())?;
        }
    }
    // Values whose direction the tool does not say, named better bigger.
    let mut used = HashSet::new();
    for b in &mut benches {
        if let Kind::Value { higher_is_better } = &mut b.kind {
            for n in &args.bigger_is_better {
                if *n == b.name || b.unit.as_deref() == Some(n.as_str()) {
                    *higher_is_better = true;
                    used.insert(n.as_str());
                }
            }
        }
    }
    for n in args
        .bigger_is_better
        .iter()
        .filter(|n| !used.contains(n.as_str()))
    {
        printer.warn(&format!(
            "--bigger-is-better `{n}` names no value of this input (a benchmark's full name, or a counter's, measure's or unit's name)"
        ));
    }
    Ok((benches, format.unwrap_or(args.format), digest))
}

/// # Errors
/// Unreadable, malformed or empty input; an invalid scenario name.
pub fn run(args: &IngestArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let gh = Context::from_env()?;
    let (benches, format, digest) = read_all(args, printer)?;
    let scenario = args
        .scenario
        .clone()
        .unwrap_or_else(|| format.to_string().to_ascii_lowercase());
    Name::parse(&scenario).map_err(|e| anyhow::anyhow!("--scenario: {e}"))?;
    Name::parse(&args.target).map_err(|e| anyhow::anyhow!("--target: {e}"))?;
    let threshold =
        Percent::parse(&args.threshold).map_err(|e| anyhow::anyhow!("--threshold: {e}"))?;
    let floor = Dur::parse(&args.floor).map_err(|e| anyhow::anyhow!("--floor: {e}"))?;
    let now = Utc::now();
    let options = IngestOptions {
        scenario: scenario.clone(),
        target: args.target.clone(),
        format,
        run_id: super::run::run_id(now, &scenario),
        regression: threshold.fraction(),
        floor_ns: u64::try_from(floor.get().as_nanos()).unwrap_or(u64::MAX),
        git: super::run::git_info(),
        trigger: Some(gh.trigger()),
        environment: system::environment(gh.runner_name.clone(), Vec::new()),
        source_digest: hex(&digest.finalize()),
    };
    let record = to_record(&benches, &options);
    let path = args
        .out
        .join("records")
        .join(&scenario)
        .join(format!("{}.json", record.run_id));
    record
        .write(&path)
        .with_context(|| format!("writing {}", path.display()))?;

    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(["Benchmark", "Samples", "Mean", "Statistics"]);
    for b in &benches {
        let (n, mean, how) = if b.samples.is_empty() {
            let s = b.summary.map_or((0, 0.0), |s| (s.n, s.mean));
            (s.0, s.1, "summary (mean, stdev, n)")
        } else {
            #[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
            let mean = b.samples.iter().sum::<f64>() / b.samples.len() as f64;
            (
                b.samples.len() as u64,
                mean,
                if b.samples.len() >= 3 {
                    "raw samples"
                } else {
                    "raw samples (low confidence)"
                },
            )
        };
        let shown = match b.kind {
            Kind::Time => format_ns(mean),
            Kind::Rate => format!("{}/s", sig3(mean)),
            Kind::Value { higher_is_better } => format!(
                "{} {}{}",
                sig3(mean),
                b.unit.as_deref().unwrap_or(""),
                if higher_is_better {
                    " (higher is better)"
                } else {
                    ""
                }
            ),
        };
        t.add_row(vec![b.name.clone(), n.to_string(), shown, how.to_owned()]);
    }
    printer.out(&format!("{t}\n"));
    printer.msg(&format!(
        "{} benchmark(s) from {format} output → {}",
        benches.len(),
        path.display()
    ));
    if let Some(h) = &args.history {
        let h = History::open(h, &args.history_branch)?;
        match h.append(&record)? {
            Appended::Added { path, .. } | Appended::AlreadyPresent { path } => {
                printer.msg(&format!("history: {path} on `{}`", h.branch()));
            }
        }
    }
    Ok(ExitStatus::Success)
}
