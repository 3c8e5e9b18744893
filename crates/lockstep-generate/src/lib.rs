//! Deterministic synthetic social-media data with planted coordination and ground truth.
//!
//! [`generate`] writes into an output directory:
//!
//! * `posts.csv` — coordination-network-toolkit's CSV layout:
//!   `message_id,user_id,username,repost_id,reply_id,message,timestamp,urls`;
//! * `posts.jsonl` — the same posts as Twitter API v1.1 tweet objects, one per line
//!   (retweets nest the original under `retweeted_status`);
//! * `truth.csv` — `account_id,label`, one row per account. The label is `organic`, a
//!   hard-negative kind `organic:<kind>` (see below), or the planted campaign's name
//!   (`repost_ring_1`, `copypaste_ring_2`, `h20_copypaste_1`, …, and `hotspot`). A truth
//!   positive is any label that is neither `organic` nor starts with `organic:`.
//!
//! The realistic scenarios (`organic`, `mixed`, `h20`) also write:
//!
//! * `truth_posts.csv` — `post_id,template,campaign,echoes_reference`: one row per planted
//!   campaign post, in post order. `template` is the message template the post was built
//!   from (`h20_zh_03`, `copypaste_ring_1:t2`, `reply_swarm_1:r4`, a hashtag push's
//!   `name:TagA+TagB`; empty for retweets and generic link posts), `campaign` its truth
//!   label, `echoes_reference` the canonical URL (as in `references.jsonl`) of the reference
//!   article the post copies a sentence of, links to, or retweets a promotion of, else empty.
//!   Header only in `organic`.
//! * `truth_events.csv` — `event,time` (RFC 3339 UTC), in time order:
//!   `news_burst:N` and `viral_cascade:N` (start of each hard-negative burst),
//!   `campaign_start:NAME` (first post of each campaign); in `h20` also `regulator_summons`,
//!   `reference_published:N` (N = line of `references.jsonl`, from 1), `nvidia_statement`,
//!   `escalation_onset` (the first coordinated post of the wave: the real start) and
//!   `escalation_peak` (start of the hour with the most coordinated posts).
//!
//! `h20` also writes:
//!
//! * `references.jsonl` — the state-media-style reference articles, one JSON object a line
//!   with `url`, `title`, `text`, `source`, `published_at` (RFC 3339): four in Chinese, one
//!   in English. Campaign posts copy their sentences, link their URLs (in varied spellings)
//!   and retweet the outlets' promotions of them.
//! * `seed_accounts.csv` — `account_id,handle,label`: the fictional state-media outlets
//!   (label `state_media`) and the regulator (label `regulator`), as present in the data.
//!   In `truth.csv` they are `organic:state_media`: sources, not coordinated amplifiers.
//!
//! `scale = 1.0` is about 100,000 posts by about 5,000 ordinary accounts (plus campaign
//! accounts). `basic`, `hotspot`, `organic` and `mixed` cover about 2.3 days at 0.5 posts
//! per second, growing in time with the scale; `h20` always covers four days
//! (2025-08-01 to 2025-08-05 UTC), growing in density. Collections start at
//! 2025-08-01T00:00:00Z. Post ids are Twitter snowflakes whose time is the post's
//! timestamp. The same scenario, seed and scale always give byte-identical files.
//! Generation streams hour by hour, so memory stays bounded at any scale.
//!
//! Scenarios:
//!
//! * `basic` — organic background (originals with Zipf-popular URLs and hashtags, ~10 %
//!   Chinese; ~35 % retweets and ~10 % replies of popular recent posts; heavy-tailed account
//!   activity) plus planted rings of five kinds: repost, text, link, reply and hashtag rings
//!   of 8–25 accounts acting together within seconds over 10–40 rounds. No hard negatives
//!   (kept byte-identical to earlier versions).
//! * `hotspot` — `basic` plus one tweet retweeted 200,000 times within one hour by 50,000
//!   accounts (about four retweets each), labelled `hotspot`.
//! * `organic` — the realistic background and hard negatives, no campaign at all: every
//!   account is `organic` or `organic:*`. Accounts live in three time zones (the Americas,
//!   Europe, East Asia) and post by their local time of day; ~10 % write Chinese
//!   (Weibo-style, with `#topic#` hashtags and Chinese links).
//! * `mixed` — `organic` plus campaigns of every kind ([`CampaignKind`]): a repost ring, an
//!   English and a Chinese copy-paste ring, a link ring, a hashtag push, a slow ring
//!   (8 rounds spread over 2–10 minutes, members diluted with 8 organic posts per campaign
//!   post) and a reply swarm on a journalist's posts; one more set per unit of
//!   `sqrt(scale)` above scale 2.
//! * `h20` — a Weibo-style background (75 % Chinese, mostly UTC+8) with hard negatives and
//!   the H20 episode: a regulator's summons of Nvidia (a news burst follows within
//!   minutes), reference articles from fictional state-media outlets over the next day and
//!   a half, Nvidia's denial, and from four hours after the summons an escalating wave (its
//!   rounds and their participation grow about 20-fold over 44 hours, then fade) from five
//!   coordinated groups: `h20_copypaste_1` (Chinese templates, some copying article
//!   sentences, with punctuation, emoji, traditional characters, synonyms, appended
//!   `@mentions` and topics), `h20_repost_1` (retweets the outlets within seconds),
//!   `h20_link_1` (the article URLs in varied spellings), `h20_hashtag_1` (`#英伟达后门#`
//!   style topics and `#H20backdoor`) and `h20_reply_swarm_1` (on Nvidia's posts). Ordinary
//!   users discuss the episode too (for and against, sometimes linking or quoting the
//!   articles), so the narrative is not all coordinated.
//!
//! * `weibo` — a Weibo world in other files: `weibo-search.csv` (dataabc/weibo-search's
//!   21-column CSV) and `checked/` (CHECKED-style JSON cascades), with `truth.csv`,
//!   `truth_search.csv`, `truth_checked.csv`, `truth_posts.csv`, `truth_events.csv` and
//!   `seed_accounts.csv`; its own hard negatives (fan clubs, comment threads, state-media
//!   echo, generic commenters, news bursts, viral cascades) and campaigns (boost ring,
//!   copy-paste group, hashtag push, reply swarm). Files, id spaces and what every structure
//!   leaves in the data: the `weibo` module (`src/weibo/mod.rs`). Up to scale
//!   [`WEIBO_MAX_SCALE`]; no knobs.
//!
//! Hard negatives (realistic scenarios; an account in several groups keeps the first label
//! in this order):
//!
//! * `organic:fan_group` — groups of 20–60 fans who retweet one celebrity's every post within
//!   seconds to a few minutes (70–95 % of the time each), while the public engages for hours;
//! * `organic:viral_cascade` — accounts in viral cascades: one post retweeted by hundreds of
//!   distinct accounts within an hour;
//! * `organic:news_burst` — accounts that posted the same breaking-news link within minutes
//!   of a news event, once.
//!
//! Everything in the realistic scenarios is tunable through [`ScenarioKnobs`] and
//! [`generate_with`]; [`generate`] uses [`ScenarioKnobs::defaults`].

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[macro_use]
mod words;
mod accounts;
mod content;
mod engine;
mod h20;
mod knobs;
mod rich;
mod sampling;
mod scenario;
mod text;
mod timefmt;
mod tweet;
mod weibo;
mod writer;

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use accounts::FIRST_USER_ID;
pub use knobs::{CampaignKind, CampaignKnobs, HardNegativeKnobs, Lang, ScenarioKnobs};
pub use scenario::{
    ACCOUNTS_PER_POST, HOTSPOT_ACCOUNTS, HOTSPOT_RETWEETS, POSTS_PER_SCALE, POSTS_PER_SECOND,
};
pub use timefmt::{snowflake, snowflake_time_ms, COLLECTION_START, TWITTER_EPOCH_MS};
pub use weibo::{
    weibo_bid, weibo_mid_of_bid, CHECKED_DIR, TRUTH_CHECKED_CSV, TRUTH_SEARCH_CSV, WEIBO_KEYWORDS,
    WEIBO_MAX_SCALE, WEIBO_SEARCH_CSV, WEIBO_SEARCH_HEADER,
};
pub use writer::{CSV_HEADER, TRUTH_POSTS_HEADER};

