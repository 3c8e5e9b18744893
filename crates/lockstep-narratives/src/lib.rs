//! Narratives, escalation and the echo of reference sources.
//!
//! Coordination detection says *who* acts in lockstep; this crate says *what* they push,
//! *when* it took off and *whose* words they repeat:
//!
//! - **Narratives** ([`narrative`]): message templates (near-duplicate groups from
//!   [`lockstep_similar::assign_templates`]) grouped by their distinctive terms (TF-IDF over
//!   templates and a background sample; Chinese segmented by jieba, Japanese and Thai as
//!   character bigrams, other languages as words), each with top terms in the original
//!   language, example posts, accounts, campaigns, first seen, peak and volume over time.
//!   Reposts of a narrative's posts belong to it too.
//! - **Escalation** ([`burst`]): every narrative, campaign, watch term and reference gets
//!   a series on one grid of time bins and a burst detector (CUSUM on the series' share of
//!   all posts against a trailing baseline) that reports onset, peak, growth and how much
//!   of the burst came from coordinated posts.
//! - **Watch terms** ([`watch`]): terms in any language matched on normalised text,
//!   tracked like narratives.
//! - **Echo** ([`echo`], [`seeds`]): posts that link to or reuse the text of reference
//!   articles, with their lag from publication and the campaigns that carry them; and who
//!   amplifies seed accounts (reposts, quotes, replies, the same links), how fast, and
//!   which campaigns are tied to them.
//!
//! [`analyze_narratives`] computes everything; [`write`] writes `narratives.json`,
//! `post_labels.csv`, `echo.json`, `echo_posts.csv`, `seed_amplifications.csv` and the
//! `timeseries_*.csv` files.

pub mod burst;
pub mod discover;
pub mod echo;
pub mod group;
pub mod narrative;
pub mod refine;
pub mod seeds;
pub mod stopwords;
pub mod terms;
pub mod time;
pub mod watch;
pub mod write;

pub use burst::{BinGrid, BurstParams};
pub use echo::{load_references, EchoKind, EchoParams, EchoPost, LoadError, Reference};
pub use narrative::TermParams;
pub use refine::{RefineParams, TemplateSet};
pub use seeds::{load_seeds, AmpKind, Amplification, SeedAccount};
pub use watch::{parse_watch, watch_terms};
pub use write::{write_outputs, OutputCounts};

use group::{group_by_label, r4, summarise, Context, Summary};
use lockstep_model::{PostIdx, PostTable, NONE};
use lockstep_output::rfc3339;
use lockstep_similar::Templates;
use lockstep_traces::text::post_words;
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// Everything [`analyze_narratives`] can be asked to do.
#[derive(Clone, Debug, Serialize)]
pub struct NarrativeOptions {
    /// Width of a time bin, ms (default one hour).
    pub bin_ms: i64,
    /// Most bins; longer data get wider bins (default 20,000).
    pub max_bins: usize,
    /// Similarity threshold the templates were made with (for partial copies).
    pub template_threshold: f64,
    /// Splitting partial copies off templates.
    pub refine: RefineParams,
    /// Term extraction and grouping.
    pub terms: TermParams,
    /// Burst detection.
    pub burst: BurstParams,
    /// Echo of references by text and link.
    pub echo: EchoParams,
    /// Terms listed per narrative (default 10).
    pub top_terms: usize,
    /// Example posts per narrative (default 3).
    pub examples: usize,
    /// Accounts listed per group (default 10).
    pub top_accounts: usize,
    /// Narratives (largest first) that get a series, bursts and a place in
    /// `timeseries_narratives.csv` (default 500).
    pub series_limit: usize,
    /// Narratives (largest first) listed with examples and accounts; the others are listed
    /// with their terms and counts only (default 5,000).
    pub detail_limit: usize,
    /// A link posted after a seed posted it counts as amplification within this, ms
    /// (default 24 h).
    pub link_window_ms: i64,
    /// Watch terms.
    pub watch: Vec<String>,
    /// Reference articles.
    #[serde(skip)]
    pub references: Vec<Reference>,
    /// Seed accounts.
    #[serde(skip)]
    pub seeds: Vec<SeedAccount>,
}

impl Default for NarrativeOptions {
    fn default() -> Self {
        Self {
            bin_ms: 3_600_000,
            max_bins: 20_000,
            template_threshold: lockstep_similar::DEFAULT_THRESHOLD,
            refine: RefineParams::default(),
            terms: TermParams::default(),
            burst: BurstParams::default(),
            echo: EchoParams::default(),
            top_terms: 10,
            examples: 3,
            top_accounts: 10,
            series_limit: 500,
            detail_limit: 5_000,
            link_window_ms: 24 * 3_600_000,
            watch: Vec::new(),
            references: Vec::new(),
            seeds: Vec::new(),
        }
    }
}

