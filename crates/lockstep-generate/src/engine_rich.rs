//! The engine's part for the realistic scenarios: Weibo-style background, campaign rounds of
//! every kind, fan groups, viral cascades, news bursts and the `h20` episode's posts.

use std::rc::Rc;

use rand::Rng;

use super::{push_tag, push_url, Engine, MAX_POPULARITY};
use crate::content::{
    celebrity_post, cosmetic, news_headline, news_share, weibo_sentence, zh_url, GENERIC_ZH_SWARM,
    GENERIC_ZH_TOPICS, SWARM_REPLIES_EN, WB_TOPICS,
};
use crate::h20::{self, Reference};
use crate::knobs::{CampaignKind, Lang};
use crate::sampling::{between, chance, exponential, index, pareto, unit};
use crate::scenario::{Campaign, Event, EventKind};
use crate::text::{campaign_article, english_sentence, link_blurb, slogan, url_variant};
use crate::tweet::{Body, Content, Tweet};
use crate::writer::Mark;

/// Ranked slots of Chinese links.
pub(super) const ZH_URL_SLOTS: usize = 1500;

/// Prepends a Weibo topic to a post.
fn prepend_topic(c: &mut Content, tag: &str) {
    if c.tags.iter().any(|t| t == tag) {
        return;
    }
    c.text = format!("#{tag}#{}", c.text);
    c.tags.insert(0, tag.to_string());
}

