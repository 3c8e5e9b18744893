//! Rounds: how a group acts together on other accounts' posts, as a group.
//!
//! A boost ring that reposts popular real posts, or a reply swarm that comments under a
//! few targets' posts, gives each pair of its members only a handful of co-actions among
//! hundreds of other reposters: no pair stands out. What stands out is the group: the same
//! accounts turning up together, within a minute or two, on post after post. The burst
//! overlap test ([`crate::bursts`]) finds such candidate groups on reposts and replies
//! too (`DetectParams::rounds`), but a fan club passes it as well: fans act on each of
//! their star's posts, together. This module describes a group's rounds so the two can be
//! told apart by what they do, not by how exclusive they are (a ring on viral posts is a
//! small part of their traffic by design):
//!
//! * `round_span_s`: within a round, how close the members act (the shortest span holding
//!   half of the members' acts on the post). A ring acts within a minute or two.
//! * `round_lag_s`: how long after the post was created that span starts. Fans follow the
//!   cascade: they act in the first minutes after their star posts, one by one, because
//!   the post appeared. A ring joins a post minutes to days into its cascade, all at
//!   once, because it was told to: the members' synchrony is not explained by the post.
//! * `round_share`: the share of the members' own acts on posts (reposts, replies) that
//!   are in the group's rounds: ring accounts do little else, fans and regulars much else.
//! * `round_sources`: distinct authors of the rounds' posts (a fan club has one).
//!
//! Why written here and not taken from a crate: these are medians and counts over the
//! traces' sorted events, a few dozen lines.

use foldhash::HashMap;
use lockstep_model::{PostTable, NONE};
use lockstep_traces::{ObjectSpace, Trace};
use serde::Serialize;

/// Fewest members acting on one post for it to be one of the group's rounds.
pub const MIN_ROUND_MEMBERS: usize = 3;

/// A member of a round group is kept if it is in at least this share of the group's
/// rounds (see `prune_round_groups` in the crate root).
pub const MIN_MEMBER_ROUNDS: f64 = 0.25;

/// A round group's rounds must start, in the median, this many times their span after
/// the post appeared (see `round_reason` in the crate root).
pub const MIN_LAG_TO_SPAN: f64 = 2.0;

/// Longest median round span (seconds) of a reported round group: half the members act
/// within ten minutes. A ring's round is a minute or two; a cohort working down a list
/// over an hour is not a synchronised round.
pub const MAX_ROUND_SPAN_S: f64 = 600.0;

/// Shortest span a round's traffic share is measured over: a minute, the stamps' grain on
/// Weibo.
const MIN_SPAN_MS: i64 = 60_000;

/// What a group's rounds look like (all zero when it has none).
#[derive(Clone, Debug, Default, Serialize)]
pub struct RoundSignals {
    /// Posts of other accounts (reposted or replied to) on which at least
    /// [`MIN_ROUND_MEMBERS`] members acted.
    pub rounds: usize,
    /// Distinct authors of those posts.
    pub sources: usize,
    /// Share of the members' acts on posts (first act of a member on a post) that are in
    /// the rounds.
    pub share: f64,
    /// Median over rounds of the shortest span holding half the members' acts, seconds.
    pub span_s: f64,
    /// Median over rounds of the time from the post's creation to the start of that span,
    /// seconds.
    pub lag_s: f64,
    /// Median over rounds of the share of all the post's reposts and replies (by anyone,
    /// authors unknown included) made within that span (at least a minute long): how much
    /// of the post's traffic the members' moment is. A ring's two minutes inside a cascade
    /// of hours are a small slice; fans' first minutes after their star posts are most of
    /// it.
    pub traffic_share: f64,
}

