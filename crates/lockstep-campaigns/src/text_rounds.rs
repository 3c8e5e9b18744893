//! Members who write a campaign's texts in its rounds.
//!
//! A copy-paste group sends a rotating part of its members to post one of its templates in
//! each round. The pair test needs a pair to write together several times, and the burst
//! overlap test (`crate::bursts`) links only the accounts two *significantly* overlapping
//! bursts share. A member who took part in three or four of a dozen rounds, each time with
//! a different handful of the others, is then left with no edge at all, although every
//! burst it wrote in is the group's (seed 3 of the weibo world at scale 0.05: 7 of 24
//! copy-paste members had no edge, each in two to five of the group's twelve rounds, every
//! one of those bursts written by group members only).
//!
//! Once a campaign is reported, its **text rounds** are the bursts of co-text and co-similar
//! (an object's events with gaps of at most the behaviour's widest window, stock phrases
//! removed, counted as visits) in which at least [`MIN_OVERLAP`] members write and members
//! are at least half of the writers: the campaign's own doing, not a crowd it joined. A
//! campaign needs [`MIN_CAMPAIGN_ROUNDS`] such rounds (distinct moments: a co-text and a
//! co-similar burst of one moment are one round) before it takes anyone in. An account in
//! no reported campaign joins it when it wrote in at least [`MIN_ROUNDS`] of those rounds
//! and those are at least half of the moments it wrote in a burst at all (an account that
//! writes in every burst of a topic does not join the one group it met twice). Each joining
//! account gets an edge, in each behaviour it joined by, to every member it wrote with in a
//! round: the co-actions are the shared rounds, and the evidence is how unlikely so many of
//! its bursts were the campaign's if its acts had fallen on the behaviour's events at
//! random (Poisson, mean: the campaign's round events times the account's share of the
//! behaviour's events; Bonferroni over every candidate). That evidence is reported, not
//! required: on a small world the campaign is a large share of all the texts, so the test
//! is weak; the structural rule above decides.

use crate::bursts::{pairing, Pairing, MIN_BURST_ACCOUNTS, MIN_OVERLAP};
use crate::significance::SigEdge;
use crate::stats::poisson_ln_sf;
use crate::substance::StockPhrases;
use crate::timing::CoActRule;
use crate::{prepare_with, DetectParams};
use lockstep_model::PostTable;
use lockstep_networks::native::PairStats;
use lockstep_traces::{Event, Trace};
use std::collections::{BTreeMap, HashMap};

/// Rounds an account must have written in to join.
pub const MIN_ROUNDS: usize = 2;
/// Rounds a campaign must have before anyone joins it.
pub const MIN_CAMPAIGN_ROUNDS: usize = 3;

/// An account that joins a campaign by its text rounds.
#[derive(Debug)]
pub struct Join {
    /// Index of the campaign in the list given to [`joins`].
    pub campaign: usize,
    /// The account.
    pub account: u32,
    /// Distinct rounds of the campaign it wrote in.
    pub rounds: usize,
    /// Its new edges: (index of the behaviour in the traces, edge).
    pub edges: Vec<(usize, SigEdge)>,
}

/// One burst of a written-text behaviour: the trace's index, the events of the burst.
struct Round<'t> {
    behaviour: usize,
    events: &'t [Event],
    stamp_window_ms: i64,
    window_ms: i64,
}

/// Time spans merged into distinct moments: spans that overlap are one.
fn moments(mut spans: Vec<(i64, i64)>) -> usize {
    spans.sort_unstable();
    let mut n = 0;
    let mut end = i64::MIN;
    for (first, last) in spans {
        if n == 0 || first > end {
            n += 1;
            end = last;
        } else {
            end = end.max(last);
        }
    }
    n
}

/// The accounts that join `campaigns` (their members) by writing in their text rounds
/// (see the module documentation), in campaign then account order.
pub fn joins(
    table: &PostTable,
    traces: &[(Trace, Vec<i64>)],
    campaigns: &[&[u32]],
    params: &DetectParams,
) -> Vec<Join> {
    let stock = StockPhrases::of(table, traces.iter().map(|(t, _)| t));
    joins_with(table, traces, campaigns, params, &stock)
}

