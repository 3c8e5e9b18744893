//! What the narratives stage found: narratives, watch terms, campaign activity, the whole
//! run's series, references and seed accounts with their echo, and the figures behind them.

use crate::burst::BinGrid;
use crate::echo::{self, EchoPost, Reference};
use crate::group::{self, Summary};
use crate::options::NarrativeOptions;
use crate::refine::TemplateSet;
use crate::seeds::{self, Amplification, SeedAccount};
use serde::Serialize;

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

/// What [`crate::analyze_narratives`] found.
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
