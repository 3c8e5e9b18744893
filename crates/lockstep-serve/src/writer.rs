//! Durable writes. One thread owns the posts connection and commits batches from every
//! source (HTTP, Jetstream, watched files) in group commits: whatever queued while the last
//! fsync ran goes into the next transaction, so throughput grows with load while each
//! caller still hears back only after its posts are on disk.
//!
//! Memory is bounded by a budget of pending posts (a semaphore): HTTP callers that find it
//! exhausted are told to come back later (503) instead of queueing without end; stream
//! consumers wait for room, which pushes back on their sockets.

use crate::store::{self, bump};
use anyhow::Context;
use lockstep_ingest::Rejection;
use lockstep_model::PostRecord;
use rusqlite::{params, Connection};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit, Semaphore};

/// Where a batch came from; stream positions are committed with the batch.
#[derive(Clone, Debug)]
pub enum Origin {
    /// `POST /api/v1/ingest`.
    Http,
    /// The Jetstream consumer, with the cursor (time_us) reached by this batch.
    Jetstream {
        /// Largest `time_us` in the batch.
        cursor_us: i64,
    },
    /// A file from the watched directory; its last batch records it as done, so a crash
    /// in the middle of a file reads it again (stored posts are not stored twice).
    File {
        /// Path as found.
        path: String,
        /// Size in bytes.
        size: u64,
        /// Modification time.
        mtime_ms: i64,
        /// Whether this is the file's last batch.
        last: bool,
    },
}

impl Origin {
    fn name(&self) -> &'static str {
        match self {
            Origin::Http => "http",
            Origin::Jetstream { .. } => "jetstream",
            Origin::File { .. } => "file",
        }
    }
}

/// Posts and quarantined records to store together.
#[derive(Debug)]
pub struct Batch {
    /// Where they came from.
    pub origin: Origin,
    /// Posts read.
    pub posts: Vec<PostRecord>,
    /// Records quarantined while reading.
    pub rejected: Vec<Rejection>,
}

/// What a durable write did.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct WriteOutcome {
    /// Posts stored for the first time.
    pub new: u64,
    /// Posts already stored (same platform and id).
    pub duplicates: u64,
    /// Quarantined records stored.
    pub rejected: u64,
}

/// Why a write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The pending-posts budget is used up; try again shortly.
    #[error("busy: {0} posts are waiting to be written")]
    Busy(usize),
    /// The batch is larger than the whole budget.
    #[error("batch of {0} posts exceeds the pending-posts limit")]
    TooLarge(usize),
    /// The writer has stopped or the commit failed.
    #[error("write failed: {0}")]
    Failed(String),
}

/// New posts handed from the writer to the detector, which takes them at its next
/// refresh. Bounded: when more than `cap` posts wait (ingest outran the analysis), they
/// are dropped here and the detector reloads its window from the database instead, where
/// every one of them already is.
pub struct Inbox {
    posts: Mutex<Vec<PostRecord>>,
    overflowed: std::sync::atomic::AtomicBool,
    cap: usize,
}

impl Inbox {
    /// An inbox holding at most `cap` posts.
    pub fn new(cap: usize) -> Self {
        Self {
            posts: Mutex::new(Vec::new()),
            overflowed: std::sync::atomic::AtomicBool::new(false),
            cap: cap.max(1),
        }
    }

    /// Take everything received since the last call, and whether posts were dropped
    /// (then the window must be reloaded from the database).
    pub fn drain(&self) -> (Vec<PostRecord>, bool) {
        let posts = match self.posts.lock() {
            Ok(mut v) => std::mem::take(&mut *v),
            Err(_) => Vec::new(),
        };
        (posts, self.overflowed.swap(false, Ordering::AcqRel))
    }

    fn push(&self, posts: Vec<PostRecord>) {
        if posts.is_empty() {
            return;
        }
        if let Ok(mut v) = self.posts.lock() {
            if v.len() + posts.len() > self.cap {
                *v = Vec::new();
                self.overflowed.store(true, Ordering::Release);
            } else if v.is_empty() {
                *v = posts;
            } else {
                v.extend(posts);
            }
        }
    }
}

/// Live counters the writer keeps (initialised from the database).
#[derive(Default)]
pub struct WriteCounters {
    /// Distinct posts stored.
    pub posts: AtomicU64,
    /// Duplicates not stored again.
    pub duplicates: AtomicU64,
    /// Records quarantined.
    pub rejected: AtomicU64,
    /// Transactions committed.
    pub commits: AtomicU64,
}

struct Job {
    batch: Batch,
    done: oneshot::Sender<Result<WriteOutcome, String>>,
    _permit: OwnedSemaphorePermit,
}

