//! Managed services: a process benchbot starts in its own process group, waits for, and
//! always stops (SIGTERM, then SIGKILL after a grace period; also when dropped).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::driver::driver::tail;

/// How to tell that the service is ready.
#[derive(Clone, Debug)]
pub enum ReadyCheck {
    Http(String),
    Tcp(String),
    Command(Vec<String>),
}

/// A service description with placeholders already filled in.
#[derive(Clone, Debug)]
pub struct ServiceSpec {
    pub target: String,
    pub command: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub cwd: PathBuf,
    pub ready: ReadyCheck,
    pub ready_timeout: Duration,
    pub stop_grace: Duration,
    pub log: PathBuf,
    /// Pin the service to these CPUs (`sched_setaffinity`), keeping it off the generator's.
    pub cpus: Option<Vec<usize>>,
}

/// Why a service did not come up.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("target `{target}`: cannot start service `{program}`")]
    Spawn {
        target: String,
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("target `{target}`: service exited with {status} before it was ready\n  log {}:\n{log_tail}", log.display())]
    Exited {
        target: String,
        status: String,
        log: PathBuf,
        log_tail: String,
    },
    #[error("target `{target}`: service not ready after {timeout:?} ({check})\n  log {}:\n{log_tail}", log.display())]
    NotReady {
        target: String,
        timeout: Duration,
        check: String,
        log: PathBuf,
        log_tail: String,
    },
    #[error("target `{target}`: cannot create log file {}", log.display())]
    Log {
        target: String,
        log: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A running service. Dropping it kills the whole process group.
pub struct Service {
    child: Option<Child>,
    pgid: Option<i32>,
    grace: Duration,
    /// Path of the combined stdout/stderr log.
    pub log: PathBuf,
}

/// A free TCP port on 127.0.0.1 (bound and released; the service binds it next).
///
/// # Errors
/// When no socket can be bound.
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Service {
    /// Starts the service and waits until its readiness check passes.
    ///
    /// # Errors
    /// [`ServiceError`], with the tail of the service's log when it failed to become ready.
    pub async fn start(spec: &ServiceSpec) -> Result<Self, ServiceError> {
        if let Some(dir) = spec.log.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let log_err = |source| ServiceError::Log {
            target: spec.target.clone(),
            log: spec.log.clone(),
            source,
        };
        let out = File::create(&spec.log).map_err(log_err)?;
        let err = out.try_clone().map_err(log_err)?;
        let program = spec.command.first().cloned().unwrap_or_default();
        let mut cmd = Command::new(&program);
        // The whole environment: the allowed variables and the scenario's (see util::env).
        cmd.args(&spec.command[1..])
            .env_clear()
            .envs(&spec.env)
            .current_dir(&spec.cwd)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .kill_on_drop(true);
        let cpus = spec.cpus.clone();
        // SAFETY: between fork and exec only prctl and sched_setaffinity run, which are
        // async-signal-safe and allocate nothing.
        unsafe {
            cmd.pre_exec(move || {
                // If benchbot dies without cleaning up (SIGKILL), the service dies with it.
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                match &cpus {
                    Some(c) => pin_current(c),
                    None => Ok(()),
                }
            });
        }
        let child = cmd.spawn().map_err(|source| ServiceError::Spawn {
            target: spec.target.clone(),
            program,
            source,
        })?;
        let pgid = child.id().and_then(|id| i32::try_from(id).ok());
        if let Some(g) = pgid {
            let mut groups = live_groups().lock().unwrap_or_else(PoisonError::into_inner);
            groups.push(g);
            persist(&groups);
        }
        let mut svc = Self {
            child: Some(child),
            pgid,
            grace: spec.stop_grace,
            log: spec.log.clone(),
        };
        let deadline = Instant::now() + spec.ready_timeout;
        loop {
            if let Some(child) = svc.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    svc.child = None;
                    return Err(ServiceError::Exited {
                        target: spec.target.clone(),
                        status: status.to_string(),
                        log: spec.log.clone(),
                        log_tail: log_tail(&spec.log),
                    });
                }
            }
            if check(&spec.ready, &spec.cwd).await {
                return Ok(svc);
            }
            if Instant::now() >= deadline {
                svc.stop().await;
                return Err(ServiceError::NotReady {
                    target: spec.target.clone(),
                    timeout: spec.ready_timeout,
                    check: describe(&spec.ready),
                    log: spec.log.clone(),
                    log_tail: log_tail(&spec.log),
                });
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The service's process id.
    #[must_use]
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// The exit status, when the service has ended on its own (it should run until stopped).
    pub fn exited(&mut self) -> Option<String> {
        let status = self.child.as_mut()?.try_wait().ok()??;
        Some(status.to_string())
    }

    /// SIGTERM to the process group, then SIGKILL after the grace period.
    pub async fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Some(pgid) = self.pgid {
            signal_group(pgid, libc::SIGTERM);
        }
        if tokio::time::timeout(self.grace, child.wait())
            .await
            .is_err()
        {
            if let Some(pgid) = self.pgid {
                signal_group(pgid, libc::SIGKILL);
            }
            let _ = child.wait().await;
        }
        // Children the service left behind in its group.
        if let Some(pgid) = self.pgid.take() {
            signal_group(pgid, libc::SIGKILL);
            let mut groups = live_groups().lock().unwrap_or_else(PoisonError::into_inner);
            groups.retain(|g| *g != pgid);
            persist(&groups);
        }
    }
}

/// Where the process groups of running services are written down, so that a run killed
/// without cleanup (SIGKILL) has them reaped by the next run on the same output directory.
fn registry() -> &'static Mutex<Option<PathBuf>> {
    static PATH: OnceLock<Mutex<Option<PathBuf>>> = OnceLock::new();
    PATH.get_or_init(|| Mutex::new(None))
}

