//! The files `lockstep analyze` writes, as named types: every JSON document a struct
//! (serialised by the writers, deserialised by the readers: the report, the live service's
//! alert rules, the Python package), and the header of every CSV file as constants, so a
//! column is renamed in one place.
//!
//! **Field order.** The JSON files are written with serde_json's default map (sorted
//! keys), so the fields of every struct here are declared in alphabetical order: a struct
//! serialised directly writes the same bytes as the untyped value it replaced. Keep it so
//! when adding a field. Sections owned by another crate whose own field order is not
//! alphabetical (detection parameters, behaviour test figures, the narratives stage's
//! figures) are kept as [`serde_json::Value`], which sorts them.
//!
//! Readers are lenient where older files differ: a field added after a file was written
//! reads as its default (`#[serde(default)]`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// File names of an analysis directory.
pub mod files {
    /// Campaigns and set-aside groups ([`super::CampaignsFile`]).
    pub const CAMPAIGNS: &str = "campaigns.json";
    /// Run summary ([`super::Summary`]).
    pub const SUMMARY: &str = "summary.json";
    /// Narratives, watch terms and campaign activity ([`super::NarrativesFile`]).
    pub const NARRATIVES: &str = "narratives.json";
    /// References and seed accounts ([`super::EchoFile`]).
    pub const ECHO: &str = "echo.json";
    /// One row per campaign member ([`super::columns::accounts`]).
    pub const ACCOUNTS: &str = "accounts.csv";
    /// One row per significant edge ([`super::columns::edges`]).
    pub const EDGES: &str = "edges.csv";
    /// One row per co-action of a significant edge ([`super::columns::evidence`]).
    pub const EVIDENCE: &str = "evidence.csv";
    /// Every post behind the evidence ([`super::columns::coordinated_posts`]).
    pub const COORDINATED_POSTS: &str = "coordinated_posts.csv";
    /// Quarantined input records, one JSON object a line.
    pub const REJECTED: &str = "rejected.jsonl";
}

/// Column names of the CSV files, one constant per column a reader looks up and one
/// `HEADER` per file in the order the writer writes them.
pub mod columns {
    /// `accounts.csv`: one row per campaign member.
    pub mod accounts {
        /// Account id as in the input.
        pub const ACCOUNT_ID: &str = "account_id";
        /// Campaign the account belongs to.
        pub const CAMPAIGN_ID: &str = "campaign_id";
        /// Account score in the campaign.
        pub const SCORE: &str = "score";
        /// Handle (screen name), empty when unknown.
        pub const HANDLE: &str = "handle";
        /// `leader`, `amplifier` or `peer`.
        pub const ROLE: &str = "role";
        /// Posts by the account.
        pub const POSTS: &str = "posts";
        /// Posts that are evidence of a significant co-action.
        pub const COORDINATED_POSTS: &str = "coordinated_posts";
        /// The account's platform (`weibo`, `wechat`, `twitter`, ...): last, so scripts
        /// reading columns by position keep working.
        pub const PLATFORM: &str = "platform";
        /// Every column, in file order.
        pub const HEADER: [&str; 14] = [
            ACCOUNT_ID,
            CAMPAIGN_ID,
            SCORE,
            HANDLE,
            ROLE,
            POSTS,
            COORDINATED_POSTS,
            "coordinated_share",
            "leads",
            "follows",
            "created_at",
            "first_post",
            "last_post",
            PLATFORM,
        ];
    }

