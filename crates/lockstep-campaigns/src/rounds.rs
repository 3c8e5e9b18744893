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

/// Least share of the group's members acting on one post for it to be one of the group's
/// rounds (and at least [`MIN_ROUND_MEMBERS`]). A ring sends most of its members each
/// round (60-90 % in the planted rings), fans act on each of their star's posts together;
/// three members of a fifty-account group meeting on a viral post is what any fifty active
/// accounts do now and then. Counting such incidental posts as rounds made a fan club's
/// median round look like a ring's (lag of ten minutes after posts of all kinds, while on
/// its star's posts the club acts in the first minute).
pub const MIN_ROUND_SHARE: f64 = 0.25;

/// Fewest members of a group of `size` acting on one post for it to be one of the group's
/// rounds: [`MIN_ROUND_SHARE`] of the group, at least [`MIN_ROUND_MEMBERS`].
pub fn round_size(size: usize) -> usize {
    ((size as f64 * MIN_ROUND_SHARE).ceil() as usize).max(MIN_ROUND_MEMBERS)
}

/// A member of a round group is kept if it is in at least this share of the group's
/// rounds (see `prune_round_groups` in the crate root).
pub const MIN_MEMBER_ROUNDS: f64 = 0.25;

/// A round is independent of its post when it starts at least this many times its span
/// (at least a minute) after the post appeared, both read conservatively on the stamps'
/// grid (see [`Round::independent`]); a round group is reported when half of its rounds
/// are (see `round_reason` in the crate root).
pub const MIN_LAG_TO_SPAN: f64 = 2.0;

/// Longest median round span (seconds) of a reported round group: half the members act
/// within ten minutes. A ring's round is a minute or two; a cohort working down a list
/// over an hour is not a synchronised round.
pub const MAX_ROUND_SPAN_S: f64 = 600.0;

/// Shortest span a round's traffic share is measured over: a minute, the stamps' grain on
/// Weibo.
const MIN_SPAN_MS: i64 = 60_000;

/// Width of a round's moment, seconds: a round is *synchronised* when one window this wide
/// holds at least [`round_size`] members and at least half of the members acting on the post
/// (see [`Round::synchronised`]). A ring's or a swarm's members act within two or three
/// minutes; the same accounts meeting on a popular post over hours (camouflage, or busy
/// accounts joining one viral cascade) or a cohort working down a list over an hour are not a
/// moment.
pub const MOMENT_S: f64 = MAX_ROUND_SPAN_S;