/// [`joins`] with the stock-phrase verdicts of `traces` already worked out.
pub(crate) fn joins_with(
    table: &PostTable,
    traces: &[(Trace, Vec<i64>)],
    campaigns: &[&[u32]],
    params: &DetectParams,
    stock: &StockPhrases,
) -> Vec<Join> {
    let mut member_of: HashMap<u32, usize> = HashMap::new();
    for (ci, members) in campaigns.iter().enumerate() {
        for &m in members.iter() {
            member_of.insert(m, ci);
        }
    }
    if member_of.is_empty() {
        return Vec::new();
    }
    let prepared: Vec<Option<(Option<Trace>, crate::timing::Resolution)>> = traces
        .iter()
        .map(|(trace, _)| {
            (pairing(trace.behaviour) == Some(Pairing::Texts))
                .then(|| prepare_with(table, trace, params, stock))
        })
        .collect();
    // Every burst, each campaign's rounds (spans), and each outsider's bursts.
    let mut rounds: Vec<Round<'_>> = Vec::new();
    let mut round_of: Vec<Option<usize>> = Vec::new();
    let mut campaign_spans: Vec<Vec<(i64, i64)>> = vec![Vec::new(); campaigns.len()];
    // Per behaviour: each account's events, and all events.
    let mut degree: Vec<HashMap<u32, u64>> = vec![HashMap::new(); traces.len()];
    let mut events_of: Vec<u64> = vec![0; traces.len()];
    for (bi, ((trace, windows), prep)) in traces.iter().zip(&prepared).enumerate() {
        let Some((tested, resolution)) = prep else {
            continue;
        };
        let tested = tested.as_ref().unwrap_or(trace);
        let Some(&w) = windows.iter().max() else {
            continue;
        };
        for e in &tested.events {
            *degree[bi].entry(e.account).or_default() += 1;
        }
        events_of[bi] = tested.events.len() as u64;
        let rule = CoActRule::new(table, resolution, w);
        // The bursts of `crate::bursts::bursts_by` (events are sorted by object and time).
        let runs = tested
            .events
            .chunk_by(|a, b| a.object == b.object && rule.co_act(a, b));
        for run in runs {
            let mut accounts: Vec<u32> = run.iter().map(|e| e.account).collect();
            accounts.sort_unstable();
            accounts.dedup();
            if accounts.len() < MIN_BURST_ACCOUNTS {
                continue;
            }
            let mut count: BTreeMap<usize, usize> = BTreeMap::new();
            for a in &accounts {
                if let Some(&c) = member_of.get(a) {
                    *count.entry(c).or_default() += 1;
                }
            }
            let owner = count
                .iter()
                .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                .filter(|&(_, &k)| k >= MIN_OVERLAP && 2 * k >= accounts.len())
                .map(|(&c, _)| c);
            if let Some(c) = owner {
                campaign_spans[c].push((run[0].time, run[run.len() - 1].time));
            }
            rounds.push(Round {
                behaviour: bi,
                events: run,
                stamp_window_ms: rule.stamp_ms,
                window_ms: w,
            });
            round_of.push(owner);
        }
    }
    // Each outsider's bursts: all of them, and those of each campaign.
    let mut all_spans: HashMap<u32, Vec<(i64, i64)>> = HashMap::new();
    let mut in_rounds: BTreeMap<(u32, usize), Vec<usize>> = BTreeMap::new();
    for (ri, r) in rounds.iter().enumerate() {
        let span = (r.events[0].time, r.events[r.events.len() - 1].time);
        let mut seen: Vec<u32> = r.events.iter().map(|e| e.account).collect();
        seen.sort_unstable();
        seen.dedup();
        for a in seen {
            if member_of.contains_key(&a) {
                continue;
            }
            all_spans.entry(a).or_default().push(span);
            if let Some(c) = round_of[ri] {
                in_rounds.entry((a, c)).or_default().push(ri);
            }
        }
    }
    let campaign_rounds: Vec<usize> = campaign_spans.into_iter().map(moments).collect();
    // The best campaign for each outsider: most rounds, then the first.
    let mut best: BTreeMap<u32, (usize, usize, Vec<usize>)> = BTreeMap::new();
    let candidates = in_rounds.len().max(1) as f64;
    for ((a, c), ris) in in_rounds {
        if campaign_rounds[c] < MIN_CAMPAIGN_ROUNDS {
            continue;
        }
        let spans: Vec<(i64, i64)> = ris
            .iter()
            .map(|&ri| {
                let ev = rounds[ri].events;
                (ev[0].time, ev[ev.len() - 1].time)
            })
            .collect();
        let k = moments(spans);
        let all = all_spans.get(&a).map_or(0, |s| moments(s.clone()));
        if k < MIN_ROUNDS || 2 * k < all {
            continue;
        }
        let better = best.get(&a).is_none_or(|&(_, bk, _)| k > bk);
        if better {
            best.insert(a, (c, k, ris));
        }
    }
    let mut out: Vec<Join> = best
        .into_iter()
        .map(|(a, (c, k, ris))| {
            // Evidence: Poisson over the account's bursts that were the campaign's.
            let mut mean = 0.0;
            for (bi, d) in degree.iter().enumerate() {
                let Some(&da) = d.get(&a) else { continue };
                let on: u64 = rounds
                    .iter()
                    .zip(&round_of)
                    .filter(|(r, o)| r.behaviour == bi && **o == Some(c))
                    .map(|(r, _)| r.events.len() as u64)
                    .sum();
                mean += on as f64 * da as f64 / events_of[bi].max(1) as f64;
            }
            let ln_p = poisson_ln_sf(k as u64, mean);
            let ln_q = (ln_p + candidates.ln()).min(0.0);
            let edges = join_edges(a, &ris, &rounds, campaigns[c], mean, ln_p, ln_q);
            Join {
                campaign: c,
                account: a,
                rounds: k,
                edges,
            }
        })
        .collect();
    out.sort_by_key(|j| (j.campaign, j.account));
    out
}

