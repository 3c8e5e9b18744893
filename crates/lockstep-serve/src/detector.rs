//! The refresh loop: every `refresh` period, when posts arrived, the live window is
//! analysed by the same engine as `analyze` into a fresh snapshot directory, the alert
//! rules compare it with what was known, and new alerts are stored, pushed to the
//! dashboard and queued for webhooks.
//!
//! It runs on its own thread: an analysis is CPU work (rayon inside) and must not stall
//! the HTTP runtime.

use crate::alerts::{store_alerts, Rules};
use crate::{store, Analyzer, Shared};
use anyhow::Context;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the latest refresh produced.
#[derive(Clone, Debug, Default)]
pub struct LiveState {
    /// Campaigns of the latest analysis, with tracked ids.
    pub campaigns: Arc<Vec<Value>>,
    /// report.html of the latest analysis.
    pub report: Option<PathBuf>,
    /// Refresh number (0: none yet).
    pub generation: u64,
    /// When it finished (wall clock, ms).
    pub finished_ms: i64,
    /// How long it took.
    pub seconds: f64,
    /// Posts analysed.
    pub posts: usize,
    /// Accounts in the window.
    pub accounts: usize,
    /// Newest post time.
    pub watermark_ms: Option<i64>,
    /// Posts too old for the window at arrival.
    pub late: u64,
    /// Last analysis error, if the latest refresh failed.
    pub error: Option<String>,
}

/// Run until shutdown.
pub fn run(shared: Arc<Shared>, analyzer: Arc<Analyzer>) {
    if let Err(e) = run_inner(&shared, analyzer) {
        eprintln!("lockstep serve: detector stopped: {e:#}");
        if let Ok(mut live) = shared.live.write() {
            live.error = Some(format!("detector stopped: {e:#}"));
        }
    }
}

fn run_inner(shared: &Shared, analyzer: Arc<Analyzer>) -> anyhow::Result<()> {
    let conn = store::connect(shared.store.path())?;
    let r = shared.resolved;
    let mut window = crate::window::Window::new(
        r.horizon_ms,
        r.lateness_ms,
        shared.config.detection.max_window_posts,
    );
    window.load(&conn)?;
    let mut rules = Rules::load(&conn)?;
    let snapshots = shared.config.snapshot_dir();
    std::fs::create_dir_all(&snapshots)
        .with_context(|| format!("creating {}", snapshots.display()))?;
    // Snapshots of an earlier run (numbered from 1 again) are stale.
    for entry in std::fs::read_dir(&snapshots)?.flatten() {
        if entry.file_name().to_string_lossy().starts_with("refresh-") {
            remove(&entry.path());
        }
    }
    let mut generation = 0u64;
    let mut dirty = !window.table().is_empty();
    let period = Duration::from_millis(r.refresh_ms.max(100) as u64);
    let mut next = Instant::now() + period.min(Duration::from_secs(2));
    let mut current: Option<PathBuf> = None;
    let mut reload_next = false;
    loop {
        while Instant::now() < next {
            if *shared.shutdown.borrow() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50).min(next - Instant::now()));
        }
        next = Instant::now() + period;
        let (posts, dropped) = shared.inbox.drain();
        // Posts lost on the way (dropped, or a failed update) are in the database: reload.
        match window.advance(posts, dropped || reload_next, &conn) {
            Ok(changed) => {
                dirty |= changed;
                reload_next = false;
            }
            Err(e) => {
                eprintln!("lockstep serve: updating the window failed: {e:#}");
                if let Ok(mut state) = shared.live.write() {
                    state.error = Some(format!("updating the window: {e:#}"));
                }
                reload_next = true;
                continue;
            }
        }
        if !dirty || window.table().is_empty() {
            continue;
        }
        dirty = false;
        generation += 1;
        let started = Instant::now();
        let dir = snapshots.join(format!("refresh-{generation:08}"));
        let table = window.table();
        let watermark = window.watermark().unwrap_or(0);
        let outcome = analyzer.analyze(table, &dir).and_then(|analysis| {
            let tx = conn.unchecked_transaction()?;
            let (alerts, live) =
                rules.evaluate_analysis(&analysis, &shared.config, watermark, &tx)?;
            let stored = store_alerts(&tx, alerts, watermark)?;
            tx.commit()?;
            Ok((stored, live))
        });
        let seconds = started.elapsed().as_secs_f64();
        match outcome {
            Ok((stored, live)) => {
                for a in stored {
                    shared.alert_count.fetch_add(1, Ordering::Relaxed);
                    let _ = shared.alerts_tx.send(a);
                }
                shared.wake.notify();
                let report = dir.join("report.html");
                if let Ok(mut state) = shared.live.write() {
                    *state = LiveState {
                        campaigns: Arc::new(live),
                        report: report.exists().then_some(report),
                        generation,
                        finished_ms: crate::parse::now_ms(),
                        seconds,
                        posts: table.len(),
                        accounts: table.account_count(),
                        watermark_ms: window.watermark(),
                        late: window.late,
                        error: None,
                    };
                }
                if let Some(old) = current.replace(dir) {
                    remove_later(old);
                }
            }
            Err(e) => {
                eprintln!("lockstep serve: refresh {generation} failed: {e:#}");
                if let Ok(mut state) = shared.live.write() {
                    state.error = Some(format!("{e:#}"));
                }
                remove(&dir);
            }
        }
    }
}

/// Remove a superseded snapshot after a grace period, so a report being served from it
/// finishes first.
fn remove_later(dir: PathBuf) {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(30));
        remove(&dir);
    });
}

fn remove(dir: &Path) {
    if let Err(e) = std::fs::remove_dir_all(dir) {
        if e.kind() != std::io::ErrorKind::NotFound {
            eprintln!("lockstep serve: removing {}: {e}", dir.display());
        }
    }
}
