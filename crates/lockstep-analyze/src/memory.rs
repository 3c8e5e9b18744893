//! Where a run's memory goes, for measurements: with `LOCKSTEP_MEMORY=1` in the
//! environment, `lockstep analyze` prints the post table's parts by size after reading, and
//! each stage's peak resident memory as it ends (Linux: `/proc/self/status`). Off by
//! default; nothing here changes a result.
//!
//! Each stage's peak is its own: the kernel's high-water mark is reset as a stage ends
//! (`/proc/self/clear_refs`), so with the variable set the process's own peak as
//! `/usr/bin/time` sees it covers only the last stage; the largest stage peak printed is
//! the run's.
//!
//! [`release`] runs on every run, with or without the variable: each stage's end hands the
//! memory it freed back to the system.

use lockstep_model::PostTable;
use std::sync::atomic::{AtomicU64, Ordering};

/// True when `LOCKSTEP_MEMORY` is set (to anything but empty or `0`).
pub fn enabled() -> bool {
    std::env::var("LOCKSTEP_MEMORY").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Print the table's parts, largest first, with bytes a post.
pub fn report_table(table: &PostTable) {
    if !enabled() {
        return;
    }
    let n = table.len().max(1);
    let parts = table.heap_sizes();
    let total: usize = parts.iter().map(|(_, b)| b).sum();
    eprintln!(
        "lockstep: memory: post table {:.1} MiB for {} posts ({:.1} bytes a post)",
        mib(total),
        table.len(),
        total as f64 / n as f64
    );
    if table.spilled_text_bytes() > 0 {
        eprintln!(
            "lockstep: memory:   (text moved to a mapped file, not counted: {:.1} MiB, {:.1} bytes a post)",
            mib(table.spilled_text_bytes()),
            table.spilled_text_bytes() as f64 / n as f64
        );
    }
    for (name, bytes) in parts {
        eprintln!(
            "lockstep: memory:   {name}: {:.1} MiB ({:.1} bytes a post)",
            mib(bytes),
            bytes as f64 / n as f64
        );
    }
}

/// Resident memory by kind, in KiB, from `/proc/self/status`: (anonymous, file-mapped).
/// File-mapped is mostly the spilled texts' pages (see `PostTable::spill_text`) and the
/// binary; anonymous is the heap and the threads' stacks.
fn rss_split_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((field("RssAnon:")?, field("RssFile:")?))
}

/// Bytes the program holds in live heap allocations, and bytes glibc keeps free in its
/// arenas (glibc's `mallinfo2`, summed over every arena). Elsewhere `None`.
fn heap_bytes() -> Option<(usize, usize)> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 takes no argument and returns a plain struct of counters.
        let m = unsafe { libc::mallinfo2() };
        // Heap from brk (arena) and from mmap (hblkhd, large blocks), less what is free.
        Some((m.uordblks + m.hblkhd, m.fordblks))
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        None
    }
}

/// (resident now, peak since the last reset), in KiB, from `/proc/self/status`.
fn rss_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

static RUN_PEAK_KIB: AtomicU64 = AtomicU64::new(0);

/// Hand the memory freed so far back to the system. glibc's allocator keeps freed blocks in
/// its arenas (one per thread that allocated: the rayon workers have their own) and returns
/// only a free top of the main heap by itself; the millions of small strings and vectors a
/// stage frees stay resident, and were most of what the narratives stage seemed to add at
/// 10M posts. `malloc_trim(0)` gives back every free page of every arena; it walks the free
/// lists once (milliseconds). Elsewhere a no-op. Nothing here changes a result.
pub fn release() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer and only returns the allocator's own free pages;
    // any thread may call it at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Print the peak and current resident memory of the stage that just ended, then reset the
/// peak for the next stage.
pub fn report_stage(stage: &str) {
    if !enabled() {
        return;
    }
    let Some((rss, hwm)) = rss_kib() else {
        return;
    };
    let run_peak = RUN_PEAK_KIB.fetch_max(hwm, Ordering::Relaxed).max(hwm);
    eprintln!(
        "lockstep: memory: stage {stage}: peak {:.1} MiB, {:.1} MiB at its end (run peak so far {:.1} MiB)",
        hwm as f64 / 1024.0,
        rss as f64 / 1024.0,
        run_peak as f64 / 1024.0
    );
    if let Some((anon, file)) = rss_split_kib() {
        let heap = heap_bytes().map_or(String::new(), |(used, free)| {
            format!(
                "; heap in use {:.1} MiB, free in the allocator {:.1} MiB",
                mib(used),
                mib(free)
            )
        });
        eprintln!(
            "lockstep: memory:   at its end: anonymous {:.1} MiB, file-mapped {:.1} MiB{heap}",
            anon as f64 / 1024.0,
            file as f64 / 1024.0
        );
    }
    // "5" resets the peak resident set size (Linux 4.0+); failing is harmless.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
