//! The streaming generator. Time is cut into one-hour slices; for each slice it creates the
//! organic originals, the ring rounds and the hotspot burst that start in it, schedules
//! retweets and replies into future slices, then sorts the slice's posts by id (= time) and
//! writes them. Memory holds the pending future posts and a bounded pool of recent
//! originals, never the whole data set.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use anyhow::Result;
use rand::Rng;

use crate::sampling::AliasTable;
use crate::sampling::{between, chance, exponential, index, pareto, poisson, unit};
use crate::scenario::{Plan, RingKind, Round, HOTSPOT_SECONDS};
use crate::text::{
    campaign_article, chinese_sentence, english_sentence, link_blurb, recase, reply_body, slogan,
    tco, url_variant, Vocab,
};
use crate::timefmt::{diurnal_weight, IdAllocator};
use crate::tweet::{Body, Content, Tweet};
use crate::writer::{Mark, PostWriter};

#[path = "engine_rich.rs"]
mod rich;

/// Length of one slice, seconds.
const SLICE: i64 = 3600;
/// Recent originals kept as targets for ring retweets and replies.
const POOL: usize = 4096;
/// Longest organic retweet or reply delay, seconds.
const MAX_DELAY: i64 = 48 * 3600;
/// Most engagements one original can draw.
const MAX_POPULARITY: f64 = 2000.0;

/// Streams every post of a plan into the writer.
pub(crate) struct Engine<'a, R: Rng> {
    rng: R,
    plan: &'a Plan,
    vocab: Vocab,
    ids: IdAllocator,
    /// Posts scheduled for later slices, by slice index.
    pending: BTreeMap<i64, Vec<Rc<Tweet>>>,
    /// Recent organic originals with their popularity.
    pool: VecDeque<(Rc<Tweet>, f64)>,
    /// Truth of planted posts (realistic scenarios); a tweet's `mark` is 1 + an index here.
    marks: Vec<Mark>,
    /// Index of each distinct mark.
    mark_ids: BTreeMap<(u16, String, Option<usize>), u32>,
    /// `h20`: Nvidia's latest post and whether a reply swarm has targeted it.
    nvidia_last: Option<(Rc<Tweet>, bool)>,
    /// `h20`: posts Nvidia has made.
    nvidia_posts: usize,
    /// Zipf ranks of Chinese links and Weibo topics (realistic scenarios).
    zh_ranks: Option<(AliasTable, AliasTable)>,
}

/// Appends a hashtag to a post: Weibo `#topic#` for Chinese, `#tag` otherwise.
fn push_tag(c: &mut Content, tag: &str, weibo: bool) {
    if c.tags.iter().any(|t| t == tag) {
        return;
    }
    if weibo {
        c.text.push('#');
        c.text.push_str(tag);
        c.text.push('#');
    } else {
        c.text.push_str(" #");
        c.text.push_str(tag);
    }
    c.tags.push(tag.to_string());
}

/// Appends a link (as its t.co short form) to a post.
fn push_url(c: &mut Content, url: String) {
    c.text.push(' ');
    c.text.push_str(&tco(&url));
    c.urls.push(url);
}

impl<'a, R: Rng> Engine<'a, R> {
    /// Prepares a run.
    pub(crate) fn new(rng: R, plan: &'a Plan, vocab: Vocab) -> Self {
        Self {
            rng,
            plan,
            vocab,
            ids: IdAllocator::default(),
            pending: BTreeMap::new(),
            pool: VecDeque::with_capacity(POOL),
            marks: Vec::new(),
            mark_ids: BTreeMap::new(),
            nvidia_last: None,
            nvidia_posts: 0,
            zh_ranks: plan.rich.as_ref().map(|_| {
                (
                    crate::sampling::zipf_table(rich::ZH_URL_SLOTS, 1.0),
                    crate::sampling::zipf_table(crate::content::WB_TOPICS.len(), 1.0),
                )
            }),
        }
    }

