//! `lockstep serve` end to end: h20's planted campaigns streamed in two-hour steps each
//! raise `new_campaign` within two minutes of the step that makes them detectable (which
//! round that is gets printed; the copy-paste ring's is the third), an alert on a group
//! that is not planted is withdrawn (`campaign_set_aside`) once the group is set aside,
//! no planted campaign's alert is withdrawn, the alert reaches a
//! local webhook (after a failed first delivery, so the retry is exercised) and the
//! server-sent event stream; a simulated organic week, analysed every twelve hours of
//! event time, raises no campaign alert.

mod common;

use common::serve::Server;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `lockstep serve` on the database `db.sqlite` in `dir`, with `config` as its
/// configuration file.
fn start(dir: &Path, config: &str) -> Server {
    let cfg = dir.join("serve.toml");
    std::fs::write(&cfg, config).expect("config");
    Server::start(
        dir,
        &dir.join("db.sqlite"),
        &[OsStr::new("--config"), cfg.as_os_str()],
    )
}

/// Post a cnt-csv batch, which must be accepted with a JSON answer.
fn ingest(server: &Server, body: &[u8]) -> Value {
    let r = server.post("/api/v1/ingest?format=cnt-csv", body);
    assert_eq!(r.status, 200, "ingest: {}", r.text());
    r.json()
}

