//! Commands timed hyperfine-style: one process per operation, wall time, non-zero exit is an error.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::process::Command;

use super::check::OpPlan;
use crate::driver::driver::{tail, Driver, ErrorKind, OpError, Reply};
use crate::driver::op::Rendered;

/// A command target after placeholders were filled in.
pub struct CommandDriver {
    /// Program and fixed arguments (`sh -c …` for `shell`).
    pub argv: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub cwd: PathBuf,
    pub timeout: Duration,
    pub prepare: Option<String>,
    pub cleanup: Option<String>,
    /// The extra arguments of each operation of the scenario.
    pub ops: Vec<OpPlan>,
}

impl CommandDriver {
    async fn run(&self, argv: &[&str], timed_out_after: Duration) -> Result<(), OpError> {
        let Some((program, args)) = argv.split_first() else {
            return Err(OpError::new(ErrorKind::Spawn, "empty command"));
        };
        let mut cmd = Command::new(program);
        // The whole environment: the allowed variables and the scenario's (see util::env).
        cmd.args(args)
            .env_clear()
            .envs(&self.env)
            .current_dir(&self.cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd
            .spawn()
            .map_err(|e| OpError::new(ErrorKind::Spawn, format!("`{program}`: {e}")))?;
        let mut stderr = child.stderr.take();
        let wait = async {
            let mut buf = Vec::new();
            if let Some(s) = stderr.as_mut() {
                // Bounded: only the tail is kept for the message.
                let _ = s.take(1 << 20).read_to_end(&mut buf).await;
            }
            let status = child.wait().await;
            (status, buf)
        };
        match tokio::time::timeout(timed_out_after, wait).await {
            Err(_) => Err(OpError::new(
                ErrorKind::Timeout,
                format!("`{program}` ran longer than {timed_out_after:?} and was killed"),
            )),
            Ok((Err(e), _)) => Err(OpError::new(ErrorKind::Spawn, format!("`{program}`: {e}"))),
            Ok((Ok(status), _)) if status.success() => Ok(()),
            Ok((Ok(status), err)) => {
                let text = String::from_utf8_lossy(&err);
                Err(OpError::new(
                    ErrorKind::ExitStatus,
                    format!(
                        "`{program}` exited with {status}: {}",
                        tail(text.trim(), 300)
                    ),
                ))
            }
        }
    }

    async fn shell(&self, line: &str, what: &str) -> Result<(), OpError> {
        self.run(&["sh", "-c", line], self.timeout)
            .await
            .map_err(|e| OpError::new(e.kind, format!("{what}: {}", e.detail)))
    }
}

impl Driver for CommandDriver {
    type Conn = ();

    fn conn(&self) -> Self::Conn {}

    async fn prepare(&self, (): &mut ()) -> Result<(), OpError> {
        match &self.prepare {
            Some(p) => self.shell(p, "prepare").await,
            None => Ok(()),
        }
    }

    async fn execute(&self, (): &mut (), op: &Rendered<'_>) -> Result<Reply, OpError> {
        let argv: Vec<&str> = self
            .argv
            .iter()
            .map(String::as_str)
            .chain(
                self.ops
                    .get(op.op)
                    .into_iter()
                    .flat_map(|p| p.args.iter().map(|i| op.value(*i))),
            )
            .collect();
        self.run(&argv, self.timeout)
            .await
            .map(|()| Reply::default())
    }

    async fn cleanup(&self) -> Result<(), OpError> {
        match &self.cleanup {
            Some(c) => self.shell(c, "cleanup").await,
            None => Ok(()),
        }
    }
}
