//! Which account pairs co-act more often than chance allows.
//!
//! The null model (sketched in DESIGN.md and kept deliberately simple so that an analyst
//! can explain it): if accounts chose objects by popularity and acted at each object's
//! usual times, the co-actions of accounts `a` and `b` would be Poisson with mean
//!
//! ```text
//! lambda_ab = d_a * d_b * C,   C = sum_o (n_o / E)^2 * p_o
//! ```
//!
//! where `d_a` is the number of `a`'s visits, `n_o` the visits on object `o`, `E` all
//! visits, and `p_o` the share of pairs of `o`'s visits that fall inside the window. A
//! *visit* ([`crate::visits`]) is an account's acts on one object with no gap over an hour,
//! at the time of its first act: many acts of one account on one object (a comment
//! thread, repeated reposting) are one decision, not independent draws, so they count once
//! in the observation and in the null alike. Busy accounts and viral objects raise the
//! expectation, so a fan who reposts everything or a cascade everyone joins does not become
//! an edge by volume alone. The observed count is co-acting visits, not distinct objects,
//! so a ring that reuses one hashtag set in twelve rounds hours apart keeps its twelve.
//! Windows and `p_o` are applied on the data's own time grid ([`crate::timing`]): on minute
//! stamps a 60 s window is the same or the adjacent minute, for the co-actions and for
//! `p_o` alike. Each pair's upper-tail p-value is then corrected for the number of pairs
//! that could have been tested (Benjamini–Hochberg over all `A(A-1)/2` pairs of active
//! accounts), which controls the false discovery rate.

use crate::stats::{bh_ln_q, poisson_ln_sf, FixedSum};
use crate::timing::{CoActRule, Resolution, WindowUse};
use lockstep_model::PostTable;
use lockstep_networks::native::{self, PairStats};
use lockstep_networks::NetworkParams;
use lockstep_traces::{Behaviour, Event, Trace};
use serde::Serialize;

/// One tested, significant account pair in one behaviour.
#[derive(Clone, Debug)]
pub struct SigEdge {
    /// Co-action statistics (accounts `a < b`).
    pub stats: PairStats,
    /// Expected co-actions under the null model.
    pub expected: f64,
    /// ln of the Poisson upper-tail p-value.
    pub ln_p: f64,
    /// ln of the Benjamini–Hochberg adjusted value.
    pub ln_q: f64,
    /// The window that gave this edge, milliseconds (as asked for).
    pub window_ms: i64,
    /// Whether the edge's evidence is a significant overlap of two rounds of reposts or
    /// replies on different posts ([`TestParams::rounds`]) rather than the pair's own count:
    /// such groups must also look like a ring as a group (`crate::rounds`).
    pub from_rounds: bool,
    /// That window on the stamps' grid: the largest stamp difference of a co-action
    /// (see [`crate::timing`]), milliseconds.
    pub stamp_window_ms: i64,
}

/// What testing one behaviour found, with the figures behind it.
#[derive(Clone, Debug, Serialize)]
pub struct BehaviourSummary {
    /// Behaviour name.
    pub behaviour: String,
    /// Windows tried, seconds.
    pub windows_s: Vec<f64>,
    /// Events (acts) in the trace.
    pub events: usize,
    /// Visits: acts of one account on one object with no gap over `visit_gap_s` count
    /// once (see [`crate::visits`]); the test counts these.
    pub visits: usize,
    /// The visit gap, seconds.
    pub visit_gap_s: f64,
    /// How precisely the events' times are known.
    pub resolution: Resolution,
    /// The grid the windows were applied on (`millisecond`, `second`, `minute`, `mixed`).
    pub time_grid: &'static str,
    /// How each window was applied to the stamps.
    pub windows: Vec<WindowUse>,
    /// Accounts with at least one event.
    pub accounts: usize,
    /// Distinct objects.
    pub objects: usize,
    /// The null model's constant C per window.
    pub null_c: Vec<f64>,
    /// Pairs with at least one co-action, per window.
    pub pairs_observed: Vec<u64>,
    /// Pairs with enough co-actions (and at least two posts on each side) to be tested,
    /// per window.
    pub pairs_tested: Vec<u64>,
    /// Hypotheses the false discovery rate is controlled over (per window).
    pub hypotheses: f64,
    /// Significant pairs after combining windows.
    pub significant: usize,
    /// Of those, pairs whose best evidence is a burst overlap.
    pub from_burst_overlaps: usize,
}

