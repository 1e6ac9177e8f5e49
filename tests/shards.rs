//! One scenario driven by several processes at once (`run --shard I/N`) and merged
//! (`benchbot merge`): against a demo server started once, the shards' union is the planned
//! schedule, the merged histograms hold every shard's operations, the percentiles match one
//! process at the full rate (wide margins: 2×), and the merged record goes through compare and
//! history like any other. Bad inputs end with exit 3 naming the file.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use benchbot::record::RunRecord;
use common::{benchbot_std, records, write, Run};

/// A demo server on a free port, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(delay: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = Self {
            child: benchbot_std()
                .args(["demo-server", "--port", &port.to_string(), "--delay", delay])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
            port,
        };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        panic!("the demo server did not start");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn scenario(port: u16, rate: u32, repetitions: u32) -> String {
    format!(
        "[scenario]\nname = \"sharded\"\nkind = \"internal\"\n\n[[target]]\nname = \"svc\"\nrole = \"ours\"\n[target.http]\nbase-url = \"http://127.0.0.1:{port}\"\n\n[[operation]]\nname = \"get\"\n[operation.http]\npath = \"/items/{{{{seq}}}}\"\n\n[load]\nmode = \"open\"\nrate = {rate}\nconcurrency = 16\nduration = \"2s\"\nrepetitions = {repetitions}\n"
    )
}

