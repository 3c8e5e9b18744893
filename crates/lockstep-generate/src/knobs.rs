//! Knobs of the realistic scenarios (`organic`, `mixed`, `h20`): the planted campaigns and the
//! hard negatives of the organic background, with defaults per scenario and scale.

use anyhow::{bail, Result};

use crate::scenario::{ACCOUNTS_PER_POST, POSTS_PER_SCALE, POSTS_PER_SECOND};

/// Kind of planted campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignKind {
    /// Members retweet the same post within seconds (in `h20`: posts of the state-media
    /// seed accounts).
    RepostRing,
    /// Members post the same message template with cosmetic edits (punctuation, emoji, an
    /// appended `@mention` or hashtag, traditional instead of simplified characters, an
    /// occasional synonym).
    CopyPaste,
    /// Members post the same link in different spellings (scheme, host case, `www.`,
    /// tracking parameters) with varied lead-in text.
    LinkRing,
    /// Members post the same set of hashtags (Weibo `#topics#` in Chinese).
    HashtagPush,
    /// Few rounds of retweets spread over minutes, by members who mostly post organically.
    SlowRing,
    /// Many members reply to one target's post within a minute or two.
    ReplySwarm,
}

impl CampaignKind {
    /// Label stem used for default campaign names, e.g. `repost_ring`.
    pub fn stem(self) -> &'static str {
        match self {
            CampaignKind::RepostRing => "repost_ring",
            CampaignKind::CopyPaste => "copypaste_ring",
            CampaignKind::LinkRing => "link_ring",
            CampaignKind::HashtagPush => "hashtag_push",
            CampaignKind::SlowRing => "slow_ring",
            CampaignKind::ReplySwarm => "reply_swarm",
        }
    }
}

/// Language of a campaign's own text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    English,
    /// Chinese (simplified, with traditional variants as an evasion).
    Chinese,
}

/// One planted campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignKnobs {
    /// Truth label of its accounts, e.g. `repost_ring_1` or `h20_copypaste_1`; must not be
    /// `organic` nor start with `organic:`.
    pub name: String,
    /// Behaviour.
    pub kind: CampaignKind,
    /// Language of the campaign's text.
    pub lang: Lang,
    /// Accounts in the ring.
    pub size: usize,
    /// Rounds (coordinated bursts) over the collection.
    pub rounds: usize,
    /// Delay of a member after the round's trigger, seconds: `(min, max)`; the timing
    /// spread of one round.
    pub spread_secs: (u32, u32),
    /// Intensity: the share of members acting in a round (at least five act).
    pub join: f64,
    /// Dilution: organic-looking posts per campaign post written by the members.
    pub dilution: f64,
}

/// The hard negatives of the organic background: ordinary behaviour that looks coordinated.
#[derive(Debug, Clone, PartialEq)]
pub struct HardNegativeKnobs {
    /// Fan groups (label `organic:fan_group`), each retweeting one celebrity's posts.
    pub fan_groups: usize,
    /// Fans per group: `(min, max)`.
    pub fan_group_size: (usize, usize),
    /// Posts of each celebrity that the fans retweet.
    pub fan_posts: usize,
    /// Delay of a fan's retweet after the celebrity's post, seconds: `(min, max)`, skewed to
    /// the minimum.
    pub fan_delay_secs: (u32, u32),
    /// Viral cascades (label `organic:viral_cascade`): one post retweeted by hundreds of
    /// distinct accounts within an hour.
    pub viral_cascades: usize,
    /// Accounts per cascade: `(min, max)`; at most 20 % of the organic accounts.
    pub cascade_size: (usize, usize),
    /// News bursts (label `organic:news_burst`): accounts posting the same breaking-news link
    /// within minutes, once.
    pub news_bursts: usize,
    /// Accounts per news burst: `(min, max)`; at most 20 % of the organic accounts.
    pub news_burst_size: (usize, usize),
}

/// Everything tunable in the `organic`, `mixed` and `h20` scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioKnobs {
    /// Planted campaigns (none in `organic`).
    pub campaigns: Vec<CampaignKnobs>,
    /// Hard negatives of the organic background.
    pub hard_negatives: HardNegativeKnobs,
    /// Share of accounts that mostly post in Chinese.
    pub chinese_share: f64,
}