/// Writes the live groups, with each one's start time, to the registry file (if set).
fn persist(groups: &[i32]) {
    let path = registry()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let Some(path) = path else { return };
    let entries: Vec<(i32, u64)> = groups
        .iter()
        .filter_map(|g| start_ticks(*g).map(|t| (*g, t)))
        .collect();
    if let Ok(json) = serde_json::to_vec(&entries) {
        let _ = crate::util::write_atomic(&path, &json);
    }
}

/// When process `pid` started (clock ticks since boot, `/proc/<pid>/stat` field 22): with the
/// pid it names one process, never a later one that reused the number.
fn start_ticks(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

/// Records the services this run starts in `path`, after killing the groups a previous run
/// recorded there and left behind (it was killed without cleaning up). Returns how many.
pub fn reap_and_register(path: &Path) -> usize {
    let mut reaped = 0;
    if let Ok(text) = std::fs::read_to_string(path) {
        let entries: Vec<(i32, u64)> = serde_json::from_str(&text).unwrap_or_default();
        for (pgid, ticks) in entries {
            if start_ticks(pgid) == Some(ticks) {
                signal_group(pgid, libc::SIGKILL);
                reaped += 1;
            }
        }
        let _ = std::fs::remove_file(path);
    }
    *registry().lock().unwrap_or_else(PoisonError::into_inner) = Some(path.to_owned());
    reaped
}

fn live_groups() -> &'static Mutex<Vec<i32>> {
    static GROUPS: OnceLock<Mutex<Vec<i32>>> = OnceLock::new();
    GROUPS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Kills every service still running (SIGKILL to its process group). For the second signal,
/// which exits at once without unwinding.
pub fn kill_all() {
    for g in live_groups()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .drain(..)
    {
        signal_group(g, libc::SIGKILL);
    }
}

/// Pins the calling thread (and what it execs) to `cpus`.
///
/// # Errors
/// The OS error of `sched_setaffinity`, e.g. a CPU that does not exist.
pub fn pin_current(cpus: &[usize]) -> std::io::Result<()> {
    // SAFETY: cpu_set_t is plain data; CPU_ZERO/CPU_SET only write inside it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_ZERO(&mut set);
        for &c in cpus {
            libc::CPU_SET(c, &mut set);
        }
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &raw const set) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(pgid) = self.pgid {
            signal_group(pgid, libc::SIGKILL);
            let mut groups = live_groups().lock().unwrap_or_else(PoisonError::into_inner);
            groups.retain(|g| *g != pgid);
            persist(&groups);
        }
    }
}