/// Round signals of every group, over the traces whose objects are posts (reposts,
/// replies). `groups` are disjoint sets of account indices.
pub fn round_signals(
    table: &PostTable,
    groups: &[Vec<u32>],
    traces: &[(Trace, Vec<i64>)],
) -> Vec<RoundSignals> {
    let mut group_of = vec![u32::MAX; table.account_count()];
    for (gi, g) in groups.iter().enumerate() {
        for &a in g {
            group_of[a as usize] = gi as u32;
        }
    }
    let n = groups.len();
    let mut acts = vec![0u64; n];
    let mut in_rounds = vec![0u64; n];
    let mut spans: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut lags: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut sources: Vec<Vec<u32>> = vec![Vec::new(); n];
    // Every round: (group, object symbol, span start, span end).
    let mut windows: Vec<(u32, u32, i64, i64)> = Vec::new();
    // (group, account, first act time) of the members acting on the current object.
    let mut present: Vec<(u32, u32, i64)> = Vec::new();
    for (trace, _) in traces {
        if !matches!(trace.space, ObjectSpace::PostRefs) {
            continue;
        }
        for group in lockstep_kernel::object_groups(&trace.events) {
            let obj = group[0].object;
            present.clear();
            for e in group {
                let g = group_of[e.account as usize];
                if g != u32::MAX {
                    present.push((g, e.account, e.time));
                }
            }
            // Events are time-sorted within an object: the first of each account is its
            // first act there.
            present.sort_by_key(|&(g, a, t)| (g, a, t));
            present.dedup_by_key(|&mut (g, a, _)| (g, a));
            let post = table.ref_post(obj);
            let mut k = 0;
            while k < present.len() {
                let g = present[k].0;
                let mut m = k;
                while m < present.len() && present[m].0 == g {
                    m += 1;
                }
                let gi = g as usize;
                let members = m - k;
                acts[gi] += members as u64;
                if members >= MIN_ROUND_MEMBERS {
                    in_rounds[gi] += members as u64;
                    let mut times: Vec<i64> = present[k..m].iter().map(|p| p.2).collect();
                    times.sort_unstable();
                    let half = members.div_ceil(2).max(2);
                    let (span, start) = (0..=members - half)
                        .map(|s| (times[s + half - 1] - times[s], times[s]))
                        .min()
                        .unwrap_or((0, times[0]));
                    spans[gi].push(span as f64 / 1000.0);
                    windows.push((g, obj, start, start + span.max(MIN_SPAN_MS)));
                    if let Some(p) = post {
                        lags[gi].push((start - table.time(p)).max(0) as f64 / 1000.0);
                        sources[gi].push(table.author(p));
                    }
                }
                k = m;
            }
        }
    }
    // The posts' traffic: every repost and reply in the table, whoever wrote it.
    let mut of_object: HashMap<u32, Vec<usize>> = HashMap::default();
    for (k, w) in windows.iter().enumerate() {
        of_object.entry(w.1).or_default().push(k);
    }
    let mut inside = vec![0u64; windows.len()];
    let mut total = vec![0u64; windows.len()];
    for p in 0..table.len() as u32 {
        let target = match table.repost_of(p) {
            NONE => table.reply_to(p),
            r => r,
        };
        if target == NONE {
            continue;
        }
        if let Some(ks) = of_object.get(&target) {
            let t = table.time(p);
            for &k in ks {
                total[k] += 1;
                if (windows[k].2..=windows[k].3).contains(&t) {
                    inside[k] += 1;
                }
            }
        }
    }
    let mut shares: Vec<Vec<f64>> = vec![Vec::new(); n];
    for (k, w) in windows.iter().enumerate() {
        if total[k] > 0 {
            shares[w.0 as usize].push(inside[k] as f64 / total[k] as f64);
        }
    }
    (0..n)
        .map(|g| {
            let mut s = std::mem::take(&mut sources[g]);
            s.sort_unstable();
            s.dedup();
            RoundSignals {
                rounds: spans[g].len(),
                sources: s.len(),
                share: if acts[g] == 0 {
                    0.0
                } else {
                    in_rounds[g] as f64 / acts[g] as f64
                },
                span_s: crate::median(&mut spans[g]),
                lag_s: crate::median(&mut lags[g]),
                traffic_share: crate::median(&mut shares[g]),
            }
        })
        .collect()
}

/// For every group: its rounds (posts of other accounts on which at least
/// [`MIN_ROUND_MEMBERS`] members acted, over the traces whose objects are posts) and, per
/// member in the group's order, how many of them the member is in.
pub fn member_rounds(
    table: &PostTable,
    groups: &[Vec<u32>],
    traces: &[(Trace, Vec<i64>)],
) -> Vec<(usize, Vec<usize>)> {
    // (group, position in the group) of every member.
    let mut slot = vec![(u32::MAX, 0u32); table.account_count()];
    for (gi, g) in groups.iter().enumerate() {
        for (k, &a) in g.iter().enumerate() {
            slot[a as usize] = (gi as u32, k as u32);
        }
    }
    let mut out: Vec<(usize, Vec<usize>)> = groups.iter().map(|g| (0, vec![0; g.len()])).collect();
    let mut present: Vec<(u32, u32)> = Vec::new();
    for (trace, _) in traces {
        if !matches!(trace.space, ObjectSpace::PostRefs) {
            continue;
        }
        for group in lockstep_kernel::object_groups(&trace.events) {
            present.clear();
            for e in group {
                let s = slot[e.account as usize];
                if s.0 != u32::MAX {
                    present.push(s);
                }
            }
            present.sort_unstable();
            present.dedup();
            let mut k = 0;
            while k < present.len() {
                let g = present[k].0;
                let mut m = k;
                while m < present.len() && present[m].0 == g {
                    m += 1;
                }
                if m - k >= MIN_ROUND_MEMBERS {
                    let entry = &mut out[g as usize];
                    entry.0 += 1;
                    for &(_, pos) in &present[k..m] {
                        entry.1[pos as usize] += 1;
                    }
                }
                k = m;
            }
        }
    }
    out
}
