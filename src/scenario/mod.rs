//! Scenarios: the TOML model, validation with precise locations, the compiled plan and the
//! seeded operation sequence.

mod data;
mod locate;
pub mod model;
pub mod rng;
pub mod template;
pub mod units;

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

pub use data::{IngestHttpPlan, IngestPlan, BATCH_FIELDS};
pub use locate::line_col;
use locate::{closest, Doc, Seg};
pub use model::{
    Kind, LoadMode, Metric, Role, ScenarioFile, Slo, SloValue, StateMode, Target, Warmup,
};
use rng::Rng;
use template::{Gen, RenderCtx, Template};
pub use units::{Bytes, Dur, Name, Percent};

/// A scenario that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{}: cannot read scenario: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", Invalid(self))]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        key: String,
        message: String,
        hint: Option<String>,
    },
}

struct Invalid<'a>(&'a ScenarioError);

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let ScenarioError::Invalid {
            path,
            line,
            column,
            key,
            message,
            hint,
        } = self.0
        {
            write!(f, "{}:{line}:{column}: ", path.display())?;
            if !key.is_empty() {
                write!(f, "`{key}`: ")?;
            }
            f.write_str(message)?;
            if let Some(h) = hint {
                write!(f, "\n  hint: {h}")?;
            }
        }
        Ok(())
    }
}

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
    pub ops: Vec<CompiledOp>,
    params: Vec<Gen>,
    cumulative: Vec<u64>,
    pub load: LoadPlan,
    pub thresholds: ThresholdPlan,
    /// The scenario's datasets, when it has a `[dataset]` table.
    pub dataset: Option<Arc<crate::dataset::Dataset>>,
    /// The load phase of each target (same order as `file.targets`).
    pub ingests: Vec<Vec<IngestPlan>>,
}

/// One operation with its templates parsed.
#[derive(Clone, Debug)]
pub struct CompiledOp {
    pub name: Name,
    pub weight: u32,
    pub http: Option<HttpOpPlan>,
    pub args: Vec<Template>,
    /// `[operation.postgres]`: the statement and its parameter templates.
    pub sql: Option<String>,
    pub sql_params: Vec<Template>,
    /// `[operation.redis]`: the command's templates.
    pub redis: Vec<Template>,
    /// A search measured for recall@`recall`.
    pub recall: Option<usize>,
    /// A traversal whose answer is checked against the graph.
    pub verify: Option<model::Verify>,
}

impl CompiledOp {
    /// Every template of the operation.
    pub fn templates(&self) -> impl Iterator<Item = &Template> {
        self.http
            .iter()
            .flat_map(|h| {
                std::iter::once(&h.path)
                    .chain(h.headers.iter().map(|(_, t)| t))
                    .chain(h.body.iter())
            })
            .chain(self.args.iter())
            .chain(self.sql_params.iter())
            .chain(self.redis.iter())
    }
}

#[derive(Clone, Debug)]
pub struct HttpOpPlan {
    pub method: String,
    pub path: Template,
    pub headers: Vec<(String, Template)>,
    pub body: Option<Template>,
    pub expect_status: Option<Vec<u16>>,
    /// JSON pointer to the returned ids.
    pub ids: Option<String>,
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
    pub concurrency: u32,
    /// Operations per second, open mode only.
    pub rate: Option<f64>,
    pub stop: Stop,
    pub warmup: Option<Warmup>,
    pub repetitions: u32,
    pub cooldown: Duration,
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
    pub slos: Vec<Slo>,
}

/// One operation of the sequence, rendered.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered<'a> {
    pub op: usize,
    pub path: Cow<'a, str>,
    pub headers: Vec<(&'a str, Cow<'a, str>)>,
    pub body: Option<Cow<'a, str>>,
    pub args: Vec<Cow<'a, str>>,
    /// SQL parameters.
    pub params: Vec<Cow<'a, str>>,
    /// Redis command words.
    pub redis: Vec<Cow<'a, str>>,
    /// The query of `[dataset.vectors]` the operation sends, if any.
    pub query: Option<u32>,
    /// The first node of `[dataset.graph]` the operation sends, if any.
    pub node: Option<u64>,
}

