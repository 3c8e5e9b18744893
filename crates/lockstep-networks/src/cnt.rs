//! coordination-network-toolkit 1.5.2's directed networks, exactly.
//!
//! Its SQL counts, for accounts A and B, `count(distinct A.message_id)` over A's messages
//! with at least one B message on the same object within `|dt| <= window`; self-loops are
//! dropped on export and `min_edge_weight` filters. The kernel's `hit` is exactly "this
//! event has a B event in its window", so the weight is the number of distinct A posts
//! with a hit on B.

use crate::NetworkParams;
use lockstep_kernel::Neighbourhoods;
use lockstep_model::PostTable;
use lockstep_traces::{Event, Trace};

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
/// time, so the result streams and never sits in a global pair map.
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
    let nb = Neighbourhoods::new(trace, params.window_ms, accounts);
    let ev = nb.events();
    let min_weight = params.min_weight.max(1);
    let multi = trace.multi_object_posts;
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
                for f in &ev[nb.window(i)] {
                    let b = f.account as usize;
                    if f.account == a || s.stamp[b] == s.next_stamp || !matches(e, f) {
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
