//! `[dataset]`, the load phases (`[[target.ingest]]`) and searches (`recall`, `verify`).

use std::path::Path;

use super::Validator;
use crate::dataset::{Access, Dataset, Distance, Graph, Keys, RowKind, Synthetic, Vectors};
use crate::driver::{LoadPhasePlan, RowsName};
use crate::scenario::model::{
    DistanceName, GraphDistribution, GraphTable, KeyAccess, KeysTable, ScenarioFile, Target,
    VectorsTable,
};
use crate::scenario::plan::{CompiledOp, TargetPlan};
use crate::scenario::ScenarioError;
use crate::template::Needs;
use crate::util::locate::Seg;
use crate::util::Zipf;

impl Validator<'_> {
    pub(super) fn dataset(
        &self,
        file: &ScenarioFile,
        seed: u64,
    ) -> Result<Option<Dataset>, ScenarioError> {
        let Some(d) = &file.dataset else {
            return Ok(None);
        };
        let vectors = d
            .vectors
            .as_ref()
            .map(|v| self.vectors(v, seed))
            .transpose()?;
        let graph = d.graph.as_ref().map(|g| self.graph(g, seed)).transpose()?;
        let keys = d.keys.as_ref().map(|k| self.keys(k, seed)).transpose()?;
        Ok(Some(Dataset::new(vectors, graph, keys)))
    }

    #[expect(clippy::too_many_lines, reason = "one linear list of checks")]
    fn vectors(&self, v: &VectorsTable, seed: u64) -> Result<Vectors, ScenarioError> {
        let at = |k: &'static str| [Seg::Key("dataset"), Seg::Key("vectors"), Seg::Key(k)];
        let distance = match v.distance.unwrap_or(DistanceName::L2) {
            DistanceName::L2 => Distance::L2,
            DistanceName::Cosine => Distance::Cosine,
            DistanceName::Ip => Distance::Ip,
        };
        let k = v.k.unwrap_or(10);
        if !(1..=10_000).contains(&k) {
            return Err(self.err(&at("k"), format!("k must be in 1..=10000, got {k}"), None));
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
                    return Err(self.err(
                        &[Seg::Key("dataset"), Seg::Key("vectors"), Seg::Key(key)],
                        format!(
                            "`{key}` describes generated vectors; with `file` the file decides"
                        ),
                        None,
                    ));
                }
            }
            let Some(qf) = &v.query_file else {
                return Err(self.err(
                    &at("file"),
                    "vectors from a file need a `query-file` too",
                    Some("query-file = \"queries.fvecs\""),
                ));
            };
            let dir = self
                .path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(|| Path::new("."));
            let vs = Vectors::from_files(
                &dir.join(f),
                &dir.join(qf),
                v.json_field.as_deref().unwrap_or("vector"),
                distance,
                k as usize,
            )
            .map_err(|e| self.err(&at("file"), e.to_string(), None))?;
            Ok(vs)
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
                return Err(self.err(&at("spread"), "spread must be a non-negative number", None));
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
            Ok(Vectors::generated(
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

    fn graph(&self, g: &GraphTable, seed: u64) -> Result<Graph, ScenarioError> {
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
        Ok(Graph {
            seed: g.seed.unwrap_or(seed),
            nodes: g.nodes,
            degree,
            targets,
        })
    }

    fn keys(&self, k: &KeysTable, seed: u64) -> Result<Keys, ScenarioError> {
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
            return Err(self.err(&at("theta"), "`theta` applies to access = \"zipf\"", None));
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
        Ok(Keys {
            seed: k.seed.unwrap_or(seed),
            count: k.count,
            access,
            value_size: value_size as usize,
        })
    }

    /// Operations that draw from a dataset need it; searches need vectors, `{{vectors.query}}` and a
    /// way to read the returned ids.
    pub(super) fn searches(
        &self,
        targets: &[TargetPlan],
        ops: &[CompiledOp],
        param_needs: &[Option<Needs>],
        dataset: Option<&Dataset>,
    ) -> Result<(), ScenarioError> {
        for (i, op) in ops.iter().enumerate() {
            let at = [Seg::Key("operation"), Seg::Index(i)];
            let mut needs: Vec<Needs> = op
                .templates
                .iter()
                .flat_map(crate::template::Template::generators)
                .filter_map(crate::template::Gen::needs)
                .collect();
            needs.extend(
                op.templates
                    .iter()
                    .flat_map(crate::template::Template::param_refs)
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
                self.ids_readable(targets, op, &vat)?;
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
            self.ids_readable(targets, op, &rat)?;
        }
        Ok(())
    }

    /// Every target can report what `op` returned: PostgreSQL rows, or an HTTP response with
    /// an `ids` pointer.
    fn ids_readable(
        &self,
        targets: &[TargetPlan],
        op: &CompiledOp,
        at: &[Seg<'_>],
    ) -> Result<(), ScenarioError> {
        for t in targets {
            if let Err(hint) = t.driver.reports_ids(&op.parts) {
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

    /// The load phases of target `i`.
    pub(super) fn load_phases(
        &self,
        i: usize,
        t: &Target,
        plan: &TargetPlan,
        dataset: Option<&Dataset>,
    ) -> Result<Vec<LoadPhasePlan>, ScenarioError> {
        let mut plans: Vec<LoadPhasePlan> = Vec::new();
        for (j, table) in t.load_phases.iter().enumerate() {
            let at = [
                Seg::Key("target"),
                Seg::Index(i),
                Seg::Key("ingest"),
                Seg::Index(j),
            ];
            let rows = match table.rows {
                RowsName::Vectors => RowKind::Vectors,
                RowsName::Edges => RowKind::Edges,
                RowsName::Keys => RowKind::Keys,
            };
            if dataset.is_none_or(|d| d.rows(rows) == 0) {
                let needed = match rows {
                    RowKind::Vectors => "[dataset.vectors]",
                    RowKind::Edges => "[dataset.graph]",
                    RowKind::Keys => "[dataset.keys]",
                };
                return Err(self.err(
                    &[
                        Seg::Key("target"),
                        Seg::Index(i),
                        Seg::Key("ingest"),
                        Seg::Index(j),
                        Seg::Key("rows"),
                    ],
                    format!("ingesting {} needs {needed}", rows.fields().join("/")),
                    None,
                ));
            }
            let phase = plan
                .driver
                .load_phase(t.name.as_str(), table, rows)
                .map_err(|e| self.invalid(&at, e))?;
            if plans.iter().any(|p| p.rows == phase.rows) {
                return Err(self.err(
                    &[
                        Seg::Key("target"),
                        Seg::Index(i),
                        Seg::Key("ingest"),
                        Seg::Index(j),
                        Seg::Key("rows"),
                    ],
                    format!("target `{}` loads {} twice", t.name, phase.rows.name()),
                    None,
                ));
            }
            plans.push(phase);
        }
        Ok(plans)
    }
}
