//! A Jetstream replay server for tests and benchmarks: a real WebSocket server that plays a
//! fixed list of events the way Jetstream would, honouring `cursor`, `wantedCollections`
//! and `wantedDids`, at a chosen rate, optionally cutting connections to exercise resume,
//! and logging what every connection asked for and was sent.
//!
//! Also turns posts (a [`PostRecord`] list, e.g. `lockstep generate`'s `posts.csv`) into
//! Jetstream commit events that lockstep's `jetstream` reader reads back with the same
//! ids (mapped to at-URIs), authors, times and repost, reply and quote targets.
//!
//! Async use: [`serve_replay`] on a runtime. Blocking use (tests without tokio):
//! [`ReplayServer::start`] runs it on its own thread.

use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use lockstep_model::PostRecord;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::handshake::server::{
    Callback, ErrorResponse, Request, Response,
};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// One Jetstream event, ready to send.
#[derive(Clone, Debug)]
pub struct ReplayEvent {
    /// The event's `time_us` (0 when it has none: sent only to cursor-less connections).
    pub time_us: i64,
    /// The event's `did`.
    pub did: Option<String>,
    /// `commit.collection` for commit events.
    pub collection: Option<String>,
    json: Utf8Bytes,
}

impl ReplayEvent {
    /// An event from one line of Jetstream JSON (must be a JSON object).
    pub fn from_json(line: &str) -> anyhow::Result<Self> {
        let v: Value = serde_json::from_str(line).context("a Jetstream event is not JSON")?;
        anyhow::ensure!(v.is_object(), "a Jetstream event is not a JSON object");
        let time_us = match v.get("time_us") {
            Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
            Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
            _ => 0,
        };
        let did = v.get("did").and_then(Value::as_str).map(str::to_string);
        let collection = v
            .get("commit")
            .and_then(|c| c.get("collection"))
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(Self {
            time_us,
            did,
            collection,
            json: line.trim().to_string().into(),
        })
    }

    /// The event as sent (one line of JSON, no newline).
    pub fn json(&self) -> &str {
        self.json.as_str()
    }
}

/// Every event of a Jetstream JSON-lines file (blank lines skipped), in file order.
pub fn read_jsonl(path: &Path) -> anyhow::Result<Vec<ReplayEvent>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            ReplayEvent::from_json(l).with_context(|| format!("{}:{}", path.display(), i + 1))
        })
        .collect()
}

/// Sort events by `time_us`, keeping the order of equal times (Jetstream plays in time
/// order; resuming from a cursor assumes it).
pub fn sort_by_time(events: &mut [ReplayEvent]) {
    events.sort_by_key(|e| e.time_us);
}

/// The posts of any input lockstep reads (format detected from the content), e.g.
/// `lockstep generate`'s `posts.csv`. Duplicate ids are dropped, bad records skipped.
pub fn read_posts(path: &Path) -> anyhow::Result<Vec<PostRecord>> {
    let mut ingest = lockstep_ingest::Ingest::new(lockstep_ingest::IngestOptions::default());
    ingest.collect();
    for input in lockstep_ingest::expand_inputs(&[path.to_path_buf()])
        .with_context(|| format!("listing {}", path.display()))?
    {
        ingest.read_file(&input, None)?;
    }
    Ok(ingest.take_collected().0)
}

/// The number of distinct posts lockstep's `jetstream` reader finds in `events` (posts and
/// reposts created; likes, deletes, identity events ... are not posts; the same id twice
/// counts once). This is what a store fed these events should hold.
pub fn distinct_posts<'a>(events: impl IntoIterator<Item = &'a ReplayEvent>) -> usize {
    let mut buf = Vec::new();
    for e in events {
        buf.extend_from_slice(e.json().as_bytes());
        buf.push(b'\n');
    }
    let mut ingest = lockstep_ingest::Ingest::new(lockstep_ingest::IngestOptions::default());
    let Ok(format) = lockstep_ingest::format_by_name("jetstream") else {
        return 0;
    };
    // Reading from memory cannot fail with an I/O error; bad events are quarantined.
    let _ = ingest.read_stream("replay", &mut buf.as_slice(), Some(format));
    ingest.table().len()
}

