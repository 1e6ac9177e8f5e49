//! The GitHub REST client: octocrab underneath, with retries and actionable errors.

use std::time::Duration;

use http_body_util::BodyExt;
use octocrab::Octocrab;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// An API call that failed for good.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("GitHub API {method} {path}: HTTP {status}: {message}{}", hint.as_ref().map(|h| format!("\n  hint: {h}")).unwrap_or_default())]
    Status {
        method: &'static str,
        path: String,
        status: u16,
        /// What the status (and headers) say went wrong.
        kind: Refusal,
        message: String,
        hint: Option<String>,
    },
    #[error("GitHub API {method} {path}: {message} (after {attempts} attempt(s))")]
    Transport {
        method: &'static str,
        path: String,
        message: String,
        attempts: u32,
    },
    #[error("GitHub API {method} {path}: unexpected response: {message}")]
    Decode {
        method: &'static str,
        path: String,
        message: String,
    },
    #[error("cannot set up the GitHub client for {api_url}: {message}")]
    Setup { api_url: String, message: String },
}

/// Why GitHub refused a request, from its status and headers (never from message text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 401: the token was refused.
    Unauthorized,
    /// 403 without rate-limit headers: the token lacks a permission.
    Forbidden,
    /// 404: no such repository or resource, or one the token cannot see.
    NotFound,
    /// 422: GitHub did not accept the request body (e.g. too long).
    Unprocessable,
    /// 403 or 429 with `Retry-After` or `X-RateLimit-Remaining: 0`.
    RateLimited,
    /// 5xx.
    Server,
    Other,
}

impl Refusal {
    /// Classifies a status with the rate-limit headers GitHub sends.
    #[must_use]
    pub fn of(status: u16, retry_after: bool, remaining_zero: bool) -> Self {
        match status {
            401 => Refusal::Unauthorized,
            403 | 429 if retry_after || remaining_zero => Refusal::RateLimited,
            429 => Refusal::RateLimited,
            403 => Refusal::Forbidden,
            404 => Refusal::NotFound,
            422 => Refusal::Unprocessable,
            500..=599 => Refusal::Server,
            _ => Refusal::Other,
        }
    }

    /// Whether the same request may succeed later.
    #[must_use]
    pub fn retryable(self) -> bool {
        matches!(self, Refusal::RateLimited | Refusal::Server)
    }
}

impl ApiError {
    /// Whether a request that failed this way may still have been carried out (a timeout, a
    /// dropped connection, a 5xx): a create must look before it tries again.
    #[must_use]
    pub fn ambiguous(&self) -> bool {
        match self {
            ApiError::Transport { .. } => true,
            ApiError::Status { kind, .. } => *kind == Refusal::Server,
            _ => false,
        }
    }
}

/// Retry policy.
#[derive(Clone, Debug)]
pub struct Retry {
    pub attempts: u32,
    pub backoff: Duration,
    /// Longest wait honoured from `Retry-After` or the rate-limit reset.
    pub max_wait: Duration,
    /// Longest wait for one answer (connection, request and whole response): an API that
    /// accepts the connection and never answers does not hang the job.
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 5,
            backoff: Duration::from_secs(1),
            max_wait: Duration::from_secs(120),
            timeout: Duration::from_secs(30),
        }
    }
}

/// A client for one repository.
pub struct Client {
    octo: Octocrab,
    /// `owner/name`.
    pub repository: String,
    retry: Retry,
    /// Who the token is (`GET /user`), once asked; `None` when the token cannot say (the
    /// Actions token, an app's token).
    me: tokio::sync::OnceCell<Option<String>>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Comment {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub user: Option<User>,
}

/// The author of a comment or issue.
#[derive(Clone, Debug, Deserialize)]
pub struct User {
    pub login: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Issue {
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    /// Present when the "issue" is a pull request.
    #[serde(default)]
    pub pull_request: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
}

enum Method {
    Get,
    Post,
    Patch,
}

impl Method {
    fn as_str(&self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
        }
    }
}

/// The `permissions:` a workflow needs for a call that was refused; `accepted` is GitHub's
/// `X-Accepted-GitHub-Permissions` header when it sent one.
fn permission_hint(method: &'static str, path: &str, accepted: Option<&str>) -> String {
    let path = path.split('?').next().unwrap_or(path);
    let scope = if path.contains("/pulls/")
        || (path.contains("/issues/") && path.ends_with("/comments"))
        || path.contains("/issues/comments/")
    {
        "pull-requests: write` and `issues: write"
    } else if path.contains("/issues") {
        "issues: write"
    } else {
        "contents: read"
    };
    let needs = accepted
        .map(|a| format!(" (GitHub accepts: {a})"))
        .unwrap_or_default();
    format!("the workflow token may not {method} {path}: give the job `permissions:` with `{scope}`{needs} (fork pull requests get a read-only token: see docs/security.md)")
}

impl Client {
    /// A client for `repository` at `api_url` (GitHub Enterprise Server: `https://HOST/api/v3`).
    /// Call it inside a Tokio runtime (octocrab spawns its request buffer there).
    ///
    /// # Errors
    /// [`ApiError::Setup`] for a malformed URL.
    pub fn new(
        api_url: &str,
        token: &str,
        repository: &str,
        retry: Retry,
    ) -> Result<Self, ApiError> {
        let setup = |message: String| ApiError::Setup {
            api_url: api_url.to_owned(),
            message,
        };
        let octo = Octocrab::builder()
            .base_uri(api_url)
            .map_err(|e| setup(e.to_string()))?
            .personal_token(token.to_owned())
            .add_header(http::header::ACCEPT, "application/json".to_owned())
            .add_header(
                http::header::USER_AGENT,
                concat!("benchbot/", env!("CARGO_PKG_VERSION")).to_owned(),
            )
            .add_header(
                http::header::HeaderName::from_static("x-github-api-version"),
                "2022-11-28".to_owned(),
            )
            .build()
            .map_err(|e| setup(e.to_string()))?;
        Ok(Self {
            octo,
            repository: repository.to_owned(),
            retry,
            me: tokio::sync::OnceCell::new(),
        })
    }