    /// `edges.csv` of `analyze` and the CSV of `network`: one row per pair and behaviour.
    pub mod edges {
        /// Lower account id.
        pub const SOURCE: &str = "source";
        /// Higher account id.
        pub const TARGET: &str = "target";
        /// Co-actions.
        pub const WEIGHT: &str = "weight";
        /// Behaviour name.
        pub const EDGE_TYPE: &str = "edge_type";
        /// Campaign of both accounts, 0 for none (`analyze` only).
        pub const CAMPAIGN_ID: &str = "campaign_id";
        /// The columns every edge file starts with.
        pub const HEADER: [&str; 4] = [SOURCE, TARGET, WEIGHT, EDGE_TYPE];
        /// `analyze`'s columns after [`HEADER`], before the pair statistics.
        pub const ANALYZE: [&str; 5] = [
            CAMPAIGN_ID,
            "window_s",
            "expected",
            "neg_log10_p",
            "neg_log10_q",
        ];
        /// Pair statistics of a native pair, shared by `network` and `analyze`.
        pub const PAIR_STATS: [&str; 7] = [
            "posts_source",
            "posts_target",
            "objects",
            "min_dt_s",
            "mean_dt_s",
            "source_first",
            "target_first",
        ];
        /// `analyze`'s last columns: each side's platform (added last, so scripts reading
        /// columns by position keep working).
        pub const PLATFORMS: [&str; 2] = ["source_platform", "target_platform"];
    }

    /// `evidence.csv`: one row per co-action; `analyze` puts [`CAMPAIGN_ID`] first.
    pub mod evidence {
        /// Campaign of both accounts, 0 for none (`analyze` only, first column).
        pub const CAMPAIGN_ID: &str = "campaign_id";
        /// The columns after the campaign, joined: the header line of `network
        /// --evidence`.
        pub const HEADER: &str =
            "behaviour,object,post_a,account_a,time_a,post_b,account_b,time_b,dt_seconds";
        /// [`HEADER`]'s columns, for readers.
        pub const COLUMNS: [&str; 9] = [
            "behaviour",
            "object",
            "post_a",
            "account_a",
            "time_a",
            "post_b",
            "account_b",
            "time_b",
            "dt_seconds",
        ];
    }

    /// `coordinated_posts.csv`: every post behind the evidence.
    pub mod coordinated_posts {
        /// Every column, in file order.
        pub const HEADER: [&str; 11] = [
            "post_id",
            "account_id",
            "handle",
            "time",
            "kind",
            "repost_of",
            "reply_to",
            "quote_of",
            "text",
            "urls",
            "hashtags",
        ];
    }

    /// Files of the narratives stage.
    pub mod narratives {
        /// `post_labels.csv`.
        pub const POST_LABELS: &str = "post_id,template_id,narrative_id,campaign_id";
        /// `echo_posts.csv`.
        pub const ECHO_POSTS: &str = "post_id,reference_id,reference_url,match,containment,lag_s,account_id,campaign_id,coordinated";
        /// `seed_amplifications.csv`.
        pub const SEED_AMPLIFICATIONS: &str =
            "post_id,account_id,seed_account_id,seed_label,kind,delay_s,campaign_id,coordinated";
        /// Every `timeseries_*.csv`.
        pub const SERIES: &str = "series,bin_start,posts,coordinated_posts";
    }
}

/// `campaigns.json`: the campaigns, best first, and the groups set aside.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CampaignsFile {
    /// Campaigns, ranked by score (ids 1, 2, ...).
    pub campaigns: Vec<Campaign>,
    /// Dense, significant groups not reported as campaigns, with the reason.
    #[serde(default)]
    pub set_aside: Vec<SetAside>,
}