/// Which relay time (`time_us`) generated events get.
#[derive(Clone, Copy, Debug)]
pub enum RelayClock {
    /// The post's own time (plus the event's index in microseconds, so that times differ).
    PostTime,
    /// `start_us`, `start_us + step_us`, ...: a live stream observed now, whatever the
    /// posts' own (`createdAt`) times. The reader takes `createdAt` as the post's time as
    /// long as it is not more than 10 minutes after `time_us`.
    Sequential {
        /// time_us of the first event.
        start_us: i64,
        /// Microseconds between events.
        step_us: i64,
    },
}

/// Jetstream commit events for `posts`, in the given order: `app.bsky.feed.post` creates
/// for posts (text, `createdAt`, `langs`, reply refs, link/tag/mention facets, image
/// embeds for media, a record embed for quotes) and `app.bsky.feed.repost` creates for
/// reposts (`subject.uri`).
///
/// Ids: a post with id `ID` by author `A` becomes
/// `at://did:plc:A/app.bsky.feed.post/ID` (`.../app.bsky.feed.repost/ID` for a repost);
/// characters outside `[A-Za-z0-9.:_-]` are written `~XX` (hex), so distinct ids stay
/// distinct. Ids and authors that already are at-URIs and DIDs are kept. Targets
/// (`repost_of`, `reply_to`, `quote_of`) are mapped the same way, using the target's author
/// when the target is among `posts` and `did:plc:unknown` otherwise.
pub fn posts_to_events(posts: &[PostRecord], clock: RelayClock) -> Vec<ReplayEvent> {
    let authors: HashMap<&str, &str> = posts
        .iter()
        .map(|p| (p.id.as_str(), p.author_id.as_str()))
        .collect();
    let target_uri = |id: &str| -> String {
        if id.starts_with("at://") {
            return id.to_string();
        }
        let did = authors
            .get(id)
            .map_or_else(|| "did:plc:unknown".to_string(), |a| did_for(a));
        format!("at://{did}/app.bsky.feed.post/{}", rkey_for(id))
    };
    posts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let time_us = match clock {
                RelayClock::PostTime => p.time_ms.saturating_mul(1000) + (i as i64 % 1000),
                RelayClock::Sequential { start_us, step_us } => start_us + step_us * i as i64,
            };
            let line = post_event(p, time_us, &target_uri);
            ReplayEvent {
                time_us,
                did: Some(did_for(&p.author_id)),
                collection: Some(
                    if p.repost_of.is_some() {
                        "app.bsky.feed.repost"
                    } else {
                        "app.bsky.feed.post"
                    }
                    .to_string(),
                ),
                json: line.into(),
            }
        })
        .collect()
}

/// One commit event for `p`.
fn post_event(p: &PostRecord, time_us: i64, target_uri: &dyn Fn(&str) -> String) -> String {
    let did = did_for(&p.author_id);
    let created = lockstep_model::time::rfc3339_millis(p.time_ms);
    let (collection, rkey) = match at_uri_parts(&p.id) {
        Some((_, c, r)) => (c.to_string(), r.to_string()),
        None => (
            if p.repost_of.is_some() {
                "app.bsky.feed.repost"
            } else {
                "app.bsky.feed.post"
            }
            .to_string(),
            rkey_for(&p.id),
        ),
    };
    let record = if let Some(target) = &p.repost_of {
        let uri = target_uri(target);
        json!({
            "$type": "app.bsky.feed.repost",
            "createdAt": created,
            "subject": {"uri": uri, "cid": fake_cid(&uri)},
        })
    } else {
        let mut r = Map::new();
        r.insert("$type".into(), "app.bsky.feed.post".into());
        r.insert("text".into(), p.text.clone().into());
        r.insert("createdAt".into(), created.into());
        if let Some(lang) = &p.lang {
            r.insert("langs".into(), json!([lang]));
        }
        if let Some(parent) = &p.reply_to {
            let uri = target_uri(parent);
            let strong = json!({"uri": uri, "cid": fake_cid(&uri)});
            r.insert(
                "reply".into(),
                json!({"root": strong.clone(), "parent": strong}),
            );
        }
        let facets = facets(p);
        if !facets.is_empty() {
            r.insert("facets".into(), Value::Array(facets));
        }
        if let Some(embed) = embed(p, target_uri) {
            r.insert("embed".into(), embed);
        }
        Value::Object(r)
    };
    let uri = format!("at://{did}/{collection}/{rkey}");
    json!({
        "did": did,
        "time_us": time_us,
        "kind": "commit",
        "commit": {
            "rev": tid(time_us),
            "operation": "create",
            "collection": collection,
            "rkey": rkey,
            "record": record,
            "cid": fake_cid(&uri),
        },
    })
    .to_string()
}