/// Runs shards `which` of `n` of `scenario` at once, each into `<dir>/shard-<i>` with the
/// arguments `extra`; their exit codes and standard errors.
fn run_shards(
    scenario: &Path,
    dir: &Path,
    (which, n): (&[u32], u32),
    extra: &[String],
) -> Vec<(i32, String)> {
    let children: Vec<Child> = which
        .iter()
        .map(|i| {
            Run::new(scenario, &dir.join(format!("shard-{i}")), &dir.join("none"))
                .args(["--shard", &format!("{i}/{n}")])
                .args([
                    "--busy-cores",
                    "64",
                    "--busy-steal",
                    "100",
                    "--preflight",
                    "off",
                ])
                .args(extra)
                .std()
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            (
                o.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .collect()
}

/// Runs `n` shards of `scenario` at once, each into `<dir>/shard-<i>`; returns their records.
fn shards(scenario: &Path, dir: &Path, n: u32, start_at: Option<&str>) -> Vec<PathBuf> {
    let extra: Vec<String> = start_at
        .map(|at| vec!["--start-at".to_owned(), at.to_owned()])
        .unwrap_or_default();
    let all: Vec<u32> = (1..=n).collect();
    for (i, (code, stderr)) in run_shards(scenario, dir, (&all, n), &extra)
        .into_iter()
        .enumerate()
    {
        assert_eq!(code, 0, "shard {}: {stderr}", i + 1);
    }
    (1..=n)
        .map(|i| records(&dir.join(format!("shard-{i}")), "sharded").remove(0))
        .collect()
}

fn merge(records: &[PathBuf], out: &Path) -> (i32, String, String) {
    let o = benchbot_std()
        .arg("merge")
        .args(records)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).trim().to_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Compares `record` with the baselines in `<d>/baselines` and writes its PR comment into
/// `<d>/<name>`: the body, and the targets, operations and metrics its tables name.
fn comment(d: &Path, record: &Path, name: &str) -> (String, std::collections::BTreeSet<String>) {
    let out = d.join(name);
    let (code, _, stderr) = common::run(&[
        "compare",
        &record.display().to_string(),
        "--baseline",
        &d.join("baselines").display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = common::run(&[
        "publish",
        "--report",
        &out.join("latest.json").display().to_string(),
        "--out",
        &out.display().to_string(),
        "--comment-on",
        "always",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let body = std::fs::read_to_string(out.join("comment.md")).unwrap();
    let rows: std::collections::BTreeSet<String> = body
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---"))
        .flat_map(|l| l.trim_start_matches("| ").split(" | ").take(2))
        .filter(|cell| !cell.trim().is_empty())
        .map(str::to_owned)
        .collect();
    (body, rows)
}

fn ops(r: &RunRecord, rep: usize) -> u64 {
    let x = &r.targets[0].operations[0].repetitions[rep];
    x.count + x.errors.values().sum::<u64>()
}

#[test]
fn four_shards_merge_into_the_run_one_process_makes() {
    let server = Server::start("2ms");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = write(d, "sharded.toml", &scenario(server.port, 200, 2));

    let at = (chrono::Utc::now() + chrono::TimeDelta::seconds(6)).to_rfc3339();
    let parts = shards(&s, d, 4, Some(&at));
    let (code, merged_path, stderr) = merge(&parts, &d.join("merged"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("merged 4 shard(s)"), "{stderr}");
    let merged = RunRecord::read(Path::new(&merged_path)).unwrap();
    let shards: Vec<RunRecord> = parts.iter().map(|p| RunRecord::read(p).unwrap()).collect();
    assert_eq!(merged.shards.len(), 4);
    assert!(merged.shard.is_none());
    for rep in 0..2 {
        // Every operation of every shard, and the histogram holds each of them.
        let sum: u64 = shards.iter().map(|r| ops(r, rep)).sum();
        assert_eq!(ops(&merged, rep), sum);
        let m = &merged.targets[0].operations[0].repetitions[rep];
        assert_eq!(m.latency.histogram().unwrap().len(), m.count);
        // The shards' union is the planned schedule: 400 operations in 2 s, sent or unsent.
        assert_eq!(ops(&merged, rep) + m.unsent, 400, "{m:?}");
        assert!((150.0..=250.0).contains(&m.throughput), "{}", m.throughput);
        // Each shard intended a quarter of the rate; together, the whole.
        assert!((m.target_rate.unwrap() - 200.0).abs() < 1e-9, "{m:?}");
    }
    // Each shard sent a quarter of the schedule.
    for r in &shards {
        let x = &r.targets[0].operations[0].repetitions[0];
        assert!((80..=120).contains(&(x.count + x.unsent)), "{x:?}");
        assert!((x.target_rate.unwrap() - 50.0).abs() < 1e-9, "{x:?}");
    }

    // One process at the full rate: the same latencies within 2×.
    let single = d.join("single");
    let (code, _, stderr) = Run::new(&s, &single, &d.join("none"))
        .args(["--busy-cores", "64", "--busy-steal", "100"])
        .output();
    assert_eq!(code, 0, "{stderr}");
    let one = RunRecord::read(&records(&single, "sharded")[0]).unwrap();
    let p50 = |r: &RunRecord| r.targets[0].operations[0].repetitions[0].latency.p50_ns as f64;
    let ratio = p50(&merged) / p50(&one);
    assert!(
        (0.5..=2.0).contains(&ratio),
        "p50 merged vs one process: {ratio}"
    );

    // The merged record is a record like any other: compared and added to the history.
    let (code, _, stderr) = common::run(&[
        "baseline",
        "write",
        &records(&single, "sharded")[0].display().to_string(),
        "--dir",
        &d.join("baselines").display().to_string(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = common::run(&[
        "compare",
        &merged_path,
        "--baseline",
        &d.join("baselines").display().to_string(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("sharded"), "{stdout}");

    // Its PR comment reads like the one process's: the same target, operation and metric rows.
    let (merged_body, merged_rows) = comment(d, Path::new(&merged_path), "merged-report");
    let (_, single_rows) = comment(d, &records(&single, "sharded")[0], "single-report");
    assert!(merged_body.contains("sharded"), "{merged_body}");
    assert!(!merged_rows.is_empty(), "{merged_body}");
    assert_eq!(merged_rows, single_rows, "{merged_body}");
    let repo = d.join("history.git");
    let (code, _, stderr) = common::run(&[
        "history",
        "--repo",
        &repo.display().to_string(),
        "import",
        &merged_path,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let ls = std::process::Command::new("git")
        .arg("-C")
        .arg(&repo)
        .args(["ls-tree", "-r", "--name-only", "benchbot-results"])
        .output()
        .unwrap();
    let files = String::from_utf8_lossy(&ls.stdout);
    assert!(files.contains(&merged.run_id), "{files}");

    // Bad inputs: exit 3, naming the files, nothing written.
    let bad = d.join("bad");
    let (code, _, stderr) = merge(
        &[
            parts[0].clone(),
            parts[0].clone(),
            parts[2].clone(),
            parts[3].clone(),
        ],
        &bad,
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("are both shard 1 of 4"), "{stderr}");
    let (code, _, stderr) = merge(&parts[..3], &bad);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("shard(s) 4 of 4 missing"), "{stderr}");
    let single_record = records(&single, "sharded")[0].clone();
    let (code, _, stderr) = merge(&[parts[0].clone(), single_record.clone()], &bad);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains(&format!("{}: not a shard record", single_record.display())),
        "{stderr}"
    );
    assert!(!bad.exists(), "nothing written on an error");
}

#[test]
fn sixteen_shards_at_a_low_rate_merge_exactly_and_other_runs_are_refused() {
    let server = Server::start("1ms");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = write(d, "sharded.toml", &scenario(server.port, 80, 1));
    let parts = shards(&s, d, 16, None);
    let (code, merged_path, stderr) = merge(&parts, &d.join("merged"));
    assert_eq!(code, 0, "{stderr}");
    let merged = RunRecord::read(Path::new(&merged_path)).unwrap();
    let shards: Vec<RunRecord> = parts.iter().map(|p| RunRecord::read(p).unwrap()).collect();
    let m = &merged.targets[0].operations[0].repetitions[0];
    assert_eq!(
        ops(&merged, 0),
        shards.iter().map(|r| ops(r, 0)).sum::<u64>()
    );
    assert_eq!(ops(&merged, 0) + m.unsent, 160);
    // Every interval of the series adds up to the whole.
    let series: u64 = m.series.iter().map(|p| p.ok + p.errors).sum();
    assert_eq!(series, ops(&merged, 0));

    // A shard of another scenario (another seed) is refused, naming it.
    let other = write(
        d,
        "other.toml",
        &scenario(server.port, 80, 1)
            .replace("kind = \"internal\"", "kind = \"internal\"\nseed = 7"),
    );
    let out = d.join("other-out");
    let (code, _, stderr) = Run::new(&other, &out, &d.join("none"))
        .args([
            "--shard",
            "2/16",
            "--busy-cores",
            "64",
            "--busy-steal",
            "100",
        ])
        .output();
    assert_eq!(code, 0, "{stderr}");
    let stranger = records(&out, "sharded").remove(0);
    let mut mixed = parts.clone();
    mixed[1] = stranger.clone();
    let (code, _, stderr) = merge(&mixed, &d.join("bad"));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains(&stranger.display().to_string()), "{stderr}");
    assert!(stderr.contains("not shards of one run"), "{stderr}");

    // A shard never starts its own copy of the system under test.
    let managed = write(
        d,
        "managed.toml",
        "[scenario]\nname = \"managed\"\nkind = \"internal\"\n\n[[target]]\nname = \"svc\"\nrole = \"ours\"\n[target.http]\nbase-url = \"http://127.0.0.1:{{port}}\"\n[target.service]\ncommand = [\"{{benchbot}}\", \"demo-server\", \"--port\", \"{{port}}\"]\nready = { tcp = \"127.0.0.1:{{port}}\" }\n\n[[operation]]\nname = \"get\"\n[operation.http]\npath = \"/x\"\n\n[load]\nduration = \"1s\"\n",
    );
    let (code, _, stderr) = Run::new(&managed, &d.join("m"), &d.join("none"))
        .args(["--shard", "1/2"])
        .output();
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("is a managed service"), "{stderr}");
    let (code, _, stderr) = Run::new(&s, &d.join("p"), &d.join("none"))
        .args(["--shard", "1/2", "--start-at", "2020-01-01T00:00:00Z"])
        .output();
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("in the past"), "{stderr}");
    let (code, _, stderr) = Run::new(&s, &d.join("p"), &d.join("none"))
        .args(["--shard", "5/4"])
        .output();
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("--shard: `5/4` is not a shard"), "{stderr}");
    let closed = write(
        d,
        "closed.toml",
        &scenario(server.port, 80, 1).replace(
            "mode = \"open\"\nrate = 80\nconcurrency = 16",
            "concurrency = 2",
        ),
    );
    let (code, _, stderr) = Run::new(&closed, &d.join("c"), &d.join("none"))
        .args(["--shard", "1/4"])
        .output();
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("fewer than the 4 shards"), "{stderr}");
}

fn loaded_scenario(pg_port: u16) -> String {
    format!(
        r#"
[scenario]
name = "sharded-load"
kind = "internal"
seed = 77

[dataset.graph]
nodes = 3000
degree = 5
distribution = "power-law"

[[target]]
name = "pg"
role = "ours"
[target.postgres]
url = "host=127.0.0.1 port={pg_port} user=postgres dbname=postgres"
setup = [
    "DROP TABLE IF EXISTS edges",
    "CREATE TABLE edges (src bigint, dst bigint)",
    "INSERT INTO setups VALUES (now())",
]
[[target.ingest]]
rows = "edges"
batch = 500
copy = "COPY edges (src, dst) FROM STDIN"
# Without IF NOT EXISTS: a second build fails.
after = ["CREATE INDEX edges_src ON edges (src)"]

[[operation]]
name = "lookup"
[operation.postgres]
sql = "SELECT dst FROM edges WHERE src = $1"
params = ["{{{{graph.node}}}}"]

[load]
mode = "open"
rate = 200
concurrency = 4
duration = "2s"
repetitions = 2
"#
    )
}

/// Runs shards `which` of `n` meeting at `rendezvous`; their exit codes and standard errors.
fn rendezvous_shards(
    scenario: &Path,
    dir: &Path,
    rendezvous: &Path,
    which: (&[u32], u32),
    extra: &[&str],
) -> Vec<(i32, String)> {
    let mut args = vec!["--rendezvous".to_owned(), rendezvous.display().to_string()];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    run_shards(scenario, dir, which, &args)
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one end-to-end story reads best in one test"
)]
fn shards_meet_to_set_up_once_load_their_parts_and_build_the_index_once() {
    if common::services::services().is_none() {
        return;
    }
    let (_pg, pg_port) = common::services::postgres();
    let psql = |q: &str| common::services::psql(pg_port, q);
    psql("CREATE TABLE setups (at timestamptz)");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = write(d, "loaded.toml", &loaded_scenario(pg_port));
    let meet = d.join("meet");

    // Without a rendezvous the load phase is refused, as before.
    let (code, _, stderr) = Run::new(&s, &d.join("alone"), &d.join("none"))
        .args(["--shard", "1/4"])
        .output();
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("--rendezvous"), "{stderr}");

    for (i, (code, stderr)) in rendezvous_shards(&s, d, &meet, (&[1, 2, 3, 4], 4), &[])
        .into_iter()
        .enumerate()
    {
        assert_eq!(code, 0, "shard {}: {stderr}", i + 1);
    }

    // Every edge once: set up once (a later DROP TABLE would lose rows), each part loaded
    // once, the index built once (a second CREATE INDEX would have failed).
    let (sum, _) = common::services::edge_sums(77, 3000, 5);
    assert_eq!(
        psql("SELECT count(*) FROM setups"),
        "1",
        "set up by one shard"
    );
    assert_eq!(psql("SELECT count(*) FROM edges"), "15000");
    assert_eq!(
        psql("SELECT sum(src * 100003 + dst) FROM edges"),
        sum.to_string()
    );
    assert_eq!(
        psql("SELECT count(*) FROM pg_indexes WHERE tablename = 'edges'"),
        "1"
    );

    let parts: Vec<PathBuf> = (1..=4)
        .map(|i| records(&d.join(format!("shard-{i}")), "sharded-load").remove(0))
        .collect();
    let shard_records: Vec<RunRecord> = parts.iter().map(|p| RunRecord::read(p).unwrap()).collect();
    let op = |r: &RunRecord, name: &str| {
        r.targets[0]
            .operations
            .iter()
            .find(|o| o.name == name)
            .cloned()
    };
    for (i, r) in shard_records.iter().enumerate() {
        // A quarter of the rows each; only shard 1 built the index.
        assert_eq!(
            op(r, "ingest").unwrap().repetitions[0].count,
            3750,
            "shard {}",
            i + 1
        );
        assert_eq!(op(r, "index-build").is_some(), i == 0, "shard {}", i + 1);
    }
    // Every shard reached every step, and shard 1 named each repetition's start.
    for rep in 1..=2 {
        let step = meet.join(format!("sharded-load/pg/rep-{rep}/measure"));
        assert!(step.join("start/shard-1").is_file(), "rep {rep}");
        for i in 1..=4 {
            assert!(
                step.join(format!("ready/shard-{i}")).is_file(),
                "rep {rep} shard {i}"
            );
        }
    }

    let (code, merged_path, stderr) = merge(&parts, &d.join("merged"));
    assert_eq!(code, 0, "{stderr}");
    let merged = RunRecord::read(Path::new(&merged_path)).unwrap();
    let ingest = op(&merged, "ingest").unwrap();
    assert_eq!(ingest.repetitions[0].count, 15_000);
    let longest = shard_records
        .iter()
        .map(|r| op(r, "ingest").unwrap().repetitions[0].elapsed_ns)
        .max()
        .unwrap();
    #[expect(clippy::cast_precision_loss, reason = "small counts")]
    let whole = 15_000.0 / (longest as f64 / 1e9);
    assert!(
        (ingest.repetitions[0].throughput - whole).abs() < 1e-6 * whole,
        "the whole's load rate is every row over the longest part: {} vs {whole}",
        ingest.repetitions[0].throughput
    );
    assert_eq!(op(&merged, "index-build").unwrap().repetitions.len(), 1);
    let lookup = op(&merged, "lookup").unwrap();
    for rep in &lookup.repetitions {
        let sent = rep.count + rep.errors.values().sum::<u64>();
        assert_eq!(rep.errors.values().sum::<u64>(), 0, "{rep:?}");
        assert_eq!(sent + rep.unsent, 400, "{rep:?}");
    }

    // The same directory again: refused before anything touches the database.
    psql("INSERT INTO edges VALUES (-1, -1)");
    let again = rendezvous_shards(&s, &d.join("again"), &meet, (&[1], 4), &[]);
    assert_eq!(again[0].0, 3, "{}", again[0].1);
    assert!(again[0].1.contains("exists already"), "{}", again[0].1);
    assert_eq!(psql("SELECT count(*) FROM edges"), "15001", "the setup ran");

    // A shard that never comes: the others stop after the timeout, naming it (exit 3).
    let late = rendezvous_shards(
        &s,
        &d.join("late"),
        &d.join("meet-late"),
        (&[1], 2),
        &["--rendezvous-timeout", "2s"],
    );
    assert_eq!(late[0].0, 3, "{}", late[0].1);
    assert!(late[0].1.contains("shard(s) 2 of 2"), "{}", late[0].1);
}

#[test]
fn shards_meet_through_a_git_remote_and_leave_no_refs_behind() {
    let server = Server::start("1ms");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = write(d, "sharded.toml", &scenario(server.port, 100, 1));
    let bare = d.join("results.git");
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    git(&["init", "--bare", "-q", &bare.display().to_string()]);
    let url = format!("git+file://{}", bare.display());
    for (i, (code, stderr)) in rendezvous_shards(&s, d, Path::new(&url), (&[1, 2], 2), &[])
        .into_iter()
        .enumerate()
    {
        assert_eq!(code, 0, "shard {}: {stderr}", i + 1);
    }
    let parts: Vec<PathBuf> = (1..=2)
        .map(|i| records(&d.join(format!("shard-{i}")), "sharded").remove(0))
        .collect();
    let (code, merged_path, stderr) = merge(&parts, &d.join("merged"));
    assert_eq!(code, 0, "{stderr}");
    let merged = RunRecord::read(Path::new(&merged_path)).unwrap();
    let m = &merged.targets[0].operations[0].repetitions[0];
    assert_eq!(ops(&merged, 0) + m.unsent, 200, "{m:?}");
    // The steps went through the remote: shard 2 fetched the start shard 1 named there.
    let fetched = git(&[
        "-C",
        &d.join("shard-2/.rendezvous.git").display().to_string(),
        "for-each-ref",
        "--format=%(refname)",
    ]);
    assert!(
        fetched
            .lines()
            .any(|r| r.starts_with("refs/benchbot/rendezvous/")
                && r.ends_with("/sharded/svc/rep-1/measure/start/shard-1")),
        "{fetched}"
    );
    // Shard 1 deleted the run's refs once it was over.
    let left = git(&["ls-remote", &bare.display().to_string()]);
    assert!(left.trim().is_empty(), "{left}");
}
