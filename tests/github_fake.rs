//! Publishing behaviour against a stateful in-process GitHub fake on 127.0.0.1 whose responses
//! follow the shapes of the `OpenAPI` description's examples (Prism, which checks every request
//! against the description, is stateless; see `github_prism.rs`).

mod common;

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use benchbot::github::publish::{
    comment_marker, quarterly_issue, sticky_comment, task_issue, CommentAction,
};
use benchbot::github::{ApiError, Client, CommentOn, Findings, Retry};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use serde_json::{json, Value};

#[derive(Default)]
struct State {
    /// (id, issue, body, author login): what the token posts is `github-actions[bot]`'s, as
    /// with the Actions token (which `GET /user` refuses, like this fake's 404).
    comments: Vec<(u64, u64, String, String)>,
    issues: Vec<Value>,
    next_id: u64,
    /// Scripted answers served before normal handling: (status, retry-after, message);
    /// status 0 never answers.
    script: VecDeque<(u16, Option<u64>, String)>,
    /// Statuses served *after* the next write was carried out (a 502 from a proxy after GitHub
    /// stored the comment).
    after_write: VecDeque<u16>,
    log: Vec<String>,
}

const BOT: &str = "github-actions[bot]";

fn comment_json(id: u64, issue: u64, body: &str, author: &str) -> Value {
    let kind = if author.ends_with("[bot]") {
        "Bot"
    } else {
        "User"
    };
    json!({
        "id": id, "node_id": "MDEyOklzc3VlQ29tbWVudDE=", "url": format!("https://api.github.com/repos/o/r/issues/comments/{id}"),
        "html_url": format!("https://github.com/o/r/issues/{issue}#issuecomment-{id}"), "body": body,
        "user": { "login": author, "id": 1, "type": kind }, "created_at": "2026-11-01T00:00:00Z",
        "updated_at": "2026-11-01T00:00:00Z", "issue_url": format!("https://api.github.com/repos/o/r/issues/{issue}"),
        "author_association": "COLLABORATOR"
    })
}

fn query(q: &str, key: &str) -> Option<String> {
    q.split('&').find_map(|kv| {
        kv.split_once('=')
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.replace("%2D", "-"))
    })
}

