//! [`par_csv`]: a CSV stream cut into blocks that start on a record ([`CsvCutter`]),
//! parsed on rayon's pool, and handed back in input order.
//!
//! The calling thread reads, finds record ends (quotes, delimiters and line ends only),
//! counts line breaks so every block knows the line it starts on, and stores what the pool
//! made of each block in input order; parsing the records and filling the posts runs on
//! the pool. As in [`par_lines`](super::par_lines), at most a few blocks per pool thread
//! are out at once.

use super::{fill_buf, wait, CsvCutter};
use std::collections::VecDeque;
use std::io::{self, BufRead};
use std::sync::mpsc;

/// Bytes per block handed to a pool thread (a block ends at the first record end after it).
const BLOCK_BYTES: usize = 1 << 20;
/// Blocks out at once, per pool thread.
const IN_FLIGHT_PER_THREAD: usize = 4;

/// One block of whole records.
pub(crate) struct CsvBlock<'a> {
    /// The records' bytes.
    pub bytes: &'a [u8],
    /// Line breaks before the block: a line number within the block plus this is the
    /// line in the input.
    pub lines_before: u64,
    /// True for the input's first block (it holds the header, if any).
    pub first: bool,
}

/// Cut `input` into blocks of whole records, run `parse` on each on rayon's pool, and
/// hand what it made of each block, in input order, to `consume`. `lines_before` is the
/// number of line breaks before `input`'s start (a header read by the caller). Stops at the first error of `consume`
/// or of the input.
pub(crate) fn par_csv<T, E>(
    input: &mut dyn BufRead,
    delimiter: u8,
    lines_before: u64,
    parse: &(dyn Fn(CsvBlock<'_>) -> T + Sync),
    io: &dyn Fn(io::Error) -> E,
    consume: &mut dyn FnMut(T) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
{
    let max_in_flight = rayon::current_num_threads().max(1) * IN_FLIGHT_PER_THREAD;
    // Each block's result comes back with the block's buffer, which is reused: a fresh
    // buffer per block cost the reading thread a page fault per 4 KiB it copied in (a
    // fifth of its time on the toolkit's CSV).
    let mut pending: VecDeque<mpsc::Receiver<(T, Vec<u8>)>> = VecDeque::new();
    let mut spare: Vec<Vec<u8>> = Vec::new();
    let drain_one = |pending: &mut VecDeque<mpsc::Receiver<(T, Vec<u8>)>>,
                     spare: &mut Vec<Vec<u8>>,
                     consume: &mut dyn FnMut(T) -> Result<(), E>|
     -> Result<(), E> {
        if let Some(rx) = pending.pop_front() {
            // A pool thread always sends before dropping its sender (a panic in `parse`
            // resurfaces from the scope).
            if let Some((t, mut bytes)) = wait(&rx) {
                bytes.clear();
                spare.push(bytes);
                consume(t)?;
            }
        }
        Ok(())
    };
    rayon::in_place_scope(|scope| {
        let mut cutter = CsvCutter::new(delimiter);
        let mut buf: Vec<u8> = Vec::with_capacity(2 * BLOCK_BYTES);
        let mut cut: Option<usize> = None;
        let mut lines_before = lines_before;
        let mut first = true;
        let mut send = |block: Vec<u8>, pending: &mut VecDeque<mpsc::Receiver<(T, Vec<u8>)>>| {
            let (tx, rx) = mpsc::sync_channel(1);
            let (before, is_first) = (lines_before, first);
            lines_before += memchr::memchr_iter(b'\n', &block).count() as u64;
            first = false;
            scope.spawn(move |_| {
                let out = parse(CsvBlock {
                    bytes: &block,
                    lines_before: before,
                    first: is_first,
                });
                // The receiver is gone only when the consumer stopped early.
                let _ = tx.send((out, block));
            });
            pending.push_back(rx);
        };
        loop {
            let avail = fill_buf(input).map_err(io)?;
            if avail.is_empty() {
                break;
            }
            let (start, n) = (buf.len(), avail.len());
            buf.extend_from_slice(avail);
            input.consume(n);
            if let Some(c) = cutter.feed(&buf[start..]) {
                cut = Some(start + c);
            }
            if buf.len() < BLOCK_BYTES {
                continue;
            }
            // The bytes after the last record end hold no other record end: they start
            // the next block.
            let Some(c) = cut.take() else { continue };
            if pending.len() >= max_in_flight {
                drain_one(&mut pending, &mut spare, consume)?;
            }
            let mut next = spare
                .pop()
                .unwrap_or_else(|| Vec::with_capacity(2 * BLOCK_BYTES));
            next.extend_from_slice(&buf[c..]);
            buf.truncate(c);
            send(std::mem::replace(&mut buf, next), &mut pending);
        }
        if !buf.is_empty() {
            send(buf, &mut pending);
        }
        while !pending.is_empty() {
            drain_one(&mut pending, &mut spare, consume)?;
        }
        Ok(())
    })
}
