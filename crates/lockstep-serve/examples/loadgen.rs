//! Load generator for `lockstep serve`: replays a cnt-csv file (as `lockstep generate`
//! writes it) in time order at a target rate and reports, as one JSON object, what the
//! service acknowledged, how fast, and how long after a given post was acknowledged the
//! first `new_campaign` alert appeared.
//!
//! ```text
//! cargo run --release -p lockstep-serve --example loadgen -- \
//!     --url http://127.0.0.1:8787 --input data/posts.csv --rate 5000 --batch 1000 \
//!     --connections 4 --mark-post 1951078934770614272 --mark-accounts accounts.txt
//! ```
//!
//! Options:
//! * `--url URL` — the service (default `http://127.0.0.1:8787`).
//! * `--input FILE` — cnt-csv posts (`message_id,…,timestamp,…`); sent sorted by timestamp.
//! * `--rate N` — posts per second offered (0: as fast as the service acknowledges).
//! * `--batch N` — posts per request (default 1000).
//! * `--connections N` — requests in flight at most (default 4).
//! * `--retry yes|no` — send a refused (429/503) batch again after `Retry-After`
//!   (default yes, for at most two minutes); with `no` it is dropped and counted.
//! * `--id-offset N` — add N to every numeric message_id, repost_id and reply_id, to send
//!   the same file again as new posts.
//! * `--limit N` — send only the first N posts.
//! * `--mark-post ID` — measure alert latency from the acknowledgement of the batch holding
//!   this post (id before `--id-offset`).
//! * `--mark-accounts FILE` — account ids (one a line) of the campaign behind the mark;
//!   also report when an alert naming at least half of them appeared.
//! * `--alert-timeout S` — how long to wait for the alert after the load (default 180).
//! * `--token T` — bearer token.
//!
//! Output fields: `posts_offered`, `posts_acked`, `new`, `duplicates`, `rejected`,
//! `requests`, `refused_429`, `refused_503`, `dropped_posts`, `errors`, `seconds`,
//! `posts_per_s` (acknowledged posts over the load's wall time), `offered_per_s`,
//! `ack_latency_ms` {p50, p99, max} (first send of a batch to its 2xx, retries included),
//! `mark` {post, acked_at_s, alert_at_s, alert_latency_s, campaign_alert_latency_s, alert}.

use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Args {
    url: String,
    input: String,
    rate: f64,
    batch: usize,
    connections: usize,
    retry: bool,
    id_offset: u64,
    limit: Option<usize>,
    mark_post: Option<String>,
    mark_accounts: Option<String>,
    alert_timeout: f64,
    token: Option<String>,
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "loadgen: {msg}\nusage: loadgen --input posts.csv [--url URL] [--rate POSTS_PER_S] \
         [--batch N] [--connections N] [--retry yes|no] [--id-offset N] [--limit N] \
         [--mark-post ID] [--mark-accounts FILE] [--alert-timeout S] [--token T]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        url: "http://127.0.0.1:8787".into(),
        input: String::new(),
        rate: 0.0,
        batch: 1000,
        connections: 4,
        retry: true,
        id_offset: 0,
        limit: None,
        mark_post: None,
        mark_accounts: None,
        alert_timeout: 180.0,
        token: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        if k == "-h" || k == "--help" {
            usage("help");
        }
        let Some(v) = it.next() else {
            usage(&format!("{k} needs a value"))
        };
        let num = |v: &str| -> f64 {
            v.parse()
                .unwrap_or_else(|_| usage(&format!("{k}: '{v}' is not a number")))
        };
        match k.as_str() {
            "--url" => a.url = v.trim_end_matches('/').to_string(),
            "--input" => a.input = v,
            "--rate" => a.rate = num(&v),
            "--batch" => a.batch = num(&v) as usize,
            "--connections" => a.connections = num(&v) as usize,
            "--retry" => a.retry = matches!(v.as_str(), "yes" | "true" | "1"),
            "--id-offset" => {
                a.id_offset = v
                    .parse()
                    .unwrap_or_else(|_| usage("--id-offset: not an integer"))
            }
            "--limit" => a.limit = Some(num(&v) as usize),
            "--mark-post" => a.mark_post = Some(v),
            "--mark-accounts" => a.mark_accounts = Some(v),
            "--alert-timeout" => a.alert_timeout = num(&v),
            "--token" => a.token = Some(v),
            _ => usage(&format!("unknown option {k}")),
        }
    }
    if a.input.is_empty() {
        usage("--input is required");
    }
    if a.batch == 0 || a.connections == 0 {
        usage("--batch and --connections must be positive");
    }
    a
}

