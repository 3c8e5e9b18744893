//! co-post: posting anything at the same time, the density baseline.

use super::{Extracted, Spec};
use crate::trace::ev;
use crate::{ObjectSpace, Semantics};
use lockstep_model::PostTable;

pub const SPEC: Spec = Spec {
    name: "co-post",
    cnt_name: Some("co_post"),
    aliases: &[],
    about: "posting anything at the same time (the density baseline)",
    authored: false,
    // Any two posts: a baseline to name, not a behaviour to test by default.
    default: false,
    multi_object: false,
    windows_ms: &[10_000],
    supported: |t| !t.is_empty(),
    lack: |_| "the input has no posts",
    extract: Some(extract),
};

fn extract(table: &PostTable, _: Semantics) -> Extracted {
    let events = (0..table.len() as u32).map(|p| ev(table, p, 0)).collect();
    (events, ObjectSpace::Single("*"))
}
