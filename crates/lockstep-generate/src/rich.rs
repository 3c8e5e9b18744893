//! Planning of the realistic scenarios (`organic`, `mixed`, `h20`): accounts with home time
//! zones, hard-negative groups, campaigns and their rounds, the `h20` episode, and every
//! timed event, all decided before streaming starts.

use rand::seq::SliceRandom;
use rand::Rng;

use crate::accounts::{Accounts, ORGANIC};
use crate::content::{news_headline, GENERIC_ZH_TEMPLATES, GENERIC_ZH_TOPICS};
use crate::h20::{self, Timeline, OUTLETS};
use crate::knobs::{organic_accounts, span_secs, CampaignKind, Lang, ScenarioKnobs};
use crate::sampling::{between, chance, index, unit};
use crate::scenario::{
    Campaign, Cascade, Episode, Event, EventKind, FanGroup, NewsBurst, OrganicVolume, Plan, Rich,
    Scenario, POSTS_PER_SCALE,
};
use crate::text::{breaking_url, campaign_domain, campaign_tags, slogan};
use crate::timefmt::COLLECTION_START;

/// Label index of fan-group accounts.
pub(crate) const FAN: u16 = 1;
/// Label index of viral-cascade accounts.
pub(crate) const CASCADE: u16 = 2;
/// Label index of news-burst accounts.
pub(crate) const NEWS: u16 = 3;
/// Label index of the `h20` state accounts (outlets and regulator).
pub(crate) const STATE: u16 = 4;

/// The non-campaign labels, by index.
const BASE_LABELS: [&str; 5] = [
    "organic",
    "organic:fan_group",
    "organic:viral_cascade",
    "organic:news_burst",
    "organic:state_media",
];

/// Index of the East Asian zone in [`crate::accounts::ZONES`].
const EAST_ASIA: u8 = 2;

/// Outlet posts per outlet and day (`h20`).
const OUTLET_POSTS_PER_DAY: f64 = 8.0;

/// Draws `k` distinct items of `pool` (partial Fisher–Yates on a copy).
fn sample_distinct<R: Rng + ?Sized>(rng: &mut R, pool: &[u32], k: usize) -> Vec<u32> {
    let mut v = pool.to_vec();
    let k = k.min(v.len());
    for i in 0..k {
        let j = i + index(rng, v.len() - i);
        v.swap(i, j);
    }
    v.truncate(k);
    v
}

/// `n` times stratified over `[lo, hi)`, one per stratum with jitter.
fn stratified<R: Rng + ?Sized>(rng: &mut R, n: usize, lo: i64, hi: i64) -> Vec<i64> {
    let hi = hi.max(lo + 1);
    let width = (hi - lo) as f64 / n.max(1) as f64;
    (0..n)
        .map(|j| (lo + (width * (j as f64 + unit(rng))) as i64).min(hi - 1))
        .collect()
}

/// Renames an account (outlets, the regulator, Nvidia).
fn rename(accounts: &mut Accounts, i: u32, screen_name: &str, name: &str, zh: bool) {
    if let Some(a) = accounts.list.get_mut(i as usize) {
        a.screen_name = screen_name.to_string();
        a.name = name.to_string();
        a.zh = zh;
        a.zone = EAST_ASIA;
    }
}

