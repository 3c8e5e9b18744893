//! Group-level evidence: bursts shared by the same accounts.
//!
//! A pairwise test needs each pair to co-act several times. A ring that sends a different
//! subset of its members each round gives most pairs one or two co-actions after three
//! rounds, yet the rounds themselves overlap far beyond chance: 13 accounts on one
//! template and 13 on the next, 5 of them the same, out of thousands of active accounts.
//! This module finds bursts (an object's events with gaps of at most the window, at least
//! [`MIN_BURST_ACCOUNTS`] accounts) and tests pairs of bursts for account overlap, with a
//! Bonferroni correction over all pairs of bursts. The null model is the pairwise one
//! lifted to bursts: if each burst drew its accounts in proportion to their activity, the
//! overlap of bursts of sizes `s` and `t` would be about Poisson with mean
//! `s * t * sum_a w_a^2` (`w_a = d_a / E`: account `a`'s share of the behaviour's events),
//! so busy accounts do not make overlaps by themselves.
//!
//! Which pairs of bursts are tested depends on what the objects are:
//!
//! * **Written texts** (co-similar, co-text; [`Pairing::Texts`]): any two bursts, on
//!   different texts or on the same text again. A burst of people writing the same words is
//!   coordination's signature, a burst of reposts of one post is a crowd's (reposts and
//!   replies are tested as rounds, on different posts only, [`Pairing::DifferentObjects`],
//!   see `crate::rounds`). The same text again counts because the test runs on visits
//!   (`crate::visits`: an account's acts on one object with no gap over an hour are one):
//!   two bursts of one text sharing accounts mean several accounts each wrote that text
//!   again hours later, again together, which is what a copy-paste group that reuses its
//!   paragraph does (seed 2 of the weibo world at scale 0.05 posts one of its four
//!   templates in 6 of its 11 rounds; pairing only different texts left half its 22
//!   members without an edge). The objection that keeps a tag set from being paired with
//!   itself (below: the null underrates an object's regulars) is weaker for texts: stock
//!   phrases (under ten letters, the texts every thread regular repeats) make no events
//!   ([`crate::substance`]), and accounts that write the same longer text again and again,
//!   each time in a burst with the same others, are what co-text is meant to find, not
//!   regulars of a topic. Its risk is real commenters repeating one longer slogan under one
//!   outlet's posts in bursts; on the weibo and Twitter worlds no organic account is
//!   flagged for it (BENCHMARKS.md, "Rounds, sixth step").
//! * **Tag sets** (co-hashtag, whose objects are a post's set of tags;
//!   [`Pairing::DisjointInTime`]): pairs of bursts on *different* tag sets whose time spans
//!   are *disjoint*. A hashtag push sends a rotating part of its members to post a tag set
//!   in each round, hours apart: no pair co-tags often enough for the pair test at a few
//!   rounds, but its round on one set and its round on the next share most of their
//!   accounts. Disjoint in time, because bursts that share a moment are one event: a crowd
//!   live-posting a concert or a story writes `#A#`, `#A# #B#` and `#B#` in the same
//!   minutes, concurrent bursts on three sets with the same people in each, which is one
//!   round, not three. Different sets, because the null cannot control a tag's regulars: it
//!   spreads an account's acts over all the behaviour's tag sets, so an account using one
//!   set most of the time is in that set's bursts about `E / n_o` times more often than
//!   `w_a` says (`n_o`: the set's events), and in two of them `(E / n_o)^2` times more
//!   often. On two different sets the excess needs an account that is a regular of both,
//!   and its weight then counts its acts on both. A crowd that bursts on one tag whenever
//!   something happens (a star's fans, a story's readers) is therefore never tested
//!   against itself, and a push that repeats one set is left to the pair test, which
//!   counts its rounds as visits. Bursts on mentions and links are not paired: linking a
//!   story in a burst is what readers do.
//!
//! The accounts in a significant overlap get pair evidence from it.

use crate::stats::poisson_ln_sf;
use crate::timing::CoActRule;
use lockstep_traces::{Behaviour, Trace};
use std::collections::HashMap;

/// Bursts smaller than this are not tested (too common by chance, and too small to tell).
pub const MIN_BURST_ACCOUNTS: usize = 4;
/// Overlaps smaller than this are not evidence of anything.
pub const MIN_OVERLAP: usize = 3;
/// Accounts in more bursts than this are skipped when pairing bursts (hubs such as news
/// aggregators join everything; they would make the pairing quadratic).
const MAX_BURSTS_PER_ACCOUNT: usize = 2_000;

/// One burst: an object's events with gaps of at most the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Burst {
    /// The object.
    pub object: u32,
    /// Time of its first event.
    pub first: i64,
    /// Time of its last event.
    pub last: i64,
    /// Its distinct accounts, sorted.
    pub accounts: Vec<u32>,
}

/// Which pairs of bursts are tested for overlap (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pairing {
    /// Any two bursts: on different texts, or on the same text at different times (two
    /// bursts of one object never overlap in time) (written texts).
    Texts,
    /// Bursts on different objects (rounds of reposts and replies).
    DifferentObjects,
    /// Bursts on different objects whose time spans are disjoint (tag sets: bursts that
    /// share a moment are one event, not two rounds).
    DisjointInTime,
}

