//! `lockstep serve` loses no acknowledged post and counts none twice across twenty
//! `kill -9` and restart cycles during ingest.
//!
//! Two client threads post batches of unique posts continuously; the server is killed
//! (SIGKILL) at random moments and restarted on the same database; batches that got no
//! answer are sent again after the restart (a batch that had in fact been committed must
//! then come back as duplicates, never as new posts). At the end the stored count equals
//! the distinct posts sent, and re-posting every batch answers `new: 0` for all of them:
//! every acknowledged post is on disk.
//!
//! The client is the tiny HTTP/1.1 client of `common::serve`. Pass or fail depends on
//! correctness only: the kill moments are random but every outcome is checked the same
//! way, and every wait has a timeout.

mod common;

use common::serve::{cnt_row, post_cnt, post_until_acked, Server, CNT_HEADER};
use std::collections::VecDeque;
use std::ffi::OsStr;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift64*), so a failing run can be replayed with
/// `LOCKSTEP_TEST_SEED`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

// ---------------------------------------------------------------------------------------

/// One batch of posts `first..first + len` and what happened to it.
#[derive(Clone, Debug, Default)]
struct BatchLog {
    first: u64,
    len: u64,
    /// (new, duplicates) of every 2xx answer.
    acks: Vec<(u64, u64)>,
    /// Sends that got no answer (the server died first); they may have been committed.
    unanswered: u64,
}

impl BatchLog {
    /// cnt-csv rows; quoted text with commas, quotes and a newline, reposts, links.
    fn body(&self) -> String {
        let mut s = String::from(CNT_HEADER);
        for id in self.first..self.first + self.len {
            let repost = (id % 6 == 0 && id > self.first).then(|| id - 1);
            let url = (id % 4 == 0).then(|| format!("https://example.com/a/{}", id % 40));
            let text = if id % 9 == 0 {
                format!("\"line one, {id}\nline \"\"two\"\" #tag{}\"", id % 5)
            } else {
                format!("\"post {id}, #tag{}\"", id % 5)
            };
            s.push_str(&cnt_row(
                id,
                5000 + id % 300,
                repost,
                &text,
                1_754_006_400 + id / 10,
                url.as_deref(),
            ));
        }
        s
    }
}

struct State {
    batches: Vec<BatchLog>,
    /// Batches to send (again) first: unanswered or refused ones.
    queue: VecDeque<usize>,
    next_id: u64,
    rng: Rng,
    /// Problems seen by client threads (checked by the test thread).
    errors: Vec<String>,
    /// Acknowledged batches sent again on purpose (a client retrying after an answer it
    /// lost is indistinguishable for the server).
    resent_acked: u64,
}

impl State {
    /// The next batch to send: a queued one, an acknowledged one again now and then, or a
    /// new one of 200..2,000 posts.
    fn take(&mut self) -> usize {
        if let Some(i) = self.queue.pop_front() {
            return i;
        }
        let acked: Vec<usize> = (0..self.batches.len())
            .filter(|&i| !self.batches[i].acks.is_empty())
            .collect();
        if !acked.is_empty() && self.rng.range(0, 10) == 0 {
            self.resent_acked += 1;
            return acked[self.rng.range(0, acked.len() as u64) as usize];
        }
        let len = self.rng.range(200, 2001);
        self.batches.push(BatchLog {
            first: self.next_id,
            len,
            ..BatchLog::default()
        });
        self.next_id += len;
        self.batches.len() - 1
    }
}

