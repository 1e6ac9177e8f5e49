//! SIGINT/SIGTERM: the first stops load generation (services are stopped and a partial
//! record is written); a second exits at once after killing the services' process groups.

use crate::driver::service::kill_all;
use crate::engine::Cancel;
use crate::printer::Printer;

/// Watches for signals until the runtime ends.
pub async fn signals(cancel: Cancel) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return;
    };
    loop {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
        if cancel.is_cancelled() {
            kill_all();
            Printer::new(false).error("second signal: exiting at once");
            #[expect(
                clippy::exit,
                reason = "a second signal must end the process immediately"
            )]
            std::process::exit(crate::ExitStatus::Failure as i32);
        }
        Printer::new(false)
            .msg("stopping: finishing the partial record (signal again to exit at once)");
        cancel.cancel();
    }
}