/// File name of the toolkit CSV inside the output directory.
pub const POSTS_CSV: &str = "posts.csv";
/// File name of the Twitter v1.1 JSON-lines file inside the output directory.
pub const POSTS_JSONL: &str = "posts.jsonl";
/// File name of the ground-truth labels inside the output directory.
pub const TRUTH_CSV: &str = "truth.csv";
/// File name of the planted-post truth (realistic scenarios).
pub const TRUTH_POSTS_CSV: &str = "truth_posts.csv";
/// File name of the event timeline (realistic scenarios).
pub const TRUTH_EVENTS_CSV: &str = "truth_events.csv";
/// File name of the reference articles (`h20`).
pub const REFERENCES_JSONL: &str = "references.jsonl";
/// File name of the seed (state) accounts (`h20`).
pub const SEED_ACCOUNTS_CSV: &str = "seed_accounts.csv";

/// Largest accepted scale (10 billion posts).
pub const MAX_SCALE: f64 = 100_000.0;

/// What to generate and where.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOptions {
    /// Scenario name, one of [`scenario_names`].
    pub scenario: String,
    /// Seed of the random generator; the same seed gives the same files.
    pub seed: u64,
    /// Data size: `1.0` is about 100,000 posts; posts and accounts grow linearly.
    pub scale: f64,
    /// Directory to write into (created if missing; existing output files are replaced).
    pub out_dir: PathBuf,
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSummary {
    /// Posts written (rows of `posts.csv`, lines of `posts.jsonl`).
    pub posts: u64,
    /// Accounts (rows of `truth.csv`).
    pub accounts: u64,
    /// Accounts whose label is a campaign (neither `organic` nor `organic:*`).
    pub campaign_accounts: u64,
    /// The files written: `posts.csv`, `posts.jsonl`, `truth.csv`, then the realistic
    /// scenarios' extra files.
    pub files: Vec<PathBuf>,
}

