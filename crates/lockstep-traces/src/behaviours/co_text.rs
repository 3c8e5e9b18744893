//! co-text: posting the same text, after normalisation.

use super::{Extracted, Spec, MINUTE_AND_QUARTER};
use crate::text::{cnt_normalise, post_words, NormaliseOptions, Normaliser};
use crate::trace::{keyed, keyed_with};
use crate::{ObjectSpace, Semantics};
use lockstep_model::{PostTable, NONE};

pub const SPEC: Spec = Spec {
    name: "co-text",
    cnt_name: Some("co_tweet"),
    aliases: &["co-tweet"],
    about: "posting the same text (after normalisation)",
    authored: true,
    default: true,
    multi_object: false,
    windows_ms: MINUTE_AND_QUARTER,
    supported: has_texts,
    lack: |_| "no post in the input (reposts aside) has text to compare",
    extract: Some(extract),
};

/// Whether some post other than a repost has text (co-text, co-similar).
pub(super) fn has_texts(t: &PostTable) -> bool {
    (0..t.len() as u32).any(|p| t.repost_of(p) == NONE && !t.text(p).is_empty())
}

fn extract(table: &PostTable, semantics: Semantics) -> Extracted {
    let not_repost = |p| table.repost_of(p) == NONE;
    let (events, labels) = match semantics {
        Semantics::Cnt => keyed(table, |p| {
            not_repost(p).then(|| cnt_normalise(table.text(p)))
        }),
        // Own words only (see `text::own_words`): a Weibo repost's comment counts, its
        // chain and default texts do not, and a retweet has none.
        _ => keyed_with(
            table,
            || Normaliser::new(NormaliseOptions::CO_TEXT),
            |normaliser, p, key| {
                let words = post_words(table, p);
                if words.is_empty() {
                    return false;
                }
                normaliser.normalise_into(words, key);
                !key.is_empty()
            },
        ),
    };
    (events, ObjectSpace::Labels(labels))
}
