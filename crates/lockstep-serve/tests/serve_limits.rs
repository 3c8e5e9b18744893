//! `lockstep serve` under a bounded 10x burst, from a second process: the limits refuse
//! work with 429 or 503 and `Retry-After` instead of failing, every acknowledged post is
//! stored, the server stays healthy and its memory stays bounded. Also the 4xx answers of
//! the ingest and alerts endpoints.
//!
//! The client is the tiny HTTP/1.1 client of `common::serve` (Content-Length bodies,
//! `Connection: close`), so the test needs no HTTP crate. Pass or fail never depends on
//! how fast the machine is: the burst starts with 40 requests at once against a bucket of
//! 10 from one address, so refusals are certain, and every wait has a timeout.

mod common;

use common::serve::{cnt_row, http, post_cnt, post_until_acked, Server, CNT_HEADER};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

/// cnt-csv rows for posts `first..first + n` (ids unique across the test).
fn rows(first: u64, n: u64) -> String {
    let mut s = String::from(CNT_HEADER);
    for id in first..first + n {
        let repost = (id % 5 == 0 && id > first).then(|| id - 1);
        let url = (id % 4 == 0).then(|| format!("https://example.com/story/{}", id % 50));
        s.push_str(&cnt_row(
            id,
            7000 + id % 400,
            repost,
            &format!("\"post {id}, with \"\"quotes\"\" #tag{}\"", id % 7),
            1_754_006_400 + (id % 10_000_000) / 20,
            url.as_deref(),
        ));
    }
    s
}

/// Resident memory of a process, in KiB: (VmRSS, VmHWM).
fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn write_config(dir: &Path) -> PathBuf {
    let path = dir.join("serve.toml");
    std::fs::write(
        &path,
        "[detection]\n\
         refresh = \"1h\"\n\
         max_window_posts = 1000\n\
         [limits]\n\
         max_body_mib = 1\n\
         ingest_requests_per_s = 20.0\n\
         ingest_burst = 10.0\n\
         max_concurrent_ingest = 2\n\
         max_pending_posts = 20000\n",
    )
    .expect("writing the config");
    path
}

// ---------------------------------------------------------------------------------------

/// What the burst's clients saw.
#[derive(Default)]
struct Tally {
    requests: u64,
    ok: u64,
    /// Sum of `new` over 2xx answers.
    new: u64,
    r429: u64,
    r503: u64,
    /// 429/503 without a Retry-After header.
    no_retry_after: u64,
    /// Other statuses, with their bodies.
    other: Vec<(u16, String)>,
    /// Requests that got no answer at all (reset, timeout).
    unanswered: u64,
    /// Posts in unanswered requests (they may or may not have been stored).
    unanswered_posts: u64,
    errors: Vec<String>,
}

const CLIENTS: usize = 40;
const POSTS_PER_REQUEST: u64 = 300;
/// Each client sends every 200 ms: 40 clients offer 200 requests/s, ten times the
/// configured 20/s.
const CLIENT_PERIOD: Duration = Duration::from_millis(200);
const BURST: Duration = Duration::from_secs(10);
/// Resident-memory bound for the server under the burst. What it may hold by design:
/// 2 ingest slots x 1 MiB bodies and their parsed records, at most 20,000 pending posts
/// (~2 KiB each as records plus JSON: ~40 MiB), a window of at most 1,000 posts, SQLite
/// page caches, hyper's per-connection buffers for the 40 connections (~0.4 MiB each) and
/// the runtime's threads; plus the posts committed since the detector last drained its
/// inbox (with refresh = 1h, every post after its first tick at 2 s): the rate limit caps
/// those at (10 + 20/s x 10 s) x 300 = 63,000 posts, ~60 MiB. Together well under 200 MiB
/// beyond a debug binary's ~25 MiB baseline; 256 MiB still catches unbounded queueing.
const RSS_BOUND_KIB: u64 = 256 * 1024;