/// A term and its weight in a narrative (share of the narrative centroid's length).
#[derive(Clone, Debug, Serialize)]
pub struct TermWeight {
    /// The term, normalised (lower case, simplified Chinese).
    pub term: String,
    /// Its weight.
    pub weight: f64,
}

/// An example post of a narrative: the representative of one of its largest templates.
#[derive(Clone, Debug, Serialize)]
pub struct Example {
    /// Template id (as in `post_labels.csv`).
    pub template_id: u32,
    /// Posts in that template.
    pub template_posts: usize,
    /// The post's id.
    pub post_id: String,
    /// Its author.
    pub account_id: String,
    /// When.
    pub time: String,
    /// Its text as posted.
    pub text: String,
}

/// One narrative.
#[derive(Clone, Debug, Serialize)]
pub struct Narrative {
    /// 1-based id, largest narrative first (as in `post_labels.csv`).
    pub id: u32,
    /// Its three heaviest terms.
    pub name: String,
    /// Heaviest terms.
    pub top_terms: Vec<TermWeight>,
    /// Templates in it.
    pub template_count: usize,
    /// Their ids (as in `post_labels.csv`), largest first.
    pub template_ids: Vec<u32>,
    /// Posts in its templates (reposts excluded).
    pub template_posts: u64,
    /// Example posts.
    pub examples: Vec<Example>,
    /// Volume, accounts, campaigns, timing, series and bursts.
    #[serde(flatten)]
    pub summary: Summary,
}

/// A watch term, tracked like a narrative.
#[derive(Clone, Debug, Serialize)]
pub struct WatchTerm {
    /// `w1`, `w2`, ... in the order given.
    pub id: String,
    /// The term as given.
    pub term: String,
    /// Its normalised form, which is what is matched.
    pub normalised: String,
    /// Volume, accounts, campaigns, timing, series and bursts.
    #[serde(flatten)]
    pub summary: Summary,
}

/// A campaign's activity over time.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignActivity {
    /// Campaign id (as in campaigns.json).
    pub campaign_id: u32,
    /// Accounts of the campaign seen posting.
    pub member_accounts: u64,
    /// All their posts, coordinated or not.
    pub member_posts: u64,
    /// The campaign's own activity: posts that are evidence of co-actions between its
    /// accounts (those `post_labels.csv` attributes to it): volume, series, bursts.
    #[serde(flatten)]
    pub summary: Summary,
}

/// All posts of the run, its coordinated posts and its campaign posts, over time.
#[derive(Clone, Debug, Serialize)]
pub struct Overall {
    /// Posts.
    pub posts: u64,
    /// Coordinated posts (evidence of any significant edge).
    pub coordinated_posts: u64,
    /// Posts that are evidence of a co-action inside one campaign (those with a
    /// `campaign_id` in `post_labels.csv`).
    pub campaign_posts: u64,
    /// All and coordinated posts per bin.
    pub series: group::Series,
    /// Campaign posts per bin (same bins).
    pub campaign_posts_per_bin: Vec<u32>,
    /// Bursts of campaign posts against their usual share of all posts: the escalation of
    /// coordinated campaigns in the run.
    pub campaign_bursts: Vec<group::Burst>,
}

/// One reference and its echo.
#[derive(Clone, Debug, Serialize)]
pub struct ReferenceEcho {
    /// 1-based id (line order in the file).
    pub id: u32,
    /// The reference.
    #[serde(flatten)]
    pub reference: Reference,
    /// Canonical form of its URL.
    pub canonical_url: String,
    /// Echoing posts by how they echo: `url`, `text`, `repost`.
    pub by_match: std::collections::BTreeMap<String, u64>,
    /// First echoing post.
    pub first_echo_post: Option<String>,
    /// Its lag, seconds.
    pub first_echo_lag_s: Option<f64>,
    /// Lag of echoing posts from publication.
    pub lag: echo::LagStats,
    /// Volume, accounts, campaigns, timing, series and bursts of the echo.
    #[serde(flatten)]
    pub summary: Summary,
}

/// An account amplifying a seed.
#[derive(Clone, Debug, Serialize)]
pub struct Amplifier {
    /// Account id.
    pub account_id: String,
    /// Handle.
    pub handle: Option<String>,
    /// Amplifying posts.
    pub amplifications: u64,
    /// Median delay, seconds.
    pub median_delay_s: Option<f64>,
    /// Campaign of the account.
    pub campaign_id: Option<u32>,
}

