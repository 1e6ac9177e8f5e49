//! The PostgreSQL driver's tables in a scenario file.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::util::Dur;

/// `[target.postgres]`: PostgreSQL over its wire protocol (tokio-postgres), one connection per worker.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PostgresTarget {
    /// libpq-style `host=127.0.0.1 port={{port}} user=postgres dbname=postgres` or a `postgres://` URL.
    pub url: String,
    /// Statements run once before the target's first repetition (and after every restart in
    /// cold mode); not timed.
    #[serde(default)]
    pub setup: Vec<String>,
    /// Statements run on every new connection before its statements are prepared (e.g.
    /// `SET hnsw.ef_search = 100`), so every prepared plan sees them.
    #[serde(default)]
    pub session: Vec<String>,
    /// Per-statement timeout (default `30s`).
    pub timeout: Option<Dur>,
}

/// `[operation.postgres]`: a statement, prepared once per connection, with bound parameters.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PostgresOperation {
    /// SQL with `$1`, `$2`… placeholders (never string-spliced).
    pub sql: String,
    /// Templates for the parameters, converted to each parameter's type (integers, floats,
    /// text, booleans; cast in SQL, e.g. `$1::vector`, for other types).
    #[serde(default)]
    pub params: Vec<String>,
}