/// Length of the `h20` collection: four days, at every scale.
pub(crate) const H20_SPAN: i64 = 4 * 86_400;

/// Typical rounds per generic campaign: 10 at small scale, about 15 at scale 1, up to 38.
fn base_rounds(scale: f64) -> usize {
    (15.0 + 5.0 * scale.log2()).round().clamp(10.0, 38.0) as usize
}

/// Organic accounts of a run of this scale (as the planner computes them).
pub(crate) fn organic_accounts(scale: f64) -> usize {
    let target_posts = (POSTS_PER_SCALE * scale).round().max(1.0);
    ((target_posts * ACCOUNTS_PER_POST).round() as usize).max(50)
}

/// Collection length in seconds of a realistic scenario at this scale.
pub(crate) fn span_secs(h20: bool, scale: f64) -> i64 {
    if h20 {
        return H20_SPAN;
    }
    let target_posts = (POSTS_PER_SCALE * scale).round().max(1.0);
    ((target_posts / POSTS_PER_SECOND).round() as i64).max(3600)
}

fn clampf(x: f64, lo: f64, hi: f64) -> usize {
    x.clamp(lo, hi).round() as usize
}

impl HardNegativeKnobs {
    /// Defaults at a scale: at least two groups of each kind at every scale, more (growing
    /// with the square root of the scale) above scale 1.
    pub fn defaults(scale: f64, h20: bool) -> Self {
        let root = scale.max(0.0).sqrt();
        let organic = organic_accounts(scale) as f64;
        let span_h = span_secs(h20, scale) as f64 / 3600.0;
        HardNegativeKnobs {
            fan_groups: ((2.0 * root).round() as usize).max(2),
            fan_group_size: (20, 60),
            fan_posts: clampf(span_h / 3.0, 6.0, 40.0),
            fan_delay_secs: (2, 300),
            viral_cascades: ((3.0 * root).round() as usize).max(2),
            cascade_size: (
                clampf(organic * 0.02, 100.0, 400.0),
                clampf(organic * 0.06, 150.0, 800.0),
            ),
            news_bursts: ((2.0 * root).round() as usize).max(2),
            news_burst_size: (
                clampf(organic * 0.01, 25.0, 100.0),
                clampf(organic * 0.03, 40.0, 300.0),
            ),
        }
    }
}

impl ScenarioKnobs {
    /// The defaults of a realistic scenario (`organic`, `mixed` or `h20`) at a scale; `None`
    /// for other names (`basic` and `hotspot` have no knobs).
    pub fn defaults(scenario: &str, scale: f64) -> Option<Self> {
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        match scenario {
            "organic" => Some(ScenarioKnobs {
                campaigns: Vec::new(),
                hard_negatives: HardNegativeKnobs::defaults(scale, false),
                chinese_share: 0.1,
            }),
            "mixed" => Some(ScenarioKnobs {
                campaigns: mixed_campaigns(scale),
                hard_negatives: HardNegativeKnobs::defaults(scale, false),
                chinese_share: 0.1,
            }),
            "h20" => Some(ScenarioKnobs {
                campaigns: h20_campaigns(scale),
                hard_negatives: HardNegativeKnobs::defaults(scale, true),
                chinese_share: 0.75,
            }),
            _ => None,
        }
    }

