//! Bluesky Jetstream consumer: a WebSocket client that reads commit events, batches them and
//! hands each batch, with its cursor, to a [`JetstreamSink`] that stores both durably.
//!
//! * **Resume.** On every (re)connect the durable cursor is read back from the sink, rewound
//!   by five seconds (Jetstream's own advice: events near the cursor may arrive out of
//!   order) and sent as the `cursor` query parameter. Events seen twice are dropped by the
//!   store (same post id), so the rewind costs duplicates, never losses.
//! * **Backpressure.** A batch (up to [`MAX_BATCH_EVENTS`] events or [`BATCH_WINDOW`],
//!   whichever comes first) is delivered and awaited before the socket is read again, so a
//!   slow store slows the TCP stream instead of filling memory.
//! * **Cursor of a batch** = the largest `time_us` of its events, never below the cursor
//!   already stored (the rewind replays older events; storing their time would move the
//!   cursor backwards on every reconnect).
//! * **Failures.** Any error, close or silence ends the connection; the consumer reconnects
//!   with exponential backoff (0.5 s doubling to 30 s, ±25 % jitter), reset once a
//!   connection has delivered something. Shutdown is honoured at every await.
//! * `ws://` and `wss://` both work; TLS is rustls with the ring provider and the Mozilla
//!   roots of webpki-roots. Compressed Jetstream (`compress=true`, zstd binary frames) is
//!   not supported: such frames are counted as errors.

use futures_util::{SinkExt, StreamExt};
use std::future::Future;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Where the consumer delivers: write a batch durably together with its cursor.
pub trait JetstreamSink: Send + Sync + 'static {
    /// Parse `lines` (newline-separated Jetstream event JSON) and store the posts and the
    /// cursor in one transaction; return only once durable. Err = stop and reconnect later.
    fn deliver(
        &self,
        lines: Vec<u8>,
        cursor_us: i64,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;
    /// The last durable cursor (time_us), if any.
    fn cursor(&self) -> anyhow::Result<Option<i64>>;
}

/// What the consumer is doing, for `/api/v1/stats` and the dashboard.
#[derive(Debug, Default)]
pub struct JetstreamStatus {
    /// A WebSocket connection is open.
    pub connected: AtomicBool,
    /// Events delivered durably to the sink, since start.
    pub events: AtomicU64,
    /// The durable cursor (time_us); 0 = none yet.
    pub cursor_us: AtomicI64,
    /// Connections lost or refused since start (each is followed by a new attempt).
    pub reconnects: AtomicU64,
    /// Frames that could not be used (binary frames that are not UTF-8).
    pub bad_frames: AtomicU64,
    /// The last error, for display.
    pub last_error: Mutex<Option<String>>,
}

impl JetstreamStatus {
    fn set_error(&self, msg: String) {
        // A poisoned lock only means another thread panicked while writing a string.
        let mut g = self.last_error.lock().unwrap_or_else(|e| e.into_inner());
        *g = Some(msg);
    }
}

/// Most events in one delivered batch.
pub const MAX_BATCH_EVENTS: usize = 2_000;
/// Longest an event waits in a batch before it is delivered.
pub const BATCH_WINDOW: Duration = Duration::from_millis(250);
/// How far the durable cursor is rewound on reconnect, in microseconds.
pub const REWIND_US: i64 = 5_000_000;
/// First reconnect delay; doubled after every failed attempt.
const BACKOFF_MIN: Duration = Duration::from_millis(500);
/// Longest reconnect delay.
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// Limit on TCP connect + TLS + WebSocket handshake.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Silence after which the server is pinged; after twice this the connection is dropped
/// (a half-open TCP connection would otherwise hang forever).
const IDLE_PING: Duration = Duration::from_secs(30);

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Consume the Jetstream at `url` into `sink` until `shutdown` becomes true (or its sender
/// is dropped). Never returns early on errors: it reconnects.
pub async fn run<S: JetstreamSink>(
    url: String,
    sink: Arc<S>,
    status: Arc<JetstreamStatus>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut backoff = Backoff::new();
    loop {
        if *shutdown.borrow() {
            break;
        }
        let mut progressed = false;
        let end = session(&url, &*sink, &status, &mut shutdown, &mut progressed).await;
        status.connected.store(false, Ordering::Relaxed);
        match end {
            End::Shutdown => break,
            End::Lost(msg) => status.set_error(msg),
        }
        status.reconnects.fetch_add(1, Ordering::Relaxed);
        if progressed {
            backoff.reset();
        }
        let delay = backoff.next_delay();
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = wait_shutdown(&mut shutdown) => break,
        }
    }
    status.connected.store(false, Ordering::Relaxed);
}

