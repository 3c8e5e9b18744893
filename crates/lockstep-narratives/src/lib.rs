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

pub mod analyze;
pub mod burst;
pub mod discover;
pub mod echo;
pub mod findings;
pub mod group;
pub mod meta_csv;
pub mod narrative;
pub mod options;
pub mod refine;
pub mod seeds;
pub mod stopwords;
pub mod terms;
pub mod watch;
pub mod write;

pub use analyze::analyze_narratives;
pub use burst::{BinGrid, BurstParams};
pub use echo::{load_references, EchoKind, EchoParams, EchoPost, LoadError, Reference};
pub use findings::{
    Amplifier, CampaignActivity, Example, Narrative, Narratives, Overall, ReferenceEcho,
    SeedCampaign, SeedReport, SeedsEcho, TermStats, TermWeight, Timings, WatchTerm,
};
pub use narrative::TermParams;
pub use options::NarrativeOptions;
pub use refine::{RefineParams, TemplateSet};
pub use seeds::{load_seeds, AmpKind, Amplification, SeedAccount, SeedIndex};
pub use watch::{parse_watch, watch_terms};
pub use write::{
    documents, output_counts, write_documents, write_outputs, write_tables, OutputCounts,
};

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
