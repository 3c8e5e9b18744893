//! The HTTP interface: ingest, stats, campaigns, alerts (list and server-sent events), the
//! live report and the dashboard.
//!
//! Limits come before work: the token is checked, then the client's request rate, then a
//! free ingest slot, and only then is the body read (at most `max_body_mib`). Work beyond
//! the limits is refused with 429 or 503 and `Retry-After`, so a burst costs the service
//! bounded memory.

use crate::parse::{parse_batch, resolve_format, ParseError};
use crate::writer::{Batch, Origin, WriteError};
use crate::Shared;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;

const DASHBOARD_HTML: &str = include_str!("../assets/dashboard.html");
const DASHBOARD_JS: &str = include_str!("../assets/dashboard.js");
const DASHBOARD_CSS: &str = include_str!("../assets/dashboard.css");
const DASHBOARD_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; frame-src 'self'; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";
const TOKEN_COOKIE: &str = "lockstep_token";

/// The router with every route and limit.
pub fn router(shared: Arc<Shared>) -> Router {
    let max_body = shared.config.limits.max_body_mib.saturating_mul(1 << 20);
    let ingest = Router::new()
        .route("/api/v1/ingest", post(ingest))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(shared.clone(), ingest_gate));
    Router::new()
        .route("/", get(dashboard))
        .route("/assets/dashboard.js", get(dashboard_js))
        .route("/assets/dashboard.css", get(dashboard_css))
        .route("/report", get(report))
        .route("/api/v1/stats", get(stats))
        .route("/api/v1/campaigns", get(campaigns))
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/alerts/stream", get(alert_stream))
        .merge(ingest)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), auth))
        .route("/healthz", get(|| async { "ok" }))
        .layer(middleware::from_fn(security_headers))
        .with_state(shared)
}

fn error(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({ "error": msg.into() }))).into_response()
}

fn retry_after(mut r: Response, secs: u32) -> Response {
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    r
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "no such endpoint")
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    r
}

/// Constant-time comparison, so the token cannot be guessed byte by byte from timings.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(t) = v.strip_prefix("Bearer ") {
            return Some(t.trim().to_string());
        }
    }
    for v in headers.get_all(header::COOKIE) {
        let Ok(s) = v.to_str() else { continue };
        for part in s.split(';') {
            if let Some((k, val)) = part.trim().split_once('=') {
                if k == TOKEN_COOKIE {
                    return Some(val.to_string());
                }
            }
        }
    }
    None
}

