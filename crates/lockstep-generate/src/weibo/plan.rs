//! The plan of the Weibo world, decided before any repost or comment is drawn: accounts and
//! their labels, the root posts of both parts (with their authors, times, texts and
//! popularity), the hard-negative groups, the planted campaigns and their rounds, and what
//! each root receives besides its organic cascade ([`Inject`]).

use std::collections::BTreeMap;

use rand::seq::SliceRandom;
use rand::Rng;

use super::ids::{Nicks, Uids};
use super::text::{self, Context};
use crate::sampling::{between, chance, index, normal, pareto, pick, unit, AliasTable};
use crate::timefmt::{day_curve, COLLECTION_START};

/// Length of the collection: four days.
pub(crate) const SPAN: i64 = 4 * 86_400;
/// One past the last second of the collection.
pub(crate) const END: i64 = COLLECTION_START + SPAN;

/// Which export a root post and its cascade go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Part {
    /// `weibo-search.csv`: keyword search results (originals and reposts).
    Search,
    /// `checked/`: full cascades (comments and reposts) of selected posts.
    Checked,
}

/// Label indices (into [`World::labels`]); campaigns follow [`FIRST_CAMPAIGN`].
pub(crate) const ORGANIC: u16 = 0;
/// The state-media accounts.
pub(crate) const STATE_MEDIA: u16 = 1;
/// Fans who repost and comment every post of one star within minutes.
pub(crate) const FAN_CLUB: u16 = 2;
/// Accounts that argue in comment threads under one post.
pub(crate) const COMMENT_THREAD: u16 = 3;
/// Regulars who overtly repost the state-media accounts.
pub(crate) const STATE_ECHO: u16 = 4;
/// Accounts that comment generic approval everywhere.
pub(crate) const GENERIC_COMMENT: u16 = 5;
/// Accounts that posted about a breaking-news event within minutes, once.
pub(crate) const NEWS_BURST: u16 = 6;
/// Accounts in a viral cascade.
pub(crate) const VIRAL_CASCADE: u16 = 7;
/// First campaign label.
pub(crate) const FIRST_CAMPAIGN: u16 = 8;

/// The non-campaign labels, by index.
const BASE_LABELS: [&str; 8] = [
    "organic",
    "organic:state_media",
    "organic:fan_club",
    "organic:comment_thread",
    "organic:state_echo",
    "organic:generic_comment",
    "organic:news_burst",
    "organic:viral_cascade",
];

/// `发布工具` values.
pub(crate) const DEVICES: &[&str] = &[
    "iPhone客户端",
    "iPhone 15 Pro Max",
    "iPhone 16 Pro",
    "HUAWEI Mate 60 Pro",
    "HUAWEI Pura 70",
    "小米14",
    "Redmi K70",
    "OPPO Find X7",
    "vivo X100",
    "荣耀Magic6",
    "Android",
    "微博网页版",
    "微博 weibo.com",
    "",
];
/// `ip` values (the account's IP region).
pub(crate) const PROVINCES: &[&str] = &[
    "北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", "山东", "河南", "福建", "湖南", "陕西",
    "重庆", "天津", "辽宁", "安徽", "河北", "云南", "广西", "江西", "美国", "日本", "",
];
/// `user_authentication` values.
pub(crate) const AUTH: &[&str] = &["普通用户", "黄V", "蓝V", "红V", "金V"];

/// One account.
#[derive(Debug)]
pub(crate) struct Account {
    /// 10-digit numeric user id.
    pub uid: u64,
    /// Nickname (`用户昵称`, the handle of `@` and `//@`).
    pub nick: String,
    /// Index into [`World::labels`].
    pub label: u16,
    /// Index into [`DEVICES`].
    pub device: u8,
    /// Index into [`PROVINCES`].
    pub province: u8,
    /// Index into [`AUTH`].
    pub auth: u8,
    /// Membership type (0 none, else 2 or 12) and level (0–7).
    pub vip: (u8, u8),
}

impl Account {
    /// Verified accounts (yellow, red, gold V) draw reposts of their reposts.
    pub(crate) fn is_hub(&self) -> bool {
        matches!(self.auth, 1 | 3 | 4)
    }
}

/// Kind of a planted campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Batch-registered accounts reposting popular posts together within two minutes.
    Boost,
    /// Near-identical long texts with small edits, in rounds with a rotating subset.
    Copy,
    /// A `#话题#` set pushed by a group in rounds, on varied texts.
    Push,
    /// Short templated replies under target posts within minutes.
    Swarm,
}

/// One planted campaign.
#[derive(Debug)]
pub(crate) struct Campaign {
    /// Behaviour.
    pub kind: Kind,
    /// Truth label index.
    pub label: u16,
    /// Members (account indices).
    pub members: Vec<u32>,
}

/// A star (or the tech blogger) and the fans who act on every post.
#[derive(Debug)]
pub(crate) struct FanClub {
    /// The star's account.
    pub star: u32,
    /// Fans and the chance each acts on a given post.
    pub fans: Vec<(u32, f64)>,
}

