//! Validation of `[dataset]`, `[target.ingest]` and searches (`recall`), into the plans the
//! engine runs.

use std::path::Path;

use super::locate::Seg;
use super::model::{
    DistanceName, GraphDistribution, IngestHttp, KeyAccess, RowsName, ScenarioFile, Target,
};
use super::template::{FieldTemplate, Needs, Zipf};
use super::{CompiledOp, ScenarioError, Validator};
use crate::dataset::{Access, Dataset, Distance, Graph, Keys, RowKind, Synthetic, Vectors};

/// Fields of an HTTP ingest batch, each a JSON array over the batch's rows.
pub const BATCH_FIELDS: [&str; 7] = [
    "ids", "int-ids", "vectors", "keys", "values", "edges", "rows",
];

/// A target's load phase, checked.
#[derive(Clone, Debug)]
pub struct IngestPlan {
    pub rows: RowKind,
    pub batch: usize,
    /// PostgreSQL `COPY … FROM STDIN`.
    pub copy: Option<String>,
    pub http: Option<IngestHttpPlan>,
    /// Redis: one command per row.
    pub redis: Vec<FieldTemplate>,
    /// PostgreSQL statements after the rows, timed as the index build.
    pub after: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct IngestHttpPlan {
    pub method: String,
    pub path: FieldTemplate,
    pub body: FieldTemplate,
    pub headers: Vec<(String, String)>,
}

impl Validator<'_> {
    pub(super) fn dataset(
        &self,
        file: &ScenarioFile,
        seed: u64,
    ) -> Result<Option<Dataset>, ScenarioError> {
        let Some(d) = &file.dataset else {
            return Ok(None);
        };
        let vectors = match &d.vectors {
            None => None,
            Some(v) => {
                let at = |k: &'static str| [Seg::Key("dataset"), Seg::Key("vectors"), Seg::Key(k)];
                let distance = match v.distance.unwrap_or(DistanceName::L2) {
                    DistanceName::L2 => Distance::L2,
                    DistanceName::Cosine => Distance::Cosine,
                    DistanceName::Ip => Distance::Ip,
                };
                let k = v.k.unwrap_or(10);
                if !(1..=10_000).contains(&k) {
                    return Err(self.err(
                        &at("k"),
                        format!("k must be in 1..=10000, got {k}"),
                        None,
                    ));
                }
                if let Some(f) = &v.file {
                    for (key, given) in [
                        ("count", v.count.is_some()),
                        ("dim", v.dim.is_some()),
                        ("clusters", v.clusters.is_some()),
                        ("spread", v.spread.is_some()),
                        ("queries", v.queries.is_some()),
                    ] {
                        if given {
                            return Err(self.err(&[Seg::Key("dataset"), Seg::Key("vectors"), Seg::Key(key)], format!("`{key}` describes generated vectors; with `file` the file decides"), None));
                        }
                    }
                    let Some(qf) = &v.query_file else {
                        return Err(self.err(
                            &at("file"),
                            "vectors from a file need a `query-file` too",
                            Some("query-file = \"queries.fvecs\""),
                        ));
                    };
                    let dir = self.path.parent().unwrap_or_else(|| Path::new("."));
                    let vs = Vectors::from_files(
                        &dir.join(f),
                        &dir.join(qf),
                        v.json_field.as_deref().unwrap_or("vector"),
                        distance,
                        k as usize,
                    )
                    .map_err(|e| self.err(&at("file"), e.to_string(), None))?;
                    Some(vs)
                } else {
                    let (Some(count), Some(dim)) = (v.count, v.dim) else {
                        return Err(self.err(&[Seg::Key("dataset"), Seg::Key("vectors")], "generated vectors need `count` and `dim`", Some("count = 10000\ndim = 128\n(or file = \"base.fvecs\" and query-file = \"queries.fvecs\")")));
                    };
                    if !(1..=10_000_000_000).contains(&count) {
                        return Err(self.err(
                            &at("count"),
                            format!("count must be in 1..=10000000000, got {count}"),
                            None,
                        ));
                    }
                    if !(1..=65_536).contains(&dim) {
                        return Err(self.err(
                            &at("dim"),
                            format!("dim must be in 1..=65536, got {dim}"),
                            None,
                        ));
                    }
                    let clusters = v.clusters.unwrap_or(16);
                    if !(1..=1_000_000).contains(&clusters) {
                        return Err(self.err(
                            &at("clusters"),
                            format!("clusters must be in 1..=1000000, got {clusters}"),
                            None,
                        ));
                    }
                    let spread = v.spread.unwrap_or(0.1);
                    if !(spread.is_finite() && spread >= 0.0) {
                        return Err(self.err(
                            &at("spread"),
                            "spread must be a non-negative number",
                            None,
                        ));
                    }
                    let queries = v.queries.unwrap_or(1000);
                    if !(1..=1_000_000).contains(&queries) {
                        return Err(self.err(
                            &at("queries"),
                            format!("queries must be in 1..=1000000, got {queries}"),
                            None,
                        ));
                    }
                    if v.query_file.is_some() || v.json_field.is_some() {
                        return Err(self.err(
                            &at("query-file"),
                            "`query-file` and `json-field` go with `file`",
                            None,
                        ));
                    }
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "spread is a small standard deviation"
                    )]
                    let spread = spread as f32;
                    Some(Vectors::generated(
                        Synthetic {
                            seed: v.seed.unwrap_or(seed),
                            count,
                            dim: dim as usize,
                            clusters,
                            spread,
                            normalize: v.normalize,
                            queries: queries as usize,
                        },
                        distance,
                        k as usize,
                    ))
                }
            }
        };
        let graph = match &d.graph {
            None => None,
            Some(g) => {
                let at = |k: &'static str| [Seg::Key("dataset"), Seg::Key("graph"), Seg::Key(k)];
                let power = g.distribution == Some(GraphDistribution::PowerLaw);
                let max = if power { 10_000_000 } else { 100_000_000 };
                if !(2..=max).contains(&g.nodes) {
                    return Err(self.err(
                        &at("nodes"),
                        format!("nodes must be in 2..={max}, got {}", g.nodes),
                        None,
                    ));
                }
                let degree = g.degree.unwrap_or(8);
                if !(1..=1000).contains(&degree) {
                    return Err(self.err(
                        &at("degree"),
                        format!("degree must be in 1..=1000, got {degree}"),
                        None,
                    ));
                }
                if g.theta.is_some() && !power {
                    return Err(self.err(
                        &at("theta"),
                        "`theta` applies to distribution = \"power-law\"",
                        None,
                    ));
                }
                let targets = if power {
                    Access::Zipf(
                        Zipf::new(g.nodes, g.theta.unwrap_or(0.9))
                            .map_err(|m| self.err(&at("theta"), m, None))?,
                    )
                } else {
                    Access::Uniform
                };
                Some(Graph {
                    seed: g.seed.unwrap_or(seed),
                    nodes: g.nodes,
                    degree,
                    targets,
                })
            }
        };
        let keys = match &d.keys {
            None => None,
            Some(k) => {
                let at = |key: &'static str| [Seg::Key("dataset"), Seg::Key("keys"), Seg::Key(key)];
                let zipf = k.access == Some(KeyAccess::Zipf);
                let max = if zipf { 10_000_000 } else { 10_000_000_000 };
                if !(1..=max).contains(&k.count) {
                    return Err(self.err(
                        &at("count"),
                        format!("count must be in 1..={max}, got {}", k.count),
                        None,
                    ));
                }
                if k.theta.is_some() && !zipf {
                    return Err(self.err(
                        &at("theta"),
                        "`theta` applies to access = \"zipf\"",
                        None,
                    ));
                }
                let value_size = k.value_size.unwrap_or(100);
                if !(1..=1 << 20).contains(&value_size) {
                    return Err(self.err(
                        &at("value-size"),
                        format!("value-size must be in 1..=1048576, got {value_size}"),
                        None,
                    ));
                }
                let access = if zipf {
                    Access::Zipf(
                        Zipf::new(k.count, k.theta.unwrap_or(0.99))
                            .map_err(|m| self.err(&at("theta"), m, None))?,
                    )
                } else {
                    Access::Uniform
                };
                Some(Keys {
                    seed: k.seed.unwrap_or(seed),
                    count: k.count,
                    access,
                    value_size: value_size as usize,
                })
            }
        };
        Ok(Some(Dataset::new(vectors, graph, keys)))
    }

    /// Operations that draw from a dataset need it; searches need vectors, `{{vectors.query}}` and a
    /// way to read the returned ids.
    pub(super) fn searches(
        &self,
        file: &ScenarioFile,
        ops: &[CompiledOp],
        param_needs: &[Option<Needs>],
        dataset: Option<&Dataset>,
    ) -> Result<(), ScenarioError> {
        for (i, op) in ops.iter().enumerate() {
            let at = [Seg::Key("operation"), Seg::Index(i)];
            let mut needs: Vec<Needs> = op
                .templates()
                .flat_map(super::template::Template::generators)
                .filter_map(super::template::Gen::needs)
                .collect();
            needs.extend(
                op.templates()
                    .flat_map(super::template::Template::param_refs)
                    .filter_map(|p| param_needs[p]),
            );
            for need in &needs {
                let (has, table) = match need {
                    Needs::Vectors => (
                        dataset.is_some_and(|d| d.vectors.is_some()),
                        "[dataset.vectors]",
                    ),
                    Needs::Graph => (
                        dataset.is_some_and(|d| d.graph.is_some()),
                        "[dataset.graph]",
                    ),
                    Needs::Keys => (dataset.is_some_and(|d| d.keys.is_some()), "[dataset.keys]"),
                };
                if !has {
                    return Err(self.err(
                        &at,
                        format!(
                            "operation `{}` draws from {table}, which the scenario does not define",
                            op.name
                        ),
                        None,
                    ));
                }
            }
            if op.verify.is_some() {
                let vat = [Seg::Key("operation"), Seg::Index(i), Seg::Key("verify")];
                if !needs.contains(&Needs::Graph) {
                    return Err(self.err(
                        &vat,
                        "a verified traversal must start at a `{{graph.node}}`",
                        None,
                    ));
                }
                self.ids_readable(file, op, &vat)?;
            }
            let Some(k) = op.recall else { continue };
            let rat = [Seg::Key("operation"), Seg::Index(i), Seg::Key("recall")];
            let Some(v) = dataset.and_then(|d| d.vectors.as_ref()) else {
                return Err(self.err(
                    &rat,
                    "`recall` needs [dataset.vectors] for the ground truth",
                    None,
                ));
            };
            if k == 0 || k > v.k {
                return Err(self.err(
                    &rat,
                    format!(
                        "recall must be in 1..={} (the dataset's ground-truth depth `k`)",
                        v.k
                    ),
                    Some("raise [dataset.vectors] k"),
                ));
            }
            if !needs.contains(&Needs::Vectors) {
                return Err(self.err(
                    &rat,
                    "a search measured for recall must send its `{{vectors.query}}`",
                    None,
                ));
            }
            self.ids_readable(file, op, &rat)?;
        }
        Ok(())
    }

    /// Every target can report what `op` returned: PostgreSQL rows, or an HTTP response with
    /// an `ids` pointer.
    fn ids_readable(
        &self,
        file: &ScenarioFile,
        op: &CompiledOp,
        at: &[Seg<'_>],
    ) -> Result<(), ScenarioError> {
        for t in &file.targets {
            let unsupported = t.command.is_some() || t.redis.is_some();
            let no_pointer = t.http.is_some() && op.http.as_ref().is_none_or(|h| h.ids.is_none());
            if unsupported || no_pointer {
                let hint = if no_pointer {
                    "add ids = \"/ids/0\" (a JSON pointer) to [operation.http]"
                } else {
                    "answers are read from PostgreSQL rows or an HTTP JSON response"
                };
                return Err(self.err(
                    at,
                    format!(
                        "target `{}` cannot report what this operation returned",
                        t.name
                    ),
                    Some(hint),
                ));
            }
        }
        Ok(())
    }

    pub(super) fn http_setup(&self, i: usize, t: &Target) -> Result<(), ScenarioError> {
        for (j, s) in t.http.iter().flat_map(|h| &h.setup).enumerate() {
            let at = |k: &'static str| {
                [
                    Seg::Key("target"),
                    Seg::Index(i),
                    Seg::Key("http"),
                    Seg::Key("setup"),
                    Seg::Index(j),
                    Seg::Key(k),
                ]
            };
            if !s.path.starts_with('/') {
                return Err(self.err(
                    &at("path"),
                    format!("path `{}` must start with `/`", s.path),
                    None,
                ));
            }
            for (name, pointer) in &s.capture {
                if name.is_empty()
                    || !name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                    || ["port", "benchbot", "scenario-dir"].contains(&name.as_str())
                {
                    return Err(self.err(
                        &at("capture"),
                        format!("`{name}` cannot be a capture name"),
                        Some("letters, digits, `-` and `_`; not port, benchbot or scenario-dir"),
                    ));
                }
                if !(pointer.is_empty() || pointer.starts_with('/')) {
                    return Err(self.err(
                        &at("capture"),
                        format!("`{pointer}` is not a JSON pointer"),
                        Some("e.g. \"/id\""),
                    ));
                }
            }
        }
        Ok(())
    }

    pub(super) fn ingests(
        &self,
        i: usize,
        t: &Target,
        dataset: Option<&Dataset>,
    ) -> Result<Vec<IngestPlan>, ScenarioError> {
        let mut plans: Vec<IngestPlan> = Vec::new();
        for (j, ing) in t.ingest.iter().enumerate() {
            let plan = self.ingest(i, j, t, ing, dataset)?;
            if plans.iter().any(|p| p.rows == plan.rows) {
                return Err(self.err(
                    &[
                        Seg::Key("target"),
                        Seg::Index(i),
                        Seg::Key("ingest"),
                        Seg::Index(j),
                        Seg::Key("rows"),
                    ],
                    format!("target `{}` loads {} twice", t.name, plan.rows.name()),
                    None,
                ));
            }
            plans.push(plan);
        }
        Ok(plans)
    }

    fn ingest(
        &self,
        i: usize,
        j: usize,
        t: &Target,
        ing: &super::model::Ingest,
        dataset: Option<&Dataset>,
    ) -> Result<IngestPlan, ScenarioError> {
        let at = |k: &'static str| {
            [
                Seg::Key("target"),
                Seg::Index(i),
                Seg::Key("ingest"),
                Seg::Index(j),
                Seg::Key(k),
            ]
        };
        let rows = match ing.rows {
            RowsName::Vectors => RowKind::Vectors,
            RowsName::Edges => RowKind::Edges,
            RowsName::Keys => RowKind::Keys,
        };
        if dataset.is_none_or(|d| d.rows(rows) == 0) {
            let table = match rows {
                RowKind::Vectors => "[dataset.vectors]",
                RowKind::Edges => "[dataset.graph]",
                RowKind::Keys => "[dataset.keys]",
            };
            return Err(self.err(
                &at("rows"),
                format!("ingesting {} needs {table}", rows.fields().join("/")),
                None,
            ));
        }
        let batch = ing.batch.unwrap_or(500);
        if !(1..=1_000_000).contains(&batch) {
            return Err(self.err(
                &at("batch"),
                format!("batch must be in 1..=1000000, got {batch}"),
                None,
            ));
        }
        let (want, given) = if t.postgres.is_some() {
            ("copy", ing.copy.is_some())
        } else if t.http.is_some() {
            ("http", ing.http.is_some())
        } else if t.redis.is_some() {
            ("redis", ing.redis.is_some())
        } else {
            return Err(self.err(
                &[
                    Seg::Key("target"),
                    Seg::Index(i),
                    Seg::Key("ingest"),
                    Seg::Index(j),
                ],
                "command targets load their own data; use `prepare` or the service command",
                None,
            ));
        };
        let extra = usize::from(ing.copy.is_some())
            + usize::from(ing.http.is_some())
            + usize::from(ing.redis.is_some());
        if !given || extra != 1 {
            return Err(self.err(
                &[
                    Seg::Key("target"),
                    Seg::Index(i),
                    Seg::Key("ingest"),
                    Seg::Index(j),
                ],
                format!("target `{}` ingests with `{want}` (and only that)", t.name),
                None,
            ));
        }
        if !ing.after.is_empty() && t.postgres.is_none() {
            return Err(self.err(
                &at("after"),
                "`after` statements are SQL, for postgres targets",
                None,
            ));
        }
        if let Some(c) = &ing.copy {
            let upper = c.to_ascii_uppercase();
            if !(upper.trim_start().starts_with("COPY") && upper.contains("FROM STDIN")) {
                return Err(self.err(
                    &at("copy"),
                    "write a `COPY table (columns) FROM STDIN` statement",
                    None,
                ));
            }
        }
        let http = match &ing.http {
            None => None,
            Some(IngestHttp {
                method,
                path,
                body,
                headers,
            }) => {
                let f = |s: &str| {
                    FieldTemplate::parse(s, &BATCH_FIELDS)
                        .map_err(|m| self.err(&at("http"), m, None))
                };
                if !path.starts_with('/') {
                    return Err(self.err(
                        &at("http"),
                        format!("path `{path}` must start with `/`"),
                        None,
                    ));
                }
                let body = f(body.as_str())?;
                let offered: &[usize] = match rows {
                    RowKind::Vectors => &[0, 1, 2, 6],
                    RowKind::Keys => &[3, 4, 6],
                    RowKind::Edges => &[5, 6],
                };
                if let Some(bad) =
                    (0..BATCH_FIELDS.len()).find(|b| body.uses(*b) && !offered.contains(b))
                {
                    return Err(self.err(
                        &at("http"),
                        format!(
                            "`{{{{{}}}}}` is not part of {} rows",
                            BATCH_FIELDS[bad],
                            rows.fields().join("/")
                        ),
                        None,
                    ));
                }
                Some(IngestHttpPlan {
                    method: method
                        .clone()
                        .unwrap_or_else(|| "POST".into())
                        .to_ascii_uppercase(),
                    path: f(path.as_str())?,
                    body,
                    headers: headers
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                })
            }
        };
        let mut redis = Vec::new();
        for w in ing.redis.iter().flatten() {
            redis.push(
                FieldTemplate::parse(w, rows.fields())
                    .map_err(|m| self.err(&at("redis"), m, None))?,
            );
        }
        if ing.redis.as_ref().is_some_and(Vec::is_empty) {
            return Err(self.err(&at("redis"), "the command cannot be empty", None));
        }
        Ok(IngestPlan {
            rows,
            batch: batch as usize,
            copy: ing.copy.clone(),
            http,
            redis,
            after: ing.after.clone(),
        })
    }
}
