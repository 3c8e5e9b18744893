//! Scenarios and the up-front plan of a run: data size, time span, accounts, planted rings
//! and their rounds, and the optional retweet hotspot.

use rand::seq::SliceRandom;
use rand::Rng;

use crate::accounts::{is_campaign_label, Accounts, ORGANIC};
use crate::h20::{Reference, Timeline};
use crate::knobs::CampaignKnobs;
use crate::sampling::{between, chance, index, unit};
use crate::text::{campaign_domain, campaign_tags};
use crate::timefmt::COLLECTION_START;

/// Names of the scenarios [`crate::generate`] knows.
pub const SCENARIOS: &[&str] = &["basic", "hotspot", "organic", "mixed", "h20", "weibo"];

/// Posts per unit of scale.
pub const POSTS_PER_SCALE: f64 = 100_000.0;
/// Average posting density over the whole collection, posts per second.
pub const POSTS_PER_SECOND: f64 = 0.5;
/// Organic accounts per post.
pub const ACCOUNTS_PER_POST: f64 = 1.0 / 20.0;

/// Retweets of the hotspot tweet.
pub const HOTSPOT_RETWEETS: u32 = 200_000;
/// Distinct accounts retweeting the hotspot tweet.
pub const HOTSPOT_ACCOUNTS: u32 = 50_000;
/// Length of the hotspot burst, seconds.
pub const HOTSPOT_SECONDS: i64 = 3600;

/// A scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    /// Organic background plus planted rings of every kind.
    Basic,
    /// `Basic` plus one tweet retweeted 200,000 times in an hour by 50,000 accounts.
    Hotspot,
    /// Realistic background with hard negatives and no campaign.
    Organic,
    /// Realistic background, hard negatives and campaigns of every kind.
    Mixed,
    /// Chinese/English background, hard negatives and the H20 episode.
    H20,
    /// The Weibo world (weibo-search CSV and CHECKED JSON; see [`crate::weibo`]).
    Weibo,
}

impl Scenario {
    /// Parses a scenario name.
    pub(crate) fn parse(name: &str) -> Option<Self> {
        match name {
            "basic" => Some(Self::Basic),
            "hotspot" => Some(Self::Hotspot),
            "organic" => Some(Self::Organic),
            "mixed" => Some(Self::Mixed),
            "h20" => Some(Self::H20),
            "weibo" => Some(Self::Weibo),
            _ => None,
        }
    }
}

/// Kind of coordinated behaviour a ring performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RingKind {
    /// Retweet the same post within seconds.
    Repost,
    /// Post the same text within seconds.
    Text,
    /// Post the same link (in different spellings) within a minute.
    Link,
    /// Reply to the same post within a minute.
    Reply,
    /// Post the same set of hashtags within a minute.
    Hashtag,
}

impl RingKind {
    /// All kinds, in the order rings are dealt out.
    pub(crate) const ALL: [RingKind; 5] = [
        RingKind::Repost,
        RingKind::Text,
        RingKind::Link,
        RingKind::Reply,
        RingKind::Hashtag,
    ];

    /// Label stem, e.g. `repost_ring`.
    pub(crate) fn stem(self) -> &'static str {
        match self {
            RingKind::Repost => "repost_ring",
            RingKind::Text => "text_ring",
            RingKind::Link => "link_ring",
            RingKind::Reply => "reply_ring",
            RingKind::Hashtag => "hashtag_ring",
        }
    }

    /// Largest delay of a member after the round's trigger, seconds.
    pub(crate) fn max_delay(self) -> i64 {
        match self {
            RingKind::Repost => 30,
            RingKind::Text => 40,
            _ => 60,
        }
    }
}

/// One planted ring.
#[derive(Debug)]
pub(crate) struct Ring {
    /// Behaviour.
    pub kind: RingKind,
    /// Members (dense account indices), ascending.
    pub members: Vec<u32>,
    /// Host of the ring's campaign site (link rings).
    pub domain: String,
    /// Hashtags the ring draws its per-round sets from (hashtag rings).
    pub tags: Vec<String>,
}

/// One round of a ring: at `ts`, `participants` act together.
#[derive(Debug)]
pub(crate) struct Round {
    /// Trigger time, Unix seconds.
    pub ts: i64,
    /// Index into [`Plan::rings`].
    pub ring: usize,
    /// Acting members; for a repost round with `leader_post`, the first one posts the target.
    pub participants: Vec<u32>,
    /// Repost rounds: the first participant posts the tweet the others retweet.
    pub leader_post: bool,
}