/// What a root post is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RootKind {
    /// An ordinary user's post about chips (search).
    Topic,
    /// A post that starts a discussion (checked).
    Everyday,
    /// A state-media post.
    State,
    /// A star's or the tech blogger's post.
    Star,
    /// A viral post.
    Viral,
    /// A reply swarm's target's post (checked).
    Target,
    /// A post of a breaking-news burst (search).
    News,
    /// A copy-paste group's post (search).
    Copy,
    /// A hashtag push's post (search).
    Push,
}

/// Something a root receives besides its organic cascade.
#[derive(Debug, Clone)]
pub(crate) enum Inject {
    /// The star's fan club reposts and comments.
    Fans(usize),
    /// The state-media regulars repost and comment.
    Echo,
    /// A comment thread: its members reply to each other `comments` times from `start` over
    /// `secs` seconds.
    Thread {
        /// Members (2–5).
        members: Vec<u32>,
        /// First comment.
        start: i64,
        /// Length of the argument.
        secs: i64,
        /// Comments in it.
        comments: u32,
    },
    /// A boost-ring round: the members repost (and in `checked` often comment) within two
    /// minutes of `start`.
    Boost {
        /// Index into [`World::campaigns`].
        campaign: usize,
        /// Round start.
        start: i64,
        /// Acting members.
        members: Vec<u32>,
    },
    /// A reply-swarm round: the members comment templated replies within minutes of `start`.
    Swarm {
        /// Index into [`World::campaigns`].
        campaign: usize,
        /// Round start.
        start: i64,
        /// Acting members.
        members: Vec<u32>,
        /// The round's appended topic.
        tag: &'static str,
    },
    /// One organic-looking act of a campaign member (camouflage) or of anyone.
    Single {
        /// Who.
        user: u32,
        /// When.
        ts: i64,
        /// A comment (else a repost).
        comment: bool,
        /// A generic-approval comment.
        generic: bool,
    },
}

/// A root post and everything under it.
#[derive(Debug)]
pub(crate) struct Root {
    /// Export it goes to.
    pub part: Part,
    /// What it is.
    pub kind: RootKind,
    /// Unix seconds.
    pub ts: i64,
    /// Author.
    pub author: u32,
    /// Text.
    pub text: String,
    /// The context its reposts and comments are written in.
    pub ctx: Context,
    /// Picture URLs.
    pub pics: Vec<String>,
    /// Video URL or empty.
    pub video: String,
    /// `头条文章url` or empty.
    pub article: String,
    /// `发布位置` or empty.
    pub location: String,
    /// Expected organic participants.
    pub popularity: f64,
    /// Share of organic first acts that are comments (checked part only).
    pub comment_share: f64,
    /// Chance that an organic repost reposts an earlier repost (a `//@` chain).
    pub chain: f64,
    /// Share of organic participants drawn uniformly (casual users) rather than by activity.
    pub casual: f64,
    /// Median delay of organic participants, seconds.
    pub delay: f64,
    /// Labelled `fake` in `checked/` (a rumour).
    pub fake: bool,
    /// Planted-post truth of the root itself (0: none).
    pub mark: u32,
    /// What it receives besides the organic cascade.
    pub inject: Vec<Inject>,
}

/// Planted-post truth: label and template of a planted post.
#[derive(Debug, Clone)]
pub(crate) struct Mark {
    /// Campaign label index.
    pub label: u16,
    /// Template id (empty for reposts).
    pub template: String,
}

/// The whole plan.
#[derive(Debug)]
pub(crate) struct World {
    /// Accounts by index.
    pub accounts: Vec<Account>,
    /// Label names.
    pub labels: Vec<String>,
    /// Organic activity of each account (0 for accounts never drawn at random).
    pub organic: AliasTable,
    /// Accounts that can be drawn as casual participants.
    pub casual: Vec<u32>,
    /// Root posts, in plan order.
    pub roots: Vec<Root>,
    /// Planted campaigns.
    pub campaigns: Vec<Campaign>,
    /// Fan clubs.
    pub clubs: Vec<FanClub>,
    /// State-media regulars.
    pub echo: Vec<u32>,
    /// State-media accounts.
    pub outlets: Vec<u32>,
    /// Planted-post truth; a post's mark is 1 + an index here.
    pub marks: Vec<Mark>,
    mark_ids: BTreeMap<(u16, String), u32>,
    /// Timeline events (`news_burst:N`, `viral_cascade:N`).
    pub events: Vec<(String, i64)>,
}

impl World {
    /// The mark id of a planted post of `label` from `template`.
    pub(crate) fn mark(&mut self, label: u16, template: &str) -> u32 {
        let key = (label, template.to_string());
        if let Some(&m) = self.mark_ids.get(&key) {
            return m;
        }
        self.marks.push(Mark {
            label,
            template: template.to_string(),
        });
        let m = self.marks.len() as u32;
        self.mark_ids.insert(key, m);
        m
    }

    /// The nickname of account `i`.
    pub(crate) fn nick(&self, i: u32) -> &str {
        self.accounts
            .get(i as usize)
            .map_or("", |a| a.nick.as_str())
    }

    /// The label name of a label index.
    pub(crate) fn label_name(&self, l: u16) -> &str {
        self.labels
            .get(l as usize)
            .map_or("organic", String::as_str)
    }
}

/// A log-normal delay with the given median (seconds) and spread.
pub(crate) fn lognormal<R: Rng + ?Sized>(rng: &mut R, median: f64, sigma: f64) -> f64 {
    (median.max(1.0).ln() + sigma * normal(rng)).exp()
}

