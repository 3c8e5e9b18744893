//! Splitting a byte stream into records without holding more than one record in memory.
//!
//! * [`Lines`] yields lines (JSON lines, one tweet or event per line) with their 1-based
//!   number. A line longer than the record limit is consumed without being buffered and
//!   reported as [`Line::TooLong`], so a 100 MB single line costs 64 KiB of memory, not
//!   100 MB, and nothing is quadratic.
//! * [`JsonScanner`] walks one JSON document (Telegram's `result.json`, a JSON array of
//!   statuses) structurally, without building it, and hands out the raw bytes of the
//!   values a selector picks (each message, each array element) with the line and byte
//!   offset where they start. Each value is then parsed on its own, so one bad message is
//!   one rejection and the messages around it are kept.

mod csv_cut;
mod csv_split;
mod json_scan;
mod line_map;
mod lines;
mod par_csv;
mod par_lines;

pub(crate) use csv_cut::CsvCutter;
pub(crate) use csv_split::{BlockRecords, SpanRecord};
pub(crate) use json_scan::{Action, Event, JsonScanner, Malformed, Seg};
pub(crate) use line_map::{counting, CountingReader, LineMap};
pub(crate) use lines::{Line, Lines};
pub(crate) use par_csv::{par_csv, CsvBlock};
pub(crate) use par_lines::{par_lines, wait, LineBlock, Piece};

use std::io::{self, BufRead};

/// Default limit on one record (a line, or one element of a JSON document): 64 MiB.
pub const DEFAULT_MAX_RECORD: usize = 64 << 20;

/// How much of an over-long record is kept to show in the quarantine file.
const KEEP_PREFIX: usize = 64 * 1024;

/// `r.fill_buf()`, retried while interrupted. The retry loop only probes: returning the
/// slice from inside it would keep `r` borrowed across iterations, which the borrow checker
/// refuses; asking again once it succeeded is cheap (the buffer is already full).
fn fill_buf(r: &mut dyn BufRead) -> io::Result<&[u8]> {
    loop {
        match r.fill_buf() {
            Ok(_) => return r.fill_buf(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}