/// Every alert so far.
fn alerts(server: &Server) -> Vec<Value> {
    server
        .get_json("/api/v1/alerts?after=0&limit=1000")
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Posts of a generated posts.csv, sorted by time: (time, CSV line).
fn posts(dir: &Path) -> (String, Vec<(f64, String)>) {
    let text = std::fs::read_to_string(dir.join("posts.csv")).expect("posts.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header = rdr
        .headers()
        .expect("header")
        .iter()
        .collect::<Vec<_>>()
        .join(",");
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.expect("record");
        let t: f64 = rec[6].parse().expect("timestamp");
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&rec).expect("write");
        let line = String::from_utf8(w.into_inner().expect("flush")).expect("utf8");
        out.push((t, line));
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    (header, out)
}

fn send(server: &Server, header: &str, lines: &[(f64, String)]) {
    for chunk in lines.chunks(5000) {
        let mut body = format!("{header}\n");
        for (_, l) in chunk {
            body.push_str(l);
        }
        ingest(server, body.as_bytes());
    }
}

/// Rounds of each planted campaign: runs of its posts with gaps under ten minutes.
fn rounds(dir: &Path, lines: &[(f64, String)]) -> BTreeMap<String, Vec<(f64, f64)>> {
    let mut truth = std::collections::HashMap::new();
    let mut r = csv::Reader::from_path(dir.join("truth_posts.csv")).expect("truth_posts");
    for rec in r.records() {
        let rec = rec.expect("record");
        if !rec[2].is_empty() {
            truth.insert(rec[0].to_string(), rec[2].to_string());
        }
    }
    let mut out: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for (t, line) in lines {
        let id = line.split(',').next().unwrap_or("");
        let Some(c) = truth.get(id) else { continue };
        let rs = out.entry(c.clone()).or_default();
        match rs.last_mut() {
            Some(last) if *t - last.1 <= 600.0 => last.1 = *t,
            _ => rs.push((*t, *t)),
        }
    }
    out
}

fn members(dir: &Path, label: &str) -> HashSet<String> {
    let mut r = csv::Reader::from_path(dir.join("truth.csv")).expect("truth.csv");
    r.records()
        .map(|x| x.expect("record"))
        .filter(|x| &x[1] == label)
        .map(|x| x[0].to_string())
        .collect()
}

/// Requests a webhook receiver answered: (status it gave, body).
type Deliveries = Arc<Mutex<Vec<(u16, String)>>>;

/// A webhook receiver that fails its first request (500) and accepts the rest.
fn webhook_receiver() -> (u16, Deliveries) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen: Deliveries = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            let mut seen = log.lock().expect("lock");
            let code = if seen.is_empty() { 500 } else { 200 };
            seen.push((code, String::from_utf8_lossy(&body).into_owned()));
            let _ = write!(
                stream,
                "HTTP/1.1 {code} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (port, seen)
}

/// Send `lines` in steps of `step_s` seconds of event time; after each, wait until the
/// service has analysed it (its watermark is the step's newest post and nothing is
/// pending), then call `each(step_end_time, when_the_step_was_sent)`.
fn stream_in_steps(
    server: &Server,
    header: &str,
    lines: &[(f64, String)],
    step_s: f64,
    mut each: impl FnMut(f64, Instant),
) {
    let mut from = 0;
    while from < lines.len() {
        let end_t = lines[from].0 + step_s;
        let to = lines[from..]
            .iter()
            .position(|(t, _)| *t >= end_t)
            .map_or(lines.len(), |p| from + p);
        let sent_at = Instant::now();
        send(server, header, &lines[from..to]);
        let newest = (lines[to - 1].0 * 1000.0).round() as i64;
        server.wait_stats("the refresh to catch up", 180, |stats| {
            let wm = stats["watermark"]
                .as_str()
                .and_then(lockstep_ingest::timefmt::iso8601_to_ms);
            wm == Some(newest) && stats["pending"] == 0
        });
        each(lines[to - 1].0, sent_at);
        from = to;
    }
}

#[test]
fn planted_campaigns_alert_within_two_minutes_of_their_data() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let gen = tmp.path().join("gen");
    common::lockstep_ok(&[
        "generate",
        "--scenario",
        "h20",
        "--seed",
        "1",
        "--scale",
        "1",
        "--out",
        gen.to_str().expect("utf8"),
    ]);
    let (header, lines) = posts(&gen);
    let rounds = rounds(&gen, &lines);
    let truth: BTreeMap<String, HashSet<String>> = rounds
        .keys()
        .map(|c| (c.clone(), members(&gen, c)))
        .collect();
    let (hook_port, hook) = webhook_receiver();
    let server = start(
        tmp.path(),
        &format!(
            "[detection]\nrefresh = \"500ms\"\n[[alerts.webhooks]]\nurl = \"http://127.0.0.1:{hook_port}/hook\"\n"
        ),
    );
    // Two hours of event time per step, each analysed before the next: for every planted
    // campaign, the round after which its first alert came, and how long after that
    // step was sent.
    let mut first_alert: BTreeMap<String, (usize, Duration, Value)> = BTreeMap::new();
    let mut false_alerts: BTreeMap<i64, Value> = BTreeMap::new();
    let mut set_aside: HashSet<i64> = HashSet::new();
    let mut seen_seq = 0;
    stream_in_steps(
        &server,
        &header,
        &lines,
        2.0 * 3600.0,
        |step_end, sent_at| {
            for a in alerts(&server) {
                let seq = a["seq"].as_i64().unwrap_or(0);
                if seq <= seen_seq {
                    continue;
                }
                seen_seq = seq;
                if a["kind"] == "campaign_set_aside" {
                    set_aside.insert(a["campaign_id"].as_i64().unwrap_or(0));
                }
                if a["kind"] != "new_campaign" {
                    continue;
                }
                let acc: Vec<&str> = a["detail"]["accounts"]
                    .as_array()
                    .map(|v| v.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let best = truth
                    .iter()
                    .map(|(c, m)| (c, acc.iter().filter(|x| m.contains(**x)).count()))
                    .max_by_key(|x| x.1);
                match best {
                    Some((c, hit)) if hit * 2 >= acc.len() => {
                        // The campaign list carries it, with a score, while it is live.
                        let listed = server.get_json("/api/v1/campaigns");
                        assert!(
                            listed.as_array().expect("list").iter().any(|l| {
                                l["id"] == a["campaign_id"] && l["score"].as_f64().is_some()
                            }),
                            "alerted campaign {} not listed: {listed}",
                            a["campaign_id"]
                        );
                        let round = rounds[c].iter().filter(|r| r.1 <= step_end).count();
                        first_alert.entry(c.clone()).or_insert((
                            round,
                            sent_at.elapsed(),
                            a.clone(),
                        ));
                    }
                    _ => {
                        false_alerts
                            .insert(a["campaign_id"].as_i64().unwrap_or(0), a["title"].clone());
                    }
                }
            }
        },
    );
    for (c, (round, latency, a)) in &first_alert {
        eprintln!(
            "{c}: first alert after round {round}, {:.1} s after the step was sent: {}",
            latency.as_secs_f64(),
            a["title"]
        );
        assert!(
            *latency < Duration::from_secs(120),
            "{c}: alert {latency:?} after its data"
        );
    }
    eprintln!("alerts on groups that are not planted campaigns: {false_alerts:?}");
    eprintln!("campaigns set aside later: {set_aside:?}");
    // Such a group (fans making most of an idol's reposts early in the stream) is set
    // aside once more of the crowd is in the window, and the service withdraws its alert.
    for (c, (_, _, a)) in &first_alert {
        assert!(
            !set_aside.contains(&a["campaign_id"].as_i64().unwrap_or(0)),
            "the alert on planted campaign {c} was withdrawn"
        );
    }
    for (id, title) in &false_alerts {
        assert!(
            set_aside.contains(id),
            "alert on campaign {id} ({title}) that is not planted was never withdrawn"
        );
    }
    // The bar: a planted campaign alerts within two minutes of its third round.
    assert!(
        first_alert
            .values()
            .any(|(round, latency, _)| *round <= 3 && *latency < Duration::from_secs(120)),
        "no planted campaign alerted by its third round: {:?}",
        first_alert
            .iter()
            .map(|(c, (r, _, _))| (c, r))
            .collect::<Vec<_>>()
    );
    assert!(
        first_alert.len() * 5 >= rounds.len() * 4,
        "campaigns alerted: {:?} of {:?}\n{}",
        first_alert.keys().collect::<Vec<_>>(),
        rounds.keys().collect::<Vec<_>>(),
        server.log_text()
    );
    // Webhook: the first delivery fails (500); the retry delivers the same alert.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let got = hook.lock().expect("lock").clone();
        if got.len() >= 2 && got.iter().any(|(c, _)| *c == 200) {
            assert_eq!(got[0].0, 500);
            let first: Value = serde_json::from_str(&got[0].1).expect("JSON body");
            let retried: Value = serde_json::from_str(&got[1].1).expect("JSON body");
            assert_eq!(first["seq"], retried["seq"], "retried in order");
            assert!(first["kind"].as_str().is_some());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "webhook not retried: {got:?}\n{}",
            server.log_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // Server-sent events replay from Last-Event-ID.
    let mut s = TcpStream::connect_timeout(&server.addr, Duration::from_secs(20)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        s,
        "GET /api/v1/alerts/stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 0\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("request");
    let mut reader = BufReader::new(s);
    let mut seen_event = false;
    for _ in 0..200 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if line.starts_with("event: alert") {
            seen_event = true;
            break;
        }
    }
    assert!(seen_event, "no alert over server-sent events");
}

#[test]
fn organic_week_raises_no_campaign_alert() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let gen = tmp.path().join("gen");
    common::lockstep_ok(&[
        "generate",
        "--scenario",
        "organic",
        "--seed",
        "2",
        "--scale",
        "3",
        "--out",
        gen.to_str().expect("utf8"),
    ]);
    let (header, lines) = posts(&gen);
    let span_h = (lines.last().expect("posts").0 - lines[0].0) / 3600.0;
    assert!(span_h >= 160.0, "a week of posts, got {span_h:.0} h");
    let server = start(tmp.path(), "[detection]\nrefresh = \"500ms\"\n");
    // Twelve hours of event time per step; each step is analysed before the next.
    let mut refreshes = 0;
    stream_in_steps(&server, &header, &lines, 12.0 * 3600.0, |_, _| {
        refreshes += 1
    });
    let alerts = alerts(&server);
    let campaign_alerts: Vec<_> = alerts
        .iter()
        .filter(|a| a["kind"] == "new_campaign" || a["kind"] == "campaign_growth")
        .collect();
    eprintln!(
        "organic week: {} posts, {refreshes} analysed steps, {} alerts",
        lines.len(),
        alerts.len()
    );
    assert!(
        campaign_alerts.is_empty(),
        "organic data raised campaign alerts: {campaign_alerts:?}"
    );
    let stats = server.stats();
    assert_eq!(stats["posts"].as_u64(), Some(lines.len() as u64));
}