/// A time in `[lo, hi)` drawn by the Chinese day (Beijing time): busy evenings, quiet nights.
pub(crate) fn diurnal_time<R: Rng + ?Sized>(rng: &mut R, lo: i64, hi: i64) -> i64 {
    let hi = hi.max(lo + 1);
    for _ in 0..64 {
        let t = between(rng, lo, hi - 1);
        let local = ((t + 8 * 3600).rem_euclid(86_400)) as f64 / 3600.0;
        if unit(rng) < day_curve(local) {
            return t;
        }
    }
    between(rng, lo, hi - 1)
}

/// `n` scaled by `scale`, at least `min`.
fn count(n: f64, scale: f64, min: usize) -> usize {
    ((n * scale).round() as usize).max(min)
}

/// How many roots of a kind (`n` per unit of scale, at least `min`) and how big each is
/// relative to scale 1: when the minimum holds the count up at small scales, each root
/// shrinks instead, so the volume stays proportional to the scale.
fn sized(n: f64, scale: f64, min: usize) -> (usize, f64) {
    let k = count(n, scale, min);
    (k, (n * scale / k as f64).min(1.0))
}

/// Rounds of a campaign at this scale: about 15 at scale 1, at least 8, up to 38.
fn rounds(scale: f64) -> usize {
    (15.0 + 5.0 * scale.log2()).round().clamp(8.0, 38.0) as usize
}

struct Builder<'r, R: Rng + ?Sized> {
    rng: &'r mut R,
    uids: Uids,
    nicks: Nicks,
    accounts: Vec<Account>,
    weights: Vec<f64>,
}

impl<R: Rng + ?Sized> Builder<'_, R> {
    /// Adds an account; `weight` is its organic activity (0: never drawn at random).
    fn add(&mut self, uid: u64, nick: String, label: u16, auth: u8, weight: f64) -> u32 {
        let rng = &mut *self.rng;
        let vip = if chance(rng, 0.12) {
            (
                if chance(rng, 0.5) { 2 } else { 12 },
                between(rng, 1, 7) as u8,
            )
        } else {
            (0, 0)
        };
        let province = if chance(rng, 0.04) {
            (PROVINCES.len() - 1) as u8
        } else {
            index(rng, PROVINCES.len() - 1) as u8
        };
        self.accounts.push(Account {
            uid,
            nick,
            label,
            device: index(rng, DEVICES.len()) as u8,
            province,
            auth,
            vip,
        });
        self.weights.push(weight);
        (self.accounts.len() - 1) as u32
    }

    /// An ordinary account: mostly plain users, some yellow V, a few gold V.
    fn ordinary(&mut self) -> u32 {
        let uid = self.uids.ordinary(self.rng);
        let nick = self.nicks.ordinary(self.rng);
        let auth = match index(self.rng, 100) {
            0..=9 => 1,
            10 => 4,
            _ => 0,
        };
        let w = pareto(self.rng, 1.0, 1.3).min(300.0);
        self.add(uid, nick, ORGANIC, auth, w)
    }

    /// A named account (outlet, star, target, media) with a fixed nickname.
    fn named(&mut self, nick: &str, label: u16, auth: u8) -> u32 {
        let uid = self.uids.ordinary(self.rng);
        let nick = if self.nicks.reserve(nick) {
            nick.to_string()
        } else {
            self.nicks.ordinary(self.rng)
        };
        self.add(uid, nick, label, auth, 0.0)
    }
}

/// Draws `k` distinct accounts from `pool` that still have label `ORGANIC`, and gives them
/// `label`.
fn claim<R: Rng + ?Sized>(
    rng: &mut R,
    accounts: &mut [Account],
    pool: &[u32],
    k: usize,
    label: u16,
) -> Vec<u32> {
    let mut free: Vec<u32> = pool
        .iter()
        .copied()
        .filter(|&i| accounts[i as usize].label == ORGANIC && accounts[i as usize].auth != 2)
        .collect();
    let k = k.min(free.len());
    for i in 0..k {
        let j = i + index(rng, free.len() - i);
        free.swap(i, j);
    }
    free.truncate(k);
    for &i in &free {
        accounts[i as usize].label = label;
    }
    free
}

