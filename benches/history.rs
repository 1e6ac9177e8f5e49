//! History figures (not a test): `cargo bench --bench history`.
//!
//! - append one record and push it to a local bare remote: median and p90 of 100;
//! - load 10,000 records of one scenario, as `history trend` does;
//! - repository size per 1,000 records, loose and after `git gc`.
//!
//! Records are copies of a real run record of the example suite (`baselines/http-kv.json`:
//! two operations × three repetitions with their histograms), with fresh run ids.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use benchbot::history::{History, PushSettings};
use benchbot::record::RunRecord;
use benchbot::scenario::Metric;

fn du_kib(p: &Path) -> u64 {
    let out = Command::new("du")
        .args(["-sk"])
        .arg(p)
        .output()
        .expect("du");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn copy_of(template: &RunRecord, i: usize) -> RunRecord {
    let mut r = template.clone();
    r.started_at += chrono::Duration::minutes(i64::try_from(i).unwrap_or(0));
    r.run_id = format!("{}-{i:08x}", r.started_at.format("%Y%m%dT%H%M%SZ"));
    r
}

fn median_p90(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (ms(v[v.len() / 2]), ms(v[v.len() * 9 / 10]))
}

fn main() {
    let template = RunRecord::read(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/baselines/http-kv.json"
    )))
    .expect("example baseline");
    let size = serde_json::to_vec(&template).expect("json").len();
    println!("record: {size} bytes of JSON (2 operations × 3 repetitions with histograms)");
    let dir = tempfile::tempdir().expect("tempdir");

    // 1. Append + push.
    let remote = dir.path().join("remote.git");
    Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&remote)
        .status()
        .expect("git init");
    let local = History::open(&dir.path().join("local.git"), "benchbot-results").expect("open");
    let settings = PushSettings::new(&format!("file://{}", remote.display()), None);
    let (mut append, mut both) = (Vec::new(), Vec::new());
    for i in 0..100 {
        let r = copy_of(&template, i);
        let t = Instant::now();
        local.append(&r).expect("append");
        append.push(t.elapsed());
        local.push(&settings).expect("push");
        both.push(t.elapsed());
    }
    let (am, a90) = median_p90(append);
    let (bm, b90) = median_p90(both);
    println!("append one record:            median {am:.2} ms, p90 {a90:.2} ms (100 appends)");
    println!("append + push (file:// bare): median {bm:.2} ms, p90 {b90:.2} ms");

    // 2. 10,000 records of one scenario.
    let big = History::open(&dir.path().join("big.git"), "benchbot-results").expect("open");
    let t = Instant::now();
    for (n, chunk) in (0..10_000).collect::<Vec<_>>().chunks(500).enumerate() {
        let batch: Vec<RunRecord> = chunk.iter().map(|i| copy_of(&template, *i)).collect();
        let c = Instant::now();
        big.append_many(&batch).expect("append_many");
        if std::env::var_os("BENCH_VERBOSE").is_some() {
            eprintln!("batch {n}: {:.0} ms", c.elapsed().as_secs_f64() * 1e3);
        }
    }
    println!(
        "import 10,000 records:        {:.2} s (500 per commit)",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let runs = big
        .records(Some(&template.scenario.name))
        .expect("records")
        .stored;
    let values: Vec<f64> = runs
        .iter()
        .map(|s| benchbot::stats::mean(&s.record.samples(Metric::P99)[0].values))
        .collect();
    println!(
        "load 10,000 records for trend: {:.2} s ({} runs, {} values)",
        t.elapsed().as_secs_f64(),
        runs.len(),
        values.len()
    );

    // 3. Size per 1,000 records.
    let thousand = dir.path().join("thousand.git");
    let h = History::open(&thousand, "benchbot-results").expect("open");
    for i in 0..1000 {
        h.append(&copy_of(&template, i)).expect("append");
    }
    let loose = du_kib(&thousand);
    Command::new("git")
        .arg("-C")
        .arg(&thousand)
        .args(["gc", "-q"])
        .status()
        .expect("git gc");
    println!(
        "repository per 1,000 records: {loose} KiB loose (one commit each), {} KiB after git gc",
        du_kib(&thousand)
    );
}
