//! `benchbot demo-server`: the small HTTP target used by the example suite.

use anyhow::Context as _;

use crate::cli::DemoServerArgs;
use crate::demo::{serve, DemoConfig};
use crate::printer::Printer;
use crate::scenario::Dur;
use crate::ExitStatus;

/// # Errors
/// Bad durations, or a port that cannot be bound.
pub fn run(args: &DemoServerArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let config = DemoConfig {
        delay: Dur::parse(&args.delay)
            .map_err(anyhow::Error::msg)
            .context("--delay")?
            .get(),
        stall_every: args.stall_every,
        stall: Dur::parse(&args.stall)
            .map_err(anyhow::Error::msg)
            .context("--stall")?
            .get(),
        workers: args.workers,
    };
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
            .await
            .with_context(|| format!("cannot bind 127.0.0.1:{}", args.port))?;
        printer.msg(&format!(
            "demo-server listening on http://{}",
            listener.local_addr()?
        ));
        tokio::select! {
            r = serve(listener, config) => r.context("serving")?,
            _ = tokio::signal::ctrl_c() => {}
        }
        anyhow::Ok(())
    })?;
    Ok(ExitStatus::Success)
}