impl Pairing {
    /// Whether bursts `x` and `y` are tested against each other.
    pub fn pairs(self, x: &Burst, y: &Burst) -> bool {
        let disjoint = x.last < y.first || y.last < x.first;
        match self {
            Pairing::Texts => x.object != y.object || disjoint,
            Pairing::DifferentObjects => x.object != y.object,
            Pairing::DisjointInTime => x.object != y.object && disjoint,
        }
    }
}

/// How `behaviour`'s bursts are paired when group evidence is on, or `None` when they are
/// not tested (rounds of reposts and replies are asked for apart, see `crate::rounds`).
pub fn pairing(behaviour: Behaviour) -> Option<Pairing> {
    if behaviour.spec().authored {
        Some(Pairing::Texts)
    } else if behaviour == Behaviour::CoHashtag {
        Some(Pairing::DisjointInTime)
    } else {
        None
    }
}

/// Each burst of `trace` under `rule` (consecutive events co-act): its object and its
/// distinct accounts, sorted.
pub fn bursts(trace: &Trace, rule: &CoActRule) -> Vec<(u32, Vec<u32>)> {
    bursts_by(&trace.events, |a, b| rule.co_act(a, b))
        .into_iter()
        .map(|b| (b.object, b.accounts))
        .collect()
}

/// The bursts of events sorted by object and time, where `co_act` says whether two
/// consecutive events of one object co-act (see [`bursts`]). A burst lies within one
/// object, so a distributed run finds them object by object.
pub fn bursts_by(
    ev: &[lockstep_traces::Event],
    co_act: impl Fn(&lockstep_traces::Event, &lockstep_traces::Event) -> bool,
) -> Vec<Burst> {
    let mut out = Vec::new();
    for run in lockstep_kernel::linked_runs(ev, &co_act) {
        if run.len() >= MIN_BURST_ACCOUNTS {
            let mut acc: Vec<u32> = run.iter().map(|e| e.account).collect();
            acc.sort_unstable();
            acc.dedup();
            if acc.len() >= MIN_BURST_ACCOUNTS {
                out.push(Burst {
                    object: run[0].object,
                    first: run[0].time,
                    last: run[run.len() - 1].time,
                    accounts: acc,
                });
            }
        }
    }
    out
}

/// Account pairs (key `a << 32 | b`, `a < b`) in a significant burst overlap, with the
/// smallest Bonferroni-adjusted ln p of an overlap they are in (only those at most
/// `ln_alpha`), and the number of burst pairs tested; bursts paired by `pairing`.
pub fn overlap_pairs(
    trace: &Trace,
    rule: &CoActRule,
    degree: &[u64],
    ln_alpha: f64,
    pairing: Pairing,
) -> (HashMap<u64, f64>, f64) {
    let events: u64 = degree.iter().sum();
    // Sums of squares in integers: exact whatever order the accounts come in.
    let sum_d2: u128 = degree.iter().map(|&d| d as u128 * d as u128).sum();
    let found = bursts_by(&trace.events, |a, b| rule.co_act(a, b));
    overlaps(&found, sum_d2, events, ln_alpha, pairing)
}

/// [`overlap_pairs`] from the bursts already found (in any order), the sum over accounts
/// of their squared event counts and the number of events.
pub fn overlaps(
    bursts: &[Burst],
    sum_d2: u128,
    events: u64,
    ln_alpha: f64,
    pairing: Pairing,
) -> (HashMap<u64, f64>, f64) {
    overlaps_where(bursts, sum_d2, events, ln_alpha, |b, other| {
        pairing.pairs(&bursts[b], &bursts[other])
    })
}

