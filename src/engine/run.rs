//! A whole scenario: ground truth first, then every target in declaration order.

use std::sync::Arc;

use super::target::run_target;
use super::{Observer, RunContext};
use crate::driver::service::ServiceError;
use crate::driver::BuildError;
use crate::record::TargetRecord;
use crate::scenario::Scenario;

/// A failure that stops a scenario.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error("target `{target}`: {message}")]
    Setup { target: String, message: String },
    #[error("target `{target}`: the service exited ({status}) during repetition {repetition}\n  log {}:\n{log_tail}", log.display())]
    ServiceDied {
        target: String,
        repetition: u32,
        status: String,
        log: std::path::PathBuf,
        log_tail: String,
    },
    #[error("target `{target}`: every operation of repetition {repetition} failed ({errors} errors), e.g. {sample}")]
    AllFailed {
        target: String,
        repetition: u32,
        errors: u64,
        sample: String,
    },
    #[error("{0}")]
    Unsupported(String),
    #[error("rendezvous: {message}")]
    Rendezvous { message: String },
}

/// What a scenario run produced.
pub struct ScenarioOutcome {
    pub targets: Vec<TargetRecord>,
    /// True when the run was cancelled before every repetition completed.
    pub cancelled: bool,
}

/// Runs every target of `scenario` in declaration order, the identical operation sequence each.
///
/// # Errors
/// [`EngineError`] when a target cannot be set up (its service does not start, its URL is bad).
pub async fn run_scenario(
    scenario: &Arc<Scenario>,
    ctx: &RunContext,
    observer: &dyn Observer,
) -> Result<ScenarioOutcome, EngineError> {
    prepare_truth(scenario, ctx, observer).await?;
    let mut targets = Vec::new();
    for i in 0..scenario.targets.len() {
        if i > 0 && !scenario.load.cooldown.is_zero() {
            tokio::time::sleep(scenario.load.cooldown).await;
        }
        targets.push(run_target(scenario, i, ctx, observer).await?);
        if ctx.cancel.is_cancelled() {
            return Ok(ScenarioOutcome {
                targets,
                cancelled: true,
            });
        }
    }
    Ok(ScenarioOutcome {
        targets,
        cancelled: false,
    })
}

/// Exact ground truth of the scenario's vectors, computed on all cores or read from the cache.
///
/// # Errors
/// [`EngineError::Setup`] when it cannot be computed.
pub async fn prepare_truth(
    scenario: &Arc<Scenario>,
    ctx: &RunContext,
    observer: &dyn Observer,
) -> Result<(), EngineError> {
    let Some(d) = scenario.dataset.as_ref().filter(|d| d.vectors.is_some()) else {
        return Ok(());
    };
    let (d2, dir) = (Arc::clone(d), ctx.cache_dir.clone());
    let t = std::time::Instant::now();
    let hit = tokio::task::spawn_blocking(move || d2.prepare_truth(&dir))
        .await
        .map_err(|e| EngineError::Setup {
            target: String::new(),
            message: format!("ground truth: {e}"),
        })?
        .map_err(|e| EngineError::Setup {
            target: String::new(),
            message: e.to_string(),
        })?;
    if hit == Some(false) {
        observer.note(&format!(
            "{}: exact ground truth computed in {:.1?} (cached in {})",
            scenario.name,
            t.elapsed(),
            ctx.cache_dir.display()
        ));
    }
    Ok(())
}