/// Rich-text facets: one per link, hashtag and mention (mentions only where `@handle` is
/// written in the text, as the reader takes the handle from the text). The reader reads
/// hashtags only from tag facets once a post has facets, so every hashtag gets one.
fn facets(p: &PostRecord) -> Vec<Value> {
    let span = |needle: &str| -> (usize, usize) {
        match p.text.find(needle) {
            Some(s) => (s, s + needle.len()),
            None => (0, 0),
        }
    };
    let mut out = Vec::new();
    for u in &p.urls {
        let (s, e) = span(u);
        out.push(json!({
            "index": {"byteStart": s, "byteEnd": e},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": u}],
        }));
    }
    for t in &p.hashtags {
        let (s, e) = span(&format!("#{t}"));
        out.push(json!({
            "index": {"byteStart": s, "byteEnd": e},
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": t}],
        }));
    }
    for m in &p.mentions {
        if let Some(s) = p.text.find(&format!("@{m}")) {
            out.push(json!({
                "index": {"byteStart": s, "byteEnd": s + 1 + m.len()},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did_for(m)}],
            }));
        }
    }
    out
}

/// Media as an image embed (one image per media id), a quote as a record embed, both as
/// `recordWithMedia`.
fn embed(p: &PostRecord, target_uri: &dyn Fn(&str) -> String) -> Option<Value> {
    let images = (!p.media.is_empty()).then(|| {
        json!({
            "$type": "app.bsky.embed.images",
            "images": p.media.iter().map(|m| json!({
                "alt": "",
                "image": {"$type": "blob", "ref": {"$link": m}, "mimeType": "image/jpeg", "size": 1},
            })).collect::<Vec<_>>(),
        })
    });
    let quote = p.quote_of.as_deref().map(|q| {
        let uri = target_uri(q);
        json!({"uri": uri, "cid": fake_cid(&uri)})
    });
    match (quote, images) {
        (Some(q), Some(m)) => Some(json!({
            "$type": "app.bsky.embed.recordWithMedia",
            "record": {"$type": "app.bsky.embed.record", "record": q},
            "media": m,
        })),
        (Some(q), None) => Some(json!({"$type": "app.bsky.embed.record", "record": q})),
        (None, m) => m,
    }
}

/// `at://DID/COLLECTION/RKEY` split into its parts.
fn at_uri_parts(s: &str) -> Option<(&str, &str, &str)> {
    let rest = s.strip_prefix("at://")?;
    let mut it = rest.splitn(3, '/');
    Some((it.next()?, it.next()?, it.next()?))
}

/// The DID of an author id: kept when it is one, else `did:plc:<escaped id>`.
fn did_for(author: &str) -> String {
    if author.starts_with("did:") {
        author.to_string()
    } else {
        format!("did:plc:{}", escape(author))
    }
}

/// The record key of a post id (the last part of an at-URI, else the escaped id).
fn rkey_for(id: &str) -> String {
    match at_uri_parts(id) {
        Some((_, _, r)) => r.to_string(),
        None => escape(id),
    }
}

/// Keep `[A-Za-z0-9.:_-]`, write every other byte as `~XX`: injective, and valid in
/// record keys and DIDs.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b':' | b'_' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("~{b:02X}"));
        }
    }
    if out.is_empty() {
        out.push('~');
    }
    out
}

const B32_SORTABLE: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// An atproto TID (13 characters of sortable base32) for a microsecond time: the commit
/// `rev`.
fn tid(time_us: i64) -> String {
    let v = ((time_us.max(0) as u64) & ((1 << 53) - 1)) << 10;
    (0..13)
        .rev()
        .map(|i| B32_SORTABLE[((v >> (5 * i)) & 31) as usize] as char)
        .collect()
}

