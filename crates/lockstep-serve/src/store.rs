//! The durable store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit
//! that returned is on disk and survives `kill -9` (and power loss, as far as the disk
//! keeps its promises). Every post is keyed by platform and id: a post sent twice (a
//! client retrying after a lost answer, a Jetstream replay after a restart) is stored once.
//!
//! One connection writes posts (the writer thread), one writes alerts and campaigns (the
//! detector), and readers share a third; WAL lets them read while a write is in progress.

use anyhow::Context;
use lockstep_model::PostRecord;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS posts (
    platform TEXT NOT NULL,
    id TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    received_ms INTEGER NOT NULL,
    origin TEXT NOT NULL,
    rec TEXT NOT NULL,
    PRIMARY KEY (platform, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS posts_time ON posts(time_ms);
CREATE TABLE IF NOT EXISTS rejected (
    seq INTEGER PRIMARY KEY,
    received_ms INTEGER NOT NULL,
    origin TEXT NOT NULL,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ms INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    done_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
    seq INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    webhook TEXT NOT NULL,
    seq INTEGER NOT NULL,
    delivered_ms INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    PRIMARY KEY (webhook, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS campaigns (
    id INTEGER PRIMARY KEY,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    alerted_size INTEGER NOT NULL,
    members TEXT NOT NULL
);
";

/// Open a connection with the service's settings (WAL, full sync, a busy timeout so
/// writers on different connections wait for each other instead of failing).
pub fn connect(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
    conn.busy_timeout(Duration::from_secs(30))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// Counters kept in the database so they survive restarts.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Counters {
    /// Distinct posts stored.
    pub posts: u64,
    /// Posts received again (same platform and id) and not stored twice.
    pub duplicates: u64,
    /// Records quarantined.
    pub rejected: u64,
}

/// One stored alert.
#[derive(Clone, Debug)]
pub struct StoredAlert {
    /// Sequence number (the SSE event id).
    pub seq: i64,
    /// The alert as JSON.
    pub body: String,
}

/// Read access shared by the HTTP handlers.
pub struct Store {
    path: PathBuf,
    read: Mutex<Connection>,
}

impl Store {
    /// Open (creating) the database and its schema.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let conn = connect(path)?;
        conn.execute_batch(SCHEMA)
            .with_context(|| format!("creating the schema in {}", path.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            read: Mutex::new(conn),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> anyhow::Result<T> {
        let conn = self
            .read
            .lock()
            .map_err(|_| anyhow::anyhow!("store connection poisoned"))?;
        Ok(f(&conn)?)
    }

    /// The durable cursor of a stream consumer.
    pub fn cursor(&self, name: &str) -> anyhow::Result<Option<i64>> {
        self.with(|c| {
            c.query_row("SELECT value FROM cursors WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()
        })
    }

    /// Counters as stored.
    pub fn counters(&self) -> anyhow::Result<Counters> {
        self.with(read_counters)
    }

    /// Whether a watched file with this size and modification time was ingested already.
    pub fn file_done(&self, path: &str, size: u64, mtime_ms: i64) -> anyhow::Result<bool> {
        self.with(|c| {
            c.query_row(
                "SELECT 1 FROM files WHERE path = ?1 AND size = ?2 AND mtime_ms = ?3",
                params![path, size as i64, mtime_ms],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
        })
    }

    /// Alerts after `seq`, oldest first, at most `limit`.
    pub fn alerts_after(&self, seq: i64, limit: usize) -> anyhow::Result<Vec<StoredAlert>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT seq, body FROM alerts WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = st.query_map(params![seq, limit as i64], |r| {
                Ok(StoredAlert {
                    seq: r.get(0)?,
                    body: r.get(1)?,
                })
            })?;
            rows.collect()
        })
    }

    /// The newest `limit` alerts, oldest first.
    pub fn last_alerts(&self, limit: usize) -> anyhow::Result<Vec<StoredAlert>> {
        let max = self.with(|c| {
            c.query_row("SELECT COALESCE(MAX(seq), 0) FROM alerts", [], |r| {
                r.get::<_, i64>(0)
            })
        })?;
        self.alerts_after((max - limit as i64).max(0), limit)
    }

    /// Number of alerts raised.
    pub fn alert_count(&self) -> anyhow::Result<u64> {
        self.with(|c| {
            c.query_row("SELECT COUNT(*) FROM alerts", [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
        })
    }
}

/// Read the persistent counters.
pub fn read_counters(c: &Connection) -> rusqlite::Result<Counters> {
    let get = |name: &str| -> rusqlite::Result<u64> {
        c.query_row("SELECT value FROM counters WHERE name = ?1", [name], |r| {
            r.get::<_, i64>(0)
        })
        .optional()
        .map(|v| v.unwrap_or(0).max(0) as u64)
    };
    Ok(Counters {
        posts: get("posts")?,
        duplicates: get("duplicates")?,
        rejected: get("rejected")?,
    })
}

/// Add to a persistent counter inside the caller's transaction.
pub fn bump(c: &Connection, name: &str, by: u64) -> rusqlite::Result<()> {
    if by > 0 {
        c.execute(
            "INSERT INTO counters(name, value) VALUES (?1, ?2)
             ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
            params![name, by as i64],
        )?;
    }
    Ok(())
}

/// Posts with `time_ms >= since_ms`, at most the newest `limit`, oldest first; rows that
/// no longer decode (a schema change) are skipped and counted.
pub fn load_posts(
    c: &Connection,
    since_ms: i64,
    limit: usize,
) -> anyhow::Result<(Vec<PostRecord>, u64)> {
    let mut st =
        c.prepare("SELECT rec FROM posts WHERE time_ms >= ?1 ORDER BY time_ms DESC LIMIT ?2")?;
    let mut rows = st.query(params![since_ms, limit as i64])?;
    let mut out = Vec::new();
    let mut bad = 0;
    while let Some(row) = rows.next()? {
        let text: String = row.get(0)?;
        match serde_json::from_str::<PostRecord>(&text) {
            Ok(r) => out.push(r),
            Err(_) => bad += 1,
        }
    }
    out.reverse();
    Ok((out, bad))
}

/// Time of the newest stored post.
pub fn newest_time(c: &Connection) -> rusqlite::Result<Option<i64>> {
    c.query_row("SELECT MAX(time_ms) FROM posts", [], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_counters_and_cursor() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("a/b.db")).expect("open");
        assert_eq!(store.cursor("jetstream").expect("cursor"), None);
        assert_eq!(store.counters().expect("counters").posts, 0);
        let c = connect(store.path()).expect("connect");
        bump(&c, "posts", 5).expect("bump");
        bump(&c, "posts", 2).expect("bump");
        c.execute("INSERT INTO cursors VALUES ('jetstream', 42)", [])
            .expect("cursor");
        assert_eq!(store.counters().expect("counters").posts, 7);
        assert_eq!(store.cursor("jetstream").expect("cursor"), Some(42));
        let mode: String = c
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
    }
}
