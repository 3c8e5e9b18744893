//! co-repost: re-sharing the same post.

use super::{Extracted, Spec, MINUTE_AND_QUARTER};
use crate::trace::ev;
use crate::{ObjectSpace, Semantics};
use lockstep_model::{PostTable, NONE};

pub const SPEC: Spec = Spec {
    name: "co-repost",
    cnt_name: Some("co_retweet"),
    aliases: &["co-retweet"],
    about: "re-sharing the same post (retweet, reblog, repost, forward)",
    authored: false,
    default: true,
    multi_object: false,
    windows_ms: MINUTE_AND_QUARTER,
    supported: |t| (0..t.len() as u32).any(|p| t.repost_of(p) != NONE),
    lack: |_| "no post in the input is a repost",
    extract: Some(extract),
};

fn extract(table: &PostTable, _: Semantics) -> Extracted {
    let events = (0..table.len() as u32)
        .filter(|&p| table.repost_of(p) != NONE)
        .map(|p| ev(table, p, table.repost_of(p)))
        .collect();
    (events, ObjectSpace::PostRefs)
}
