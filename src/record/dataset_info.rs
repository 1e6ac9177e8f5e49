//! What a scenario's datasets were, as stored in records and printed in plans.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a scenario's datasets were.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DatasetInfo {
    /// SHA-256 over the vectors and queries (see `docs/datasets.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vectors_digest: Option<String>,
    /// `count × dim`, distance, queries and ground-truth depth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vectors: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<String>,
}

impl DatasetInfo {
    /// `("vectors", "10000 × 128, …")`, then the graph and the keys, for those present.
    pub fn parts(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("vectors", &self.vectors),
            ("graph", &self.graph),
            ("keys", &self.keys),
        ]
        .into_iter()
        .filter_map(|(what, text)| text.as_deref().map(|t| (what, t)))
    }

    /// Describes `d`; computes the vector digest (a pass over the data) when asked.
    #[must_use]
    pub fn of(d: &crate::dataset::Dataset, digest: bool) -> Self {
        let access = |a: &crate::dataset::Access, skewed: &'static str| match a {
            crate::dataset::Access::Uniform => "uniform",
            crate::dataset::Access::Zipf(_) => skewed,
        };
        Self {
            vectors_digest: d
                .vectors
                .as_ref()
                .filter(|_| digest)
                .map(|v| v.digest().to_owned()),
            vectors: d.vectors.as_ref().map(|v| {
                format!(
                    "{} × {}, {}, {} queries, k = {}",
                    v.count(),
                    v.dim(),
                    v.distance.as_str(),
                    v.query_count(),
                    v.k
                )
            }),
            graph: d.graph.as_ref().map(|g| {
                format!(
                    "{} nodes, {} edges, {} targets",
                    g.nodes,
                    g.edges(),
                    access(&g.targets, "power-law")
                )
            }),
            keys: d.keys.as_ref().map(|k| {
                format!(
                    "{} keys, {} access, {}-byte values",
                    k.count,
                    access(&k.access, "zipfian"),
                    k.value_size
                )
            }),
        }
    }
}
