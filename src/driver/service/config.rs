//! The `[target.service]` table: a process benchbot starts, waits for and stops.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::util::Dur;

/// `[target.service]`: a process benchbot starts, waits for and always stops.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[schemars(rename = "Service")]
pub struct ServiceTable {
    /// Program and arguments. `{{port}}` is a free loopback port chosen at start,
    /// `{{benchbot}}` this benchbot executable.
    pub command: Vec<String>,
    /// Environment variables for the service. It also sees the usual variables (`PATH`,
    /// `HOME`, locale, toolchain homes), never benchbot's tokens.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// More variables of benchbot's environment to pass on, by name (secrets never pass).
    #[serde(default)]
    pub pass_env: Vec<String>,
    /// Working directory, relative to the scenario file.
    pub cwd: Option<String>,
    /// How to tell the service is ready.
    pub ready: Ready,
    /// Give up waiting after this long (default `30s`).
    pub ready_timeout: Option<Dur>,
    /// After SIGTERM, wait this long before SIGKILL (default `5s`).
    pub stop_grace: Option<Dur>,
    /// Pin the service to these CPUs, e.g. `[2, 3]`, away from the load generator's.
    pub cpus: Option<Vec<usize>>,
}

/// Exactly one readiness check.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Ready {
    /// A URL that answers with a status below 500.
    pub http: Option<String>,
    /// `host:port` that accepts a TCP connection.
    pub tcp: Option<String>,
    /// A command that exits 0.
    pub command: Option<Vec<String>>,
}

/// `[target.service]`: one readiness check at most, a command to start.
///
/// # Errors
/// The first problem, at a path relative to the target.
pub fn check(s: &ServiceTable) -> Result<(), crate::util::locate::Invalid> {
    use crate::util::locate::{Invalid, Seg};
    let at = |k: &'static str| [Seg::Key("service"), Seg::Key(k)];
    if s.command.is_empty() {
        return Err(Invalid::new(
            &at("command"),
            "the service command cannot be empty",
            None,
        ));
    }
    let checks = usize::from(s.ready.http.is_some())
        + usize::from(s.ready.tcp.is_some())
        + usize::from(s.ready.command.is_some());
    if checks != 1 {
        return Err(Invalid::new(&at("ready"), "give exactly one readiness check", Some("ready = { http = \"http://127.0.0.1:{{port}}/health\" }, { tcp = \"127.0.0.1:{{port}}\" } or { command = [...] }")));
    }
    if s.ready_timeout.is_some_and(|d| d.get().is_zero()) {
        return Err(Invalid::new(
            &at("ready-timeout"),
            "a service cannot be ready in no time: give it a positive duration (default 30s)",
            None,
        ));
    }
    let ready: Vec<&String> = s
        .ready
        .http
        .iter()
        .chain(&s.ready.tcp)
        .chain(s.ready.command.iter().flatten())
        .collect();
    crate::driver::vars::check_placeholders(
        s.command
            .iter()
            .chain(s.env.values())
            .chain(s.cwd.iter())
            .chain(ready),
    )
    .map_err(|m| Invalid::new(&at("command"), m, None))?;
    Ok(())
}

impl ServiceTable {
    /// The service to start for target `target`, placeholders filled from `vars`; relative
    /// directories resolve against `dir` (the scenario's); output goes to `log`.
    #[must_use]
    pub fn spec(
        &self,
        target: &str,
        vars: &crate::driver::vars::Vars,
        dir: &std::path::Path,
        log: std::path::PathBuf,
    ) -> super::ServiceSpec {
        use super::ReadyCheck;
        super::ServiceSpec {
            target: target.to_owned(),
            command: self.command.iter().map(|c| vars.fill(c)).collect(),
            env: crate::util::env::child_env(&self.pass_env)
                .into_iter()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .chain(self.env.iter().map(|(k, v)| (k.clone(), vars.fill(v))))
                .collect(),
            cwd: dir.join(
                self.cwd
                    .as_deref()
                    .map(|c| vars.fill(c))
                    .unwrap_or_default(),
            ),
            ready: match (&self.ready.http, &self.ready.tcp, &self.ready.command) {
                (Some(u), _, _) => ReadyCheck::Http(vars.fill(u)),
                (_, Some(a), _) => ReadyCheck::Tcp(vars.fill(a)),
                (_, _, c) => {
                    ReadyCheck::Command(c.iter().flatten().map(|a| vars.fill(a)).collect())
                }
            },
            ready_timeout: self
                .ready_timeout
                .map_or(std::time::Duration::from_secs(30), Dur::get),
            stop_grace: self
                .stop_grace
                .map_or(std::time::Duration::from_secs(5), Dur::get),
            cpus: self.cpus.clone(),
            log,
        }
    }
}
