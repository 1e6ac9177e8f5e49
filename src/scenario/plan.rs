//! A validated scenario: its typed targets, compiled operations, load and thresholds, and the
//! seeded operation sequence.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::model::{Kind, LoadMode, Metric, Role, ScenarioFile, Slo, Verify, Warmup};
use super::validate::{parse_and_validate, Validated};
use super::ScenarioError;
use crate::dataset::Dataset;
use crate::driver::service::ServiceTable;
use crate::driver::{DriverSpec, LoadPhasePlan, OpParts, Rendered};
use crate::template::{Gen, RenderCtx, Template};
use crate::util::{hex, Name, Rng};

/// A validated scenario, ready to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub path: PathBuf,
    /// SHA-256 of the scenario file's bytes.
    pub source_digest: String,
    pub file: ScenarioFile,
    pub name: Name,
    pub kind: Kind,
    pub seed: u64,
    /// The targets, in declaration order, each with its driver decided.
    pub targets: Vec<TargetPlan>,
    pub ops: Vec<CompiledOp>,
    pub(super) params: Vec<Gen>,
    pub(super) cumulative: Vec<u64>,
    pub load: LoadPlan,
    pub thresholds: ThresholdPlan,
    /// The scenario's datasets, when it has a `[dataset]` table.
    pub dataset: Option<Arc<Dataset>>,
}

/// One target, validated.
#[derive(Clone, Debug)]
pub struct TargetPlan {
    pub name: Name,
    pub role: Role,
    pub driver: DriverSpec,
    pub service: Option<ServiceTable>,
    /// The load phases, in order.
    pub load_phases: Vec<LoadPhasePlan>,
}

/// One operation with its templates parsed.
#[derive(Clone, Debug)]
pub struct CompiledOp {
    pub name: Name,
    pub weight: u32,
    /// Every template of the operation, in the order they are rendered.
    pub templates: Vec<Template>,
    /// What each driver sends, as indices into `templates`.
    pub parts: OpParts,
    /// A search measured for recall@`recall`.
    pub recall: Option<usize>,
    /// A traversal whose answer is checked against the graph.
    pub verify: Option<Verify>,
    /// Run once per virtual user before the mix, never in it.
    pub first: bool,
}

impl CompiledOp {
    /// Whether the operation returns ids the engine checks (searches, verified traversals).
    #[must_use]
    pub fn returns_ids(&self) -> bool {
        self.recall.is_some() || self.verify.is_some()
    }
}

/// When a repetition ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    Duration(Duration),
    Operations(u64),
}

#[derive(Clone, Debug)]
pub struct LoadPlan {
    pub mode: LoadMode,
    /// Closed: workers (with stages: the most of any stage). Open: most in flight.
    pub concurrency: u32,
    /// Operations per second, open mode only (with stages: the mean over the profile).
    pub rate: Option<f64>,
    pub stop: Stop,
    pub warmup: Option<Warmup>,
    pub repetitions: u32,
    pub cooldown: Duration,
    /// The load profile, when the scenario has stages.
    pub stages: Vec<PlanStage>,
    /// Width of one point of the time series.
    pub interval: Duration,
    /// Several load levels instead of one.
    pub sweep: Option<SweepPlan>,
    /// This process generates one shard of the load (`run --shard I/N`).
    pub shard: Option<Shard>,
}

/// One of `count` processes that together generate a scenario's load: shard `index` (from 0)
/// sends the operations `i` with `i mod count = index` of the one global sequence, at their
/// global due times, and runs the virtual users numbered the same way, so the union of the
/// shards is exactly the unsharded run's schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` (1-based `I`).
    ///
    /// # Errors
    /// A malformed or out-of-range shard, in words.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not a shard: write I/N, e.g. 1/4"))?;
        let parse = |x: &str| x.trim().parse::<u32>().ok();
        match (parse(i), parse(n)) {
            (Some(i), Some(n)) if (1..=1024).contains(&n) && (1..=n).contains(&i) => Ok(Self {
                index: i - 1,
                count: n,
            }),
            _ => Err(format!(
                "`{text}` is not a shard: I/N with 1 ≤ I ≤ N ≤ 1024, e.g. 1/4"
            )),
        }
    }

    /// The global index of this shard's `local`-th operation (or virtual user).
    #[must_use]
    pub fn global(self, local: u64) -> u64 {
        local * u64::from(self.count) + u64::from(self.index)
    }

    /// How many of the global indices `0..total` are this shard's.
    #[must_use]
    pub fn share(self, total: u64) -> u64 {
        let (k, n) = (u64::from(self.index), u64::from(self.count));
        if total > k {
            (total - k).div_ceil(n)
        } else {
            0
        }
    }
}

/// The levels of a capacity curve.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPlan {
    pub over: super::model::SweepOver,
    /// The levels measured (a search: the bracket's two ends first).
    pub values: Vec<f64>,
    /// Search for the highest level within the objectives, to this relative precision.
    pub search: Option<f64>,
}

impl LoadPlan {
    /// This load at sweep level `value`: the open-loop rate, or the workers.
    #[must_use]
    pub fn at_level(&self, over: super::model::SweepOver, value: f64) -> Self {
        let mut l = self.clone();
        match over {
            super::model::SweepOver::Rate => l.rate = Some(value),
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "levels are validated positive and at most 10000"
            )]
            super::model::SweepOver::Concurrency => l.concurrency = value.round() as u32,
        }
        l.sweep = None;
        l
    }
}