/// A stand-in CID (deterministic, CID-shaped; nothing checks it).
fn fake_cid(s: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut out = String::from("bafyrei");
    for salt in 0u8..4 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (salt, s).hash(&mut h);
        let mut x = h.finish();
        for _ in 0..12 {
            out.push(B32_SORTABLE[(x & 31) as usize] as char);
            x >>= 5;
        }
    }
    out
}

/// What a connection asked for, from its request URI (`/subscribe?cursor=..&...`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Subscription {
    /// `cursor`: send only events with a larger `time_us`.
    pub cursor: Option<i64>,
    /// `wantedCollections` (repeatable; `prefix.*` matches a prefix); empty = all.
    pub wanted_collections: Vec<String>,
    /// `wantedDids` (repeatable); empty = all.
    pub wanted_dids: Vec<String>,
}

impl Subscription {
    /// Parse the request URI's query. Unknown parameters are ignored; an unreadable
    /// cursor counts as none.
    pub fn from_uri(uri: &str) -> Self {
        let mut s = Self::default();
        let query = uri.split_once('?').map_or("", |(_, q)| q);
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "cursor" => s.cursor = v.parse().ok(),
                "wantedCollections" if !v.is_empty() => s.wanted_collections.push(v.into()),
                "wantedDids" if !v.is_empty() => s.wanted_dids.push(v.into()),
                _ => {}
            }
        }
        s
    }

    /// Whether Jetstream would send `e` on this subscription. Collections filter commit
    /// events only (identity and account events have none and always pass).
    pub fn wants(&self, e: &ReplayEvent) -> bool {
        if let Some(c) = self.cursor {
            if e.time_us <= c {
                return false;
            }
        }
        if !self.wanted_dids.is_empty()
            && !e
                .did
                .as_ref()
                .is_some_and(|d| self.wanted_dids.iter().any(|w| w == d))
        {
            return false;
        }
        match (&e.collection, self.wanted_collections.is_empty()) {
            (_, true) | (None, _) => true,
            (Some(c), false) => self
                .wanted_collections
                .iter()
                .any(|w| match w.strip_suffix('*') {
                    Some(prefix) => c.starts_with(prefix),
                    None => w == c,
                }),
        }
    }
}

/// How connections are cut (see [`ReplayOptions::cut_after`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cut {
    /// A WebSocket close frame (code 1001, going away), then the TCP close.
    #[default]
    Close,
    /// Drop the TCP connection without a close frame (a crash or network failure).
    Drop,
}

/// How the replay server plays.
#[derive(Clone, Debug, Default)]
pub struct ReplayOptions {
    /// Events per second per connection; 0 = as fast as the client reads.
    pub rate: f64,
    /// `cut_after[i]`: the i-th connection (counting from 0, in handshake order) is cut
    /// after that many events. Connections past the end of the list are never cut.
    pub cut_after: Vec<u64>,
    /// How to cut.
    pub cut: Cut,
}

/// What one connection asked for and got.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionLog {
    /// Handshake order, from 0.
    pub index: usize,
    /// The request URI (path and query).
    pub uri: String,
    /// Its `cursor` parameter.
    pub cursor: Option<i64>,
    /// Events sent (or being sent).
    pub sent: u64,
    /// Largest `time_us` sent (counted before the event is written, so a client never has
    /// one that is not counted here).
    pub max_time_us: Option<i64>,
    /// The server cut the connection (per [`ReplayOptions::cut_after`]).
    pub cut: bool,
    /// The connection is over.
    pub closed: bool,
}

/// Live counters of one connection.
struct ConnState {
    index: usize,
    uri: String,
    cursor: Option<i64>,
    sent: AtomicU64,
    /// i64::MIN = none yet.
    max_time_us: AtomicI64,
    cut: AtomicBool,
    closed: AtomicBool,
}

/// The log of every connection, shared with the server while it runs.
#[derive(Clone, Default)]
pub struct ReplayLog {
    conns: Arc<Mutex<Vec<Arc<ConnState>>>>,
}

