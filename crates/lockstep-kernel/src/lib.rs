//! The co-action kernel.
//!
//! A trace is sorted by object and time, so all events that can co-act sit next to each
//! other. For every event the kernel walks only the events of the same object within the
//! window (two pointers), never the full cartesian product of an object's events: an
//! object shared 100,000 times costs the number of pairs actually inside the window.
//!
//! The kernel drives and the results are pushed into [`Sink`]s, in the manner of
//! ripgrep's searcher: one sweep can feed pair statistics, a peer-compatible counter and
//! an evidence writer at once, and each sink keeps only what it needs. The sweep is split
//! into chunks at object boundaries and run on all cores; each chunk gets its own sink,
//! and the caller merges them.
//!
//! The stages that walk a trace without sweeping it (the null model, bursts, exclusivity,
//! rounds, evidence's per-pair windows) use the same iterations, in `groups`:
//! [`object_groups`], [`linked_runs`], [`pairs_within`], [`activity_near`] and
//! [`PairWindows`], so the co-action window is tested in one function, [`within_window`].

mod groups;
mod neighbourhoods;

pub use groups::{
    activity_near, linked_runs, object_groups, pairs_within, within_window, PairWindows,
};
pub use neighbourhoods::Neighbourhoods;

use lockstep_traces::{Event, Trace};
use rayon::prelude::*;

/// Receives what the sweep finds. Every method has an empty default, so a sink implements
/// only what it consumes.
pub trait Sink: Send {
    /// True if the sink wants [`Sink::hit`] calls, which cost a second scan per event.
    fn wants_hits(&self) -> bool {
        false
    }

    /// One co-action: two events of different accounts on the same object with
    /// `|dt| <= window`. Called once per unordered pair, with `a` not later than `b`
    /// (ties in input order).
    fn co_action(&mut self, a: &Event, b: &Event) {
        let _ = (a, b);
    }

    /// Event `e` has at least one event of account `other` (not its own) within the window
    /// on the same object. Called once per event and other account.
    fn hit(&mut self, e: &Event, other: u32) {
        let _ = (e, other);
    }
}

/// How the sweep runs.
#[derive(Clone, Copy, Debug)]
pub struct Sweep {
    /// Largest `|dt|` in milliseconds that still counts (inclusive).
    pub window_ms: i64,
    /// Number of accounts (size of the per-thread scratch used to deduplicate hits).
    pub accounts: usize,
}

/// `events` (sorted by object) cut at object boundaries into about 16 chunks per thread
/// of rayon's pool (at least 4,096 events each), for a parallel sweep: `(start, end)` of
/// each chunk. No object is split.
pub fn parallel_chunks(events: &[Event]) -> Vec<(usize, usize)> {
    let target = (events.len() / (rayon::current_num_threads() * 16)).max(4096);
    chunks(events, target)
}

/// Start indices of object groups, merged into chunks of roughly `target` events. A group
/// is never split, so every (pair, object) is seen by exactly one chunk.
fn chunks(events: &[Event], target: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut start, mut end) = (0, 0);
    for group in object_groups(events) {
        end += group.len();
        if end - start >= target {
            out.push((start, end));
            start = end;
        }
    }
    if start < events.len() {
        out.push((start, events.len()));
    }
    out
}

impl Sweep {
    /// Sweep `trace`, giving each chunk a fresh sink from `make`; returns all sinks for the
    /// caller to merge.
    pub fn run<S, F>(&self, trace: &Trace, make: F) -> Vec<S>
    where
        S: Sink,
        F: Fn() -> S + Sync,
    {
        self.run_matching(trace, &|_: &Event, _: &Event| true, make)
    }

    /// Like [`Sweep::run`], but two events in the window co-act only if `matches` says so
    /// (for example, texts similar enough). `matches` must be symmetric.
    pub fn run_matching<S, F, M>(&self, trace: &Trace, matches: &M, make: F) -> Vec<S>
    where
        S: Sink,
        F: Fn() -> S + Sync,
        M: Fn(&Event, &Event) -> bool + Sync,
    {
        let events = &trace.events;
        let parts = parallel_chunks(events);
        parts
            .par_iter()
            .map(|&(lo, hi)| {
                let mut sink = make();
                let mut stamp = if sink.wants_hits() {
                    vec![u32::MAX; self.accounts]
                } else {
                    Vec::new()
                };
                self.sweep_range(&events[lo..hi], matches, &mut sink, &mut stamp);
                sink
            })
            .collect()
    }

    /// Sweep a run of whole object groups.
    fn sweep_range<S: Sink, M: Fn(&Event, &Event) -> bool>(
        &self,
        ev: &[Event],
        matches: &M,
        sink: &mut S,
        stamp: &mut [u32],
    ) {
        let w = self.window_ms;
        let hits = sink.wants_hits();
        let mut group_start = 0;
        // `back` is the first index of the current object whose time is >= t_i - w.
        let mut back = 0;
        for i in 0..ev.len() {
            let e = &ev[i];
            if i > 0 && ev[i - 1].object != e.object {
                group_start = i;
                back = i;
            }
            while !within_window(ev[back].time, e.time, w) {
                back += 1;
            }
            let mut j = i + 1;
            while j < ev.len() && ev[j].object == e.object && within_window(e.time, ev[j].time, w) {
                let f = &ev[j];
                if f.account != e.account && matches(e, f) {
                    sink.co_action(e, f);
                }
                j += 1;
            }
            if hits {
                let mark = i as u32;
                stamp[e.account as usize] = mark;
                for f in ev[back.max(group_start)..j].iter() {
                    let slot = &mut stamp[f.account as usize];
                    if *slot != mark && matches(e, f) {
                        *slot = mark;
                        sink.hit(e, f.account);
                    }
                }
            }
        }
    }
}

