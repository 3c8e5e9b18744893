//! Seed accounts: who amplifies known accounts (state media, officials), how fast, and
//! which campaigns are tied to them.
//!
//! An *amplification* is a post by another account that
//! - reposts, quotes or replies to a seed account's post (when the repost's target is not
//!   in the data, a leading `RT @handle:` naming a seed counts, without a delay), or
//! - links the same URL (canonical, as for references) as a seed post did, within
//!   `link_window` after the seed's first post of it.
//!
//! One amplification per post (repost before quote before reply before link). The delay
//! is the amplifying post's time minus the seed post's. A campaign is tied to a seed when
//! its accounts amplify it; `share_of_members` is the share of the campaign's accounts that
//! did.

use crate::echo::{cheap_host, url_keys, LoadError};
use crate::findings::{Amplifier, SeedCampaign, SeedReport, SeedsEcho};
use crate::group::{median, quantile, r4, Context};
use crate::options::NarrativeOptions;
use lockstep_model::{AccountIdx, PostIdx, PostTable, NONE};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;

/// A seed account as listed in the file.
#[derive(Clone, Debug, Serialize)]
pub struct SeedAccount {
    /// Account id or handle as given.
    pub key: String,
    /// Handle, when the file gives one.
    pub handle: Option<String>,
    /// Label (`state_media`, `official`, ...), empty when none.
    pub label: String,
}

