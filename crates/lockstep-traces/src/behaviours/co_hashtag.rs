//! co-hashtag: posting the same set of hashtags.

use super::{Extracted, Spec, MINUTE_AND_QUARTER};
use crate::text::post_hashtags;
use crate::trace::keyed;
use crate::{ObjectSpace, Semantics};
use lockstep_model::PostTable;
use unicode_normalization::UnicodeNormalization;

pub const SPEC: Spec = Spec {
    name: "co-hashtag",
    cnt_name: None,
    aliases: &[],
    about: "posting the same set of hashtags",
    authored: false,
    default: true,
    multi_object: false,
    windows_ms: MINUTE_AND_QUARTER,
    supported: |t| (0..t.len() as u32).any(|p| !t.hashtag_syms(p).is_empty()),
    lack: |_| "no post in the input (reposts aside) has hashtags",
    extract: Some(extract),
};

fn extract(table: &PostTable, _: Semantics) -> Extracted {
    let (events, labels) = keyed(table, |p| {
        // The author's own tags: a Weibo repost's topics in its comment count, a retweet's
        // and those further down a repost chain do not.
        let syms = post_hashtags(table, p);
        if syms.is_empty() {
            return None;
        }
        let mut tags: Vec<String> = syms
            .iter()
            .map(|&s| {
                table
                    .hashtags
                    .resolve(s)
                    .nfkc()
                    .flat_map(char::to_lowercase)
                    .collect()
            })
            .collect();
        tags.sort();
        tags.dedup();
        Some(tags.join(" "))
    });
    (events, ObjectSpace::Labels(labels))
}