/// Number of ordered (event, neighbour) visits a sweep with this window makes: an upper
/// bound on co-actions and hits, computed in one linear pass so that callers can plan
/// memory before sweeping.
pub fn count_window_pairs(trace: &Trace, window_ms: i64) -> u64 {
    object_groups(&trace.events)
        .map(|g| pairs_within(g, 0..g.len(), window_ms, true, |_, _| true))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_traces::{Behaviour, ObjectSpace, Semantics};

    fn trace(mut events: Vec<Event>) -> Trace {
        events.sort_by_key(|e| (e.object, e.time, e.post));
        Trace {
            behaviour: Behaviour::CoPost,
            semantics: Semantics::Native,
            events,
            space: ObjectSpace::Single("*"),
            multi_object_posts: false,
        }
    }

    fn e(object: u32, time: i64, account: u32, post: u32) -> Event {
        Event {
            time,
            object,
            account,
            post,
        }
    }

    #[derive(Default)]
    struct Collect {
        pairs: Vec<(u32, u32)>,
        hits: Vec<(u32, u32)>,
    }

    impl Sink for Collect {
        fn wants_hits(&self) -> bool {
            true
        }
        fn co_action(&mut self, a: &Event, b: &Event) {
            self.pairs.push((a.post, b.post));
        }
        fn hit(&mut self, e: &Event, other: u32) {
            self.hits.push((e.post, other));
        }
    }

    type PostPairs = Vec<(u32, u32)>;

    fn brute(t: &Trace, w: i64, m: &dyn Fn(&Event, &Event) -> bool) -> (PostPairs, PostPairs) {
        let ev = &t.events;
        let mut pairs = Vec::new();
        let mut hits = Vec::new();
        for i in 0..ev.len() {
            for j in i + 1..ev.len() {
                if ev[i].object == ev[j].object
                    && (ev[j].time - ev[i].time).abs() <= w
                    && ev[i].account != ev[j].account
                    && m(&ev[i], &ev[j])
                {
                    pairs.push((ev[i].post, ev[j].post));
                }
            }
            let mut others: Vec<u32> = ev
                .iter()
                .filter(|f| {
                    f.object == ev[i].object
                        && (f.time - ev[i].time).abs() <= w
                        && f.account != ev[i].account
                        && m(&ev[i], f)
                })
                .map(|f| f.account)
                .collect();
            others.sort();
            others.dedup();
            hits.extend(others.into_iter().map(|a| (ev[i].post, a)));
        }
        pairs.sort();
        hits.sort();
        (pairs, hits)
    }

    #[test]
    fn sweep_equals_brute_force() {
        // A deterministic pseudo-random trace with repeated accounts, ties and several objects.
        let mut x: u64 = 42;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut events = Vec::new();
        for p in 0..3000u32 {
            let r = next();
            events.push(e(
                (r % 7) as u32,
                ((r >> 8) % 5000) as i64,
                ((r >> 20) % 40) as u32,
                p,
            ));
        }
        let t = trace(events);
        for w in [0, 10, 60, 1000] {
            let sinks = Sweep {
                window_ms: w,
                accounts: 40,
            }
            .run(&t, Collect::default);
            let mut pairs: Vec<_> = sinks.iter().flat_map(|s| s.pairs.iter().copied()).collect();
            let mut hits: Vec<_> = sinks.iter().flat_map(|s| s.hits.iter().copied()).collect();
            pairs.sort();
            hits.sort();
            let (bp, bh) = brute(&t, w, &|_, _| true);
            assert_eq!(pairs, bp, "pairs, window {w}");
            assert_eq!(hits, bh, "hits, window {w}");
            assert!(count_window_pairs(&t, w) >= pairs.len() as u64);
        }
    }

    #[test]
    fn matching_sweep_equals_brute_force() {
        let mut events = Vec::new();
        for p in 0..2000u32 {
            events.push(e(p % 3, ((p * 7919) % 4000) as i64, (p * 31) % 25, p));
        }
        let t = trace(events);
        let m = |a: &Event, b: &Event| !(a.post + b.post).is_multiple_of(3);
        let sinks = Sweep {
            window_ms: 50,
            accounts: 25,
        }
        .run_matching(&t, &m, Collect::default);
        let mut pairs: Vec<_> = sinks.iter().flat_map(|s| s.pairs.iter().copied()).collect();
        let mut hits: Vec<_> = sinks.iter().flat_map(|s| s.hits.iter().copied()).collect();
        pairs.sort();
        hits.sort();
        let (bp, bh) = brute(&t, 50, &m);
        assert_eq!(pairs, bp);
        assert_eq!(hits, bh);
    }

    #[test]
    fn chunks_never_split_an_object() {
        let t = trace(
            (0..10_000)
                .map(|i| e(i / 3000, i as i64, i % 5, i))
                .collect(),
        );
        let c = chunks(&t.events, 100);
        for (lo, hi) in &c {
            assert!(*lo == 0 || t.events[lo - 1].object != t.events[*lo].object);
            assert!(*hi == t.events.len() || t.events[hi - 1].object != t.events[*hi].object);
        }
        assert_eq!(c.last().map(|x| x.1), Some(10_000));
    }
}