/// Read a seed file: CSV with a header naming `account_id` (or `id`, `user_id`) and/or
/// `handle` (or `screen_name`, `username`) and optionally `label`; or, without such a
/// header, one account id or handle per line, optionally followed by `,label`. Lines
/// starting with `#` are comments. Meta's threat-research indicator CSV (`Tactic,
/// Technique, Procedure, Indicator, Note`, defanged indicators) is read too: its account
/// indicators are the seeds ([`crate::meta_csv`]).
pub fn load_seeds(path: &Path) -> Result<Vec<SeedAccount>, LoadError> {
    let name = path.display().to_string();
    let body = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: name.clone(),
        source,
    })?;
    let lines: Vec<&str> = body
        .lines()
        .map(|l| l.trim().trim_start_matches('\u{feff}'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut seeds = Vec::new();
    let Some(first) = lines.first() else {
        return Err(LoadError::Empty {
            path: name,
            reason: "no seed account".into(),
        });
    };
    let header: Vec<String> = first
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let id_col = col(&["account_id", "id", "user_id", "author_id"]);
    let handle_col = col(&["handle", "screen_name", "username", "user_name"]);
    let label_col = col(&["label", "type", "kind"]);
    if crate::meta_csv::is_meta_header(&header) {
        // Meta's threat-research indicators (crate::meta_csv).
        let joined = lines.join("\n");
        let records: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(joined.as_bytes())
            .records()
            .flatten()
            .collect();
        let meta = crate::meta_csv::meta_seeds(&header, &records);
        if meta.skipped > 0 {
            eprintln!(
                "lockstep: {name}: {} indicator(s) that are not accounts (domains, articles) left out of the seed accounts",
                meta.skipped
            );
        }
        seeds = meta.seeds;
    } else if id_col.is_some() || handle_col.is_some() {
        let joined = lines.join("\n");
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(joined.as_bytes());
        for rec in r.records().flatten() {
            let get = |c: Option<usize>| {
                c.and_then(|i| rec.get(i))
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            let id = get(id_col);
            let handle = get(handle_col).map(|h| h.trim_start_matches('@').to_string());
            let Some(key) = id.clone().or_else(|| handle.clone()) else {
                continue;
            };
            seeds.push(SeedAccount {
                key,
                handle,
                label: get(label_col).unwrap_or_default(),
            });
        }
    } else {
        for l in lines {
            let (k, label) = l.split_once(',').unwrap_or((l, ""));
            let k = k.trim();
            if k.is_empty() {
                continue;
            }
            seeds.push(SeedAccount {
                key: k.to_string(),
                handle: None,
                label: label.trim().to_string(),
            });
        }
    }
    if seeds.is_empty() {
        return Err(LoadError::Empty {
            path: name,
            reason: "no seed account".into(),
        });
    }
    Ok(seeds)
}

/// How a post amplifies a seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AmpKind {
    /// Reposts a seed post.
    Repost,
    /// Quotes one.
    Quote,
    /// Replies to one.
    Reply,
    /// Posts a URL a seed posted, soon after.
    Link,
}

/// One amplifying post.
#[derive(Clone, Copy, Debug)]
pub struct Amplification {
    /// The post.
    pub post: PostIdx,
    /// Index of the seed (into the seed list).
    pub seed: u32,
    /// How.
    pub kind: AmpKind,
    /// Post time minus seed post time, ms (unknown when the seed post is not in the data).
    pub delay_ms: Option<i64>,
}

/// Seeds resolved to accounts of the table.
pub struct SeedIndex {
    /// Seed of each account, or [`NONE`].
    pub seed_of_account: Vec<u32>,
    /// Account of each seed, if found.
    pub account_of_seed: Vec<Option<AccountIdx>>,
    handles: foldhash::HashMap<String, u32>,
}

impl SeedIndex {
    /// Match seeds to accounts by id, then by handle (case-insensitive, `@` optional).
    pub fn new(t: &PostTable, seeds: &[SeedAccount]) -> Self {
        let na = t.account_count();
        let mut by_id: foldhash::HashMap<&str, u32> = Default::default();
        let mut by_handle: foldhash::HashMap<String, u32> = Default::default();
        for a in 0..na as u32 {
            by_id.entry(t.account_id(a)).or_insert(a);
            if let Some(h) = t.account_handle(a) {
                by_handle
                    .entry(h.trim_start_matches('@').to_lowercase())
                    .or_insert(a);
            }
        }
        let mut seed_of_account = vec![NONE; na];
        let mut account_of_seed = Vec::with_capacity(seeds.len());
        let mut handles = foldhash::HashMap::default();
        for (i, s) in seeds.iter().enumerate() {
            let key = s.key.trim_start_matches('@');
            let found = by_id
                .get(s.key.as_str())
                .copied()
                .or_else(|| by_handle.get(&key.to_lowercase()).copied())
                .or_else(|| {
                    s.handle
                        .as_ref()
                        .and_then(|h| by_handle.get(&h.to_lowercase()).copied())
                });
            if let Some(a) = found {
                if seed_of_account[a as usize] == NONE {
                    seed_of_account[a as usize] = i as u32;
                }
                if let Some(h) = t.account_handle(a) {
                    handles.insert(h.trim_start_matches('@').to_lowercase(), i as u32);
                }
            }
            if let Some(h) = &s.handle {
                handles.entry(h.to_lowercase()).or_insert(i as u32);
            }
            account_of_seed.push(found);
        }
        Self {
            seed_of_account,
            account_of_seed,
            handles,
        }
    }

    /// The accounts of the seeds found in the table, ascending and distinct.
    pub fn accounts(&self) -> Vec<AccountIdx> {
        let mut v: Vec<AccountIdx> = self.account_of_seed.iter().flatten().copied().collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    fn seed_of_post(&self, ctx: &Context, p: PostIdx) -> Option<u32> {
        let s = self.seed_of_account[ctx.table.author(p) as usize];
        (s != NONE).then_some(s)
    }

    /// Every amplifying post, by post.
    pub fn amplifications(&self, ctx: &Context, link_window_ms: i64) -> Vec<Amplification> {
        let t = ctx.table;
        let n = t.len();
        // Links the seeds posted: full URL key -> (first time, seed).
        let mut seed_links: foldhash::HashMap<String, (i64, u32)> = Default::default();
        let mut hosts: foldhash::HashSet<String> = Default::default();
        for p in 0..n as PostIdx {
            let Some(s) = self.seed_of_post(ctx, p) else {
                continue;
            };
            for &u in t.url_syms(p) {
                let raw = t.urls.resolve(u);
                let (full, _) = url_keys(raw);
                let e = seed_links.entry(full).or_insert((i64::MAX, s));
                if t.time(p) < e.0 {
                    *e = (t.time(p), s);
                }
                hosts.insert(cheap_host(raw));
            }
        }
        let url_seed: Vec<Option<(i64, u32)>> = (0..t.urls.len() as u32)
            .into_par_iter()
            .map(|u| {
                let raw = t.urls.resolve(u);
                if !hosts.contains(&cheap_host(raw)) {
                    return None;
                }
                seed_links.get(&url_keys(raw).0).copied()
            })
            .collect();
        (0..n as PostIdx)
            .into_par_iter()
            .filter_map(|p| {
                if self.seed_of_post(ctx, p).is_some() {
                    return None;
                }
                let time = t.time(p);
                let by_ref = |sym: u32, kind: AmpKind| -> Option<Amplification> {
                    let q = t.ref_post(sym)?;
                    let s = self.seed_of_post(ctx, q)?;
                    Some(Amplification {
                        post: p,
                        seed: s,
                        kind,
                        delay_ms: Some(time - t.time(q)),
                    })
                };
                let repost = t.repost_of(p);
                if repost != NONE {
                    if let Some(a) = by_ref(repost, AmpKind::Repost) {
                        return Some(a);
                    }
                    if t.ref_post(repost).is_none() {
                        if let Some(s) = self.rt_handle(t.text(p)) {
                            return Some(Amplification {
                                post: p,
                                seed: s,
                                kind: AmpKind::Repost,
                                delay_ms: None,
                            });
                        }
                    }
                }
                if let Some(a) = by_ref(t.quote_of(p), AmpKind::Quote)
                    .or_else(|| by_ref(t.reply_to(p), AmpKind::Reply))
                {
                    return Some(a);
                }
                t.url_syms(p).iter().find_map(|&u| {
                    let (first, s) = url_seed[u as usize]?;
                    let d = time - first;
                    (0..=link_window_ms).contains(&d).then_some(Amplification {
                        post: p,
                        seed: s,
                        kind: AmpKind::Link,
                        delay_ms: Some(d),
                    })
                })
            })
            .collect()
    }

    /// The seed named by a leading `RT @handle:`.
    fn rt_handle(&self, text: &str) -> Option<u32> {
        let rest = text.trim_start().strip_prefix("RT @")?;
        let end = rest.find([':', ' '])?;
        self.handles.get(&rest[..end].to_lowercase()).copied()
    }
}

/// Delay figures, seconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DelayStats {
    /// Median delay.
    pub median_s: Option<f64>,
    /// 25th percentile.
    pub p25_s: Option<f64>,
    /// 75th percentile.
    pub p75_s: Option<f64>,
    /// Share of amplifications with a known delay of at most 60 s.
    pub within_60s: f64,
    /// Share within 10 minutes.
    pub within_10min: f64,
}

/// Delay figures of `delays_ms`.
pub fn delay_stats(delays_ms: &[i64]) -> DelayStats {
    let mut s: Vec<f64> = delays_ms.iter().map(|&d| d as f64 / 1000.0).collect();
    let n = s.len().max(1) as f64;
    DelayStats {
        within_60s: r4(s.iter().filter(|&&d| d <= 60.0).count() as f64 / n),
        within_10min: r4(s.iter().filter(|&&d| d <= 600.0).count() as f64 / n),
        median_s: median(&mut s).map(r4),
        p25_s: quantile(&mut s, 0.25).map(r4),
        p75_s: quantile(&mut s, 0.75).map(r4),
    }
}

/// The amplification of each seed account and the campaigns tied to seeds.
pub(crate) fn seed_reports(
    ctx: &Context,
    seeds_in: &[SeedAccount],
    idx: &SeedIndex,
    amps: &[Amplification],
    campaign_accounts: &foldhash::HashMap<u32, u64>,
    options: &NarrativeOptions,
) -> SeedsEcho {
    let t = ctx.table;
    let mut seed_posts = vec![0u64; seeds_in.len()];
    for p in 0..t.len() as PostIdx {
        let s = idx.seed_of_account[t.author(p) as usize];
        if s != NONE {
            seed_posts[s as usize] += 1;
        }
    }
    // Campaign figures over a set of amplifications.
    let campaigns_of = |list: &[&Amplification]| -> Vec<SeedCampaign> {
        // Per campaign: amplifying accounts, delays, amplifications, seeds amplified.
        type Acc = (Vec<u32>, Vec<i64>, u64, Vec<u32>);
        let mut by: std::collections::BTreeMap<u32, Acc> = Default::default();
        for a in list {
            if let Some(c) = ctx.campaign(a.post) {
                let e = by.entry(c).or_default();
                e.0.push(t.author(a.post));
                if let Some(d) = a.delay_ms {
                    e.1.push(d);
                }
                e.2 += 1;
                e.3.push(a.seed);
            }
        }
        let mut out: Vec<SeedCampaign> = by
            .into_iter()
            .map(|(c, (mut accs, delays, n, mut ss))| {
                accs.sort_unstable();
                accs.dedup();
                let members = campaign_accounts
                    .get(&c)
                    .copied()
                    .unwrap_or(accs.len() as u64);
                ss.sort_unstable();
                let mut counts: Vec<(usize, u32)> = ss
                    .chunk_by(|a, b| a == b)
                    .map(|ch| (ch.len(), ch[0]))
                    .collect();
                counts.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                SeedCampaign {
                    campaign_id: c,
                    accounts: members,
                    amplifying_accounts: accs.len() as u64,
                    share_of_members: r4(accs.len() as f64 / members.max(1) as f64),
                    amplifications: n,
                    delay: delay_stats(&delays),
                    seeds: counts
                        .iter()
                        .map(|&(_, s)| seed_name(t, seeds_in, idx, s))
                        .collect(),
                }
            })
            .collect();
        out.sort_unstable_by(|a, b| {
            b.amplifying_accounts
                .cmp(&a.amplifying_accounts)
                .then(a.campaign_id.cmp(&b.campaign_id))
        });
        out
    };
    let mut by_seed: Vec<Vec<&Amplification>> = vec![Vec::new(); seeds_in.len()];
    for a in amps {
        if let Some(v) = by_seed.get_mut(a.seed as usize) {
            v.push(a);
        }
    }
    let reports: Vec<SeedReport> = by_seed
        .into_par_iter()
        .enumerate()
        .map(|(i, mine)| {
            let s = &seeds_in[i];
            let account = idx.account_of_seed[i];
            let mut by_kind = std::collections::BTreeMap::new();
            for (k, name) in [
                (AmpKind::Repost, "repost"),
                (AmpKind::Quote, "quote"),
                (AmpKind::Reply, "reply"),
                (AmpKind::Link, "link"),
            ] {
                by_kind.insert(
                    name.to_string(),
                    mine.iter().filter(|a| a.kind == k).count() as u64,
                );
            }
            let delays: Vec<i64> = mine.iter().filter_map(|a| a.delay_ms).collect();
            let mut per: std::collections::BTreeMap<u32, Vec<Option<i64>>> = Default::default();
            // Amplifications without a known author count, but name no amplifier.
            for a in mine.iter().filter(|a| t.has_author(a.post)) {
                per.entry(t.author(a.post)).or_default().push(a.delay_ms);
            }
            let amplifier_accounts = per.len() as u64;
            let mut top: Vec<(u32, Vec<Option<i64>>)> = per.into_iter().collect();
            top.sort_unstable_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
            top.truncate(options.top_accounts);
            let first_post_of = |a: u32| {
                mine.iter()
                    .find(|x| t.author(x.post) == a)
                    .and_then(|x| ctx.campaign(x.post))
            };
            SeedReport {
                key: s.key.clone(),
                account_id: account.map(|a| t.account_id(a).to_string()),
                handle: account
                    .and_then(|a| t.account_handle(a).map(str::to_string))
                    .or_else(|| s.handle.clone()),
                label: s.label.clone(),
                found: account.is_some(),
                posts: seed_posts[i],
                amplifications: mine.len() as u64,
                amplifier_accounts,
                by_kind,
                delay: delay_stats(&delays),
                top_amplifiers: top
                    .into_iter()
                    .map(|(a, ds)| {
                        let mut d: Vec<f64> =
                            ds.iter().flatten().map(|&x| x as f64 / 1000.0).collect();
                        Amplifier {
                            account_id: t.account_id(a).to_string(),
                            handle: t.account_handle(a).map(str::to_string),
                            amplifications: ds.len() as u64,
                            median_delay_s: median(&mut d).map(r4),
                            campaign_id: first_post_of(a),
                        }
                    })
                    .collect(),
                campaigns: campaigns_of(&mine),
            }
        })
        .collect();
    let all: Vec<&Amplification> = amps.iter().collect();
    SeedsEcho {
        seeds: reports,
        campaigns: campaigns_of(&all),
    }
}

/// Account id of seed `s` in the data, else its key as given.
fn seed_name(t: &PostTable, seeds: &[SeedAccount], idx: &SeedIndex, s: u32) -> String {
    match idx.account_of_seed.get(s as usize).copied().flatten() {
        Some(a) => t.account_id(a).to_string(),
        None => seeds
            .get(s as usize)
            .map(|x| x.key.clone())
            .unwrap_or_default(),
    }
}