fn page<T: Clone>(items: &[T], q: &str) -> Vec<T> {
    let per: usize = query(q, "per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let p: usize = query(q, "page").and_then(|v| v.parse().ok()).unwrap_or(1);
    items
        .iter()
        .skip((p - 1) * per)
        .take(per)
        .cloned()
        .collect()
}

#[expect(
    clippy::too_many_lines,
    reason = "one end-to-end story reads best in one test"
)]
async fn handle(
    state: Arc<Mutex<State>>,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let q = req.uri().query().unwrap_or("").to_owned();
    let body: Value = serde_json::from_slice(
        &req.into_body()
            .collect()
            .await
            .map(http_body_util::Collected::to_bytes)
            .unwrap_or_default(),
    )
    .unwrap_or(Value::Null);
    let hang = {
        let mut s = state.lock().unwrap();
        s.log.push(format!("{method} {path}"));
        let hang = matches!(s.script.front(), Some((0, _, _)));
        if hang {
            s.script.pop_front();
        }
        hang
    };
    if hang {
        tokio::time::sleep(Duration::from_secs(30)).await;
        return Ok(Response::new(Full::new(Bytes::new())));
    }
    let mut s = state.lock().unwrap();
    let reply = |status: u16, v: Value| {
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(v.to_string())))
            .unwrap()
    };
    if let Some((status, retry_after, message)) = s.script.pop_front() {
        let mut r = Response::builder()
            .status(status)
            .header("content-type", "application/json");
        if let Some(ra) = retry_after {
            r = r.header("retry-after", ra.to_string());
        }
        return Ok(r
            .body(Full::new(Bytes::from(
                json!({ "message": message, "documentation_url": "https://docs.github.com/rest" })
                    .to_string(),
            )))
            .unwrap());
    }
    let parts: Vec<&str> = path.trim_start_matches("/repos/o/r/").split('/').collect();
    let resp = match (method.as_str(), parts.as_slice()) {
        ("GET", ["issues", n, "comments"]) => {
            let n: u64 = n.parse().unwrap();
            let all: Vec<Value> = s
                .comments
                .iter()
                .filter(|c| c.1 == n)
                .map(|c| comment_json(c.0, c.1, &c.2, &c.3))
                .collect();
            reply(200, Value::Array(page(&all, &q)))
        }
        ("POST", ["issues", n, "comments"]) => {
            s.next_id += 1;
            let (id, n) = (s.next_id, n.parse().unwrap());
            let b = body["body"].as_str().unwrap().to_owned();
            s.comments.push((id, n, b.clone(), BOT.into()));
            reply(201, comment_json(id, n, &b, BOT))
        }
        ("PATCH", ["issues", "comments", id]) => {
            let id: u64 = id.parse().unwrap();
            let b = body["body"].as_str().unwrap().to_owned();
            let c = s.comments.iter_mut().find(|c| c.0 == id).unwrap();
            c.2.clone_from(&b);
            let (n, author) = (c.1, c.3.clone());
            reply(200, comment_json(id, n, &b, &author))
        }
        ("GET", ["issues"]) => {
            let label = query(&q, "labels").unwrap_or_default();
            let state_q = query(&q, "state").unwrap_or_else(|| "open".into());
            let all: Vec<Value> = s
                .issues
                .iter()
                .filter(|i| {
                    i["labels"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|l| l["name"] == label.as_str())
                })
                .filter(|i| state_q == "all" || i["state"] == state_q.as_str())
                .cloned()
                .collect();
            reply(200, Value::Array(page(&all, &q)))
        }
        ("POST", ["issues"]) => {
            s.next_id += 1;
            let n = s.next_id;
            let issue = json!({
                "id": n, "node_id": "MDU6SXNzdWUx", "number": n, "title": body["title"], "body": body["body"], "state": "open",
                "labels": body["labels"].as_array().unwrap().iter().map(|l| json!({ "name": l })).collect::<Vec<_>>(),
                "user": { "login": "octocat", "id": 1 }, "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z"
            });
            s.issues.push(issue.clone());
            reply(201, issue)
        }
        ("PATCH", ["issues", n]) => {
            let n: u64 = n.parse().unwrap();
            let i = s.issues.iter_mut().find(|i| i["number"] == n).unwrap();
            i["title"] = body["title"].clone();
            i["body"] = body["body"].clone();
            reply(200, i.clone())
        }
        _ => reply(404, json!({ "message": "Not Found" })),
    };
    if method != "GET" {
        if let Some(status) = s.after_write.pop_front() {
            return Ok(reply(status, json!({ "message": "Bad Gateway" })));
        }
    }
    Ok(resp)
}

struct Fake {
    state: Arc<Mutex<State>>,
    url: String,
}

async fn fake() -> Fake {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = Arc::new(Mutex::new(State {
        next_id: 1000,
        ..State::default()
    }));
    let st = Arc::clone(&state);
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let st = Arc::clone(&st);
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| handle(Arc::clone(&st), req));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Fake { state, url }
}

fn client(f: &Fake) -> Client {
    Client::new(
        &f.url,
        "test-token",
        "o/r",
        Retry {
            attempts: 4,
            backoff: Duration::from_millis(10),
            max_wait: Duration::from_secs(3),
            timeout: Duration::from_millis(500),
        },
    )
    .unwrap()
}

const REGRESSION: Findings = Findings {
    regression: true,
    change: true,
    failed: false,
    unjudged: false,
};
const CLEAN: Findings = Findings {
    regression: false,
    change: false,
    failed: false,
    unjudged: false,
};

#[tokio::test]
async fn one_sticky_comment_created_updated_then_resolved() {
    let f = fake().await;
    let c = client(&f);
    let post = |findings, report: &'static str| {
        let c = &c;
        async move {
            sticky_comment(
                c,
                7,
                "main-suite",
                CommentOn::Regression,
                findings,
                report,
                "resolved",
            )
            .await
            .unwrap()
        }
    };
    assert!(
        matches!(post(CLEAN, "r0").await.0, CommentAction::Nothing),
        "nothing to say, nothing posted"
    );
    assert!(matches!(
        post(REGRESSION, "r1").await.0,
        CommentAction::Create(_)
    ));
    assert!(matches!(
        post(REGRESSION, "r2").await.0,
        CommentAction::Update(..)
    ));
    assert!(
        matches!(post(CLEAN, "r3").await.0, CommentAction::Update(..)),
        "a clean run edits the comment to resolved"
    );
    let before = f.state.lock().unwrap().log.len();
    assert!(
        matches!(post(CLEAN, "r4").await.0, CommentAction::Nothing),
        "already resolved"
    );
    let s = f.state.lock().unwrap();
    assert_eq!(s.log.len(), before + 1, "only the listing, no edit");
    assert_eq!(s.comments.len(), 1, "never a second comment");
    assert!(
        s.comments[0].2.starts_with(&comment_marker("main-suite"))
            && s.comments[0].2.ends_with("resolved")
    );
}