/// Parameters of the test.
#[derive(Clone, Debug)]
pub struct TestParams {
    /// False discovery rate.
    pub alpha: f64,
    /// Fewer co-actions than this are never an edge…
    pub min_co_actions: u64,
    /// …unless the pair is in a significant overlap of two bursts (see [`crate::bursts`]).
    pub group_evidence: bool,
    /// Acts of one account on one object with no gap over this are one visit.
    pub visit_gap_ms: i64,
    /// Also test this behaviour's bursts for overlaps although its objects are not written
    /// text: set for reposts and replies (objects are other accounts' posts), whose bursts
    /// are rounds (see [`crate::rounds`]); the edges are marked [`SigEdge::from_rounds`].
    pub rounds: bool,
}

/// Per-behaviour null model figures for one window.
struct Null {
    degree: Vec<u64>,
    c: f64,
    active: usize,
    objects: usize,
}

/// One object's term of the null model's constant: `(n / E)^2 * p_o`, with `p_o` the
/// share of the object's `n (n - 1) / 2` pairs of visits that co-act (`within`), out of
/// `e_total` visits in all.
pub fn null_term(n: u64, within: u64, e_total: u64) -> f64 {
    if n < 2 {
        return 0.0;
    }
    let (n, e) = (n as f64, e_total as f64);
    let p_o = within as f64 / (n * (n - 1.0) / 2.0);
    (n / e) * (n / e) * p_o
}

fn null_model(table: &PostTable, trace: &Trace, rule: &CoActRule) -> Null {
    let ev = &trace.events;
    let mut degree = vec![0u64; table.account_count()];
    for e in ev {
        degree[e.account as usize] += 1;
    }
    // Summed in fixed point, so that a distributed run adding objects in any order gets
    // the same constant to the bit.
    let mut c = FixedSum::default();
    let mut objects = 0;
    for group in lockstep_kernel::object_groups(ev) {
        objects += 1;
        if group.len() >= 2 {
            // Unordered pairs of this object's visits that co-act, by the same rule as the
            // observed co-actions (on one grid: stamps at most `window` apart).
            let within = lockstep_kernel::pairs_within(
                group,
                0..group.len(),
                rule.stamp_ms,
                rule.exact_by_stamps(),
                |a, b| rule.co_act(a, b),
            );
            c.add(null_term(group.len() as u64, within, ev.len() as u64));
        }
    }
    let active = degree.iter().filter(|&&d| d > 0).count();
    Null {
        degree,
        c: c.value(),
        active,
        objects,
    }
}

/// A tested pair of one window: its statistics, expected co-actions and ln p.
pub type Tested = (PairStats, f64, f64);

/// The pairs of one window that can still be significant: ln p at most this bound, when
/// `tested` pairs were tested among `m` hypotheses over `windows` windows at false
/// discovery rate `alpha`. A pair's Benjamini-Hochberg value `min_{r >= rank} p_(r) m / r`
/// can only reach `alpha / windows` through a rank `r <= tested` with
/// `p_(r) <= alpha r / (m windows)`, so every pair with a larger p is out whatever the
/// others are. A distributed run sends only these to the driver; a small margin keeps
/// floating point on the safe side.
pub fn candidate_ln_p_bound(alpha: f64, windows: usize, m: f64, tested: u64) -> f64 {
    let ln_windows = (windows.max(1) as f64).ln();
    alpha.ln() - ln_windows - m.max(tested as f64).ln() + (tested.max(1) as f64).ln() + 1e-6
}

