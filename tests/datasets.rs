//! Seeded datasets through real servers: vectors into `PostgreSQL` + pgvector and Chroma with
//! recall checked against the exact ground truth, a graph into `PostgreSQL` and a key space into
//! Redis read back row for row. `scripts/test` installs the servers (`scripts/services`).

mod common;

use std::path::Path;
use std::process::Command;

use benchbot::dataset::{Access, Keys};
use common::services::{edge_sums, free_port, output, postgres, psql, services, start};
use common::{first_record, root, run, run_scenario, write};
use serde_json::Value;

fn op<'a>(rec: &'a Value, target: &str, name: &str) -> &'a Value {
    let t = rec["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == target)
        .unwrap_or_else(|| panic!("no target {target}"));
    t["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("{target} has no operation {name}"))
}

fn mean(op: &Value, field: &str) -> f64 {
    let reps = op["repetitions"].as_array().unwrap();
    reps.iter().map(|r| r[field].as_f64().unwrap()).sum::<f64>() / reps.len() as f64
}

fn errors(op: &Value) -> u64 {
    op["repetitions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["errors"].as_object().unwrap().values())
        .map(|v| v.as_u64().unwrap())
        .sum()
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one end-to-end story reads best in one test"
)]
fn vector_search_recall_against_exact_ground_truth_on_pgvector_and_chroma() {
    let Some(venv) = services() else { return };
    let dir = tempfile::tempdir().unwrap();
    let svc = root().join("scenarios/services");
    let pg = |session: &str| {
        format!(
            r#"[target.postgres]
url = "host=127.0.0.1 port={{{{port}}}} user=postgres dbname=postgres"
setup = ["CREATE EXTENSION IF NOT EXISTS vector", "CREATE TABLE items (id bigint PRIMARY KEY, embedding vector(24))"]
session = [{session}]
[target.service]
command = ["{svc}/postgres.sh", "pgvector", "{{{{port}}}}"]
env = {{ BENCHBOT_SERVICES_VENV = "{venv}" }}
ready = {{ command = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "{{{{port}}}}"] }}
ready-timeout = "60s""#,
            svc = svc.display(),
            venv = venv.display()
        )
    };
    let scenario = format!(
        r#"
[scenario]
name = "ann-small"
kind = "competitive"
seed = 9

[dataset.vectors]
count = 3000
dim = 24
clusters = 12
spread = 0.2
queries = 200
k = 10

# ef_search = 1 set per session before the statement is prepared: HNSW then returns at most
# one row, so recall@10 is at most 0.1. Were the setting lost (another connection, a plan
# cached before it), the default ef_search of 40 would find nearly everything.
[[target]]
name = "hnsw-ef1"
role = "ours"
{ef1}
[[target.ingest]]
rows = "vectors"
copy = "COPY items (id, embedding) FROM STDIN"
after = ["CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)"]

# No index: PostgreSQL sorts by exact distance, which must agree with benchbot's brute force.
[[target]]
name = "exact"
role = "competitor"
{exact}
[[target.ingest]]
rows = "vectors"
copy = "COPY items (id, embedding) FROM STDIN"

[[target]]
name = "chroma"
role = "competitor"
[target.http]
base-url = "http://127.0.0.1:{{{{port}}}}/api/v2/tenants/default_tenant/databases/default_database/collections/{{{{collection}}}}"
headers = {{ Content-Type = "application/json" }}
[[target.http.setup]]
path = "/api/v2/tenants/default_tenant/databases/default_database/collections"
body = '{{"name": "ann-small", "configuration": {{"hnsw": {{"space": "l2"}}}}}}'
capture = {{ collection = "/id" }}
[[target.ingest]]
rows = "vectors"
batch = 700
http = {{ path = "/add", body = '{{"ids": {{{{ids}}}}, "embeddings": {{{{vectors}}}}}}' }}
[target.service]
command = ["{svc}/chroma.sh", "{{{{port}}}}"]
env = {{ BENCHBOT_SERVICES_VENV = "{venv}" }}
ready = {{ http = "http://127.0.0.1:{{{{port}}}}/api/v2/heartbeat" }}
ready-timeout = "90s"

[[operation]]
name = "search"
recall = 10
[operation.postgres]
sql = "SELECT id FROM items ORDER BY embedding <-> $1::text::vector LIMIT 10"
params = ["{{{{vectors.query}}}}"]
[operation.http]
method = "POST"
path = "/query"
body = '{{"query_embeddings": [{{{{vectors.query}}}}], "n_results": 10, "include": []}}'
ids = "/ids/0"

[load]
concurrency = 2
operations = 300
repetitions = 2

[thresholds]
recall-margin = "2%"
"#,
        svc = svc.display(),
        venv = venv.display(),
        ef1 = pg("\"SET hnsw.ef_search = 1\""),
        exact = pg(""),
    );
    let s = write(dir.path(), "ann.toml", &scenario);
    let out = dir.path().join("out");
    let cache = dir.path().join("cache");
    let (code, stdout, stderr) = run_scenario(
        &s,
        &out,
        dir.path(),
        &["--cache-dir", cache.to_str().unwrap(), "--quarterly"],
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let rec = first_record(&out, "ann-small");
    assert!(
        rec["scenario"]["dataset"]["vectors_digest"]
            .as_str()
            .is_some_and(|d| d.len() == 64),
        "{}",
        rec["scenario"]["dataset"]
    );
    for t in ["hnsw-ef1", "exact", "chroma"] {
        let search = op(&rec, t, "search");
        assert_eq!(errors(search), 0, "{t}: {search}");
        // The load phase wrote every row, once per target.
        let ingest = op(&rec, t, "ingest");
        assert_eq!(ingest["repetitions"][0]["count"], 3000, "{t}");
        assert!(ingest["repetitions"][0]["throughput"].as_f64().unwrap() > 0.0);
    }
    let exact = mean(op(&rec, "exact", "search"), "recall");
    assert!(exact >= 0.999, "exact search recall {exact}");
    assert!((mean(op(&rec, "exact", "search"), "precision") - exact).abs() < 1e-9);
    let ef1 = mean(op(&rec, "hnsw-ef1", "search"), "recall");
    assert!(ef1 <= 0.1 + 1e-9 && ef1 > 0.0, "ef_search = 1 recall {ef1}");
    let chroma = mean(op(&rec, "chroma", "search"), "recall");
    assert!(chroma > 0.9, "chroma recall {chroma}");
    // The index build is measured on its own, for the target that has one.
    assert_eq!(
        op(&rec, "hnsw-ef1", "index-build")["repetitions"][0]["count"],
        1
    );
    // The comparison at such different recall is flagged, in the terminal and the summary.
    assert!(
        stdout.contains(&format!(
            "not like for like: recall@k ours {ef1:.3}, exact 1.000"
        )),
        "{stdout}"
    );
    for body in ["latest.md", "issue.md"] {
        let text = std::fs::read_to_string(out.join(body)).unwrap();
        assert!(
            text.contains("ann-small `search`: not like for like"),
            "{body}: {text}"
        );
    }
    // The ground truth was computed once and cached under the dataset digest.
    assert!(stderr.contains("exact ground truth computed"), "{stderr}");
    let cached: Vec<_> = std::fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(cached.len(), 1);
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one end-to-end story reads best in one test"
)]
fn a_seeded_graph_and_key_space_arrive_row_for_row() {
    if services().is_none() {
        return;
    }
    let (_pg, pg_port) = postgres();
    let redis_port = free_port();
    let _redis = start(
        Command::new("redis-server").args([
            "--port",
            &redis_port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]),
        || std::net::TcpStream::connect(("127.0.0.1", redis_port)).is_ok(),
    );
    let dir = tempfile::tempdir().unwrap();
    let scenario = format!(
        r#"
[scenario]
name = "graph-keys"
kind = "internal"
seed = 77

[dataset.graph]
nodes = 3000
degree = 5
distribution = "power-law"

[dataset.keys]
count = 4000
access = "zipf"
value-size = 24

[[target]]
name = "pg"
role = "ours"
[target.postgres]
url = "host=127.0.0.1 port={pg_port} user=postgres dbname=postgres"
setup = ["DROP TABLE IF EXISTS edges", "CREATE TABLE edges (src bigint, dst bigint)"]
[[target.ingest]]
rows = "edges"
copy = "COPY edges (src, dst) FROM STDIN"
after = ["CREATE INDEX ON edges (src)"]

[[target]]
name = "redis"
role = "ours"
[target.redis]
address = "127.0.0.1:{redis_port}"
setup = [["FLUSHALL"]]
[[target.ingest]]
rows = "keys"
batch = 300
redis = ["SET", "key:{{{{key}}}}", "{{{{value}}}}"]

[[operation]]
name = "lookup"
[operation.postgres]
sql = "SELECT dst FROM edges WHERE src = $1"
params = ["{{{{graph.node}}}}"]
[operation.redis]
command = ["GET", "key:{{{{keys.key}}}}"]

[load]
operations = 200
repetitions = 1
"#
    );
    let s = write(dir.path(), "gk.toml", &scenario);
    let out = dir.path().join("out");
    let (code, stdout, stderr) = run_scenario(&s, &out, dir.path(), &[]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let rec = first_record(&out, "graph-keys");
    assert_eq!(op(&rec, "pg", "ingest")["repetitions"][0]["count"], 15_000);
    assert_eq!(op(&rec, "redis", "ingest")["repetitions"][0]["count"], 4000);
    assert_eq!(errors(op(&rec, "pg", "lookup")), 0);
    assert_eq!(errors(op(&rec, "redis", "lookup")), 0);

    // The edges in PostgreSQL are exactly the generator's, in content and multiplicity.
    let (sum, sq) = edge_sums(77, 3000, 5);
    let psql = |q: &str| psql(pg_port, q);
    assert_eq!(psql("SELECT count(*) FROM edges"), "15000");
    assert_eq!(
        psql("SELECT sum(src * 100003 + dst) FROM edges"),
        sum.to_string()
    );
    assert_eq!(
        psql("SELECT sum(((src * 100003 + dst)::numeric * (src * 100003 + dst)) % 1000000007) FROM edges"),
        sq.to_string()
    );
    // A power-law graph has hubs: the most linked-to node has far more than the mean of 5.
    let top: u64 = psql("SELECT max(c) FROM (SELECT count(*) c FROM edges GROUP BY dst) t")
        .parse()
        .unwrap();
    assert!(top > 100, "{top}");

    // Every key holds the generator's value.
    let keys = Keys {
        seed: 77,
        count: 4000,
        access: Access::Uniform,
        value_size: 24,
    };
    let cli = |args: &[&str]| {
        output(
            Command::new("redis-cli")
                .args(["-p", &redis_port.to_string()])
                .args(args),
        )
    };
    assert_eq!(cli(&["DBSIZE"]), "4000");
    for i in [0u64, 1, 1234, 3999] {
        let mut want = String::new();
        keys.value(i, &mut want);
        assert_eq!(cli(&["GET", &format!("key:{i}")]), want, "key {i}");
    }

    // Traversal answers are checked against the graph: right queries pass, a wrong one (a
    // LIMIT that drops neighbours, a count that misses the second hop) is a counted error.
    let verified = format!(
        r#"
[scenario]
name = "graph-answers"
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
[params]
start = "graph.node"
[[operation]]
name = "one-hop"
verify = "out-neighbours"
[operation.postgres]
sql = "SELECT dst FROM edges WHERE src = $1"
params = ["{{{{start}}}}"]
[[operation]]
name = "two-hop"
verify = "two-hop-count"
[operation.postgres]
sql = "SELECT count(DISTINCT m) FROM (SELECT dst AS m FROM edges WHERE src = $1 UNION ALL SELECT e2.dst FROM edges e1 JOIN edges e2 ON e2.src = e1.dst WHERE e1.src = $1) r"
params = ["{{{{start}}}}"]
[[operation]]
name = "one-hop-truncated"
verify = "out-neighbours"
[operation.postgres]
sql = "SELECT dst FROM edges WHERE src = $1 LIMIT 4"
params = ["{{{{start}}}}"]
[[operation]]
name = "one-hop-only-count"
verify = "two-hop-count"
[operation.postgres]
sql = "SELECT count(DISTINCT dst) FROM edges WHERE src = $1"
params = ["{{{{start}}}}"]
[load]
operations = 400
repetitions = 1
"#
    );
    let s = write(dir.path(), "answers.toml", &verified);
    let out = dir.path().join("out2");
    let (code, stdout, stderr) = run_scenario(&s, &out, dir.path(), &[]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let rec = first_record(&out, "graph-answers");
    for good in ["one-hop", "two-hop"] {
        let o = op(&rec, "pg", good);
        assert_eq!(errors(o), 0, "{good}: {o}");
        assert!(o["repetitions"][0]["count"].as_u64().unwrap() > 50);
    }
    for bad in ["one-hop-truncated", "one-hop-only-count"] {
        let o = op(&rec, "pg", bad);
        let r = &o["repetitions"][0];
        // Out-degree is 5 for every node, so LIMIT 4 is always wrong; a one-hop count equals
        // the two-hop count only when the second hop adds nothing new.
        assert!(r["count"].as_u64().unwrap() * 10 < errors(o), "{bad}: {r}");
        assert!(
            r["error_samples"]["driver"]
                .as_str()
                .unwrap()
                .starts_with("wrong answer from node"),
            "{r}"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_dataset_and_operation_digests() {
    let dir = tempfile::tempdir().unwrap();
    let text = |seed: u64| {
        format!(
            r#"
[scenario]
name = "digests"
kind = "internal"
seed = {seed}
[dataset.vectors]
count = 5000
dim = 16
queries = 50
[[target]]
name = "t"
role = "ours"
[target.http]
base-url = "http://127.0.0.1:9"
[[operation]]
name = "search"
[operation.http]
method = "POST"
path = "/s"
body = '{{{{vectors.query}}}}'
[load]
operations = 500
"#
        )
    };
    let plan = |seed: u64| {
        let s = write(dir.path(), &format!("d{seed}.toml"), &text(seed));
        let (code, stdout, stderr) = run(&["run", "--dry-run", s.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        let digest = stdout
            .lines()
            .find(|l| l.contains("sequence digest"))
            .unwrap()
            .to_owned();
        digest
    };
    assert_eq!(plan(1), plan(1));
    assert_ne!(plan(1), plan(2));
    // The vector digest, in process: pinned, so a change to the generator (or a platform that
    // computes it differently) fails here instead of silently changing every dataset.
    let s = benchbot::scenario::Scenario::from_source(Path::new("d.toml"), &text(1)).unwrap();
    let v = s.dataset.as_ref().unwrap().vectors.as_ref().unwrap();
    assert_eq!(v.digest(), PINNED_DIGEST);
}

/// `Vectors::digest` of the scenario above with seed 1 (algorithm version 1).
const PINNED_DIGEST: &str = "312b001eec90415e9c7dd0b6de3a2d42c5b0d36d75bd73f44dbe5388211cf73a";