async fn auth(State(s): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let Some(expected) = s.config.token.as_deref() else {
        return next.run(req).await;
    };
    if presented_token(req.headers()).is_some_and(|t| same(t.as_bytes(), expected.as_bytes())) {
        return next.run(req).await;
    }
    // `/?token=…` logs a browser in: the token moves into an HttpOnly cookie and out of
    // the address bar.
    if req.uri().path() == "/" {
        if let Some(t) = req.uri().query().and_then(query_token) {
            if same(t.as_bytes(), expected.as_bytes()) {
                let cookie = format!("{TOKEN_COOKIE}={t}; HttpOnly; SameSite=Strict; Path=/");
                let mut r = StatusCode::SEE_OTHER.into_response();
                if let Ok(v) = HeaderValue::from_str(&cookie) {
                    r.headers_mut().insert(header::SET_COOKIE, v);
                }
                r.headers_mut()
                    .insert(header::LOCATION, HeaderValue::from_static("/"));
                return r;
            }
        }
    }
    let mut r = error(
        StatusCode::UNAUTHORIZED,
        "a bearer token is required (Authorization: Bearer <token>, or open /?token=<token>)",
    );
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

/// The `token` parameter of a query string.
fn query_token(q: &str) -> Option<String> {
    url::form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

/// Token buckets per client address.
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    /// `rate` requests per second with bursts of `burst`.
    pub fn new(rate: f64, burst: f64) -> Self {
        Self {
            rate,
            burst,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take one request's token; false when the client is over its rate.
    pub fn allow(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        let Ok(mut b) = self.buckets.lock() else {
            return false;
        };
        if b.len() > 10_000 {
            let full = self.burst / self.rate;
            b.retain(|_, (_, t)| now.duration_since(*t).as_secs_f64() < full);
        }
        let (tokens, last) = b.entry(ip).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Rate limit and concurrency slot, before the body is read.
async fn ingest_gate(State(s): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    if !s.limiter.allow(ip) {
        s.refused.fetch_add(1, Ordering::Relaxed);
        return retry_after(
            error(
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests; slow down",
            ),
            1,
        );
    }
    let Ok(_slot) = s.ingest_slots.clone().try_acquire_owned() else {
        s.refused.fetch_add(1, Ordering::Relaxed);
        return retry_after(
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "all ingest slots are busy; retry shortly",
            ),
            1,
        );
    };
    next.run(req).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IngestQuery {
    format: Option<String>,
}

async fn ingest(
    State(s): State<Arc<Shared>>,
    query: Result<Query<IngestQuery>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return error(
            StatusCode::BAD_REQUEST,
            "the only query parameter is format=<name>",
        );
    };
    let body = match body {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if body.is_empty() {
        return error(StatusCode::BAD_REQUEST, "empty body");
    }
    let format = match resolve_format(q.format.as_deref()) {
        Ok(f) => f,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let max_future = s.resolved.lateness_ms.max(300_000);
    let parsed =
        tokio::task::spawn_blocking(move || parse_batch("request", &body, format, max_future))
            .await;
    let parsed = match parsed {
        Ok(Ok(p)) => p,
        Ok(Err(ParseError::BadFormat(e))) | Ok(Err(ParseError::Unreadable(e))) => {
            return error(StatusCode::BAD_REQUEST, e)
        }
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    let format = parsed.format.clone();
    let outcome = s
        .writer
        .write(Batch {
            origin: Origin::Http,
            posts: parsed.posts,
            rejected: parsed.rejected,
        })
        .await;
    match outcome {
        Ok(o) => Json(json!({
            "accepted": o.new + o.duplicates,
            "rejected": o.rejected,
            "new": o.new,
            "duplicates": o.duplicates,
            "format": format,
        }))
        .into_response(),
        Err(e @ WriteError::Busy(_)) => {
            s.refused.fetch_add(1, Ordering::Relaxed);
            retry_after(error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()), 2)
        }
        Err(e @ WriteError::TooLarge(_)) => error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{e}; split it into smaller requests"),
        ),
        Err(e @ WriteError::Failed(_)) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn stats(State(s): State<Arc<Shared>>) -> Response {
    let live = s.live.read().map(|l| l.clone()).unwrap_or_default();
    let rfc = |ms: i64| lockstep_output::rfc3339(ms);
    let jetstream = s.jetstream.as_ref().map(|j| {
        let cursor = j.cursor_us.load(Ordering::Relaxed);
        json!({
            "connected": j.connected.load(Ordering::Relaxed),
            "cursor_us": (cursor > 0).then_some(cursor),
            "events": j.events.load(Ordering::Relaxed),
            "reconnects": j.reconnects.load(Ordering::Relaxed),
            "bad_frames": j.bad_frames.load(Ordering::Relaxed),
            "last_error": j.last_error.lock().ok().and_then(|e| e.clone()),
        })
    });
    let hooks = s.hooks.lock().map(|h| h.clone()).unwrap_or_default();
    Json(json!({
        "posts": s.counters.posts.load(Ordering::Relaxed),
        "duplicates": s.counters.duplicates.load(Ordering::Relaxed),
        "rejected": s.counters.rejected.load(Ordering::Relaxed),
        "commits": s.counters.commits.load(Ordering::Relaxed),
        "late": live.late,
        "window_posts": live.posts,
        "window_accounts": live.accounts,
        "watermark": live.watermark_ms.map(rfc),
        "horizon_hours": s.resolved.horizon_ms as f64 / 3_600_000.0,
        "campaigns": live.campaigns.len(),
        "alerts": s.alert_count.load(Ordering::Relaxed),
        "pending": s.writer.pending(),
        "refused": s.refused.load(Ordering::Relaxed),
        "files": s.files_ingested.load(Ordering::Relaxed),
        "refresh": (live.generation > 0).then(|| json!({
            "generation": live.generation,
            "finished": rfc(live.finished_ms),
            "seconds": live.seconds,
            "posts": live.posts,
        })),
        "error": live.error,
        "jetstream": jetstream,
        "webhooks": hooks,
        "uptime_s": s.started.elapsed().as_secs_f64(),
    }))
    .into_response()
}

async fn campaigns(State(s): State<Arc<Shared>>) -> Response {
    let list = s
        .live
        .read()
        .map(|l| l.campaigns.clone())
        .unwrap_or_default();
    Json(&*list).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertQuery {
    after: Option<i64>,
    limit: Option<usize>,
}

fn alert_values(list: Vec<crate::store::StoredAlert>) -> Vec<serde_json::Value> {
    list.into_iter()
        .filter_map(|a| serde_json::from_str(&a.body).ok())
        .collect()
}

async fn alerts(
    State(s): State<Arc<Shared>>,
    query: Result<Query<AlertQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return error(
            StatusCode::BAD_REQUEST,
            "parameters: after=<seq> (integer), limit=<1..1000>",
        );
    };
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return error(StatusCode::BAD_REQUEST, "limit must be 1..1000");
    }
    let result = match q.after {
        Some(after) => s.store.alerts_after(after.max(0), limit),
        None => s.store.last_alerts(limit),
    };
    match result {
        Ok(list) => Json(alert_values(list)).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")),
    }
}

fn sse_event(a: &crate::store::StoredAlert) -> Event {
    Event::default()
        .id(a.seq.to_string())
        .event("alert")
        .data(a.body.clone())
}

async fn alert_stream(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = s.alerts_tx.subscribe();
    let last_id = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let backlog = match last_id {
        Some(id) => s.store.alerts_after(id.max(0), 1000),
        None => s.store.last_alerts(50),
    }
    .unwrap_or_default();
    let last_seq = backlog.last().map(|a| a.seq).or(last_id).unwrap_or(0);
    let first = stream::iter(backlog.into_iter().map(|a| Ok(sse_event(&a))));
    let shutdown = s.shutdown.clone();
    let live = stream::unfold(
        (
            rx,
            last_seq,
            s.clone(),
            std::collections::VecDeque::new(),
            shutdown,
        ),
        |(mut rx, mut last, s, mut queue, mut shutdown)| async move {
            loop {
                if let Some(a) = queue.pop_front() {
                    let a: crate::store::StoredAlert = a;
                    last = a.seq;
                    return Some((Ok(sse_event(&a)), (rx, last, s, queue, shutdown)));
                }
                // End the stream on shutdown, or graceful shutdown would wait for every
                // dashboard to close its connection.
                let received = tokio::select! {
                    r = rx.recv() => r,
                    _ = shutdown.wait_for(|&stop| stop) => return None,
                };
                match received {
                    Ok(a) if a.seq > last => queue.push_back(a),
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => {
                        // Fell behind the broadcast: catch up from the database.
                        queue.extend(s.store.alerts_after(last, 1000).unwrap_or_default());
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    );
    Sse::new(first.chain(live)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

fn page(body: &'static str, content_type: &'static str) -> Response {
    let mut r = Response::new(Body::from(body));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DASHBOARD_CSP),
    );
    h.insert("X-Frame-Options", HeaderValue::from_static("DENY"));
    r
}

async fn dashboard() -> Response {
    page(DASHBOARD_HTML, "text/html; charset=utf-8")
}

async fn dashboard_js() -> Response {
    page(DASHBOARD_JS, "text/javascript; charset=utf-8")
}

async fn dashboard_css() -> Response {
    page(DASHBOARD_CSS, "text/css; charset=utf-8")
}

async fn report(State(s): State<Arc<Shared>>) -> Response {
    let path = s.live.read().ok().and_then(|l| l.report.clone());
    let Some(path) = path else {
        return error(StatusCode::NOT_FOUND, "no analysis yet");
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let mut r = Response::new(Body::from(bytes));
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            // The page carries its own strict policy; this adds who may frame it.
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("frame-ancestors 'self'"),
            );
            r
        }
        Err(_) => error(
            StatusCode::NOT_FOUND,
            "the latest analysis is being replaced",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_rates() {
        assert!(same(b"abcdefgh", b"abcdefgh"));
        assert!(!same(b"abcdefgh", b"abcdefgi"));
        assert!(!same(b"abc", b"abcd"));
        assert_eq!(
            query_token("x=1&token=a%20b+c%zz").as_deref(),
            Some("a b c%zz")
        );
        let l = RateLimiter::new(1.0, 2.0);
        let ip = IpAddr::from([127, 0, 0, 1]);
        assert!(l.allow(ip) && l.allow(ip));
        assert!(!l.allow(ip), "burst used up");
        assert!(l.allow(IpAddr::from([127, 0, 0, 2])), "per address");
    }

    #[test]
    fn token_from_header_or_cookie() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; lockstep_token=s3cretxx"),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("s3cretxx"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer tok12345"),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("tok12345"));
    }
}