/// Plans the world at `scale`.
pub(crate) fn plan<R: Rng + ?Sized>(rng: &mut R, scale: f64) -> World {
    let s = scale;
    let start = COLLECTION_START;
    let mut b = Builder {
        rng: &mut *rng,
        uids: Uids::default(),
        nicks: Nicks::default(),
        accounts: Vec::new(),
        weights: Vec::new(),
    };

    // Ordinary accounts, then the named ones.
    let n_org = count(30_000.0, s, 600);
    let ordinary: Vec<u32> = (0..n_org).map(|_| b.ordinary()).collect();
    let outlets: Vec<u32> = text::OUTLETS
        .iter()
        .map(|n| b.named(n, STATE_MEDIA, 2))
        .collect();
    let stars: Vec<u32> = text::STARS.iter().map(|n| b.named(n, ORGANIC, 3)).collect();
    let kol = b.named(text::KOL, ORGANIC, 4);
    let targets: Vec<u32> = text::TARGETS
        .iter()
        .enumerate()
        .map(|(i, n)| b.named(n, ORGANIC, if i == 0 { 2 } else { 4 }))
        .collect();
    let media: Vec<u32> = (0..10)
        .map(|k| b.named(&text::media_nick(k), ORGANIC, 2))
        .collect();

    // Campaign accounts: the boost ring batch-registered (runs of close ids), the others
    // ordinary-looking.
    let n_sets = (s.sqrt().round() as usize).max(1);
    let mut labels: Vec<String> = BASE_LABELS.iter().map(|s| s.to_string()).collect();
    let mut campaigns: Vec<Campaign> = Vec::new();
    for set in 1..=n_sets {
        for kind in [Kind::Boost, Kind::Copy, Kind::Push, Kind::Swarm] {
            let label = labels.len() as u16;
            labels.push(format!(
                "{}_{set}",
                match kind {
                    Kind::Boost => "boost_ring",
                    Kind::Copy => "copypaste_group",
                    Kind::Push => "hashtag_push",
                    Kind::Swarm => "reply_swarm",
                }
            ));
            let size = match kind {
                Kind::Boost => between(b.rng, 32, 45),
                Kind::Copy => between(b.rng, 22, 30),
                Kind::Push => between(b.rng, 25, 35),
                Kind::Swarm => between(b.rng, 28, 40),
            } as usize;
            let mut members = Vec::with_capacity(size);
            if kind == Kind::Boost {
                let stem = pick(
                    b.rng,
                    &["星辰大海", "清风明月", "追梦人", "小确幸"],
                    "追梦人",
                );
                while members.len() < size {
                    let k = (between(b.rng, 8, 14) as usize).min(size - members.len());
                    for uid in b.uids.batch(b.rng, k) {
                        let nick = b.nicks.batch(b.rng, stem);
                        members.push(b.add(uid, nick, label, 0, 0.0));
                    }
                }
            } else {
                for _ in 0..size {
                    let uid = b.uids.ordinary(b.rng);
                    let nick = b.nicks.ordinary(b.rng);
                    let auth = u8::from(chance(b.rng, 0.05));
                    members.push(b.add(uid, nick, label, auth, 0.0));
                }
            }
            campaigns.push(Campaign {
                kind,
                label,
                members,
            });
        }
    }
    let Builder {
        mut accounts,
        weights,
        ..
    } = b;
    let organic = AliasTable::new(&weights);
    let casual: Vec<u32> = ordinary.clone();

    // Hard-negative groups, disjoint, from plain ordinary accounts.
    let mut clubs = Vec::new();
    for &star in stars.iter().chain(std::iter::once(&kol)) {
        let k = between(rng, 30, 60) as usize;
        let fans = claim(rng, &mut accounts, &ordinary, k, FAN_CLUB)
            .into_iter()
            .map(|f| (f, 0.7 + 0.25 * unit(rng)))
            .collect();
        clubs.push(FanClub { star, fans });
    }
    let echo = claim(
        rng,
        &mut accounts,
        &ordinary,
        count(120.0, s, 15),
        STATE_ECHO,
    );
    let generic = claim(
        rng,
        &mut accounts,
        &ordinary,
        count(150.0, s, 15),
        GENERIC_COMMENT,
    );

    let mut w = World {
        accounts,
        labels,
        organic,
        casual,
        roots: Vec::new(),
        campaigns,
        clubs,
        echo,
        outlets: outlets.clone(),
        marks: Vec::new(),
        mark_ids: BTreeMap::new(),
        events: Vec::new(),
    };
    let lo = start + 1800;
    let hi = END - 3 * 3600;
    let kol_club = w.clubs.len().saturating_sub(1);

    // ---- checked part ----
    let (n, fit) = sized(16.0, s, 4);
    for k in 0..n {
        let ts = diurnal_time(rng, lo, hi);
        let root = state_root(rng, Part::Checked, ts, outlets[k % outlets.len()], fit);
        w.roots.push(root);
    }
    let (n_star, fit) = sized(8.0, s, 3);
    for (c, &star) in stars.iter().enumerate() {
        for _ in 0..n_star {
            let ts = diurnal_time(rng, lo, hi);
            let mut r = base_root(
                Part::Checked,
                RootKind::Star,
                ts,
                star,
                text::star_post(rng),
            );
            r.ctx = Context::Star;
            r.popularity = pareto(rng, 150.0 * fit, 1.8).min(1500.0 * fit);
            r.comment_share = 0.45;
            r.chain = 0.2;
            r.delay = 1500.0;
            r.pics = text::pic_urls(rng, 4, "orj360");
            r.inject.push(Inject::Fans(c));
            w.roots.push(r);
        }
    }
    let (n_viral, fit) = sized(3.0, s, 1);
    for _ in 0..n_viral {
        let ts = diurnal_time(rng, lo, hi - 6 * 3600);
        let author = hub_author(rng, &w, &ordinary);
        let (t, fake) = text::viral_post(rng);
        let mut r = base_root(Part::Checked, RootKind::Viral, ts, author, t);
        r.ctx = Context::Viral;
        r.fake = fake;
        r.popularity = (2000.0 + 3000.0 * unit(rng)) * fit;
        r.comment_share = 0.2;
        r.chain = 0.4;
        r.casual = 0.6;
        r.delay = 2400.0;
        if chance(rng, 0.5) {
            r.video = text::video_url(rng);
        } else {
            r.pics = text::pic_urls(rng, 9, "orj360");
        }
        w.roots.push(r);
    }
    let (n_everyday, fit) = sized(24.0, s, 4);
    for _ in 0..n_everyday {
        let ts = diurnal_time(rng, lo, hi);
        let author = hub_author(rng, &w, &ordinary);
        let mut r = base_root(
            Part::Checked,
            RootKind::Everyday,
            ts,
            author,
            text::everyday_post(rng),
        );
        r.ctx = Context::Everyday;
        r.popularity = pareto(rng, 40.0 * fit, 1.3).min(1200.0 * fit);
        r.comment_share = 0.55;
        r.delay = 1800.0;
        let threads = if chance(rng, 0.75) { 1 } else { 0 } + usize::from(chance(rng, 0.25));
        for _ in 0..threads {
            let k = between(rng, 2, 5) as usize;
            let members = claim(rng, &mut w.accounts, &ordinary, k, COMMENT_THREAD);
            if members.len() < 2 {
                continue;
            }
            let secs = between(rng, 600, 3 * 3600);
            r.inject.push(Inject::Thread {
                members,
                start: ts + between(rng, 60, 3600),
                secs,
                comments: between(rng, 20, 80) as u32,
            });
        }
        w.roots.push(r);
    }
    let (n_targets, fit) = sized(12.0, s, 3);
    let mut target_roots = Vec::new();
    for k in 0..n_targets {
        let ts = diurnal_time(rng, lo, hi);
        let mut r = base_root(
            Part::Checked,
            RootKind::Target,
            ts,
            targets[k % targets.len()],
            text::target_post(rng),
        );
        r.ctx = Context::Chips;
        r.popularity = pareto(rng, 80.0 * fit, 1.5).min(800.0 * fit);
        r.comment_share = 0.5;
        r.delay = 1800.0;
        target_roots.push(w.roots.len());
        w.roots.push(r);
    }

    // ---- search part ----
    let (n, fit) = sized(6.0, s, 2);
    for k in 0..n {
        let ts = diurnal_time(rng, lo, hi);
        let mut r = state_root(rng, Part::Search, ts, outlets[k % outlets.len()], fit);
        r.text = text::state_post(rng, true);
        r.ctx = Context::Chips;
        r.popularity *= 0.6;
        if chance(rng, 0.3) {
            r.article = format!("http://t.cn/A6{}", token(rng, 6));
            r.text = format!("发布了头条文章：《{}》", r.text);
        }
        w.roots.push(r);
    }
    let (n, fit) = sized(8.0, s, 3);
    for _ in 0..n {
        let ts = diurnal_time(rng, lo, hi);
        let mut r = base_root(Part::Search, RootKind::Star, ts, kol, text::kol_post(rng));
        r.ctx = Context::Chips;
        r.popularity = pareto(rng, 120.0 * fit, 1.8).min(1200.0 * fit);
        r.delay = 1500.0;
        r.chain = 0.2;
        if chance(rng, 0.5) {
            r.video = text::video_url(rng);
        }
        r.inject.push(Inject::Fans(kol_club));
        w.roots.push(r);
    }
    let (n, fit) = sized(2.0, s, 1);
    for _ in 0..n {
        let ts = diurnal_time(rng, lo, hi - 6 * 3600);
        let author = hub_author(rng, &w, &ordinary);
        let mut r = base_root(
            Part::Search,
            RootKind::Viral,
            ts,
            author,
            text::viral_chip_post(rng),
        );
        r.ctx = Context::Chips;
        r.popularity = (800.0 + 1200.0 * unit(rng)) * fit;
        r.chain = 0.4;
        r.casual = 0.6;
        r.delay = 2400.0;
        r.pics = text::pic_urls(rng, 4, "large");
        w.roots.push(r);
    }
    for _ in 0..count(10_000.0, s, 200) {
        let ts = diurnal_time(rng, start, END - 600);
        let author = w.casual[index(rng, w.casual.len())];
        let author = if chance(rng, 0.5) {
            author
        } else {
            w.organic.sample(rng) as u32
        };
        let r = topic_root(rng, ts, author);
        w.roots.push(r);
    }
    // News bursts.
    let (n_bursts, fit) = sized(3.0, s, 1);
    let mut burst_times: Vec<i64> = (0..n_bursts)
        .map(|k| lo + (hi - lo) * (2 * k as i64 + 1) / (2 * n_bursts as i64))
        .collect();
    burst_times
        .iter_mut()
        .for_each(|t| *t += between(rng, -3600, 3600));
    for (k, &t0) in burst_times.iter().enumerate() {
        let (headline, topic) = text::NEWS[k % text::NEWS.len()];
        let size = ((between(rng, 60, 150) as f64) * fit).round().max(15.0) as usize;
        let mut members = claim(rng, &mut w.accounts, &ordinary, size, NEWS_BURST);
        let n_media = between(rng, 3, 6) as usize;
        for &m in media.iter().skip(k % 4).take(n_media) {
            if let Some(a) = w.accounts.get_mut(m as usize) {
                if a.label == ORGANIC {
                    a.label = NEWS_BURST;
                }
            }
            members.push(m);
        }
        members.shuffle(rng);
        w.events.push((format!("news_burst:{}", k + 1), t0));
        for (i, &m) in members.iter().enumerate() {
            let d = if i == 0 {
                0
            } else {
                (20.0 + crate::sampling::exponential(rng, 300.0)).min(1800.0) as i64
            };
            let is_media = w.accounts[m as usize].auth == 2;
            let text = if is_media {
                format!("#{topic}#【{headline}】")
            } else {
                text::news_post(rng, headline, topic)
            };
            let mut r = base_root(Part::Search, RootKind::News, t0 + d, m, text);
            r.ctx = Context::Chips;
            r.popularity = if is_media {
                pareto(rng, 20.0 * fit, 1.5).min(400.0)
            } else {
                pareto(rng, 0.2, 1.3).min(50.0)
            };
            r.delay = 900.0;
            if is_media && chance(rng, 0.6) {
                r.pics = text::pic_urls(rng, 1, "large");
            }
            w.roots.push(r);
        }
    }
    // The viral cascades' event times.
    let mut vi = 0;
    let viral: Vec<i64> = w
        .roots
        .iter()
        .filter(|r| r.kind == RootKind::Viral)
        .map(|r| r.ts)
        .collect();
    for ts in viral {
        vi += 1;
        w.events.push((format!("viral_cascade:{vi}"), ts));
    }

    // ---- campaigns ----
    let n_rounds = rounds(s);
    for ci in 0..w.campaigns.len() {
        match w.campaigns[ci].kind {
            Kind::Boost => plan_boost(rng, &mut w, ci, n_rounds),
            Kind::Copy => plan_copy(rng, &mut w, ci, n_rounds + 3, lo, hi),
            Kind::Push => plan_push(rng, &mut w, ci, n_rounds + 3, lo, hi),
            Kind::Swarm => plan_swarm(rng, &mut w, ci, &target_roots),
        }
    }

    // ---- single acts: generic commenters, campaign camouflage ----
    let checked_pop = popular_index(&w, Part::Checked);
    let search_pop = popular_index(&w, Part::Search);
    for &g in &generic {
        for _ in 0..between(rng, 5, 16) {
            if let Some(ri) = checked_pop.pick(rng) {
                let ts = w.roots[ri].ts + lognormal(rng, 2400.0, 1.2) as i64;
                w.roots[ri].inject.push(Inject::Single {
                    user: g,
                    ts,
                    comment: true,
                    generic: true,
                });
            }
        }
    }
    for ci in 0..w.campaigns.len() {
        let kind = w.campaigns[ci].kind;
        let members = w.campaigns[ci].members.clone();
        for m in members {
            let acts = w
                .roots
                .iter()
                .map(|r| {
                    r.inject
                        .iter()
                        .filter(|i| match i {
                            Inject::Boost { members, .. } | Inject::Swarm { members, .. } => {
                                members.contains(&m)
                            }
                            _ => false,
                        })
                        .count()
                        + usize::from(r.author == m)
                })
                .sum::<usize>();
            let k = ((acts as f64) * (0.8 + 0.7 * unit(rng))).round() as usize + 2;
            for _ in 0..k {
                let part = match kind {
                    Kind::Copy | Kind::Push => Part::Search,
                    Kind::Swarm => Part::Checked,
                    Kind::Boost => {
                        if chance(rng, 0.5) {
                            Part::Search
                        } else {
                            Part::Checked
                        }
                    }
                };
                // Copy-paste and hashtag-push members also write ordinary posts.
                if part == Part::Search && kind != Kind::Boost && chance(rng, 0.2) {
                    let ts = diurnal_time(rng, start, END - 600);
                    let r = topic_root(rng, ts, m);
                    w.roots.push(r);
                    continue;
                }
                let pop = if part == Part::Search {
                    &search_pop
                } else {
                    &checked_pop
                };
                if let Some(ri) = pop.pick(rng) {
                    let ts = w.roots[ri].ts + lognormal(rng, 2400.0, 1.3) as i64;
                    let comment = part == Part::Checked && chance(rng, 0.4);
                    w.roots[ri].inject.push(Inject::Single {
                        user: m,
                        ts,
                        comment,
                        generic: false,
                    });
                }
            }
        }
    }
    w
}

