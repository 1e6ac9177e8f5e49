//! The HTTP driver's tables in a scenario file.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::util::Dur;

/// `[target.http]`: an HTTP/1.1 API reached over a keep-alive connection pool.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HttpTarget {
    /// `http://host:port` or `https://host:port` (may use `{{port}}` of the managed service).
    pub base_url: String,
    /// `https://`: a PEM file of the certificate authorities to trust instead of the system's
    /// (relative to the scenario file).
    pub ca_file: Option<std::path::PathBuf>,
    /// `https://`: accept any certificate (a test server's self-signed one). The traffic is
    /// encrypted, the server is not authenticated: for test servers only.
    #[serde(default)]
    pub insecure: bool,
    /// Headers sent with every request.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Per-request timeout (default `30s`).
    pub timeout: Option<Dur>,
    /// Requests sent once before the target's first repetition, in order.
    #[serde(default)]
    pub setup: Vec<HttpSetup>,
}

/// One `[[target.http.setup]]` request, sent once before the target's first repetition.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HttpSetup {
    /// Default `POST`.
    pub method: Option<String>,
    /// An absolute path on the base URL's host (setup may create what `base-url` points into).
    pub path: String,
    pub body: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Statuses that count as success (default: any 2xx).
    pub expect_status: Option<Vec<u16>>,
    /// Values taken from the JSON response by JSON pointer (RFC 6901), e.g.
    /// `{ collection = "/id" }`, then usable as `{{collection}}` in `base-url`, headers,
    /// the ingest request and later setup requests.
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
}

/// `[operation.http]`: the request, with `{{…}}` placeholders.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HttpOperation {
    /// Default `GET`.
    pub method: Option<String>,
    /// Path and query, starting with `/`.
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    /// Statuses that count as success (default: any 2xx).
    pub expect_status: Option<Vec<u16>>,
    /// JSON pointer (RFC 6901) to the array of returned ids in the response, e.g. `/ids/0`
    /// (elements: integers, strings holding them, or objects with an `id` member); needed by
    /// `recall`.
    pub ids: Option<String>,
    /// Checks of the response after its status: a failed check is an error of kind `check`,
    /// counted and named in the report.
    #[serde(default)]
    pub check: Vec<HttpCheck>,
    /// Values taken from the response into this virtual user's variables, usable as
    /// `{{vu.NAME}}` in later requests of the same virtual user: `NAME = "/json/pointer"` or
    /// `NAME = "header:Header-Name"`.
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
}

/// One `[[operation.http.check]]`: a part of the response (`json` pointer or `header`) and
/// what it must be (`equals`, `exists` or `matches`).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HttpCheck {
    /// A JSON pointer (RFC 6901) into the response body, e.g. `/status` or `/items/0/id`.
    pub json: Option<String>,
    /// A response header, by name (case-insensitive).
    pub header: Option<String>,
    /// The value it must equal: a string, number or boolean (JSON values compare as JSON).
    pub equals: Option<serde_json::Value>,
    /// Whether it must be present (`true`) or absent (`false`).
    pub exists: Option<bool>,
    /// A regular expression its text must match (strings unquoted; other JSON values as JSON).
    pub matches: Option<String>,
}

/// `[target.ingest.http]`: the request sent per batch (inline: `http = { path = …, body = … }`).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[schemars(rename = "IngestHttp")]
pub struct LoadHttp {
    /// Default `POST`.
    pub method: Option<String>,
    /// Relative to the target's `base-url`.
    pub path: String,
    pub body: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}