/// What a group's rounds look like (all zero when it has none).
#[derive(Clone, Debug, Default, Serialize)]
pub struct RoundSignals {
    /// Posts of other accounts (reposted or replied to) on which at least
    /// [`round_size`] members acted.
    pub rounds: usize,
    /// Of those, synchronised rounds ([`Round::synchronised`]): most of the members on the
    /// post act within one [`MOMENT_S`] window.
    pub synchronised: usize,
    /// Of those, rounds independent of their post ([`Round::independent`]): the members
    /// act together well after the post appeared, not as it appeared.
    pub independent: usize,
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

/// One round of one group: a post of another account on which at least [`round_size`]
/// members acted.
#[derive(Clone, Debug)]
pub struct Round {
    /// The group (index into the groups given).
    pub group: u32,
    /// The post's reference symbol.
    pub object: u32,
    /// Positions in the group of the members in the round: those whose first act on the
    /// post is in its moment when it is synchronised, else every member acting on it.
    pub members: Vec<u32>,
    /// Whether one [`MOMENT_S`] window holds at least [`round_size`] members and at least
    /// half of the members acting on the post (the round's moment).
    pub synchronised: bool,
    /// Start of the shortest span holding half the round's members' first acts, ms.
    pub start: i64,
    /// That span, ms.
    pub span_ms: i64,
    /// Time from the post's creation to `start`, ms (`None`: the post is not in the data).
    pub lag_ms: Option<i64>,
    /// The post's author, when the post is in the data.
    pub source: Option<u32>,
    /// Grid step of the post's time stamp, ms (60,000 on minute stamps).
    pub step_ms: i64,
}

impl Round {
    /// Whether the members' moment is not explained by the post: the round starts at
    /// least [`MIN_LAG_TO_SPAN`] times its span (at least a minute) after the post
    /// appeared, and its span is at most [`MAX_ROUND_SPAN_S`]. Both are read
    /// conservatively on the stamps' grid: on minute stamps a span of `s` may be `s` plus
    /// a minute, a lag of `l` only `l` minus a minute, so fans acting in the first two
    /// minutes after their star posts (lag 60-120 s, span 0-60 s on the grid) are not
    /// read as a round two minutes into the cascade.
    pub fn independent(&self) -> bool {
        let Some(lag) = self.lag_ms else {
            return false;
        };
        if !self.synchronised {
            return false;
        }
        if self.span_ms as f64 > MAX_ROUND_SPAN_S * 1000.0 {
            return false;
        }
        let span = (self.span_ms + self.step_ms).max(MIN_SPAN_MS) as f64;
        (lag - self.step_ms) as f64 >= MIN_LAG_TO_SPAN * span
    }
}

/// Every round of every group, over the traces whose objects are posts (reposts,
/// replies). `groups` are disjoint sets of account indices. A post acted on in two traces
/// (reposted and replied to) is a round in each.
pub fn rounds_of(
    table: &PostTable,
    groups: &[Vec<u32>],
    traces: &[(Trace, Vec<i64>)],
) -> Vec<Round> {
    let need: Vec<usize> = groups.iter().map(|g| round_size(g.len())).collect();
    rounds_at(table, groups, traces, &need)
}

/// Like [`rounds_of`], with the fewest members of a round given per group (`need`, in the
/// groups' order) instead of [`round_size`] of the group: the rounds a sub-group of that
/// size would have, read on the whole group (see `core_of_round_groups` in the crate root).
pub fn rounds_at(
    table: &PostTable,
    groups: &[Vec<u32>],
    traces: &[(Trace, Vec<i64>)],
    need: &[usize],
) -> Vec<Round> {
    // (group, position in the group) of every member.
    let mut slot = vec![(u32::MAX, 0u32); table.account_count()];
    for (gi, g) in groups.iter().enumerate() {
        for (k, &a) in g.iter().enumerate() {
            slot[a as usize] = (gi as u32, k as u32);
        }
    }
    let mut out = Vec::new();
    // (group, position, first act time) of the members acting on the current object.
    let mut present: Vec<(u32, u32, i64)> = Vec::new();
    for (trace, _) in traces {
        if !matches!(trace.space, ObjectSpace::PostRefs) {
            continue;
        }
        for group in lockstep_kernel::object_groups(&trace.events) {
            let obj = group[0].object;
            present.clear();
            for e in group {
                let (g, pos) = slot[e.account as usize];
                if g != u32::MAX {
                    present.push((g, pos, e.time));
                }
            }
            // Events are time-sorted within an object: the first of each member is its
            // first act there.
            present.sort_by_key(|&(g, pos, t)| (g, pos, t));
            present.dedup_by_key(|&mut (g, pos, _)| (g, pos));
            let post = table.ref_post(obj);
            for run in present.chunk_by(|x, y| x.0 == y.0) {
                let g = run[0].0;
                let need = need[g as usize].max(MIN_ROUND_MEMBERS);
                if run.len() >= need {
                    // (time, position) of the members' first acts, in time order.
                    let mut acts: Vec<(i64, u32)> = run.iter().map(|p| (p.2, p.1)).collect();
                    acts.sort_unstable();
                    let (from, to) = moment(&acts);
                    let synchronised = to - from >= need && 2 * (to - from) >= acts.len();
                    let acts = if synchronised {
                        &acts[from..to]
                    } else {
                        &acts[..]
                    };
                    let members = acts.len();
                    let half = members.div_ceil(2).max(2);
                    let (span, start) = (0..=members - half)
                        .map(|s| (acts[s + half - 1].0 - acts[s].0, acts[s].0))
                        .min()
                        .unwrap_or((0, acts[0].0));
                    out.push(Round {
                        group: g,
                        object: obj,
                        members: acts.iter().map(|p| p.1).collect(),
                        synchronised,
                        start,
                        span_ms: span,
                        lag_ms: post.map(|p| (start - table.time(p)).max(0)),
                        source: post.map(|p| table.author(p)),
                        step_ms: post
                            .and_then(|p| table.time_precision(p).step_ms())
                            .unwrap_or(0),
                    });
                }
            }
        }
    }
    out
}

/// The window of at most [`MOMENT_S`] holding the most of `acts` (sorted by time), as a
/// range of indices (the earliest such window on ties).
fn moment(acts: &[(i64, u32)]) -> (usize, usize) {
    let width = (MOMENT_S * 1000.0) as i64;
    let mut best = (0, 0);
    let mut from = 0;
    for to in 0..acts.len() {
        while acts[to].0 - acts[from].0 > width {
            from += 1;
        }
        if to + 1 - from > best.1 - best.0 {
            best = (from, to + 1);
        }
    }
    best
}

/// Round signals of every group, over the traces whose objects are posts (reposts,
/// replies). `groups` are disjoint sets of account indices.
pub fn round_signals(
    table: &PostTable,
    groups: &[Vec<u32>],
    traces: &[(Trace, Vec<i64>)],
) -> Vec<RoundSignals> {
    let n = groups.len();
    let mut group_of = vec![u32::MAX; table.account_count()];
    for (gi, g) in groups.iter().enumerate() {
        for &a in g {
            group_of[a as usize] = gi as u32;
        }
    }
    // Members' acts on posts: first act of a member on a post, per trace.
    let mut acts = vec![0u64; n];
    let mut seen: Vec<u32> = Vec::new();
    for (trace, _) in traces {
        if !matches!(trace.space, ObjectSpace::PostRefs) {
            continue;
        }
        for group in lockstep_kernel::object_groups(&trace.events) {
            seen.clear();
            seen.extend(
                group
                    .iter()
                    .map(|e| e.account)
                    .filter(|&a| group_of[a as usize] != u32::MAX),
            );
            seen.sort_unstable();
            seen.dedup();
            for &a in &seen {
                acts[group_of[a as usize] as usize] += 1;
            }
        }
    }
    let rounds = rounds_of(table, groups, traces);
    let mut in_rounds = vec![0u64; n];
    let mut independent = vec![0usize; n];
    let mut synchronised = vec![0usize; n];
    let mut spans: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut lags: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut sources: Vec<Vec<u32>> = vec![Vec::new(); n];
    for r in &rounds {
        let gi = r.group as usize;
        in_rounds[gi] += r.members.len() as u64;
        independent[gi] += usize::from(r.independent());
        synchronised[gi] += usize::from(r.synchronised);
        spans[gi].push(r.span_ms as f64 / 1000.0);
        if let (Some(lag), Some(src)) = (r.lag_ms, r.source) {
            lags[gi].push(lag as f64 / 1000.0);
            sources[gi].push(src);
        }
    }
    // The posts' traffic: every repost and reply in the table, whoever wrote it.
    let mut of_object: HashMap<u32, Vec<usize>> = HashMap::default();
    for (k, r) in rounds.iter().enumerate() {
        of_object.entry(r.object).or_default().push(k);
    }
    let mut inside = vec![0u64; rounds.len()];
    let mut total = vec![0u64; rounds.len()];
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
                let r = &rounds[k];
                total[k] += 1;
                if (r.start..=r.start + r.span_ms.max(MIN_SPAN_MS)).contains(&t) {
                    inside[k] += 1;
                }
            }
        }
    }
    let mut shares: Vec<Vec<f64>> = vec![Vec::new(); n];
    for (k, r) in rounds.iter().enumerate() {
        if total[k] > 0 {
            shares[r.group as usize].push(inside[k] as f64 / total[k] as f64);
        }
    }
    (0..n)
        .map(|g| {
            let mut s = std::mem::take(&mut sources[g]);
            s.sort_unstable();
            s.dedup();
            RoundSignals {
                rounds: spans[g].len(),
                synchronised: synchronised[g],
                independent: independent[g],
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

/// For every group: its independent rounds ([`Round::independent`]) and, per member in the
/// group's order, how many of them the member is in.
pub fn member_rounds(
    table: &PostTable,
    groups: &[Vec<u32>],
    traces: &[(Trace, Vec<i64>)],
) -> Vec<(usize, Vec<usize>)> {
    let mut out: Vec<(usize, Vec<usize>)> = groups.iter().map(|g| (0, vec![0; g.len()])).collect();
    for r in rounds_of(table, groups, traces) {
        if !r.independent() {
            continue;
        }
        let entry = &mut out[r.group as usize];
        entry.0 += 1;
        for &pos in &r.members {
            entry.1[pos as usize] += 1;
        }
    }
    out
}