/// What one window's test found, for [`judge_window`].
pub struct WindowResult {
    /// Tested pairs with ln p up to [`candidate_ln_p_bound`] (or all tested pairs).
    pub candidates: Vec<Tested>,
    /// Observed pairs in a significant burst overlap, with its adjusted ln value.
    pub in_overlaps: Vec<(PairStats, f64)>,
    /// Hypotheses.
    pub m: f64,
    /// Null model constant.
    pub c: f64,
    /// The window asked for and on the stamps, milliseconds.
    pub window_ms: i64,
    /// The window on the stamps, milliseconds.
    pub stamp_window_ms: i64,
    /// The overlaps are rounds ([`TestParams::rounds`]): they only add pairs the pair test
    /// did not find, and their edges are marked [`SigEdge::from_rounds`].
    pub rounds: bool,
}

/// Adjust one window's candidates (Benjamini-Hochberg over `m`, Bonferroni over
/// `windows`) and keep, per pair, the edge with the smallest adjusted value so far in
/// `best` (`overlap_keys` records pairs whose kept edge came from a burst overlap).
/// `degree` gives each account's visits. Shared by [`test_behaviour`] and the
/// distributed run (lockstep-dist), which passes only the candidates.
pub fn judge_window(
    r: WindowResult,
    windows: usize,
    alpha: f64,
    degree: impl Fn(u32) -> u64,
    best: &mut foldhash::HashMap<u64, SigEdge>,
    overlap_keys: &mut foldhash::HashSet<u64>,
) {
    let ln_windows = (windows.max(1) as f64).ln();
    let ln_alpha = alpha.ln();
    let ln_p: Vec<f64> = r.candidates.iter().map(|t| t.2).collect();
    let ln_q = bh_ln_q(&ln_p, r.m);
    for ((stats, lambda, ln_p), ln_q) in r.candidates.into_iter().zip(ln_q) {
        let ln_q = (ln_q + ln_windows).min(0.0);
        if ln_q > ln_alpha {
            continue;
        }
        keep_best(
            best,
            SigEdge {
                stats,
                expected: lambda,
                ln_p,
                ln_q,
                window_ms: r.window_ms,
                stamp_window_ms: r.stamp_window_ms,
                from_rounds: false,
            },
        );
    }
    for (stats, ln_q) in r.in_overlaps {
        let ln_q = (ln_q + ln_windows).min(0.0);
        if ln_q > ln_alpha {
            continue;
        }
        let lambda = degree(stats.a) as f64 * degree(stats.b) as f64 * r.c;
        let key = pair_key(&stats);
        // A pair the pair test found keeps that evidence: round overlaps only add pairs
        // (their groups are judged by their rounds, the others as before).
        if r.rounds && best.get(&key).is_some_and(|e| !e.from_rounds) {
            continue;
        }
        let cand = SigEdge {
            stats,
            expected: lambda,
            // The overlap's adjusted value stands for both: conservative.
            ln_p: ln_q,
            ln_q,
            window_ms: r.window_ms,
            stamp_window_ms: r.stamp_window_ms,
            from_rounds: r.rounds,
        };
        if keep_best(best, cand) {
            overlap_keys.insert(key);
        }
    }
}

/// The significant edges kept over all windows, sorted by pair, and how many of them rest
/// on a burst overlap alone.
pub fn finish_edges(
    best: foldhash::HashMap<u64, SigEdge>,
    overlap_keys: &foldhash::HashSet<u64>,
) -> (Vec<SigEdge>, usize) {
    let mut edges: Vec<SigEdge> = best.into_values().collect();
    edges.sort_by_key(|e| (e.stats.a, e.stats.b));
    let from_overlaps = edges
        .iter()
        .filter(|e| overlap_keys.contains(&pair_key(&e.stats)) && e.ln_p == e.ln_q)
        .count();
    (edges, from_overlaps)
}