/// Post batches until `stop`; unanswered batches go back to the queue.
fn client(addr: SocketAddr, state: Arc<Mutex<State>>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut s) = state.lock() else { return };
        let i = s.take();
        let batch = s.batches[i].clone();
        drop(s);
        let answer = post_cnt(addr, batch.body().as_bytes(), Duration::from_secs(60));
        let Ok(mut s) = state.lock() else { return };
        match answer {
            Ok(r) if r.status == 200 => {
                let v: serde_json::Value = match serde_json::from_slice(&r.body) {
                    Ok(v) => v,
                    Err(e) => {
                        s.errors.push(format!("2xx is not JSON: {e}: {}", r.text()));
                        s.queue.push_back(i);
                        continue;
                    }
                };
                let n = |k: &str| v[k].as_u64().unwrap_or(u64::MAX);
                let (new, dup) = (n("new"), n("duplicates"));
                if n("accepted") != batch.len || n("rejected") != 0 || new + dup != batch.len {
                    s.errors
                        .push(format!("batch {i} of {} posts answered {v}", batch.len));
                }
                s.batches[i].acks.push((new, dup));
            }
            Ok(r) if r.status == 429 || r.status == 503 => {
                let wait = r
                    .header("retry-after")
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(1)
                    .min(2);
                s.queue.push_front(i);
                drop(s);
                std::thread::sleep(Duration::from_millis(100 * wait));
            }
            Ok(r) => {
                s.errors
                    .push(format!("batch {i}: unexpected {} {}", r.status, r.text()));
                s.queue.push_back(i);
            }
            Err(_) => {
                // Killed (or not listening yet after a restart): send it again later.
                s.batches[i].unanswered += 1;
                s.queue.push_front(i);
                drop(s);
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Send batch `i` until it is acknowledged (bounded), returning (new, duplicates).
fn send_until_acked(addr: SocketAddr, b: &BatchLog) -> (u64, u64) {
    let v = post_until_acked(addr, b.body().as_bytes(), Duration::from_secs(60), 60).json();
    assert_eq!(v["accepted"], b.len, "{v}");
    (
        v["new"].as_u64().expect("new"),
        v["duplicates"].as_u64().expect("duplicates"),
    )
}

const CYCLES: usize = 20;
const CLIENTS: usize = 2;

#[test]
fn twenty_kill_9_restarts_lose_no_acknowledged_post_and_count_none_twice() {
    let seed = std::env::var("LOCKSTEP_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_u64);
    eprintln!("seed {seed} (set LOCKSTEP_TEST_SEED to replay)");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("durable.db");
    let config = dir.path().join("serve.toml");
    // The detector stays idle (first refresh in an hour; a small window when it loads),
    // so the kill lands on ingest; the limits stay out of the way.
    std::fs::write(
        &config,
        "[detection]\nrefresh = \"1h\"\nmax_window_posts = 1000\n\
         [limits]\ningest_requests_per_s = 1000.0\ningest_burst = 1000.0\n\
         max_concurrent_ingest = 8\nmax_pending_posts = 200000\n",
    )
    .expect("writing the config");
    let serve_args = [OsStr::new("--config"), config.as_os_str()];
    let state = Arc::new(Mutex::new(State {
        batches: Vec::new(),
        queue: VecDeque::new(),
        next_id: 1_000_000,
        rng: Rng(seed | 1),
        errors: Vec::new(),
        resent_acked: 0,
    }));
    let mut rng = Rng(seed.rotate_left(17) | 1);
    let began = Instant::now();
    let mut kill_after = Vec::new();
    for cycle in 0..CYCLES {
        let mut server = Server::start(dir.path(), &db, &serve_args);
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let (state, stop) = (state.clone(), stop.clone());
                let addr = server.addr;
                std::thread::spawn(move || client(addr, state, stop))
            })
            .collect();
        // A random moment: sometimes right away, mostly while batches are in flight.
        let ms = if rng.range(0, 5) == 0 {
            rng.range(0, 60)
        } else {
            rng.range(60, 1500)
        };
        std::thread::sleep(Duration::from_millis(ms));
        server.kill();
        kill_after.push(ms);
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.join().expect("a client thread panicked");
        }
        let s = state.lock().expect("state");
        assert!(
            s.errors.is_empty(),
            "cycle {cycle}: {:?}\nserver log:\n{}",
            s.errors,
            server.log_text()
        );
    }
    let cycles_s = began.elapsed().as_secs_f64();

    // Restart once more; send every batch that was never acknowledged until it is.
    let server = Server::start(dir.path(), &db, &serve_args);
    let addr = server.addr;
    let mut s = std::mem::replace(
        &mut *state.lock().expect("state"),
        State {
            batches: Vec::new(),
            queue: VecDeque::new(),
            next_id: 0,
            rng: Rng(1),
            errors: Vec::new(),
            resent_acked: 0,
        },
    );
    for b in s.batches.iter_mut().filter(|b| b.acks.is_empty()) {
        let ack = send_until_acked(addr, b);
        b.acks.push(ack);
    }

    let distinct: u64 = s.batches.iter().map(|b| b.len).sum();
    let acked_posts: u64 = s
        .batches
        .iter()
        .flat_map(|b| b.acks.iter().map(|(n, d)| n + d))
        .sum();
    let acked_dups: u64 = s.batches.iter().flat_map(|b| &b.acks).map(|a| a.1).sum();
    let unanswered_posts: u64 = s.batches.iter().map(|b| b.unanswered * b.len).sum();
    let unanswered: u64 = s.batches.iter().map(|b| b.unanswered).sum();
    // Batches that some unanswered send had committed: their first answer saw duplicates.
    let committed_unanswered = s
        .batches
        .iter()
        .filter(|b| b.unanswered > 0 && b.acks.first().is_some_and(|a| a.1 > 0))
        .count();

    // No post was ever reported new twice: per batch, the `new` of all answers add up to
    // at most its size (exactly its size when every send was answered).
    for (i, b) in s.batches.iter().enumerate() {
        let new: u64 = b.acks.iter().map(|a| a.0).sum();
        assert!(
            new <= b.len,
            "batch {i}: {new} posts new in {:?} of {}",
            b.acks,
            b.len
        );
        if b.unanswered == 0 {
            assert_eq!(new, b.len, "batch {i}, always answered: {:?}", b.acks);
        }
    }

    let st = server.stats();
    let posts = st["posts"].as_u64().expect("stats.posts");
    let dups = st["duplicates"].as_u64().expect("stats.duplicates");
    assert_eq!(
        posts,
        distinct,
        "stored posts = distinct posts sent ({} batches, every one acknowledged): {st}",
        s.batches.len()
    );
    // Every committed request counted each of its posts once, as new or duplicate; the
    // committed requests are the answered ones plus some of the unanswered ones.
    assert!(
        posts + dups >= acked_posts && posts + dups <= acked_posts + unanswered_posts,
        "posts {posts} + duplicates {dups} must lie in [{acked_posts}, {}]: {st}",
        acked_posts + unanswered_posts
    );
    assert!(
        dups >= acked_dups,
        "duplicates {dups} < answered duplicates {acked_dups}"
    );
    assert_eq!(st["rejected"], 0, "{st}");

    // Every acknowledged post is on disk: all of them come back as duplicates.
    for (i, b) in s.batches.iter().enumerate() {
        let (new, dup) = send_until_acked(addr, b);
        assert_eq!(
            (new, dup),
            (0, b.len),
            "batch {i} sent again after the last restart"
        );
    }
    let end = server.stats();
    assert_eq!(end["posts"], posts, "{end}");
    assert_eq!(
        end["duplicates"].as_u64().expect("duplicates"),
        dups + distinct,
        "{end}"
    );
    eprintln!(
        "{CYCLES} kill -9 cycles in {cycles_s:.1} s (kills after {kill_after:?} ms): {} batches, \
         {distinct} distinct posts, {unanswered} unanswered sends ({unanswered_posts} posts), \
         {committed_unanswered} batches committed without an answer, {} acknowledged batches \
         resent on purpose; stats posts {posts}, duplicates {dups}",
        s.batches.len(),
        s.resent_acked
    );
    drop(server);
}
