//! lockstep's native network: undirected account pairs with the statistics an analyst
//! judges coordination by.

use crate::pairs::{pair_key, pair_of, Partition};
use crate::{sweep_for, NetworkParams};
use foldhash::HashMap;
use lockstep_kernel::Sink;
use lockstep_model::PostTable;
use lockstep_traces::{Event, Trace};

/// One undirected edge between accounts `a < b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairStats {
    /// Lower account index.
    pub a: u32,
    /// Higher account index.
    pub b: u32,
    /// Co-actions: pairs of their events on one object within the window.
    pub co_actions: u64,
    /// Distinct posts of `a` with a `b` event in the window.
    pub posts_a: u64,
    /// Distinct posts of `b` with an `a` event in the window.
    pub posts_b: u64,
    /// Distinct objects they co-acted on.
    pub objects: u64,
    /// Smallest `|dt|`, milliseconds.
    pub min_dt_ms: i64,
    /// Sum of `|dt|` over co-actions, milliseconds (mean = sum / co_actions).
    pub sum_dt_ms: i64,
    /// Co-actions where `a` acted strictly first.
    pub a_first: u64,
    /// Co-actions where `b` acted strictly first.
    pub b_first: u64,
}

impl PairStats {
    /// Mean `|dt|` in seconds.
    pub fn mean_dt_s(&self) -> f64 {
        if self.co_actions == 0 {
            0.0
        } else {
            self.sum_dt_ms as f64 / self.co_actions as f64 / 1000.0
        }
    }
}

#[derive(Clone, Copy)]
struct Acc {
    co: u32,
    posts_lo: u32,
    posts_hi: u32,
    objects: u32,
    last_object: u32,
    lo_first: u32,
    hi_first: u32,
    min_dt: i64,
    sum_dt: i64,
}

impl Default for Acc {
    fn default() -> Self {
        Acc {
            co: 0,
            posts_lo: 0,
            posts_hi: 0,
            objects: 0,
            last_object: u32::MAX,
            lo_first: 0,
            hi_first: 0,
            min_dt: i64::MAX,
            sum_dt: 0,
        }
    }
}

struct NativeSink {
    part: Partition,
    map: HashMap<u64, Acc>,
    hits: Vec<(u64, u32)>,
    multi: bool,
}

impl Sink for NativeSink {
    fn wants_hits(&self) -> bool {
        true
    }

    #[inline]
    fn co_action(&mut self, x: &Event, y: &Event) {
        if !self.part.contains(x.account, y.account) {
            return;
        }
        let (lo, hi) = if x.account < y.account {
            (x, y)
        } else {
            (y, x)
        };
        let acc = self
            .map
            .entry(pair_key(lo.account, hi.account))
            .or_default();
        let dt = y.time - x.time;
        acc.co += 1;
        acc.sum_dt += dt;
        acc.min_dt = acc.min_dt.min(dt);
        if acc.last_object != x.object {
            acc.last_object = x.object;
            acc.objects += 1;
        }
        if lo.time < hi.time {
            acc.lo_first += 1;
        } else if hi.time < lo.time {
            acc.hi_first += 1;
        }
    }

    #[inline]
    fn hit(&mut self, e: &Event, other: u32) {
        if !self.part.contains(e.account, other) {
            return;
        }
        if self.multi {
            self.hits.push((pair_key(e.account, other), e.post));
            return;
        }
        let lo = e.account < other;
        let key = if lo {
            pair_key(e.account, other)
        } else {
            pair_key(other, e.account)
        };
        let acc = self.map.entry(key).or_default();
        if lo {
            acc.posts_lo += 1;
        } else {
            acc.posts_hi += 1;
        }
    }
}

/// Bytes a pair costs in the maps, for partition planning.
pub const BYTES_PER_PAIR: usize = 64;

/// Native edges of `trace`, one partition of the pair space at a time; `emit` receives
/// each partition's edges with `co_actions >= min_weight`, sorted by (a, b).
pub fn network(
    table: &PostTable,
    trace: &Trace,
    params: &NetworkParams,
    parts: u32,
    mut emit: impl FnMut(&[PairStats]),
) {
    let sweep = sweep_for(table, params);
    for part in Partition::all(parts) {
        let sinks = sweep.run(trace, || NativeSink {
            part,
            map: HashMap::default(),
            hits: Vec::new(),
            multi: trace.multi_object_posts,
        });
        let mut total: HashMap<u64, Acc> = HashMap::default();
        let mut hits = Vec::new();
        for s in sinks {
            hits.extend(s.hits);
            if total.is_empty() {
                total = s.map;
                continue;
            }
            for (k, v) in s.map {
                let t = total.entry(k).or_default();
                t.co += v.co;
                t.posts_lo += v.posts_lo;
                t.posts_hi += v.posts_hi;
                t.objects += v.objects;
                t.lo_first += v.lo_first;
                t.hi_first += v.hi_first;
                t.min_dt = t.min_dt.min(v.min_dt);
                t.sum_dt += v.sum_dt;
            }
        }
        if !hits.is_empty() {
            rayon::slice::ParallelSliceMut::par_sort_unstable(&mut hits[..]);
            hits.dedup();
            for (key, _) in hits {
                let (from, to) = pair_of(key);
                if from < to {
                    total.entry(pair_key(from, to)).or_default().posts_lo += 1;
                } else {
                    total.entry(pair_key(to, from)).or_default().posts_hi += 1;
                }
            }
        }
        let mut edges: Vec<PairStats> = total
            .into_iter()
            .filter(|(_, v)| v.co as u64 >= params.min_weight && v.co > 0)
            .map(|(k, v)| {
                let (a, b) = pair_of(k);
                PairStats {
                    a,
                    b,
                    co_actions: v.co as u64,
                    posts_a: v.posts_lo as u64,
                    posts_b: v.posts_hi as u64,
                    objects: v.objects as u64,
                    min_dt_ms: v.min_dt,
                    sum_dt_ms: v.sum_dt,
                    a_first: v.lo_first as u64,
                    b_first: v.hi_first as u64,
                }
            })
            .collect();
        edges.sort_unstable_by_key(|e| (e.a, e.b));
        emit(&edges);
    }
}
