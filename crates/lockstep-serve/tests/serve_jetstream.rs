//! `lockstep serve --jetstream` end to end against the replay server: the real Bluesky
//! sample followed by the h20 scenario's posts as Jetstream events. The replay server cuts
//! the first two connections, the service is killed with SIGKILL in the middle of the
//! stream and restarted on the same database; in the end every post is stored exactly
//! once, every reconnect resumed from a stored cursor, and the consumer is connected.

mod common;

use common::serve::{self, Server};
use lockstep_test_support::replay::{
    self, Cut, RelayClock, ReplayEvent, ReplayOptions, ReplayServer, Subscription,
};
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Posts and reposts, as a consumer interested in both would subscribe (several
/// `wantedCollections` parameters, which the consumer must keep when it adds `cursor`).
const SUBSCRIBE: &str =
    "/subscribe?wantedCollections=app.bsky.feed.post&wantedCollections=app.bsky.feed.repost";

fn num(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("stats without '{key}': {v}"))
}

/// The Bluesky sample in time order, then h20's posts as live events after it.
fn events(dir: &Path) -> (Vec<ReplayEvent>, usize) {
    let mut events = replay::read_jsonl(&common::test_data("bluesky_jetstream_v1_sample.jsonl"))
        .expect("the Jetstream sample");
    replay::sort_by_time(&mut events);
    let sample_posts = replay::distinct_posts(
        events
            .iter()
            .filter(|e| Subscription::from_uri(SUBSCRIBE).wants(e)),
    );
    let gen = dir.join("gen");
    let out = Command::new(serve::bin())
        .args(["generate", "--scenario", "h20", "--scale", "0.05", "--out"])
        .arg(&gen)
        .output()
        .expect("lockstep generate");
    assert!(
        out.status.success(),
        "lockstep generate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let posts = replay::read_posts(&gen.join("posts.csv")).expect("generated posts");
    let last = events.last().map_or(0, |e| e.time_us);
    // 2 ms apart: the five-second rewind on reconnect replays about 2,500 events.
    events.extend(replay::posts_to_events(
        &posts,
        RelayClock::Sequential {
            start_us: last + 1_000,
            step_us: 2_000,
        },
    ));
    (events, sample_posts + posts.len())
}

#[test]
fn jetstream_resumes_across_cuts_and_kill_9_without_losing_or_doubling_posts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (events, expected_posts) = events(dir.path());
    let sub = Subscription::from_uri(SUBSCRIBE);
    let expected = replay::distinct_posts(events.iter().filter(|e| sub.wants(e)));
    assert_eq!(
        expected, expected_posts,
        "every generated post survives the trip through Jetstream events"
    );
    assert!(expected > 10_000, "{expected}");
    let max_time = events.iter().map(|e| e.time_us).max().expect("events");

    let replay = ReplayServer::start(
        events,
        ReplayOptions {
            rate: 4_000.0,
            cut_after: vec![100, 3_000],
            cut: Cut::Close,
        },
    )
    .expect("replay server");
    let url = replay.url(SUBSCRIBE);
    let db = dir.path().join("db.sqlite");
    let serve_args = [OsStr::new("--jetstream"), OsStr::new(&url)];

    // First run: through both cuts, killed with SIGKILL in the middle of the stream.
    let mut first = Server::start(dir.path(), &db, &serve_args);
    let s = first.wait_stats("40 % of the posts", 180, |s| {
        num(s, "posts") as f64 >= 0.4 * expected as f64
    });
    assert!(num(&s, "posts") < expected as u64, "killed too late: {s}");
    first.kill();
    let before_restart = replay.log().connections().len();
    assert!(
        before_restart >= 3,
        "both cuts happened before the kill: {:?}",
        replay.log().connections()
    );

    // Second run, same database: resumes from the stored cursor.
    let second = Server::start(dir.path(), &db, &serve_args);
    let s = second.wait_stats("every post", 180, |s| {
        num(s, "posts") >= expected as u64 && s["jetstream"]["cursor_us"].as_i64() == Some(max_time)
    });
    assert_eq!(num(&s, "posts"), expected as u64, "{s}");
    assert!(num(&s, "duplicates") > 0, "the rewind replays events: {s}");
    assert_eq!(s["jetstream"]["connected"], Value::Bool(true), "{s}");

    let conns = replay.log().connections();
    for c in &conns {
        eprintln!(
            "connection {}: cursor {:?}, sent {}, max time_us {:?}, cut {}",
            c.index, c.cursor, c.sent, c.max_time_us, c.cut
        );
    }
    eprintln!("stats after the restart: {s}");
    assert!(conns.len() > before_restart, "{conns:?}");
    assert_eq!(conns[0].cursor, None, "a fresh database has no cursor");
    for (i, c) in conns.iter().enumerate().skip(1) {
        let sent_before = conns[..i]
            .iter()
            .filter_map(|c| c.max_time_us)
            .max()
            .expect("events were sent before a reconnect");
        let cursor = c
            .cursor
            .unwrap_or_else(|| panic!("reconnect {i} without a cursor: {conns:?}"));
        assert!(
            cursor > 0 && cursor <= sent_before,
            "reconnect {i} asked for cursor {cursor}, largest time_us sent before {sent_before}"
        );
        assert!(
            c.uri.contains("wantedCollections=app.bsky.feed.post")
                && c.uri.contains("wantedCollections=app.bsky.feed.repost"),
            "other parameters kept: {}",
            c.uri
        );
    }
    assert!(conns[0].cut && conns[1].cut, "{conns:?}");

    // Nothing more arrives later (no double counting after the stream is drained).
    std::thread::sleep(Duration::from_secs(1));
    let s = second.stats();
    assert_eq!(num(&s, "posts"), expected as u64, "{s}");
    drop(second);
    replay.stop().expect("replay server stops");
}
