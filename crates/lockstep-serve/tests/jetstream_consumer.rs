//! lockstep's Jetstream consumer against the replay server of lockstep-test-support: it
//! resumes from its durable cursor after cuts and failed deliveries, never loses or
//! doubles a post, and stops on shutdown.

use lockstep_model::PostRecord;
use lockstep_serve::jetstream::{self, JetstreamSink, JetstreamStatus};
use lockstep_test_support::replay::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

fn post(id: &str, author: &str, t: i64) -> PostRecord {
    PostRecord {
        platform: "twitter".into(),
        id: id.into(),
        author_id: author.into(),
        author_handle: format!("h{author}"),
        time_ms: t,
        ..Default::default()
    }
}

/// A sink that stores posts in memory, as the real store does: parsed by lockstep's
/// reader, duplicates dropped, cursor with the batch.
#[derive(Default)]
struct MemSink {
    inner: Mutex<MemInner>,
    /// Fail one delivery once this many posts are stored (0 = never).
    fail_once_at: std::sync::atomic::AtomicUsize,
    delay: Option<Duration>,
}

#[derive(Default)]
struct MemInner {
    posts: BTreeMap<String, PostRecord>,
    cursor: Option<i64>,
    batches: Vec<(usize, i64)>,
    duplicates: u64,
}

impl JetstreamSink for MemSink {
    async fn deliver(&self, lines: Vec<u8>, cursor_us: i64) -> anyhow::Result<()> {
        if let Some(d) = self.delay {
            tokio::time::sleep(d).await;
        }
        let at = self.fail_once_at.load(Ordering::SeqCst);
        if at > 0 && self.inner.lock().unwrap().posts.len() >= at {
            self.fail_once_at.store(0, Ordering::SeqCst);
            anyhow::bail!("disk full (test)");
        }
        let n = lines.iter().filter(|&&b| b == b'\n').count();
        let mut ingest = lockstep_ingest::Ingest::new(Default::default());
        ingest.collect();
        ingest.read_stream(
            "jetstream",
            &mut lines.as_slice(),
            Some(lockstep_ingest::format_by_name("jetstream")?),
        )?;
        let (posts, _) = ingest.take_collected();
        let mut g = self.inner.lock().unwrap();
        for p in posts {
            if g.posts.contains_key(&p.id) {
                g.duplicates += 1;
            } else {
                g.posts.insert(p.id.clone(), p);
            }
        }
        g.cursor = Some(cursor_us);
        g.batches.push((n, cursor_us));
        Ok(())
    }

    fn cursor(&self) -> anyhow::Result<Option<i64>> {
        Ok(self.inner.lock().unwrap().cursor)
    }
}

fn sample_and_generated() -> Vec<ReplayEvent> {
    // The real Jetstream sample in the repository's tests/data.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/bluesky_jetstream_v1_sample.jsonl");
    let mut events = read_jsonl(&sample).unwrap();
    sort_by_time(&mut events);
    let last = events.last().unwrap().time_us;
    let posts: Vec<PostRecord> = (0..3000)
        .map(|i| {
            let mut p = post(
                &format!("{i}"),
                &format!("{}", i % 37),
                1_754_000_000_000 + i * 1000,
            );
            if i % 3 == 1 {
                p.repost_of = Some(format!("{}", i - 1));
            } else {
                p.text = format!("post {i}");
            }
            p
        })
        .collect();
    events.extend(posts_to_events(
        &posts,
        RelayClock::Sequential {
            start_us: last + 1000,
            step_us: 2000,
        },
    ));
    events
}

