//! The live window: posts of the rolling horizon in a [`PostTable`], grown as posts arrive
//! and rebuilt from the database when enough of it has aged out.
//!
//! Time is event time: the watermark is the newest post's time, so a replayed week or a
//! backfill behaves like the live stream it records. A post up to `lateness` older than the
//! horizon's edge still joins (its partners may be just inside); older ones are stored but
//! not analysed, and counted as late.

use crate::store;
use lockstep_model::{PostRecord, PostTable};
use rusqlite::Connection;

/// Posts under analysis.
pub struct Window {
    table: PostTable,
    horizon_ms: i64,
    lateness_ms: i64,
    max_posts: usize,
    newest_ms: Option<i64>,
    /// Posts that arrived too old for the window.
    pub late: u64,
    /// Times the window was rebuilt from the database.
    pub rebuilds: u64,
}

impl Window {
    /// An empty window.
    pub fn new(horizon_ms: i64, lateness_ms: i64, max_posts: usize) -> Self {
        Self {
            table: PostTable::new(),
            horizon_ms,
            lateness_ms,
            max_posts,
            newest_ms: None,
            late: 0,
            rebuilds: 0,
        }
    }

    /// The posts under analysis.
    pub fn table(&self) -> &PostTable {
        &self.table
    }

    /// The newest post's time (event time "now").
    pub fn watermark(&self) -> Option<i64> {
        self.newest_ms
    }

    /// Oldest time kept.
    fn cutoff(&self) -> Option<i64> {
        self.newest_ms
            .map(|n| n.saturating_sub(self.horizon_ms + self.lateness_ms))
    }

    /// Load the window from the database (at start).
    pub fn load(&mut self, conn: &Connection) -> anyhow::Result<()> {
        self.newest_ms = store::newest_time(conn)?;
        self.rebuild(conn)
    }

    fn rebuild(&mut self, conn: &Connection) -> anyhow::Result<()> {
        let mut table = PostTable::new();
        if let Some(cut) = self.cutoff() {
            let (posts, _bad) = store::load_posts(conn, cut, self.max_posts)?;
            for p in &posts {
                table.push(p);
            }
        }
        self.table = table;
        self.rebuilds += 1;
        Ok(())
    }

    /// Add newly stored posts; rebuild from the database when a tenth of the window has
    /// aged out, it outgrew its limit, or posts were dropped on the way (`reload`).
    /// Returns whether the window changed.
    pub fn advance(
        &mut self,
        posts: Vec<PostRecord>,
        reload: bool,
        conn: &Connection,
    ) -> anyhow::Result<bool> {
        if reload {
            self.newest_ms = store::newest_time(conn)?;
            self.rebuild(conn)?;
            return Ok(true);
        }
        if posts.is_empty() {
            return Ok(false);
        }
        if let Some(max) = posts.iter().map(|p| p.time_ms).max() {
            self.newest_ms = Some(self.newest_ms.map_or(max, |n| n.max(max)));
        }
        let cut = self.cutoff().unwrap_or(i64::MIN);
        for p in &posts {
            if p.time_ms < cut {
                self.late += 1;
            } else {
                self.table.push(p);
            }
        }
        let aged = self.table.times().iter().filter(|&&t| t < cut).count();
        if aged * 10 > self.table.len() || self.table.len() > self.max_posts {
            self.rebuild(conn)?;
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: u32, t: i64) -> PostRecord {
        PostRecord {
            platform: "x".into(),
            id: id.to_string(),
            author_id: format!("a{}", id % 7),
            time_ms: t,
            text: "t".into(),
            ..PostRecord::default()
        }
    }

    #[test]
    fn ages_out_and_counts_late() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("w.db");
        let _store = store::Store::open(&db).expect("open");
        let conn = store::connect(&db).expect("connect");
        let hour = 3_600_000;
        let mut w = Window::new(10 * hour, hour, 1_000_000);
        // Store posts so a rebuild finds them.
        let all: Vec<PostRecord> = (0..100).map(|i| post(i, i as i64 * hour / 4)).collect();
        for p in &all {
            conn.execute(
                "INSERT INTO posts VALUES (?1, ?2, ?3, 0, 'test', ?4)",
                rusqlite::params![
                    p.platform,
                    p.id,
                    p.time_ms,
                    serde_json::to_string(p).expect("json")
                ],
            )
            .expect("insert");
        }
        assert!(w.advance(all.clone(), false, &conn).expect("advance"));
        // Newest is 24.75 h; the window keeps 11 h back: 13.75 h onwards = posts 55..99.
        assert_eq!(w.table().len(), 45);
        assert_eq!(w.late, 55, "older than the horizon at arrival");
        w.advance(vec![post(500, 0)], false, &conn)
            .expect("late post");
        assert_eq!(w.late, 56);
        assert_eq!(w.table().len(), 45);
        assert_eq!(w.watermark(), Some(99 * hour / 4));
        // Posts dropped on the way: the window is reloaded from the database.
        assert!(w.advance(vec![], true, &conn).expect("reload"));
        assert_eq!(w.table().len(), 45);
    }
}