/// A random token of ASCII letters and digits.
fn token<R: Rng + ?Sized>(rng: &mut R, n: usize) -> String {
    const A: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..n).map(|_| char::from(A[index(rng, A.len())])).collect()
}

/// A root with neutral defaults.
fn base_root(part: Part, kind: RootKind, ts: i64, author: u32, text: String) -> Root {
    Root {
        part,
        kind,
        ts,
        author,
        text,
        ctx: Context::Everyday,
        pics: Vec::new(),
        video: String::new(),
        article: String::new(),
        location: String::new(),
        popularity: 0.0,
        comment_share: 0.4,
        chain: 0.15,
        casual: 0.25,
        delay: 2400.0,
        fake: false,
        mark: 0,
        inject: Vec::new(),
    }
}

/// A state-media post.
fn state_root<R: Rng + ?Sized>(rng: &mut R, part: Part, ts: i64, outlet: u32, fit: f64) -> Root {
    let mut r = base_root(
        part,
        RootKind::State,
        ts,
        outlet,
        text::state_post(rng, false),
    );
    r.ctx = Context::State;
    r.popularity = pareto(rng, 220.0 * fit, 1.6).min(3000.0 * fit);
    r.comment_share = 0.3;
    r.chain = 0.2;
    r.casual = 0.35;
    r.delay = 1200.0;
    if chance(rng, 0.6) {
        r.pics = text::pic_urls(rng, 4, "orj360");
    } else if chance(rng, 0.5) {
        r.video = text::video_url(rng);
    }
    r.inject.push(Inject::Echo);
    r
}

