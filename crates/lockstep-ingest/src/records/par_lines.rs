//! [`par_lines`]: the lines of a stream parsed on every core, handed back in input order.
//!
//! The calling thread keeps the cheap, ordered work: it cuts lines with [`Lines`] (so line
//! numbers, the byte-order mark, `\r\n`, blank lines and over-long lines are exactly as in
//! a sequential read), packs them into blocks of about [`BLOCK_BYTES`], and, in block
//! order, hands what `parse` made of each block to `consume`, which stores it
//! (deduplication and interning stay first-copy-wins and single-threaded). The expensive
//! part, parsing a block's lines into records, runs on rayon's pool, so `--threads` bounds
//! it. At most
//! [`IN_FLIGHT_PER_THREAD`] blocks per pool thread are out at once, which bounds memory
//! whatever the input size.
//!
//! Written here rather than with a crate: the order-preserving hand-back is a queue of
//! one-shot channels, a few lines over rayon, and the line cutting must be [`Lines`]' own
//! for the results to stay byte-identical to a one-thread read.

use super::{Line, Lines};
use std::collections::VecDeque;
use std::io;
use std::sync::mpsc;

/// Bytes of line content per block handed to a pool thread.
const BLOCK_BYTES: usize = 1 << 20;
/// Blocks out at once, per pool thread.
const IN_FLIGHT_PER_THREAD: usize = 4;

/// What the consumer gets, in input order.
pub(crate) enum Piece<T> {
    /// What `parse` made of a block of non-blank lines.
    Parsed(T),
    /// A line longer than the record limit: its number, full length and first bytes.
    TooLong {
        line: u64,
        len: u64,
        prefix: Vec<u8>,
    },
}

/// An over-long line: its number, full length and first bytes.
type TooLongLine = (u64, u64, Vec<u8>);
/// Blocks out on the pool, oldest first: where their parsed lines will arrive, and the
/// over-long line that follows them, if any.
type Pending<T> = VecDeque<(mpsc::Receiver<T>, Option<TooLongLine>)>;

/// Lines packed for a pool thread: their bytes back to back, and per line its number and
/// byte range.
#[derive(Default)]
struct Block {
    bytes: Vec<u8>,
    lines: Vec<(u64, usize, usize)>,
    /// An over-long line that ended the block; it comes after the block's lines.
    too_long: Option<TooLongLine>,
}

impl Block {
    fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.too_long.is_none()
    }
}

/// A block of non-blank lines as `parse` sees it.
pub(crate) struct LineBlock<'a> {
    bytes: &'a [u8],
    lines: &'a [(u64, usize, usize)],
}

impl<'a> LineBlock<'a> {
    /// The lines in input order: 1-based number and bytes (without the line end).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, &'a [u8])> + '_ {
        self.lines.iter().map(|&(n, a, b)| (n, &self.bytes[a..b]))
    }
}