/// Which stream of the sequence: measured operations or warmup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Measured = 0,
    Warmup = 1,
}

/// How many operations the sequence digest covers when the count is not fixed.
pub const DIGEST_OPS: u64 = 10_000;

impl Scenario {
    /// Reads and validates a scenario file.
    ///
    /// # Errors
    /// [`ScenarioError`] naming the file, line, column and key.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let src = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_source(path, &src)
    }

    /// Validates scenario text; `path` is used for messages and relative directories.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] naming the line, column and key.
    pub fn from_source(path: &Path, src: &str) -> Result<Self, ScenarioError> {
        let doc = Doc::parse(src);
        let file: ScenarioFile =
            toml::from_str(src).map_err(|e| toml_error(path, src, &doc, &e))?;
        let v = Validator {
            path,
            src,
            doc: &doc,
        };
        v.build(file, hex(&Sha256::digest(src.as_bytes())))
    }

    /// The directory relative paths in the scenario are resolved against.
    #[must_use]
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or_else(|| Path::new("."))
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
    pub fn render<'a>(&'a self, stream: Stream, index: u64) -> Rendered<'a> {
        let (op, rng) = self.pick(stream, index);
        let compiled = &self.ops[op];
        let mut ctx = RenderCtx::new(rng, index, &self.params, self.dataset.as_deref());
        let mut r = |t: &'a Template| -> Cow<'a, str> {
            if let Some(s) = t.as_static() {
                Cow::Borrowed(s)
            } else {
                let mut s = String::new();
                t.render(&mut ctx, &mut s);
                Cow::Owned(s)
            }
        };
        let (path, headers, body) = match &compiled.http {
            Some(h) => (
                r(&h.path),
                h.headers.iter().map(|(k, t)| (k.as_str(), r(t))).collect(),
                h.body.as_ref().map(&mut r),
            ),
            None => (Cow::Borrowed(""), Vec::new(), None),
        };
        let args = compiled.args.iter().map(&mut r).collect();
        let params = compiled.sql_params.iter().map(&mut r).collect();
        let redis = compiled.redis.iter().map(&mut r).collect();
        Rendered {
            query: ctx.query(),
            node: ctx.node(),
            op,
            path,
            headers,
            body,
            args,
            params,
            redis,
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
            for part in std::iter::once(&r.path)
                .chain(r.headers.iter().map(|(_, v)| v))
                .chain(r.body.iter())
                .chain(r.args.iter())
                .chain(r.params.iter())
                .chain(r.redis.iter())
            {
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

/// Lower-case hexadecimal.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn toml_error(path: &Path, src: &str, doc: &Doc<'_>, e: &toml::de::Error) -> ScenarioError {
    let offset = e.span().map_or(0, |s| s.start);
    let (line, column) = line_col(src, offset);
    let message = e.message().trim().to_owned();
    let hint = unknown_field_hint(&message);
    ScenarioError::Invalid {
        path: path.to_owned(),
        line,
        column,
        key: doc.path_at(offset).unwrap_or_default(),
        message,
        hint,
    }
}

/// "did you mean" for serde's `unknown field `x`, expected one of `a`, `b``.
fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    match closest(field, expected.iter().copied()) {
        Some(c) => Some(format!("did you mean `{c}`?")),
        None if !expected.is_empty() => Some(format!("allowed here: {}", expected.join(", "))),
        None => None,
    }
}

struct Validator<'a> {
    path: &'a Path,
    src: &'a str,
    doc: &'a Doc<'a>,
}

