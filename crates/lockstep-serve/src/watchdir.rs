//! The watched directory: collectors drop files (any format `analyze` reads, gzip or zstd
//! too) and the service ingests each once. A file is taken when its size and modification
//! time stayed the same over two polls (so half-written files wait), and names starting
//! with `.` or ending in `.tmp`/`.part` are left alone (write-then-rename is the safe way
//! to drop a file). A file is recorded as done in the same transaction as its last posts.

use crate::writer::{Batch, Origin};
use crate::Shared;
use lockstep_ingest::{Ingest, IngestOptions, InputFile};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Posts per durable write when a file is large.
const CHUNK: usize = 20_000;

/// Poll `dir` until shutdown.
pub async fn run(shared: Arc<Shared>, dir: PathBuf) {
    let mut shutdown = shared.shutdown.clone();
    let mut seen: HashMap<PathBuf, (u64, i64)> = HashMap::new();
    loop {
        if let Err(e) = poll(&shared, &dir, &mut seen).await {
            eprintln!("lockstep serve: watch dir {}: {e:#}", dir.display());
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

fn wanted(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !(name.starts_with('.') || name.ends_with(".tmp") || name.ends_with(".part"))
}

async fn poll(
    shared: &Arc<Shared>,
    dir: &Path,
    seen: &mut HashMap<PathBuf, (u64, i64)>,
) -> anyhow::Result<()> {
    let mut entries = tokio::fs::read_dir(dir).await?;
    let mut current = HashMap::new();
    while let Some(e) = entries.next_entry().await? {
        let path = e.path();
        let Ok(meta) = e.metadata().await else {
            continue;
        };
        if !meta.is_file() || !wanted(&path) {
            continue;
        }
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        current.insert(path, (meta.len(), mtime));
    }
    for (path, &(size, mtime)) in &current {
        if seen.get(path) != Some(&(size, mtime)) {
            continue; // new or still changing: look again next poll
        }
        let name = path.display().to_string();
        if shared.store.file_done(&name, size, mtime)? {
            continue;
        }
        ingest_file(shared, path, &name, size, mtime).await?;
    }
    *seen = current;
    Ok(())
}

async fn ingest_file(
    shared: &Arc<Shared>,
    path: &Path,
    name: &str,
    size: u64,
    mtime_ms: i64,
) -> anyhow::Result<()> {
    let max_future = shared.resolved.lateness_ms.max(300_000);
    let p = path.to_path_buf();
    let (posts, rejected) =
        tokio::task::spawn_blocking(move || read_file(&p, max_future)).await??;
    let total = posts.len();
    let mut posts = posts.into_iter().peekable();
    let mut rejected = Some(rejected);
    loop {
        let chunk: Vec<_> = posts.by_ref().take(CHUNK).collect();
        let last = posts.peek().is_none();
        shared
            .writer
            .write_wait(Batch {
                origin: Origin::File {
                    path: name.to_string(),
                    size,
                    mtime_ms,
                    last,
                },
                posts: chunk,
                rejected: if last {
                    rejected.take().unwrap_or_default()
                } else {
                    Vec::new()
                },
            })
            .await?;
        if last {
            break;
        }
    }
    shared.files_ingested.fetch_add(1, Ordering::Relaxed);
    eprintln!("lockstep serve: ingested {name}: {total} posts");
    Ok(())
}

fn read_file(
    path: &Path,
    max_future_ms: i64,
) -> anyhow::Result<(
    Vec<lockstep_model::PostRecord>,
    Vec<lockstep_ingest::Rejection>,
)> {
    let mut ingest = Ingest::new(IngestOptions::default());
    ingest.collect();
    let input = InputFile {
        path: path.to_path_buf(),
        display: path.display().to_string(),
    };
    if let Err(e) = ingest.read_file(&input, None) {
        // The whole file is unreadable: quarantine it as one record so it is counted.
        return Ok((
            Vec::new(),
            vec![lockstep_ingest::Rejection {
                file: input.display,
                line: 0,
                reason: e.to_string(),
                raw: String::new(),
            }],
        ));
    }
    let (posts, rejected) = ingest.take_collected();
    Ok(crate::parse::split_future(
        &input.display,
        posts,
        rejected,
        max_future_ms,
    ))
}