    fn slice_of(&self, ts: i64) -> i64 {
        (ts - self.plan.start).div_euclid(SLICE)
    }

    /// Gives `ts` an id and files the post under its slice (dropped if past the end).
    fn schedule(&mut self, ts: i64, user: u32, zh: bool, body: Body) -> Option<Rc<Tweet>> {
        self.schedule_marked(ts, user, zh, body, 0)
    }

    /// [`Engine::schedule`] for a planted post carrying `mark`.
    fn schedule_marked(
        &mut self,
        ts: i64,
        user: u32,
        zh: bool,
        body: Body,
        mark: u32,
    ) -> Option<Rc<Tweet>> {
        if ts >= self.plan.end {
            return None;
        }
        let (ts, id) = self.ids.alloc(ts);
        let tweet = Rc::new(Tweet {
            id,
            ts,
            user,
            zh,
            body,
            mark,
        });
        let slice = self.slice_of(ts);
        self.pending
            .entry(slice)
            .or_default()
            .push(Rc::clone(&tweet));
        Some(tweet)
    }

    /// Runs all slices and writes them.
    pub(crate) fn run(&mut self, out: &mut PostWriter) -> Result<()> {
        let plan = self.plan;
        let n_slices = (plan.end - plan.start + SLICE - 1) / SLICE;
        let per_slice = self.originals_per_slice(n_slices);
        let mut next_round = 0usize;
        let mut next_event = 0usize;
        let mut batch: Vec<Rc<Tweet>> = Vec::new();
        for (s, &n_orig) in per_slice.iter().enumerate() {
            let s = s as i64;
            let s0 = plan.start + s * SLICE;
            let s1 = (s0 + SLICE).min(plan.end);
            self.ids.forget_before(s0);

            let mut fresh: Vec<(Rc<Tweet>, f64)> = Vec::with_capacity(n_orig as usize);
            for _ in 0..n_orig {
                let ts = between(&mut self.rng, s0, s1 - 1);
                if let Some(entry) = self.organic_original(ts) {
                    fresh.push(entry);
                }
            }
            while let Some(round) = plan.rounds.get(next_round) {
                if round.ts >= s1 {
                    break;
                }
                next_round += 1;
                self.play_round(round);
            }
            if let Some(h) = &plan.hotspot {
                if h.ts >= s0 && h.ts < s1 {
                    self.hotspot();
                }
            }
            if let Some(rich) = &plan.rich {
                while let Some(ev) = rich.events.get(next_event) {
                    if ev.ts >= s1 {
                        break;
                    }
                    next_event += 1;
                    self.play_event(ev);
                }
            }

            batch.clear();
            if let Some(v) = self.pending.remove(&s) {
                batch.extend(v);
            }
            batch.sort_unstable_by_key(|t| t.id);
            for t in &batch {
                out.write(t, &plan.accounts, &self.marks)?;
            }
            fresh.sort_by_key(|(t, _)| t.id);
            for entry in fresh {
                if self.pool.len() >= POOL {
                    self.pool.pop_front();
                }
                self.pool.push_back(entry);
            }
        }
        Ok(())
    }