/// Test every pair of one behaviour at each window; an edge is significant at the window
/// that gives it the smallest adjusted value, after a Bonferroni factor for the number of
/// windows tried. `visits` is the behaviour's trace reduced to visits
/// ([`crate::visits::visits`]), `acts` the number of events before that reduction.
pub fn test_behaviour(
    table: &PostTable,
    visits: &Trace,
    acts: usize,
    resolution: &Resolution,
    windows_ms: &[i64],
    params: &TestParams,
) -> (Vec<SigEdge>, BehaviourSummary) {
    let mut summary = BehaviourSummary {
        behaviour: visits.behaviour.name().to_string(),
        windows_s: windows_ms.iter().map(|w| *w as f64 / 1000.0).collect(),
        events: acts,
        visits: visits.events.len(),
        visit_gap_s: params.visit_gap_ms as f64 / 1000.0,
        resolution: resolution.clone(),
        time_grid: resolution.name(),
        windows: windows_ms
            .iter()
            .map(|&w| resolution.window_use(w))
            .collect(),
        accounts: 0,
        objects: 0,
        null_c: Vec::new(),
        pairs_observed: Vec::new(),
        pairs_tested: Vec::new(),
        hypotheses: 0.0,
        significant: 0,
        from_burst_overlaps: 0,
    };
    let ln_windows = (windows_ms.len().max(1) as f64).ln();
    let ln_alpha = params.alpha.ln();
    let mut best: foldhash::HashMap<u64, SigEdge> = Default::default();
    let mut overlap_keys: foldhash::HashSet<u64> = Default::default();
    for &w in windows_ms {
        let rule = CoActRule::new(table, resolution, w);
        let null = null_model(table, visits, &rule);
        summary.accounts = null.active;
        summary.objects = null.objects;
        summary.null_c.push(null.c);
        let m = null.active as f64 * (null.active as f64 - 1.0) / 2.0;
        summary.hypotheses = m;
        let net = NetworkParams {
            window_ms: rule.stamp_ms,
            min_weight: 1,
            ..NetworkParams::default()
        };
        // Where a burst means many accounts writing the same text, or putting the same
        // tags on their own posts in rounds (see `crate::bursts` for which bursts are
        // paired); reposting or linking something popular in a burst is what crowds do,
        // so reposts and replies are tested as rounds, on request only.
        let pairing = crate::bursts::pairing(visits.behaviour);
        let rounds = params.rounds && pairing.is_none();
        let group = match pairing.or(rounds.then_some(crate::bursts::Pairing::DifferentObjects)) {
            Some(p) if params.group_evidence => {
                let ln_bound = ln_alpha - ln_windows;
                crate::bursts::overlap_pairs(visits, &rule, &null.degree, ln_bound, p).0
            }
            _ => Default::default(),
        };
        let mut observed = 0u64;
        let mut tested: Vec<(PairStats, f64, f64)> = Vec::new();
        let mut in_overlaps: Vec<(PairStats, f64)> = Vec::new();
        let matches = |a: &Event, b: &Event| rule.co_act(a, b);
        native::network_matching(table, visits, &net, &matches, |edges| {
            observed += edges.len() as u64;
            for e in edges {
                if e.co_actions >= params.min_co_actions {
                    let lambda = null.degree[e.a as usize] as f64
                        * null.degree[e.b as usize] as f64
                        * null.c;
                    tested.push((*e, lambda, poisson_ln_sf(e.co_actions, lambda)));
                }
                if let Some(&ln_q) = group.get(&pair_key(e)) {
                    in_overlaps.push((*e, ln_q));
                }
            }
        });
        summary.pairs_observed.push(observed);
        summary.pairs_tested.push(tested.len() as u64);
        let degree = &null.degree;
        judge_window(
            WindowResult {
                candidates: tested,
                in_overlaps,
                m,
                c: null.c,
                window_ms: w,
                stamp_window_ms: rule.stamp_ms,
                rounds,
            },
            windows_ms.len(),
            params.alpha,
            |a| degree[a as usize],
            &mut best,
            &mut overlap_keys,
        );
    }
    let (edges, from_overlaps) = finish_edges(best, &overlap_keys);
    summary.significant = edges.len();
    summary.from_burst_overlaps = from_overlaps;
    (edges, summary)
}

pub fn pair_key(s: &PairStats) -> u64 {
    ((s.a as u64) << 32) | s.b as u64
}