/// Names of the known scenarios.
pub fn scenario_names() -> &'static [&'static str] {
    scenario::SCENARIOS
}

/// Derives an independent random stream for one part of the run.
fn stream(seed: u64, which: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(which);
    rng
}

/// Generates a data set as described in the crate documentation, with the scenario's
/// default knobs.
///
/// # Errors
/// An unknown scenario, a scale that is not a positive finite number up to [`MAX_SCALE`],
/// or any I/O error creating the directory or writing the files.
pub fn generate(opts: &GenerateOptions) -> Result<GenerateSummary> {
    run(opts, None)
}

/// Generates a realistic scenario (`organic`, `mixed` or `h20`) with explicit knobs: ring
/// sizes, rounds, timing spread, intensity and dilution of each campaign, and the hard
/// negatives. The scenario still decides the background and the theme (generic or H20).
///
/// # Errors
/// As [`generate`], plus a scenario without knobs (`basic`, `hotspot`) or knobs that fail
/// [`ScenarioKnobs::validate`].
pub fn generate_with(opts: &GenerateOptions, knobs: &ScenarioKnobs) -> Result<GenerateSummary> {
    run(opts, Some(knobs))
}

fn run(opts: &GenerateOptions, knobs: Option<&ScenarioKnobs>) -> Result<GenerateSummary> {
    let Some(kind) = scenario::Scenario::parse(&opts.scenario) else {
        bail!(
            "unknown scenario {:?}; known scenarios: {}",
            opts.scenario,
            scenario_names().join(", ")
        );
    };
    if !opts.scale.is_finite() || opts.scale <= 0.0 || opts.scale > MAX_SCALE {
        bail!(
            "scale must be a number in (0, {MAX_SCALE}], got {}",
            opts.scale
        );
    }
    if kind == scenario::Scenario::Weibo {
        if knobs.is_some() {
            bail!("scenario \"weibo\" has no knobs; knobs apply to organic, mixed and h20");
        }
        let w = weibo::generate(opts.seed, opts.scale, &opts.out_dir)?;
        return Ok(GenerateSummary {
            posts: w.posts,
            accounts: w.accounts,
            campaign_accounts: w.campaign_accounts,
            files: w.files,
        });
    }
    let realistic = matches!(
        kind,
        scenario::Scenario::Organic | scenario::Scenario::Mixed | scenario::Scenario::H20
    );
    if knobs.is_some() && !realistic {
        bail!(
            "scenario {:?} has no knobs; knobs apply to organic, mixed and h20",
            opts.scenario
        );
    }
    let knobs = match knobs {
        Some(k) => Some(k.clone()),
        None => ScenarioKnobs::defaults(&opts.scenario, opts.scale),
    };
    if let Some(k) = &knobs {
        k.validate()?;
    }
    std::fs::create_dir_all(&opts.out_dir)
        .with_context(|| format!("creating {}", opts.out_dir.display()))?;

    let plan = match (&knobs, realistic) {
        (Some(k), true) => rich::plan(&mut stream(opts.seed, 1), kind, opts.scale, k),
        _ => scenario::Plan::new(&mut stream(opts.seed, 1), kind, opts.scale),
    };
    let vocab = text::Vocab::new(&mut stream(opts.seed, 2), opts.seed, opts.scale, plan.start);

    let csv_path = opts.out_dir.join(POSTS_CSV);
    let json_path = opts.out_dir.join(POSTS_JSONL);
    let truth_path = opts.out_dir.join(TRUTH_CSV);
    let mut files = vec![csv_path.clone(), json_path.clone(), truth_path.clone()];

    let episode = plan.rich.as_ref().and_then(|r| r.episode.as_ref());
    let mut out = writer::PostWriter::create(&csv_path, &json_path)?;
    if plan.rich.is_some() {
        let refs: Vec<String> = episode
            .map(|e| e.references.iter().map(|r| r.url.clone()).collect())
            .unwrap_or_default();
        let path = opts.out_dir.join(TRUTH_POSTS_CSV);
        out = out.with_truth_posts(&path, refs)?;
        files.push(path);
    }
    engine::Engine::new(stream(opts.seed, 3), &plan, vocab).run(&mut out)?;
    let posts = out.written();
    let stats = out.finish()?;
    writer::write_truth(&truth_path, &plan.accounts)?;

    if let Some(rich) = &plan.rich {
        let path = opts.out_dir.join(TRUTH_EVENTS_CSV);
        writer::write_events(&path, &timeline_events(&plan, rich, &stats))?;
        files.push(path);
    }
    if let Some(ep) = episode {
        let path = opts.out_dir.join(REFERENCES_JSONL);
        writer::write_references(&path, &ep.references)?;
        files.push(path);
        let mut seeds: Vec<(u32, &str)> = ep.outlets.iter().map(|&o| (o, "state_media")).collect();
        seeds.push((ep.regulator, "regulator"));
        let path = opts.out_dir.join(SEED_ACCOUNTS_CSV);
        writer::write_seed_accounts(&path, &plan.accounts, &seeds)?;
        files.push(path);
    }

    Ok(GenerateSummary {
        posts,
        accounts: plan.accounts.len() as u64,
        campaign_accounts: plan.campaign_accounts(),
        files,
    })
}

