//! Shard records merged into the record of the whole run (`benchbot merge`).
//!
//! Exact where the record allows it: latency histograms are added (not percentiles averaged),
//! counts, errors, late and unsent sends and rates summed, elapsed time the longest shard's.
//! Recall and precision are means weighted by each shard's successes. Per interval of the time
//! series, counts are summed and the percentiles are the highest shard's (an upper bound: the
//! series keeps percentiles, not histograms). Each shard's run and machine are kept.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::record::{
    Contention, IntervalPoint, Latency, OperationRecord, Repetition, RunRecord, ShardRun,
    TargetRecord, INDEX_OP, LOAD_OP,
};
use crate::scenario::Metric;

/// Merges the shard records `shards` (each with the file it was read from, for messages).
///
/// # Errors
/// What keeps the records from being the shards of one run, naming the files: a record that
/// is not a shard, shards of different scenarios, seeds, loads or commits, a duplicate or
/// missing shard, different targets, operations or repetitions.
pub fn merge(shards: &[(PathBuf, RunRecord)]) -> Result<RunRecord, String> {
    check(shards)?;
    let mut ordered: Vec<&(PathBuf, RunRecord)> = shards.iter().collect();
    ordered.sort_by_key(|(_, r)| r.shard.map_or(0, |s| s.index));

    let mut out = ordered[0].1.clone();
    out.targets = merge_targets(&ordered)?;
    out.shard = None;
    out.incomplete = ordered.iter().any(|(_, r)| r.incomplete);
    out.started_at = ordered
        .iter()
        .map(|(_, r)| r.started_at)
        .min()
        .unwrap_or(out.started_at);
    out.finished_at = ordered
        .iter()
        .map(|(_, r)| r.finished_at)
        .max()
        .unwrap_or(out.finished_at);
    out.shards = ordered
        .iter()
        .map(|(_, r)| ShardRun {
            index: r.shard.map_or(0, |s| s.index),
            run_id: r.run_id.clone(),
            started_at: r.started_at,
            finished_at: r.finished_at,
            environment: r.environment.clone(),
        })
        .collect();
    let mut h = Sha256::new();
    for (_, r) in &ordered {
        h.update(r.run_id.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    out.run_id = format!(
        "{}-{:02x}{:02x}{:02x}{:02x}",
        out.started_at.format("%Y%m%dT%H%M%SZ"),
        digest[0],
        digest[1],
        digest[2],
        digest[3]
    );
    Ok(out)
}

/// That `shards` are the shards of one run, each once.
fn check(shards: &[(PathBuf, RunRecord)]) -> Result<(), String> {
    let Some((first_path, first)) = shards.first() else {
        return Err("no records to merge".into());
    };
    let name = |p: &Path| p.display().to_string();
    for (p, r) in shards {
        let Some(s) = r.shard else {
            return Err(format!(
                "{}: not a shard record (format {}): run each shard with `benchbot run --shard I/N`",
                name(p),
                r.format_version
            ));
        };
        if r.ab.is_some() || r.sweep.is_some() || !r.pooled.is_empty() {
            return Err(format!(
                "{}: an A/B, sweep or pooled record cannot be a shard",
                name(p)
            ));
        }
        let same = |what: &str, a: &str, b: &str| {
            if a == b {
                Ok(())
            } else {
                Err(format!(
                    "{}: {what} `{b}` differs from `{a}` in {}: not shards of one run",
                    name(p),
                    name(first_path)
                ))
            }
        };
        same("scenario", &first.scenario.name, &r.scenario.name)?;
        same(
            "sequence digest",
            &first.scenario.sequence_digest,
            &r.scenario.sequence_digest,
        )?;
        same(
            "scenario file digest",
            &first.scenario.source_digest,
            &r.scenario.source_digest,
        )?;
        same(
            "load",
            &serde_json::to_string(&first.load).unwrap_or_default(),
            &serde_json::to_string(&r.load).unwrap_or_default(),
        )?;
        same(
            "commit",
            first.git.as_ref().map_or("", |g| g.sha.as_str()),
            r.git.as_ref().map_or("", |g| g.sha.as_str()),
        )?;
        let n = first.shard.map_or(0, |f| f.count);
        if s.count != n {
            return Err(format!(
                "{}: shard {} of {} cannot merge with {} of {n} shards",
                name(p),
                s.index,
                s.count,
                name(first_path)
            ));
        }
    }
    let count = first.shard.map_or(0, |s| s.count);
    let mut seen: Vec<Option<&Path>> = vec![None; count as usize];
    for (p, r) in shards {
        let i = r.shard.map_or(0, |s| s.index) as usize;
        match seen.get_mut(i.wrapping_sub(1)) {
            Some(Some(other)) => {
                return Err(format!(
                    "{} and {} are both shard {i} of {count}",
                    name(other),
                    name(p)
                ))
            }
            Some(slot) => *slot = Some(p),
            None => return Err(format!("{}: shard {i} of {count} is out of range", name(p))),
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "shard(s) {} of {count} missing: every shard's record is needed for the whole",
            missing.join(", ")
        ));
    }
    Ok(())
}

/// The load phase's pseudo-operation (`ingest`, `ingest-vectors`…): each shard wrote its part.
fn is_load(o: &OperationRecord) -> bool {
    pseudo(o, LOAD_OP) && o.metrics.as_deref() == Some(&[Metric::Throughput])
}

/// The index build after a load phase: one shard ran it once, when every part was in.
fn is_index(o: &OperationRecord) -> bool {
    pseudo(o, INDEX_OP) && o.metrics.as_deref() == Some(&[Metric::Mean])
}

fn pseudo(o: &OperationRecord, name: &str) -> bool {
    o.name == name
        || o.name
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('-'))
}

