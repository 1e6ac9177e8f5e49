//! Building each variant's tree with the suite's build command.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::Context as _;

use super::trees::Tree;
use crate::printer::Printer;

/// Runs `command` (`sh -c`) in `tree`, its output in `log`.
///
/// # Errors
/// The command cannot start or exits non-zero (the log's tail is in the message).
pub fn build(command: &str, tree: &Tree, log: &Path, printer: &Printer) -> anyhow::Result<()> {
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let out = std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let err = out.try_clone()?;
    printer.msg(&format!(
        "building {} ({}) in {}: {command}",
        tree.git.reference.as_deref().unwrap_or("?"),
        crate::util::prefix(&tree.git.sha, 12),
        tree.path.display()
    ));
    let t = Instant::now();
    let mut cmd = Command::new("sh");
    // A build needs the toolchain's environment, but never benchbot's tokens.
    for secret in crate::util::env::secrets() {
        cmd.env_remove(secret);
    }
    let status = cmd
        .args(["-c", command])
        .current_dir(&tree.path)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .with_context(|| format!("starting the build `{command}`"))?;
    if !status.success() {
        anyhow::bail!(
            "the build `{command}` failed in {} ({status})\n  log {}:\n{}",
            tree.path.display(),
            log.display(),
            crate::driver::service::log_tail(log)
        );
    }
    printer.msg(&format!("  built in {:.1}s", t.elapsed().as_secs_f64()));
    Ok(())
}