/// [`overlaps`] testing only the pairs of bursts (indices into `bursts`) that `pairable`
/// accepts.
fn overlaps_where(
    bursts: &[Burst],
    sum_d2: u128,
    events: u64,
    ln_alpha: f64,
    pairable: impl Fn(usize, usize) -> bool,
) -> (HashMap<u64, f64>, f64) {
    let nb = bursts.len();
    let tests = nb as f64 * (nb as f64 - 1.0) / 2.0;
    let mut out: HashMap<u64, f64> = HashMap::new();
    if nb < 2 {
        return (out, tests);
    }
    let ln_tests = tests.ln();
    let mut of_account: HashMap<u32, Vec<u32>> = HashMap::new();
    for (b, burst) in bursts.iter().enumerate() {
        for &a in &burst.accounts {
            of_account.entry(a).or_default().push(b as u32);
        }
    }
    let sum_w2: f64 = sum_d2 as f64 / (events as f64 * events as f64);
    let mut shared: HashMap<u32, usize> = HashMap::new();
    for (b, burst) in bursts.iter().enumerate() {
        let acc = &burst.accounts;
        shared.clear();
        for a in acc {
            let list = &of_account[a];
            if list.len() > MAX_BURSTS_PER_ACCOUNT {
                continue;
            }
            for &other in list.iter().filter(|&&o| o as usize > b) {
                *shared.entry(other).or_default() += 1;
            }
        }
        for (&other, &k) in &shared {
            if k < MIN_OVERLAP {
                continue;
            }
            if !pairable(b, other as usize) {
                continue;
            }
            let other_acc = &bursts[other as usize].accounts;
            let mean = acc.len() as f64 * other_acc.len() as f64 * sum_w2;
            let ln_q = poisson_ln_sf(k as u64, mean) + ln_tests;
            if ln_q > ln_alpha {
                continue;
            }
            let common: Vec<u32> = acc
                .iter()
                .copied()
                .filter(|a| other_acc.binary_search(a).is_ok())
                .collect();
            for (x, &a) in common.iter().enumerate() {
                for &c in &common[x + 1..] {
                    let key = ((a as u64) << 32) | c as u64;
                    let e = out.entry(key).or_insert(0.0);
                    *e = e.min(ln_q);
                }
            }
        }
    }
    (out, tests)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(object: u32, account: u32, time: i64) -> lockstep_traces::Event {
        lockstep_traces::Event {
            time,
            object,
            account,
            post: 0,
        }
    }

    fn trace(events: Vec<lockstep_traces::Event>) -> Trace {
        Trace {
            behaviour: lockstep_traces::Behaviour::CoSimilar,
            semantics: lockstep_traces::Semantics::Native,
            space: lockstep_traces::ObjectSpace::Objects,
            multi_object_posts: false,
            events,
        }
    }

    #[test]
    fn a_rotating_ring_overlaps_and_a_crowd_does_not() {
        // 2,000 accounts write one text each (background), then a ring of 12 sends two
        // different subsets of 8 to two templates: 4 accounts (20..24) are in both.
        let mut ev: Vec<_> = (0..2000).map(|a| event(1000 + a, a, a as i64)).collect();
        ev.extend((16..24).map(|a| event(1, a, 10_000 + a as i64)));
        ev.extend((20..28).map(|a| event(2, a, 50_000 + a as i64)));
        // A crowd: two templates written by 8 accounts each, disjoint.
        ev.extend((100..108).map(|a| event(3, a, 70_000 + a as i64)));
        ev.extend((200..208).map(|a| event(4, a, 90_000 + a as i64)));
        ev.sort_by_key(|e| (e.object, e.time));
        let mut degree = vec![0u64; 2000];
        for e in &ev {
            degree[e.account as usize] += 1;
        }
        let table = lockstep_model::PostTable::new();
        let grid = crate::timing::Resolution {
            millisecond: 1,
            finest_step_ms: 1,
            coarsest_step_ms: 1,
            ..Default::default()
        };
        let rule = CoActRule::new(&table, &grid, 60_000);
        let (pairs, tests) = overlap_pairs(
            &trace(ev),
            &rule,
            &degree,
            (0.01f64).ln(),
            Pairing::DifferentObjects,
        );
        assert_eq!(tests, 6.0, "four bursts, six pairs");
        // The four shared accounts, all pairs among them, and nobody else.
        assert_eq!(pairs.len(), 6, "{pairs:?}");
        assert!(pairs
            .keys()
            .all(|k| (20..24).contains(&(k >> 32)) && (20..24).contains(&(k & 0xffff_ffff))));
    }

    #[test]
    fn tag_bursts_pair_only_on_different_tags_at_different_times() {
        let b = |object, first, last| Burst {
            object,
            first,
            last,
            accounts: (0..10).collect(),
        };
        let x = b(1, 0, 600);
        let tags = Pairing::DisjointInTime;
        assert!(tags.pairs(&x, &b(2, 3_600, 4_200)));
        assert!(tags.pairs(&b(2, 3_600, 4_200), &x));
        // Bursts that share a moment: one event (a crowd live-posting with varied tags).
        assert!(!tags.pairs(&x, &b(2, 300, 900)));
        assert!(!tags.pairs(&x, &b(2, 600, 700)));
        // A tag's regulars return to it.
        assert!(!tags.pairs(&x, &b(1, 3_600, 4_200)));
        // Texts: any two bursts, on different texts or on the same text again.
        assert!(Pairing::Texts.pairs(&x, &b(2, 300, 900)));
        assert!(Pairing::Texts.pairs(&x, &b(1, 3_600, 4_200)));
        assert!(Pairing::Texts.pairs(&b(1, 3_600, 4_200), &x));
        // Rounds of reposts and replies: different posts only (one post's cascade).
        assert!(Pairing::DifferentObjects.pairs(&x, &b(2, 300, 900)));
        assert!(!Pairing::DifferentObjects.pairs(&x, &b(1, 3_600, 4_200)));
        assert_eq!(pairing(Behaviour::CoHashtag), Some(tags));
        assert_eq!(pairing(Behaviour::CoSimilar), Some(Pairing::Texts));
        assert_eq!(pairing(Behaviour::CoText), Some(Pairing::Texts));
        assert_eq!(pairing(Behaviour::CoRepost), None);
    }
}
