//! coordination-network-toolkit 1.5.2's directed networks, exactly.
//!
//! Its SQL counts, for accounts A and B, `count(distinct A.message_id)` over A's messages
//! with at least one B message on the same object with
//! `B.timestamp between A.timestamp - window and A.timestamp + window`; `min_edge_weight`
//! filters, and its export drops the loops A->A unless asked for them
//! (`--include_self_loops`, [`NetworkParams::self_loops`]). The kernel's `hit` is exactly
//! "this event has a B event in its window", so the weight is the number of distinct A
//! posts with a hit on B.
//!
//! Loops: in 1.5.2 a message also matches itself (the join does not exclude
//! `A.message_id = B.message_id`), so the loop A->A weighs every A message of the
//! behaviour, not only those with a second A message in the window. The toolkit's own test
//! says so ("Self loops will always include a single retweet"); a later, unreleased commit
//! of the toolkit excludes a message from matching itself.
//!
//! Times: the toolkit stores `float(timestamp)` and SQLite compares those doubles, with
//! `A.timestamp ± window` rounded to a double. lockstep's times are whole milliseconds,
//! which is exact when every time is a whole second; otherwise [`PeerClock`] compares the
//! toolkit's own doubles the toolkit's way (see there).

use crate::NetworkParams;
use lockstep_kernel::Neighbourhoods;
use lockstep_model::PostTable;
use lockstep_traces::{Event, Trace};

/// The toolkit's clock, for traces whose times are not all whole seconds.
///
/// Its window test is `t_b between t_a - w and t_a + w` on doubles: `t` is Python's
/// `float()` of the CSV field and each bound is rounded to a double. Two posts 1.0003 s
/// apart are not within a 1 s window, and even millisecond times disagree with exact
/// arithmetic at the edge (2.816 s and 12.816 s are not within 10 s, because
/// `2.816 + 10` rounds below `12.816`); the test is also not symmetric.
///
/// lockstep keeps times in whole milliseconds everywhere. The double the toolkit sees is
/// `time_ms / 1000` whenever the input wrote at most three decimals; for finer input the
/// toolkit's CSV reader keeps the parsed double beside the post
/// ([`PostTable::exact_times`]). This clock holds one double per post, built only for the
/// peer-exact paths: the kernel sweeps a window 2 ms wider (rounding to milliseconds moves
/// each time by at most 0.5 ms) and this predicate decides.
pub struct PeerClock {
    secs: Vec<f64>,
    window: f64,
}

impl PeerClock {
    /// The clock for `trace` under a window of `window_ms`, or `None` when every time of
    /// the trace is a whole second and milliseconds compare exactly.
    pub fn new(table: &PostTable, trace: &Trace, window_ms: i64) -> Option<Self> {
        let fractional =
            !table.exact_times().is_empty() || trace.events.iter().any(|e| e.time % 1000 != 0);
        if !fractional {
            return None;
        }
        let mut secs: Vec<f64> = table.times().iter().map(|&ms| ms as f64 / 1000.0).collect();
        for &(p, t) in table.exact_times() {
            secs[p as usize] = t;
        }
        Some(Self {
            secs,
            window: window_ms as f64 / 1000.0,
        })
    }

    /// The window the kernel must sweep so that every pair this clock accepts is seen.
    pub fn sweep_window_ms(&self, window_ms: i64) -> i64 {
        window_ms.saturating_add(2)
    }

    /// The toolkit's test from `source`'s side:
    /// `target.timestamp between source.timestamp - w and source.timestamp + w`.
    #[inline]
    pub fn within(&self, source: &Event, target: &Event) -> bool {
        let s = self.secs[source.post as usize];
        let t = self.secs[target.post as usize];
        s - self.window <= t && t <= s + self.window
    }
}

/// One directed edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DirectedEdge {
    /// Account whose posts are counted.
    pub source: u32,
    /// Account they matched.
    pub target: u32,
    /// Distinct source posts with a target post in the window.
    pub weight: u64,
}

