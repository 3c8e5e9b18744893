//! Near-duplicate text at scale, in every language.
//!
//! Copy-paste with small edits is the signature of state-linked campaigns: the same
//! sentence posted by fifty accounts with a changed punctuation mark, an emoji, a
//! traditional instead of a simplified character, a synonym, a hashtag or a mention added.
//! This crate finds those near-duplicates among hundreds of millions of posts:
//!
//! - [`lockstep_traces::text::Normaliser`] undoes the cosmetic edits (NFKC, case folding,
//!   invisible characters, links, mentions, optionally hashtags), with
//!   [`fold::t2s`] folding traditional Chinese to simplified;
//! - [`shingle`] cuts the text into units that fit the script (characters where words are
//!   not separated by spaces, words elsewhere) and shingles them (unit 1- and 2-grams);
//! - [`lsh`] computes MinHash signatures and LSH bands, tuned so that a pair at the
//!   threshold becomes a candidate with probability at least 0.995;
//! - [`templates`] verifies every candidate exactly (Jaccard on shingle sets) against a
//!   template's representative and gives each post a template id;
//! - [`co_similar_trace`] turns templates into the co-similar behaviour trace (the object
//!   of a post is its template), which the kernel sweeps with the time window;
//! - [`cnt`] reproduces coordination-network-toolkit's `co_similar_tweet` exactly, for
//!   users who compare.

pub mod cnt;
pub mod fold;
pub mod lsh;
pub mod recall;
pub mod shingle;
pub mod templates;

pub use lsh::LshParams;
pub use templates::{assign_templates, TemplateStats, Templates};

use lockstep_model::{Interner, PostTable};
use lockstep_traces::{Behaviour, Event, ObjectSpace, Semantics, Trace};
use rayon::prelude::*;

/// lockstep's default similarity threshold for co-similar.
pub const DEFAULT_THRESHOLD: f64 = 0.8;

/// Parameters of near-duplicate detection.
#[derive(Clone, Debug)]
pub struct SimilarParams {
    /// Two texts are near-duplicates when the Jaccard similarity of their shingle sets is
    /// at least this (default 0.8).
    pub threshold: f64,
    /// Longest unit n-gram in a shingle set (default 2: units and unit bigrams).
    pub max_n: usize,
    /// Texts with fewer units (words, or characters in unspaced scripts) after
    /// normalisation get no template (default 4), so that "Congrats!" and "同意" do not
    /// form templates of their own.
    pub min_units: usize,
    /// Remove hashtags before comparing (default true): an added hashtag is one of the
    /// cosmetic edits, and co-hashtag covers hashtags.
    pub strip_hashtags: bool,
    /// Fold traditional Chinese characters to simplified (default true).
    pub fold_chinese: bool,
    /// Treat every repost's text as its reposter's own (default false: only Weibo reposts
    /// have own words, their comment before the `//@` chain; a retweet's or a forward's
    /// text is its original's; see [`templates::post_text`]).
    pub include_reposts: bool,
    /// Templates with fewer posts are dropped (default 2: a template is a text used at
    /// least twice).
    pub min_template_posts: usize,
    /// LSH banding; `None` picks it from the threshold ([`LshParams::for_threshold`]).
    pub lsh: Option<LshParams>,
    /// At most this many leaders are checked per LSH bucket (default 64): bounds the work
    /// in buckets that boilerplate shared by thousands of distinct texts fills up.
    pub max_leaders_per_bucket: usize,
    /// Seed of the MinHash family.
    pub seed: u64,
}

impl Default for SimilarParams {
    fn default() -> Self {
        Self {
            threshold: DEFAULT_THRESHOLD,
            max_n: 2,
            min_units: 4,
            strip_hashtags: true,
            fold_chinese: true,
            include_reposts: false,
            min_template_posts: 2,
            lsh: None,
            max_leaders_per_bucket: 64,
            seed: 0x6c6f_636b_7374_6570,
        }
    }
}

impl SimilarParams {
    /// Defaults with another threshold.
    pub fn with_threshold(threshold: f64) -> Self {
        Self {
            threshold,
            ..Self::default()
        }
    }
}

/// lockstep's normalisation for similarity (hashtags stripped, traditional Chinese folded
/// to simplified), as a string: what the shingler sees.
pub fn normalise(text: &str) -> String {
    lockstep_traces::text::Normaliser::new(templates::normalise_options(&SimilarParams::default()))
        .normalise(text)
}

/// The shingle set of `text` under `params` (empty when the text is too short).
pub fn shingle_set(text: &str, params: &SimilarParams) -> Vec<u32> {
    let mut n = lockstep_traces::text::Normaliser::new(templates::normalise_options(params));
    let (mut norm, mut units, mut out) = (String::new(), Vec::new(), Vec::new());
    templates::shingle_text(text, params, &mut n, &mut norm, &mut units, &mut out);
    out
}

/// The native co-similar trace: one event per post that belongs to a template, whose
/// object is the template id (labelled by its decimal number, as in `post_labels.csv`).
pub fn co_similar_trace(table: &PostTable, templates: &Templates) -> Trace {
    let mut events: Vec<Event> = templates
        .post_templates()
        .par_iter()
        .enumerate()
        // Posts without a known author are in templates (narratives count them) but are
        // no account's act.
        .filter(|(p, &t)| t != lockstep_model::NONE && table.has_author(*p as u32))
        .map(|(p, &t)| Event {
            time: table.time(p as u32),
            object: t,
            account: table.author(p as u32),
            post: p as u32,
        })
        .collect();
    events.par_sort_unstable_by_key(|e| (e.object, e.time, e.post));
    let mut labels = Interner::new();
    let mut buf = itoa_buf();
    for t in 0..templates.len() as u32 {
        labels.intern(fmt_u32(&mut buf, t));
    }
    Trace {
        behaviour: Behaviour::CoSimilar,
        semantics: Semantics::Native,
        events,
        space: ObjectSpace::Labels(labels),
        multi_object_posts: false,
    }
}

fn itoa_buf() -> String {
    String::with_capacity(10)
}

fn fmt_u32(buf: &mut String, x: u32) -> &str {
    use std::fmt::Write;
    buf.clear();
    let _ = write!(buf, "{x}");
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_for_similarity() {
        // Traditional folded to simplified, Weibo topic, mention, link and emoji
        // presentation selector removed, full-width punctuation folded.
        assert_eq!(
            normalise("#H20後門# 美國芯片，美國控制！@人民日報 https://t.cn/A6x 😡\u{FE0F}"),
            "美国芯片,美国控制! 😡"
        );
        // Japanese: half-width katakana, full-width digits, tags.
        assert_eq!(
            normalise("ｶﾀｶﾅ表記の投稿２０２５ #拡散希望"),
            "カタカナ表记の投稿2025"
        );
        assert_eq!(normalise("RT @x: Привет, МИР #тег"), "привет, мир");
        assert_eq!(normalise("\u{200F}عاجل: الرئيس @news"), "عاجل: الرئيس");
        assert_eq!(
            normalise("Don’t STOP me now!! 🎶 #queen"),
            "don’t stop me now!! 🎶"
        );
    }

    #[test]
    fn shingle_sets_respect_min_units() {
        let p = SimilarParams::default();
        assert!(shingle_set("Congrats!", &p).is_empty());
        assert!(shingle_set("同意", &p).is_empty());
        assert!(!shingle_set("美国控制一切", &p).is_empty());
        assert_eq!(
            shingle_set("美國芯片，美國控制！", &p),
            shingle_set("美国芯片 美国控制", &p)
        );
    }
}
