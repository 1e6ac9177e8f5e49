//! Progress: what the engine is doing, reported to an [`Observer`] (the engine never prints).

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

/// What the engine is doing, for progress displays.
#[derive(Clone, Debug)]
pub enum PhaseKind {
    /// The load phase: `expected` counts rows.
    Load,
    Warmup,
    Repetition {
        index: u32,
        of: u32,
    },
}

/// Receives progress events; implemented by the output layer.
pub trait Observer: Send + Sync {
    /// A phase starts; `done` counts completed operations; `expected` and `duration` bound it.
    fn phase_started(
        &self,
        scenario: &str,
        target: &str,
        kind: PhaseKind,
        done: Arc<AtomicU64>,
        expected: Option<u64>,
        duration: Option<Duration>,
    );
    /// The phase that started last has finished.
    fn phase_finished(&self);
    /// A non-fatal note, e.g. a cleanup that failed.
    fn note(&self, message: &str);
}

/// An observer that ignores everything (library use, tests).
pub struct Silent;

impl Observer for Silent {
    fn phase_started(
        &self,
        _: &str,
        _: &str,
        _: PhaseKind,
        _: Arc<AtomicU64>,
        _: Option<u64>,
        _: Option<Duration>,
    ) {
    }
    fn phase_finished(&self) {}
    fn note(&self, _: &str) {}
}