/// How a connection ended.
enum End {
    /// Shutdown was asked for: stop.
    Shutdown,
    /// Anything else: say why and reconnect.
    Lost(String),
}

/// What woke the read loop.
enum Step {
    Shutdown,
    /// The oldest pending event has waited [`BATCH_WINDOW`].
    Flush,
    /// Nothing from the server for a while.
    Idle,
    Message(Option<Result<Message, tungstenite::Error>>),
}

/// One connection: connect from the durable cursor, read and deliver until it ends.
/// `progressed` tells whether anything was delivered (then the backoff starts over).
async fn session<S: JetstreamSink>(
    url: &str,
    sink: &S,
    status: &JetstreamStatus,
    shutdown: &mut watch::Receiver<bool>,
    progressed: &mut bool,
) -> End {
    // The durable cursor, not an in-memory one: after a failed delivery they differ, and
    // only what is stored counts.
    let durable = match sink.cursor() {
        Ok(c) => c,
        Err(e) => return End::Lost(format!("reading the Jetstream cursor: {e:#}")),
    };
    let target = url_with_cursor(url, durable.and_then(rewound));
    let mut ws = tokio::select! {
        r = tokio::time::timeout(CONNECT_TIMEOUT, connect(&target)) => match r {
            Ok(Ok(ws)) => ws,
            Ok(Err(e)) => return End::Lost(format!("connecting to {target}: {e}")),
            Err(_) => return End::Lost(format!("connecting to {target}: timed out")),
        },
        _ = wait_shutdown(shutdown) => return End::Shutdown,
    };
    status.connected.store(true, Ordering::Relaxed);
    status
        .cursor_us
        .store(durable.unwrap_or(0), Ordering::Relaxed);

    let mut d = Delivery {
        sink,
        status,
        pending: Pending::default(),
        cursor: durable,
        progressed: false,
    };
    let end = read_loop(&mut ws, &mut d, shutdown).await;
    *progressed = d.progressed;
    match end {
        End::Shutdown => End::Shutdown,
        // The connection is over, but what it brought is valid: deliver it (saves
        // fetching it again), unless delivery is what failed.
        lost => match d.flush(shutdown).await {
            Ok(()) => lost,
            Err(e) => e,
        },
    }
}

/// Read frames into batches and deliver them until the connection ends.
async fn read_loop<S: JetstreamSink>(
    ws: &mut Ws,
    d: &mut Delivery<'_, S>,
    shutdown: &mut watch::Receiver<bool>,
) -> End {
    let mut quiet_since = Instant::now();
    let mut pinged = false;
    loop {
        let flush_at = d.pending.started.map(|t| t + BATCH_WINDOW);
        let idle_at = quiet_since + if pinged { 2 * IDLE_PING } else { IDLE_PING };
        let step = tokio::select! {
            biased;
            _ = wait_shutdown(shutdown) => Step::Shutdown,
            _ = sleep_until_opt(flush_at) => Step::Flush,
            _ = tokio::time::sleep_until(idle_at) => Step::Idle,
            m = ws.next() => Step::Message(m),
        };
        match step {
            Step::Shutdown => return End::Shutdown,
            Step::Flush => {}
            Step::Idle if pinged => {
                let secs = 2 * IDLE_PING.as_secs();
                return End::Lost(format!("no data from the server for {secs} s"));
            }
            Step::Idle => {
                pinged = true;
                if let Err(e) = ws.send(Message::Ping(Default::default())).await {
                    return End::Lost(format!("sending a ping: {e}"));
                }
                continue;
            }
            Step::Message(m) => {
                quiet_since = Instant::now();
                pinged = false;
                match m {
                    Some(Ok(Message::Text(t))) => d.pending.push_frame(t.as_str()),
                    Some(Ok(Message::Binary(b))) => match std::str::from_utf8(&b) {
                        Ok(text) => d.pending.push_frame(text),
                        Err(_) => {
                            d.status.bad_frames.fetch_add(1, Ordering::Relaxed);
                            d.status.set_error(
                                "a binary frame that is not UTF-8 JSON \
                                 (compressed Jetstream is not supported)"
                                    .into(),
                            );
                        }
                    },
                    // tungstenite answers pings itself; frames are never returned on read.
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                    Some(Ok(Message::Close(frame))) => {
                        return End::Lost(match frame {
                            Some(f) => format!(
                                "the server closed the connection ({} {})",
                                f.code, f.reason
                            ),
                            None => "the server closed the connection".into(),
                        })
                    }
                    Some(Err(e)) => return End::Lost(format!("reading from the Jetstream: {e}")),
                    None => return End::Lost("the connection ended".into()),
                }
                if d.pending.events < MAX_BATCH_EVENTS {
                    continue;
                }
            }
        }
        // The batch is full or its time is up.
        if let Err(end) = d.flush(shutdown).await {
            return end;
        }
    }
}

