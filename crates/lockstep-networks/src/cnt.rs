//! coordination-network-toolkit 1.5.2's directed networks, exactly.
//!
//! Its SQL counts, for accounts A and B, `count(distinct A.message_id)` over A's messages
//! with at least one B message on the same object within `|dt| <= window`; self-loops are
//! dropped on export and `min_edge_weight` filters. The kernel's `hit` is exactly "this
//! event has a B event in its window", so the weight is the number of distinct A posts
//! with a hit on B.

use crate::pairs::{pair_key, pair_of, Partition};
use crate::{events_per_account, sweep_for, NetworkParams};
use foldhash::HashMap;
use lockstep_kernel::Sink;
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

struct CntSink<'a> {
    part: Partition,
    keep_source: &'a [bool],
    /// Direct counts, when every post has one event.
    counts: HashMap<u64, u32>,
    /// (pair, post) hits to deduplicate, when a post can have several events.
    hits: Vec<(u64, u32)>,
    multi: bool,
}

impl Sink for CntSink<'_> {
    fn wants_hits(&self) -> bool {
        true
    }

    #[inline]
    fn hit(&mut self, e: &Event, other: u32) {
        if !self.keep_source[e.account as usize] || !self.part.contains(e.account, other) {
            return;
        }
        let key = pair_key(e.account, other);
        if self.multi {
            self.hits.push((key, e.post));
        } else {
            *self.counts.entry(key).or_insert(0) += 1;
        }
    }
}

/// Bytes a pair costs in the maps, for partition planning.
pub const BYTES_PER_PAIR: usize = 24;

/// The toolkit's network for `trace` (built with [`lockstep_traces::Semantics::Cnt`]),
/// one partition of the pair space at a time; `emit` receives each partition's edges,
/// sorted by source then target index.
pub fn network(
    table: &PostTable,
    trace: &Trace,
    params: &NetworkParams,
    parts: u32,
    emit: impl FnMut(&[DirectedEdge]),
) {
    network_matching(
        table,
        trace,
        params,
        parts,
        &|_: &Event, _: &Event| true,
        emit,
    )
}

/// Like [`network`], but two events in the window co-act only if `matches` says so: the
/// toolkit's co_similar_tweet is the co_post sweep with a text-similarity predicate.
pub fn network_matching<M>(
    table: &PostTable,
    trace: &Trace,
    params: &NetworkParams,
    parts: u32,
    matches: &M,
    mut emit: impl FnMut(&[DirectedEdge]),
) where
    M: Fn(&Event, &Event) -> bool + Sync,
{
    let sweep = sweep_for(table, params);
    // An account with fewer events than the minimum weight cannot be the source of an
    // edge (the toolkit prunes the same way).
    let keep_source: Vec<bool> = events_per_account(table, trace)
        .iter()
        .map(|&n| n >= params.min_weight.max(1))
        .collect();
    for part in Partition::all(parts) {
        let sinks = sweep.run_matching(trace, matches, || CntSink {
            part,
            keep_source: &keep_source,
            counts: HashMap::default(),
            hits: Vec::new(),
            multi: trace.multi_object_posts,
        });
        let mut edges: Vec<DirectedEdge> = if trace.multi_object_posts {
            let mut hits: Vec<(u64, u32)> = sinks.into_iter().flat_map(|s| s.hits).collect();
            rayon::slice::ParallelSliceMut::par_sort_unstable(&mut hits[..]);
            hits.dedup();
            let mut out = Vec::new();
            let mut i = 0;
            while i < hits.len() {
                let key = hits[i].0;
                let mut j = i;
                while j < hits.len() && hits[j].0 == key {
                    j += 1;
                }
                let (source, target) = pair_of(key);
                out.push(DirectedEdge {
                    source,
                    target,
                    weight: (j - i) as u64,
                });
                i = j;
            }
            out
        } else {
            let mut total: HashMap<u64, u32> = HashMap::default();
            for s in sinks {
                if total.is_empty() {
                    total = s.counts;
                    continue;
                }
                for (k, v) in s.counts {
                    *total.entry(k).or_insert(0) += v;
                }
            }
            total
                .into_iter()
                .map(|(k, w)| {
                    let (source, target) = pair_of(k);
                    DirectedEdge {
                        source,
                        target,
                        weight: w as u64,
                    }
                })
                .collect()
        };
        edges.retain(|e| e.weight >= params.min_weight);
        rayon::slice::ParallelSliceMut::par_sort_unstable(&mut edges[..]);
        emit(&edges);
    }
}