/// The rows of `truth_events.csv`, by time then name.
fn timeline_events(
    plan: &scenario::Plan,
    rich: &scenario::Rich,
    stats: &writer::PlantedStats,
) -> Vec<(String, i64)> {
    let mut ev: Vec<(String, i64)> = Vec::new();
    let (mut bursts, mut cascades) = (0, 0);
    for e in &rich.events {
        match e.kind {
            scenario::EventKind::NewsBurst { .. } => {
                bursts += 1;
                ev.push((format!("news_burst:{bursts}"), e.ts));
            }
            scenario::EventKind::Cascade { .. } => {
                cascades += 1;
                ev.push((format!("viral_cascade:{cascades}"), e.ts));
            }
            _ => {}
        }
    }
    for (&label, &ts) in &stats.first {
        if let Some(name) = plan.accounts.labels.get(label as usize) {
            ev.push((format!("campaign_start:{name}"), ts));
        }
    }
    if let Some(ep) = &rich.episode {
        ev.push(("regulator_summons".into(), ep.timeline.summons));
        for (i, r) in ep.references.iter().enumerate() {
            ev.push((format!("reference_published:{}", i + 1), r.published));
        }
        ev.push(("nvidia_statement".into(), ep.timeline.statement));
        if let Some(&onset) = stats.first.values().min() {
            ev.push(("escalation_onset".into(), onset));
        }
        let mut peak: Option<(i64, u64)> = None;
        for (&hour, &n) in &stats.hourly {
            if peak.is_none_or(|(_, best)| n > best) {
                peak = Some((hour, n));
            }
        }
        if let Some((hour, _)) = peak {
            ev.push(("escalation_peak".into(), hour));
        }
    }
    ev.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    ev
}