/// The retweet burst of the `hotspot` scenario.
#[derive(Debug)]
pub(crate) struct Hotspot {
    /// Time of the hot tweet; retweets follow within [`HOTSPOT_SECONDS`].
    pub ts: i64,
    /// Author of the hot tweet.
    pub author: u32,
    /// Retweeting accounts and how many times each retweets.
    pub retweeters: Vec<(u32, u16)>,
}

/// Everything decided before streaming starts.
#[derive(Debug)]
pub(crate) struct Plan {
    /// First second of the collection.
    pub start: i64,
    /// One past the last second of the collection.
    pub end: i64,
    /// Organic volume and engagement rates.
    pub organic: OrganicVolume,
    /// Accounts and labels.
    pub accounts: Accounts,
    /// Planted rings.
    pub rings: Vec<Ring>,
    /// Rounds of all rings, by time.
    pub rounds: Vec<Round>,
    /// Hotspot burst, if any.
    pub hotspot: Option<Hotspot>,
    /// Everything the realistic scenarios add (`None` for `basic` and `hotspot`).
    pub rich: Option<Rich>,
}

/// One planted campaign of a realistic scenario.
#[derive(Debug)]
pub(crate) struct Campaign {
    /// Its knobs.
    pub knobs: CampaignKnobs,
    /// Label index of its accounts.
    pub label: u16,
    /// Host of the campaign site (generic link rings).
    pub domain: String,
    /// Hashtags the rounds draw their sets from (generic hashtag pushes).
    pub tags: Vec<String>,
    /// Message templates (generic copy-paste rings).
    pub templates: Vec<String>,
    /// Account whose posts a generic reply swarm targets.
    pub target: Option<u32>,
}

/// A group of fans who retweet one celebrity quickly, every time.
#[derive(Debug)]
pub(crate) struct FanGroup {
    /// The celebrity.
    pub celebrity: u32,
    /// Fans and the chance that each retweets a given post.
    pub fans: Vec<(u32, f64)>,
}

/// A viral cascade: one post retweeted by many distinct accounts within an hour.
#[derive(Debug)]
pub(crate) struct Cascade {
    /// Author of the post.
    pub author: u32,
    /// Retweeting accounts.
    pub participants: Vec<u32>,
}

/// A breaking-news burst: many accounts post the same link within minutes, once.
#[derive(Debug)]
pub(crate) struct NewsBurst {
    /// Posting accounts.
    pub members: Vec<u32>,
    /// Headline.
    pub headline: String,
    /// The news link.
    pub url: String,
    /// Chinese headline.
    pub zh: bool,
}

/// The accounts and articles of the `h20` episode.
#[derive(Debug)]
pub(crate) struct Episode {
    /// When things happen.
    pub timeline: Timeline,
    /// Reference articles.
    pub references: Vec<Reference>,
    /// Outlet accounts, in the order of [`crate::h20::OUTLETS`].
    pub outlets: Vec<u32>,
    /// The regulator's account.
    pub regulator: u32,
    /// Nvidia's account.
    pub nvidia: u32,
}

/// A timed event of a realistic scenario.
#[derive(Debug)]
pub(crate) struct Event {
    /// When it starts (its earliest post), Unix seconds.
    pub ts: i64,
    /// What happens.
    pub kind: EventKind,
}

/// What happens at an [`Event`].
#[derive(Debug)]
pub(crate) enum EventKind {
    /// A campaign round.
    Round {
        /// Index into [`Rich::campaigns`].
        campaign: usize,
        /// Acting members, shuffled.
        participants: Vec<u32>,
    },
    /// A celebrity posts; the fans retweet.
    FanPost {
        /// Index into [`Rich::fans`].
        group: usize,
    },
    /// A viral cascade starts.
    Cascade {
        /// Index into [`Rich::cascades`].
        idx: usize,
    },
    /// A news burst starts.
    NewsBurst {
        /// Index into [`Rich::bursts`].
        idx: usize,
    },
    /// `h20`: the regulator posts the summons.
    Notice,
    /// `h20`: an outlet posts one of its reference articles.
    Article {
        /// Index into [`Episode::references`].
        reference: usize,
    },
    /// `h20`: Nvidia posts its statement.
    Statement,
    /// `h20`: an outlet posts one of its everyday items.
    OutletPost {
        /// Index into [`Episode::outlets`].
        outlet: usize,
    },
}