/// Sends batches to the writer thread.
#[derive(Clone)]
pub struct WriterHandle {
    tx: mpsc::Sender<Job>,
    budget: Arc<Semaphore>,
    max_pending: usize,
}

impl WriterHandle {
    /// Store a batch durably, or fail at once with [`WriteError::Busy`] when too many posts
    /// are waiting already.
    pub async fn write(&self, batch: Batch) -> Result<WriteOutcome, WriteError> {
        let n = self.cost(&batch)?;
        let permit = self
            .budget
            .clone()
            .try_acquire_many_owned(n)
            .map_err(|_| WriteError::Busy(self.pending()))?;
        self.send(batch, permit).await
    }

    /// Store a batch durably, waiting for room in the budget first.
    pub async fn write_wait(&self, batch: Batch) -> Result<WriteOutcome, WriteError> {
        let n = self.cost(&batch)?;
        let permit = self
            .budget
            .clone()
            .acquire_many_owned(n)
            .await
            .map_err(|_| WriteError::Failed("writer stopped".into()))?;
        self.send(batch, permit).await
    }

    /// Posts accepted but not yet durable.
    pub fn pending(&self) -> usize {
        self.max_pending
            .saturating_sub(self.budget.available_permits())
    }

    fn cost(&self, batch: &Batch) -> Result<u32, WriteError> {
        let n = (batch.posts.len() + batch.rejected.len()).max(1);
        if n > self.max_pending {
            return Err(WriteError::TooLarge(n));
        }
        Ok(n as u32)
    }

    async fn send(
        &self,
        batch: Batch,
        permit: OwnedSemaphorePermit,
    ) -> Result<WriteOutcome, WriteError> {
        let (done, rx) = oneshot::channel();
        self.tx
            .send(Job {
                batch,
                done,
                _permit: permit,
            })
            .await
            .map_err(|_| WriteError::Failed("writer stopped".into()))?;
        match rx.await {
            Ok(Ok(o)) => Ok(o),
            Ok(Err(e)) => Err(WriteError::Failed(e)),
            Err(_) => Err(WriteError::Failed("writer stopped".into())),
        }
    }
}

/// Most posts folded into one transaction.
const GROUP_LIMIT: usize = 50_000;

/// Start the writer thread on its own connection to `db`.
pub fn start(
    db: &Path,
    max_pending: usize,
    inbox: Arc<Inbox>,
    counters: Arc<WriteCounters>,
) -> anyhow::Result<(WriterHandle, std::thread::JoinHandle<()>)> {
    let conn = store::connect(db)?;
    let c = store::read_counters(&conn)?;
    counters.posts.store(c.posts, Ordering::Relaxed);
    counters.duplicates.store(c.duplicates, Ordering::Relaxed);
    counters.rejected.store(c.rejected, Ordering::Relaxed);
    let (tx, rx) = mpsc::channel::<Job>(4096);
    let budget = Arc::new(Semaphore::new(max_pending.min(Semaphore::MAX_PERMITS)));
    let thread = std::thread::Builder::new()
        .name("lockstep-writer".into())
        .spawn(move || run(conn, rx, &inbox, &counters))
        .context("starting the writer thread")?;
    Ok((
        WriterHandle {
            tx,
            budget,
            max_pending,
        },
        thread,
    ))
}

fn run(mut conn: Connection, mut rx: mpsc::Receiver<Job>, inbox: &Inbox, counters: &WriteCounters) {
    while let Some(first) = rx.blocking_recv() {
        let mut jobs = vec![first];
        let mut size = jobs[0].batch.posts.len();
        while size < GROUP_LIMIT {
            match rx.try_recv() {
                Ok(j) => {
                    size += j.batch.posts.len();
                    jobs.push(j);
                }
                Err(_) => break,
            }
        }
        match commit(&mut conn, &mut jobs) {
            Ok((outcomes, fresh)) => {
                let (mut new, mut dup, mut rej) = (0, 0, 0);
                for o in &outcomes {
                    new += o.new;
                    dup += o.duplicates;
                    rej += o.rejected;
                }
                counters.posts.fetch_add(new, Ordering::Relaxed);
                counters.duplicates.fetch_add(dup, Ordering::Relaxed);
                counters.rejected.fetch_add(rej, Ordering::Relaxed);
                counters.commits.fetch_add(1, Ordering::Relaxed);
                inbox.push(fresh);
                for (job, o) in jobs.into_iter().zip(outcomes) {
                    let _ = job.done.send(Ok(o));
                }
            }
            Err(e) => {
                let msg = format!("{e:#}");
                eprintln!("lockstep serve: commit failed: {msg}");
                for job in jobs {
                    let _ = job.done.send(Err(msg.clone()));
                }
            }
        }
    }
}