/// One campaign of `campaigns.json`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Campaign {
    /// What its evidence rests on besides its behaviours: objects and time grid.
    pub basis: Basis,
    /// Significant internal edges per behaviour.
    pub behaviours: BTreeMap<String, usize>,
    /// Share of the members' posts in the busiest nine-hour block.
    pub busiest_9h_share: f64,
    /// UTC start hour of that block.
    pub busiest_9h_start_utc: u32,
    /// Share of the members' posts that are evidence.
    pub coordinated_share: f64,
    /// Days on which several members' accounts were created: (YYYY-MM-DD, count).
    pub creation_batches: Vec<(String, usize)>,
    /// Members with known creation dates.
    pub creation_known: usize,
    /// DISARM technique ids its evidence supports, sorted ([`crate::kind::disarm_techniques`]).
    pub disarm: Vec<String>,
    /// A few co-actions inside the campaign.
    pub evidence_samples: Vec<EvidenceSample>,
    /// First post of any member, RFC 3339.
    pub first_post: String,
    /// Members' posts per hour of day, UTC (24 values).
    pub hour_profile_utc: Vec<u64>,
    /// 1-based id, ranked by score.
    pub id: u32,
    /// UTC offset implied if the busiest block is a 09:00-18:00 working day.
    pub implied_utc_offset: i32,
    /// Internal fused edges.
    pub internal_edges: usize,
    /// What it does, from its behaviours and evidence: `copy-paste`, `repost ring`,
    /// `boost ring`, `link ring`, `hashtag push`, `reply swarm`, `cross-platform` or
    /// `mixed` ([`crate::kind::campaign_kind`]).
    pub kind: String,
    /// Its name in words: kind, size, top narrative terms and active period
    /// (`copy-paste, 30 accounts: 美国芯片 / 后门 / 安全, 1–4 Aug 2025`).
    pub label: String,
    /// Last post of any member, RFC 3339.
    pub last_post: String,
    /// Account ids of the members acting first most often.
    pub leaders: Vec<String>,
    /// Members, strongest first.
    pub members: Vec<Member>,
    /// The members' platforms, sorted and distinct: a campaign that spans platforms says
    /// so (`["twitter", "wechat", "weibo"]`).
    pub platforms: Vec<String>,
    /// Overall score in [0, 1].
    pub score: f64,
    /// What the score is made of.
    pub score_components: ScoreComponents,
    /// Number of members.
    pub size: usize,
}

/// What a group's evidence rests on (lockstep-campaigns' `Basis`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Basis {
    /// Share of the internal evidence from behaviours on other accounts' posts (co-repost,
    /// co-reply): under a half, what the group amplifies does not make it a slice of a crowd.
    pub amplify_evidence: f64,
    /// Share of the internal evidence carried by pairs that co-acted on two or more objects.
    pub multi_object_evidence: f64,
    /// Distinct objects two or more members acted on.
    pub objects: usize,
    /// With rounds (the default), for a core split off a round group that its rounds set aside: the
    /// size of that group (the core is judged by its own rounds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_core_of: Option<usize>,
    /// Share of the internal evidence that is round overlaps on reposts or replies.
    pub round_evidence: f64,
    /// How the members act together on other accounts' posts.
    pub rounds: Rounds,
    /// With `--seed-accounts`: of the members' acts on the posts two or more of them acted
    /// on, the share on seed accounts' posts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed_echo: Option<f64>,
    /// The grid the co-actions were judged on: millisecond, second, minute or mixed.
    pub time_resolution: String,
    /// Share of the member pairs meeting on objects that meet on the most shared one.
    pub top_object_share: f64,
}

/// How a group acts together on other accounts' posts (lockstep-campaigns' `RoundSignals`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rounds {
    /// Rounds that start well after their post appeared (at least twice their span, on
    /// the stamps' grid): the members' moment is not explained by the post.
    pub independent: usize,
    /// Median over rounds of the time from the post's creation to that span, seconds.
    pub lag_s: f64,
    /// Posts on which at least a quarter of the members (three or more) acted (reposted or
    /// replied).
    pub rounds: usize,
    /// Share of the members' acts on posts that are in those rounds.
    pub share: f64,
    /// Distinct authors of those posts.
    pub sources: usize,
    /// Median over rounds of the shortest span holding half the members' acts, seconds.
    pub span_s: f64,
    /// Of the rounds, those on which most of the members there act within one ten-minute
    /// moment.
    pub synchronised: usize,
    /// Median over rounds of the share of the post's reposts and replies made in that span.
    pub traffic_share: f64,
}

/// The visible parts of a campaign's score.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScoreComponents {
    /// Distinct behaviours with internal edges.
    pub behaviours: usize,
    /// Co-actions on internal edges.
    pub co_actions: u64,
    /// Internal edges over possible pairs.
    pub density: f64,
    /// Share of the activity around the members' acts that the members made.
    pub exclusivity: f64,
    /// Median -log10 q of internal fused edges.
    pub median_evidence: f64,
    /// Median smallest |dt| of internal edges, seconds.
    pub median_min_dt_s: f64,
    /// Median over members of the share of a member's amplifying that went to its own
    /// most amplified author (fans of two stars joined in one group: each amplifies one).
    pub member_concentration: f64,
    /// Share of the amplified posts coming from the most amplified author.
    pub source_concentration: f64,
    /// Sum of -log10 q over internal fused edges.
    pub total_evidence: f64,
}

