//! A small HTTP/1.1 target with configurable latency, for the example suite and the tests.
//!
//! `GET /health` answers at once; every other request waits `delay` (plus `stall` on every
//! `stall_every`-th request) and answers `200` with a short JSON body; `PUT`/`POST` store the
//! body under the path, `GET` returns what was stored. Waits use the OS sleep of a blocking
//! thread, which is precise to tens of microseconds (the async timer rounds to 1 ms). With
//! `workers`, at most that many requests are served at once and the rest queue: a server of
//! known capacity (`workers ÷ delay` requests per second) for capacity tests.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// Behaviour of the demo server.
#[derive(Clone, Debug, Default)]
pub struct DemoConfig {
    pub delay: Duration,
    pub stall_every: u64,
    pub stall: Duration,
    /// Requests served at once (0: no limit).
    pub workers: usize,
}

struct State {
    config: DemoConfig,
    /// Admission of requests past `/health` when `workers` limits them.
    slots: Option<tokio::sync::Semaphore>,
    requests: AtomicU64,
    store: Mutex<HashMap<String, Bytes>>,
}

/// Serves on `listener` until the task is dropped.
///
/// # Errors
/// When accepting connections fails.
pub async fn serve(listener: TcpListener, config: DemoConfig) -> std::io::Result<()> {
    let slots = (config.workers > 0).then(|| tokio::sync::Semaphore::new(config.workers));
    let state = Arc::new(State {
        slots,
        config,
        requests: AtomicU64::new(0),
        store: Mutex::new(HashMap::new()),
    });
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let svc = service_fn(move |req| handle(Arc::clone(&state), req));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_owned();
    if path == "/health" {
        return Ok(Response::new(Full::new(Bytes::from_static(b"ok\n"))));
    }
    // A worker for the whole request: the rest wait in line (a queue, as in a real server).
    let _slot = match &state.slots {
        Some(s) => s.acquire().await.ok(),
        None => None,
    };
    let n = state.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let c = &state.config;
    let mut wait = c.delay;
    if c.stall_every > 0 && n % c.stall_every == 0 {
        wait += c.stall;
    }
    if !wait.is_zero() {
        let _ = tokio::task::spawn_blocking(move || std::thread::sleep(wait)).await;
    }
    let method = req.method().clone();
    let body = req
        .into_body()
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    let mut store = state.store.lock().unwrap_or_else(PoisonError::into_inner);
    let resp = match method {
        Method::PUT | Method::POST => {
            store.insert(path, body);
            Response::builder()
                .status(StatusCode::NO_CONTENT)
                .body(Full::new(Bytes::new()))
        }
        Method::DELETE => {
            store.remove(&path);
            Response::builder()
                .status(StatusCode::NO_CONTENT)
                .body(Full::new(Bytes::new()))
        }
        _ => match store.get(&path) {
            Some(v) => Ok(Response::new(Full::new(v.clone()))),
            None => Ok(Response::new(Full::new(Bytes::from(format!(
                "{{\"path\":{path:?},\"n\":{n}}}\n"
            ))))),
        },
    };
    Ok(resp.unwrap_or_else(|_| Response::new(Full::new(Bytes::new()))))
}
