//! CooRTweet 2.1's coordinated network: `detect_groups` followed by
//! `generate_coordinated_network` (the full graph, with its quantile flag).
//!
//! Its rules, as this module reproduces them:
//! 1. keep accounts with at least `min_participation` rows (shares);
//! 2. per object, every unordered pair of rows by different accounts and different
//!    contents with `|dt| <= window` is a coordinated pair;
//! 3. an account qualifies if at least `min_participation` of its rows have a content that
//!    appears in some pair; a pair is kept if either account qualifies;
//! 4. the undirected edge weight is the number of kept pairs (not distinct posts), and an
//!    edge is flagged when its weight is strictly above the `edge_weight` quantile (R's
//!    default type 7) of all edge weights.

use crate::pairs::{pair_key, pair_of};
use crate::{events_per_account, sweep_for, NetworkParams};
use foldhash::HashMap;
use lockstep_kernel::Sink;
use lockstep_model::PostTable;
use lockstep_traces::{Event, ObjectSpace, Trace};

/// One undirected edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CoortweetEdge {
    /// Lower account index.
    pub a: u32,
    /// Higher account index.
    pub b: u32,
    /// Number of coordinated pairs of shares.
    pub weight: u64,
    /// Mean `|dt|` over those pairs, seconds.
    pub avg_time_delta: f64,
    /// Weight strictly above the quantile threshold.
    pub weight_threshold: bool,
}

/// The network and its threshold.
#[derive(Clone, Debug, Default)]
pub struct CoortweetNetwork {
    /// Edges sorted by (a, b).
    pub edges: Vec<CoortweetEdge>,
    /// Accounts with at least one edge.
    pub vertices: usize,
    /// The quantile of edge weights used for the flag.
    pub threshold: f64,
}

/// R's `quantile(x, p)` with the default type 7, on sorted data.
pub fn quantile_type7(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] as f64 + (h - lo as f64) * (sorted[hi] as f64 - sorted[lo] as f64)
}

#[derive(Default)]
struct PairedPosts(Vec<u32>);

impl Sink for PairedPosts {
    fn co_action(&mut self, a: &Event, b: &Event) {
        if a.post != b.post {
            self.0.push(a.post);
            self.0.push(b.post);
        }
    }
}

struct Weights<'a> {
    qualified: &'a [bool],
    map: HashMap<u64, (u64, i64)>,
}

impl Sink for Weights<'_> {
    fn co_action(&mut self, x: &Event, y: &Event) {
        if x.post == y.post
            || !(self.qualified[x.account as usize] || self.qualified[y.account as usize])
        {
            return;
        }
        let (lo, hi) = if x.account < y.account {
            (x.account, y.account)
        } else {
            (y.account, x.account)
        };
        let w = self.map.entry(pair_key(lo, hi)).or_insert((0, 0));
        w.0 += 1;
        w.1 += y.time - x.time;
    }
}

/// CooRTweet's network for `trace` (any behaviour; CooRTweet's own data is the
/// `co-object` trace of its long format).
pub fn network(table: &PostTable, trace: &Trace, params: &NetworkParams) -> CoortweetNetwork {
    let mp = params.min_participation;
    let rows = events_per_account(table, trace);
    let filtered = Trace {
        behaviour: trace.behaviour,
        semantics: trace.semantics,
        events: trace
            .events
            .iter()
            .filter(|e| rows[e.account as usize] >= mp)
            .copied()
            .collect(),
        space: ObjectSpace::Single(""),
        multi_object_posts: trace.multi_object_posts,
    };
    let sweep = sweep_for(table, params);

    let mut paired = vec![false; table.len()];
    for s in sweep.run(&filtered, PairedPosts::default) {
        for p in s.0 {
            paired[p as usize] = true;
        }
    }
    let mut paired_rows = vec![0u64; table.account_count()];
    for e in &filtered.events {
        if paired[e.post as usize] {
            paired_rows[e.account as usize] += 1;
        }
    }
    let qualified: Vec<bool> = paired_rows.iter().map(|&n| n >= mp.max(1)).collect();

    let mut total: HashMap<u64, (u64, i64)> = HashMap::default();
    for s in sweep.run(&filtered, || Weights {
        qualified: &qualified,
        map: HashMap::default(),
    }) {
        for (k, (n, dt)) in s.map {
            let t = total.entry(k).or_insert((0, 0));
            t.0 += n;
            t.1 += dt;
        }
    }
    let mut weights: Vec<u64> = total.values().map(|v| v.0).collect();
    weights.sort_unstable();
    let threshold = quantile_type7(&weights, params.edge_weight_quantile);
    let mut edges: Vec<CoortweetEdge> = total
        .into_iter()
        .map(|(k, (n, dt))| {
            let (a, b) = pair_of(k);
            CoortweetEdge {
                a,
                b,
                weight: n,
                avg_time_delta: dt as f64 / n as f64 / 1000.0,
                weight_threshold: n as f64 > threshold,
            }
        })
        .filter(|e| e.weight >= params.min_weight)
        .collect();
    edges.sort_unstable_by_key(|e| (e.a, e.b));
    let mut vs: Vec<u32> = edges.iter().flat_map(|e| [e.a, e.b]).collect();
    vs.sort_unstable();
    vs.dedup();
    CoortweetNetwork {
        vertices: vs.len(),
        edges,
        threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_matches_r() {
        // R: quantile(c(1,2,3,4), 0.5) = 2.5; quantile(c(1,1,1,5), 0.9) = 3.8
        assert_eq!(quantile_type7(&[1, 2, 3, 4], 0.5), 2.5);
        assert!((quantile_type7(&[1, 1, 1, 5], 0.9) - 3.8).abs() < 1e-12);
        assert_eq!(quantile_type7(&[7], 0.5), 7.0);
    }
}