/// What the realistic scenarios add to a plan.
#[derive(Debug)]
pub(crate) struct Rich {
    /// Planted campaigns.
    pub campaigns: Vec<Campaign>,
    /// Fan groups.
    pub fans: Vec<FanGroup>,
    /// Viral cascades.
    pub cascades: Vec<Cascade>,
    /// News bursts.
    pub bursts: Vec<NewsBurst>,
    /// The `h20` episode.
    pub episode: Option<Episode>,
    /// All events, by time.
    pub events: Vec<Event>,
    /// Delay range of fan retweets, seconds.
    pub fan_delay_secs: (u32, u32),
}

/// Share of organic posts that are retweets.
pub(crate) const RETWEET_SHARE: f64 = 0.35;
/// Share of organic posts that are replies.
pub(crate) const REPLY_SHARE: f64 = 0.10;

/// The organic part of a run's volume, split into originals, retweets and replies.
#[derive(Debug)]
pub(crate) struct OrganicVolume {
    /// Organic posts of every kind.
    pub posts: f64,
    /// Organic original posts to spread over the time span.
    pub originals: u64,
    /// Mean organic retweets per original of average popularity.
    pub retweets_per_original: f64,
    /// Mean organic replies per original of average popularity.
    pub replies_per_original: f64,
}

impl OrganicVolume {
    /// What `planted` posts leave organic of `target` posts (at least half of them), so
    /// every scenario hits its target volume the same way.
    pub(crate) fn new(target: f64, planted: f64) -> Self {
        let posts = (target - planted).max(target / 2.0);
        let original_share = 1.0 - RETWEET_SHARE - REPLY_SHARE;
        Self {
            posts,
            originals: (posts * original_share).round().max(1.0) as u64,
            retweets_per_original: RETWEET_SHARE / original_share,
            replies_per_original: REPLY_SHARE / original_share,
        }
    }
}

/// Number of rings: five (one of each kind) up to scale 1, then growing with the square root
/// of the scale (16 at scale 10, 50 at scale 100).
pub(crate) fn ring_count(scale: f64) -> usize {
    ((5.0 * scale.sqrt()).round() as usize).max(5)
}

/// Typical rounds per ring: 10 at small scale, about 15 at scale 1, up to 40 at scale 100.
fn base_rounds(scale: f64) -> i64 {
    (15.0 + 5.0 * scale.log2()).round().clamp(10.0, 38.0) as i64
}