#[tokio::test]
async fn the_sticky_comment_is_found_beyond_the_first_page() {
    let f = fake().await;
    {
        let mut s = f.state.lock().unwrap();
        for i in 0..150u64 {
            let body = if i == 130 {
                format!("{}\nold report", comment_marker("default"))
            } else {
                format!("comment {i}")
            };
            s.comments.push((i + 1, 9, body, BOT.into()));
        }
    }
    let (action, id) = sticky_comment(
        &client(&f),
        9,
        "default",
        CommentOn::Regression,
        REGRESSION,
        "new report",
        "ok",
    )
    .await
    .unwrap();
    assert!(
        matches!(action, CommentAction::Update(131, _)),
        "{action:?}"
    );
    assert_eq!(id, Some(131));
    let s = f.state.lock().unwrap();
    assert_eq!(s.comments.len(), 150);
    assert!(s.comments[130].2.ends_with("new report"));
    assert!(
        s.log.iter().filter(|l| l.starts_with("GET")).count() >= 2,
        "paginated: {:?}",
        s.log
    );
}

#[tokio::test]
async fn the_quarterly_issue_is_updated_not_duplicated_and_tasks_are_deduplicated() {
    let f = fake().await;
    let c = client(&f);
    let (created, n) = quarterly_issue(&c, "2026-Q4", "benchbot-quarterly", "first")
        .await
        .unwrap();
    assert!(created);
    let (created, n2) = quarterly_issue(&c, "2026-Q4", "benchbot-quarterly", "second")
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(n, n2);
    let (created, n3) = quarterly_issue(&c, "2027-Q1", "benchbot-quarterly", "next quarter")
        .await
        .unwrap();
    assert!(created && n3 != n);
    assert_eq!(f.state.lock().unwrap().issues.len(), 2);
    assert!(f.state.lock().unwrap().issues[0]["body"]
        .as_str()
        .unwrap()
        .ends_with("second"));

    assert!(
        task_issue(&c, "s/op/p99", "Close the gap", "benchbot-task", "body")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        task_issue(&c, "s/op/p99", "Close the gap", "benchbot-task", "body")
            .await
            .unwrap()
            .is_none(),
        "an open one exists"
    );
    // Once closed, a persisting gap opens a new task.
    f.state.lock().unwrap().issues.last_mut().unwrap()["state"] = "closed".into();
    assert!(
        task_issue(&c, "s/op/p99", "Close the gap", "benchbot-task", "body")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried_honouring_retry_after() {
    let f = fake().await;
    f.state.lock().unwrap().script.extend([
        (502, None, "Bad Gateway".into()),
        (429, Some(1), "Too Many Requests".into()),
        (
            403,
            Some(1),
            "You have exceeded a secondary rate limit".into(),
        ),
    ]);
    let start = Instant::now();
    let (action, _) = sticky_comment(
        &client(&f),
        3,
        "default",
        CommentOn::Always,
        CLEAN,
        "report",
        "ok",
    )
    .await
    .unwrap();
    assert!(matches!(action, CommentAction::Create(_)));
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "waited Retry-After twice: {:?}",
        start.elapsed()
    );
    assert_eq!(f.state.lock().unwrap().comments.len(), 1);
}

#[tokio::test]
async fn a_forbidden_integration_names_the_missing_permissions() {
    let f = fake().await;
    f.state.lock().unwrap().script.push_back((
        403,
        None,
        "Resource not accessible by integration".into(),
    ));
    let err = sticky_comment(
        &client(&f),
        3,
        "default",
        CommentOn::Always,
        REGRESSION,
        "report",
        "ok",
    )
    .await
    .unwrap_err();
    let ApiError::Status {
        status: 403,
        hint: Some(hint),
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert!(
        hint.contains("permissions:") && hint.contains("pull-requests: write"),
        "{hint}"
    );
    assert!(
        err.to_string().contains("GET /repos/o/r/issues/3/comments"),
        "{err}"
    );
}

#[tokio::test]
async fn a_comment_someone_else_planted_with_the_marker_is_never_edited() {
    let f = fake().await;
    let planted = format!("{}\nI am the bot now", comment_marker("default"));
    f.state
        .lock()
        .unwrap()
        .comments
        .push((1, 5, planted.clone(), "mallory".into()));
    let (action, id) = sticky_comment(
        &client(&f),
        5,
        "default",
        CommentOn::Regression,
        REGRESSION,
        "report",
        "ok",
    )
    .await
    .unwrap();
    assert!(matches!(action, CommentAction::Create(_)), "{action:?}");
    let s = f.state.lock().unwrap();
    assert_eq!(
        s.comments[0].2, planted,
        "the author's comment is untouched"
    );
    assert_eq!(s.comments.len(), 2);
    assert_eq!(id, Some(s.comments[1].0));
}

#[tokio::test]
async fn a_create_that_failed_after_it_was_stored_is_not_duplicated() {
    let f = fake().await;
    f.state.lock().unwrap().after_write.push_back(502);
    let (action, id) = sticky_comment(
        &client(&f),
        4,
        "default",
        CommentOn::Regression,
        REGRESSION,
        "report",
        "ok",
    )
    .await
    .unwrap();
    assert!(matches!(action, CommentAction::Create(_)));
    {
        let s = f.state.lock().unwrap();
        assert_eq!(s.comments.len(), 1, "one comment: {:?}", s.log);
        assert_eq!(id, Some(s.comments[0].0));
        assert_eq!(
            s.log.iter().filter(|l| l.starts_with("POST")).count(),
            1,
            "looked before posting again: {:?}",
            s.log
        );
    }

    // The same for the quarterly issue.
    f.state.lock().unwrap().after_write.push_back(502);
    let c = client(&f);
    let (created, _) = quarterly_issue(&c, "2026-Q4", "benchbot-quarterly", "body")
        .await
        .unwrap();
    assert!(created);
    assert_eq!(f.state.lock().unwrap().issues.len(), 1);
}

#[tokio::test]
async fn an_api_that_never_answers_times_out_and_is_retried() {
    let f = fake().await;
    f.state
        .lock()
        .unwrap()
        .script
        .push_back((0, None, String::new()));
    let start = Instant::now();
    let (action, _) = sticky_comment(
        &client(&f),
        6,
        "default",
        CommentOn::Always,
        REGRESSION,
        "report",
        "ok",
    )
    .await
    .unwrap();
    assert!(matches!(action, CommentAction::Create(_)));
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "the hung listing was abandoned, not awaited: {:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_named_and_404_says_where_to_look() {
    // Nothing listens on this port once the listener is dropped.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::new(
        &format!("http://127.0.0.1:{port}"),
        "t",
        "o/r",
        Retry {
            attempts: 3,
            backoff: Duration::from_millis(5),
            max_wait: Duration::from_secs(1),
            timeout: Duration::from_secs(2),
        },
    )
    .unwrap();
    let err = c.comments(1).await.unwrap_err();
    assert!(
        matches!(err, ApiError::Transport { attempts: 3, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("after 3 attempt(s)"), "{err}");

    let f = fake().await;
    f.state
        .lock()
        .unwrap()
        .script
        .push_back((404, None, "Not Found".into()));
    let err = client(&f).comments(1).await.unwrap_err();
    assert!(
        err.to_string().contains("can the token see it") && err.to_string().contains("o/r"),
        "{err}"
    );
}

/// Every body has a bound: a quarterly review of thousands of rows fits GitHub's limit and
/// says where the rest is, at most `--max-task-issues` task issues open per run, and task
/// file names stay short whatever the names.
#[tokio::test(flavor = "multi_thread")]
async fn bodies_task_issues_and_file_names_are_bounded() {
    use benchbot::scenario::{Kind, Role};
    let f = fake().await;
    let long = "n".repeat(60);
    let ops: Vec<String> = (0..2500).map(|i| format!("op-{i}-{long}")).collect();
    let rows: Vec<common::Row<'_>> = ops
        .iter()
        .flat_map(|o| {
            [
                (
                    "ours",
                    Role::Ours,
                    o.as_str(),
                    &[15.0, 15.1, 14.9][..],
                    &[60.0; 3][..],
                ),
                (
                    "rival",
                    Role::Competitor,
                    o.as_str(),
                    &[10.0, 10.1, 9.9][..],
                    &[100.0; 3][..],
                ),
            ]
        })
        .collect();
    let rec = common::record(Kind::Competitive, "big", &rows);
    let comparisons = vec![benchbot::verdict::compare(&rec, None)];
    let dir = tempfile::tempdir().unwrap();
    let report = common::write(
        dir.path(),
        "latest.json",
        &benchbot::report::json(&comparisons).unwrap(),
    );
    let out = dir.path().join("out");
    let url = f.url.clone();
    let (report2, out2) = (report.clone(), out.clone());
    let summary = dir.path().join("summary.md");
    let summary2 = summary.clone();
    let o = tokio::task::spawn_blocking(move || {
        common::benchbot_std()
            .args(["publish", "--report"])
            .arg(&report2)
            .arg("--out")
            .arg(&out2)
            .args(["--quarterly", "--quarter", "2026-Q4", "--task-issues"])
            .env("GITHUB_API_URL", url)
            .env("GITHUB_TOKEN", "t")
            .env("GITHUB_REPOSITORY", "o/r")
            .env("GITHUB_STEP_SUMMARY", &summary2)
            .env_remove("GITHUB_EVENT_NAME")
            .env_remove("GITHUB_EVENT_PATH")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("issues for the first 5"), "{stderr}");
    let s = f.state.lock().unwrap();
    let quarterly: Vec<&Value> = s
        .issues
        .iter()
        .filter(|i| {
            i["title"]
                .as_str()
                .unwrap()
                .starts_with("Competitive review")
        })
        .collect();
    assert_eq!(quarterly.len(), 1);
    let body = quarterly[0]["body"].as_str().unwrap();
    assert!(body.chars().count() <= 65_536, "{}", body.chars().count());
    assert!(body.contains("Shortened to fit GitHub's limit") && body.contains("issue-full.md"));
    assert_eq!(s.issues.len(), 1 + 5, "five task issues at most");
    for i in &s.issues {
        assert!(i["title"].as_str().unwrap().chars().count() <= 256);
    }
    drop(s);
    assert!(out.join("issue-full.md").exists());
    assert!(std::fs::metadata(&summary).unwrap().len() <= 1 << 20);
    for e in std::fs::read_dir(&out).unwrap() {
        let name = e.unwrap().file_name();
        assert!(name.len() <= 100, "{name:?}");
    }
}

#[test]
fn ten_thousand_scenarios_fit_one_comment_as_valid_markdown() {
    use benchbot::report::{bounded_markdown, GITHUB_BODY_LIMIT};
    use benchbot::scenario::{Kind, Role};
    let base = common::pooled(
        Kind::Internal,
        &[("api", Role::Ours, "get", &[10.0, 10.1, 9.9], &[100.0; 3])],
        &[0.0, 0.01, -0.01],
    );
    let cur = common::record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[12.0, 12.1, 11.9], &[80.0; 3])],
    );
    let one = benchbot::verdict::compare(&cur, Some(&base));
    assert_eq!(one.verdict, benchbot::verdict::Verdict::InternalRegression);
    let many: Vec<_> = (0..10_000)
        .map(|i| {
            let mut c = one.clone();
            c.scenario = format!("scenario-{i:05}-</details>|@team");
            c
        })
        .collect();
    let body = bounded_markdown(
        &many,
        &benchbot::report::Extras::default(),
        GITHUB_BODY_LIMIT - 500,
        "the step summary",
    );
    assert!(body.chars().count() < GITHUB_BODY_LIMIT, "{}", body.len());
    assert!(
        body.contains("more row(s)") && body.contains("more scenario(s)"),
        "{body}"
    );
    assert!(
        body.contains("#### Next steps"),
        "the next steps survive the cut"
    );
    assert!(!body.contains("</details>|"), "hostile names escaped");
    for line in body.lines().filter(|l| l.starts_with('|')) {
        let cols = line.matches('|').count() - line.matches("\\|").count();
        assert_eq!(cols, 11, "{line}");
    }
}
