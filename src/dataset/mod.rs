//! Deterministic datasets from a seed (`[dataset.vectors]`, `[dataset.graph]`,
//! `[dataset.keys]`), vectors read from files, and exact ground truth for recall.
//!
//! Every generator is random access: row `i` is a function of the seed and `i` only, so a
//! dataset is the same on every machine and thread count, and datasets larger than memory
//! stream through ingest and ground truth. The algorithms are in `docs/datasets.md`.

#[expect(
    clippy::module_inception,
    reason = "the dataset type lives in a file of its name"
)]
mod dataset;
mod error;
pub mod files;
pub mod graph;
mod parallel;
mod recall;
pub mod truth;
pub mod vectors;

pub use dataset::{Dataset, Estimate, RowKind};
pub use error::DatasetError;
pub use graph::{Access, Graph, Keys};
pub use parallel::parallel_chunks;
pub use recall::recall_precision;
pub use truth::Truth;
pub use vectors::{Distance, Synthetic, Vectors};
