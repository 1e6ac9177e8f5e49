//! Which driver a target uses, decided once when the scenario is validated, and the one
//! place that turns that decision into a running driver.
//!
//! Adding a driver: a folder `src/driver/<name>/` (its tables, checks, client and load phase),
//! then one line in each enumeration here ([`DriverSpec`], [`OpParts`], [`AnyDriver`],
//! [`super::LoadVia`] if it has a load phase) and one line per table in the scenario model
//! (`Target`, `Operation`, `LoadPhaseTable`).

use std::path::Path;
use std::time::Duration;

use super::any::AnyDriver;
use super::command::{self, CommandDriver, CommandTarget};
use super::http::{self, HttpDriver, HttpSetupError, HttpTarget, SetupRequest, TlsOptions};
use super::load::{LoadPhasePlan, LoadPhaseTable, LoadVia};
use super::postgres::{self, PostgresDriver, PostgresTarget};
use super::redis::{self, RedisDriver, RedisTarget};
use super::vars::{fill_captures, Vars};
use crate::dataset::RowKind;
use crate::util::locate::{Invalid, Seg};
use crate::util::Dur;

/// A target's driver table, validated: exactly one per target.
#[derive(Clone, Debug)]
pub enum DriverSpec {
    Http(HttpTarget),
    Command(CommandTarget),
    Postgres(PostgresTarget),
    Redis(RedisTarget),
}

/// The parts of one operation each driver uses (compiled `[operation.<driver>]` tables).
#[derive(Clone, Debug, Default)]
pub struct OpParts {
    pub http: Option<http::OpPlan>,
    pub command: Option<command::OpPlan>,
    pub postgres: Option<postgres::OpPlan>,
    pub redis: Option<redis::OpPlan>,
}

/// A target whose driver could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Http(#[from] HttpSetupError),
    #[error("target `{target}`: {message}")]
    Setup { target: String, message: String },
}

/// What building a driver needs besides its table.
pub struct BuildCtx<'a> {
    pub target: &'a str,
    /// Placeholders; HTTP setup adds its captures.
    pub vars: &'a mut Vars,
    /// The scenario's directory (relative working directories).
    pub dir: &'a Path,
    /// Each operation's parts, in the scenario's order.
    pub ops: &'a [OpParts],
    /// Whether each operation returns ids (searches, verified traversals).
    pub returns_ids: &'a [bool],
}

