//! The driver's part: from merged counts to significant edges, as one machine finds them.

use crate::block::Segment;
use lockstep_campaigns::bursts::{overlaps, pairing, Burst, MIN_BURST_ACCOUNTS};
use lockstep_campaigns::significance::{
    candidate_ln_p_bound, finish_edges, judge_window, BehaviourSummary, SigEdge, TestParams,
    Tested, WindowResult,
};
use lockstep_campaigns::stats::{poisson_ln_sf, FixedSum};
use lockstep_campaigns::timing::Resolution;
use lockstep_networks::native::PairStats;
use lockstep_traces::Behaviour;
use std::collections::HashMap;

/// Join burst pieces (from every block, in any order) into the bursts of one behaviour
/// and window, as [`lockstep_campaigns::bursts::bursts`] finds them on one machine.
pub fn stitch_bursts(mut segments: Vec<Segment>) -> Vec<Burst> {
    segments.sort_by_key(|s| (s.object, s.first));
    let mut out = Vec::new();
    let mut cur: Option<Segment> = None;
    for s in segments {
        match &mut cur {
            Some(c) if c.object == s.object && c.open_end && s.joins_previous => {
                c.events += s.events;
                c.accounts.extend(s.accounts);
                c.accounts.sort_unstable();
                c.accounts.dedup();
                c.open_end = s.open_end;
                c.last = s.last;
            }
            _ => {
                if let Some(c) = cur.take() {
                    push_burst(&mut out, c);
                }
                cur = Some(s);
            }
        }
    }
    if let Some(c) = cur {
        push_burst(&mut out, c);
    }
    out
}

fn push_burst(out: &mut Vec<Burst>, s: Segment) {
    if s.events as usize >= MIN_BURST_ACCOUNTS && s.accounts.len() >= MIN_BURST_ACCOUNTS {
        out.push(Burst {
            object: s.object,
            first: s.first.0,
            last: s.last,
            accounts: s.accounts,
        });
    }
}

/// Account pairs in a significant burst overlap, with its adjusted ln value, for one
/// window (empty unless group evidence is on and the behaviour's bursts are paired, see
/// [`lockstep_campaigns::bursts::pairing`]).
pub fn group_pairs(
    behaviour: Behaviour,
    bursts: &[Burst],
    sum_d2: u128,
    events: u64,
    windows: usize,
    params: &TestParams,
) -> HashMap<u64, f64> {
    let Some(pairing) = pairing(behaviour).filter(|_| params.group_evidence) else {
        return HashMap::new();
    };
    let ln_windows = (windows.max(1) as f64).ln();
    overlaps(
        bursts,
        sum_d2,
        events,
        params.alpha.ln() - ln_windows,
        pairing,
    )
    .0
}

/// The global figures of one behaviour's test at one window.
pub struct WindowFigures {
    /// The window asked for, milliseconds.
    pub window_ms: i64,
    /// The window on the stamps, milliseconds.
    pub stamp_window_ms: i64,
    /// Merged pairs: all observed ones, or at least those with ln p within
    /// [`candidate_ln_p_bound`] and those in `group`.
    pub pairs: Vec<PairStats>,
    /// Pairs with at least one co-action.
    pub observed: u64,
    /// Pairs with at least `min_co_actions` co-actions.
    pub tested: u64,
    /// The null model's constant, summed over objects.
    pub null_c: FixedSum,
    /// Pairs in a significant burst overlap ([`group_pairs`]).
    pub group: HashMap<u64, f64>,
}

/// The global figures of one behaviour.
pub struct BehaviourFigures {
    /// The behaviour.
    pub behaviour: Behaviour,
    /// Acts before visits.
    pub acts: usize,
    /// Visits (the tested events).
    pub visits: u64,
    /// Time grids of the acts.
    pub resolution: Resolution,
    /// Accounts with a visit.
    pub active: usize,
    /// Distinct objects.
    pub objects: usize,
    /// Per window, in the order asked.
    pub windows: Vec<WindowFigures>,
}

/// Hypotheses of a behaviour with `active` accounts: every pair.
pub fn hypotheses(active: usize) -> f64 {
    active as f64 * (active as f64 - 1.0) / 2.0
}

/// The tested pairs of `pairs` that can still be significant, with expected co-actions
/// and ln p.
pub fn candidates(
    pairs: &[PairStats],
    degree: &impl Fn(u32) -> u64,
    c: f64,
    min_co_actions: u64,
    bound: f64,
) -> Vec<Tested> {
    pairs
        .iter()
        .filter(|e| e.co_actions >= min_co_actions)
        .filter_map(|e| {
            let lambda = degree(e.a) as f64 * degree(e.b) as f64 * c;
            let ln_p = poisson_ln_sf(e.co_actions, lambda);
            (ln_p <= bound).then_some((*e, lambda, ln_p))
        })
        .collect()
}

/// Significant edges and the summary of one behaviour, equal to
/// [`lockstep_campaigns::significance::test_behaviour`]'s on the same data.
pub fn finish_behaviour(
    f: BehaviourFigures,
    degree: impl Fn(u32) -> u64,
    params: &TestParams,
) -> (Vec<SigEdge>, BehaviourSummary) {
    let windows_ms: Vec<i64> = f.windows.iter().map(|w| w.window_ms).collect();
    let m = hypotheses(f.active);
    let mut summary = BehaviourSummary {
        behaviour: f.behaviour.name().to_string(),
        windows_s: windows_ms.iter().map(|w| *w as f64 / 1000.0).collect(),
        events: f.acts,
        visits: f.visits as usize,
        visit_gap_s: params.visit_gap_ms as f64 / 1000.0,
        resolution: f.resolution.clone(),
        time_grid: f.resolution.name(),
        windows: windows_ms
            .iter()
            .map(|&w| f.resolution.window_use(w))
            .collect(),
        accounts: f.active,
        objects: f.objects,
        null_c: Vec::new(),
        pairs_observed: Vec::new(),
        pairs_tested: Vec::new(),
        hypotheses: m,
        significant: 0,
        from_burst_overlaps: 0,
    };
    let n_windows = f.windows.len();
    let mut best = Default::default();
    let mut overlap_keys = Default::default();
    for w in f.windows {
        let c = w.null_c.value();
        summary.null_c.push(c);
        summary.pairs_observed.push(w.observed);
        summary.pairs_tested.push(w.tested);
        let bound = candidate_ln_p_bound(params.alpha, n_windows, m, w.tested);
        let cands = candidates(&w.pairs, &degree, c, params.min_co_actions, bound);
        let in_overlaps = w
            .pairs
            .iter()
            .filter_map(|e| w.group.get(&crate::pair_key(e.a, e.b)).map(|q| (*e, *q)))
            .collect();
        judge_window(
            WindowResult {
                candidates: cands,
                in_overlaps,
                m,
                c,
                window_ms: w.window_ms,
                stamp_window_ms: w.stamp_window_ms,
                // Rounds are not distributed (`analyze --no-rounds` is the single-machine run).
                rounds: false,
            },
            n_windows,
            params.alpha,
            &degree,
            &mut best,
            &mut overlap_keys,
        );
    }
    let (edges, from_overlaps) = finish_edges(best, &overlap_keys);
    summary.significant = edges.len();
    summary.from_burst_overlaps = from_overlaps;
    (edges, summary)
}
