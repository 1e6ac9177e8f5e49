//! The one owner of stdout and stderr: data to stdout, messages and progress to stderr.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::{Observer, PhaseKind};

/// Which streams get colour: one choice for the whole process (`--color`), so that the error
/// `main` prints after a command failed is coloured like everything before it.
static COLOR: AtomicU8 = AtomicU8::new(0);
const COLOR_STDOUT: u8 = 1;
const COLOR_STDERR: u8 = 2;

/// `--color`, as the printer takes it (the command line's own type lives in `cli`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Decides, once, which streams are coloured: `always` both, `never` neither, `auto` each
/// stream that is a terminal, unless `NO_COLOR` is set to anything but "" or `TERM` is `dumb`
/// (<https://no-color.org>).
pub fn set_color(choice: ColorChoice) {
    let bits = color_bits(
        choice,
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
            || std::env::var_os("TERM").is_some_and(|t| t == "dumb"),
        std::io::stdout().is_terminal(),
        std::io::stderr().is_terminal(),
    );
    COLOR.store(bits, Ordering::Relaxed);
}

/// `env_off`: `NO_COLOR` is set (not empty) or `TERM` is `dumb`.
fn color_bits(choice: ColorChoice, env_off: bool, out_tty: bool, err_tty: bool) -> u8 {
    match choice {
        ColorChoice::Always => COLOR_STDOUT | COLOR_STDERR,
        ColorChoice::Never => 0,
        ColorChoice::Auto if env_off => 0,
        ColorChoice::Auto => {
            (if out_tty { COLOR_STDOUT } else { 0 }) | (if err_tty { COLOR_STDERR } else { 0 })
        }
    }
}

fn colored(stream: u8) -> bool {
    COLOR.load(Ordering::Relaxed) & stream != 0
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

/// How much goes to stderr besides warnings and errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Verbosity {
    /// `--quiet`: no messages and no progress; warnings and errors still.
    Quiet,
    Normal,
    /// `--verbose`: details too ([`Printer::detail`]), and what each phase measured.
    Verbose,
}

/// Writes data and messages; shows progress while the engine runs.
pub struct Printer {
    progress: bool,
    verbosity: Verbosity,
    tty: bool,
    current: Mutex<Option<(Arc<AtomicBool>, JoinHandle<()>)>>,
    /// The running phase for `--verbose`: its label, its operation counter, when it started.
    phase: Mutex<Option<(String, Arc<AtomicU64>, Instant)>>,
}

impl Printer {
    #[must_use]
    pub fn new(progress: bool) -> Self {
        Self {
            progress,
            verbosity: Verbosity::Normal,
            tty: std::io::stderr().is_terminal(),
            current: Mutex::new(None),
            phase: Mutex::new(None),
        }
    }

    /// A printer that also says details (`--verbose`).
    #[must_use]
    pub fn verbose(mut self, verbose: bool) -> Self {
        if verbose {
            self.verbosity = Verbosity::Verbose;
        }
        self
    }

    /// A printer that says only warnings and errors (`--quiet`), and shows no progress.
    #[must_use]
    pub fn quiet(mut self, quiet: bool) -> Self {
        if quiet {
            self.verbosity = Verbosity::Quiet;
            self.progress = false;
        }
        self
    }

    /// Data on stdout. A closed pipe is not an error (`benchbot … | head`). Whatever it holds
    /// (names, units, messages from targets and tools) cannot become a terminal escape or an
    /// Actions workflow command (`crate::util::log_safe`).
    /// With colour on stdout, the status cells of tables (REGRESSION, improved,
    /// inconclusive…) are coloured after the text was neutralised.
    pub fn out(&self, text: &str) {
        let safe = crate::util::log_safe(text);
        if colored(COLOR_STDOUT) {
            raw(&paint_statuses(&safe));
        } else {
            raw(&safe);
        }
    }

    /// A workflow command benchbot itself issues (an annotation, a mask): the one way to
    /// stdout that is not neutralised. Its untrusted parts are escaped by `github::runtime`.
    pub fn command(&self, text: &str) {
        raw(text);
    }

    /// A message on stderr, neutralised like [`Printer::out`] (none with `--quiet`).
    pub fn msg(&self, text: &str) {
        if self.verbosity > Verbosity::Quiet {
            line("", text);
        }
    }

    /// A detail on stderr, only with `--verbose`.
    pub fn detail(&self, text: &str) {
        if self.verbosity == Verbosity::Verbose {
            line("", &format!("  {text}"));
        }
    }