impl DriverSpec {
    /// The driver's name, as in `[target.<name>]` and in records.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            DriverSpec::Http(_) => "http",
            DriverSpec::Command(_) => "command",
            DriverSpec::Postgres(_) => "postgres",
            DriverSpec::Redis(_) => "redis",
        }
    }

    /// Whether every operation needs an `[operation.<name>]` table for this driver.
    #[must_use]
    pub fn needs_op_table(&self) -> bool {
        !matches!(self, DriverSpec::Command(_))
    }

    /// Whether `parts` has this driver's part.
    #[must_use]
    pub fn has_part(&self, parts: &OpParts) -> bool {
        match self {
            DriverSpec::Http(_) => parts.http.is_some(),
            DriverSpec::Command(_) => parts.command.is_some(),
            DriverSpec::Postgres(_) => parts.postgres.is_some(),
            DriverSpec::Redis(_) => parts.redis.is_some(),
        }
    }

    /// Checks the target's driver table; `open_loop` says whether load is a constant
    /// arrival rate. Paths are relative to the target.
    ///
    /// # Errors
    /// The first problem found.
    pub fn check(&self, open_loop: bool) -> Result<(), Invalid> {
        match self {
            DriverSpec::Http(h) => http::check_target(h).and_then(|()| http::check_setup(h)),
            DriverSpec::Command(c) => command::check_target(c, open_loop),
            DriverSpec::Postgres(_) | DriverSpec::Redis(_) => Ok(()),
        }
    }

    /// Whether the driver can report the ids an operation returned; `Err` holds a hint.
    ///
    /// # Errors
    /// A hint saying how to make the operation's answer readable.
    pub fn reports_ids(&self, parts: &OpParts) -> Result<(), &'static str> {
        match self {
            DriverSpec::Http(_) if parts.http.as_ref().is_some_and(|h| h.ids.is_some()) => Ok(()),
            DriverSpec::Http(_) => Err("add ids = \"/ids/0\" (a JSON pointer) to [operation.http]"),
            DriverSpec::Postgres(_) => Ok(()),
            DriverSpec::Command(_) | DriverSpec::Redis(_) => {
                Err("answers are read from PostgreSQL rows or an HTTP JSON response")
            }
        }
    }

    /// Checks one `[[target.ingest]]` table of this target for rows of `rows`. Paths are
    /// relative to the load phase's table.
    ///
    /// # Errors
    /// The first problem found.
    pub fn load_phase(
        &self,
        target: &str,
        table: &LoadPhaseTable,
        rows: RowKind,
    ) -> Result<LoadPhasePlan, Invalid> {
        let batch = table.batch.unwrap_or(500);
        if !(1..=1_000_000).contains(&batch) {
            return Err(Invalid::new(
                &[Seg::Key("batch")],
                format!("batch must be in 1..=1000000, got {batch}"),
                None,
            ));
        }
        let (want, given) = match self {
            DriverSpec::Postgres(_) => ("copy", table.copy.is_some()),
            DriverSpec::Http(_) => ("http", table.http.is_some()),
            DriverSpec::Redis(_) => ("redis", table.redis.is_some()),
            DriverSpec::Command(_) => {
                return Err(Invalid::new(
                    &[],
                    "command targets load their own data; use `prepare` or the service command",
                    None,
                ))
            }
        };
        let tables = usize::from(table.copy.is_some())
            + usize::from(table.http.is_some())
            + usize::from(table.redis.is_some());
        if !given || tables != 1 {
            return Err(Invalid::new(
                &[],
                format!("target `{target}` ingests with `{want}` (and only that)"),
                None,
            ));
        }
        if !table.after.is_empty() && !matches!(self, DriverSpec::Postgres(_)) {
            return Err(Invalid::new(
                &[Seg::Key("after")],
                "`after` statements are SQL, for postgres targets",
                None,
            ));
        }
        let via = match (&table.copy, &table.http, &table.redis) {
            (Some(c), _, _) => LoadVia::Copy(postgres::check_load(c, &table.after)?),
            (_, Some(h), _) => LoadVia::Http(http::check_load(h, rows)?),
            (_, _, Some(r)) => LoadVia::Redis(redis::check_load(r, rows)?),
            (None, None, None) => unreachable!("exactly one table, checked above"),
        };
        Ok(LoadPhasePlan {
            rows,
            batch: batch as usize,
            via,
        })
    }

    /// Builds the driver of a started target. HTTP setup requests run here, and their
    /// captures are added to `ctx.vars`.
    ///
    /// # Errors
    /// [`BuildError`] when the target cannot be reached or its setup fails.
    pub async fn build(&self, ctx: BuildCtx<'_>) -> Result<AnyDriver, BuildError> {
        let vars = &*ctx.vars;
        Ok(match self {
            DriverSpec::Http(h) => {
                let timeout = h.timeout.map_or(Duration::from_secs(30), Dur::get);
                let tls = TlsOptions {
                    ca_file: h.ca_file.as_ref().map(|f| ctx.dir.join(f)),
                    insecure: h.insecure,
                };
                if !h.setup.is_empty() {
                    ctx.vars.captures = http_setup(ctx.target, h, ctx.vars, timeout, &tls).await?;
                }
                let vars = &*ctx.vars;
                let headers: Vec<(String, String)> = h
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), vars.fill(v)))
                    .collect();
                let ops = ctx
                    .ops
                    .iter()
                    .map(|o| o.http.clone().unwrap_or_else(|| unreachable!("validated")))
                    .collect();
                AnyDriver::Http(
                    HttpDriver::new(
                        ctx.target,
                        &vars.fill(&h.base_url),
                        &headers,
                        timeout,
                        ops,
                        &tls,
                    )
                    .await?,
                )
            }
            DriverSpec::Postgres(pg) => AnyDriver::Postgres(PostgresDriver {
                url: vars.fill(&pg.url),
                setup: pg.setup.iter().map(|q| vars.fill(q)).collect(),
                session: pg.session.iter().map(|q| vars.fill(q)).collect(),
                timeout: pg.timeout.map_or(Duration::from_secs(30), Dur::get),
                ops: ctx
                    .ops
                    .iter()
                    .map(|o| {
                        o.postgres
                            .clone()
                            .unwrap_or_else(|| unreachable!("validated"))
                    })
                    .collect(),
                searches: ctx.returns_ids.to_vec(),
            }),
            DriverSpec::Redis(r) => AnyDriver::Redis(RedisDriver {
                address: vars.fill(&r.address),
                setup: r
                    .setup
                    .iter()
                    .map(|c| c.iter().map(|w| vars.fill(w)).collect())
                    .collect(),
                timeout: r.timeout.map_or(Duration::from_secs(30), Dur::get),
                ops: ctx
                    .ops
                    .iter()
                    .map(|o| o.redis.clone().unwrap_or_else(|| unreachable!("validated")))
                    .collect(),
            }),
            DriverSpec::Command(c) => {
                let argv = match (&c.argv, &c.shell) {
                    (Some(argv), _) => argv.iter().map(|a| vars.fill(a)).collect(),
                    (None, Some(sh)) => vec!["sh".to_owned(), "-c".to_owned(), vars.fill(sh)],
                    (None, None) => Vec::new(),
                };
                AnyDriver::Command(CommandDriver {
                    argv,
                    env: crate::util::env::child_env(&c.pass_env)
                        .into_iter()
                        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                        .chain(c.env.iter().map(|(k, v)| (k.clone(), vars.fill(v))))
                        .collect(),
                    cwd: ctx
                        .dir
                        .join(c.cwd.as_deref().map(|d| vars.fill(d)).unwrap_or_default()),
                    timeout: c.timeout.map_or(Duration::from_secs(60), Dur::get),
                    prepare: c.prepare.as_deref().map(|p| vars.fill(p)),
                    cleanup: c.cleanup.as_deref().map(|p| vars.fill(p)),
                    ops: ctx
                        .ops
                        .iter()
                        .map(|o| o.command.clone().unwrap_or_default())
                        .collect(),
                })
            }
        })
    }
}