impl ReplayLog {
    /// A snapshot of every connection so far, in handshake order.
    pub fn connections(&self) -> Vec<ConnectionLog> {
        self.lock()
            .iter()
            .map(|c| {
                let max = c.max_time_us.load(Ordering::SeqCst);
                ConnectionLog {
                    index: c.index,
                    uri: c.uri.clone(),
                    cursor: c.cursor,
                    sent: c.sent.load(Ordering::SeqCst),
                    max_time_us: (max != i64::MIN).then_some(max),
                    cut: c.cut.load(Ordering::SeqCst),
                    closed: c.closed.load(Ordering::SeqCst),
                }
            })
            .collect()
    }

    /// Events sent over all connections (with repeats after resumes).
    pub fn total_sent(&self) -> u64 {
        self.lock()
            .iter()
            .map(|c| c.sent.load(Ordering::SeqCst))
            .sum()
    }

    /// The largest `time_us` sent on any connection.
    pub fn max_time_us(&self) -> Option<i64> {
        self.connections()
            .iter()
            .filter_map(|c| c.max_time_us)
            .max()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<ConnState>>> {
        // The log holds counters only: a panic elsewhere cannot leave it inconsistent.
        self.conns.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn open(&self, uri: String, cursor: Option<i64>) -> Arc<ConnState> {
        let mut conns = self.lock();
        let c = Arc::new(ConnState {
            index: conns.len(),
            uri,
            cursor,
            sent: AtomicU64::new(0),
            max_time_us: AtomicI64::new(i64::MIN),
            cut: AtomicBool::new(false),
            closed: AtomicBool::new(false),
        });
        conns.push(c.clone());
        c
    }
}

/// Serve `events` (in this order, filtered per connection by its [`Subscription`]) on
/// every WebSocket connection to `listener`, whatever the path, until `shutdown` becomes
/// true or its sender is dropped. Connections are recorded in `log`.
pub async fn serve_replay(
    listener: TcpListener,
    events: Arc<Vec<ReplayEvent>>,
    opts: ReplayOptions,
    log: ReplayLog,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let opts = Arc::new(opts);
    let for_connections = shutdown.clone();
    loop {
        tokio::select! {
            _ = stopped(&mut shutdown) => break,
            r = listener.accept() => match r {
                Ok((stream, _peer)) => {
                    tokio::spawn(connection(stream, events.clone(), opts.clone(), log.clone(), for_connections.clone()));
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
    Ok(())
}

/// Handshake callback that keeps the request URI (for its `cursor` and filters).
struct RecordUri<'a>(&'a mut String);

impl Callback for RecordUri<'_> {
    fn on_request(self, req: &Request, resp: Response) -> Result<Response, ErrorResponse> {
        *self.0 = req.uri().to_string();
        Ok(resp)
    }
}

/// Wait until shutdown is true or its sender is gone.
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// One connection: handshake, then play.
async fn connection(
    stream: TcpStream,
    events: Arc<Vec<ReplayEvent>>,
    opts: Arc<ReplayOptions>,
    log: ReplayLog,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let mut uri = String::new();
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, RecordUri(&mut uri)).await else {
        return;
    };
    let sub = Subscription::from_uri(&uri);
    let state = log.open(uri, sub.cursor);
    let cut_after = opts.cut_after.get(state.index).copied();
    let (mut tx, mut rx) = ws.split();
    // Read (and so answer pings and notice closes) while the writer plays.
    let mut reader = tokio::spawn(async move { while let Some(Ok(_)) = rx.next().await {} });

    let start = Instant::now();
    let mut sent: u64 = 0;
    let mut cut = false;
    let mut client_gone = false;
    for e in events.iter().filter(|e| sub.wants(e)) {
        if cut_after.is_some_and(|n| sent >= n) {
            cut = true;
            break;
        }
        if opts.rate > 0.0 {
            let due = start + Duration::from_secs_f64(sent as f64 / opts.rate);
            if due > Instant::now() {
                if tx.flush().await.is_err() {
                    break;
                }
                tokio::select! {
                    _ = tokio::time::sleep_until(due) => {}
                    _ = stopped(&mut shutdown) => break,
                    _ = &mut reader => {
                        client_gone = true;
                        break;
                    }
                }
            }
        }
        state.max_time_us.fetch_max(e.time_us, Ordering::SeqCst);
        if tx.feed(Message::Text(e.json.clone())).await.is_err() {
            break;
        }
        sent += 1;
        state.sent.store(sent, Ordering::SeqCst);
        if sent.is_multiple_of(256) && tx.flush().await.is_err() {
            break;
        }
    }
    if cut {
        state.cut.store(true, Ordering::SeqCst);
        if opts.cut == Cut::Close {
            let frame = tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Away,
                reason: "replay: cut".into(),
            };
            let _ = tx.send(Message::Close(Some(frame))).await;
        }
        reader.abort();
    } else if !client_gone {
        let _ = tx.flush().await;
        // Stay open, as Jetstream does, until the client leaves or shutdown.
        tokio::select! {
            _ = &mut reader => {}
            _ = stopped(&mut shutdown) => reader.abort(),
        }
    }
    drop(tx);
    state.closed.store(true, Ordering::SeqCst);
}

/// A replay server on its own thread (with its own runtime), for callers without tokio.
/// Stops when dropped.
pub struct ReplayServer {
    addr: SocketAddr,
    log: ReplayLog,
    stop: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
}

impl ReplayServer {
    /// Serve `events` on 127.0.0.1 at a free port.
    pub fn start(events: Vec<ReplayEvent>, opts: ReplayOptions) -> anyhow::Result<Self> {
        Self::start_on("127.0.0.1:0", events, opts)
    }

    /// Serve `events` on `bind` (`host:port`; port 0 picks a free one).
    pub fn start_on(
        bind: &str,
        events: Vec<ReplayEvent>,
        opts: ReplayOptions,
    ) -> anyhow::Result<Self> {
        let std_listener =
            std::net::TcpListener::bind(bind).with_context(|| format!("binding {bind}"))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let log = ReplayLog::default();
        let (stop, stop_rx) = watch::channel(false);
        let events = Arc::new(events);
        let thread_log = log.clone();
        let thread = std::thread::Builder::new()
            .name("jetstream-replay".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                rt.block_on(async move {
                    let listener = TcpListener::from_std(std_listener)?;
                    serve_replay(listener, events, opts, thread_log, stop_rx).await
                })
            })?;
        Ok(Self {
            addr,
            log,
            stop,
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `ws://ADDR` followed by `path_and_query` (e.g. `/subscribe?wantedCollections=...`).
    pub fn url(&self, path_and_query: &str) -> String {
        format!("ws://{}{path_and_query}", self.addr)
    }

    /// The connection log.
    pub fn log(&self) -> &ReplayLog {
        &self.log
    }

    /// Stop serving and wait for the thread.
    pub fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| anyhow::anyhow!("the replay server thread panicked"))?,
            None => Ok(()),
        }
    }
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn read_back(events: &[ReplayEvent]) -> Vec<PostRecord> {
        let mut buf = Vec::new();
        for e in events {
            buf.extend_from_slice(e.json().as_bytes());
            buf.push(b'\n');
        }
        let mut ingest = lockstep_ingest::Ingest::new(Default::default());
        ingest.collect();
        ingest
            .read_stream(
                "t",
                &mut buf.as_slice(),
                Some(lockstep_ingest::format_by_name("jetstream").unwrap()),
            )
            .unwrap();
        let (posts, rejected) = ingest.take_collected();
        assert!(rejected.is_empty(), "{rejected:?}");
        posts
    }

    #[test]
    fn generated_events_read_back_with_ids_authors_times_and_targets() {
        let mut a = post("100", "7", 1_754_006_661_000);
        a.text = "hello #Tag @bob see https://x.example/a".into();
        a.urls = vec!["https://x.example/a".into()];
        a.hashtags = vec!["Tag".into()];
        a.mentions = vec!["bob".into()];
        a.lang = Some("en".into());
        let mut r = post("101", "8", 1_754_006_662_250);
        r.repost_of = Some("100".into());
        r.text = "RT @h7: hello".into();
        let mut rep = post("102", "9", 1_754_006_663_000);
        rep.reply_to = Some("100".into());
        rep.text = "yes".into();
        let mut q = post("a/b c", "9", 1_754_006_664_000);
        q.quote_of = Some("100".into());
        q.media = vec!["bafkreimedia".into()];
        let mut orphan = post("103", "8", 1_754_006_665_000);
        orphan.repost_of = Some("999".into());
        let posts = vec![a, r, rep, q, orphan];
        let events = posts_to_events(
            &posts,
            RelayClock::Sequential {
                start_us: 1_783_175_888_403_568,
                step_us: 1000,
            },
        );
        assert_eq!(
            events[1].collection.as_deref(),
            Some("app.bsky.feed.repost")
        );
        assert!(events.windows(2).all(|w| w[0].time_us < w[1].time_us));
        let back = read_back(&events);
        assert_eq!(back.len(), 5);
        let p100 = "at://did:plc:7/app.bsky.feed.post/100";
        assert_eq!(back[0].id, p100);
        assert_eq!(back[0].author_id, "did:plc:7");
        assert_eq!(back[0].platform, "bluesky");
        assert_eq!(back[0].text, posts[0].text);
        assert_eq!(back[0].urls, posts[0].urls);
        assert_eq!(back[0].hashtags, posts[0].hashtags);
        assert_eq!(back[0].mentions, posts[0].mentions);
        assert_eq!(back[0].lang.as_deref(), Some("en"));
        assert_eq!(back[1].id, "at://did:plc:8/app.bsky.feed.repost/101");
        assert_eq!(back[1].repost_of.as_deref(), Some(p100));
        assert_eq!(back[2].reply_to.as_deref(), Some(p100));
        assert_eq!(back[3].id, "at://did:plc:9/app.bsky.feed.post/a~2Fb~20c");
        assert_eq!(back[3].quote_of.as_deref(), Some(p100));
        assert_eq!(back[3].media, vec!["bafkreimedia".to_string()]);
        assert_eq!(
            back[4].repost_of.as_deref(),
            Some("at://did:plc:unknown/app.bsky.feed.post/999")
        );
        for (p, b) in posts.iter().zip(&back) {
            assert_eq!(p.time_ms, b.time_ms, "{}", p.id);
        }
        // PostTime clock: times stay the posts' own.
        let events = posts_to_events(&posts, RelayClock::PostTime);
        assert_eq!(events[0].time_us, 1_754_006_661_000_000);
        assert_eq!(read_back(&events)[1].time_ms, posts[1].time_ms);
    }

    #[test]
    fn rfc3339_and_tid() {
        assert_eq!(
            lockstep_model::time::rfc3339_millis(0),
            "1970-01-01T00:00:00.000Z"
        );
        assert_eq!(
            lockstep_model::time::rfc3339_millis(1_754_006_661_250),
            "2025-08-01T00:04:21.250Z"
        );
        assert_eq!(
            lockstep_model::time::rfc3339_millis(-1),
            "1969-12-31T23:59:59.999Z"
        );
        assert_eq!(tid(0), "2222222222222");
        assert!(tid(1_783_175_888_085_434) < tid(1_783_175_888_085_435));
        assert_eq!(tid(1).len(), 13);
    }

    #[test]
    fn subscriptions_filter_like_jetstream() {
        let s = Subscription::from_uri(
            "/subscribe?wantedCollections=app.bsky.feed.post&wantedCollections=app.bsky.graph.*&cursor=10",
        );
        assert_eq!(s.cursor, Some(10));
        let ev = |t: i64, c: Option<&str>| ReplayEvent {
            time_us: t,
            did: Some("did:plc:x".into()),
            collection: c.map(String::from),
            json: "{}".into(),
        };
        assert!(s.wants(&ev(11, Some("app.bsky.feed.post"))));
        assert!(!s.wants(&ev(10, Some("app.bsky.feed.post"))));
        assert!(s.wants(&ev(11, Some("app.bsky.graph.follow"))));
        assert!(!s.wants(&ev(11, Some("app.bsky.feed.like"))));
        assert!(s.wants(&ev(11, None)));
        let d = Subscription::from_uri("/subscribe?wantedDids=did:plc:y");
        assert!(!d.wants(&ev(1, None)));
        assert_eq!(Subscription::from_uri("/subscribe?cursor=x").cursor, None);
    }
}