    /// An error on stderr, `error: ` first.
    pub fn error(&self, text: &str) {
        line(RED, &format!("error: {text}"));
    }

    /// A warning on stderr, `warning: ` first.
    pub fn warn(&self, text: &str) {
        line(YELLOW, &format!("warning: {text}"));
    }
}

/// A line on stderr, neutralised; with colour on stderr, its first word (`error:`,
/// `warning:`) in `color`.
fn line(color: &str, text: &str) {
    let safe = crate::util::log_safe(text);
    let mut err = std::io::stderr().lock();
    let _ = match safe.split_once(' ') {
        Some((word, rest)) if !color.is_empty() && colored(COLOR_STDERR) => {
            writeln!(err, "{color}{word}{RESET} {rest}")
        }
        _ => writeln!(err, "{safe}"),
    };
}

/// The colour of a status cell by its first words: only benchbot's own status words are
/// coloured, and only in the last cell of a table row, where no name can stand.
fn status_color(cell: &str) -> Option<&'static str> {
    let c = cell.trim_start();
    if ["REGRESSION", "GAP WORSENED", "MISSED", "FAILED"]
        .iter()
        .any(|w| c.starts_with(w))
    {
        Some(RED)
    } else if ["inconclusive", "not judged", "warning"]
        .iter()
        .any(|w| c.starts_with(w))
    {
        Some(YELLOW)
    } else if c.starts_with("improved") {
        Some(GREEN)
    } else {
        None
    }
}

/// Colours the last cell of every table row (`│ … ┆ status │`) by [`status_color`]. The text
/// was neutralised before: the only escapes in the result are these colours.
fn paint_statuses(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for (i, l) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let painted = l.strip_suffix('│').and_then(|body| {
            let at = body.rfind(['│', '┆'])?;
            let sep = body[at..].chars().next()?;
            let (head, cell) = (&body[..at], &body[at + sep.len_utf8()..]);
            let color = status_color(cell)?;
            let word_start = cell.len() - cell.trim_start().len();
            let word_end = cell.trim_end().len();
            Some(format!(
                "{head}{sep}{}{color}{}{RESET}{}│",
                &cell[..word_start],
                &cell[word_start..word_end],
                &cell[word_end..]
            ))
        });
        out.push_str(painted.as_deref().unwrap_or(l));
    }
    out
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
        let name = label(scenario, target, &kind);
        if self.verbosity == Verbosity::Verbose {
            *self.phase.lock().unwrap_or_else(PoisonError::into_inner) =
                Some((name.clone(), Arc::clone(&done), Instant::now()));
        }
        if !self.progress {
            return;
        }
        let stop = Arc::new(AtomicBool::new(false));
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
        if let Some((name, done, start)) = self
            .phase
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            let (n, secs) = (done.load(Ordering::Relaxed), start.elapsed().as_secs_f64());
            self.detail(&format!(
                "{name}: {n} operations in {secs:.2} s ({:.0}/s)",
                n as f64 / secs.max(1e-9)
            ));
        }
    }

    fn note(&self, message: &str) {
        self.msg(&format!("note: {message}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_follows_the_choice_no_color_and_the_terminal() {
        let both = COLOR_STDOUT | COLOR_STDERR;
        let auto = ColorChoice::Auto;
        assert_eq!(color_bits(ColorChoice::Always, true, false, false), both);
        assert_eq!(color_bits(ColorChoice::Never, false, true, true), 0);
        assert_eq!(color_bits(auto, false, true, true), both);
        assert_eq!(color_bits(auto, true, true, true), 0);
        assert_eq!(color_bits(auto, false, false, true), COLOR_STDERR);
        assert_eq!(color_bits(auto, false, true, false), COLOR_STDOUT);
    }

    #[test]
    fn only_status_cells_are_painted() {
        let table = "│ REGRESSION ┆ api ┆ +5% ┆ REGRESSION (confirmed) │\n│ a │ b │ ok │\n│ x │ improved │\nREGRESSION outside a table";
        let painted = paint_statuses(table);
        let lines: Vec<&str> = painted.lines().collect();
        assert_eq!(
            lines[0],
            format!("│ REGRESSION ┆ api ┆ +5% ┆ {RED}REGRESSION (confirmed){RESET} │")
        );
        assert_eq!(lines[1], "│ a │ b │ ok │");
        assert_eq!(lines[2], format!("│ x │ {GREEN}improved{RESET} │"));
        assert_eq!(lines[3], "REGRESSION outside a table");
    }
}
