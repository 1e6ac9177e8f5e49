//! The run's settings, resolved once: the command line, then the `workflow_dispatch` inputs
//! for what it left open, then the Actions context.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::RunArgs;
use crate::github::{Context, Event};
use crate::scenario::Shard;
use crate::util::Dur;

/// Everything `run` decides before it runs anything.
pub struct Settings {
    /// Only scenarios with these names.
    pub filter: Vec<String>,
    /// Only scenarios of these tiers.
    pub tiers: Vec<String>,
    /// Every scenario's repetitions, overridden.
    pub repetitions: Option<u32>,
    /// Compare with the history runs of this code branch.
    pub history_baseline: Option<String>,
    /// Post to GitHub (files are always written).
    pub post: bool,
    /// What started the run.
    pub trigger: String,
    pub sample_interval: Duration,
    pub scenario_cooldown: Duration,
    /// Where ground truth is cached.
    pub cache_dir: PathBuf,
    /// The shard of the load this process generates.
    pub shard: Option<Shard>,
    /// When the first scenario starts.
    pub start_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Where the shards meet (a directory or `git+URL`), and how long a shard waits there.
    pub rendezvous: Option<(String, Duration)>,
}

fn words(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Settings {
    /// Resolves the settings of `args` in context `gh`.
    ///
    /// # Errors
    /// A malformed duration, or a dispatch input that is not a number.
    pub fn resolve(args: &RunArgs, gh: &Context) -> anyhow::Result<Self> {
        let dispatch = match &gh.event {
            Event::WorkflowDispatch(d) => Some(d),
            _ => None,
        };
        let input = |name: &str| dispatch.and_then(|d| d.input(name));
        let filter = if args.filter.is_empty() {
            input("scenario").map(|s| words(&s)).unwrap_or_default()
        } else {
            args.filter.clone()
        };
        let tiers = if args.tiers.is_empty() {
            input("tier").map(|s| words(&s)).unwrap_or_default()
        } else {
            args.tiers.clone()
        };
        let repetitions = match (args.repetitions, input("repetitions")) {
            (Some(r), _) => Some(r),
            (None, Some(text)) => Some(text.parse::<u32>().map_err(|_| {
                anyhow::anyhow!("workflow_dispatch input `repetitions` = `{text}` is not a number")
            })?),
            (None, None) => None,
        };
        if let Some(r) = repetitions {
            anyhow::ensure!((1..=1000).contains(&r), "--repetitions must be in 1..=1000");
        }
        let history_baseline = args
            .history_baseline
            .clone()
            .or_else(|| input("baseline"))
            .or_else(|| {
                args.history
                    .as_ref()
                    .and(gh.pull_request())
                    .map(|pr| pr.pull_request.base.reference.clone())
            });
        let post = args.publish && input("publish").is_none_or(|p| p != "false");
        let sample_interval = Dur::parse(&args.sample_interval)
            .map_err(|e| anyhow::anyhow!("--sample-interval: {e}"))?
            .get()
            .max(Duration::from_millis(100));
        let scenario_cooldown = args
            .scenario_cooldown
            .as_deref()
            .map(Dur::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--scenario-cooldown: {e}"))?
            .map_or(Duration::ZERO, Dur::get);
        let shard = args
            .shard
            .as_deref()
            .map(Shard::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--shard: {e}"))?;
        let start_at = args
            .start_at
            .as_deref()
            .map(|t| {
                chrono::DateTime::parse_from_rfc3339(t)
                    .map(|d| d.with_timezone(&chrono::Utc))
                    .map_err(|e| {
                        anyhow::anyhow!(
                            "--start-at: `{t}` is not an RFC 3339 time ({e}), e.g. 2026-05-01T12:00:00Z"
                        )
                    })
            })
            .transpose()?;
        let rendezvous = match &args.rendezvous {
            Some(place) => Some((
                place.clone(),
                Dur::parse(&args.rendezvous_timeout)
                    .map_err(|e| anyhow::anyhow!("--rendezvous-timeout: {e}"))?
                    .get(),
            )),
            None => None,
        };
        Ok(Self {
            shard,
            start_at,
            rendezvous,
            filter,
            tiers,
            repetitions,
            history_baseline,
            post,
            trigger: args.trigger.clone().unwrap_or_else(|| gh.trigger()),
            sample_interval,
            scenario_cooldown,
            cache_dir: cache_dir(args.cache_dir.as_deref(), &args.output.out),
        })
    }
}

/// The ground-truth cache: the flag, `$BENCHBOT_CACHE_DIR`, the XDG cache, `~/.cache`, or
/// the output directory.
#[must_use]
pub fn cache_dir(flag: Option<&std::path::Path>, out: &std::path::Path) -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    flag.map(std::path::Path::to_owned)
        .or_else(|| env("BENCHBOT_CACHE_DIR"))
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("benchbot")))
        .or_else(|| env("HOME").map(|d| d.join(".cache").join("benchbot")))
        .unwrap_or_else(|| out.join("cache"))
}