/// Keep `cand` if its pair has no edge yet or only a weaker one; true if kept.
pub fn keep_best(best: &mut foldhash::HashMap<u64, SigEdge>, cand: SigEdge) -> bool {
    let key = pair_key(&cand.stats);
    match best.get(&key) {
        Some(old) if old.ln_q <= cand.ln_q => false,
        _ => {
            best.insert(key, cand);
            true
        }
    }
}

/// Default windows per behaviour, milliseconds: a tight one for synchronised bursts and a
/// wide one for slow, low-intensity rings. The null model scales with the window, so the
/// wide window does not add chance edges by itself.
pub fn default_windows(behaviour: Behaviour) -> Vec<i64> {
    behaviour.spec().windows_ms.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visits::{visits, DEFAULT_VISIT_GAP_MS};
    use lockstep_model::{PostRecord, TimePrecision};
    use lockstep_traces::{extract, Semantics};

    /// Minute-stamped Weibo comments: a background of 400 accounts commenting once under
    /// 40 posts, and two accounts answering each other twenty times under one post.
    fn thread_table() -> PostTable {
        let mut t = PostTable::new();
        let mut push = |id: String, author: String, minute: i64, reply: Option<String>| {
            t.push(&PostRecord {
                platform: "weibo".into(),
                id,
                author_id: author,
                time_ms: minute * 60_000,
                time_precision: TimePrecision::Minute,
                reply_to: reply,
                ..Default::default()
            });
        };
        for p in 0..40 {
            push(format!("root{p}"), "media".into(), p * 600, None);
            for k in 0..10 {
                push(
                    format!("c{p}-{k}"),
                    format!("u{}", (p * 10 + k) % 400),
                    p * 600 + k,
                    Some(format!("root{p}")),
                );
            }
        }
        for k in 0..20 {
            push(format!("x{k}"), "a".into(), 3 + 2 * k, Some("root0".into()));
            push(format!("y{k}"), "b".into(), 4 + 2 * k, Some("root0".into()));
        }
        t
    }

    /// The significant pairs of `tested` (windows of 60 s and 15 min), by account name.
    fn named_edges(
        table: &PostTable,
        tested: &Trace,
        events: usize,
        res: &Resolution,
        params: &TestParams,
    ) -> Vec<(String, String)> {
        let (edges, _) = test_behaviour(table, tested, events, res, &[60_000, 900_000], params);
        edges
            .iter()
            .map(|e| {
                (
                    table.account_id(e.stats.a).to_string(),
                    table.account_id(e.stats.b).to_string(),
                )
            })
            .collect()
    }

    fn significant(table: &PostTable, gap: Option<i64>) -> Vec<(String, String)> {
        let trace = extract(table, Behaviour::CoReply, Semantics::Native).expect("trace");
        let res = Resolution::of(table, &trace);
        assert_eq!(res.name(), "minute");
        let tested = match gap {
            Some(g) => visits(&trace, g, table.account_count()),
            None => extract(table, Behaviour::CoReply, Semantics::Native).expect("trace"),
        };
        let params = TestParams {
            alpha: 0.01,
            min_co_actions: 2,
            group_evidence: false,
            visit_gap_ms: gap.unwrap_or(0),
            rounds: false,
        };
        named_edges(table, &tested, trace.events.len(), &res, &params)
    }

    #[test]
    fn a_comment_thread_is_no_edge_once_acts_count_as_visits() {
        let t = thread_table();
        // Counting every act, the two talkers' 39 co-actions in one thread are "significant".
        assert!(significant(&t, None).contains(&("a".into(), "b".into())));
        // Counting visits, they co-act once: no edge, and nobody else either.
        assert!(significant(&t, Some(DEFAULT_VISIT_GAP_MS)).is_empty());
    }

    #[test]
    fn minute_ties_alone_make_no_edge() {
        // Everyone under a post comments within its first ten minutes, so ties in one
        // minute are everyday: p_o is counted on the same minute grid, no pair stands out.
        let t = thread_table();
        let pairs = significant(&t, Some(DEFAULT_VISIT_GAP_MS));
        assert!(pairs.is_empty(), "{pairs:?}");
    }

    /// Minute-stamped Weibo posts with hashtags: a background of 600 accounts tagging
    /// now and then; a hashtag push of 30 accounts, each round a rotating 18 of them
    /// posting the round's one or two of four tags within ten minutes, 6 rounds ten hours
    /// apart; a fan club of 30 whose rotating 18 tag their star's one tag within ten
    /// minutes 6 times; and three news crowds of 15 accounts each, each account posting its
    /// event's tag, then the tag and another, within ten minutes.
    fn tag_table() -> PostTable {
        let mut t = PostTable::new();
        let mut n = 0;
        let mut push = |author: String, minute: i64, tags: Vec<String>| {
            n += 1;
            t.push(&PostRecord {
                platform: "weibo".into(),
                id: format!("p{n}"),
                author_id: author,
                time_ms: minute * 60_000,
                time_precision: TimePrecision::Minute,
                hashtags: tags,
                ..Default::default()
            });
        };
        // Background: two posts each, one of 40 tags, spread over six days.
        for a in 0..600i64 {
            for k in 0..2i64 {
                let minute = (a * 7919 + k * 4201) % 8640;
                push(
                    format!("u{a}"),
                    minute,
                    vec![format!("t{}", (a * 13 + k * 7) % 40)],
                );
            }
        }
        let push_tags = ["拒绝H20", "H20不安全", "芯片安全", "支持国产芯片"];
        for j in 0..6i64 {
            let t0 = 100 + 600 * j;
            let mut tags = vec![push_tags[j as usize % 4].to_string()];
            if j % 3 == 1 {
                tags.push(push_tags[(j as usize + 1) % 4].to_string());
            }
            for i in 0..18i64 {
                let m = (j * 7 + i) % 30;
                push(format!("h{m}"), t0 + i % 10, tags.clone());
                // The fan club, half-way between two rounds, on one tag.
                push(format!("f{m}"), t0 + 300 + i % 10, vec!["星光".into()]);
            }
        }
        for e in 0..3i64 {
            for i in 0..15i64 {
                let minute = 150 + 1700 * e + i % 10;
                push(format!("n{e}-{i}"), minute, vec![format!("新闻{e}")]);
                let tags = vec![format!("新闻{e}"), format!("事件{e}")];
                push(format!("n{e}-{i}"), minute + 2, tags);
            }
        }
        t
    }

    fn tag_edges(table: &PostTable, group_evidence: bool) -> Vec<(String, String)> {
        let trace = extract(table, Behaviour::CoHashtag, Semantics::Native).expect("trace");
        let res = Resolution::of(table, &trace);
        let tested = visits(&trace, DEFAULT_VISIT_GAP_MS, table.account_count());
        let params = TestParams {
            alpha: 0.01,
            min_co_actions: 2,
            group_evidence,
            visit_gap_ms: DEFAULT_VISIT_GAP_MS,
            rounds: false,
        };
        named_edges(table, &tested, trace.events.len(), &res, &params)
    }

    #[test]
    fn a_rotating_hashtag_push_is_found_by_its_rounds_and_tag_crowds_are_not() {
        let t = tag_table();
        // Pairs of the push co-tag in about two rounds: the pair test alone finds few.
        let alone = tag_edges(&t, false);
        let push_pairs = |edges: &[(String, String)]| {
            edges
                .iter()
                .filter(|(a, b)| a.starts_with('h') && b.starts_with('h'))
                .count()
        };
        assert!(push_pairs(&alone) < 100, "{}", push_pairs(&alone));
        // Its rounds on different tags hours apart share most of their accounts.
        let with_bursts = tag_edges(&t, true);
        assert!(
            push_pairs(&with_bursts) >= 250,
            "{}",
            push_pairs(&with_bursts)
        );
        // The fan club's bursts are all on one tag (a tag's regulars return to it), and
        // each news crowd's bursts on its two tag sets share one moment (one event): bursts
        // add no edge but the push's (the pair test finds what it finds among the fans).
        let others: Vec<_> = with_bursts
            .iter()
            .filter(|(a, b)| !(a.starts_with('h') && b.starts_with('h')))
            .filter(|e| !alone.contains(e))
            .collect();
        assert!(others.is_empty(), "{others:?}");
    }
}