/// The edges of account `a` to the members of `members` it wrote with in rounds `ris`.
fn join_edges(
    a: u32,
    ris: &[usize],
    rounds: &[Round<'_>],
    members: &[u32],
    expected: f64,
    ln_p: f64,
    ln_q: f64,
) -> Vec<(usize, SigEdge)> {
    /// One pair's shared rounds in one behaviour.
    struct Shared {
        stats: PairStats,
        window_ms: i64,
        stamp_window_ms: i64,
        objects: Vec<u32>,
    }
    // (behaviour, member) -> what the account shares with that member.
    let mut stats: BTreeMap<(usize, u32), Shared> = BTreeMap::new();
    for &ri in ris {
        let r = &rounds[ri];
        let Some(mine) = r.events.iter().find(|e| e.account == a) else {
            continue;
        };
        let mut seen: Vec<u32> = Vec::new();
        for e in r.events {
            if e.account == a || seen.contains(&e.account) || !members.contains(&e.account) {
                continue;
            }
            seen.push(e.account);
            let (lo, hi) = (a.min(e.account), a.max(e.account));
            let entry = stats
                .entry((r.behaviour, e.account))
                .or_insert_with(|| Shared {
                    stats: PairStats::empty(lo, hi),
                    window_ms: r.window_ms,
                    stamp_window_ms: r.stamp_window_ms,
                    objects: Vec::new(),
                });
            let s = &mut entry.stats;
            let dt = (e.time - mine.time).abs();
            s.co_actions += 1;
            s.posts_a += 1;
            s.posts_b += 1;
            if !entry.objects.contains(&e.object) {
                entry.objects.push(e.object);
                s.objects += 1;
            }
            s.min_dt_ms = s.min_dt_ms.min(dt);
            s.sum_dt_ms += dt;
            let a_time = if lo == a { mine.time } else { e.time };
            let b_time = if lo == a { e.time } else { mine.time };
            if a_time < b_time {
                s.a_first += 1;
            } else if b_time < a_time {
                s.b_first += 1;
            }
        }
    }
    stats
        .into_iter()
        .map(|((bi, _), shared)| {
            (
                bi,
                SigEdge {
                    stats: shared.stats,
                    expected,
                    ln_p,
                    ln_q,
                    window_ms: shared.window_ms,
                    from_rounds: false,
                    stamp_window_ms: shared.stamp_window_ms,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::{PostRecord, TimePrecision};
    use lockstep_traces::{extract, Behaviour, Semantics};

    /// Minute-stamped Weibo posts: 400 accounts each writing texts of their own; a
    /// copy-paste group of eight (`m0`..`m7`) posting one paragraph per round, six rounds
    /// two hours apart, five members a round; `x` writes the paragraph in rounds 1 and 4,
    /// `y` in round 2 only, `z` in rounds 3 and 5 and in four bursts of a crowd's slogans.
    fn table() -> PostTable {
        let mut t = PostTable::new();
        let mut n = 0;
        let mut push = |author: String, minute: i64, text: String| {
            n += 1;
            t.push(&PostRecord {
                platform: "weibo".into(),
                id: format!("p{n}"),
                author_id: author,
                time_ms: minute * 60_000,
                time_precision: TimePrecision::Minute,
                text,
                ..Default::default()
            });
        };
        for a in 0..400 {
            for k in 0..3 {
                push(
                    format!("u{a}"),
                    a * 7 + k * 300,
                    format!("今天的天气真是不错，我自己的第{a}条第{k}条微博"),
                );
            }
        }
        for r in 0..6i64 {
            let minute = 10_000 + r * 120;
            let text = format!("一款存在后门隐患的芯片，不可能是好芯片，企业采购要当心，第{r}轮");
            for k in 0..5i64 {
                let m = (r + k * 3) % 8;
                push(format!("m{m}"), minute + k, text.clone());
            }
            let extra = match r {
                1 | 4 => Some("x"),
                2 => Some("y"),
                3 | 5 => Some("z"),
                _ => None,
            };
            if let Some(who) = extra {
                push(who.to_string(), minute + 2, text.clone());
            }
        }
        for b in 0..4i64 {
            let minute = 20_000 + b * 120;
            let text = format!("坚决支持国产芯片，自主创新才是出路，加油加油，第{b}次");
            for k in 0..5i64 {
                push(format!("crowd{k}"), minute + k, text.clone());
            }
            push("z".to_string(), minute + 1, text);
        }
        t
    }

    #[test]
    fn an_account_writing_a_campaigns_texts_in_two_of_its_rounds_joins_it() {
        let t = table();
        let trace = extract(&t, Behaviour::CoText, Semantics::Native).expect("trace");
        let traces = vec![(trace, vec![60_000, 900_000])];
        let idx = |name: &str| {
            (0..t.account_count() as u32)
                .find(|&a| t.account_id(a) == name)
                .expect("account")
        };
        let members: Vec<u32> = (0..8).map(|m| idx(&format!("m{m}"))).collect();
        let got = joins(&t, &traces, &[&members], &DetectParams::default());
        let who: Vec<(&str, usize)> = got
            .iter()
            .map(|j| (t.account_id(j.account), j.rounds))
            .collect();
        // `y` wrote in one round; `z` in two of its six bursts' moments.
        assert_eq!(who, [("x", 2)], "{got:?}");
        let x = &got[0];
        assert_eq!(x.campaign, 0);
        // An edge to each member `x` wrote with (five a round, two rounds), each one shared
        // round, all in the co-text trace, none a round overlap.
        let partners: std::collections::BTreeSet<u32> = x
            .edges
            .iter()
            .map(|(_, e)| {
                if e.stats.a == x.account {
                    e.stats.b
                } else {
                    e.stats.a
                }
            })
            .collect();
        assert!(partners.len() >= 5 && partners.iter().all(|p| members.contains(p)));
        assert!(x.edges.iter().all(|(bi, e)| *bi == 0
            && !e.from_rounds
            && e.stats.co_actions >= 1
            && e.stats.a < e.stats.b
            && e.ln_p <= e.ln_q
            && e.ln_q <= 0.0));
        // A campaign with fewer than three rounds takes no one in.
        let two: Vec<u32> = members[..2].to_vec();
        assert!(joins(&t, &traces, &[&two], &DetectParams::default()).is_empty());
    }

    #[test]
    fn overlapping_spans_are_one_moment() {
        assert_eq!(moments(vec![]), 0);
        assert_eq!(moments(vec![(0, 10), (5, 20), (30, 40)]), 2);
        assert_eq!(moments(vec![(30, 40), (0, 10), (10, 12)]), 2);
        assert_eq!(moments(vec![(0, 100), (10, 20), (30, 40)]), 1);
    }
}
