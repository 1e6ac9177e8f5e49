//! The one owner of stdout and stderr: data to stdout, messages and progress to stderr.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::{Observer, PhaseKind};

/// Writes data and messages; shows progress while the engine runs.
pub struct Printer {
    progress: bool,
    /// `--quiet`: no messages and no progress; warnings and errors still.
    quiet: bool,
    tty: bool,
    current: Mutex<Option<(Arc<AtomicBool>, JoinHandle<()>)>>,
}

impl Printer {
    #[must_use]
    pub fn new(progress: bool) -> Self {
        Self {
            progress,
            quiet: false,
            tty: std::io::stderr().is_terminal(),
            current: Mutex::new(None),
        }
    }

    /// A printer that says only warnings and errors (`--quiet`), and shows no progress.
    #[must_use]
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self.progress &= !quiet;
        self
    }

    /// Data on stdout. A closed pipe is not an error (`benchbot … | head`). Whatever it holds
    /// (names, units, messages from targets and tools) cannot become a terminal escape or an
    /// Actions workflow command (`crate::util::log_safe`).
    pub fn out(&self, text: &str) {
        raw(&crate::util::log_safe(text));
    }

    /// A workflow command benchbot itself issues (an annotation, a mask): the one way to
    /// stdout that is not neutralised. Its untrusted parts are escaped by `github::runtime`.
    pub fn command(&self, text: &str) {
        raw(text);
    }

    /// A message on stderr, neutralised like [`Printer::out`] (none with `--quiet`).
    pub fn msg(&self, text: &str) {
        if !self.quiet {
            line(text);
        }
    }

    /// An error on stderr, `error: ` first.
    pub fn error(&self, text: &str) {
        line(&format!("error: {text}"));
    }

    /// A warning on stderr, `warning: ` first.
    pub fn warn(&self, text: &str) {
        line(&format!("warning: {text}"));
    }
}

/// A line on stderr, neutralised.
fn line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", crate::util::log_safe(text));
}

/// Writes to stdout as is.
fn raw(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes()).and_then(|()| o.flush());
}

fn label(scenario: &str, target: &str, kind: &PhaseKind) -> String {
    match kind {
        PhaseKind::Load => format!("{scenario}/{target} load"),
        PhaseKind::Warmup => format!("{scenario}/{target} warmup"),
        PhaseKind::Repetition { index, of } => format!("{scenario}/{target} rep {index}/{of}"),
    }
}

impl Observer for Printer {
    fn phase_started(
        &self,
        scenario: &str,
        target: &str,
        kind: PhaseKind,
        done: Arc<AtomicU64>,
        expected: Option<u64>,
        duration: Option<Duration>,
    ) {
        self.phase_finished();
        if !self.progress {
            return;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let name = label(scenario, target, &kind);
        let (tty, stop2) = (self.tty, Arc::clone(&stop));
        let handle = std::thread::spawn(move || {
            let start = Instant::now();
            if tty {
                let bar = expected.map_or_else(ProgressBar::new_spinner, ProgressBar::new);
                // A known total (operations, rows to load) gets a bar with an ETA.
                let template = if expected.is_some() {
                    "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} ({per_sec}, ETA {eta})"
                } else {
                    "{msg} [{elapsed_precise}] {spinner} {pos} ops ({per_sec})"
                };
                bar.set_style(
                    ProgressStyle::with_template(template)
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar.set_message(name);
                while !stop2.load(Ordering::Relaxed) {
                    bar.set_position(done.load(Ordering::Relaxed));
                    std::thread::sleep(Duration::from_millis(100));
                }
                bar.finish_and_clear();
            } else {
                let mut last = Instant::now();
                while !stop2.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    if last.elapsed() >= Duration::from_secs(5) {
                        last = Instant::now();
                        let n = done.load(Ordering::Relaxed);
                        let of = expected
                            .map(|e| format!("/{e}"))
                            .or_else(|| {
                                duration.map(|d| {
                                    format!(
                                        " ops in {:.0}s of {:.0}s",
                                        start.elapsed().as_secs_f64(),
                                        d.as_secs_f64()
                                    )
                                })
                            })
                            .unwrap_or_default();
                        let _ = writeln!(
                            std::io::stderr().lock(),
                            "  {name}: {n}{of} ({:.0} ops/s)",
                            n as f64 / start.elapsed().as_secs_f64()
                        );
                    }
                }
            }
        });
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some((stop, handle));
    }

    fn phase_finished(&self) {
        if let Some((stop, handle)) = self
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            stop.store(true, Ordering::Relaxed);
            let _ = handle.join();
        }
    }

    fn note(&self, message: &str) {
        self.msg(&format!("note: {message}"));
    }
}
