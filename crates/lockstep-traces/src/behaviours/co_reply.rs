//! co-reply: replying to the same post.

use super::{Extracted, Spec, MINUTE_AND_QUARTER};
use crate::trace::ev;
use crate::{ObjectSpace, Semantics};
use lockstep_model::{PostTable, NONE};

pub const SPEC: Spec = Spec {
    name: "co-reply",
    cnt_name: Some("co_reply"),
    aliases: &[],
    about: "replying to the same post",
    authored: false,
    default: true,
    multi_object: false,
    windows_ms: MINUTE_AND_QUARTER,
    supported: |t| (0..t.len() as u32).any(|p| t.reply_to(p) != NONE),
    lack: |_| "no post in the input (reposts aside) is a reply",
    extract: Some(extract),
};

fn extract(table: &PostTable, _: Semantics) -> Extracted {
    let events = (0..table.len() as u32)
        .filter(|&p| table.repost_of(p) == NONE && table.reply_to(p) != NONE)
        .map(|p| ev(table, p, table.reply_to(p)))
        .collect();
    (events, ObjectSpace::PostRefs)
}
