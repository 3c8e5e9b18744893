//! co-similar: posting near-identical text. Its trace is not extracted here: the objects
//! are lockstep-similar's near-duplicate templates (`co_similar_trace`) or, under the
//! toolkit's semantics, every non-repost compared pairwise (`cnt::cnt_trace`).

use super::{Spec, MINUTE_AND_QUARTER};

pub const SPEC: Spec = Spec {
    name: "co-similar",
    cnt_name: Some("co_similar_tweet"),
    aliases: &[],
    about: "posting near-identical text",
    authored: true,
    default: true,
    multi_object: false,
    windows_ms: MINUTE_AND_QUARTER,
    supported: super::co_text::has_texts,
    lack: |t| {
        if super::co_text::has_texts(t) {
            "no two posts in the input (reposts aside) are near-duplicates"
        } else {
            "no post in the input (reposts aside) has text to compare"
        }
    },
    extract: None,
};
