//! Database servers for the tests: the environment `scripts/services` prepares, servers
//! started in a process group of their own (stopped with it when dropped) and read back with
//! their command-line clients.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::root;

/// The services environment, or `None` (after saying so) when it is not installed and the
/// test may be skipped; under `BENCHBOT_REQUIRE_STANDINS` (scripts/test) it must be there.
pub fn services() -> Option<PathBuf> {
    let venv = std::env::var_os("BENCHBOT_SERVICES_VENV")
        .map_or_else(|| root().join("target/services/venv"), PathBuf::from);
    if venv.join(".installed").exists() {
        return Some(venv);
    }
    assert!(
        std::env::var_os("BENCHBOT_REQUIRE_STANDINS").is_none(),
        "the database servers are required: run scripts/services (scripts/test does)"
    );
    eprintln!(
        "SKIPPED: no database servers in {} (run scripts/services)",
        venv.display()
    );
    None
}

pub struct Server(Child);

impl Drop for Server {
    #[expect(clippy::cast_possible_wrap, reason = "process ids fit i32")]
    fn drop(&mut self) {
        // SAFETY: kill has no memory preconditions; the group was created by process_group(0).
        unsafe {
            libc::kill(-(self.0.id() as i32), libc::SIGTERM);
        }
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn start(cmd: &mut Command, ready: impl Fn() -> bool) -> Server {
    use std::os::unix::process::CommandExt as _;
    let child = cmd
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let s = Server(child);
    let t = Instant::now();
    while !ready() {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    s
}

pub fn output(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_owned()
}

/// PostgreSQL (Debian's, from `scripts/services`) on a free port; stopped when dropped.
pub fn postgres() -> (Server, u16) {
    let port = free_port();
    let server = start(
        Command::new(root().join("scenarios/services/postgres.sh"))
            .args(["debian", &port.to_string()]),
        || {
            Command::new("pg_isready")
                .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
                .status()
                .is_ok_and(|s| s.success())
        },
    );
    (server, port)
}

/// One query through `psql`, its unaligned output.
pub fn psql(port: u16, query: &str) -> String {
    output(Command::new("psql").args([
        "-X",
        "-A",
        "-t",
        "-h",
        "127.0.0.1",
        "-p",
        &port.to_string(),
        "-U",
        "postgres",
        "-c",
        query,
    ]))
}

/// A power-law graph of the generator (`distribution = "power-law"`) as the tests write it into
/// PostgreSQL: the sum over its edges of `src · 100003 + dst`, and of its squares each modulo
/// 1,000,000,007, as the SQL checks compute them.
pub fn edge_sums(seed: u64, nodes: u64, degree: u32) -> (u128, u128) {
    let graph = benchbot::dataset::Graph {
        seed,
        nodes,
        degree,
        targets: benchbot::dataset::Access::Zipf(benchbot::util::Zipf::new(nodes, 0.9).unwrap()),
    };
    let (mut sum, mut sq) = (0u128, 0u128);
    for e in 0..graph.edges() {
        let (a, b) = graph.edge(e);
        let x = u128::from(a) * 100_003 + u128::from(b);
        sum += x;
        sq += x * x % 1_000_000_007;
    }
    (sum, sq)
}