    /// The token's login (`GET /user`), or `None` when the token cannot say who it is (the
    /// Actions `GITHUB_TOKEN` and app tokens are refused there).
    pub async fn me(&self) -> Option<&str> {
        self.me
            .get_or_init(|| async {
                #[derive(Deserialize)]
                struct Me {
                    login: String,
                }
                self.send::<(), Me>(Method::Get, "/user", None)
                    .await
                    .ok()
                    .map(|m| m.login)
            })
            .await
            .as_deref()
    }

    /// Whether `c` was written by this token: its login when the token has one, else a bot
    /// account (what the Actions token and apps post as). A comment a person wrote, whatever
    /// it contains, is never taken for ours.
    pub async fn wrote(&self, author: Option<&User>) -> bool {
        let Some(a) = author else { return false };
        match self.me().await {
            Some(login) => a.login == login,
            None => a.kind.as_deref() == Some("Bot"),
        }
    }

    /// `/repos/{owner}/{repo}` + `rest`.
    #[must_use]
    pub fn repo_path(&self, rest: &str) -> String {
        format!("/repos/{}{rest}", self.repository)
    }

    /// One request with the whole exchange under the timeout: (status, headers, body), or
    /// what went wrong on the way.
    async fn attempt<B: Serialize + ?Sized>(
        &self,
        method: &Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(u16, http::HeaderMap, bytes::Bytes), String> {
        tokio::time::timeout(self.retry.timeout, async {
            let resp = match method {
                Method::Get => self.octo._get(path).await,
                Method::Post => self.octo._post(path, body).await,
                Method::Patch => self.octo._patch(path, body).await,
            }
            .map_err(|e| e.to_string())?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let bytes = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            Ok((status, headers, bytes))
        })
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "no complete answer within {:?}",
                self.retry.timeout
            ))
        })
    }

    async fn send<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, ApiError> {
        let m = method.as_str();
        // A create is not repeated blindly: the caller looks for what a failed attempt may
        // have created (`ApiError::ambiguous`). Reads and edits are safe to repeat.
        let idempotent = !matches!(method, Method::Post);
        let mut delay = self.retry.backoff;
        for attempt in 1..=self.retry.attempts {
            let answered = self.attempt(&method, path, body).await;
            let (status, headers, bytes) = match answered {
                Ok(a) => a,
                Err(message) => {
                    if idempotent && attempt < self.retry.attempts {
                        tokio::time::sleep(delay.min(self.retry.max_wait)).await;
                        delay *= 2;
                        continue;
                    }
                    return Err(ApiError::Transport {
                        method: m,
                        path: path.to_owned(),
                        message,
                        attempts: attempt,
                    });
                }
            };
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let retry_after = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
            let remaining = header("x-ratelimit-remaining");
            let reset = header("x-ratelimit-reset").and_then(|v| v.parse::<i64>().ok());
            let accepted = header("x-accepted-github-permissions");
            if (200..300).contains(&status) {
                let text = if bytes.is_empty() {
                    b"null".as_slice()
                } else {
                    &bytes
                };
                return serde_json::from_slice(text).map_err(|e| ApiError::Decode {
                    method: m,
                    path: path.to_owned(),
                    message: e.to_string(),
                });
            }
            let message = serde_json::from_slice::<ErrorBody>(&bytes)
                .ok()
                .and_then(|b| b.message)
                .unwrap_or_else(|| String::from_utf8_lossy(&bytes).chars().take(300).collect());
            let refusal = Refusal::of(
                status,
                retry_after.is_some(),
                remaining.as_deref() == Some("0"),
            );
            // A rate-limited request was not carried out; a failed create may have been.
            let again = refusal == Refusal::RateLimited || (idempotent && refusal.retryable());
            if again && attempt < self.retry.attempts {
                let wait = match (retry_after, reset) {
                    (Some(s), _) => Duration::from_secs(s),
                    (None, Some(r)) if remaining.as_deref() == Some("0") => Duration::from_secs(
                        u64::try_from(r - chrono::Utc::now().timestamp())
                            .unwrap_or(0)
                            .max(1),
                    ),
                    _ => delay,
                };
                tokio::time::sleep(wait.min(self.retry.max_wait)).await;
                delay *= 2;
                continue;
            }
            let hint = match refusal {
                Refusal::Forbidden => Some(permission_hint(m, path, accepted.as_deref())),
                Refusal::Unauthorized => Some(
                    "the token was refused: check the `github-token` input or GITHUB_TOKEN"
                        .to_owned(),
                ),
                Refusal::NotFound => Some(format!(
                    "is the repository `{}` right (GITHUB_REPOSITORY), and can the token see it? A token without access to a private repository gets 404, not 403",
                    self.repository
                )),
                _ => None,
            };
            return Err(ApiError::Status {
                method: m,
                path: path.to_owned(),
                status,
                kind: refusal,
                message,
                hint,
            });
        }
        unreachable!("the last attempt returns")
    }

    /// Every page of a list endpoint (100 per page).
    async fn list<R: DeserializeOwned>(&self, path: &str) -> Result<Vec<R>, ApiError> {
        let mut out = Vec::new();
        let sep = if path.contains('?') { '&' } else { '?' };
        for page in 1.. {
            let items: Vec<R> = self
                .send::<(), _>(
                    Method::Get,
                    &format!("{path}{sep}per_page=100&page={page}"),
                    None,
                )
                .await?;
            let n = items.len();
            out.extend(items);
            if n < 100 || page >= 1000 {
                break;
            }
        }
        Ok(out)
    }

    /// All comments of issue or pull request `number`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn comments(&self, number: u64) -> Result<Vec<Comment>, ApiError> {
        self.list(&self.repo_path(&format!("/issues/{number}/comments")))
            .await
    }

    /// # Errors
    /// [`ApiError`].
    pub async fn create_comment(&self, number: u64, body: &str) -> Result<Comment, ApiError> {
        self.send(
            Method::Post,
            &self.repo_path(&format!("/issues/{number}/comments")),
            Some(&serde_json::json!({ "body": body })),
        )
        .await
    }

    /// Edits a comment with `PATCH`, as the API documents.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn update_comment(&self, id: u64, body: &str) -> Result<Comment, ApiError> {
        self.send(
            Method::Patch,
            &self.repo_path(&format!("/issues/comments/{id}")),
            Some(&serde_json::json!({ "body": body })),
        )
        .await
    }

    /// The head commit of pull request `number`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn pull_head(&self, number: u64) -> Result<String, ApiError> {
        #[derive(Deserialize)]
        struct Head {
            sha: String,
        }
        #[derive(Deserialize)]
        struct Pull {
            head: Head,
        }
        let p: Pull = self
            .send::<(), _>(
                Method::Get,
                &self.repo_path(&format!("/pulls/{number}")),
                None,
            )
            .await?;
        Ok(p.head.sha)
    }

    /// Issues (not pull requests) carrying `label`, in `state` (`open`, `closed`, `all`).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn issues_with_label(
        &self,
        label: &str,
        state: &str,
    ) -> Result<Vec<Issue>, ApiError> {
        let label: String = label
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let all: Vec<Issue> = self
            .list(&self.repo_path(&format!("/issues?labels={label}&state={state}")))
            .await?;
        Ok(all
            .into_iter()
            .filter(|i| i.pull_request.is_none())
            .collect())
    }

    /// # Errors
    /// [`ApiError`].
    pub async fn create_issue(
        &self,
        title: &str,
        body: &str,
        labels: &[&str],
    ) -> Result<Issue, ApiError> {
        self.send(
            Method::Post,
            &self.repo_path("/issues"),
            Some(&serde_json::json!({ "title": title, "body": body, "labels": labels })),
        )
        .await
    }

    /// Creates an issue from a raw JSON body (tests use it to check the stand-in refuses bad input).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn create_issue_raw(&self, body: &serde_json::Value) -> Result<Issue, ApiError> {
        self.send(Method::Post, &self.repo_path("/issues"), Some(body))
            .await
    }

    /// # Errors
    /// [`ApiError`].
    pub async fn update_issue(
        &self,
        number: u64,
        title: &str,
        body: &str,
    ) -> Result<Issue, ApiError> {
        self.send(
            Method::Patch,
            &self.repo_path(&format!("/issues/{number}")),
            Some(&serde_json::json!({ "title": title, "body": body })),
        )
        .await
    }
}