/// One member of a campaign.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Member {
    /// Account id as in the input.
    pub account_id: String,
    /// Posts that are evidence.
    pub coordinated_posts: u64,
    /// Handle, when the input has one.
    pub handle: Option<String>,
    /// The account's platform.
    pub platform: String,
    /// Posts by the account.
    pub posts: u64,
    /// `leader`, `amplifier` or `peer`.
    pub role: String,
    /// Account score in the campaign.
    pub score: f64,
}

/// One co-action shown with a campaign: two posts by two members on one object.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvidenceSample {
    /// Author of the first post.
    pub account_a: String,
    /// Author of the second post.
    pub account_b: String,
    /// Behaviour name.
    pub behaviour: String,
    /// Seconds between the posts.
    pub dt_s: f64,
    /// What both acted on (post id, URL, text, hashtag set, ...).
    pub object: String,
    /// First post's platform.
    pub platform_a: String,
    /// Second post's platform.
    pub platform_b: String,
    /// First post's id.
    pub post_a: String,
    /// Second post's id.
    pub post_b: String,
    /// First post's text.
    pub text_a: String,
    /// Second post's text.
    pub text_b: String,
    /// First post's time, RFC 3339.
    pub time_a: String,
    /// Second post's time, RFC 3339.
    pub time_b: String,
}

/// A dense, significant group not reported as a campaign.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetAside {
    /// Number of accounts.
    pub accounts: usize,
    /// What its evidence rests on.
    pub basis: Basis,
    /// Member account ids.
    pub members: Vec<String>,
    /// The members' platforms, sorted and distinct.
    pub platforms: Vec<String>,
    /// Why it was set aside.
    pub reason: String,
    /// Its score components.
    pub score_components: ScoreComponents,
}

/// `summary.json`: what ran on what, with counts, parameters and timings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// Figures of each behaviour's test (lockstep-campaigns' `BehaviourSummary`).
    pub behaviours: Vec<Value>,
    /// `analyze`.
    pub command: String,
    /// Counts of records, posts, accounts, edges, evidence and campaigns.
    pub counts: Counts,
    /// Input files as read (lockstep-ingest's `FileReport`s).
    pub inputs: Value,
    /// Version of the lockstep that wrote the file.
    pub lockstep_version: String,
    /// The narratives stage's figures.
    pub narratives: Value,
    /// Parameters of the run.
    pub parameters: Parameters,
    /// Where rejected records went, if any.
    pub rejected_file: Option<String>,
    /// Seconds per stage.
    pub timings_s: BTreeMap<String, f64>,
    /// Seconds in all.
    pub total_s: f64,
    /// Warnings of reading the input, then of the analysis (time precision).
    pub warnings: Vec<String>,
}

/// `counts` of [`Summary`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counts {
    /// Accounts with posts (the "no author" accounts of posts without one not counted).
    pub accounts: usize,
    /// Accounts in a campaign.
    pub campaign_accounts: usize,
    /// Campaigns.
    pub campaigns: usize,
    /// Duplicate records dropped.
    pub duplicates: u64,
    /// Rows of edges.csv.
    pub edges: u64,
    /// Rows of evidence.csv.
    pub evidence_rows: u64,
    /// Posts by kind.
    pub kinds: Kinds,
    /// Duplicate records merged into one post.
    pub merged: u64,
    /// Posts analysed.
    pub posts: usize,
    /// Posts without a known author (empty or anonymised placeholder author id): kept as
    /// posts, no account's act.
    pub posts_without_author: usize,
    /// Records read.
    pub records: u64,
    /// Records rejected.
    pub rejected: u64,
}

/// Posts by kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Kinds {
    /// Original posts.
    pub original: usize,
    /// Quotes.
    pub quote: usize,
    /// Replies.
    pub reply: usize,
    /// Reposts.
    pub repost: usize,
}