/// One stage of a load profile.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanStage {
    pub duration: Duration,
    /// Open loop: the rate at the stage's start and end (equal for a constant stage).
    pub rate: Option<(f64, f64)>,
    /// Closed loop: workers.
    pub concurrency: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct ThresholdPlan {
    /// Largest recall difference (absolute) at which searches are still compared like for like.
    pub recall_margin: f64,
    pub regression: f64,
    pub warn: f64,
    pub latency_floor: Duration,
    pub throughput_floor: f64,
    pub error_rate_floor: f64,
    pub alpha: f64,
    pub metrics: Vec<Metric>,
    /// The gating metrics, when not all compared ones gate.
    pub gate: Option<Vec<Metric>>,
    pub slos: Vec<Slo>,
}

/// Which stream of the sequence: measured operations or warmup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Measured = 0,
    Warmup = 1,
}

/// The random stream of `first` operations (after [`Stream`]'s).
const FIRST_STREAM: u64 = 2;

/// How many operations the sequence digest covers when the count is not fixed.
pub const DIGEST_OPS: u64 = 10_000;

impl Scenario {
    /// Reads and validates a scenario file.
    ///
    /// # Errors
    /// [`ScenarioError`] naming the file, line, column and key.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let src = crate::util::read_bounded(path, crate::util::MAX_INPUT).map_err(|source| {
            ScenarioError::Read {
                path: path.to_owned(),
                source,
            }
        })?;
        Self::from_source(path, &src)
    }

    /// Validates scenario text; `path` is used for messages and relative directories.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] naming the line, column and key.
    pub fn from_source(path: &Path, src: &str) -> Result<Self, ScenarioError> {
        let Validated {
            file,
            targets,
            ops,
            params,
            dataset,
            load,
            thresholds,
        } = parse_and_validate(path, src)?;
        let mut cumulative = Vec::with_capacity(ops.len());
        let mut total = 0u64;
        for op in &ops {
            // `first` operations are never drawn from the mix.
            if !op.first {
                total += u64::from(op.weight);
            }
            cumulative.push(total);
        }
        Ok(Scenario {
            path: path.to_owned(),
            source_digest: hex(&Sha256::digest(src.as_bytes())),
            name: file.scenario.name.clone(),
            kind: file.scenario.kind,
            seed: file.scenario.seed.unwrap_or(1),
            targets,
            ops,
            dataset: dataset.map(Arc::new),
            params,
            cumulative,
            load,
            thresholds,
            file,
        })
    }

    /// The directory relative paths in the scenario are resolved against.
    #[must_use]
    pub fn dir(&self) -> &Path {
        // A bare file name (`benchbot run t.toml`) has the empty path as its parent.
        self.path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."))
    }

    /// Which operation comes at `index` of `stream`, and the generator for its values.
    #[must_use]
    pub fn pick(&self, stream: Stream, index: u64) -> (usize, Rng) {
        let mut rng = Rng::for_index(self.seed, stream as u64, index);
        let total = *self.cumulative.last().unwrap_or(&1);
        let x = rng.below(total);
        let op = self
            .cumulative
            .partition_point(|c| *c <= x)
            .min(self.ops.len() - 1);
        (op, rng)
    }

    /// Renders operation `index` of `stream`: every template of the operation, in a fixed order,
    /// so the values do not depend on which driver asks.
    #[must_use]
    pub fn render(&self, stream: Stream, index: u64) -> Rendered<'_> {
        let (op, rng) = self.pick(stream, index);
        self.render_with(op, rng, index)
    }

    /// Renders operation `op` (a `first` operation) for virtual user `vu`, from a random
    /// stream of its own.
    #[must_use]
    pub fn render_first(&self, op: usize, vu: u64) -> Rendered<'_> {
        let rng = Rng::for_index(self.seed, FIRST_STREAM, vu);
        self.render_with(op, rng, vu)
    }

    /// The `first` operations, in declaration order.
    pub fn first_ops(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.ops.len()).filter(|&i| self.ops[i].first)
    }

    fn render_with(&self, op: usize, rng: Rng, index: u64) -> Rendered<'_> {
        let mut ctx = RenderCtx::new(rng, index, &self.params, self.dataset.as_deref());
        let values = self.ops[op]
            .templates
            .iter()
            .map(|t| {
                if let Some(s) = t.as_static() {
                    Cow::Borrowed(s)
                } else {
                    let mut s = String::new();
                    t.render(&mut ctx, &mut s);
                    Cow::Owned(s)
                }
            })
            .collect();
        Rendered {
            op,
            values,
            query: ctx.query(),
            node: ctx.node(),
        }
    }

    /// SHA-256 over the first `n` measured operations (name and every rendered template).
    #[must_use]
    pub fn sequence_digest(&self, n: u64) -> String {
        let mut h = Sha256::new();
        for i in 0..n {
            let r = self.render(Stream::Measured, i);
            h.update(self.ops[r.op].name.as_str().as_bytes());
            h.update([0]);
            // Digests of format 1 began every operation with its HTTP path, empty when the
            // operation had none; kept so that digests stay comparable across versions.
            if self.ops[r.op].parts.http.is_none() {
                h.update([0]);
            }
            for part in &r.values {
                h.update(part.as_bytes());
                h.update([0]);
            }
            h.update([0xff]);
        }
        hex(&h.finalize())
    }

    /// Number of operations the digest of this scenario covers.
    #[must_use]
    pub fn digest_len(&self) -> u64 {
        match self.load.stop {
            Stop::Operations(n) => n.min(1_000_000),
            Stop::Duration(_) => DIGEST_OPS,
        }
    }
}