/// A campaign tied to seed accounts.
#[derive(Clone, Debug, Serialize)]
pub struct SeedCampaign {
    /// Campaign id.
    pub campaign_id: u32,
    /// Accounts of the campaign (seen posting).
    pub accounts: u64,
    /// Of those, accounts that amplified.
    pub amplifying_accounts: u64,
    /// `amplifying_accounts / accounts`.
    pub share_of_members: f64,
    /// Amplifying posts by the campaign.
    pub amplifications: u64,
    /// Delays.
    pub delay: seeds::DelayStats,
    /// Seeds they amplified (account ids), most amplified first.
    pub seeds: Vec<String>,
}

/// One seed account and its amplification.
#[derive(Clone, Debug, Serialize)]
pub struct SeedReport {
    /// As given in the file.
    pub key: String,
    /// Its account id in the data, if found.
    pub account_id: Option<String>,
    /// Handle.
    pub handle: Option<String>,
    /// Label from the file.
    pub label: String,
    /// Whether the account is in the data.
    pub found: bool,
    /// Its posts.
    pub posts: u64,
    /// Posts amplifying it.
    pub amplifications: u64,
    /// Distinct amplifying accounts.
    pub amplifier_accounts: u64,
    /// Amplifications by kind (`repost`, `quote`, `reply`, `link`).
    pub by_kind: std::collections::BTreeMap<String, u64>,
    /// Delays of amplifications.
    pub delay: seeds::DelayStats,
    /// Most active amplifiers.
    pub top_amplifiers: Vec<Amplifier>,
    /// Campaigns among its amplifiers.
    pub campaigns: Vec<SeedCampaign>,
}

/// Seed accounts section of `echo.json`.
#[derive(Clone, Debug, Serialize)]
pub struct SeedsEcho {
    /// Per seed.
    pub seeds: Vec<SeedReport>,
    /// Campaigns tied to any seed.
    pub campaigns: Vec<SeedCampaign>,
}

/// Stage timings, seconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Timings {
    /// Splitting partial copies off templates.
    pub refine_s: f64,
    /// Terms of templates and background.
    pub terms_s: f64,
    /// Grouping templates into narratives.
    pub grouping_s: f64,
    /// Narrative, campaign and overall summaries, series and bursts.
    pub summaries_s: f64,
    /// Watch terms.
    pub watch_s: f64,
    /// References.
    pub references_s: f64,
    /// Seed accounts.
    pub seeds_s: f64,
    /// Everything.
    pub total_s: f64,
}

/// What [`analyze_narratives`] found.
pub struct Narratives {
    /// Message templates (near-duplicate groups, partial copies split off).
    pub templates: TemplateSet,
    /// Narrative id (1-based) of each post, or 0.
    pub post_narrative: Vec<u32>,
    /// Campaign id of each post's author, or `NONE`.
    pub post_campaign: Vec<u32>,
    /// Campaign id (or 0) whose internal co-action each post is evidence of.
    pub evidence_campaign: Vec<u32>,
    /// Narratives, largest first.
    pub narratives: Vec<Narrative>,
    /// Watch terms, in the order given.
    pub watch: Vec<WatchTerm>,
    /// Campaign activity, by campaign id.
    pub campaigns: Vec<CampaignActivity>,
    /// The whole run.
    pub overall: Overall,
    /// References and their echo (when references were given).
    pub references: Option<Vec<ReferenceEcho>>,
    /// Echoing posts, by post.
    pub echo_posts: Vec<EchoPost>,
    /// Seed accounts (when given).
    pub seeds: Option<SeedsEcho>,
    /// Amplifying posts, by post.
    pub amplifications: Vec<Amplification>,
    /// Seeds as given.
    pub seed_list: Vec<SeedAccount>,
    /// Account of each seed (index into the table), if found.
    pub seed_accounts: Vec<Option<u32>>,
    /// The time grid.
    pub grid: BinGrid,
    /// Templates, background documents and distinct terms behind the narratives.
    pub term_stats: TermStats,
    /// The options used.
    pub options: NarrativeOptions,
    /// Stage timings.
    pub timings: Timings,
}

/// Figures of term extraction.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TermStats {
    /// Templates (near-duplicate groups and groups of partial copies).
    pub templates: usize,
    /// Of which near-duplicate groups from lockstep-similar.
    pub near_duplicate_templates: usize,
    /// Posts split off as partial copies of a template.
    pub partial_copies: usize,
    /// Posts in templates.
    pub template_posts: usize,
    /// Background posts sampled.
    pub background_posts: usize,
    /// Distinct terms.
    pub distinct_terms: usize,
    /// New Chinese words found in the data and added to the segmenter (at most 100 shown).
    pub new_words: Vec<String>,
    /// Narratives.
    pub narratives: usize,
    /// Posts in narratives (reposts included).
    pub narrative_posts: usize,
}

