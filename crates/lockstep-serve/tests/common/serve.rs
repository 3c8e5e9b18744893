//! The harness of the `lockstep serve` tests: the server as a child process and a tiny
//! HTTP/1.1 client on `std::net::TcpStream`.
//!
//! The server runs as a separate process so that a test can kill it with SIGKILL at any
//! moment and restart it on the same database, exactly as a crash would. The client needs
//! no HTTP crate and reads the answer even when the server closed the connection before
//! taking the whole body (that is how a refused body ends). Every wait is bounded: each
//! request has connect, read and write timeouts, and every polling loop has a deadline,
//! so a hung server fails a test instead of hanging it.

use serde_json::Value;
use std::ffi::OsStr;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The header line of a cnt-csv body.
pub const CNT_HEADER: &str =
    "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n";

/// One cnt-csv row, fields in [`CNT_HEADER`]'s order, ending in a newline. `text` goes in
/// as given: quote it (doubling inner quotes) when it holds commas, quotes or newlines.
pub fn cnt_row(
    id: u64,
    user: u64,
    repost_of: Option<u64>,
    text: &str,
    timestamp: u64,
    url: Option<&str>,
) -> String {
    let repost = repost_of.map(|r| r.to_string()).unwrap_or_default();
    let url = url.unwrap_or_default();
    format!("{id},{user},user_{user},{repost},,{text},{timestamp},{url}\n")
}

/// The timeout of each request made through [`Server`]'s methods. Generous, because a
/// debug build ingesting thousands of posts while its detector runs can be slow; it is
/// there so that a hung server fails the test rather than hangs it.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// How long a starting server may take to answer `/healthz`.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Starts on a free port, counting the one whose port was taken before the server bound it.
const START_ATTEMPTS: usize = 3;

/// Numbers the servers a test process starts, so that every start gets its own log file
/// (a restart on the same port must not overwrite the log of the run before it).
static STARTS: AtomicUsize = AtomicUsize::new(0);

/// The lockstep binary, `LOCKSTEP_BIN`: the binary lives in another crate (lockstep-cli),
/// and the burst and durability tests want a release build. `scripts/test.sh` builds it
/// and sets the variable; without it these tests fail, never skip.
pub fn bin() -> PathBuf {
    let bin = std::env::var_os("LOCKSTEP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!(
            "LOCKSTEP_BIN is not set: build the binary (cargo build --release -p lockstep-cli) \
             and point LOCKSTEP_BIN at it, as scripts/test.sh does"
        )
        });
    assert!(
        bin.exists(),
        "LOCKSTEP_BIN={} does not exist",
        bin.display()
    );
    bin
}

/// A port that was free a moment ago. Another process may take it before the server binds
/// it, which is why [`Server::start`] tries again.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1:0 to find a free port");
    l.local_addr().expect("local address").port()
}

/// A running `lockstep serve`, killed (SIGKILL) and reaped when dropped, so that a failing
/// test leaves no server behind.
pub struct Server {
    child: Child,
    /// Where it listens (127.0.0.1).
    pub addr: SocketAddr,
    /// Its standard error.
    log: PathBuf,
}

impl Server {
    /// Run `lockstep serve --db DB --bind 127.0.0.1:PORT ARGS...` on a free port (its
    /// standard error in a log file in `dir`) and wait until `/healthz` answers 200. When
    /// the server exits at start because another process took the port between probe and
    /// bind, it starts again on another port (three attempts); any other early exit, or
    /// no answer within 60 s, fails with the server's log.
    pub fn start(dir: &Path, db: &Path, args: &[&OsStr]) -> Server {
        for attempt in 1..=START_ATTEMPTS {
            match Server::launch(dir, db, free_port(), args) {
                Ok(server) => return server,
                // A lost port: the bind error reads "listening on 127.0.0.1:PORT: ...".
                Err(log) if attempt < START_ATTEMPTS && log.contains("listening on") => {}
                Err(log) => panic!("lockstep serve exited at start: {log}"),
            }
        }
        panic!("could not start lockstep serve on a free port in {START_ATTEMPTS} attempts");
    }