impl<R: Rng> Engine<'_, R> {
    /// The mark of a planted post by campaign `label` from `template`, echoing reference
    /// `echo`.
    fn mark(&mut self, label: u16, template: &str, echo: Option<usize>) -> u32 {
        let key = (label, template.to_string(), echo);
        if let Some(&id) = self.mark_ids.get(&key) {
            return id;
        }
        self.marks.push(Mark {
            label,
            template: template.to_string(),
            echo,
        });
        let id = self.marks.len() as u32;
        self.mark_ids.insert(key, id);
        id
    }

    /// Content of an ordinary post: classic for `basic`/`hotspot`, otherwise Weibo-style
    /// Chinese or English, with Zipf-popular topics and links, and in `h20` sometimes about
    /// the episode.
    pub(super) fn background_content(&mut self, user: u32, ts: i64) -> (Content, bool) {
        if self.plan.rich.is_none() {
            return self.organic_content(user, ts);
        }
        let zh = self.writes_chinese(user);
        if let Some(ep) = self.plan.rich.as_ref().and_then(|r| r.episode.as_ref()) {
            let share = ep.timeline.topic_share(ts) * if zh { 1.0 } else { 0.6 };
            if share > 0.0 && chance(&mut self.rng, share) {
                return (self.discussion(ts, zh), zh);
            }
        }
        let mut c = self.sentence_post(zh, weibo_sentence);
        for _ in 0..self.tag_count() {
            if zh {
                let k = match &self.zh_ranks {
                    Some((_, topics)) => topics.sample(&mut self.rng),
                    None => 0,
                };
                let tag = WB_TOPICS.get(k).copied().unwrap_or("今日热点");
                push_tag(&mut c, tag, true);
            } else {
                let tag = self.vocab.tag(&mut self.rng).to_string();
                push_tag(&mut c, &tag, false);
            }
        }
        if chance(&mut self.rng, 0.30) {
            let url = if zh {
                let slot = match &self.zh_ranks {
                    Some((urls, _)) => urls.sample(&mut self.rng),
                    None => 0,
                };
                zh_url(self.vocab.seed(), slot)
            } else {
                self.vocab.url(&mut self.rng, ts).to_string()
            };
            push_url(&mut c, url);
        }
        (c, zh)
    }

    /// An ordinary user's post about the `h20` episode: opinions either way, sometimes a
    /// reference link, sometimes a sentence copied from a reference (organic echo).
    fn discussion(&mut self, ts: i64, zh: bool) -> Content {
        let plan = self.plan;
        let refs: Vec<&Reference> = plan
            .rich
            .as_ref()
            .and_then(|r| r.episode.as_ref())
            .map(|e| e.references.iter().filter(|r| r.published <= ts).collect())
            .unwrap_or_default();
        let (mut text, topic) = h20::discussion(&mut self.rng, zh);
        let same_lang: Vec<&&Reference> = refs.iter().filter(|r| r.zh == zh).collect();
        if !same_lang.is_empty() && chance(&mut self.rng, 0.05) {
            let r = same_lang[index(&mut self.rng, same_lang.len())];
            let s = r.sentences[index(&mut self.rng, r.sentences.len())];
            text = if zh {
                format!(
                    "{s}{}",
                    if chance(&mut self.rng, 0.5) {
                        "[思考]"
                    } else {
                        ""
                    }
                )
            } else {
                format!("\"{s}\"")
            };
        }
        let mut c = Content {
            text,
            ..Content::default()
        };
        if let Some(t) = topic {
            push_tag(&mut c, t, zh);
        }
        if !refs.is_empty() && chance(&mut self.rng, 0.15) {
            let r = refs[index(&mut self.rng, refs.len())];
            let url = if chance(&mut self.rng, 0.6) {
                r.url.clone()
            } else {
                h20::url_variant(&mut self.rng, r)
            };
            push_url(&mut c, url);
        }
        c
    }

    /// Delay of a member within a round's timing spread, skewed to the early end.
    fn spread(&mut self, (lo, hi): (u32, u32)) -> i64 {
        let (lo, hi) = (i64::from(lo), i64::from(hi.max(lo)));
        lo + ((hi - lo) as f64 * unit(&mut self.rng).powf(1.3)).round() as i64
    }

    /// Plays one event.
    pub(super) fn play_event(&mut self, ev: &Event) {
        let t0 = ev.ts;
        match &ev.kind {
            EventKind::Round {
                campaign,
                participants,
            } => self.campaign_round(t0, *campaign, participants),
            EventKind::FanPost { group } => self.fan_post(t0, *group),
            EventKind::Cascade { idx } => self.cascade(t0, *idx),
            EventKind::NewsBurst { idx } => self.news_burst(t0, *idx),
            EventKind::Notice => self.notice(t0),
            EventKind::Article { reference } => self.article(t0, *reference),
            EventKind::Statement => {
                self.nvidia_post(t0);
            }
            EventKind::OutletPost { outlet } => self.outlet_post(t0, *outlet),
        }
    }

    // -----------------------------------------------------------------------------------
    // Hard negatives
    // -----------------------------------------------------------------------------------

    /// A celebrity posts; its fans retweet within seconds to minutes; the public engages.
    fn fan_post(&mut self, t0: i64, group: usize) {
        let plan = self.plan;
        let Some(g) = plan.rich.as_ref().and_then(|r| r.fans.get(group)) else {
            return;
        };
        let zh = plan.accounts.zh(g.celebrity);
        let mut c = Content {
            text: celebrity_post(&mut self.rng, zh),
            ..Content::default()
        };
        if chance(&mut self.rng, 0.2) {
            let url = self.vocab.url(&mut self.rng, t0).to_string();
            push_url(&mut c, url);
        }
        let Some(post) = self.schedule(t0, g.celebrity, zh, Body::Original(c)) else {
            return;
        };
        // A celebrity's post draws a wide public, not just the fans.
        let popularity = pareto(&mut self.rng, 50.0, 2.0).min(MAX_POPULARITY);
        self.engage(&post, popularity);
        let (lo, hi) = self.fan_delay_range();
        for &(fan, p) in &g.fans {
            if chance(&mut self.rng, p) {
                let d = lo + ((hi - lo) as f64 * unit(&mut self.rng).powf(2.5)).round() as i64;
                self.schedule(t0 + d.max(1), fan, zh, Body::Retweet(Rc::clone(&post)));
            }
        }
    }

    /// The fans' delay range, seconds.
    fn fan_delay_range(&self) -> (i64, i64) {
        let (lo, hi) = self
            .plan
            .rich
            .as_ref()
            .map_or((2, 300), |r| r.fan_delay_secs);
        (i64::from(lo), i64::from(hi.max(lo)))
    }

    /// A viral cascade: one post, retweeted by hundreds of distinct accounts within an hour.
    fn cascade(&mut self, t0: i64, idx: usize) {
        let plan = self.plan;
        let Some(cas) = plan.rich.as_ref().and_then(|r| r.cascades.get(idx)) else {
            return;
        };
        let (mut c, zh) = self.background_content(cas.author, t0);
        if c.urls.is_empty() && chance(&mut self.rng, 0.6) {
            let url = self.vocab.url(&mut self.rng, t0).to_string();
            push_url(&mut c, url);
        }
        let Some(post) = self.schedule(t0, cas.author, zh, Body::Original(c)) else {
            return;
        };
        for &u in &cas.participants {
            let offset = 1 + (3598.0 * unit(&mut self.rng).powf(1.6)) as i64;
            self.schedule(t0 + offset, u, zh, Body::Retweet(Rc::clone(&post)));
        }
        let replies = pareto(&mut self.rng, 3.0, 2.0).min(50.0);
        self.engage(&post, replies);
    }

    /// A news burst: every member posts the news link once, within minutes.
    fn news_burst(&mut self, t0: i64, idx: usize) {
        let plan = self.plan;
        let Some(b) = plan.rich.as_ref().and_then(|r| r.bursts.get(idx)) else {
            return;
        };
        for &m in &b.members {
            let d = (5.0 + exponential(&mut self.rng, 150.0)).min(900.0) as i64;
            let text = news_share(&mut self.rng, &b.headline, b.zh);
            let url = match index(&mut self.rng, 20) {
                0 | 1 => format!("{}?utm_source=twitter", b.url),
                2 => format!("{}?from=timeline", b.url),
                _ => b.url.clone(),
            };
            let mut c = Content {
                text,
                ..Content::default()
            };
            push_url(&mut c, url);
            self.schedule(t0 + d, m, b.zh, Body::Original(c));
        }
    }

    // -----------------------------------------------------------------------------------
    // Campaigns
    // -----------------------------------------------------------------------------------

    /// Plays one round of a campaign.
    fn campaign_round(&mut self, t0: i64, ci: usize, participants: &[u32]) {
        let plan = self.plan;
        let Some(rich) = plan.rich.as_ref() else {
            return;
        };
        let Some(camp) = rich.campaigns.get(ci) else {
            return;
        };
        let h20 = rich.episode.is_some();
        match (camp.knobs.kind, h20) {
            (CampaignKind::RepostRing | CampaignKind::SlowRing, false) => {
                self.generic_repost(t0, camp, participants)
            }
            (CampaignKind::RepostRing | CampaignKind::SlowRing, true) => {
                self.h20_repost(t0, camp, participants)
            }
            (CampaignKind::CopyPaste, _) => self.copypaste(t0, camp, participants, h20),
            (CampaignKind::LinkRing, false) => self.generic_link(t0, camp, participants),
            (CampaignKind::LinkRing, true) => self.h20_link(t0, camp, participants),
            (CampaignKind::HashtagPush, false) => self.generic_hashtag(t0, camp, participants),
            (CampaignKind::HashtagPush, true) => self.h20_hashtag(t0, camp, participants),
            (CampaignKind::ReplySwarm, _) => self.swarm(t0, camp, participants, h20),
        }
    }

    /// Generic repost (and slow) ring: a leader's fresh post or a popular recent post,
    /// retweeted by the others within the spread.
    fn generic_repost(&mut self, t0: i64, camp: &Campaign, participants: &[u32]) {
        let mark = self.mark(camp.label, "", None);
        let mut members = participants.iter().copied();
        let target = if chance(&mut self.rng, 0.5) {
            None
        } else {
            self.pool_target()
        };
        let target = match target {
            Some(t) => t,
            None => {
                let Some(leader) = members.next() else {
                    return;
                };
                let (mut c, zh) = self.background_content(leader, t0);
                if !zh && chance(&mut self.rng, 0.5) {
                    c = Content {
                        text: slogan(&mut self.rng),
                        ..Content::default()
                    };
                }
                let Some(t) = self.schedule_marked(t0, leader, zh, Body::Original(c), mark) else {
                    return;
                };
                t
            }
        };
        for m in members {
            let ts = t0 + self.spread(camp.knobs.spread_secs).max(1);
            self.schedule_marked(ts, m, target.zh, Body::Retweet(Rc::clone(&target)), mark);
        }
    }

    /// References published by `ts`.
    fn published(&self, ts: i64) -> Vec<usize> {
        self.plan
            .rich
            .as_ref()
            .and_then(|r| r.episode.as_ref())
            .map(|e| {
                e.references
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.published <= ts)
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `h20` repost ring: an outlet posts (mostly promoting a reference), the ring retweets
    /// it within the spread; the public engages too.
    fn h20_repost(&mut self, t0: i64, camp: &Campaign, participants: &[u32]) {
        let plan = self.plan;
        let Some(ep) = plan.rich.as_ref().and_then(|r| r.episode.as_ref()) else {
            return;
        };
        if ep.outlets.is_empty() {
            return;
        }
        // Chinese outlets most of the time, the English edition now and then.
        let k = if chance(&mut self.rng, 0.1) {
            ep.outlets.len() - 1
        } else {
            index(&mut self.rng, ep.outlets.len().saturating_sub(1).max(1))
        };
        let outlet = ep.outlets[k];
        let outlet_zh = h20::OUTLETS.get(k).is_none_or(|o| o.zh);
        let published = self.published(t0);
        let own: Vec<usize> = published
            .iter()
            .copied()
            .filter(|&i| ep.references[i].outlet == k)
            .collect();
        let same_lang: Vec<usize> = published
            .iter()
            .copied()
            .filter(|&i| ep.references[i].zh == outlet_zh)
            .collect();
        let pick_from = if !own.is_empty() { own } else { same_lang };
        let (c, echo) = if !pick_from.is_empty() && chance(&mut self.rng, 0.7) {
            let ri = pick_from[index(&mut self.rng, pick_from.len())];
            let r = &ep.references[ri];
            let mut c = Content {
                text: h20::promo_text(&mut self.rng, r),
                ..Content::default()
            };
            let url = r.url.clone();
            push_url(&mut c, url);
            (c, Some(ri))
        } else {
            let (text, echo) =
                h20::flash_text(&mut self.rng, &ep.references, &published, outlet_zh);
            let mut c = Content {
                text,
                ..Content::default()
            };
            if c.text.contains("#英伟达H20芯片#") {
                c.tags.push("英伟达H20芯片".into());
            }
            (c, echo)
        };
        let Some(post) = self.schedule(t0, outlet, outlet_zh, Body::Original(c)) else {
            return;
        };
        let popularity = pareto(&mut self.rng, 5.0, 1.5).min(400.0);
        self.engage(&post, popularity);
        let mark = self.mark(camp.label, "", echo);
        for &m in participants {
            let ts = t0 + self.spread(camp.knobs.spread_secs).max(1);
            self.schedule_marked(ts, m, outlet_zh, Body::Retweet(Rc::clone(&post)), mark);
        }
    }

    /// Copy-paste ring: one template per round, each member's copy cosmetically edited.
    fn copypaste(&mut self, t0: i64, camp: &Campaign, participants: &[u32], h20: bool) {
        let zh_camp = camp.knobs.lang == Lang::Chinese;
        let (template_id, base, echo, zh) = if h20 {
            let published = self.published(t0);
            let avail: Vec<&h20::H20Template> = h20::COPYPASTE
                .iter()
                .filter(|t| t.echo.is_none_or(|e| published.contains(&e)))
                .collect();
            let en: Vec<&&h20::H20Template> = avail.iter().filter(|t| !t.zh).collect();
            let zhs: Vec<&&h20::H20Template> = avail.iter().filter(|t| t.zh).collect();
            let t = if !en.is_empty() && (zhs.is_empty() || chance(&mut self.rng, 0.1)) {
                en[index(&mut self.rng, en.len())]
            } else if !zhs.is_empty() {
                zhs[index(&mut self.rng, zhs.len())]
            } else {
                return;
            };
            (t.id.to_string(), t.text.to_string(), t.echo, t.zh)
        } else {
            if camp.templates.is_empty() {
                return;
            }
            let k = index(&mut self.rng, camp.templates.len());
            (
                format!("{}:t{}", camp.knobs.name, k + 1),
                camp.templates[k].clone(),
                None,
                zh_camp,
            )
        };
        let mark = self.mark(camp.label, &template_id, echo);
        let tags: Vec<&str> = if h20 {
            if zh {
                h20::ZH_TOPICS.to_vec()
            } else {
                h20::EN_TAGS.to_vec()
            }
        } else if zh {
            GENERIC_ZH_TOPICS.to_vec()
        } else {
            camp.tags.iter().map(String::as_str).collect()
        };
        for &m in participants {
            let ts = t0 + self.spread(camp.knobs.spread_secs);
            let mut c = Content {
                text: cosmetic(&mut self.rng, &base, zh),
                ..Content::default()
            };
            if chance(&mut self.rng, 0.12) {
                let other = self.mention_target(ts);
                c.text.push_str(" @");
                c.text.push_str(self.plan.accounts.screen_name(other));
                c.mentions.push(other);
            }
            if !tags.is_empty() && chance(&mut self.rng, 0.15) {
                let tag = tags[index(&mut self.rng, tags.len())];
                push_tag(&mut c, tag, zh);
            }
            self.schedule_marked(ts, m, zh, Body::Original(c), mark);
        }
    }

    /// Whom a copy-paste member mentions: in `h20` mostly an outlet, else anyone active.
    fn mention_target(&mut self, ts: i64) -> u32 {
        if let Some(ep) = self.plan.rich.as_ref().and_then(|r| r.episode.as_ref()) {
            if !ep.outlets.is_empty() && chance(&mut self.rng, 0.6) {
                return ep.outlets[index(&mut self.rng, ep.outlets.len())];
            }
        }
        self.plan.accounts.sample_active_at(&mut self.rng, ts)
    }

    /// Generic link ring: a fresh article on the campaign's site, posted by every member in
    /// a different spelling.
    fn generic_link(&mut self, t0: i64, camp: &Campaign, participants: &[u32]) {
        let mark = self.mark(camp.label, "", None);
        let (host, path) = campaign_article(&mut self.rng, &camp.domain);
        let zh = camp.knobs.lang == Lang::Chinese;
        for &m in participants {
            let ts = t0 + self.spread(camp.knobs.spread_secs);
            let url = url_variant(&mut self.rng, &host, &path);
            let mut c = Content {
                text: if zh {
                    cosmetic(&mut self.rng, "大家看看这篇：", true)
                } else {
                    link_blurb(&mut self.rng)
                },
                ..Content::default()
            };
            push_url(&mut c, url);
            self.schedule_marked(ts, m, zh, Body::Original(c), mark);
        }
    }

    /// `h20` link ring: a published reference (usually the latest), pushed in varied
    /// spellings with template lead-ins.
    fn h20_link(&mut self, t0: i64, camp: &Campaign, participants: &[u32]) {
        let plan = self.plan;
        let Some(ep) = plan.rich.as_ref().and_then(|r| r.episode.as_ref()) else {
            return;
        };
        let published = self.published(t0);
        let Some(&latest) = published.last() else {
            return;
        };
        let ri = if chance(&mut self.rng, 0.5) {
            latest
        } else {
            published[index(&mut self.rng, published.len())]
        };
        let r = &ep.references[ri];
        let blurbs: Vec<&h20::H20Template> =
            h20::LINK_BLURBS.iter().filter(|b| b.zh == r.zh).collect();
        for &m in participants {
            let ts = t0 + self.spread(camp.knobs.spread_secs);
            let b = blurbs
                .get(index(&mut self.rng, blurbs.len()))
                .copied()
                .unwrap_or(&h20::LINK_BLURBS[0]);
            let mark = self.mark(camp.label, b.id, Some(ri));
            let text = if r.zh {
                if chance(&mut self.rng, 0.6) {
                    format!("{}【{}】", b.text, r.title)
                } else {
                    b.text.to_string()
                }
            } else {
                format!("{} {}", b.text, r.title)
            };
            let mut c = Content {
                text: cosmetic(&mut self.rng, &text, r.zh),
                ..Content::default()
            };
            let url = h20::url_variant(&mut self.rng, r);
            push_url(&mut c, url);
            self.schedule_marked(ts, m, r.zh, Body::Original(c), mark);
        }
    }

    /// Generic hashtag push: a set of two or three of the campaign's tags per round, on
    /// varied text.
    fn generic_hashtag(&mut self, t0: i64, camp: &Campaign, participants: &[u32]) {
        let zh = camp.knobs.lang == Lang::Chinese;
        let set = self.tag_set(&camp.tags.iter().map(String::as_str).collect::<Vec<_>>());
        let mut sorted = set.clone();
        sorted.sort();
        let mark = self.mark(
            camp.label,
            &format!("{}:{}", camp.knobs.name, sorted.join("+")),
            None,
        );
        for &m in participants {
            let ts = t0 + self.spread(camp.knobs.spread_secs);
            let mut c = Content {
                text: if zh {
                    weibo_sentence(&mut self.rng)
                } else if chance(&mut self.rng, 0.5) {
                    slogan(&mut self.rng)
                } else {
                    english_sentence(&mut self.rng)
                },
                ..Content::default()
            };
            let mut tags = set.clone();
            if chance(&mut self.rng, 0.3) {
                tags.reverse();
            }
            for t in &tags {
                push_tag(&mut c, t, zh);
            }
            self.schedule_marked(ts, m, zh, Body::Original(c), mark);
        }
    }

    /// Two or three distinct tags of `pool`.
    fn tag_set(&mut self, pool: &[&str]) -> Vec<String> {
        let k = (between(&mut self.rng, 2, 3) as usize).min(pool.len());
        let mut set: Vec<String> = Vec::with_capacity(k);
        let mut guard = 0;
        while set.len() < k && guard < 50 {
            guard += 1;
            let t = pool[index(&mut self.rng, pool.len())];
            if !set.iter().any(|s| s == t) {
                set.push(t.to_string());
            }
        }
        set
    }

    /// `h20` hashtag push: Weibo topics (mostly with #英伟达后门#) on template texts, now
    /// and then in English with English hashtags.
    fn h20_hashtag(&mut self, t0: i64, camp: &Campaign, participants: &[u32]) {
        let mut set = self.tag_set(&h20::ZH_TOPICS);
        if chance(&mut self.rng, 0.6) && !set.iter().any(|t| t == "英伟达后门") {
            set[0] = "英伟达后门".to_string();
        }
        let en_set = self.tag_set(&h20::EN_TAGS);
        let zh_texts: Vec<&h20::H20Template> = h20::TAG_TEXTS.iter().filter(|t| t.zh).collect();
        let en_texts: Vec<&h20::H20Template> = h20::TAG_TEXTS.iter().filter(|t| !t.zh).collect();
        for &m in participants {
            let ts = t0 + self.spread(camp.knobs.spread_secs);
            let english = !en_texts.is_empty() && chance(&mut self.rng, 0.12);
            let pool = if english { &en_texts } else { &zh_texts };
            let Some(t) = pool.get(index(&mut self.rng, pool.len())).copied() else {
                continue;
            };
            let mark = self.mark(camp.label, t.id, t.echo);
            let text = if chance(&mut self.rng, 0.2) {
                cosmetic(&mut self.rng, t.text, !english)
            } else {
                t.text.to_string()
            };
            let mut c = Content {
                text,
                ..Content::default()
            };
            if english {
                for tag in &en_set {
                    push_tag(&mut c, tag, false);
                }
            } else {
                let mut tags = set.clone();
                if chance(&mut self.rng, 0.3) {
                    tags.reverse();
                }
                if chance(&mut self.rng, 0.5) {
                    for tag in tags.iter().rev() {
                        prepend_topic(&mut c, tag);
                    }
                } else {
                    for tag in &tags {
                        push_tag(&mut c, tag, true);
                    }
                }
            }
            self.schedule_marked(ts, m, !english, Body::Original(c), mark);
        }
    }

    /// Reply swarm: many members reply to one post of the target within a minute or two.
    /// Generic: the target (a journalist) posts; `h20`: Nvidia's latest unswarmed post or a
    /// fresh one.
    fn swarm(&mut self, t0: i64, camp: &Campaign, participants: &[u32], h20: bool) {
        let target: Rc<Tweet> = if h20 {
            let recent = match &mut self.nvidia_last {
                Some((t, swarmed)) if !*swarmed && t0 - t.ts < 6 * 3600 => {
                    *swarmed = true;
                    Some(Rc::clone(t))
                }
                _ => None,
            };
            match recent {
                Some(t) => t,
                None => match self.nvidia_post(t0) {
                    Some(t) => {
                        if let Some((_, swarmed)) = &mut self.nvidia_last {
                            *swarmed = true;
                        }
                        t
                    }
                    None => return,
                },
            }
        } else {
            let Some(author) = camp.target else {
                return;
            };
            let (c, zh) = self.background_content(author, t0);
            let Some(t) = self.schedule(t0, author, zh, Body::Original(c)) else {
                return;
            };
            let popularity = pareto(&mut self.rng, 2.0, 2.0).min(100.0);
            self.engage(&t, popularity);
            t
        };
        let zh_camp = camp.knobs.lang == Lang::Chinese;
        for &m in participants {
            let ts = t0.max(target.ts) + self.spread(camp.knobs.spread_secs).max(1);
            let (id, text, echo, zh) = if h20 {
                let english = chance(&mut self.rng, 0.1);
                let pool: Vec<&h20::H20Template> =
                    h20::REPLIES.iter().filter(|t| t.zh != english).collect();
                let Some(t) = pool.get(index(&mut self.rng, pool.len())).copied() else {
                    continue;
                };
                (t.id.to_string(), t.text.to_string(), t.echo, t.zh)
            } else {
                let list = if zh_camp {
                    &GENERIC_ZH_SWARM
                } else {
                    &SWARM_REPLIES_EN
                };
                let k = index(&mut self.rng, list.len());
                (
                    format!("{}:r{}", camp.knobs.name, k + 1),
                    list[k].to_string(),
                    None,
                    zh_camp,
                )
            };
            let mark = self.mark(camp.label, &id, echo);
            let body = cosmetic(&mut self.rng, &text, zh);
            self.reply_marked(ts, m, &target, Some(body), zh, mark);
        }
    }

    // -----------------------------------------------------------------------------------
    // The h20 episode's own accounts
    // -----------------------------------------------------------------------------------

    /// The regulator posts the summons.
    fn notice(&mut self, t0: i64) {
        let Some(ep) = self.plan.rich.as_ref().and_then(|r| r.episode.as_ref()) else {
            return;
        };
        let c = Content {
            text: h20::REGULATOR_NOTICE.to_string(),
            ..Content::default()
        };
        if let Some(t) = self.schedule(t0, ep.regulator, true, Body::Original(c)) {
            let popularity = pareto(&mut self.rng, 60.0, 2.0).min(MAX_POPULARITY);
            self.engage(&t, popularity);
        }
    }

    /// An outlet posts one of its reference articles.
    fn article(&mut self, t0: i64, reference: usize) {
        let Some(ep) = self.plan.rich.as_ref().and_then(|r| r.episode.as_ref()) else {
            return;
        };
        let Some(r) = ep.references.get(reference) else {
            return;
        };
        let Some(&outlet) = ep.outlets.get(r.outlet) else {
            return;
        };
        let mut c = Content {
            text: h20::promo_text(&mut self.rng, r),
            ..Content::default()
        };
        push_url(&mut c, r.url.clone());
        if let Some(t) = self.schedule(t0, outlet, r.zh, Body::Original(c)) {
            let popularity = pareto(&mut self.rng, 20.0, 1.5).min(MAX_POPULARITY);
            self.engage(&t, popularity);
        }
    }

    /// Nvidia posts (its statement first, then follow-ups); the post is remembered as the
    /// swarm's next target.
    fn nvidia_post(&mut self, t0: i64) -> Option<Rc<Tweet>> {
        let ep = self.plan.rich.as_ref().and_then(|r| r.episode.as_ref())?;
        let (text, zh) = h20::nvidia_post(self.nvidia_posts);
        self.nvidia_posts += 1;
        let c = Content {
            text: text.to_string(),
            ..Content::default()
        };
        let t = self.schedule(t0, ep.nvidia, zh, Body::Original(c))?;
        let popularity = pareto(&mut self.rng, 30.0, 2.0).min(MAX_POPULARITY);
        self.engage(&t, popularity);
        self.nvidia_last = Some((Rc::clone(&t), false));
        Some(t)
    }

    /// An outlet's everyday post: news of the day, or after the summons often a short item
    /// on the episode.
    fn outlet_post(&mut self, t0: i64, k: usize) {
        let plan = self.plan;
        let Some(ep) = plan.rich.as_ref().and_then(|r| r.episode.as_ref()) else {
            return;
        };
        let Some(&outlet) = ep.outlets.get(k) else {
            return;
        };
        let zh = h20::OUTLETS.get(k).is_none_or(|o| o.zh);
        let published = self.published(t0);
        let mut c = Content::default();
        if t0 >= ep.timeline.summons && chance(&mut self.rng, 0.5) {
            c.text = h20::flash_text(&mut self.rng, &ep.references, &published, zh).0;
            if c.text.contains("#英伟达H20芯片#") {
                c.tags.push("英伟达H20芯片".into());
            }
        } else {
            c.text = news_headline(&mut self.rng, zh);
            if chance(&mut self.rng, 0.6) {
                let host = h20::OUTLETS.get(k).map_or("www.huaxiadaily.cn", |o| o.host);
                let (y, m, d, ..) = crate::timefmt::utc_fields(t0);
                let url = format!(
                    "https://{host}/{y}-{m:02}/{d:02}/content_{}.htm",
                    between(&mut self.rng, 30_000_000, 31_999_999)
                );
                push_url(&mut c, url);
            }
        }
        if let Some(t) = self.schedule(t0, outlet, zh, Body::Original(c)) {
            let popularity = pareto(&mut self.rng, 3.0, 1.5).min(300.0);
            self.engage(&t, popularity);
        }
    }
}