/// Find narratives, their escalation, watch terms and echo (see the crate documentation).
///
/// `campaign_of_post` gives the campaign id of a post's author; `coordinated[p]` says
/// whether post `p` is part of the evidence of a significant edge, and
/// `evidence_campaign[p]` the campaign (id, or 0) whose internal co-action (both accounts
/// in that campaign) it is evidence of: the campaign's own activity, as `post_labels.csv`
/// attributes it.
pub fn analyze_narratives(
    table: &PostTable,
    templates: &Templates,
    campaign_of_post: &(dyn Fn(PostIdx) -> Option<u32> + Sync),
    coordinated: &[bool],
    evidence_campaign: &[u32],
    options: &NarrativeOptions,
) -> Narratives {
    let started = Instant::now();
    let mut timings = Timings::default();
    let n = table.len();
    let times = table.times();
    let (lo, hi) = times
        .par_iter()
        .fold(|| (i64::MAX, i64::MIN), |(a, b), &t| (a.min(t), b.max(t)))
        .reduce(|| (i64::MAX, i64::MIN), |x, y| (x.0.min(y.0), x.1.max(y.1)));
    let grid = BinGrid::new(lo, hi, options.bin_ms, options.max_bins);
    let mut totals = vec![0u32; grid.bins];
    for &t in times {
        totals[grid.bin(t)] += 1;
    }
    let post_campaign: Vec<u32> = (0..n as PostIdx)
        .into_par_iter()
        .map(|p| campaign_of_post(p).unwrap_or(NONE))
        .collect();
    let ctx = Context {
        table,
        grid,
        totals,
        post_campaign,
        coordinated,
        evidence_campaign,
        burst: options.burst.clone(),
        top_accounts: options.top_accounts,
    };

    // Templates without partial copies, terms and narratives.
    let t0 = Instant::now();
    let similar = lockstep_similar::SimilarParams::with_threshold(options.template_threshold);
    let templates = refine::refine_templates(table, templates, &similar, &options.refine);
    timings.refine_s = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let tv = narrative::template_vectors(table, &templates, &options.terms);
    timings.terms_s = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let sizes: Vec<usize> = (0..templates.len() as u32)
        .map(|t| templates.members(t).len())
        .collect();
    let grouping = narrative::group_templates(&tv, &sizes, &options.terms, options.top_terms);
    let raw_count = grouping.top_terms.len();
    // Posts per raw narrative: template members, then reposts of them.
    let mut raw_of_post = vec![NONE; n];
    for t in 0..templates.len() as u32 {
        let g = grouping.template_narrative[t as usize];
        for &p in templates.members(t) {
            raw_of_post[p as usize] = g;
        }
    }
    let with_reposts: Vec<u32> = (0..n)
        .into_par_iter()
        .map(|p| {
            let own = raw_of_post[p];
            if own != NONE {
                return own;
            }
            table
                .ref_post(table.repost_of(p as PostIdx))
                .map_or(NONE, |q| raw_of_post[q as usize])
        })
        .collect();
    drop(raw_of_post);
    let (starts, items) = group_by_label(&with_reposts, raw_count);
    // Rank: most posts first, then earliest post.
    let first_time = |g: usize| {
        items[starts[g]..starts[g + 1]]
            .iter()
            .map(|&p| table.time(p))
            .min()
            .unwrap_or(i64::MAX)
    };
    let mut rank: Vec<(usize, i64, usize)> = (0..raw_count)
        .into_par_iter()
        .map(|g| (starts[g + 1] - starts[g], first_time(g), g))
        .collect();
    rank.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut id_of_raw = vec![0u32; raw_count];
    for (i, &(_, _, g)) in rank.iter().enumerate() {
        id_of_raw[g] = i as u32 + 1;
    }
    let post_narrative: Vec<u32> = with_reposts
        .par_iter()
        .map(|&g| if g == NONE { 0 } else { id_of_raw[g as usize] })
        .collect();
    drop(with_reposts);
    let mut templates_of: Vec<Vec<u32>> = vec![Vec::new(); raw_count];
    for t in 0..templates.len() as u32 {
        templates_of[grouping.template_narrative[t as usize] as usize].push(t);
    }
    for list in &mut templates_of {
        list.sort_unstable_by_key(|&t| (std::cmp::Reverse(sizes[t as usize]), t));
    }
    timings.grouping_s = t0.elapsed().as_secs_f64();

    let t0 = Instant::now();
    let narratives: Vec<Narrative> = rank
        .par_iter()
        .enumerate()
        .map(|(i, &(_, _, g))| {
            let posts = &items[starts[g]..starts[g + 1]];
            let detailed = i < options.detail_limit;
            let mut summary = summarise(&ctx, posts, i < options.series_limit);
            if !detailed {
                summary.top_accounts.clear();
                summary.campaigns.truncate(5);
            }
            let top_terms: Vec<TermWeight> = grouping.top_terms[g]
                .iter()
                .map(|&(t, w)| TermWeight {
                    term: tv.terms.resolve(t).to_string(),
                    weight: r4(w),
                })
                .collect();
            let mut name = top_terms
                .iter()
                .take(3)
                .map(|t| t.term.as_str())
                .collect::<Vec<_>>()
                .join(" / ");
            if name.is_empty() {
                // No distinctive term (all stop words or too short): the text itself.
                if let Some(&t) = templates_of[g].first() {
                    name = post_words(table, templates.representative(t))
                        .chars()
                        .take(40)
                        .collect();
                }
            }
            let tpls = &templates_of[g];
            let examples = if detailed {
                tpls.iter()
                    .take(options.examples)
                    .map(|&t| {
                        let p = templates.representative(t);
                        Example {
                            template_id: t,
                            template_posts: sizes[t as usize],
                            post_id: table.post_id(p).to_string(),
                            account_id: table.account_id(table.author(p)).to_string(),
                            time: rfc3339(table.time(p)),
                            text: table.text(p).to_string(),
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Narrative {
                id: i as u32 + 1,
                name,
                top_terms,
                template_count: tpls.len(),
                template_ids: tpls.clone(),
                template_posts: tpls.iter().map(|&t| sizes[t as usize] as u64).sum(),
                examples,
                summary,
            }
        })
        .collect();
    drop(items);

    // Campaign activity: the campaign's coordinated posts (as attributed in
    // post_labels.csv); member accounts and their posts are counted apart.
    let mut ids: Vec<u32> = ctx
        .post_campaign
        .iter()
        .copied()
        .filter(|&c| c != NONE)
        .collect::<std::collections::BTreeSet<u32>>()
        .into_iter()
        .collect();
    ids.sort_unstable();
    let dense_of = |c: u32| ids.binary_search(&c).map_or(NONE, |i| i as u32);
    let dense: Vec<u32> = (0..n)
        .into_par_iter()
        .map(|p| ctx.evidence_campaign(p as PostIdx).map_or(NONE, dense_of))
        .collect();
    let (cs, citems) = group_by_label(&dense, ids.len());
    drop(dense);
    let mut members: Vec<(u32, u32)> = (0..n)
        .into_par_iter()
        .filter(|&p| ctx.post_campaign[p] != NONE)
        .map(|p| (ctx.post_campaign[p], table.author(p as PostIdx)))
        .collect();
    members.par_sort_unstable();
    let mut member_posts: foldhash::HashMap<u32, u64> = Default::default();
    for &(c, _) in &members {
        *member_posts.entry(c).or_default() += 1;
    }
    members.dedup();
    let mut campaign_accounts: foldhash::HashMap<u32, u64> = Default::default();
    for &(c, _) in &members {
        *campaign_accounts.entry(c).or_default() += 1;
    }
    drop(members);
    let campaigns: Vec<CampaignActivity> = ids
        .par_iter()
        .enumerate()
        .map(|(i, &c)| CampaignActivity {
            campaign_id: c,
            member_accounts: campaign_accounts.get(&c).copied().unwrap_or(0),
            member_posts: member_posts.get(&c).copied().unwrap_or(0),
            summary: summarise(&ctx, &citems[cs[i]..cs[i + 1]], true),
        })
        .collect();
    drop(citems);

    // The whole run: all posts, coordinated posts and campaign posts per bin.
    let mut coord_bins = vec![0u32; grid.bins];
    let mut camp_bins = vec![0u32; grid.bins];
    for (p, &c) in coordinated.iter().enumerate().take(n) {
        if c {
            let b = grid.bin(table.time(p as PostIdx));
            coord_bins[b] += 1;
            camp_bins[b] += ctx.evidence_campaign(p as PostIdx).is_some() as u32;
        }
    }
    let overall = Overall {
        posts: n as u64,
        coordinated_posts: coord_bins.iter().map(|&v| v as u64).sum(),
        campaign_posts: camp_bins.iter().map(|&v| v as u64).sum(),
        series: group::Series {
            bin_seconds: grid.bin_ms as f64 / 1000.0,
            bin_start: (0..grid.bins).map(|b| rfc3339(grid.bin_start(b))).collect(),
            posts: ctx.totals.clone(),
            coordinated_posts: coord_bins,
            first_bin: 0,
        },
        campaign_posts_per_bin: camp_bins.clone(),
        campaign_bursts: if n == 0 {
            Vec::new()
        } else {
            group::bursts_of(&ctx, &camp_bins, &camp_bins)
        },
    };
    timings.summaries_s = t0.elapsed().as_secs_f64();

    // Watch terms.
    let t0 = Instant::now();
    let w = watch::Watch::new(&options.watch);
    let pairs = w.scan(table);
    let watch: Vec<WatchTerm> = (0..w.terms.len())
        .into_par_iter()
        .map(|i| {
            let lo = pairs.partition_point(|&(t, _)| (t as usize) < i);
            let hi = pairs.partition_point(|&(t, _)| (t as usize) <= i);
            let posts: Vec<PostIdx> = pairs[lo..hi].iter().map(|&(_, p)| p).collect();
            WatchTerm {
                id: format!("w{}", i + 1),
                term: w.terms[i].clone(),
                normalised: w.keys[i].clone(),
                summary: summarise(&ctx, &posts, true),
            }
        })
        .collect();
    drop(pairs);
    timings.watch_s = t0.elapsed().as_secs_f64();

    // References.
    let t0 = Instant::now();
    let (references, echo_posts) = if options.references.is_empty() {
        (None, Vec::new())
    } else {
        let idx = echo::EchoIndex::new(&options.references, &options.echo);
        let found = idx.scan(table);
        let refs = reference_reports(&ctx, &options.references, &found);
        (Some(refs), found)
    };
    timings.references_s = t0.elapsed().as_secs_f64();

    // Seed accounts.
    let t0 = Instant::now();
    let (seeds_out, amplifications, seed_accounts) = if options.seeds.is_empty() {
        (None, Vec::new(), Vec::new())
    } else {
        let idx = seeds::SeedIndex::new(&ctx, &options.seeds);
        let amps = idx.amplifications(&ctx, options.link_window_ms);
        let out = seed_reports(
            &ctx,
            &options.seeds,
            &idx,
            &amps,
            &campaign_accounts,
            options,
        );
        (Some(out), amps, idx.account_of_seed.clone())
    };
    timings.seeds_s = t0.elapsed().as_secs_f64();
    timings.total_s = started.elapsed().as_secs_f64();
    let term_stats = TermStats {
        templates: templates.len(),
        near_duplicate_templates: templates.near_duplicate_templates,
        partial_copies: templates.partial_copies,
        template_posts: sizes.iter().sum(),
        background_posts: tv.background,
        distinct_terms: tv.terms.len(),
        new_words: tv.new_words.iter().take(100).cloned().collect(),
        narratives: narratives.len(),
        narrative_posts: post_narrative.iter().filter(|&&x| x != 0).count(),
    };
    Narratives {
        templates,
        post_narrative,
        post_campaign: ctx.post_campaign,
        evidence_campaign: evidence_campaign.to_vec(),
        narratives,
        watch,
        campaigns,
        overall,
        references,
        echo_posts,
        seeds: seeds_out,
        amplifications,
        seed_list: options.seeds.clone(),
        seed_accounts,
        grid,
        term_stats,
        options: options.clone(),
        timings,
    }
}

fn reference_reports(ctx: &Context, refs: &[Reference], found: &[EchoPost]) -> Vec<ReferenceEcho> {
    let t = ctx.table;
    let mut by_ref: Vec<Vec<&EchoPost>> = vec![Vec::new(); refs.len()];
    for e in found {
        if let Some(v) = by_ref.get_mut(e.reference as usize) {
            v.push(e);
        }
    }
    by_ref
        .into_par_iter()
        .enumerate()
        .map(|(i, mine)| {
            let r = &refs[i];
            let posts: Vec<PostIdx> = mine.iter().map(|e| e.post).collect();
            let mut by_match = std::collections::BTreeMap::new();
            for k in [EchoKind::Url, EchoKind::Text, EchoKind::Repost] {
                by_match.insert(
                    k.as_str().to_string(),
                    mine.iter().filter(|e| e.kind == k).count() as u64,
                );
            }
            let first = posts.iter().copied().min_by_key(|&p| (t.time(p), p));
            let lag_of = |p: PostIdx| r.published_ms.map(|m| (t.time(p) - m) as f64 / 1000.0);
            let mut lags: Vec<f64> = posts.iter().filter_map(|&p| lag_of(p)).collect();
            ReferenceEcho {
                id: i as u32 + 1,
                reference: r.clone(),
                canonical_url: if r.url.is_empty() {
                    String::new()
                } else {
                    echo::url_keys(&r.url).0
                },
                by_match,
                first_echo_post: first.map(|p| t.post_id(p).to_string()),
                first_echo_lag_s: first.and_then(lag_of),
                lag: echo::lag_stats(&mut lags),
                summary: summarise(ctx, &posts, true),
            }
        })
        .collect()
}

fn seed_reports(
    ctx: &Context,
    seeds_in: &[SeedAccount],
    idx: &seeds::SeedIndex,
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
                    delay: seeds::delay_stats(&delays),
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
            for a in &mine {
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
                delay: seeds::delay_stats(&delays),
                top_amplifiers: top
                    .into_iter()
                    .map(|(a, ds)| {
                        let mut d: Vec<f64> =
                            ds.iter().flatten().map(|&x| x as f64 / 1000.0).collect();
                        Amplifier {
                            account_id: t.account_id(a).to_string(),
                            handle: t.account_handle(a).map(str::to_string),
                            amplifications: ds.len() as u64,
                            median_delay_s: group::median(&mut d).map(r4),
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
fn seed_name(t: &PostTable, seeds: &[SeedAccount], idx: &seeds::SeedIndex, s: u32) -> String {
    match idx.account_of_seed.get(s as usize).copied().flatten() {
        Some(a) => t.account_id(a).to_string(),
        None => seeds
            .get(s as usize)
            .map(|x| x.key.clone())
            .unwrap_or_default(),
    }
}

/// Fixtures shared by the unit tests of several modules.
#[cfg(test)]
pub(crate) mod test_util {
    use lockstep_model::{PostRecord, PostTable};

    /// One Weibo post per text, each by its own account, a second apart.
    pub(crate) fn table(texts: &[&str]) -> PostTable {
        let mut t = PostTable::new();
        for (i, text) in texts.iter().enumerate() {
            t.push(&PostRecord {
                platform: "weibo".into(),
                id: format!("p{i}"),
                author_id: format!("a{i}"),
                time_ms: 1000 * i as i64,
                text: text.to_string(),
                ..Default::default()
            });
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::PostRecord;
    use lockstep_similar::{assign_templates, SimilarParams};

    const H: i64 = 3_600_000;

    struct Fixture {
        t: PostTable,
    }

    impl Fixture {
        fn post(&mut self, id: &str, author: &str, time: i64, text: &str) -> &mut Self {
            self.push(id, author, time, text, None, &[])
        }

        fn push(
            &mut self,
            id: &str,
            author: &str,
            time: i64,
            text: &str,
            repost: Option<&str>,
            urls: &[&str],
        ) -> &mut Self {
            self.t.push(&PostRecord {
                platform: "weibo".into(),
                id: id.into(),
                author_id: author.into(),
                author_handle: format!("h_{author}"),
                time_ms: time,
                text: text.into(),
                repost_of: repost.map(String::from),
                urls: urls.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            });
            self
        }
    }

    /// A state outlet posts an article link; ring accounts r0..r5 repost it within
    /// seconds, copy a template and post the link; ordinary users chat.
    fn fixture() -> (PostTable, Vec<bool>, Vec<u32>) {
        let mut f = Fixture {
            t: PostTable::new(),
        };
        let t0 = 1_754_000_000_000i64;
        for h in 0..48i64 {
            for k in 0..20usize {
                let id = format!("o{h}_{k}");
                let text = format!(
                    "今天第{h}小时的日常{k}，吃饭睡觉打游戏 {}",
                    ["", "好累", "开心", "下雨"][k % 4]
                );
                f.post(
                    &id,
                    &format!("u{}", (h * 20 + k as i64) % 97),
                    t0 + h * H + k as i64 * 1000,
                    &text,
                );
            }
        }
        f.push(
            "s1",
            "outlet",
            t0 + 10 * H,
            "【关注】英伟达H20芯片存在后门风险 https://www.example.cn/a/1.htm",
            None,
            &["https://www.example.cn/a/1.htm"],
        );
        for r in 0..6 {
            let id = format!("rt{r}");
            f.push(
                &id,
                &format!("r{r}"),
                t0 + 10 * H + 20_000 + r * 3000,
                "RT @h_outlet: 【关注】英伟达H20芯片存在后门风险",
                Some("s1"),
                &[],
            );
            for round in 0..4i64 {
                let id = format!("c{r}_{round}");
                f.post(
                    &id,
                    &format!("r{r}"),
                    t0 + (20 + 3 * round) * H + r * 5000,
                    "美国芯片，美国控制！H20芯片后门风险不是危言耸听，技术专家都说了！",
                );
            }
            let id = format!("l{r}");
            f.push(
                &id,
                &format!("r{r}"),
                t0 + 11 * H + r * 60_000,
                "必读 http://m.example.cn/a/1.htm?from=weibo",
                None,
                &["http://m.example.cn/a/1.htm?from=weibo"],
            );
        }
        let t = f.t;
        let n = t.len();
        let mut coordinated = vec![false; n];
        let mut campaign = vec![0u32; n];
        for p in 0..n {
            if t.account_id(t.author(p as u32)).starts_with('r') {
                coordinated[p] = true;
                campaign[p] = 1;
            }
        }
        (t, coordinated, campaign)
    }

    #[test]
    fn end_to_end_narratives_watch_echo_and_seeds() {
        let (t, coordinated, campaign) = fixture();
        let tpl = assign_templates(&t, &SimilarParams::default());
        let camp_of = |p: PostIdx| t.account_id(t.author(p)).starts_with('r').then_some(1u32);
        let options = NarrativeOptions {
            template_threshold: 0.8,
            watch: vec!["后门".into(), "危言耸听".into()],
            references: vec![Reference {
                url: "https://www.example.cn/a/1.htm".into(),
                title: "H20".into(),
                text: "英伟达H20芯片存在后门风险，技术专家表示需要警惕。".into(),
                source: "example".into(),
                published_at: "x".into(),
                published_ms: Some(1_754_000_000_000 + 10 * H - 60_000),
            }],
            seeds: vec![SeedAccount {
                key: "h_outlet".into(),
                handle: None,
                label: "state_media".into(),
            }],
            ..NarrativeOptions::default()
        };
        let n = analyze_narratives(&t, &tpl, &camp_of, &coordinated, &campaign, &options);
        // The campaign template is a narrative pushed by campaign 1, reposts included.
        let p = (0..t.len() as u32)
            .find(|&p| t.post_id(p) == "c0_0")
            .unwrap();
        let nid = n.post_narrative[p as usize];
        assert!(nid > 0);
        let nar = &n.narratives[nid as usize - 1];
        assert_eq!(nar.summary.posts, 24);
        assert_eq!(nar.summary.campaigns.len(), 1);
        assert_eq!(nar.summary.campaigns[0].campaign_id, 1);
        assert_eq!(nar.summary.campaigns[0].share, 1.0);
        assert!(
            nar.top_terms.iter().any(|x| x.term == "危言耸听"),
            "{:?}",
            nar.top_terms
        );
        // Watch terms in Chinese.
        assert_eq!(n.watch[0].summary.posts, 1 + 6 + 24);
        assert_eq!(n.watch[1].summary.posts, 24);
        // Echo: the outlet's post and the links by URL, the reposts by text or repost.
        let refs = n.references.as_ref().unwrap();
        assert_eq!(refs[0].summary.posts, 1 + 6 + 6);
        assert_eq!(refs[0].by_match["url"], 7);
        assert_eq!(refs[0].first_echo_lag_s, Some(60.0));
        // Seeds: six reposts within 40 s, six links within 16 minutes; campaign 1 is tied.
        let s = &n.seeds.as_ref().unwrap().seeds[0];
        assert!(s.found);
        assert_eq!(s.amplifications, 12);
        assert_eq!(s.by_kind["repost"], 6);
        assert_eq!(s.by_kind["link"], 6);
        assert_eq!(s.amplifier_accounts, 6);
        let c = &n.seeds.as_ref().unwrap().campaigns[0];
        assert_eq!(
            (c.campaign_id, c.amplifying_accounts, c.share_of_members),
            (1, 6, 1.0)
        );
        assert!(c.delay.within_60s >= 0.5);
        // Campaign activity and its burst start with the reposts at hour 10.
        assert_eq!(n.campaigns.len(), 1);
        let b = &n.campaigns[0].summary.bursts.as_ref().unwrap()[0];
        assert_eq!(b.onset_ms, 1_754_000_000_000i64.div_euclid(H) * H + 10 * H);
        // Outputs.
        let dir = tempfile::tempdir().unwrap();
        let w = write_outputs(dir.path(), &t, &n, &coordinated).unwrap();
        assert_eq!(w.echo_posts, 13);
        assert_eq!(w.amplifications, 12);
        let labels = std::fs::read_to_string(dir.path().join("post_labels.csv")).unwrap();
        assert!(labels.starts_with("post_id,template_id,narrative_id,campaign_id\n"));
        assert!(labels
            .lines()
            .any(|l| l.starts_with("c0_0,") && l.ends_with(",1")));
        let v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("narratives.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(v["grid"]["bin_seconds"], 3600.0);
        assert!(v["narratives"][0]["series"]["bin_start"][0]
            .as_str()
            .unwrap()
            .ends_with('Z'));
    }
}