/// `parameters` of [`Summary`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Parameters {
    /// Behaviours tested, in order.
    pub behaviours: Vec<String>,
    /// How campaigns are found, in words.
    pub community_detection: String,
    /// Detection parameters (lockstep-campaigns' `DetectParams`).
    pub detection: Value,
    /// The null model, in words.
    pub null_model: String,
    /// `native`.
    pub semantics: String,
    /// Worker threads.
    pub threads: usize,
    /// `--window` when given.
    pub window_override: Option<String>,
    /// Windows tested per behaviour, seconds.
    pub windows_s: BTreeMap<String, Vec<f64>>,
}

/// The time grid of the narratives stage's series.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Grid {
    /// Bin width, seconds.
    pub bin_seconds: f64,
    /// Number of bins.
    pub bins: usize,
    /// Start of the first bin, RFC 3339.
    pub start: String,
}

/// `narratives.json`. The sections are lockstep-narratives' own types, kept as values
/// here (see the module docs on field order).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NarrativesFile {
    /// Activity of each campaign: series and bursts.
    pub campaigns: Value,
    /// Term statistics.
    pub counts: Value,
    /// `lockstep-narratives VERSION`.
    pub generated_by: String,
    /// The time grid.
    pub grid: Grid,
    /// The methods, in words.
    pub methods: Value,
    /// Narratives with their templates, terms, series and bursts.
    pub narratives: Value,
    /// The whole run's series.
    pub overall: Value,
    /// Options of the stage.
    pub parameters: Value,
    /// Watch terms with their series and bursts.
    pub watch_terms: Value,
}

/// `echo.json`: references and their echo, seed accounts and their amplification.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EchoFile {
    /// `lockstep-narratives VERSION`.
    pub generated_by: String,
    /// The time grid.
    pub grid: Grid,
    /// The methods, in words.
    pub methods: Value,
    /// Options of echo and seed accounts.
    pub parameters: Value,
    /// References with their echo (empty without `--reference`).
    pub references: Value,
    /// Seed accounts and their amplification (null without `--seed-accounts`).
    pub seed_accounts: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Serialising a struct writes its fields in declaration order; the files are written
    /// with sorted keys, so the two agree only if the declarations are sorted.
    fn assert_sorted<T: Serialize + Default>() {
        let text = serde_json::to_string(&T::default()).expect("serialises");
        let value: Value = serde_json::from_str(&text).expect("parses");
        assert_eq!(text, value.to_string(), "fields out of order in {text}");
    }

    #[test]
    fn fields_are_declared_in_file_order() {
        assert_sorted::<CampaignsFile>();
        assert_sorted::<Campaign>();
        assert_sorted::<ScoreComponents>();
        assert_sorted::<Member>();
        assert_sorted::<EvidenceSample>();
        assert_sorted::<SetAside>();
        assert_sorted::<Summary>();
        assert_sorted::<Counts>();
        assert_sorted::<Kinds>();
        assert_sorted::<Parameters>();
        assert_sorted::<Grid>();
        assert_sorted::<NarrativesFile>();
        assert_sorted::<EchoFile>();
    }

    #[test]
    fn evidence_header_is_its_columns() {
        assert_eq!(
            columns::evidence::COLUMNS.join(","),
            columns::evidence::HEADER
        );
    }

    #[test]
    fn campaigns_round_trip() {
        let doc = CampaignsFile {
            campaigns: vec![Campaign {
                id: 1,
                score: 0.5,
                members: vec![Member {
                    account_id: "a".into(),
                    handle: None,
                    role: "peer".into(),
                    ..Member::default()
                }],
                behaviours: [("co-repost".to_string(), 3)].into_iter().collect(),
                ..Campaign::default()
            }],
            set_aside: vec![],
        };
        let text = serde_json::to_string_pretty(&doc).expect("serialises");
        let back: CampaignsFile = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, doc);
        // A file from before set-aside groups still reads.
        let old: CampaignsFile = serde_json::from_str(r#"{"campaigns": []}"#).expect("parses");
        assert!(old.set_aside.is_empty());
    }
}