/// Sends the target's setup requests and returns what they captured.
async fn http_setup(
    target: &str,
    h: &HttpTarget,
    vars: &Vars,
    timeout: Duration,
    tls: &TlsOptions,
) -> Result<Vec<(String, String)>, BuildError> {
    // Setup may create what the base URL points into: send it to the host's root.
    let base = vars.fill(&h.base_url);
    let root = ["http://", "https://"]
        .iter()
        .find_map(|scheme| {
            base.strip_prefix(scheme)
                .map(|r| format!("{scheme}{}", r.split('/').next().unwrap_or(r)))
        })
        .unwrap_or_else(|| base.clone());
    let headers: Vec<(String, String)> = h
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), vars.fill(v)))
        .collect();
    let driver = HttpDriver::new(target, &root, &headers, timeout, Vec::new(), tls).await?;
    let requests: Vec<SetupRequest> = h
        .setup
        .iter()
        .map(|s| SetupRequest {
            method: s
                .method
                .clone()
                .unwrap_or_else(|| "POST".into())
                .to_ascii_uppercase(),
            path: s.path.clone(),
            headers: s
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            body: s.body.clone(),
            expect: s.expect_status.clone(),
            capture: s
                .capture
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
        .collect();
    driver
        .setup_requests(&requests, |text, captured| {
            fill_captures(&vars.fill(text), captured)
        })
        .await
        .map_err(|e| BuildError::Setup {
            target: target.to_owned(),
            message: e.to_string(),
        })
}