/// The delivery side of a connection.
struct Delivery<'a, S> {
    sink: &'a S,
    status: &'a JetstreamStatus,
    /// Received, not yet delivered.
    pending: Pending,
    /// The cursor stored last (or found at connect).
    cursor: Option<i64>,
    /// Something was delivered.
    progressed: bool,
}

impl<S: JetstreamSink> Delivery<'_, S> {
    /// Deliver the pending batch, if any, and wait until it is durable.
    async fn flush(&mut self, shutdown: &mut watch::Receiver<bool>) -> Result<(), End> {
        if self.pending.events == 0 {
            self.pending.started = None;
            return Ok(());
        }
        let batch = std::mem::take(&mut self.pending);
        // Never move the stored cursor backwards (see the module notes); a batch without
        // any time_us keeps the previous cursor (0 when there is none: "no cursor").
        let cursor = match (batch.max_time_us, self.cursor) {
            (Some(b), Some(c)) => b.max(c),
            (Some(b), None) => b,
            (None, Some(c)) => c,
            (None, None) => 0,
        };
        let events = batch.events as u64;
        tokio::select! {
            r = self.sink.deliver(batch.lines, cursor) => {
                if let Err(e) = r {
                    return Err(End::Lost(format!("storing Jetstream events: {e:#}")));
                }
            }
            // Dropping the delivery is safe: the writer commits a batch entirely or not at
            // all, with its cursor, and the next start resumes from whatever was stored.
            _ = wait_shutdown(shutdown) => return Err(End::Shutdown),
        }
        self.cursor = Some(cursor);
        self.progressed = true;
        self.status.events.fetch_add(events, Ordering::Relaxed);
        self.status.cursor_us.store(cursor, Ordering::Relaxed);
        Ok(())
    }
}

/// Events received and not yet delivered.
#[derive(Default)]
struct Pending {
    /// Event JSON, one per line.
    lines: Vec<u8>,
    /// Number of events (lines).
    events: usize,
    /// Largest `time_us` among them.
    max_time_us: Option<i64>,
    /// When the first of them arrived.
    started: Option<Instant>,
}

impl Pending {
    /// Add a frame's events (Jetstream sends one per frame; tolerate several, one a line).
    fn push_frame(&mut self, text: &str) {
        for line in text.split('\n') {
            let line = line.trim_ascii();
            if line.is_empty() {
                continue;
            }
            self.lines.extend_from_slice(line.as_bytes());
            self.lines.push(b'\n');
            self.events += 1;
            if let Some(t) = time_us(line) {
                self.max_time_us = Some(self.max_time_us.map_or(t, |m| m.max(t)));
            }
            if self.started.is_none() {
                self.started = Some(Instant::now());
            }
        }
    }
}

/// The `time_us` of one event, if it is JSON with an integer `time_us`. Malformed events
/// still go to the sink, which quarantines them; they just do not move the cursor.
fn time_us(line: &str) -> Option<i64> {
    #[derive(serde::Deserialize)]
    struct Head {
        time_us: Option<i64>,
    }
    serde_json::from_str::<Head>(line).ok()?.time_us
}

/// The cursor to ask for after a stored `cursor_us`: five seconds earlier; None when that
/// is not a positive time (then the stream starts live).
fn rewound(cursor_us: i64) -> Option<i64> {
    let c = cursor_us.saturating_sub(REWIND_US);
    (c > 0).then_some(c)
}