impl Plan {
    /// Plans a run.
    pub(crate) fn new<R: Rng + ?Sized>(rng: &mut R, scenario: Scenario, scale: f64) -> Self {
        let target_posts = (POSTS_PER_SCALE * scale).round().max(1.0);
        let span = ((target_posts / POSTS_PER_SECOND).round() as i64).max(3600);
        let start = COLLECTION_START;
        let mut end = start + span;

        // Accounts and their roles.
        let organic_accounts = ((target_posts * ACCOUNTS_PER_POST).round() as usize).max(50);
        let n_rings = ring_count(scale);
        let mut labels = vec!["organic".to_string()];
        let mut roles: Vec<u16> = vec![ORGANIC; organic_accounts];
        let mut ring_kinds = Vec::with_capacity(n_rings);
        let mut per_kind = [0usize; 5];
        for r in 0..n_rings {
            let k = r % 5;
            per_kind[k] += 1;
            let kind = RingKind::ALL[k];
            labels.push(format!("{}_{}", kind.stem(), per_kind[k]));
            let size = between(rng, 8, 25) as usize;
            roles.extend(std::iter::repeat_n((r + 1) as u16, size));
            ring_kinds.push(kind);
        }
        let hotspot_label = labels.len() as u16;
        let mut silent = Vec::new();
        if scenario == Scenario::Hotspot {
            labels.push("hotspot".to_string());
            roles.extend(std::iter::repeat_n(
                hotspot_label,
                HOTSPOT_ACCOUNTS as usize,
            ));
            silent.push(hotspot_label);
        }
        roles.shuffle(rng);
        let accounts = Accounts::build(rng, &roles, labels, &silent);

        // Rings and members.
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); n_rings];
        let mut hotspot_accounts: Vec<u32> = Vec::new();
        for (i, &role) in roles.iter().enumerate() {
            if role == ORGANIC {
                continue;
            }
            if scenario == Scenario::Hotspot && role == hotspot_label {
                hotspot_accounts.push(i as u32);
            } else if let Some(m) = members.get_mut(role as usize - 1) {
                m.push(i as u32);
            }
        }
        let rings: Vec<Ring> = ring_kinds
            .iter()
            .zip(members)
            .enumerate()
            .map(|(r, (&kind, members))| Ring {
                kind,
                members,
                domain: campaign_domain(r),
                tags: if kind == RingKind::Hashtag {
                    campaign_tags(rng, r)
                } else {
                    Vec::new()
                },
            })
            .collect();

        // Hotspot burst in the middle of the collection.
        let hotspot = if scenario == Scenario::Hotspot {
            let ts = (start + span / 2 - HOTSPOT_SECONDS / 2).max(start + 60);
            end = end.max(ts + HOTSPOT_SECONDS + 2);
            let author = accounts.sample_active(rng);
            Some(Hotspot {
                ts,
                author,
                retweeters: hotspot_counts(rng, &hotspot_accounts),
            })
        } else {
            None
        };

        // Rounds: stratified over the span so they spread across the whole collection.
        let lead = (span / 10).min(3600);
        let lo = start + lead;
        let hi = (start + span - 120).max(lo + 1);
        let base = base_rounds(scale);
        let mut rounds = Vec::new();
        for (r, ring) in rings.iter().enumerate() {
            if ring.members.len() < 2 {
                continue;
            }
            let n = (base + between(rng, -3, 3)).clamp(10, 40);
            let width = (hi - lo) as f64 / n as f64;
            let p_join = 0.6 + 0.35 * unit(rng);
            for j in 0..n {
                let ts = lo + (width * (j as f64 + unit(rng))) as i64;
                let mut participants: Vec<u32> = ring
                    .members
                    .iter()
                    .copied()
                    .filter(|_| chance(rng, p_join))
                    .collect();
                if participants.len() < 3 {
                    participants = ring.members.clone();
                }
                participants.shuffle(rng);
                rounds.push(Round {
                    ts: ts.min(hi),
                    ring: r,
                    participants,
                    leader_post: ring.kind == RingKind::Repost && chance(rng, 0.5),
                });
            }
        }
        rounds.sort_by_key(|r| (r.ts, r.ring));

        // Organic volume: what the rings do not already post.
        let campaign_posts: usize = rounds.iter().map(|r| r.participants.len()).sum();
        let organic = OrganicVolume::new(target_posts, campaign_posts as f64);

        Plan {
            start,
            end,
            organic,
            accounts,
            rings,
            rounds,
            hotspot,
            rich: None,
        }
    }

    /// Number of accounts whose label is a campaign (neither `organic` nor `organic:*`).
    pub(crate) fn campaign_accounts(&self) -> u64 {
        self.accounts
            .list
            .iter()
            .filter(|a| {
                self.accounts
                    .labels
                    .get(a.label as usize)
                    .is_some_and(|l| is_campaign_label(l))
            })
            .count() as u64
    }
}

/// Splits [`HOTSPOT_RETWEETS`] over the accounts: about four each (two to six), summing
/// exactly to the total when there are enough accounts.
fn hotspot_counts<R: Rng + ?Sized>(rng: &mut R, accounts: &[u32]) -> Vec<(u32, u16)> {
    if accounts.is_empty() {
        return Vec::new();
    }
    let n = accounts.len();
    let base = (HOTSPOT_RETWEETS as usize / n).max(1);
    let mut counts = vec![base as u16; n];
    let mut total = base * n;
    let mut i = 0;
    while total < HOTSPOT_RETWEETS as usize {
        counts[i % n] += 1;
        total += 1;
        i += 1;
    }
    // Move retweets between random pairs so counts vary (2..=6 around 4).
    for _ in 0..n {
        let a = index(rng, n);
        let b = index(rng, n);
        if a != b && counts[a] > 2 && counts[b] < 6 {
            counts[a] -= 1;
            counts[b] += 1;
        }
    }
    accounts.iter().copied().zip(counts).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_counts_grow_slowly() {
        assert_eq!(ring_count(0.05), 5);
        assert_eq!(ring_count(1.0), 5);
        assert_eq!(ring_count(10.0), 16);
        assert_eq!(ring_count(100.0), 50);
    }

    #[test]
    fn hotspot_counts_sum() {
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(3);
        let accts: Vec<u32> = (0..HOTSPOT_ACCOUNTS).collect();
        let c = hotspot_counts(&mut rng, &accts);
        let sum: u64 = c.iter().map(|&(_, k)| u64::from(k)).sum();
        assert_eq!(sum, u64::from(HOTSPOT_RETWEETS));
        assert!(c.iter().all(|&(_, k)| (2..=6).contains(&k)));
    }
}