fn signal_group(pgid: i32, sig: i32) {
    if pgid > 0 {
        // SAFETY: killpg has no memory-safety preconditions; a stale group id yields ESRCH.
        unsafe {
            libc::killpg(pgid, sig);
        }
    }
}

fn describe(c: &ReadyCheck) -> String {
    match c {
        ReadyCheck::Http(u) => format!("GET {u}"),
        ReadyCheck::Tcp(a) => format!("TCP connect {a}"),
        ReadyCheck::Command(c) => format!("command `{}`", c.join(" ")),
    }
}

/// The last lines of a log file, indented, for error messages.
#[must_use]
pub fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let t = tail(&text, 2000);
    let lines: Vec<&str> = t.lines().collect();
    let start = lines.len().saturating_sub(20);
    if lines.is_empty() {
        return "    (empty)".into();
    }
    lines[start..]
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn check(c: &ReadyCheck, cwd: &Path) -> bool {
    let attempt = async {
        match c {
            ReadyCheck::Tcp(addr) => TcpStream::connect(addr.as_str()).await.is_ok(),
            ReadyCheck::Http(url) => http_ok(url).await,
            ReadyCheck::Command(argv) => {
                let Some((p, a)) = argv.split_first() else {
                    return false;
                };
                Command::new(p)
                    .args(a)
                    .env_clear()
                    .envs(crate::util::env::child_env(&[]))
                    .current_dir(cwd)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .kill_on_drop(true)
                    .status()
                    .await
                    .is_ok_and(|s| s.success())
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(2), attempt)
        .await
        .unwrap_or(false)
}

/// A `GET` over HTTP or HTTPS that accepts any status below 500 (redirects included, not
/// followed). The certificate is not checked: the probe sends nothing and only reads the status
/// of a service benchbot started itself, which often serves a test certificate; the measured
/// client checks it as the target says.
async fn http_ok(url: &str) -> bool {
    let Some(client) = probe_client() else {
        return false;
    };
    client
        .get(url)
        .send()
        .await
        .is_ok_and(|r| r.status().as_u16() < 500)
}

/// The readiness probe's client, built once: no proxy (services are local), no redirects, no
/// idle connections kept (each probe is a new connection, as the first measured one will be).
fn probe_client() -> Option<&'static reqwest::Client> {
    static CLIENT: std::sync::OnceLock<Option<reqwest::Client>> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let tls = crate::driver::http::tls_client_config(&crate::driver::http::TlsOptions {
                ca_file: None,
                insecure: true,
            })
            .ok()?;
            reqwest::Client::builder()
                .tls_backend_preconfigured((*tls).clone())
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .pool_max_idle_per_host(0)
                .build()
                .ok()
        })
        .as_ref()
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// A server on 127.0.0.1 that answers every request with `status`; its URL.
    async fn answering(status: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf).await;
                let _ = s
                    .write_all(
                        format!(
                            "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        )
                        .as_bytes(),
                    )
                    .await;
            }
        });
        format!("http://{addr}/health")
    }

    #[tokio::test]
    async fn ready_means_any_answer_below_500() {
        assert!(super::http_ok(&answering("200 OK").await).await);
        assert!(super::http_ok(&answering("404 Not Found").await).await);
        assert!(
            super::http_ok(&answering("302 Found").await).await,
            "a redirect answers: not followed"
        );
        assert!(!super::http_ok(&answering("503 Service Unavailable").await).await);
        // Nothing listening.
        let free = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", free.local_addr().unwrap());
        drop(free);
        assert!(!super::http_ok(&url).await);
        assert!(!super::http_ok("not a url").await);
    }
}
