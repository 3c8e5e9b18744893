//! What an analysis found, in memory: every result `lockstep analyze` writes, as typed
//! values ([`Analysis`]); [`Analysis::write`] (in `write.rs`) turns them into the files.
//!
//! Rows name accounts and posts by their index in the post table the analysis ran on
//! ([`Analysis::posts`] resolves them: `posts().account_id(row.account)`), so a result
//! with millions of evidence rows costs a few words per row, not its strings.

use lockstep_model::{PostIdx, PostTable};
use lockstep_narratives::Narratives;
use lockstep_networks::native::PairStats;
use lockstep_output::{schema, Graph};
use lockstep_traces::{Behaviour, Event, Trace};
use std::fmt;
use std::sync::Arc;

/// The post table an analysis ran on: borrowed from the caller, or shared with it (the
/// Python package keeps results after the call returns).
pub(crate) enum Posts<'t> {
    Borrowed(&'t PostTable),
    Shared(Arc<PostTable>),
}

impl Posts<'_> {
    fn get(&self) -> &PostTable {
        match self {
            Posts::Borrowed(t) => t,
            Posts::Shared(t) => t,
        }
    }
}

/// One row of `accounts.csv`: a campaign member and its signals.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountRow {
    /// The account (index into the post table).
    pub account: u32,
    /// Its campaign (1-based, as in campaigns.json).
    pub campaign_id: u32,
    /// Its membership score.
    pub score: f64,
    /// `leader`, `amplifier` or `peer`.
    pub role: &'static str,
    /// Posts by the account.
    pub posts: u64,
    /// Of which in co-actions of significant edges.
    pub coordinated_posts: u64,
    /// Co-actions with campaign peers in which it acted first.
    pub leads: u64,
    /// Co-actions with campaign peers in which a peer acted first.
    pub follows: u64,
    /// First post, UTC milliseconds.
    pub first_post_ms: i64,
    /// Last post, UTC milliseconds.
    pub last_post_ms: i64,
}

impl AccountRow {
    /// Coordinated posts over posts (0 without posts).
    pub fn coordinated_share(&self) -> f64 {
        if self.posts == 0 {
            0.0
        } else {
            self.coordinated_posts as f64 / self.posts as f64
        }
    }
}

/// One row of `edges.csv`: a significant account pair in one behaviour.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRow {
    /// The behaviour.
    pub behaviour: Behaviour,
    /// The campaign both accounts are in, else 0.
    pub campaign_id: u32,
    /// The window the pair was significant at, milliseconds.
    pub window_ms: i64,
    /// Co-actions expected by chance.
    pub expected: f64,
    /// -log10 of the p-value.
    pub neg_log10_p: f64,
    /// -log10 of the q-value (false discovery rate).
    pub neg_log10_q: f64,
    /// The pair (accounts `a < b`, indices into the post table) and its statistics; the
    /// file's `weight` is `stats.co_actions`.
    pub stats: PairStats,
}

/// One row of `evidence.csv`: a co-action of a significant edge. The accounts and times
/// are the posts' ([`Analysis::evidence_events`]); the object is named by
/// [`Analysis::object_label`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvidenceRow {
    /// The campaign both accounts are in, else 0.
    pub campaign_id: u32,
    /// The behaviour.
    pub behaviour: Behaviour,
    /// The object, numbered in the behaviour's object space.
    pub object: u32,
    /// The first act's post (index into the post table), as the sweep met the pair.
    pub post_a: PostIdx,
    /// The second act's post (`dt_seconds` is its time minus the first's).
    pub post_b: PostIdx,
}

/// What an analysis found, typed: the documents of `campaigns.json`, `summary.json`,
/// `narratives.json` and `echo.json`, the rows of `accounts.csv`, `edges.csv` and
/// `evidence.csv`, the fused graph of `network.gexf`/`network.graphml`, and which posts
/// are coordinated. Made by [`crate::analyze`]; [`Analysis::write`] writes every file of
/// `lockstep analyze` from it, byte for byte.
pub struct Analysis<'t> {
    pub(crate) posts: Posts<'t>,
    /// Campaigns and set-aside groups, as in `campaigns.json`.
    pub campaigns: schema::CampaignsFile,
    /// Counts, parameters and timings, as in `summary.json` (the written file adds the
    /// time spent writing to `timings_s` and `total_s`).
    pub summary: schema::Summary,
    /// Templates, narratives, bursts and watch terms, as in `narratives.json`.
    pub narratives: schema::NarrativesFile,
    /// References and seed accounts with their echo, as in `echo.json`.
    pub echo: schema::EchoFile,
    /// Campaign members, campaign by campaign, as in `accounts.csv`.
    pub accounts: Vec<AccountRow>,
    /// Significant pairs, behaviour by behaviour, as in `edges.csv`.
    pub edges: Vec<EdgeRow>,
    /// Every co-action of a significant pair, as in `evidence.csv`.
    pub evidence: Vec<EvidenceRow>,
    /// Accounts with a significant edge and their fused edges (`network.gexf`).
    pub graph: Graph,
    /// Whether each post took part in a co-action of a significant pair
    /// (`coordinated_posts.csv` lists them; see [`Analysis::coordinated_posts`]).
    pub coordinated: Vec<bool>,
    /// The traces' object spaces (their events dropped), to name evidence objects.
    pub(crate) traces: Vec<Trace>,
    /// The narratives stage's findings, for its CSV files.
    pub(crate) findings: Narratives,
}

impl fmt::Debug for Analysis<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analysis")
            .field("posts", &self.posts().len())
            .field("campaigns", &self.campaigns.campaigns.len())
            .field("accounts", &self.accounts.len())
            .field("edges", &self.edges.len())
            .field("evidence", &self.evidence.len())
            .finish_non_exhaustive()
    }
}

impl<'t> Analysis<'t> {
    /// The post table the analysis ran on: rows' account and post indices point into it.
    pub fn posts(&self) -> &PostTable {
        self.posts.get()
    }

    /// The behaviours tested, in order (the order of `edges` and `evidence`).
    pub fn behaviours(&self) -> impl Iterator<Item = Behaviour> + '_ {
        self.traces.iter().map(|t| t.behaviour)
    }

    pub(crate) fn trace(&self, b: Behaviour) -> Option<&Trace> {
        self.traces.iter().find(|t| t.behaviour == b)
    }

    /// The printable name of an evidence row's object (a post id, a URL, a text, a
    /// hashtag set, ...), as `evidence.csv` gives it.
    pub fn object_label(&self, row: &EvidenceRow) -> std::borrow::Cow<'_, str> {
        match self.trace(row.behaviour) {
            Some(t) => t.object_label(self.posts(), row.object),
            None => std::borrow::Cow::Borrowed(""),
        }
    }

    /// The two acts of an evidence row (post, account, time and object of each).
    pub fn evidence_events(&self, row: &EvidenceRow) -> (Event, Event) {
        let t = self.posts();
        let ev = |p: PostIdx| Event {
            time: t.time(p),
            object: row.object,
            account: t.author(p),
            post: p,
        };
        (ev(row.post_a), ev(row.post_b))
    }

    /// The coordinated posts in time order (ties by table order), as
    /// `coordinated_posts.csv` lists them.
    pub fn coordinated_posts(&self) -> Vec<PostIdx> {
        let t = self.posts();
        let mut posts: Vec<PostIdx> = (0..t.len() as u32)
            .filter(|&p| self.coordinated.get(p as usize).copied().unwrap_or(false))
            .collect();
        posts.sort_by_key(|&p| (t.time(p), p));
        posts
    }
}