    /// One start on `port`: the server once `/healthz` answers 200, or the exit status and
    /// log of a server that exited first.
    fn launch(dir: &Path, db: &Path, port: u16, args: &[&OsStr]) -> Result<Server, String> {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let n = STARTS.fetch_add(1, Ordering::Relaxed);
        let log = dir.join(format!("serve-{n}-{port}.log"));
        let err = std::fs::File::create(&log).expect("creating the server log");
        let child = Command::new(bin())
            .arg("serve")
            .arg("--db")
            .arg(db)
            .arg("--bind")
            .arg(addr.to_string())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(err)
            .spawn()
            .expect("starting lockstep serve");
        let mut server = Server { child, addr, log };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("({status}):\n{}", server.log_text()));
            }
            if let Ok(r) = http(addr, "GET", "/healthz", None, Duration::from_secs(5)) {
                if r.status == 200 {
                    return Ok(server);
                }
            }
            assert!(
                Instant::now() < deadline,
                "lockstep serve did not answer /healthz within {} s:\n{}",
                START_TIMEOUT.as_secs(),
                server.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the server wrote to standard error so far (for failure messages).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The server's process id (to read its memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL (what `Child::kill` sends on unix) and reap: the server gets no chance to
    /// flush or close anything, as in a crash. Does nothing to a server already reaped.
    pub fn kill(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// One request with [`REQUEST_TIMEOUT`]; no answer at all fails with the server's log.
    fn request(&self, method: &str, target: &str, body: Option<&[u8]>) -> Reply {
        http(self.addr, method, target, body, REQUEST_TIMEOUT).unwrap_or_else(|e| {
            panic!(
                "{method} {target}: no answer ({e}); server log:\n{}",
                self.log_text()
            )
        })
    }

    /// POST `body` (sent as text/csv) to `target`, whatever the status of the answer.
    pub fn post(&self, target: &str, body: &[u8]) -> Reply {
        self.request("POST", target, Some(body))
    }

    /// GET `target`, which must answer 200 with JSON.
    pub fn get_json(&self, target: &str) -> Value {
        let r = self.request("GET", target, None);
        assert_eq!(r.status, 200, "GET {target}: {}", r.text());
        r.json()
    }

    /// `/api/v1/stats`.
    pub fn stats(&self) -> Value {
        self.get_json("/api/v1/stats")
    }

    /// Poll the stats every 50 ms until `done` holds, and return them; fail (with the last
    /// stats and the server's log) after `secs` seconds, `what` naming what was awaited.
    pub fn wait_stats(&self, what: &str, secs: u64, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.stats();
            if done(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {secs} s waiting for {what}; last stats: {s}\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy), for assertions and messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; anything else fails the test with the status and body.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("answer {} is not JSON ({e}): {}", self.status, self.text()))
    }
}

/// One request on a fresh connection (`Connection: close`; a body is sent as text/csv
/// with its Content-Length), with `timeout` on connecting and on each read and write.
/// The answer is read even when writing the body failed: a server may answer (and close)
/// before it has read a refused body. An error means no complete answer came.
pub fn http(
    addr: SocketAddr,
    method: &str,
    target: &str,
    body: Option<&[u8]>,
    timeout: Duration,
) -> io::Result<Reply> {
    let mut s = TcpStream::connect_timeout(&addr, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(b) = body {
        head.push_str(&format!(
            "Content-Type: text/csv\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    head.push_str("\r\n");
    let mut wrote = s.write_all(head.as_bytes());
    if let (Ok(()), Some(b)) = (&wrote, body) {
        wrote = s.write_all(b);
    }
    let mut buf = Vec::new();
    let read = s.read_to_end(&mut buf);
    match parse_reply(&buf) {
        Some(r) => Ok(r),
        None => Err(read.err().or(wrote.err()).unwrap_or_else(|| {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("no complete HTTP answer ({} bytes)", buf.len()),
            )
        })),
    }
}

/// POST a cnt-csv body to the ingest endpoint: one [`http`] request, for the tests whose
/// client threads post batches with only the server's address at hand.
pub fn post_cnt(addr: SocketAddr, body: &[u8], timeout: Duration) -> io::Result<Reply> {
    http(
        addr,
        "POST",
        "/api/v1/ingest?format=cnt-csv",
        Some(body),
        timeout,
    )
}

/// POST a cnt-csv body until it is acknowledged (200) and return that answer. On the way
/// only refusals (429, 503) are allowed; each request must be answered within
/// `request_timeout`, and the body must be taken within `give_up` seconds.
pub fn post_until_acked(
    addr: SocketAddr,
    body: &[u8],
    request_timeout: Duration,
    give_up: u64,
) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(give_up);
    loop {
        let r = post_cnt(addr, body, request_timeout).expect("the live server answers");
        if r.status == 200 {
            return r;
        }
        assert!(
            r.status == 429 || r.status == 503,
            "unexpected {} {}",
            r.status,
            r.text()
        );
        assert!(Instant::now() < deadline, "refused for {give_up} s");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parse a complete HTTP/1.1 answer (Content-Length, chunked, or delimited by close);
/// `None` when it is cut short or malformed.
fn parse_reply(buf: &[u8]) -> Option<Reply> {
    let end = find(buf, b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let rest = &buf[end + 4..];
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    };
    let body = if let Some(n) = get("content-length") {
        let n: usize = n.parse().ok()?;
        rest.get(..n)?.to_vec()
    } else if get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut out = Vec::new();
        let mut p = rest;
        loop {
            let e = find(p, b"\r\n")?;
            let size = usize::from_str_radix(std::str::from_utf8(&p[..e]).ok()?.trim(), 16).ok()?;
            p = &p[e + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(p.get(..size)?);
            p = p.get(size + 2..)?;
        }
        out
    } else {
        rest.to_vec()
    };
    Some(Reply {
        status,
        headers,
        body,
    })
}
