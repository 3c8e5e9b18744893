//! The HTTP router in process: built once on a fresh database with [`Shared::open`] and
//! called with `tower::ServiceExt::oneshot`, as axum's own `examples/testing` does. No
//! socket, no child process: what a route answers, which limits apply in which order, and
//! the headers every answer carries. (`serve_*.rs` run the real binary end to end.)

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use lockstep_serve::config::Config;
use lockstep_serve::{http, Shared};
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;

/// The service's state on a database in `dir`, with `edit` applied to the defaults.
fn app(dir: &tempfile::TempDir, edit: impl FnOnce(&mut Config)) -> (Router, Arc<Shared>) {
    let mut config = Config {
        db: dir.path().join("live.db"),
        ..Config::default()
    };
    edit(&mut config);
    let resolved = config.resolve().expect("a valid config");
    let opened = Shared::open(config, resolved).expect("opening the database");
    (http::router(opened.shared.clone()), opened.shared)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("a request")
}

fn post(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(body.to_string()))
        .expect("a request")
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let r = app.clone().oneshot(req).await.expect("the router answers");
    let status = r.status();
    let headers = r.headers().clone();
    let body = axum::body::to_bytes(r.into_body(), 64 << 20)
        .await
        .expect("a body");
    (status, headers, body.to_vec())
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

/// `n` posts in the toolkit's CSV, ids from `first`, by three accounts.
fn cnt_rows(first: u64, n: u64) -> String {
    let mut s =
        String::from("message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n");
    for i in first..first + n {
        s.push_str(&format!(
            "{i},u{},user{},,,post {i},{},\n",
            i % 3,
            i % 3,
            1_754_006_400 + i
        ));
    }
    s
}

#[tokio::test]
async fn ingest_stores_posts_and_stats_count_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, shared) = app(&dir, |_| {});
    let (status, _, body) = call(&app, get("/api/v1/stats")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["posts"], 0);

    let (status, _, body) =
        call(&app, post("/api/v1/ingest?format=cnt-csv", &cnt_rows(1, 5))).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let r = json(&body);
    assert_eq!(r["new"], 5, "{r}");
    assert_eq!(r["duplicates"], 0, "{r}");
    assert_eq!(r["format"], "cnt-csv", "{r}");

    // The same rows again are duplicates; the format is found without the parameter.
    let (status, _, body) = call(&app, post("/api/v1/ingest", &cnt_rows(1, 5))).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let r = json(&body);
    assert_eq!(
        (r["new"].as_u64(), r["duplicates"].as_u64()),
        (Some(0), Some(5)),
        "{r}"
    );

    let (_, _, body) = call(&app, get("/api/v1/stats")).await;
    let stats = json(&body);
    assert_eq!(stats["posts"], 5, "{stats}");
    assert_eq!(stats["duplicates"], 5, "{stats}");
    assert_eq!(shared.store.alert_count().expect("alerts"), 0);
}

#[tokio::test]
async fn bad_requests_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _) = app(&dir, |c| c.limits.max_body_mib = 1);
    for (req, want) in [
        (post("/api/v1/ingest", ""), StatusCode::BAD_REQUEST),
        (
            post("/api/v1/ingest?format=myspace", &cnt_rows(1, 2)),
            StatusCode::BAD_REQUEST,
        ),
        (
            post("/api/v1/ingest?format=cnt-csv&shard=3", &cnt_rows(1, 2)),
            StatusCode::BAD_REQUEST,
        ),
        (
            post("/api/v1/ingest", &"x".repeat(2 << 20)),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (get("/api/v1/alerts?limit=0"), StatusCode::BAD_REQUEST),
        (get("/api/v1/alerts?after=x"), StatusCode::BAD_REQUEST),
        (get("/report"), StatusCode::NOT_FOUND),
        (get("/no/such/page"), StatusCode::NOT_FOUND),
        (get("/api/v1/ingest"), StatusCode::METHOD_NOT_ALLOWED),
    ] {
        let what = format!("{} {}", req.method(), req.uri());
        let (status, _, body) = call(&app, req).await;
        assert_eq!(status, want, "{what}: {}", String::from_utf8_lossy(&body));
        if status != StatusCode::METHOD_NOT_ALLOWED && status != StatusCode::PAYLOAD_TOO_LARGE {
            assert!(json(&body)["error"].is_string(), "{what}: an error message");
        }
    }
    // Nothing of it was stored.
    let (_, _, body) = call(&app, get("/api/v1/stats")).await;
    assert_eq!(json(&body)["posts"], 0);
}

#[tokio::test]
async fn a_token_guards_everything_but_health() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _) = app(&dir, |c| c.token = Some("s3cret-token".into()));
    let (status, headers, _) = call(&app, get("/healthz")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    for uri in [
        "/",
        "/api/v1/stats",
        "/api/v1/campaigns",
        "/report",
        "/nowhere",
    ] {
        let (status, headers, _) = call(&app, get(uri)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer", "{uri}");
    }
    let wrong = Request::get("/api/v1/stats")
        .header(header::AUTHORIZATION, "Bearer s3cret-toke")
        .body(Body::empty())
        .expect("request");
    assert_eq!(call(&app, wrong).await.0, StatusCode::UNAUTHORIZED);

    let right = Request::get("/api/v1/campaigns")
        .header(header::AUTHORIZATION, "Bearer s3cret-token")
        .body(Body::empty())
        .expect("request");
    let (status, _, body) = call(&app, right).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body), serde_json::json!([]));

    // `/?token=` logs a browser in: a cookie, and the token leaves the address bar.
    let (status, headers, _) = call(&app, get("/?token=s3cret-token")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/");
    let cookie = headers[header::SET_COOKIE].to_str().expect("ascii");
    assert!(
        cookie.starts_with("lockstep_token=s3cret-token;"),
        "{cookie}"
    );
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let with_cookie = Request::get("/")
        .header(header::COOKIE, "theme=dark; lockstep_token=s3cret-token")
        .body(Body::empty())
        .expect("request");
    let (status, headers, body) = call(&app, with_cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .contains("default-src 'none'"));
    assert!(String::from_utf8_lossy(&body).contains("<html"));
    assert_eq!(
        call(&app, get("/?token=guess")).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_rate_limit_comes_before_the_body_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, shared) = app(&dir, |c| {
        c.limits.ingest_requests_per_s = 0.001;
        c.limits.ingest_burst = 2.0;
    });
    for i in 0..2 {
        let (status, _, body) = call(&app, post("/api/v1/ingest", &cnt_rows(10 * i + 1, 3))).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    }
    // Even a body that would be refused as empty is refused first for the rate.
    let (status, headers, body) = call(&app, post("/api/v1/ingest", "")).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(headers[header::RETRY_AFTER], "1");
    assert_eq!(shared.refused.load(std::sync::atomic::Ordering::Relaxed), 1);
    // Reading is not rate-limited.
    assert_eq!(call(&app, get("/api/v1/stats")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _) = app(&dir, |_| {});
    for uri in [
        "/",
        "/assets/dashboard.js",
        "/api/v1/stats",
        "/nowhere",
        "/healthz",
    ] {
        let (_, headers, _) = call(&app, get(uri)).await;
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{uri}");
        assert!(headers.contains_key(header::CACHE_CONTROL), "{uri}");
    }
    let (_, headers, _) = call(&app, get("/assets/dashboard.js")).await;
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .expect("ascii")
        .starts_with("text/javascript"));
}