async fn wait_until(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A Jetstream consumer of `url` delivering into `sink`: its status, the sender that
/// stops it and its task.
fn consume(
    url: String,
    sink: Arc<MemSink>,
) -> (
    Arc<JetstreamStatus>,
    watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
) {
    let status = Arc::new(JetstreamStatus::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let task = tokio::spawn(jetstream::run(url, sink, status.clone(), stop_rx));
    (status, stop_tx, task)
}

/// Wait until `sink` holds `expected` posts.
async fn wait_for_posts(sink: &MemSink, expected: usize) {
    wait_until("all posts", 60, || {
        sink.inner.lock().unwrap().posts.len() >= expected
    })
    .await;
}

/// Tell the consumer to stop; it must end within `secs`.
async fn stop(stop_tx: watch::Sender<bool>, task: tokio::task::JoinHandle<()>, secs: u64) {
    stop_tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(secs), task)
        .await
        .expect("run stops on shutdown")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumer_resumes_after_cuts_and_failures_and_stops_on_shutdown() {
    let events = sample_and_generated();
    let path =
        "/subscribe?wantedCollections=app.bsky.feed.post&wantedCollections=app.bsky.feed.repost";
    let sub = Subscription::from_uri(path);
    let expected = distinct_posts(events.iter().filter(|e| sub.wants(e)));
    assert!(expected > 3000 + 20, "{expected}");
    let max_time = events.iter().map(|e| e.time_us).max().unwrap();

    let opts = ReplayOptions {
        rate: 0.0,
        cut_after: vec![40, 1500, 700],
        cut: Cut::Close,
    };
    let server = ReplayServer::start(events, opts).unwrap();
    let sink = Arc::new(MemSink::default());
    let (status, stop_tx, task) = consume(server.url(path), sink.clone());
    wait_for_posts(&sink, expected).await;
    wait_until("connected", 10, || status.connected.load(Ordering::SeqCst)).await;
    let conns = server.log().connections();
    assert!(conns.len() >= 4, "{conns:?}");
    assert_eq!(conns[0].cursor, None);
    for (i, c) in conns.iter().enumerate().skip(1) {
        let before = conns[..i]
            .iter()
            .filter_map(|c| c.max_time_us)
            .max()
            .unwrap();
        let cur = c.cursor.expect("a reconnect asks for a cursor");
        assert!(cur > 0 && cur <= before, "{c:?}");
        assert!(c.uri.contains("wantedCollections=app.bsky.feed.repost"));
    }
    {
        let g = sink.inner.lock().unwrap();
        assert_eq!(g.posts.len(), expected);
        assert_eq!(g.cursor, Some(max_time));
        assert!(g
            .batches
            .iter()
            .all(|(n, _)| *n <= jetstream::MAX_BATCH_EVENTS));
        assert!(
            g.batches.windows(2).all(|w| w[0].1 <= w[1].1),
            "cursor went backwards"
        );
        assert!(g.duplicates > 0, "the rewind replays some events");
    }
    assert_eq!(status.cursor_us.load(Ordering::SeqCst), max_time);
    assert_eq!(status.reconnects.load(Ordering::SeqCst), 3);
    stop(stop_tx, task, 5).await;
    assert!(!status.connected.load(Ordering::SeqCst));
    server.stop().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_delivery_reconnects_from_the_durable_cursor_and_drop_cuts_resume() {
    let events = sample_and_generated();
    let expected = distinct_posts(&events);
    let opts = ReplayOptions {
        rate: 5_000.0,
        cut_after: vec![1000, 1000],
        cut: Cut::Drop,
    };
    let server = ReplayServer::start(events, opts).unwrap();
    let sink = Arc::new(MemSink {
        delay: Some(Duration::from_millis(5)),
        fail_once_at: 1500.into(),
        ..Default::default()
    });
    let (status, stop_tx, task) = consume(server.url("/subscribe"), sink.clone());
    wait_for_posts(&sink, expected).await;
    assert_eq!(sink.inner.lock().unwrap().posts.len(), expected);
    assert!(status.last_error.lock().unwrap().is_some());
    let conns = server.log().connections();
    assert_eq!(
        conns.len(),
        4,
        "two cuts and one failed delivery: {conns:?}"
    );
    assert!(conns[1..].iter().all(|c| c.cursor.is_some()));
    assert_eq!(
        sink.fail_once_at.load(Ordering::SeqCst),
        0,
        "the failure happened"
    );
    // Shutdown while connected and idle.
    stop(stop_tx, task, 5).await;
}

#[tokio::test]
async fn shutdown_stops_a_consumer_that_cannot_connect() {
    // A port nobody listens on: run keeps retrying until told to stop.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (status, stop_tx, task) = consume(
        format!("ws://127.0.0.1:{port}/subscribe"),
        Arc::new(MemSink::default()),
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(status.reconnects.load(Ordering::SeqCst) >= 1);
    assert!(status.last_error.lock().unwrap().is_some());
    drop(stop_tx); // a dropped sender also means stop
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("run stops")
        .unwrap();
}