/// An ordinary user's chip post of the search part.
fn topic_root<R: Rng + ?Sized>(rng: &mut R, ts: i64, author: u32) -> Root {
    let mut t = text::chip_post(rng);
    if chance(rng, 0.45) {
        // Zipf over the organic topics.
        let k = ((text::CHIP_TOPICS.len() as f64) * unit(rng).powf(2.2)) as usize;
        let topic = text::CHIP_TOPICS[k.min(text::CHIP_TOPICS.len() - 1)];
        t = if chance(rng, 0.5) {
            format!("#{topic}#{t}")
        } else {
            format!("{t}#{topic}#")
        };
    }
    let mut r = base_root(Part::Search, RootKind::Topic, ts, author, t);
    r.ctx = Context::Chips;
    r.popularity = pareto(rng, 0.3, 1.2).min(300.0);
    r.delay = 2400.0;
    if chance(rng, 0.3) {
        r.pics = text::pic_urls(rng, 4, "large");
    }
    if chance(rng, 0.03) {
        r.location = pick(
            rng,
            &[
                "北京·中关村",
                "上海·陆家嘴",
                "深圳·南山区",
                "杭州·西湖区",
                "成都·高新区",
            ],
            "",
        )
        .to_string();
    }
    r
}

/// An author for a post that may go viral: a verified account half of the time.
fn hub_author<R: Rng + ?Sized>(rng: &mut R, w: &World, ordinary: &[u32]) -> u32 {
    for _ in 0..50 {
        let a = ordinary[index(rng, ordinary.len())];
        let acc = &w.accounts[a as usize];
        if acc.label == ORGANIC && (acc.is_hub() || chance(rng, 0.1)) {
            return a;
        }
    }
    ordinary[index(rng, ordinary.len())]
}