/// Plans a realistic scenario.
pub(crate) fn plan<R: Rng + ?Sized>(
    rng: &mut R,
    scenario: Scenario,
    scale: f64,
    knobs: &ScenarioKnobs,
) -> Plan {
    let is_h20 = scenario == Scenario::H20;
    let target_posts = (POSTS_PER_SCALE * scale).round().max(1.0);
    let span = span_secs(is_h20, scale);
    let start = COLLECTION_START;
    let end = start + span;
    let n_organic = organic_accounts(scale);
    let timeline = is_h20.then(|| Timeline::new(start));

    // Labels and roles.
    let mut labels: Vec<String> = BASE_LABELS.iter().map(|s| s.to_string()).collect();
    let first_campaign = labels.len() as u16;
    let mut roles: Vec<u16> = vec![ORGANIC; n_organic];
    for c in &knobs.campaigns {
        let l = labels.len() as u16;
        labels.push(c.name.clone());
        roles.extend(std::iter::repeat_n(l, c.size));
    }
    if is_h20 {
        roles.extend(std::iter::repeat_n(STATE, OUTLETS.len() + 1));
    }
    roles.shuffle(rng);
    let en_zones = if is_h20 {
        [0.5, 0.3, 0.2]
    } else {
        [0.6, 0.35, 0.05]
    };
    let (mut accounts, mut weights) = Accounts::build_zoned(
        rng,
        &roles,
        labels,
        knobs.chinese_share,
        [0.05, 0.05, 0.9],
        en_zones,
    );
    let n = roles.len();
    let organic: Vec<u32> = (0..n as u32)
        .filter(|&i| roles[i as usize] == ORGANIC)
        .collect();
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); knobs.campaigns.len()];
    let mut state: Vec<u32> = Vec::new();
    for (i, &r) in roles.iter().enumerate() {
        if r == STATE {
            state.push(i as u32);
        } else if r >= first_campaign {
            if let Some(m) = members.get_mut((r - first_campaign) as usize) {
                m.push(i as u32);
            }
        }
    }
    let mut reserved = vec![false; n];

    // The episode's own accounts: outlets, regulator, Nvidia (they post only their own
    // items, never at random).
    let episode = match timeline {
        Some(tl) if state.len() > OUTLETS.len() && !organic.is_empty() => {
            let outlets: Vec<u32> = state[..OUTLETS.len()].to_vec();
            for (k, &a) in outlets.iter().enumerate() {
                let o = &OUTLETS[k];
                rename(&mut accounts, a, o.screen_name, o.name, o.zh);
                weights[a as usize] = 0.0;
                reserved[a as usize] = true;
            }
            let regulator = state[OUTLETS.len()];
            rename(
                &mut accounts,
                regulator,
                h20::REGULATOR.0,
                h20::REGULATOR.1,
                true,
            );
            weights[regulator as usize] = 0.0;
            reserved[regulator as usize] = true;
            let nvidia = organic[index(rng, organic.len())];
            rename(&mut accounts, nvidia, h20::NVIDIA.0, h20::NVIDIA.1, true);
            weights[nvidia as usize] = 0.0;
            reserved[nvidia as usize] = true;
            Some(Episode {
                references: h20::references(tl.summons),
                timeline: tl,
                outlets,
                regulator,
                nvidia,
            })
        }
        _ => None,
    };

    // Campaign accounts speak their campaign's language; Chinese ones live in East Asia.
    for (ci, c) in knobs.campaigns.iter().enumerate() {
        for &m in &members[ci] {
            if let Some(a) = accounts.list.get_mut(m as usize) {
                match c.lang {
                    Lang::Chinese => {
                        a.zh = true;
                        a.zone = EAST_ASIA;
                    }
                    Lang::English => {
                        a.zh = false;
                        if a.zone == EAST_ASIA {
                            a.zone = 0;
                        }
                    }
                }
            }
        }
    }
    accounts.set_weights(&weights);

    let hn = &knobs.hard_negatives;
    let mut events: Vec<Event> = Vec::new();
    let mut extra_posts = 0.0f64;
    let is_plain = |accounts: &Accounts, i: u32| {
        accounts
            .list
            .get(i as usize)
            .is_some_and(|a| a.label == ORGANIC)
    };
    let set_label = |accounts: &mut Accounts, i: u32, label: u16| {
        if let Some(a) = accounts.list.get_mut(i as usize) {
            if a.label == ORGANIC {
                a.label = label;
            }
        }
    };

    // Fan groups: a celebrity and 20-60 fans who retweet its every post quickly.
    let mut fans = Vec::new();
    for _ in 0..hn.fan_groups {
        let pool: Vec<u32> = organic
            .iter()
            .copied()
            .filter(|&i| !reserved[i as usize])
            .collect();
        let celebs: Vec<u32> = pool
            .iter()
            .copied()
            .filter(|&i| is_plain(&accounts, i))
            .collect();
        if celebs.len() < 3 {
            break;
        }
        let celebrity = celebs[index(rng, celebs.len())];
        reserved[celebrity as usize] = true;
        let pool: Vec<u32> = pool.into_iter().filter(|&i| i != celebrity).collect();
        let k = between(rng, hn.fan_group_size.0 as i64, hn.fan_group_size.1 as i64) as usize;
        let chosen = sample_distinct(rng, &pool, k.min(pool.len() / 2));
        let group: Vec<(u32, f64)> = chosen
            .iter()
            .map(|&f| (f, 0.7 + 0.25 * unit(rng)))
            .collect();
        for &(f, _) in &group {
            set_label(&mut accounts, f, FAN);
        }
        let expected: f64 = group.iter().map(|(_, p)| p).sum();
        let times = stratified(rng, hn.fan_posts, start + 600, end - 600);
        let g = fans.len();
        for ts in times {
            events.push(Event {
                ts,
                kind: EventKind::FanPost { group: g },
            });
            extra_posts += 1.0 + expected;
        }
        fans.push(FanGroup {
            celebrity,
            fans: group,
        });
    }

    // Viral cascades: hundreds of distinct accounts retweet one post within an hour. They
    // reach casual users as much as heavy ones, so participants are drawn uniformly.
    let eligible: Vec<u32> = organic
        .iter()
        .copied()
        .filter(|&i| !reserved[i as usize])
        .collect();
    let mut cascades = Vec::new();
    let times = stratified(rng, hn.viral_cascades, start + 1800, end - 3700);
    for ts in times {
        if eligible.len() < 10 {
            break;
        }
        let cap = (eligible.len() as f64 * 0.2) as usize;
        let k =
            (between(rng, hn.cascade_size.0 as i64, hn.cascade_size.1 as i64) as usize).min(cap);
        let author = eligible[index(rng, eligible.len())];
        let rest: Vec<u32> = eligible.iter().copied().filter(|&i| i != author).collect();
        let parts = sample_distinct(rng, &rest, k);
        for &p in &parts {
            set_label(&mut accounts, p, CASCADE);
        }
        extra_posts += 1.0 + parts.len() as f64;
        events.push(Event {
            ts,
            kind: EventKind::Cascade {
                idx: cascades.len(),
            },
        });
        cascades.push(Cascade {
            author,
            participants: parts,
        });
    }

    // News bursts: many accounts post the same breaking-news link within minutes, once. In
    // h20 the first is the summons.
    let mut bursts = Vec::new();
    let mut times = stratified(rng, hn.news_bursts, start + 1800, end - 1800);
    if let (Some(ep), Some(first)) = (&episode, times.first_mut()) {
        *first = ep.timeline.summons + between(rng, 300, 900);
    }
    for (b, ts) in times.into_iter().enumerate() {
        if eligible.len() < 10 {
            break;
        }
        let cap = (eligible.len() as f64 * 0.2) as usize;
        let k = (between(
            rng,
            hn.news_burst_size.0 as i64,
            hn.news_burst_size.1 as i64,
        ) as usize)
            .min(cap);
        let members = sample_distinct(rng, &eligible, k);
        for &m in &members {
            set_label(&mut accounts, m, NEWS);
        }
        let summons = b == 0 && episode.is_some();
        let zh = summons || chance(rng, knobs.chinese_share);
        let headline = if summons {
            h20::SUMMONS_HEADLINES[index(rng, h20::SUMMONS_HEADLINES.len())].to_string()
        } else {
            news_headline(rng, zh)
        };
        let url = breaking_url(rng, ts, zh);
        extra_posts += members.len() as f64;
        events.push(Event {
            ts,
            kind: EventKind::NewsBurst { idx: bursts.len() },
        });
        bursts.push(NewsBurst {
            members,
            headline,
            url,
            zh,
        });
    }

    // Campaigns and their rounds.
    let lo = start + (span / 10).min(3600);
    let hi = (end - 900).max(lo + 1);
    let mut campaigns = Vec::new();
    let mut acts = vec![0.0f64; n];
    for (ci, k) in knobs.campaigns.iter().enumerate() {
        let mem = members.get(ci).cloned().unwrap_or_default();
        let label = first_campaign + ci as u16;
        let zh = k.lang == Lang::Chinese;
        let tags = match (k.kind, zh) {
            (CampaignKind::HashtagPush | CampaignKind::CopyPaste, false) => campaign_tags(rng, ci),
            (CampaignKind::HashtagPush, true) => {
                GENERIC_ZH_TOPICS.iter().map(|s| s.to_string()).collect()
            }
            _ => Vec::new(),
        };
        let templates = if k.kind == CampaignKind::CopyPaste {
            if zh {
                let mut t: Vec<String> =
                    GENERIC_ZH_TEMPLATES.iter().map(|s| s.to_string()).collect();
                t.shuffle(rng);
                t.truncate(6);
                t
            } else {
                let mut t: Vec<String> = Vec::new();
                let mut guard = 0;
                while t.len() < 6 && guard < 100 {
                    guard += 1;
                    let s = slogan(rng);
                    if !t.contains(&s) {
                        t.push(s);
                    }
                }
                t
            }
        } else {
            Vec::new()
        };
        let target = if k.kind == CampaignKind::ReplySwarm && episode.is_none() {
            let pool: Vec<u32> = eligible
                .iter()
                .copied()
                .filter(|&i| !reserved[i as usize] && is_plain(&accounts, i))
                .collect();
            pool.get(index(rng, pool.len())).copied().inspect(|&t| {
                reserved[t as usize] = true;
            })
        } else {
            None
        };
        let times: Vec<(i64, f64)> = match &episode {
            Some(ep) => {
                let tl = &ep.timeline;
                let from = match k.kind {
                    CampaignKind::LinkRing => ep
                        .references
                        .first()
                        .map_or(tl.onset, |r| r.published + 1800)
                        .max(tl.onset),
                    CampaignKind::ReplySwarm => tl.statement + between(rng, 120, 600),
                    _ => tl.onset,
                };
                tl.rounds(rng, k.rounds, from)
            }
            None => stratified(rng, k.rounds, lo, hi)
                .into_iter()
                .map(|t| (t, 1.0))
                .collect(),
        };
        let need = 5.min(mem.len());
        for (ts, progress) in times {
            let p = if episode.is_some() {
                k.join * (0.55 + 0.45 * progress.clamp(0.0, 1.0))
            } else {
                k.join
            };
            let mut participants: Vec<u32> =
                mem.iter().copied().filter(|_| chance(rng, p)).collect();
            if participants.len() < need {
                participants = sample_distinct(rng, &mem, need);
            }
            participants.shuffle(rng);
            for &m in &participants {
                acts[m as usize] += 1.0;
            }
            extra_posts += participants.len() as f64 + 1.0;
            events.push(Event {
                ts,
                kind: EventKind::Round {
                    campaign: ci,
                    participants,
                },
            });
        }
        campaigns.push(Campaign {
            knobs: k.clone(),
            label,
            domain: campaign_domain(ci),
            tags,
            templates,
            target,
        });
    }

    // The episode's own posts.
    if let Some(ep) = &episode {
        let tl = &ep.timeline;
        events.push(Event {
            ts: tl.summons,
            kind: EventKind::Notice,
        });
        for (i, r) in ep.references.iter().enumerate() {
            events.push(Event {
                ts: r.published,
                kind: EventKind::Article { reference: i },
            });
        }
        events.push(Event {
            ts: tl.statement,
            kind: EventKind::Statement,
        });
        let per_outlet = (span as f64 / 86_400.0 * OUTLET_POSTS_PER_DAY).round() as usize;
        for k in 0..ep.outlets.len() {
            for _ in 0..per_outlet {
                events.push(Event {
                    ts: between(rng, start + 60, end - 60),
                    kind: EventKind::OutletPost { outlet: k },
                });
            }
        }
        extra_posts += (2 + ep.references.len() + per_outlet * ep.outlets.len()) as f64;
    }
    events.sort_by_key(|e| e.ts);

    // Organic volume: what the planted behaviour does not already post.
    let organic = OrganicVolume::new(target_posts, extra_posts);

    // Dilution: campaign members write about `dilution` organic-looking posts per
    // campaign post.
    let background: f64 = (0..n)
        .filter(|&i| roles[i] < first_campaign || roles[i] == STATE)
        .map(|i| weights[i])
        .sum();
    let per_weight = organic.posts / background.max(f64::MIN_POSITIVE);
    for (ci, c) in knobs.campaigns.iter().enumerate() {
        for &m in members.get(ci).map_or(&[][..], |v| &v[..]) {
            let want = c.dilution * acts[m as usize];
            weights[m as usize] = (want / per_weight).clamp(0.01, 300.0);
        }
    }
    accounts.set_weights(&weights);

    Plan {
        start,
        end,
        organic,
        accounts,
        rings: Vec::new(),
        rounds: Vec::new(),
        hotspot: None,
        rich: Some(Rich {
            campaigns,
            fans,
            cascades,
            bursts,
            episode,
            events,
            fan_delay_secs: hn.fan_delay_secs,
        }),
    }
}
