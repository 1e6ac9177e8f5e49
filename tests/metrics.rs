//! Live metrics (`--metrics-addr`) scraped by a real Prometheus during a real run: the
//! exposition passes `promtool check metrics`, every query of `docs/grafana/benchbot.json`
//! returns series, the intended rate is the scenario's and the achieved one near it; a
//! non-loopback address is refused.

mod common;

use std::fmt::Write as _;
use std::io::{BufRead as _, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::write;

const SCENARIO: &str = r#"[scenario]
name = "live"
kind = "internal"
seed = 3

[[target]]
name = "demo"
role = "ours"
[target.http]
base-url = "http://127.0.0.1:{{port}}"
[target.service]
command = ["{{benchbot}}", "demo-server", "--port", "{{port}}", "--delay", "1ms"]
ready = { tcp = "127.0.0.1:{{port}}" }

[[operation]]
name = "get"
weight = 4
[operation.http]
path = "/items/{{int 1 1000}}"

# Fails its check every time: errors of kind `check` to show.
[[operation]]
name = "bad"
weight = 1
[operation.http]
path = "/items/{{int 1 1000}}"
[[operation.http.check]]
json = "/missing"
equals = true

[load]
mode = "open"
rate = 100
concurrency = 8
duration = "40s"
repetitions = 1
"#;

/// `GET path` on `addr`: the response body.
fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).unwrap();
    r.split_once("\r\n\r\n")
        .map_or(r.clone(), |(_, b)| b.to_owned())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills the child when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn prometheus() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/prometheus");
    if p.exists() {
        Some(p)
    } else {
        assert!(
            std::env::var_os("BENCHBOT_REQUIRE_STANDINS").is_none(),
            "Prometheus is missing (scripts/test installs Debian's prometheus)"
        );
        None
    }
}

/// A PromQL instant query: the result vector.
fn query(prom: &str, q: &str) -> Vec<serde_json::Value> {
    let mut enc = String::new();
    for b in q.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            enc.push(char::from(b));
        } else {
            let _ = write!(enc, "%{b:02X}");
        }
    }
    let body = get(prom, &format!("/api/v1/query?query={enc}"));
    let v: serde_json::Value =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(v["status"], "success", "{q}: {v}");
    v["data"]["result"].as_array().cloned().unwrap_or_default()
}

fn value(r: &serde_json::Value) -> f64 {
    r["value"][1].as_str().unwrap().parse().unwrap()
}

/// Waits for `benchbot run` to print where its metrics are.
fn metrics_addr(child: &mut Child) -> String {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(a) = line.strip_prefix("metrics: http://") {
                let _ = tx.send(a.trim_end_matches("/metrics").to_owned());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("benchbot says where its metrics are")
}

fn dashboard_queries() -> Vec<String> {
    let d: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("docs/grafana/benchbot.json")).unwrap(),
    )
    .unwrap();
    d["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap().clone())
        .map(|t| {
            t["expr"]
                .as_str()
                .unwrap()
                .replace("$__rate_interval", "5s")
                .replace("$scenario", ".*")
                .replace("$target", ".*")
        })
        .collect()
}

/// `promtool check metrics` on an exposition: it must pass.
fn lint(text: &str) {
    let mut lint = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    lint.stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let lint = lint.wait_with_output().unwrap();
    assert!(
        lint.status.success(),
        "promtool: {}{}\n{text}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );
}

/// A Prometheus on a free loopback port scraping `target` every second: the process and its
/// address.
fn start_prometheus(prometheus: &Path, dir: &Path, target: &str) -> (Killed, String) {
    let prom_addr = format!("127.0.0.1:{}", free_port());
    let config = write(
        dir,
        "prometheus.yml",
        &format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: benchbot\n    static_configs:\n      - targets: ['{target}']\n"
        ),
    );
    let prom = Killed(
        Command::new(prometheus)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("tsdb").display()
            ))
            .arg(format!("--web.listen-address={prom_addr}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    (prom, prom_addr)
}

#[test]
fn prometheus_scrapes_a_run_and_the_dashboard_queries_answer() {
    let Some(prometheus) = prometheus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "live.toml", SCENARIO);
    let mut run = common::Run::new(&s, &dir.path().join("out"), dir.path())
        .args([
            "--metrics-addr",
            "127.0.0.1:0",
            "--busy-cores",
            "64",
            "--busy-steal",
            "100",
        ])
        .std();
    let mut child = run
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let addr = metrics_addr(&mut child);
    let mut bench = Killed(child);

    // The exposition itself, linted by Prometheus' own tool (once the phase has begun).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut text = get(&addr, "/metrics");
    while !text.contains("benchbot_requests_total{") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        text = get(&addr, "/metrics");
    }
    lint(&text);

    // A real Prometheus scraping it every second.
    let (_prom, prom_addr) = start_prometheus(&prometheus, dir.path(), &addr);
    // Enough scrapes for a 5 s rate window.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        assert!(
            Instant::now() < deadline,
            "Prometheus never had 8 scrapes of benchbot"
        );
        std::thread::sleep(Duration::from_millis(500));
        let ready = std::panic::catch_unwind(|| {
            query(&prom_addr, "count_over_time(benchbot_requests_total[1m])")
                .iter()
                .any(|r| value(r) >= 8.0)
        });
        if ready.unwrap_or(false) {
            break;
        }
    }
    for q in dashboard_queries() {
        let result = query(&prom_addr, &q);
        assert!(
            !result.is_empty(),
            "the dashboard query returns nothing: {q}"
        );
    }
    let intended = query(&prom_addr, "sum(benchbot_intended_rate)");
    assert!((value(&intended[0]) - 100.0).abs() < 1e-9, "{intended:?}");
    let achieved = value(&query(&prom_addr, "sum(rate(benchbot_requests_total[5s]))")[0]);
    assert!(
        (50.0..200.0).contains(&achieved),
        "about 100/s achieved: {achieved}"
    );
    let errors = query(
        &prom_addr,
        "sum by (operation, kind) (benchbot_errors_total)",
    );
    assert!(
        errors
            .iter()
            .all(|r| r["metric"]["operation"] == "bad" && r["metric"]["kind"] == "check"),
        "{errors:?}"
    );
    let _ = bench.0.kill();
}

#[test]
fn metrics_stay_on_loopback_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "live.toml", SCENARIO);
    let (code, _, stderr) = common::Run::new(&s, &dir.path().join("out"), dir.path())
        .args(["--metrics-addr", "0.0.0.0:0"])
        .output();
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("--metrics-addr 0.0.0.0:0: not a loopback address"),
        "{stderr}"
    );
    assert!(
        !Path::new(&dir.path().join("out/records")).exists(),
        "nothing ran"
    );
}
