//! Account-major access to a sorted trace: for every account, its events; for every
//! event, the range of events on the same object inside the window.
//!
//! Pair statistics computed one source account at a time need no global pair map: a dense
//! per-thread scratch array indexed by the other account aggregates everything about the
//! current account, and its edges come out already sorted. Memory is the trace plus one
//! scratch per thread, however many pairs there are, and results can be streamed in
//! account order.

use lockstep_traces::{Event, Trace};
use rayon::prelude::*;
use std::ops::Range;

/// Window ranges and per-account event lists of one trace.
pub struct Neighbourhoods<'t> {
    trace: &'t Trace,
    /// For event i: first and one-past-last index of the events on the same object with
    /// `|dt| <= window` (i itself included).
    lo: Vec<u32>,
    hi: Vec<u32>,
    /// CSR of event indices by account, ascending within each account.
    offsets: Vec<u32>,
    by_account: Vec<u32>,
}

impl<'t> Neighbourhoods<'t> {
    /// Index `trace` for `window_ms` (inclusive) over `accounts` accounts.
    pub fn new(trace: &'t Trace, window_ms: i64, accounts: usize) -> Self {
        let ev = &trace.events;
        let n = ev.len();
        assert!(n < u32::MAX as usize, "trace over 2^32 events");
        let mut lo = vec![0u32; n];
        let mut hi = vec![0u32; n];
        // Object groups are contiguous; two pointers inside each.
        let mut g = 0;
        for group in crate::object_groups(ev) {
            let end = g + group.len();
            let (mut l, mut h) = (g, g);
            for i in g..end {
                while !crate::within_window(ev[l].time, ev[i].time, window_ms) {
                    l += 1;
                }
                if h < i + 1 {
                    h = i + 1;
                }
                while h < end && crate::within_window(ev[i].time, ev[h].time, window_ms) {
                    h += 1;
                }
                lo[i] = l as u32;
                hi[i] = h as u32;
            }
            g = end;
        }
        let mut offsets = vec![0u32; accounts + 1];
        for e in ev {
            offsets[e.account as usize + 1] += 1;
        }
        for a in 0..accounts {
            offsets[a + 1] += offsets[a];
        }
        let mut fill = offsets.clone();
        let mut by_account = vec![0u32; n];
        for (i, e) in ev.iter().enumerate() {
            let slot = &mut fill[e.account as usize];
            by_account[*slot as usize] = i as u32;
            *slot += 1;
        }
        Self {
            trace,
            lo,
            hi,
            offsets,
            by_account,
        }
    }

    /// All events, sorted by object, time, post.
    pub fn events(&self) -> &'t [Event] {
        &self.trace.events
    }

    /// Number of accounts indexed.
    pub fn accounts(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Indices of `account`'s events, ascending (so by object, then time).
    pub fn events_of(&self, account: u32) -> &[u32] {
        let a = account as usize;
        &self.by_account[self.offsets[a] as usize..self.offsets[a + 1] as usize]
    }

    /// Events on event `i`'s object within the window of it (including `i`).
    #[inline]
    pub fn window(&self, i: u32) -> Range<usize> {
        self.lo[i as usize] as usize..self.hi[i as usize] as usize
    }

    /// Run `f` for every account, in parallel over chunks of accounts balanced by their
    /// events, and hand each chunk's result to `emit` in account order. `scratch` makes
    /// one per-thread scratch value. At most `2 * threads` chunk results are held at once,
    /// so output can stream.
    pub fn for_each_account<S, R, I, F, E>(&self, scratch: I, f: F, mut emit: E)
    where
        S: Send,
        R: Send,
        I: Fn() -> S + Sync + Send,
        F: Fn(&mut S, u32, &mut R) + Sync + Send,
        R: Default,
        E: FnMut(R),
    {
        let threads = rayon::current_num_threads().max(1);
        let total = self.by_account.len().max(1);
        let target = (total / (threads * 32)).max(1024);
        let mut chunks = Vec::new();
        let mut start = 0u32;
        let mut acc = 0usize;
        for a in 0..self.accounts() as u32 {
            acc += self.events_of(a).len();
            if acc >= target {
                chunks.push(start..a + 1);
                start = a + 1;
                acc = 0;
            }
        }
        if (start as usize) < self.accounts() {
            chunks.push(start..self.accounts() as u32);
        }
        for wave in chunks.chunks(threads * 2) {
            let results: Vec<R> = wave
                .par_iter()
                .map_init(&scratch, |s, range| {
                    let mut r = R::default();
                    for a in range.clone() {
                        f(s, a, &mut r);
                    }
                    r
                })
                .collect();
            for r in results {
                emit(r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_traces::{Behaviour, ObjectSpace, Semantics};

    #[test]
    fn windows_and_account_lists() {
        let mut events: Vec<Event> = [(0, 0, 0), (0, 5, 1), (0, 30, 2), (1, 5, 0), (1, 6, 2)]
            .iter()
            .enumerate()
            .map(|(p, &(object, time, account))| Event {
                time,
                object,
                account,
                post: p as u32,
            })
            .collect();
        events.sort_by_key(|e| (e.object, e.time, e.post));
        let t = Trace {
            behaviour: Behaviour::CoPost,
            semantics: Semantics::Native,
            events,
            space: ObjectSpace::Single("*"),
            multi_object_posts: false,
        };
        let nb = Neighbourhoods::new(&t, 10, 3);
        assert_eq!(nb.window(0), 0..2);
        assert_eq!(nb.window(1), 0..2);
        assert_eq!(nb.window(2), 2..3);
        assert_eq!(nb.window(3), 3..5);
        assert_eq!(nb.events_of(0), &[0, 3]);
        assert_eq!(nb.events_of(2), &[2, 4]);
        let mut seen = Vec::new();
        nb.for_each_account(
            || (),
            |_, a, r: &mut Vec<u32>| r.push(a),
            |r| seen.extend(r),
        );
        assert_eq!(seen, [0, 1, 2]);
    }
}