    /// Organic originals per slice, following the diurnal curve and summing exactly to the
    /// planned total.
    fn originals_per_slice(&mut self, n_slices: i64) -> Vec<u64> {
        let plan = self.plan;
        let weights: Vec<f64> = (0..n_slices)
            .map(|s| {
                let s0 = plan.start + s * SLICE;
                let s1 = (s0 + SLICE).min(plan.end);
                let frac = (s1 - s0) as f64 / SLICE as f64;
                let mid = (s0 + s1) / 2;
                let day = plan
                    .accounts
                    .diurnal(mid)
                    .unwrap_or_else(|| diurnal_weight(mid));
                day * frac * (0.9 + 0.2 * unit(&mut self.rng))
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let mut out = Vec::with_capacity(weights.len());
        let mut carry = 0.0;
        let mut assigned = 0u64;
        for w in &weights {
            carry += plan.organic.originals as f64 * w / total.max(f64::MIN_POSITIVE);
            let n = carry.floor().max(0.0);
            carry -= n;
            out.push(n as u64);
            assigned += n as u64;
        }
        if assigned < plan.organic.originals {
            if let Some(last) = out.last_mut() {
                *last += plan.organic.originals - assigned;
            }
        }
        out
    }

    /// Whether `user`'s next post is Chinese: mostly in their own language, rarely not.
    fn writes_chinese(&mut self, user: u32) -> bool {
        if self.plan.accounts.zh(user) {
            chance(&mut self.rng, 0.9)
        } else {
            chance(&mut self.rng, 0.01)
        }
    }

    /// An ordinary post of one sentence: from `zh_sentence` if `zh`, else English.
    fn sentence_post(&mut self, zh: bool, zh_sentence: fn(&mut R) -> String) -> Content {
        Content {
            text: if zh {
                zh_sentence(&mut self.rng)
            } else {
                english_sentence(&mut self.rng)
            },
            ..Content::default()
        }
    }

    /// How many hashtags an ordinary post gets: none mostly, sometimes one, rarely two.
    fn tag_count(&mut self) -> usize {
        if !chance(&mut self.rng, 0.25) {
            0
        } else if chance(&mut self.rng, 0.2) {
            2
        } else {
            1
        }
    }

    /// Content of an organic original by `user`.
    fn organic_content(&mut self, user: u32, ts: i64) -> (Content, bool) {
        let zh = self.writes_chinese(user);
        let mut c = self.sentence_post(zh, chinese_sentence);
        for _ in 0..self.tag_count() {
            let tag = self.vocab.tag(&mut self.rng).to_string();
            push_tag(&mut c, &tag, false);
        }
        if chance(&mut self.rng, 0.30) {
            let n = if chance(&mut self.rng, 0.08) { 2 } else { 1 };
            for _ in 0..n {
                let url = self.vocab.url(&mut self.rng, ts).to_string();
                push_url(&mut c, url);
            }
        }
        (c, zh)
    }

    /// Creates an organic original at `ts` and schedules its organic retweets and replies.
    fn organic_original(&mut self, ts: i64) -> Option<(Rc<Tweet>, f64)> {
        let user = self.plan.accounts.sample_active_at(&mut self.rng, ts);
        let (content, zh) = self.background_content(user, ts);
        let tweet = self.schedule(ts, user, zh, Body::Original(content))?;
        let popularity = pareto(&mut self.rng, 0.5, 2.0).min(MAX_POPULARITY);
        self.engage(&tweet, popularity);
        Some((tweet, popularity))
    }

    /// Delay of an organic retweet or reply: minutes to hours, exponential-ish.
    fn organic_delay(&mut self, ts: i64) -> Option<i64> {
        let roll = unit(&mut self.rng);
        let d = if roll < 0.6 {
            30.0 + exponential(&mut self.rng, 600.0)
        } else if roll < 0.9 {
            60.0 + exponential(&mut self.rng, 5400.0)
        } else {
            120.0 + exponential(&mut self.rng, 21_600.0)
        };
        let d = (d as i64).clamp(1, MAX_DELAY);
        let last = self.plan.end - 1;
        if ts + d <= last {
            Some(ts + d)
        } else if last > ts {
            // Near the end of the collection: squeeze into what is left rather than lose it.
            Some(between(&mut self.rng, ts + 1, last))
        } else {
            None
        }
    }

    /// Schedules organic retweets and replies of an original.
    fn engage(&mut self, orig: &Rc<Tweet>, popularity: f64) {
        let n_rt = poisson(
            &mut self.rng,
            self.plan.organic.retweets_per_original * popularity,
        );
        for _ in 0..n_rt {
            if let Some((ts, user)) = self.engager(orig) {
                self.schedule(ts, user, orig.zh, Body::Retweet(Rc::clone(orig)));
            }
        }
        let n_reply = poisson(
            &mut self.rng,
            self.plan.organic.replies_per_original * popularity,
        );
        for _ in 0..n_reply {
            if let Some((ts, user)) = self.engager(orig) {
                self.reply(ts, user, orig, None);
            }
        }
    }

    /// When and by whom one organic retweet or reply of `orig` is made (someone other than
    /// its author, active then); `None` if it would fall after the collection.
    fn engager(&mut self, orig: &Tweet) -> Option<(i64, u32)> {
        let ts = self.organic_delay(orig.ts)?;
        let user = self
            .plan
            .accounts
            .sample_active_except_at(&mut self.rng, orig.user, ts);
        Some((ts, user))
    }

    /// Schedules a reply by `user` to `target` at `ts`; `body` overrides the text.
    fn reply(&mut self, ts: i64, user: u32, target: &Tweet, body: Option<String>) {
        let zh = self.plan.accounts.zh(user);
        self.reply_marked(ts, user, target, body, zh, 0);
    }

    /// [`Engine::reply`] in language `zh`, for a planted post carrying `mark`.
    fn reply_marked(
        &mut self,
        ts: i64,
        user: u32,
        target: &Tweet,
        body: Option<String>,
        zh: bool,
        mark: u32,
    ) {
        let body = body.unwrap_or_else(|| reply_body(&mut self.rng, zh));
        let mut text = String::with_capacity(body.len() + 20);
        text.push('@');
        text.push_str(self.plan.accounts.screen_name(target.user));
        text.push(' ');
        text.push_str(&body);
        let content = Content {
            text,
            mentions: vec![target.user],
            ..Content::default()
        };
        self.schedule_marked(
            ts,
            user,
            zh,
            Body::Reply {
                to_id: target.id,
                to_user: target.user,
                content,
            },
            mark,
        );
    }

    /// A recent organic original, biased towards popular ones.
    fn pool_target(&mut self) -> Option<Rc<Tweet>> {
        let n = self.pool.len();
        if n == 0 {
            return None;
        }
        let mut best: Option<&(Rc<Tweet>, f64)> = None;
        for _ in 0..3 {
            // Prefer the most recent half of the pool.
            let i = n - 1 - index(&mut self.rng, n.div_ceil(2));
            let cand = self.pool.get(i);
            if let Some(c) = cand {
                if best.is_none_or(|b| c.1 > b.1) {
                    best = Some(c);
                }
            }
        }
        best.map(|(t, _)| Rc::clone(t))
    }

    /// A member's delay after the trigger.
    fn member_delay(&mut self, kind: RingKind, min: i64) -> i64 {
        between(&mut self.rng, min, kind.max_delay())
    }

    /// Plays one ring round.
    fn play_round(&mut self, round: &Round) {
        let plan = self.plan;
        let Some(ring) = plan.rings.get(round.ring) else {
            return;
        };
        let t0 = round.ts;
        match ring.kind {
            RingKind::Repost => {
                let mut members = round.participants.iter().copied();
                let target = if round.leader_post {
                    members.next().and_then(|leader| {
                        let (mut content, zh) = self.organic_content(leader, t0);
                        if !zh && chance(&mut self.rng, 0.5) {
                            content.text = slogan(&mut self.rng);
                        }
                        self.schedule(t0, leader, zh, Body::Original(content))
                    })
                } else {
                    self.pool_target()
                };
                let target = match target {
                    Some(t) => t,
                    None => {
                        // Nothing to amplify yet: the first member posts something.
                        let Some(leader) = members.next() else {
                            return;
                        };
                        let (content, zh) = self.organic_content(leader, t0);
                        let Some(t) = self.schedule(t0, leader, zh, Body::Original(content)) else {
                            return;
                        };
                        t
                    }
                };
                for m in members {
                    let ts = t0 + self.member_delay(ring.kind, 1);
                    self.schedule(ts, m, target.zh, Body::Retweet(Rc::clone(&target)));
                }
            }
            RingKind::Text => {
                let base = slogan(&mut self.rng);
                for &m in &round.participants {
                    let ts = t0 + self.member_delay(ring.kind, 0);
                    let mut content = Content::default();
                    let roll = index(&mut self.rng, 10);
                    if roll < 2 {
                        let other = plan.accounts.sample_active(&mut self.rng);
                        content.text = format!("{base} @{}", plan.accounts.screen_name(other));
                        content.mentions.push(other);
                    } else if roll < 4 {
                        content.text = recase(&mut self.rng, &base);
                    } else {
                        content.text = base.clone();
                    }
                    self.schedule(ts, m, false, Body::Original(content));
                }
            }
            RingKind::Link => {
                let (host, path) = campaign_article(&mut self.rng, &ring.domain);
                for &m in &round.participants {
                    let ts = t0 + self.member_delay(ring.kind, 0);
                    let url = url_variant(&mut self.rng, &host, &path);
                    let mut text = link_blurb(&mut self.rng);
                    text.push(' ');
                    text.push_str(&tco(&url));
                    let content = Content {
                        text,
                        urls: vec![url],
                        ..Content::default()
                    };
                    self.schedule(ts, m, false, Body::Original(content));
                }
            }
            RingKind::Reply => {
                let target = match self.pool_target() {
                    Some(t) => t,
                    None => {
                        let author = plan.accounts.sample_active(&mut self.rng);
                        let (content, zh) = self.organic_content(author, t0);
                        match self.schedule(t0, author, zh, Body::Original(content)) {
                            Some(t) => t,
                            None => return,
                        }
                    }
                };
                for &m in &round.participants {
                    let ts = t0 + self.member_delay(ring.kind, 1);
                    let body = if chance(&mut self.rng, 0.5) {
                        slogan(&mut self.rng)
                    } else {
                        reply_body(&mut self.rng, false)
                    };
                    self.reply(ts, m, &target, Some(body));
                }
            }
            RingKind::Hashtag => {
                let k = between(&mut self.rng, 2, 3) as usize;
                let mut set: Vec<String> = Vec::with_capacity(k);
                let mut guard = 0;
                while set.len() < k.min(ring.tags.len()) && guard < 50 {
                    guard += 1;
                    let tag = &ring.tags[index(&mut self.rng, ring.tags.len())];
                    if !set.contains(tag) {
                        set.push(tag.clone());
                    }
                }
                for &m in &round.participants {
                    let ts = t0 + self.member_delay(ring.kind, 0);
                    let mut text = if chance(&mut self.rng, 0.5) {
                        slogan(&mut self.rng)
                    } else {
                        english_sentence(&mut self.rng)
                    };
                    let mut tags = set.clone();
                    if chance(&mut self.rng, 0.3) {
                        tags.reverse();
                    }
                    for tag in &tags {
                        text.push_str(" #");
                        text.push_str(tag);
                    }
                    let content = Content {
                        text,
                        tags,
                        ..Content::default()
                    };
                    self.schedule(ts, m, false, Body::Original(content));
                }
            }
        }
    }

    /// Plays the hotspot burst: the hot tweet and all its retweets.
    fn hotspot(&mut self) {
        let Some(h) = &self.plan.hotspot else {
            return;
        };
        let (mut content, zh) = self.organic_content(h.author, h.ts);
        if content.urls.is_empty() {
            let url = self.vocab.url(&mut self.rng, h.ts).to_string();
            content.text.push(' ');
            content.text.push_str(&tco(&url));
            content.urls.push(url);
        }
        let Some(hot) = self.schedule(h.ts, h.author, zh, Body::Original(content)) else {
            return;
        };
        for &(user, times) in &h.retweeters {
            for _ in 0..times {
                // Front-loaded: most retweets come early in the hour.
                let offset =
                    1 + ((HOTSPOT_SECONDS - 2) as f64 * unit(&mut self.rng).powf(1.6)) as i64;
                self.schedule(h.ts + offset, user, zh, Body::Retweet(Rc::clone(&hot)));
            }
        }
    }
}