/// Weighted choice of a popular organic root of one part.
struct PopularIndex {
    roots: Vec<usize>,
    table: AliasTable,
}

impl PopularIndex {
    fn pick<R: Rng + ?Sized>(&self, rng: &mut R) -> Option<usize> {
        if self.roots.is_empty() {
            return None;
        }
        self.roots.get(self.table.sample(rng)).copied()
    }
}

/// Roots of `part` that ordinary activity lands on, weighted by popularity.
fn popular_index(w: &World, part: Part) -> PopularIndex {
    let roots: Vec<usize> = w
        .roots
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.part == part && !matches!(r.kind, RootKind::Copy | RootKind::Push | RootKind::News)
        })
        .map(|(i, _)| i)
        .collect();
    let weights: Vec<f64> = roots.iter().map(|&i| w.roots[i].popularity + 0.5).collect();
    PopularIndex {
        table: AliasTable::new(&weights),
        roots,
    }
}

/// Adds every member missing from all `rounds` to one of them at random, so each member has
/// planted posts wherever its campaign acts.
fn cover_all<R: Rng + ?Sized>(rng: &mut R, members: &[u32], rounds: &mut [Vec<u32>]) {
    if rounds.is_empty() {
        return;
    }
    for &m in members {
        if !rounds.iter().any(|r| r.contains(&m)) {
            let k = index(rng, rounds.len());
            rounds[k].push(m);
        }
    }
}

/// The members of `n` rounds: each member joins a round with chance `join` (at least five a
/// round), then every member left out of all of them joins one ([`cover_all`]).
fn rounds_of<R: Rng + ?Sized>(rng: &mut R, members: &[u32], n: usize, join: f64) -> Vec<Vec<u32>> {
    let mut rounds: Vec<Vec<u32>> = (0..n).map(|_| participants(rng, members, join)).collect();
    cover_all(rng, members, &mut rounds);
    rounds
}

/// Members acting in a round: each with chance `p`, at least five.
fn participants<R: Rng + ?Sized>(rng: &mut R, members: &[u32], p: f64) -> Vec<u32> {
    let mut v: Vec<u32> = members.iter().copied().filter(|_| chance(rng, p)).collect();
    if v.len() < 5 {
        let mut all = members.to_vec();
        all.shuffle(rng);
        all.truncate(5);
        v = all;
    }
    v
}

/// Boost ring: rounds on popular roots of both parts.
fn plan_boost<R: Rng + ?Sized>(rng: &mut R, w: &mut World, ci: usize, n: usize) {
    let join = 0.6 + 0.3 * unit(rng);
    for part in [Part::Search, Part::Checked] {
        let mut popular: Vec<usize> = w
            .roots
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.part == part
                    && matches!(
                        r.kind,
                        RootKind::State
                            | RootKind::Star
                            | RootKind::Viral
                            | RootKind::Everyday
                            | RootKind::Target
                            | RootKind::Topic
                    )
                    && r.ts < END - 4 * 3600
            })
            .map(|(i, _)| i)
            .collect();
        popular.sort_by(|&a, &b| {
            w.roots[b]
                .popularity
                .total_cmp(&w.roots[a].popularity)
                .then(a.cmp(&b))
        });
        popular.truncate((n * 3).max(10));
        popular.shuffle(rng);
        popular.truncate(n);
        let rounds = rounds_of(rng, &w.campaigns[ci].members, popular.len(), join);
        for (&ri, members) in popular.iter().zip(rounds) {
            let start = w.roots[ri].ts + between(rng, 180, 90 * 60);
            w.roots[ri].inject.push(Inject::Boost {
                campaign: ci,
                start,
                members,
            });
        }
    }
}