fn merge_targets(ordered: &[&(PathBuf, RunRecord)]) -> Result<Vec<TargetRecord>, String> {
    let (first_path, first) = ordered[0];
    let mut targets = first.targets.clone();
    let shape = |rec: &RunRecord| -> Vec<(String, Vec<(String, usize)>)> {
        rec.targets
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    t.operations
                        .iter()
                        .filter(|o| !is_index(o))
                        .map(|o| (o.name.clone(), o.repetitions.len()))
                        .collect(),
                )
            })
            .collect()
    };
    let first_shape = shape(first);
    for (p, r) in &ordered[1..] {
        if shape(r) != first_shape {
            return Err(format!(
                "{}: its targets, operations or repetitions differ from {}'s",
                p.display(),
                first_path.display()
            ));
        }
        let shard = r.shard.map_or(0, |s| s.index);
        for (t, other) in targets.iter_mut().zip(&r.targets) {
            t.samples.extend(other.samples.iter().cloned());
            let ops = other.operations.iter().filter(|o| !is_index(o));
            for (o, oo) in t.operations.iter_mut().filter(|o| !is_index(o)).zip(ops) {
                merge_operation(o, oo, shard)
                    .map_err(|e| format!("{}: {} {}: {e}", p.display(), t.name, o.name))?;
            }
            for oo in other.operations.iter().filter(|o| is_index(o)) {
                if t.operations.iter().any(|o| o.name == oo.name) {
                    return Err(format!(
                        "{}: {} {}: built by two shards; one shard builds the index once every part is loaded",
                        p.display(),
                        t.name,
                        oo.name
                    ));
                }
                t.operations.push(oo.clone());
            }
        }
    }
    for t in &mut targets {
        for o in t.operations.iter_mut().filter(|o| is_load(o)) {
            // The shards loaded their parts side by side from one start: the whole's rate is
            // every row over the longest part's time, not the sum of the parts' rates.
            for r in &mut o.repetitions {
                let secs = Duration::from_nanos(r.elapsed_ns).as_secs_f64().max(1e-9);
                #[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
                let rate = r.count as f64 / secs;
                r.throughput = rate;
                r.achieved_rate = rate;
            }
        }
    }
    Ok(targets)
}

fn merge_operation(
    o: &mut OperationRecord,
    other: &OperationRecord,
    shard: u32,
) -> Result<(), String> {
    for (a, b) in o.repetitions.iter_mut().zip(&other.repetitions) {
        merge_repetition(a, b, shard)?;
    }
    Ok(())
}

#[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
fn merge_repetition(a: &mut Repetition, b: &Repetition, shard: u32) -> Result<(), String> {
    let weighted = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) if a.count + b.count > 0 => {
            Some((x * a.count as f64 + y * b.count as f64) / (a.count + b.count) as f64)
        }
        (x, y) => x.or(y),
    };
    a.recall = weighted(a.recall, b.recall);
    a.precision = weighted(a.precision, b.precision);
    a.latency = add(&a.latency, &b.latency)?;
    a.service = match (&a.service, &b.service) {
        (Some(x), Some(y)) => Some(add(x, y)?),
        (x, y) => x.clone().or_else(|| y.clone()),
    };
    a.elapsed_ns = a.elapsed_ns.max(b.elapsed_ns);
    a.count += b.count;
    for (k, v) in &b.errors {
        *a.errors.entry(k.clone()).or_default() += v;
    }
    for (k, v) in &b.error_samples {
        a.error_samples
            .entry(k.clone())
            .or_insert_with(|| v.clone());
    }
    a.throughput += b.throughput;
    a.target_rate = match (a.target_rate, b.target_rate) {
        (Some(x), Some(y)) => Some(x + y),
        (x, y) => x.or(y),
    };
    a.achieved_rate += b.achieved_rate;
    a.late_sends += b.late_sends;
    a.unsent += b.unsent;
    if a.busy.is_none() {
        a.busy = b.busy.as_ref().map(|w| format!("shard {shard}: {w}"));
    }
    a.contention = match (a.contention, b.contention) {
        (Some(x), Some(y)) => Some(Contention {
            others_cores: x.others_cores.max(y.others_cores),
            steal_pct: x.steal_pct.max(y.steal_pct),
            generator_cores: x.generator_cores + y.generator_cores,
        }),
        (x, y) => x.or(y),
    };
    if !b.series.is_empty() {
        if a.series.is_empty() {
            a.interval_ms = b.interval_ms;
        } else if a.interval_ms != b.interval_ms {
            return Err(format!(
                "repetition {}: time series of {} ms and {} ms intervals",
                a.index, a.interval_ms, b.interval_ms
            ));
        }
        if a.series.len() < b.series.len() {
            a.series.resize(b.series.len(), IntervalPoint::default());
        }
        for (x, y) in a.series.iter_mut().zip(&b.series) {
            x.ok += y.ok;
            x.errors += y.errors;
            x.late += y.late;
            x.p50_ns = x.p50_ns.max(y.p50_ns);
            x.p99_ns = x.p99_ns.max(y.p99_ns);
            x.max_ns = x.max_ns.max(y.max_ns);
            x.target_rate = match (x.target_rate, y.target_rate) {
                (Some(p), Some(q)) => Some(p + q),
                (p, q) => p.or(q),
            };
        }
    }
    Ok(())
}

/// Two latency distributions as one: their histograms added.
fn add(a: &Latency, b: &Latency) -> Result<Latency, String> {
    let mut h = a.histogram()?;
    let other = b.histogram()?;
    h.add(&other)
        .map_err(|e| format!("latency histograms cannot be added: {e}"))?;
    Ok(Latency::from_histogram(&h))
}