    /// Checks that the knobs make sense.
    ///
    /// # Errors
    /// A campaign with an empty, `organic` or duplicate name, fewer than two accounts, no
    /// rounds, a spread whose minimum exceeds its maximum or is above one hour, a `join` outside
    /// `(0, 1]`, a negative or non-finite dilution; hard-negative ranges with `min > max`, fan
    /// groups under two accounts; a Chinese share outside `[0, 1]`.
    pub fn validate(&self) -> Result<()> {
        let mut names: Vec<&str> = Vec::new();
        for c in &self.campaigns {
            if c.name.is_empty()
                || c.name == "organic"
                || c.name.starts_with("organic:")
                || c.name.contains([',', '"', '\n', '\r'])
            {
                bail!("campaign name {:?} is not allowed", c.name);
            }
            if names.contains(&c.name.as_str()) {
                bail!("campaign name {:?} is used twice", c.name);
            }
            names.push(&c.name);
            if c.size < 2 {
                bail!("campaign {}: size must be at least 2", c.name);
            }
            if c.rounds == 0 {
                bail!("campaign {}: rounds must be at least 1", c.name);
            }
            if c.spread_secs.0 > c.spread_secs.1 || c.spread_secs.1 > 3600 {
                bail!(
                    "campaign {}: spread_secs must be (min, max) with min <= max <= 3600",
                    c.name
                );
            }
            if !(c.join > 0.0 && c.join <= 1.0) {
                bail!("campaign {}: join must be in (0, 1]", c.name);
            }
            if !(c.dilution.is_finite() && c.dilution >= 0.0) {
                bail!("campaign {}: dilution must be a finite number >= 0", c.name);
            }
        }
        let h = &self.hard_negatives;
        for (what, (lo, hi)) in [
            ("fan_group_size", h.fan_group_size),
            ("cascade_size", h.cascade_size),
            ("news_burst_size", h.news_burst_size),
        ] {
            if lo > hi {
                bail!("{what} must be (min, max) with min <= max");
            }
        }
        if h.fan_groups > 0 && h.fan_group_size.0 < 2 {
            bail!("fan groups need at least two fans");
        }
        if h.fan_delay_secs.0 > h.fan_delay_secs.1 {
            bail!("fan_delay_secs must be (min, max) with min <= max");
        }
        if !(0.0..=1.0).contains(&self.chinese_share) {
            bail!("chinese_share must be in [0, 1]");
        }
        Ok(())
    }
}

/// Ring size growing gently above scale 1 (x1.8 at scale 10, x3.2 at scale 100).
fn sized(base: usize, scale: f64) -> usize {
    (base as f64 * scale.max(1.0).powf(0.25)).round() as usize
}

/// The `mixed` campaigns: one set of seven (repost ring, English and Chinese copy-paste
/// rings, link ring, hashtag push, slow ring, reply swarm) up to scale 2, then more sets
/// (growing with the square root of the scale).
fn mixed_campaigns(scale: f64) -> Vec<CampaignKnobs> {
    let sets = (scale.sqrt().round() as usize).max(1);
    let r = base_rounds(scale);
    let mut out = Vec::new();
    let mut counters = [0usize; 6];
    let mut push = |kind: CampaignKind,
                    lang: Lang,
                    size: usize,
                    rounds: usize,
                    spread: (u32, u32),
                    join: f64,
                    dilution: f64| {
        let k = match kind {
            CampaignKind::RepostRing => 0,
            CampaignKind::CopyPaste => 1,
            CampaignKind::LinkRing => 2,
            CampaignKind::HashtagPush => 3,
            CampaignKind::SlowRing => 4,
            CampaignKind::ReplySwarm => 5,
        };
        counters[k] += 1;
        out.push(CampaignKnobs {
            name: format!("{}_{}", kind.stem(), counters[k]),
            kind,
            lang,
            size: sized(size, scale),
            rounds,
            spread_secs: spread,
            join,
            dilution,
        });
    };
    for _ in 0..sets {
        push(
            CampaignKind::RepostRing,
            Lang::English,
            14,
            r,
            (1, 30),
            0.75,
            1.0,
        );
        push(
            CampaignKind::CopyPaste,
            Lang::English,
            12,
            r,
            (0, 60),
            0.75,
            0.5,
        );
        push(
            CampaignKind::CopyPaste,
            Lang::Chinese,
            12,
            r.saturating_sub(2).max(8),
            (0, 90),
            0.75,
            0.5,
        );
        push(
            CampaignKind::LinkRing,
            Lang::English,
            12,
            r,
            (0, 60),
            0.75,
            1.0,
        );
        push(
            CampaignKind::HashtagPush,
            Lang::English,
            18,
            r.saturating_sub(3).max(8),
            (0, 120),
            0.7,
            1.0,
        );
        push(
            CampaignKind::SlowRing,
            Lang::English,
            12,
            8,
            (120, 600),
            0.8,
            8.0,
        );
        push(
            CampaignKind::ReplySwarm,
            Lang::English,
            30,
            10,
            (5, 120),
            0.8,
            0.5,
        );
    }
    out
}