/// Reply swarm: rounds under most of the targets' posts.
fn plan_swarm<R: Rng + ?Sized>(rng: &mut R, w: &mut World, ci: usize, targets: &[usize]) {
    let join = 0.6 + 0.3 * unit(rng);
    let mut chosen = targets.to_vec();
    chosen.shuffle(rng);
    let n = ((chosen.len() as f64) * 0.85).ceil() as usize;
    chosen.truncate(n.max(2));
    let rounds = rounds_of(rng, &w.campaigns[ci].members, chosen.len(), join);
    for (k, (&ri, members)) in chosen.iter().zip(rounds).enumerate() {
        let start = w.roots[ri].ts + between(rng, 120, 40 * 60);
        w.roots[ri].inject.push(Inject::Swarm {
            campaign: ci,
            start,
            members,
            tag: text::SWARM_TAGS[k % text::SWARM_TAGS.len()],
        });
    }
}

/// Copy-paste group: rounds of a template with edits, rotating topics and mentions.
fn plan_copy<R: Rng + ?Sized>(rng: &mut R, w: &mut World, ci: usize, n: usize, lo: i64, hi: i64) {
    let join = 0.4 + 0.3 * unit(rng);
    let label = w.campaigns[ci].label;
    let name = w.label_name(label).to_string();
    let times = stratified(rng, n, lo + 3 * 3600, hi);
    let rounds = rounds_of(rng, &w.campaigns[ci].members, times.len(), join);
    for (j, (t0, members)) in times.into_iter().zip(rounds).enumerate() {
        let k = if chance(rng, 0.7) {
            j % text::COPY_TEMPLATES.len()
        } else {
            index(rng, text::COPY_TEMPLATES.len())
        };
        let topic = text::COPY_TOPICS[j % text::COPY_TOPICS.len()];
        let mark = w.mark(label, &format!("{name}:t{}", k + 1));
        for m in members {
            let ts = t0 + (900.0 * unit(rng).powf(1.5)) as i64;
            let mut t = crate::content::cosmetic(rng, text::COPY_TEMPLATES[k], true);
            if chance(rng, 0.7) {
                t.push_str(&format!("#{topic}#"));
            }
            if chance(rng, 0.4) {
                t.push('@');
                t.push_str(pick(rng, &text::OUTLETS, "人民日报"));
                t.push(' ');
            }
            let mut r = base_root(
                Part::Search,
                RootKind::Copy,
                ts,
                m,
                t.trim_end().to_string(),
            );
            r.ctx = Context::Chips;
            r.popularity = pareto(rng, 0.2, 1.5).min(20.0);
            r.mark = mark;
            w.roots.push(r);
        }
    }
}

/// Hashtag push: rounds of a topic set on varied short texts.
fn plan_push<R: Rng + ?Sized>(rng: &mut R, w: &mut World, ci: usize, n: usize, lo: i64, hi: i64) {
    let join = 0.5 + 0.3 * unit(rng);
    let label = w.campaigns[ci].label;
    let name = w.label_name(label).to_string();
    let times = stratified(rng, n, lo + 3 * 3600, hi);
    let rounds = rounds_of(rng, &w.campaigns[ci].members, times.len(), join);
    for (j, (t0, members)) in times.into_iter().zip(rounds).enumerate() {
        let a = text::PUSH_TOPICS[j % text::PUSH_TOPICS.len()];
        let b = text::PUSH_TOPICS[(j + 1 + index(rng, 2)) % text::PUSH_TOPICS.len()];
        let set: Vec<&str> = if chance(rng, 0.4) {
            vec![a]
        } else {
            vec![a, b]
        };
        let mut sorted = set.clone();
        sorted.sort_unstable();
        let mark = w.mark(label, &format!("{name}:{}", sorted.join("+")));
        for m in members {
            let ts = t0 + (600.0 * unit(rng).powf(1.4)) as i64;
            let mut topics = set.clone();
            if chance(rng, 0.3) {
                topics.reverse();
            }
            let t = text::push_text(rng, &topics);
            let mut r = base_root(Part::Search, RootKind::Push, ts, m, t);
            r.ctx = Context::Chips;
            r.popularity = pareto(rng, 0.2, 1.5).min(20.0);
            r.mark = mark;
            w.roots.push(r);
        }
    }
}

/// `n` times stratified over `[lo, hi)`, one per stratum.
fn stratified<R: Rng + ?Sized>(rng: &mut R, n: usize, lo: i64, hi: i64) -> Vec<i64> {
    let hi = hi.max(lo + 1);
    let width = (hi - lo) as f64 / n.max(1) as f64;
    (0..n)
        .map(|j| (lo + (width * (j as f64 + unit(rng))) as i64).min(hi - 1))
        .collect()
}
