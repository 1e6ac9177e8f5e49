//! Merge figures (not a test): `cargo bench --bench merge`.
//!
//! 100 shard records of one hour each (one operation, one repetition, a time-series point per
//! second: 3,600 points, and a latency histogram of a million values), written to files, then
//! read and merged as `benchbot merge` does. Prints the time to read them, the time to merge
//! them, the size of the files and of the merged record, and the process's peak resident set.

use std::path::PathBuf;
use std::time::Instant;

use benchbot::record::{merge, IntervalPoint, Latency, RunRecord, ShardInfo, FORMAT_VERSION};

const SHARDS: u32 = 100;
const SECONDS: u64 = 3600;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map_or(f64::NAN, |k| k / 1024.0)
}

fn shard(template: &RunRecord, index: u32) -> RunRecord {
    let mut r = template.clone();
    r.format_version = FORMAT_VERSION;
    r.run_id = format!("20260101T000000Z-{index:08x}");
    r.shard = Some(ShardInfo {
        index,
        count: SHARDS,
    });
    r.targets.truncate(1);
    let t = &mut r.targets[0];
    t.samples.clear();
    t.operations.truncate(1);
    let o = &mut t.operations[0];
    o.repetitions.truncate(1);
    let rep = &mut o.repetitions[0];
    // A million latencies between 0.1 and 50 ms, spread by the shard's index.
    let mut h = benchbot::record::new_histogram();
    for i in 0..1_000_000u64 {
        let _ = h.record(100_000 + (i * 7919 + u64::from(index) * 104_729) % 50_000_000);
    }
    rep.latency = Latency::from_histogram(&h);
    rep.count = 1_000_000;
    rep.interval_ms = 1000;
    rep.series = (0..SECONDS)
        .map(|s| IntervalPoint {
            ok: 277 + s % 3,
            errors: s % 97 / 96,
            late: s % 5,
            p50_ns: 1_000_000 + s,
            p99_ns: 20_000_000 + s * 10,
            max_ns: 45_000_000 + s * 100,
            target_rate: Some(277.7),
        })
        .collect();
    r
}

fn main() {
    let template = RunRecord::read(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/baselines/http-kv.json"
    )))
    .expect("example baseline");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut bytes = 0u64;
    for i in 1..=SHARDS {
        let p = dir.path().join(format!("shard-{i}.json"));
        shard(&template, i).write(&p).expect("write");
        bytes += std::fs::metadata(&p).map_or(0, |m| m.len());
        paths.push(p);
    }
    println!(
        "{SHARDS} shard records of {SECONDS} s at 1 s intervals: {:.1} MiB of JSON in all",
        bytes as f64 / 1_048_576.0
    );
    let t = Instant::now();
    let shards: Vec<(PathBuf, RunRecord)> = paths
        .iter()
        .map(|p| (p.clone(), RunRecord::read(p).expect("read")))
        .collect();
    let read = t.elapsed();
    let t = Instant::now();
    let merged = merge(&shards).expect("merge");
    let merging = t.elapsed();
    let out = dir.path().join("merged.json");
    merged.write(&out).expect("write");
    let rep = &merged.targets[0].operations[0].repetitions[0];
    assert_eq!(rep.count, u64::from(SHARDS) * 1_000_000);
    println!(
        "read {:.2} s, merge {:.2} s; merged record {:.1} MiB ({} histogram values, {} series points); peak RSS {:.0} MiB",
        read.as_secs_f64(),
        merging.as_secs_f64(),
        std::fs::metadata(&out).map_or(0, |m| m.len()) as f64 / 1_048_576.0,
        rep.latency.histogram().map_or(0, |h| h.len()),
        rep.series.len(),
        peak_rss_mib()
    );
}