impl Validator<'_> {
    fn err(&self, at: &[Seg<'_>], message: impl Into<String>, hint: Option<&str>) -> ScenarioError {
        let offset = self.doc.span(at).map_or(0, |s| s.start);
        let (line, column) = line_col(self.src, offset);
        let key = at.iter().fold(String::new(), |mut s, seg| {
            match seg {
                Seg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
            s
        });
        ScenarioError::Invalid {
            path: self.path.to_owned(),
            line,
            column,
            key,
            message: message.into(),
            hint: hint.map(str::to_owned),
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one linear list of checks reads best in one place"
    )]
    fn build(&self, file: ScenarioFile, source_digest: String) -> Result<Scenario, ScenarioError> {
        let kind = file.scenario.kind;
        // Targets.
        if file.targets.is_empty() {
            return Err(self.err(&[Seg::Key("scenario")], "a scenario needs at least one [[target]]", Some("add a [[target]] table with a name, a role and a driver table such as [target.http]")));
        }
        for (i, t) in file.targets.iter().enumerate() {
            let at = |k: &'static str| [Seg::Key("target"), Seg::Index(i), Seg::Key(k)];
            if file.targets[..i].iter().any(|o| o.name == t.name) {
                return Err(self.err(
                    &at("name"),
                    format!("target name `{}` is used twice", t.name),
                    None,
                ));
            }
            let drivers = usize::from(t.http.is_some())
                + usize::from(t.command.is_some())
                + usize::from(t.postgres.is_some())
                + usize::from(t.redis.is_some());
            if drivers > 1 {
                return Err(self.err(
                    &[Seg::Key("target"), Seg::Index(i)],
                    format!(
                        "target `{}` has {drivers} driver tables; give exactly one",
                        t.name
                    ),
                    Some(
                        "one of [target.http], [target.command], [target.postgres], [target.redis]",
                    ),
                ));
            }
            if drivers == 0 {
                return Err(self.err(&[Seg::Key("target"), Seg::Index(i)], format!("target `{}` has no driver", t.name), Some("add a [target.http], [target.command], [target.postgres] or [target.redis] table")));
            }
            if let Some(h) = &t.http {
                let url = h.base_url.as_str();
                let at = [
                    Seg::Key("target"),
                    Seg::Index(i),
                    Seg::Key("http"),
                    Seg::Key("base-url"),
                ];
                if url.starts_with("https://") {
                    return Err(self.err(&at, "https is not supported by the http driver yet", Some("benchmark the plain-HTTP listener, or put the TLS terminator in a `command` target")));
                }
                let Some(rest) = url.strip_prefix("http://") else {
                    return Err(self.err(
                        &at,
                        format!("`{url}` is not an http:// URL"),
                        Some("write e.g. \"http://127.0.0.1:8080\""),
                    ));
                };
                if rest.is_empty() || rest.starts_with('/') {
                    return Err(self.err(&at, format!("`{url}` has no host"), None));
                }
            }
            if let Some(c) = &t.command {
                let at = [Seg::Key("target"), Seg::Index(i), Seg::Key("command")];
                match (&c.argv, &c.shell) {
                    (Some(_), Some(_)) => return Err(self.err(&at, "give `argv` or `shell`, not both", None)),
                    (None, None) => return Err(self.err(&at, "a command target needs `argv` or `shell`", Some("e.g. argv = [\"gzip\", \"-c\", \"data.bin\"] or shell = \"make -s bench\""))),
                    (Some(a), None) if a.is_empty() => return Err(self.err(&[Seg::Key("target"), Seg::Index(i), Seg::Key("command"), Seg::Key("argv")], "`argv` cannot be empty", None)),
                    _ => {}
                }
                if c.prepare.is_some() && file.load.mode == LoadMode::Open {
                    return Err(self.err(
                        &[
                            Seg::Key("target"),
                            Seg::Index(i),
                            Seg::Key("command"),
                            Seg::Key("prepare"),
                        ],
                        "`prepare` runs before each run and cannot keep a constant arrival rate",
                        Some("use load.mode = \"closed\" with prepare, or drop prepare"),
                    ));
                }
            }
            if let Some(s) = &t.service {
                let at = |k: &'static str| {
                    [
                        Seg::Key("target"),
                        Seg::Index(i),
                        Seg::Key("service"),
                        Seg::Key(k),
                    ]
                };
                if s.command.is_empty() {
                    return Err(self.err(
                        &at("command"),
                        "the service command cannot be empty",
                        None,
                    ));
                }
                let checks = usize::from(s.ready.http.is_some())
                    + usize::from(s.ready.tcp.is_some())
                    + usize::from(s.ready.command.is_some());
                if checks != 1 {
                    return Err(self.err(&at("ready"), "give exactly one readiness check", Some("ready = { http = \"http://127.0.0.1:{{port}}/health\" }, { tcp = \"127.0.0.1:{{port}}\" } or { command = [...] }")));
                }
            }
        }
        let ours = file.targets.iter().filter(|t| t.role == Role::Ours).count();
        let theirs = file.targets.len() - ours;
        match kind {
            Kind::Internal if theirs > 0 => {
                let i = file
                    .targets
                    .iter()
                    .position(|t| t.role == Role::Competitor)
                    .unwrap_or(0);
                return Err(self.err(
                    &[Seg::Key("target"), Seg::Index(i), Seg::Key("role")],
                    "an internal scenario has only `ours` targets",
                    Some("set scenario.kind = \"competitive\" to compare against other systems"),
                ));
            }
            Kind::Competitive if ours != 1 || theirs == 0 => {
                return Err(self.err(&[Seg::Key("scenario"), Seg::Key("kind")], format!("a competitive scenario needs exactly one `ours` target and at least one `competitor`; found {ours} and {theirs}"), None));
            }
            _ => {}
        }
        if ours == 0 {
            return Err(self.err(&[Seg::Key("target")], "no target has role = \"ours\"", None));
        }

        // Params and operations.
        let mut param_names = Vec::new();
        let mut params = Vec::new();
        for (name, spec) in &file.params {
            let at = [Seg::Key("params"), Seg::Key(name)];
            if Gen::parse(name).is_ok()
                || ["int", "float", "zipf", "choice", "seq", "string", "vector"]
                    .contains(&name.as_str())
                || name.contains(char::is_whitespace)
            {
                return Err(self.err(
                    &at,
                    format!("`{name}` cannot be used as a param name"),
                    Some("pick a name that is not a generator, without spaces"),
                ));
            }
            params.push(Gen::parse(spec).map_err(|m| self.err(&at, m, None))?);
            param_names.push(name.clone());
        }
        let any_http = file.targets.iter().any(|t| t.http.is_some());
        let any_pg = file.targets.iter().any(|t| t.postgres.is_some());
        let any_redis = file.targets.iter().any(|t| t.redis.is_some());
        let mut ops = Vec::new();
        if file.operations.is_empty() {
            if any_http {
                return Err(self.err(&[Seg::Key("scenario")], "an http target needs at least one [[operation]] with an [operation.http] table", Some("[[operation]]\nname = \"get\"\n[operation.http]\npath = \"/\"")));
            }
            if any_pg || any_redis {
                return Err(self.err(&[Seg::Key("scenario")], "a postgres or redis target needs at least one [[operation]] with an [operation.postgres] or [operation.redis] table", None));
            }
            ops.push(CompiledOp {
                name: Name::parse("run").unwrap_or_else(|_| unreachable!()),
                weight: 1,
                http: None,
                args: Vec::new(),
                sql: None,
                sql_params: Vec::new(),
                redis: Vec::new(),
                recall: None,
                verify: None,
            });
        }
        for (i, op) in file.operations.iter().enumerate() {
            let at = |k: &'static str| vec![Seg::Key("operation"), Seg::Index(i), Seg::Key(k)];
            if file.operations[..i].iter().any(|o| o.name == op.name) {
                return Err(self.err(
                    &at("name"),
                    format!("operation name `{}` is used twice", op.name),
                    None,
                ));
            }
            let weight = op.weight.unwrap_or(1);
            let http = match &op.http {
                None if any_http => return Err(self.err(&[Seg::Key("operation"), Seg::Index(i)], format!("operation `{}` has no [operation.http] table, but a target uses the http driver", op.name), None)),
                None => None,
                Some(h) => {
                    let sub = |k: &'static str| [Seg::Key("operation"), Seg::Index(i), Seg::Key("http"), Seg::Key(k)];
                    let method = h.method.clone().unwrap_or_else(|| "GET".into()).to_ascii_uppercase();
                    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
                        return Err(self.err(&sub("method"), format!("`{method}` is not an HTTP method"), None));
                    }
                    if !h.path.starts_with('/') {
                        return Err(self.err(&sub("path"), format!("path `{}` must start with `/`", h.path), None));
                    }
                    if let Some(bad) = h.expect_status.iter().flatten().find(|s| !(100..=599).contains(*s)) {
                        return Err(self.err(&sub("expect-status"), format!("{bad} is not an HTTP status"), None));
                    }
                    let t = |s: &str, k: &'static str| Template::parse(s, &param_names).map_err(|m| self.err(&sub(k), m, None));
                    let mut headers = Vec::new();
                    for (k, v) in &h.headers {
                        headers.push((k.clone(), t(v, "headers")?));
                    }
                    Some(HttpOpPlan {
                        method,
                        path: t(&h.path, "path")?,
                        headers,
                        body: h.body.as_deref().map(|b| t(b, "body")).transpose()?,
                        expect_status: h.expect_status.clone(),
                        ids: h.ids.clone(),
                    })
                }
            };
            let mut args = Vec::new();
            for a in op.command.iter().flat_map(|c| &c.args) {
                args.push(Template::parse(a, &param_names).map_err(|m| {
                    self.err(
                        &[
                            Seg::Key("operation"),
                            Seg::Index(i),
                            Seg::Key("command"),
                            Seg::Key("args"),
                        ],
                        m,
                        None,
                    )
                })?);
            }
            let sub = |table: &'static str, k: &'static str| {
                [
                    Seg::Key("operation"),
                    Seg::Index(i),
                    Seg::Key(table),
                    Seg::Key(k),
                ]
            };
            let (sql, sql_params) = match &op.postgres {
                None if any_pg => return Err(self.err(&[Seg::Key("operation"), Seg::Index(i)], format!("operation `{}` has no [operation.postgres] table, but a target uses the postgres driver", op.name), None)),
                None => (None, Vec::new()),
                Some(pg) => {
                    if pg.sql.contains("{{") {
                        return Err(self.err(&sub("postgres", "sql"), "placeholders go in `params`, bound as $1, $2…; the SQL text is never templated", Some("sql = \"SELECT v FROM kv WHERE k = $1\"\nparams = [\"{{int 1 1000}}\"]")));
                    }
                    let mut ps = Vec::new();
                    for p in &pg.params {
                        ps.push(Template::parse(p, &param_names).map_err(|m| self.err(&sub("postgres", "params"), m, None))?);
                    }
                    (Some(pg.sql.clone()), ps)
                }
            };
            let redis = match &op.redis {
                None if any_redis => return Err(self.err(&[Seg::Key("operation"), Seg::Index(i)], format!("operation `{}` has no [operation.redis] table, but a target uses the redis driver", op.name), None)),
                None => Vec::new(),
                Some(r) => {
                    if r.command.is_empty() {
                        return Err(self.err(&sub("redis", "command"), "the command cannot be empty", None));
                    }
                    let mut ts = Vec::new();
                    for w in &r.command {
                        ts.push(Template::parse(w, &param_names).map_err(|m| self.err(&sub("redis", "command"), m, None))?);
                    }
                    ts
                }
            };
            ops.push(CompiledOp {
                name: op.name.clone(),
                weight,
                http,
                args,
                sql,
                sql_params,
                redis,
                recall: op.recall.map(|k| k as usize),
                verify: op.verify,
            });
        }
        let seed = file.scenario.seed.unwrap_or(1);
        let dataset = self.dataset(&file, seed)?;
        let param_needs: Vec<_> = params.iter().map(Gen::needs).collect();
        self.searches(&file, &ops, &param_needs, dataset.as_ref())?;
        let mut ingests = Vec::with_capacity(file.targets.len());
        for (i, t) in file.targets.iter().enumerate() {
            ingests.push(self.ingests(i, t, dataset.as_ref())?);
            self.http_setup(i, t)?;
        }
        for (i, op) in file.operations.iter().enumerate() {
            if let Some(p) = op.http.as_ref().and_then(|h| h.ids.as_ref()) {
                if !(p.is_empty() || p.starts_with('/')) {
                    return Err(self.err(
                        &[
                            Seg::Key("operation"),
                            Seg::Index(i),
                            Seg::Key("http"),
                            Seg::Key("ids"),
                        ],
                        format!("`{p}` is not a JSON pointer"),
                        Some("JSON pointers start with `/`, e.g. \"/ids/0\""),
                    ));
                }
            }
        }
        let mut cumulative = Vec::with_capacity(ops.len());
        let mut total = 0u64;
        for op in &ops {
            total += u64::from(op.weight);
            cumulative.push(total);
        }
        if total == 0 {
            return Err(self.err(
                &[Seg::Key("operation"), Seg::Index(0), Seg::Key("weight")],
                "every operation has weight 0; nothing would run",
                None,
            ));
        }

        // Load.
        let l = &file.load;
        let lat = |k: &'static str| [Seg::Key("load"), Seg::Key(k)];
        let concurrency = l.concurrency.unwrap_or(1);
        if !(1..=10_000).contains(&concurrency) {
            return Err(self.err(
                &lat("concurrency"),
                format!("concurrency must be in 1..=10000, got {concurrency}"),
                None,
            ));
        }
        match (l.mode, l.rate) {
            (LoadMode::Closed, Some(_)) => {
                return Err(self.err(
                    &lat("rate"),
                    "`rate` applies to open-loop load only",
                    Some("set load.mode = \"open\" for a constant arrival rate, or remove `rate`"),
                ))
            }
            (LoadMode::Open, None) => {
                return Err(self.err(
                    &[Seg::Key("load"), Seg::Key("mode")],
                    "open-loop load needs a `rate` (operations per second)",
                    None,
                ))
            }
            (LoadMode::Open, Some(r)) if !(r > 0.0 && r <= 10_000_000.0) => {
                return Err(self.err(
                    &lat("rate"),
                    format!("rate must be above 0 and at most 10000000, got {r}"),
                    None,
                ))
            }
            _ => {}
        }
        let stop = match (l.duration, l.operations) {
            (Some(d), None) if d.get() > Duration::ZERO => Stop::Duration(d.get()),
            (None, Some(n)) if n > 0 => Stop::Operations(n),
            (Some(_), None) => {
                return Err(self.err(&lat("duration"), "duration must be above zero", None))
            }
            (None, Some(_)) => {
                return Err(self.err(&lat("operations"), "operations must be above zero", None))
            }
            (Some(_), Some(_)) => {
                return Err(self.err(
                    &lat("operations"),
                    "give `duration` or `operations`, not both",
                    None,
                ))
            }
            (None, None) => {
                return Err(self.err(
                    &[Seg::Key("load")],
                    "say how long each repetition measures",
                    Some("add duration = \"10s\" or operations = 1000 under [load]"),
                ))
            }
        };
        let repetitions = l.repetitions.unwrap_or(3);
        if !(1..=1000).contains(&repetitions) {
            return Err(self.err(
                &lat("repetitions"),
                format!("repetitions must be in 1..=1000, got {repetitions}"),
                None,
            ));
        }

        // Thresholds.
        let th = &file.thresholds;
        let tat = |k: &'static str| [Seg::Key("thresholds"), Seg::Key(k)];
        let regression = th.regression.map_or(
            match kind {
                Kind::Internal => 0.05,
                Kind::Competitive => 0.10,
            },
            Percent::fraction,
        );
        let warn = th.warn.map_or(regression / 2.0, Percent::fraction);
        if warn > regression {
            return Err(self.err(
                &tat("warn"),
                format!(
                    "warn ({:.4}%) is above regression ({:.4}%)",
                    warn * 100.0,
                    regression * 100.0
                ),
                None,
            ));
        }
        let alpha = th.alpha.unwrap_or(0.05);
        if !(alpha > 0.0 && alpha <= 0.5) {
            return Err(self.err(
                &tat("alpha"),
                format!("alpha must be in (0, 0.5], got {alpha}"),
                None,
            ));
        }
        let throughput_floor = th.throughput_floor.unwrap_or(1.0);
        if !(throughput_floor >= 0.0 && throughput_floor.is_finite()) {
            return Err(self.err(
                &tat("throughput-floor"),
                "throughput-floor must be a non-negative number",
                None,
            ));
        }
        if let Some(m) = &th.metrics {
            if m.is_empty() {
                return Err(self.err(&tat("metrics"), "list at least one metric to compare", None));
            }
        }
        for (i, slo) in th.slo.iter().enumerate() {
            let at = |k: &'static str| {
                [
                    Seg::Key("thresholds"),
                    Seg::Key("slo"),
                    Seg::Index(i),
                    Seg::Key(k),
                ]
            };
            if let Some(op) = &slo.operation {
                if !ops.iter().any(|o| &o.name == op) {
                    return Err(self.err(
                        &at("operation"),
                        format!("no operation named `{op}`"),
                        None,
                    ));
                }
            }
            let ok = match slo.metric {
                Metric::Throughput => {
                    slo.max.is_none() && matches!(slo.min, Some(SloValue::Number(n)) if n >= 0.0)
                }
                Metric::ErrorRate => {
                    slo.min.is_none() && matches!(slo.max, Some(SloValue::Percent(_)))
                }
                _ => slo.min.is_none() && matches!(slo.max, Some(SloValue::Duration(_))),
            };
            if !ok {
                let hint = match slo.metric {
                    Metric::Throughput => {
                        "write { metric = \"throughput\", min = 500 } (operations per second)"
                    }
                    Metric::ErrorRate => "write { metric = \"error-rate\", max = \"1%\" }",
                    _ => "write e.g. { metric = \"p99\", max = \"20ms\" }",
                };
                return Err(self.err(
                    &at("metric"),
                    format!("bad bound for the `{}` objective", slo.metric),
                    Some(hint),
                ));
            }
        }
        let recall_margin = th.recall_margin.map_or(0.02, Percent::fraction);
        if recall_margin > 1.0 {
            return Err(self.err(&tat("recall-margin"), "recall-margin is at most 100%", None));
        }
        let thresholds = ThresholdPlan {
            recall_margin,
            regression,
            warn,
            latency_floor: th.latency_floor.map_or(Duration::from_micros(50), Dur::get),
            throughput_floor,
            error_rate_floor: th.error_rate_floor.map_or(0.001, Percent::fraction),
            alpha,
            metrics: th.metrics.clone().unwrap_or_else(|| {
                let mut m = Metric::DEFAULT_COMPARED.to_vec();
                if ops.iter().any(|o| o.recall.is_some()) {
                    m.push(Metric::Recall);
                }
                m
            }),
            slos: th.slo.clone(),
        };
        let load = LoadPlan {
            mode: l.mode,
            concurrency,
            rate: l.rate,
            stop,
            warmup: l.warmup,
            repetitions,
            cooldown: l.cooldown.map_or(Duration::ZERO, Dur::get),
        };
        Ok(Scenario {
            path: self.path.to_owned(),
            source_digest,
            name: file.scenario.name.clone(),
            kind,
            seed,
            ops,
            dataset: dataset.map(Arc::new),
            ingests,
            params,
            cumulative,
            load,
            thresholds,
            file,
        })
    }
}

/// Every `*.toml` under the given files and directories, sorted, each once.
///
/// # Errors
/// When a path does not exist or a directory cannot be read.
pub fn discover(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let p = entry?.path();
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|e| e == "toml") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", p.display())))?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}