#[test]
fn ingest_limits_hold_under_a_10x_burst() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path());
    let db = dir.path().join("limits.db");
    let server = Server::start(
        dir.path(),
        &db,
        &[OsStr::new("--config"), config.as_os_str()],
    );
    let addr = server.addr;
    let t = Duration::from_secs(30);

    // --- 4xx answers (the bucket is full: 10 requests may go at once) ---
    let big = {
        let mut s = rows(1, 1);
        while s.len() < 2 << 20 {
            s.push_str(&rows(100_000 + s.len() as u64, 200)[CNT_HEADER.len()..]);
        }
        s
    };
    let r = post_cnt(addr, big.as_bytes(), t).expect("a 2 MiB body gets an answer");
    assert_eq!(r.status, 413, "2 MiB body: {}", r.text());
    let small = rows(1, 3);
    let r = http(
        addr,
        "POST",
        "/api/v1/ingest?format=myspace",
        Some(small.as_bytes()),
        t,
    )
    .expect("answer");
    assert_eq!(r.status, 400, "bad format: {}", r.text());
    assert!(r.json()["error"].is_string(), "{}", r.text());
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let r = http(addr, "POST", "/api/v1/ingest", Some(&garbage), t).expect("answer");
    assert_eq!(r.status, 400, "garbage body: {}", r.text());
    let r = http(
        addr,
        "POST",
        "/api/v1/ingest?format=cnt-csv&shard=3",
        Some(small.as_bytes()),
        t,
    )
    .expect("answer");
    assert_eq!(r.status, 400, "unknown parameter: {}", r.text());
    let r = http(addr, "GET", "/api/v1/alerts?limit=0", None, t).expect("answer");
    assert_eq!(r.status, 400, "limit=0: {}", r.text());
    let r = http(addr, "GET", "/api/v1/alerts?limit=5", None, t).expect("answer");
    assert_eq!(r.status, 200, "limit=5: {}", r.text());
    assert!(r.json().is_array(), "{}", r.text());
    let r = post_cnt(addr, small.as_bytes(), t).expect("answer");
    assert_eq!(r.status, 200, "a small valid batch: {}", r.text());
    let first = r.json();
    assert_eq!(first["new"], 3, "{first}");
    assert_eq!(first["format"], "cnt-csv", "{first}");
    let mut stored_before_burst = 3u64;
    // Nothing was stored by the refused requests.
    let stats = http(addr, "GET", "/api/v1/stats", None, t)
        .expect("stats")
        .json();
    assert_eq!(stats["posts"], stored_before_burst, "{stats}");

    // Let the bucket fill again (10 tokens at 20/s: 0.5 s).
    std::thread::sleep(Duration::from_secs(1));

    // --- the burst ---
    let next_id = Arc::new(AtomicU64::new(1_000_000));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let barrier = Arc::new(Barrier::new(CLIENTS + 1));
    let pid = server.pid();
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak_rss = 0;
            while !stop.load(Ordering::Relaxed) {
                if let Some((rss, _)) = memory_kib(pid) {
                    peak_rss = peak_rss.max(rss);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            peak_rss
        })
    };
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (next_id, tally, stop, barrier) = (
                next_id.clone(),
                tally.clone(),
                stop.clone(),
                barrier.clone(),
            );
            std::thread::spawn(move || {
                barrier.wait();
                while !stop.load(Ordering::Relaxed) {
                    let began = Instant::now();
                    let first = next_id.fetch_add(POSTS_PER_REQUEST, Ordering::Relaxed);
                    let body = rows(first, POSTS_PER_REQUEST);
                    let answer = post_cnt(addr, body.as_bytes(), Duration::from_secs(60));
                    let Ok(mut t) = tally.lock() else { return };
                    t.requests += 1;
                    match answer {
                        Ok(r) if r.status == 200 => {
                            t.ok += 1;
                            match serde_json::from_slice::<serde_json::Value>(&r.body) {
                                Ok(v) => {
                                    let new = v["new"].as_u64().unwrap_or(u64::MAX);
                                    let accepted = v["accepted"].as_u64().unwrap_or(0);
                                    if accepted != POSTS_PER_REQUEST || new != POSTS_PER_REQUEST {
                                        t.errors.push(format!("2xx with fresh ids: {v}"));
                                    }
                                    t.new += new.min(POSTS_PER_REQUEST);
                                }
                                Err(e) => t.errors.push(format!("2xx not JSON: {e}")),
                            }
                        }
                        Ok(r) if r.status == 429 || r.status == 503 => {
                            if r.status == 429 {
                                t.r429 += 1;
                            } else {
                                t.r503 += 1;
                            }
                            if r.header("retry-after")
                                .and_then(|v| v.parse::<u64>().ok())
                                .is_none()
                            {
                                t.no_retry_after += 1;
                            }
                        }
                        Ok(r) => {
                            let text = r.text();
                            t.other.push((r.status, text));
                        }
                        Err(e) => {
                            t.unanswered += 1;
                            t.unanswered_posts += POSTS_PER_REQUEST;
                            if t.errors.len() < 20 {
                                t.errors.push(format!("no answer: {e}"));
                            }
                        }
                    }
                    drop(t);
                    if let Some(rest) = CLIENT_PERIOD.checked_sub(began.elapsed()) {
                        std::thread::sleep(rest);
                    }
                }
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    std::thread::sleep(BURST);
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("a client thread panicked");
    }
    let burst_s = started.elapsed().as_secs_f64();
    let peak_rss = sampler.join().expect("the memory sampler panicked");
    let (rss_after, hwm) = memory_kib(pid).expect("reading /proc/<pid>/status of the server");
    let t = std::mem::take(&mut *tally.lock().expect("tally"));
    eprintln!(
        "burst: {} requests in {burst_s:.1} s ({:.0}/s offered vs 20/s allowed): {} ok ({} posts), \
         {} x 429, {} x 503, {} other, {} unanswered; server VmHWM {} KiB, peak sampled VmRSS {} KiB, \
         VmRSS after {} KiB",
        t.requests,
        t.requests as f64 / burst_s,
        t.ok,
        t.new,
        t.r429,
        t.r503,
        t.other.len(),
        t.unanswered,
        hwm,
        peak_rss,
        rss_after
    );

    assert!(t.ok > 0, "some requests are accepted during the burst");
    assert!(
        t.r429 + t.r503 > 0,
        "a 10x burst is refused in part with 429 or 503"
    );
    assert_eq!(t.no_retry_after, 0, "every 429/503 carries Retry-After");
    assert!(
        t.other.is_empty(),
        "only 200, 429 and 503 during the burst; also got {:?}",
        &t.other[..t.other.len().min(5)]
    );
    assert!(
        t.unanswered <= 3,
        "{} of {} requests got no answer (connection reset or timeout): {:?}",
        t.unanswered,
        t.requests,
        t.errors
    );
    assert!(
        t.errors.iter().all(|e| e.starts_with("no answer")),
        "{:?}",
        t.errors
    );
    assert!(
        hwm < RSS_BOUND_KIB,
        "server peak resident memory {hwm} KiB exceeds the {RSS_BOUND_KIB} KiB bound"
    );

    // --- after the burst: healthy, accepts work, stored exactly what it acknowledged ---
    let t2 = Duration::from_secs(30);
    let r = http(addr, "GET", "/healthz", None, t2).expect("healthz after the burst");
    assert_eq!((r.status, r.text().as_str()), (200, "ok"));
    let after = rows(9_000_000_000, 50);
    let r = post_until_acked(addr, after.as_bytes(), t2, 60);
    assert_eq!(r.json()["new"], 50, "{}", r.text());
    stored_before_burst += 50;
    // The writer releases a batch's budget right after answering it: wait (bounded) for
    // the last release.
    let deadline = Instant::now() + Duration::from_secs(30);
    let stats = loop {
        let s = http(addr, "GET", "/api/v1/stats", None, t2)
            .expect("stats after the burst")
            .json();
        if s["pending"] == 0 || Instant::now() > deadline {
            break s;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let posts = stats["posts"].as_u64().expect("stats.posts");
    let acked = t.new + stored_before_burst;
    assert!(
        posts >= acked && posts <= acked + t.unanswered_posts,
        "stored posts {posts} must equal the acknowledged {acked} (plus at most the {} posts \
         of unanswered requests): {stats}",
        t.unanswered_posts
    );
    assert_eq!(stats["pending"], 0, "nothing left pending: {stats}");
    assert_eq!(stats["duplicates"], 0, "{stats}");
    assert!(
        stats["refused"].as_u64().unwrap_or(0) >= t.r429 + t.r503,
        "the server counts its refusals: {stats}"
    );
    drop(server);
}