/// The five coordinated groups of the `h20` wave.
fn h20_campaigns(scale: f64) -> Vec<CampaignKnobs> {
    let f = scale.sqrt().clamp(0.4, 3.0);
    let rounds = |base: f64| ((base * f).round() as usize).max(8);
    vec![
        CampaignKnobs {
            name: "h20_copypaste_1".into(),
            kind: CampaignKind::CopyPaste,
            lang: Lang::Chinese,
            size: sized(30, scale),
            rounds: rounds(60.0),
            spread_secs: (0, 180),
            join: 0.7,
            dilution: 0.3,
        },
        CampaignKnobs {
            name: "h20_repost_1".into(),
            kind: CampaignKind::RepostRing,
            lang: Lang::Chinese,
            size: sized(20, scale),
            rounds: rounds(40.0),
            spread_secs: (1, 60),
            join: 0.75,
            dilution: 1.0,
        },
        CampaignKnobs {
            name: "h20_link_1".into(),
            kind: CampaignKind::LinkRing,
            lang: Lang::Chinese,
            size: sized(15, scale),
            rounds: rounds(35.0),
            spread_secs: (0, 120),
            join: 0.75,
            dilution: 0.5,
        },
        CampaignKnobs {
            name: "h20_hashtag_1".into(),
            kind: CampaignKind::HashtagPush,
            lang: Lang::Chinese,
            size: sized(25, scale),
            rounds: rounds(40.0),
            spread_secs: (0, 300),
            join: 0.7,
            dilution: 1.0,
        },
        CampaignKnobs {
            name: "h20_reply_swarm_1".into(),
            kind: CampaignKind::ReplySwarm,
            lang: Lang::Chinese,
            size: sized(30, scale),
            rounds: rounds(12.0).min(30),
            spread_secs: (5, 120),
            join: 0.8,
            dilution: 0.5,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_have_findable_campaigns() {
        for scenario in ["organic", "mixed", "h20"] {
            for scale in [0.1, 0.2, 1.0, 10.0] {
                let k = ScenarioKnobs::defaults(scenario, scale).expect("known");
                k.validate().expect("valid defaults");
                assert!(k.hard_negatives.fan_groups >= 2);
                assert!(k.hard_negatives.viral_cascades >= 2);
                assert!(k.hard_negatives.news_bursts >= 2);
                for c in &k.campaigns {
                    assert!(c.size >= 8, "{} size {}", c.name, c.size);
                    assert!(c.rounds >= 8, "{} rounds {}", c.name, c.rounds);
                }
            }
        }
        assert!(ScenarioKnobs::defaults("organic", 1.0)
            .expect("organic")
            .campaigns
            .is_empty());
        assert!(
            ScenarioKnobs::defaults("mixed", 1.0)
                .expect("mixed")
                .campaigns
                .len()
                >= 6
        );
        assert!(ScenarioKnobs::defaults("basic", 1.0).is_none());
    }

    #[test]
    fn validate_rejects_nonsense() {
        let mut k = ScenarioKnobs::defaults("mixed", 1.0).expect("mixed");
        k.campaigns[0].name = "organic:x".into();
        assert!(k.validate().is_err());
        let mut k = ScenarioKnobs::defaults("mixed", 1.0).expect("mixed");
        k.campaigns[1].name = k.campaigns[0].name.clone();
        assert!(k.validate().is_err());
        let mut k = ScenarioKnobs::defaults("mixed", 1.0).expect("mixed");
        k.campaigns[0].join = 0.0;
        assert!(k.validate().is_err());
        let mut k = ScenarioKnobs::defaults("mixed", 1.0).expect("mixed");
        k.campaigns[0].spread_secs = (10, 5);
        assert!(k.validate().is_err());
    }
}