/// Split CSV text into records (quoted fields may hold newlines), each with its newline.
fn records(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                if i > start {
                    out.push(&text[start..=i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < b.len() {
        out.push(&text[start..]);
    }
    out
}

/// Raw fields of one record (quotes kept), without the line end.
fn fields(record: &str) -> Vec<&str> {
    let r = record.trim_end_matches(['\n', '\r']);
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in r.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&r[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&r[start..]);
    out
}

fn unquote(f: &str) -> String {
    let t = f.trim();
    match t.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => t.to_string(),
    }
}

/// A post ready to send: time, id, the record (with newline).
struct Row {
    time: f64,
    id: String,
    line: String,
}

fn load(a: &Args) -> (String, Vec<Row>) {
    let text = std::fs::read_to_string(&a.input)
        .unwrap_or_else(|e| usage(&format!("reading {}: {e}", a.input)));
    let recs = records(&text);
    let Some((head, body)) = recs.split_first() else {
        usage("the input is empty")
    };
    let names: Vec<String> = fields(head).iter().map(|f| unquote(f)).collect();
    let col = |n: &str| names.iter().position(|x| x == n);
    let (Some(id_col), Some(time_col)) = (col("message_id"), col("timestamp")) else {
        usage("the input is not cnt-csv (no message_id and timestamp columns)")
    };
    let id_cols: Vec<usize> = ["message_id", "repost_id", "reply_id"]
        .iter()
        .filter_map(|n| col(n))
        .collect();
    let mut rows = Vec::with_capacity(body.len());
    for r in body {
        let f = fields(r);
        let Some(id) = f.get(id_col) else { continue };
        let time = f
            .get(time_col)
            .and_then(|t| unquote(t).parse::<f64>().ok())
            .unwrap_or(f64::MAX);
        let line = if a.id_offset == 0 {
            r.to_string()
        } else {
            let mut g: Vec<String> = f.iter().map(|x| x.to_string()).collect();
            for &c in &id_cols {
                if let Some(n) = g.get(c).and_then(|x| x.trim().parse::<u64>().ok()) {
                    g[c] = n.saturating_add(a.id_offset).to_string();
                }
            }
            let mut l = g.join(",");
            l.push('\n');
            l
        };
        rows.push(Row {
            time,
            id: unquote(id),
            line,
        });
    }
    rows.sort_by(|x, y| x.time.total_cmp(&y.time));
    if let Some(n) = a.limit {
        rows.truncate(n);
    }
    let mut header = head.trim_end_matches(['\n', '\r']).to_string();
    header.push('\n');
    (header, rows)
}

#[derive(Default)]
struct Totals {
    acked: u64,
    new: u64,
    duplicates: u64,
    rejected: u64,
    requests: u64,
    r429: u64,
    r503: u64,
    dropped: u64,
    errors: u64,
    last_error: Option<String>,
    latencies_ms: Vec<f64>,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .new_agent()
}

fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    Some(sorted[i.min(sorted.len() - 1)])
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn main() {
    let a = parse_args();
    let (header, rows) = load(&a);
    let mark_id = a.mark_post.clone();
    let mark_batch = mark_id
        .as_ref()
        .and_then(|m| rows.iter().position(|r| &r.id == m))
        .map(|i| i / a.batch);
    if let (Some(m), None) = (&mark_id, mark_batch) {
        usage(&format!("--mark-post {m} is not in the input"));
    }
    let mark_accounts: Option<HashSet<String>> = a.mark_accounts.as_ref().map(|p| {
        std::fs::read_to_string(p)
            .unwrap_or_else(|e| usage(&format!("reading {p}: {e}")))
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    });
    let bodies: Arc<Vec<(String, usize)>> = Arc::new(
        rows.chunks(a.batch)
            .map(|c| {
                let mut s = header.clone();
                for r in c {
                    s.push_str(&r.line);
                }
                (s, c.len())
            })
            .collect(),
    );
    let posts_offered = rows.len() as u64;
    drop(rows);
    let ingest_url = format!("{}/api/v1/ingest?format=cnt-csv", a.url);
    let auth = a.token.as_ref().map(|t| format!("Bearer {t}"));

    // Alerts already stored before the run do not count.
    let baseline_seq = latest_seq(&agent(), &a.url, auth.as_deref()).unwrap_or(0);

    let t0 = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let totals = Arc::new(Mutex::new(Totals::default()));
    let mark_acked: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    let load_done = Arc::new(AtomicBool::new(false));

    // The alert poller.
    let poller = {
        let (url, auth) = (a.url.clone(), auth.clone());
        let (mark_acked, load_done) = (mark_acked.clone(), load_done.clone());
        let has_mark = mark_batch.is_some();
        let timeout = Duration::from_secs_f64(a.alert_timeout);
        std::thread::spawn(move || {
            poll_alerts(
                t0,
                &url,
                auth.as_deref(),
                baseline_seq,
                has_mark,
                &mark_acked,
                &load_done,
                mark_accounts.as_ref(),
                timeout,
            )
        })
    };

    let workers: Vec<_> = (0..a.connections)
        .map(|_| {
            let (bodies, next, totals) = (bodies.clone(), next.clone(), totals.clone());
            let mark_acked = mark_acked.clone();
            let (url, auth) = (ingest_url.clone(), auth.clone());
            let (rate, batch, retry) = (a.rate, a.batch, a.retry);
            std::thread::spawn(move || {
                let agent = agent();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some((body, n)) = bodies.get(k) else {
                        break;
                    };
                    if rate > 0.0 {
                        let due = t0 + Duration::from_secs_f64((k * batch) as f64 / rate);
                        if let Some(wait) = due.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                    }
                    let first = Instant::now();
                    let mut attempts = 0;
                    loop {
                        attempts += 1;
                        let mut req = agent.post(&url).header("Content-Type", "text/csv");
                        if let Some(h) = &auth {
                            req = req.header("Authorization", h);
                        }
                        let result = req.send(body.as_bytes());
                        let Ok(mut t) = totals.lock() else { return };
                        t.requests += 1;
                        match result {
                            Ok(mut resp) => {
                                let status = resp.status().as_u16();
                                let retry_after = resp
                                    .headers()
                                    .get("retry-after")
                                    .and_then(|v| v.to_str().ok())
                                    .and_then(|v| v.trim().parse::<f64>().ok())
                                    .unwrap_or(1.0);
                                let text = resp.body_mut().read_to_string().unwrap_or_default();
                                match status {
                                    200..=299 => {
                                        let v: Value =
                                            serde_json::from_str(&text).unwrap_or_default();
                                        let g = |k: &str| v[k].as_u64().unwrap_or(0);
                                        t.acked += g("accepted");
                                        t.new += g("new");
                                        t.duplicates += g("duplicates");
                                        t.rejected += g("rejected");
                                        t.latencies_ms.push(first.elapsed().as_secs_f64() * 1000.0);
                                        drop(t);
                                        if mark_batch == Some(k) {
                                            if let Ok(mut m) = mark_acked.lock() {
                                                *m = Some(Instant::now());
                                            }
                                        }
                                        break;
                                    }
                                    429 | 503 => {
                                        if status == 429 {
                                            t.r429 += 1;
                                        } else {
                                            t.r503 += 1;
                                        }
                                        // Give a batch up after two minutes of refusals.
                                        if !retry || first.elapsed() > Duration::from_secs(120) {
                                            t.dropped += *n as u64;
                                            break;
                                        }
                                        drop(t);
                                        std::thread::sleep(Duration::from_secs_f64(
                                            retry_after.clamp(0.05, 10.0),
                                        ));
                                    }
                                    _ => {
                                        t.errors += 1;
                                        t.last_error = Some(format!("{status}: {text}"));
                                        t.dropped += *n as u64;
                                        break;
                                    }
                                }
                            }
                            Err(e) => {
                                t.errors += 1;
                                t.last_error = Some(e.to_string());
                                if attempts >= 5 {
                                    t.dropped += *n as u64;
                                    break;
                                }
                                drop(t);
                                std::thread::sleep(Duration::from_secs(1));
                            }
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    let seconds = t0.elapsed().as_secs_f64();
    load_done.store(true, Ordering::Relaxed);
    let alert = poller.join().unwrap_or_default();

    let mut t = match totals.lock() {
        Ok(mut t) => std::mem::take(&mut *t),
        Err(_) => Totals::default(),
    };
    t.latencies_ms.sort_by(f64::total_cmp);
    let lat = |p: f64| percentile(&t.latencies_ms, p).map(round3);
    let mark_at = mark_acked
        .lock()
        .ok()
        .and_then(|m| *m)
        .map(|i| i.duration_since(t0).as_secs_f64());
    let since_mark = |x: Option<f64>| match (mark_at, x) {
        (Some(m), Some(x)) => Some(round3(x - m)),
        _ => None,
    };
    let out = json!({
        "input": a.input,
        "rate_target": a.rate,
        "batch": a.batch,
        "connections": a.connections,
        "posts_offered": posts_offered,
        "posts_acked": t.acked,
        "new": t.new,
        "duplicates": t.duplicates,
        "rejected": t.rejected,
        "requests": t.requests,
        "refused_429": t.r429,
        "refused_503": t.r503,
        "dropped_posts": t.dropped,
        "errors": t.errors,
        "last_error": t.last_error,
        "seconds": round3(seconds),
        "posts_per_s": round3(t.acked as f64 / seconds),
        "offered_per_s": round3(if a.rate > 0.0 { a.rate } else { posts_offered as f64 / seconds }),
        "ack_latency_ms": {"p50": lat(0.5), "p99": lat(0.99), "max": lat(1.0)},
        "mark": mark_id.as_ref().map(|m| json!({
            "post": m,
            "batch": mark_batch,
            "acked_at_s": mark_at.map(round3),
            "alert_at_s": alert.first_at.map(round3),
            "alert_latency_s": since_mark(alert.first_at),
            "campaign_alert_at_s": alert.campaign_at.map(round3),
            "campaign_alert_latency_s": since_mark(alert.campaign_at),
            "alert": alert.first,
        })),
    });
    println!("{out}");
}

/// The newest alert's sequence number.
fn latest_seq(agent: &ureq::Agent, url: &str, auth: Option<&str>) -> Option<i64> {
    let list = get_alerts(agent, url, auth, None)?;
    list.iter().filter_map(|a| a["seq"].as_i64()).max()
}

fn get_alerts(
    agent: &ureq::Agent,
    url: &str,
    auth: Option<&str>,
    after: Option<i64>,
) -> Option<Vec<Value>> {
    let u = match after {
        Some(s) => format!("{url}/api/v1/alerts?after={s}&limit=1000"),
        None => format!("{url}/api/v1/alerts?limit=1"),
    };
    let mut req = agent.get(&u);
    if let Some(h) = auth {
        req = req.header("Authorization", h);
    }
    let mut resp = req.call().ok()?;
    if resp.status().as_u16() != 200 {
        return None;
    }
    let text = resp.body_mut().read_to_string().ok()?;
    serde_json::from_str::<Vec<Value>>(&text).ok()
}

#[derive(Default)]
struct AlertSeen {
    /// Seconds after the start when the first new_campaign alert was listed.
    first_at: Option<f64>,
    first: Option<Value>,
    /// …and the first naming at least half of the marked campaign's accounts.
    campaign_at: Option<f64>,
}

/// Poll `GET /api/v1/alerts` every 250 ms until the alert(s) are seen, or the load is done
/// and `timeout` has passed since the mark was acknowledged (or since the load ended).
#[allow(clippy::too_many_arguments)]
fn poll_alerts(
    t0: Instant,
    url: &str,
    auth: Option<&str>,
    baseline: i64,
    has_mark: bool,
    mark_acked: &Mutex<Option<Instant>>,
    load_done: &AtomicBool,
    accounts: Option<&HashSet<String>>,
    timeout: Duration,
) -> AlertSeen {
    let agent = agent();
    let mut seen = AlertSeen::default();
    let mut after = baseline;
    let mut done_at: Option<Instant> = None;
    loop {
        if let Some(list) = get_alerts(&agent, url, auth, Some(after)) {
            let now = t0.elapsed().as_secs_f64();
            for al in &list {
                after = after.max(al["seq"].as_i64().unwrap_or(after));
                if al["kind"] != "new_campaign" && al["kind"] != "campaign_growth" {
                    continue;
                }
                if al["kind"] == "new_campaign" && seen.first_at.is_none() {
                    seen.first_at = Some(now);
                    seen.first = Some(json!({
                        "seq": al["seq"], "title": al["title"], "event_time": al["event_time"],
                        "created": al["created"],
                    }));
                }
                if let (Some(want), None) = (accounts, seen.campaign_at) {
                    let detail = if al["kind"] == "new_campaign" {
                        &al["detail"]
                    } else {
                        &al["detail"]["campaign"]
                    };
                    let hit = detail["accounts"]
                        .as_array()
                        .map(|v| {
                            v.iter()
                                .filter_map(|x| x.as_str())
                                .filter(|x| want.contains(*x))
                                .count()
                        })
                        .unwrap_or(0);
                    if hit * 2 >= want.len().max(1) {
                        seen.campaign_at = Some(now);
                    }
                }
            }
        }
        let complete =
            seen.first_at.is_some() && (accounts.is_none() || seen.campaign_at.is_some());
        let marked = mark_acked.lock().ok().and_then(|m| *m);
        if complete && (!has_mark || marked.is_some()) {
            return seen;
        }
        if load_done.load(Ordering::Relaxed) {
            if !has_mark {
                return seen;
            }
            let since = *done_at.get_or_insert_with(Instant::now);
            let from = marked.map_or(since, |m| m.max(since));
            if from.elapsed() > timeout {
                return seen;
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}