/// Per-thread scratch: counts and "already counted for this post" stamps per target
/// account, and the targets touched by the current source account.
struct Scratch {
    count: Vec<u32>,
    stamp: Vec<u32>,
    touched: Vec<u32>,
    order: Vec<u32>,
    next_stamp: u32,
}

/// The toolkit's network for `trace` (built with [`lockstep_traces::Semantics::Cnt`]);
/// `emit` receives the edges in (source, target) order, a chunk of source accounts at a
/// time, so the result streams and never sits in a global pair map. With
/// [`NetworkParams::self_loops`] the loops A->A are edges too.
pub fn network(
    table: &PostTable,
    trace: &Trace,
    params: &NetworkParams,
    emit: impl FnMut(&[DirectedEdge]),
) {
    network_matching(table, trace, params, &|_: &Event, _: &Event| true, emit)
}

/// Like [`network`], but two events in the window co-act only if `matches` says so: the
/// toolkit's co_similar_tweet is the co_post sweep with a text-similarity predicate.
pub fn network_matching<M>(
    table: &PostTable,
    trace: &Trace,
    params: &NetworkParams,
    matches: &M,
    mut emit: impl FnMut(&[DirectedEdge]),
) where
    M: Fn(&Event, &Event) -> bool + Sync,
{
    let accounts = table.account_count();
    let clock = PeerClock::new(table, trace, params.window_ms);
    let sweep_ms = clock
        .as_ref()
        .map_or(params.window_ms, |c| c.sweep_window_ms(params.window_ms));
    let nb = Neighbourhoods::new(trace, sweep_ms, accounts);
    let ev = nb.events();
    let min_weight = params.min_weight.max(1);
    let multi = trace.multi_object_posts;
    let loops = params.self_loops;
    nb.for_each_account(
        || Scratch {
            count: vec![0; accounts],
            stamp: vec![0; accounts],
            touched: Vec::new(),
            order: Vec::new(),
            next_stamp: 0,
        },
        |s, a, out: &mut Vec<DirectedEdge>| {
            let mine = nb.events_of(a);
            // An account with fewer events than the minimum weight cannot be the source
            // of an edge (the toolkit prunes the same way).
            if (mine.len() as u64) < min_weight {
                return;
            }
            s.order.clear();
            s.order.extend_from_slice(mine);
            if multi {
                // A post's events (one per link) must be adjacent to count the post once.
                s.order.sort_unstable_by_key(|&i| ev[i as usize].post);
            }
            let mut last_post = u32::MAX;
            for k in 0..s.order.len() {
                let i = s.order[k];
                let e = &ev[i as usize];
                if e.post != last_post {
                    last_post = e.post;
                    s.next_stamp = s.next_stamp.wrapping_add(1);
                    if s.next_stamp == 0 {
                        s.stamp.iter_mut().for_each(|x| *x = 0);
                        s.next_stamp = 1;
                    }
                }
                // With loops, `e` itself is in its window and matches: the toolkit's join
                // pairs a message with itself.
                for f in &ev[nb.window(i)] {
                    let b = f.account as usize;
                    if (f.account == a && !loops)
                        || s.stamp[b] == s.next_stamp
                        || clock.as_ref().is_some_and(|c| !c.within(e, f))
                        || !matches(e, f)
                    {
                        continue;
                    }
                    s.stamp[b] = s.next_stamp;
                    if s.count[b] == 0 {
                        s.touched.push(f.account);
                    }
                    s.count[b] += 1;
                }
            }
            s.touched.sort_unstable();
            for &b in &s.touched {
                let w = std::mem::take(&mut s.count[b as usize]) as u64;
                if w >= min_weight {
                    out.push(DirectedEdge {
                        source: a,
                        target: b,
                        weight: w,
                    });
                }
            }
            s.touched.clear();
        },
        |edges| emit(&edges),
    );
}