/// Parse the non-blank lines of `lines`, a block at a time, with `parse` on rayon's pool
/// and hand the results, in input order, to `consume`. Stops at the first error of `consume` (strict mode) or of
/// the input (`io` turns it into the caller's error); blocks already out are waited for.
pub(crate) fn par_lines<T, E>(
    lines: &mut Lines<'_>,
    parse: &(dyn Fn(LineBlock<'_>) -> T + Sync),
    io: &dyn Fn(io::Error) -> E,
    consume: &mut dyn FnMut(Piece<T>) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
{
    let max_in_flight = rayon::current_num_threads().max(1) * IN_FLIGHT_PER_THREAD;
    let mut pending: Pending<T> = VecDeque::new();

    // Hand one finished block's results to the consumer.
    let drain_one = |pending: &mut Pending<T>,
                     consume: &mut dyn FnMut(Piece<T>) -> Result<(), E>|
     -> Result<(), E> {
        let Some((rx, too_long)) = pending.pop_front() else {
            return Ok(());
        };
        // A pool thread always sends before dropping its sender (should it ever not, a
        // panic in `parse` resurfaces from the scope).
        if let Some(t) = wait(&rx) {
            consume(Piece::Parsed(t))?;
        }
        if let Some((line, len, prefix)) = too_long {
            consume(Piece::TooLong { line, len, prefix })?;
        }
        Ok(())
    };

    rayon::in_place_scope(|scope| {
        let mut block = Block::default();
        let send = |block: Block, pending: &mut Pending<T>| {
            let (tx, rx) = mpsc::sync_channel(1);
            let Block {
                bytes,
                lines,
                too_long,
            } = block;
            scope.spawn(move |_| {
                let out = parse(LineBlock {
                    bytes: &bytes,
                    lines: &lines,
                });
                // The receiver is gone only when the consumer stopped early.
                let _ = tx.send(out);
            });
            pending.push_back((rx, too_long));
        };
        loop {
            let next = lines.next_line().map_err(io)?;
            let Some((n, line)) = next else { break };
            match line {
                Line::Ok(bytes) => {
                    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                        continue;
                    }
                    let a = block.bytes.len();
                    block.bytes.extend_from_slice(bytes);
                    block.lines.push((n, a, block.bytes.len()));
                    if block.bytes.len() < BLOCK_BYTES {
                        continue;
                    }
                }
                Line::TooLong { len, prefix } => {
                    block.too_long = Some((n, len, prefix.to_vec()));
                }
            }
            if pending.len() >= max_in_flight {
                drain_one(&mut pending, consume)?;
            }
            send(std::mem::take(&mut block), &mut pending);
        }
        if !block.is_empty() {
            send(block, &mut pending);
        }
        while !pending.is_empty() {
            drain_one(&mut pending, consume)?;
        }
        Ok(())
    })
}

/// The value a pool thread sends on `rx`. Called from one of the pool's own threads (a
/// caller that reads files inside a parallel loop), it runs the pool's pending work while it
/// waits instead of blocking, so readers on every pool thread cannot wait on each other.
pub(crate) fn wait<T>(rx: &mpsc::Receiver<T>) -> Option<T> {
    if rayon::current_thread_index().is_none() {
        return rx.recv().ok();
    }
    loop {
        match rx.try_recv() {
            Ok(v) => return Some(v),
            Err(mpsc::TryRecvError::Disconnected) => return None,
            Err(mpsc::TryRecvError::Empty) => {
                if rayon::yield_now() != Some(rayon::Yield::Executed) {
                    std::thread::yield_now();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines numbered and parsed in parallel come back as a sequential read gives them,
    /// over-long lines in their place, across many blocks.
    #[test]
    fn same_as_sequential_across_blocks() {
        let mut input = Vec::new();
        let mut want = Vec::new();
        for i in 0..200_000u64 {
            match i % 1000 {
                7 => input.extend_from_slice(b"   \r\n"),
                13 => {
                    input.extend_from_slice(&vec![b'x'; 300]);
                    input.push(b'\n');
                    want.push(format!("long {} 300", i + 1));
                }
                _ => {
                    let line = format!("line {i} {}", "y".repeat((i % 17) as usize));
                    want.push(format!("{} {}", i + 1, line.len()));
                    input.extend_from_slice(line.as_bytes());
                    input.extend_from_slice(if i % 2 == 0 { b"\n" } else { b"\r\n" });
                }
            }
        }
        let mut r: &[u8] = &input;
        let mut lines = Lines::new(&mut r, 200);
        let mut got = Vec::new();
        let parse = |block: LineBlock<'_>| {
            block
                .iter()
                .map(|(n, b)| format!("{n} {}", b.len()))
                .collect::<Vec<_>>()
        };
        par_lines(&mut lines, &parse, &|e: io::Error| e, &mut |p| {
            match p {
                Piece::Parsed(v) => got.extend(v),
                Piece::TooLong { line, len, .. } => got.push(format!("long {line} {len}")),
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(got.len(), want.len());
        assert_eq!(got, want);
    }

    /// An error from the consumer stops the read and comes back.
    #[test]
    fn consumer_error_stops() {
        let input = "a\nb\nc\n".repeat(100_000);
        let mut r: &[u8] = input.as_bytes();
        let mut lines = Lines::new(&mut r, 100);
        let mut seen = 0u64;
        let res = par_lines(
            &mut lines,
            &|block: LineBlock<'_>| block.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            &|e: io::Error| e.to_string(),
            &mut |p| {
                if let Piece::Parsed(ns) = p {
                    for n in ns {
                        seen += 1;
                        if n == 150_001 {
                            return Err("stop".to_string());
                        }
                    }
                }
                Ok(())
            },
        );
        assert_eq!(res, Err("stop".to_string()));
        assert_eq!(seen, 150_001);
    }

    /// Readers running on every pool thread at once (a parallel loop over files) finish:
    /// each runs pending blocks while it waits.
    #[test]
    fn readers_on_every_pool_thread_finish() {
        use rayon::prelude::*;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let input = "x\n".repeat(2_000_000);
        let counts: Vec<u64> = pool.install(|| {
            (0..4)
                .into_par_iter()
                .map(|_| {
                    let mut r: &[u8] = input.as_bytes();
                    let mut lines = Lines::new(&mut r, 100);
                    let mut n = 0u64;
                    par_lines(
                        &mut lines,
                        &|block: LineBlock<'_>| block.iter().count() as u64,
                        &|e: io::Error| e,
                        &mut |p| {
                            if let Piece::Parsed(k) = p {
                                n += k;
                            }
                            Ok(())
                        },
                    )
                    .unwrap();
                    n
                })
                .collect()
        });
        assert_eq!(counts, vec![2_000_000; 4]);
    }
}