/// One transaction for all `jobs`; returns each job's outcome and the posts stored for the
/// first time (moved out of the jobs).
fn commit(
    conn: &mut Connection,
    jobs: &mut [Job],
) -> anyhow::Result<(Vec<WriteOutcome>, Vec<PostRecord>)> {
    let now = crate::parse::now_ms();
    let tx = conn.transaction()?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut fresh = Vec::new();
    {
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO posts(platform, id, time_ms, received_ms, origin, rec)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut quarantine = tx.prepare_cached(
            "INSERT INTO rejected(received_ms, origin, file, line, reason, raw)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for job in jobs.iter_mut() {
            let origin = job.batch.origin.name();
            let mut o = WriteOutcome::default();
            for post in std::mem::take(&mut job.batch.posts) {
                let rec = serde_json::to_string(&post)?;
                let added = insert.execute(params![
                    post.platform,
                    post.id,
                    post.time_ms,
                    now,
                    origin,
                    rec
                ])?;
                if added == 1 {
                    o.new += 1;
                    fresh.push(post);
                } else {
                    o.duplicates += 1;
                }
            }
            for r in &job.batch.rejected {
                quarantine.execute(params![now, origin, r.file, r.line as i64, r.reason, r.raw])?;
                o.rejected += 1;
            }
            match &job.batch.origin {
                Origin::Http => {}
                Origin::Jetstream { cursor_us } => {
                    tx.execute(
                        "INSERT INTO cursors(name, value) VALUES ('jetstream', ?1)
                         ON CONFLICT(name) DO UPDATE SET value = MAX(value, excluded.value)",
                        [cursor_us],
                    )?;
                }
                Origin::File { last: false, .. } => {}
                Origin::File {
                    path,
                    size,
                    mtime_ms,
                    last: true,
                } => {
                    tx.execute(
                        "INSERT OR REPLACE INTO files(path, size, mtime_ms, accepted, rejected, done_ms)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![
                            path,
                            *size as i64,
                            mtime_ms,
                            (o.new + o.duplicates) as i64,
                            o.rejected as i64,
                            now
                        ],
                    )?;
                }
            }
            outcomes.push(o);
        }
    }
    let (new, dup, rej) = outcomes.iter().fold((0, 0, 0), |acc, o| {
        (acc.0 + o.new, acc.1 + o.duplicates, acc.2 + o.rejected)
    });
    bump(&tx, "posts", new)?;
    bump(&tx, "duplicates", dup)?;
    bump(&tx, "rejected", rej)?;
    tx.commit()?;
    Ok((outcomes, fresh))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn post(id: &str, t: i64) -> PostRecord {
        PostRecord {
            platform: "twitter".into(),
            id: id.into(),
            author_id: "a".into(),
            time_ms: t,
            text: "hello".into(),
            ..PostRecord::default()
        }
    }

    #[tokio::test]
    async fn durable_dedup_and_cursor() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("t.db");
        let store = Store::open(&db).expect("open");
        let inbox = Arc::new(Inbox::new(100));
        let counters = Arc::new(WriteCounters::default());
        let (w, _t) = start(&db, 10, inbox.clone(), counters.clone()).expect("start");
        let o = w
            .write(Batch {
                origin: Origin::Jetstream { cursor_us: 77 },
                posts: vec![post("1", 1), post("2", 2)],
                rejected: vec![],
            })
            .await
            .expect("write");
        assert_eq!((o.new, o.duplicates), (2, 0));
        let o = w
            .write(Batch {
                origin: Origin::Http,
                posts: vec![post("2", 2), post("3", 3)],
                rejected: vec![],
            })
            .await
            .expect("write");
        assert_eq!((o.new, o.duplicates), (1, 1));
        assert_eq!(store.counters().expect("counters").posts, 3);
        assert_eq!(store.cursor("jetstream").expect("cursor"), Some(77));
        assert_eq!(
            inbox.drain(),
            (vec![post("1", 1), post("2", 2), post("3", 3)], false)
        );
        inbox.push((0..101).map(|i| post("x", i)).collect());
        assert_eq!(
            inbox.drain(),
            (vec![], true),
            "over the cap: reload instead"
        );
        let big: Vec<_> = (0..11).map(|i| post(&format!("b{i}"), i)).collect();
        assert!(matches!(
            w.write(Batch {
                origin: Origin::Http,
                posts: big,
                rejected: vec![]
            })
            .await,
            Err(WriteError::TooLarge(11))
        ));
    }
}
