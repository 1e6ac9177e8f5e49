//! The `PostgreSQL` and Redis drivers against real servers, started and stopped by the scenarios'
//! managed services. `scripts/test` installs redis-server; `PostgreSQL`'s server binaries come
//! from Debian (`/usr/lib/postgresql/*/bin`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{first_record, run_scenario, write};
use serde_json::Value;

fn op<'a>(rec: &'a Value, name: &str) -> &'a Value {
    rec["targets"][0]["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap()
}

fn ok_and_errors(op: &Value) -> (u64, u64, Value) {
    let reps = op["repetitions"].as_array().unwrap();
    let ok = reps.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    let errors = reps
        .iter()
        .flat_map(|r| r["errors"].as_object().unwrap().values())
        .map(|v| v.as_u64().unwrap())
        .sum();
    (ok, errors, reps[0]["error_samples"].clone())
}

fn required(tool: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    if found.is_none() {
        assert!(
            std::env::var_os("BENCHBOT_REQUIRE_STANDINS").is_none(),
            "{tool} is required: run scripts/test, which installs it"
        );
        eprintln!("SKIPPED: {tool} is not installed (scripts/test installs it)");
    }
    found
}

#[test]
fn redis_commands_with_templates_against_a_real_server() {
    let Some(redis) = required("redis-server", which("redis-server")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let scenario = format!(
        r#"
[scenario]
name = "redis-kv"
kind = "internal"
seed = 5

[[target]]
name = "redis"
role = "ours"
[target.redis]
address = "127.0.0.1:{{{{port}}}}"
setup = [["FLUSHALL"], ["SET", "counter", "0"]]
[target.service]
command = ["{redis}", "--port", "{{{{port}}}}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
ready = {{ tcp = "127.0.0.1:{{{{port}}}}" }}

[params]
key = "int 1 200"

[[operation]]
name = "set"
weight = 3
[operation.redis]
command = ["SET", "key:{{{{key}}}}", "{{{{string 16}}}}"]

[[operation]]
name = "get"
weight = 6
[operation.redis]
command = ["GET", "key:{{{{key}}}}"]

[[operation]]
name = "incr"
weight = 1
[operation.redis]
command = ["INCR", "counter"]

[[operation]]
name = "bad"
weight = 1
[operation.redis]
command = ["NOSUCHCOMMAND", "{{{{key}}}}"]

[load]
concurrency = 2
operations = 2000
repetitions = 2
"#,
        redis = redis.display()
    );
    let s = write(dir.path(), "redis.toml", &scenario);
    let out = dir.path().join("out");
    let (code, _, stderr) = run_scenario(&s, &out, dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let rec = first_record(&out, "redis-kv");
    assert_eq!(rec["targets"][0]["driver"], "redis");
    for name in ["set", "get", "incr"] {
        let (ok, errors, samples) = ok_and_errors(op(&rec, name));
        assert!(
            ok > 50 && errors == 0,
            "{name}: {ok} ok, {errors} errors {samples}"
        );
    }
    let (ok, errors, samples) = ok_and_errors(op(&rec, "bad"));
    assert_eq!(ok, 0);
    assert!(errors > 50);
    assert!(
        samples["driver"]
            .as_str()
            .unwrap()
            .contains("unknown command"),
        "{samples}"
    );
}

fn pg_bin() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("postgres").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.exists())
    })
}

/// The server refuses to run as root: as root, everything runs as the `postgres` user.
fn as_postgres(bin: &Path, args: &[&str]) -> Vec<String> {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut v: Vec<String> = if root {
        vec![
            "runuser".into(),
            "-u".into(),
            "postgres".into(),
            "--".into(),
        ]
    } else {
        Vec::new()
    };
    v.push(bin.display().to_string());
    v.extend(args.iter().map(|a| (*a).to_owned()));
    v
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one end-to-end story reads best in one test"
)]
fn postgres_statements_with_bound_parameters_against_a_real_server() {
    let Some(bin) = required("PostgreSQL server", pg_bin()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("pgdata");
    std::fs::create_dir_all(&data).unwrap();
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        assert!(Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .unwrap()
            .success());
    }
    let initdb = as_postgres(
        &bin.join("initdb"),
        &[
            "-D",
            data.to_str().unwrap(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        ],
    );
    let o = Command::new(&initdb[0])
        .args(&initdb[1..])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "initdb: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let server = as_postgres(
        &bin.join("postgres"),
        &[
            "-D",
            data.to_str().unwrap(),
            "-h",
            "127.0.0.1",
            "-p",
            "{{port}}",
            "-k",
            data.to_str().unwrap(),
            "-c",
            "fsync=off",
        ],
    );
    let server_toml = server
        .iter()
        .map(|a| format!("{a:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let scenario = format!(
        r#"
[scenario]
name = "pg-kv"
kind = "internal"
seed = 11

[[target]]
name = "postgres"
role = "ours"
[target.postgres]
url = "host=127.0.0.1 port={{{{port}}}} user=postgres dbname=postgres"
setup = [
  "DROP TABLE IF EXISTS kv",
  "CREATE TABLE kv (k int PRIMARY KEY, v text NOT NULL, score float8 NOT NULL DEFAULT 0)",
  "INSERT INTO kv SELECT g, md5(g::text) FROM generate_series(1, 1000) g",
]
[target.service]
command = [{server_toml}]
ready = {{ tcp = "127.0.0.1:{{{{port}}}}" }}
ready-timeout = "30s"

[params]
key = "zipf 1000 0.9"

[[operation]]
name = "get"
weight = 6
[operation.postgres]
sql = "SELECT v FROM kv WHERE k = $1"
params = ["{{{{key}}}}"]

[[operation]]
name = "update"
weight = 3
[operation.postgres]
sql = "UPDATE kv SET v = $2, score = $3 WHERE k = $1"
params = ["{{{{key}}}}", "{{{{string 12}}}}", "{{{{float 0 1}}}}"]

[[operation]]
name = "broken"
weight = 1
[operation.postgres]
sql = "SELECT v FROM kv WHERE k = $1 AND v::int > 0"
params = ["{{{{key}}}}"]

[load]
concurrency = 2
operations = 600
repetitions = 2
"#
    );
    let s = write(dir.path(), "pg.toml", &scenario);
    let out = dir.path().join("out");
    let (code, _, stderr) = run_scenario(&s, &out, dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let rec = first_record(&out, "pg-kv");
    assert_eq!(rec["targets"][0]["driver"], "postgres");
    for name in ["get", "update"] {
        let (ok, errors, samples) = ok_and_errors(op(&rec, name));
        assert!(
            ok > 50 && errors == 0,
            "{name}: {ok} ok, {errors} errors {samples}"
        );
    }
    // md5 text cast to int fails on the server: counted as driver errors with the SQLSTATE.
    let (ok, errors, samples) = ok_and_errors(op(&rec, "broken"));
    assert_eq!(ok, 0);
    assert!(errors > 10);
    assert!(
        samples["driver"].as_str().unwrap().contains("22P02"),
        "{samples}"
    );
}