/// `url` with its `cursor` query parameter set to `cursor_us` (or removed, for None); other
/// parameters (`wantedCollections`, `wantedDids`, ...) are kept in order.
pub fn url_with_cursor(url: &str, cursor_us: Option<i64>) -> String {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let (base, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some("cursor"))
        .map(str::to_string)
        .collect();
    if let Some(c) = cursor_us {
        params.push(format!("cursor={c}"));
    }
    let mut out = base.to_string();
    if !params.is_empty() {
        out.push('?');
        out.push_str(&params.join("&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Open the WebSocket: plain TCP for `ws://`, rustls for `wss://`.
async fn connect(url: &str) -> Result<Ws, tungstenite::Error> {
    let connector = if url.len() >= 6 && url[..6].eq_ignore_ascii_case("wss://") {
        tls_connector()
    } else {
        Some(tokio_tungstenite::Connector::Plain)
    };
    let (ws, _response) =
        tokio_tungstenite::connect_async_tls_with_config(url, None, true, connector).await?;
    Ok(ws)
}

/// TLS for `wss://`: rustls with the ring provider and webpki-roots' Mozilla roots.
///
/// `webpki-roots` is not a direct dependency of this crate, so the roots come from
/// tokio-tungstenite's `rustls-tls-webpki-roots` feature: with no connector it builds
/// `ClientConfig::builder()` with exactly those roots, and `builder()` takes the
/// process-wide crypto provider, which is made ring here (installing is a no-op when a
/// provider is already installed). None = "let tokio-tungstenite build it".
fn tls_connector() -> Option<tokio_tungstenite::Connector> {
    static RING: std::sync::Once = std::sync::Once::new();
    RING.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    None
}

/// Exponential backoff with jitter.
struct Backoff {
    next: Duration,
}

impl Backoff {
    fn new() -> Self {
        Self { next: BACKOFF_MIN }
    }

    fn reset(&mut self) {
        self.next = BACKOFF_MIN;
    }

    /// The delay before the next attempt: the current step ±25 %, then double the step.
    /// Jitter keeps many consumers (or a restarted fleet) from reconnecting in step.
    fn next_delay(&mut self) -> Duration {
        let d = self.next;
        self.next = (d * 2).min(BACKOFF_MAX);
        d.mul_f64(0.75 + 0.5 * random_unit()).min(BACKOFF_MAX)
    }
}

/// A number in [0, 1) from the standard library's randomly keyed hasher (no `rand` needed
/// for jitter).
fn random_unit() -> f64 {
    let x = std::collections::hash_map::RandomState::new().hash_one(0u8);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Sleep until `t`, or forever for None (a `select!` branch that never fires).
async fn sleep_until_opt(t: Option<Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

/// Wait until shutdown is true or its sender is gone (nobody can ask any more).
async fn wait_shutdown(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_parameter_is_set_replaced_or_removed() {
        let base = "wss://jetstream2.us-east.bsky.network/subscribe";
        assert_eq!(url_with_cursor(base, None), base);
        assert_eq!(url_with_cursor(base, Some(42)), format!("{base}?cursor=42"));
        let u = format!(
            "{base}?wantedCollections=app.bsky.feed.post&cursor=7&wantedCollections=app.bsky.feed.repost"
        );
        assert_eq!(
            url_with_cursor(&u, Some(9)),
            format!(
                "{base}?wantedCollections=app.bsky.feed.post&wantedCollections=app.bsky.feed.repost&cursor=9"
            )
        );
        assert_eq!(
            url_with_cursor(&format!("{base}?cursor=7"), None),
            base.to_string()
        );
        // A parameter merely starting with "cursor" is not the cursor.
        assert_eq!(
            url_with_cursor(&format!("{base}?cursorx=1"), Some(2)),
            format!("{base}?cursorx=1&cursor=2")
        );
    }

    #[test]
    fn rewind_is_five_seconds_and_never_negative() {
        assert_eq!(rewound(1_700_000_000_000_000), Some(1_699_999_995_000_000));
        assert_eq!(rewound(5_000_000), None);
        assert_eq!(rewound(0), None);
    }

    #[test]
    fn batches_take_the_largest_time_us_and_keep_events_without_one() {
        let mut p = Pending::default();
        p.push_frame(r#"{"did":"a","time_us":30}"#);
        p.push_frame("{\"did\":\"b\",\"time_us\":10}\n{\"did\":\"c\"}\n");
        p.push_frame("not json");
        p.push_frame(r#"{"time_us":"12"}"#);
        assert_eq!(p.events, 5);
        assert_eq!(p.max_time_us, Some(30));
        assert_eq!(p.lines.iter().filter(|&&b| b == b'\n').count(), 5);
        assert!(p.started.is_some());
    }

    #[test]
    fn backoff_doubles_to_thirty_seconds_with_jitter() {
        let mut b = Backoff::new();
        let first = b.next_delay();
        assert!(first >= Duration::from_millis(375) && first <= Duration::from_millis(625));
        for _ in 0..20 {
            let d = b.next_delay();
            assert!(d <= BACKOFF_MAX);
        }
        assert_eq!(b.next, BACKOFF_MAX);
        b.reset();
        assert_eq!(b.next, BACKOFF_MIN);
    }

    #[test]
    fn tls_uses_the_ring_provider() {
        assert!(tls_connector().is_none());
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
