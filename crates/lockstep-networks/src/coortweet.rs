//! CooRTweet 2.1's coordinated network: `detect_groups` followed by
//! `generate_coordinated_network` (the full graph, with its quantile flag).
//!
//! Its rules (R/detect_groups.R, R/calc_group_combinations.R,
//! R/generate_coordinated_network.R), as this module reproduces them. A *row* is one
//! (object, account, content, time) of the long format: one event of the trace, exact
//! duplicate rows included (CooRTweet never deduplicates; its vignette calls `unique()`
//! before `detect_groups`, and lockstep's table keeps such repeats for this semantics).
//! 1. keep accounts with at least `min_participation` rows;
//! 2. per object, every unordered pair of rows with `|dt| <= window` is a coordinated
//!    pair (a self-join of the object's rows on row number);
//! 3. unless loops are kept ([`NetworkParams::self_loops`], CooRTweet's
//!    `remove_loops = FALSE`), pairs of one account, pairs of one content and pairs with a
//!    row whose content id is its own object id are removed;
//! 4. an account qualifies if at least `min_participation` of its rows have a content that
//!    appears in some remaining pair; a pair is kept if either account qualifies;
//! 5. the undirected edge weight is the number of kept pairs (not distinct posts), a loop
//!    is an edge of its own, and an edge is flagged when its weight is strictly above the
//!    `edge_weight` quantile (R's default type 7) of all edge weights.

use crate::pairs::{pair_key, pair_of};
use crate::{events_per_account, NetworkParams};
use foldhash::HashMap;
use lockstep_model::PostTable;
use lockstep_traces::{Event, Trace};
use rayon::prelude::*;

/// One undirected edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CoortweetEdge {
    /// Lower account index.
    pub a: u32,
    /// Higher account index (equal to `a` for a loop).
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

/// Visit every unordered pair of rows `(i, j)`, `i < j`, on the same object with
/// `t_j - t_i <= window_ms` (`events` sorted by object, then time), in parallel over runs
/// of whole objects; each run gets its own state from `make`.
///
/// Written here rather than with the kernel's sweep because CooRTweet pairs an account's
/// rows with each other (loops) and repeated rows with each other, which the kernel's
/// co-actions, being between different accounts, never include.
fn for_each_pair<S, M, V>(events: &[Event], window_ms: i64, make: M, visit: V) -> Vec<S>
where
    S: Send,
    M: Fn() -> S + Sync,
    V: Fn(&mut S, usize, usize) + Sync,
{
    let runs = lockstep_kernel::parallel_chunks(events);
    runs.par_iter()
        .map(|&(lo, hi)| {
            let mut state = make();
            for i in lo..hi {
                let e = &events[i];
                let mut j = i + 1;
                while j < hi
                    && events[j].object == e.object
                    && lockstep_kernel::within_window(e.time, events[j].time, window_ms)
                {
                    visit(&mut state, i, j);
                    j += 1;
                }
            }
            state
        })
        .collect()
}

/// CooRTweet's network for `trace` (any behaviour; CooRTweet's own data is the
/// `co-object` trace of its long format, built with
/// [`lockstep_traces::Semantics::Coortweet`] so that repeated rows count).
pub fn network(table: &PostTable, trace: &Trace, params: &NetworkParams) -> CoortweetNetwork {
    let mp = params.min_participation;
    let rows = events_per_account(table, trace);
    let ev: Vec<Event> = trace
        .events
        .iter()
        .filter(|e| rows[e.account as usize] >= mp)
        .copied()
        .collect();
    let loops = params.self_loops;
    // A row that shares its own content (object id = content id) pairs with nothing while
    // loops are removed.
    let own: Vec<bool> = if loops {
        Vec::new()
    } else {
        ev.iter()
            .map(|e| table.post_id(e.post) == *trace.object_label(table, e.object))
            .collect()
    };
    let kept = |i: usize, j: usize| {
        loops || (ev[i].account != ev[j].account && ev[i].post != ev[j].post && !own[i] && !own[j])
    };

    let mut paired = vec![false; table.len()];
    let parts = for_each_pair(&ev, params.window_ms, Vec::new, |v: &mut Vec<u32>, i, j| {
        if kept(i, j) {
            v.push(ev[i].post);
            v.push(ev[j].post);
        }
    });
    for p in parts.into_iter().flatten() {
        paired[p as usize] = true;
    }
    let mut paired_rows = vec![0u64; table.account_count()];
    for e in &ev {
        if paired[e.post as usize] {
            paired_rows[e.account as usize] += 1;
        }
    }
    let qualified: Vec<bool> = paired_rows.iter().map(|&n| n >= mp.max(1)).collect();

    let parts = for_each_pair(
        &ev,
        params.window_ms,
        HashMap::<u64, (u64, i64)>::default,
        |map, i, j| {
            let (x, y) = (&ev[i], &ev[j]);
            if !kept(i, j) || !(qualified[x.account as usize] || qualified[y.account as usize]) {
                return;
            }
            let key = pair_key(x.account.min(y.account), x.account.max(y.account));
            let w = map.entry(key).or_insert((0, 0));
            w.0 += 1;
            w.1 += y.time - x.time;
        },
    );
    let mut total: HashMap<u64, (u64, i64)> = HashMap::default();
    for part in parts {
        for (k, (n, dt)) in part {
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
